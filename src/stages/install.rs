//! `dh_rumprun_install`: installs the rumprun flavour after `dh_auto_install`.

use super::{Context, stage_dir};
use crate::manual::Manual;
use crate::plan::{Plan, Step};

/// The manual of `dh_rumprun_install`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_install",
    summary: "install the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_install installs the rumprun flavour with dh_auto_install into a \
        staging directory, debian/.debhelper/rumprun/stage, never into the native packages' \
        directories. From there the flavour packages are filled: program flavours get the \
        programs listed in debian/PKG.rumprun baked into unikernel images, library flavours the \
        static archives, headers and pkg-config files under /usr/TRIPLET/.",
    options: &[],
    notes: "",
};

/// Installs the flavour into its staging directory.
pub fn plan(ctx: &Context) -> Plan {
    let destdir = format!("--destdir={}", stage_dir().display());
    let mut steps = vec![
        Step::RemoveTree(stage_dir()),
        Step::Run(ctx.dh_auto("dh_auto_install", &[destdir])),
    ];
    steps.extend(ctx.log_steps());
    Plan { steps }
}
