//! `dh_rumprun_build`: builds the rumprun flavour after `dh_auto_build`.

use super::Context;
use crate::build_env::parallel_jobs;
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Plan, Step};

/// The manual of `dh_rumprun_build`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_build",
    summary: "build the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_build builds the rumprun unikernel flavour configured by \
        dh_rumprun_configure, with dh_auto_build in the flavour's build directory and its clean \
        cross environment. It honours DEB_BUILD_OPTIONS=parallel=N and --max-parallel.\n\n\
        Arguments after -- are passed to the build system.",
    options: &[],
    notes: "",
};

/// Builds the flavour: `dh_auto_build` in the flavour's build directory.
pub fn plan(ctx: &Context) -> Result<Plan, InputError> {
    // A malformed parallel=N is an error here rather than silently serial.
    parallel_jobs(&ctx.env)?;
    let extra: Vec<String> = ctx.parallel_option().into_iter().collect();
    let mut steps = vec![Step::Run(ctx.dh_auto("dh_auto_build", &extra))];
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}
