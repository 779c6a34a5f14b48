//! `dh_rumprun_configure`: configures the rumprun flavour after
//! `dh_auto_configure` configured the native build.

use super::Context;
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Plan, Step};

/// The manual of `dh_rumprun_configure`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_configure",
    summary: "configure the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_configure configures the rumprun unikernel flavour of the source package, \
        in its own build directory under debian/.debhelper/rumprun/, with the build system dh would \
        choose (or the one given with --buildsystem). It runs dh_auto_configure with the flavour's \
        clean cross environment: the rumprun triplet's tools in CC, CXX, AR, RANLIB, NM and STRIP, \
        -O2 -g (-O0 under noopt) plus RUMPRUN_CFLAGS, none of the host's build flags, and \
        PKG_CONFIG_LIBDIR on /usr/TRIPLET/lib/pkgconfig.\n\n\
        It acts on the flavour packages debhelper selects: binary packages whose name ends in -rumprun \
        (programs) or -rumprun-dev (libraries), or that say X-Rumprun-Flavour: program or library. Each \
        needs a file debian/PKG.rumprun (comments only is fine); without any, dh skips the stage.\n\n\
        Arguments after -- are passed to the build system, as with dh_auto_configure; use \
        override_dh_rumprun_configure in debian/rules to add them.",
    options: &[],
    notes: "The rumprun toolchain is found on PATH or in $RUMPRUN_TOOLCHAIN/bin.",
};

/// Configures the flavour: `dh_auto_configure` in the flavour's build directory.
pub fn plan(ctx: &Context) -> Result<Plan, InputError> {
    let mut steps = vec![Step::Run(ctx.dh_auto("dh_auto_configure", &[]))];
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}
