//! `dh_rumprun_clean`: removes what the stages made, after `dh_auto_clean`.

use super::Context;
use crate::flavour::layout::FLAVOUR_DIR;
use crate::manual::Manual;
use crate::plan::{Plan, Step};
use std::path::PathBuf;

/// The manual of `dh_rumprun_clean`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_clean",
    summary: "remove what the rumprun stages made",
    synopsis: "[debhelper options]",
    description: "dh_rumprun_clean removes the rumprun flavour's build directory and staged \
        install, debian/.debhelper/rumprun/. Everything the stages make lives there or in the \
        packages' own directories under debian/, which dh_clean removes, so a package whose \
        clean sequence could not take this stage (the add-on activated from \
        Build-Depends-Arch) is still cleaned completely by dh_clean.",
    options: &[],
    notes: "",
};

/// Removes the flavour's directory.
pub fn plan(ctx: &Context) -> Plan {
    let mut steps = vec![Step::RemoveTree(PathBuf::from(FLAVOUR_DIR))];
    steps.extend(ctx.log_steps());
    Plan { steps }
}
