//! `dh_rumprun_test`: the flavour's test stage, after `dh_auto_test`.

use super::Context;
use crate::manual::Manual;
use crate::plan::Plan;

/// The manual of `dh_rumprun_test`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_test",
    summary: "test the rumprun flavour of a package",
    synopsis: "[debhelper options]",
    description: "dh_rumprun_test is the flavour's test stage. A rumprun program is a \
        cross-compiled unikernel that cannot run on the build machine, so, as debhelper does for \
        any cross build, it runs no upstream test suite; with DEB_BUILD_OPTIONS=nocheck it does \
        nothing at all.\n\n\
        Tests that can run (for example a host-side check of the staged files) belong in \
        override_dh_rumprun_test or execute_after_dh_rumprun_test in debian/rules, which dh runs \
        in its place.",
    options: &[],
    notes: "",
};

/// Tests the flavour: nothing can run on the build machine, so the plan only
/// logs the command when run from an override.
pub fn plan(ctx: &Context) -> Plan {
    Plan {
        steps: ctx.log_steps(),
    }
}
