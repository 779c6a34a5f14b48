//! `dh_rumprun_build`: builds the rumprun flavour after `dh_auto_build`.

use super::Context;
use crate::build_env::parallel_jobs;
use crate::layout::Layout;
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
        cross environment. It honours DEB_BUILD_OPTIONS=parallel=N and --max-parallel. A plain \
        Makefile gets the triplet's tools as variables on the make command line (CC, CXX, AR, \
        RANLIB, NM, LD, STRIP, PKG_CONFIG), so that they win over the Makefile's own.\n\n\
        Arguments after -- are passed to the build system.",
    options: &[],
    notes: "",
};

/// The tool variables a plain Makefile gets on the make command line.
pub fn make_tool_variables(ctx: &Context, layout: &Layout) -> Vec<String> {
    if layout.family() != "makefile" {
        return Vec::new();
    }
    let env = ctx.flavour_env();
    [
        "CC",
        "CXX",
        "AR",
        "RANLIB",
        "NM",
        "LD",
        "STRIP",
        "PKG_CONFIG",
    ]
    .iter()
    .filter_map(|k| {
        env.iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.as_ref())
            .map(|v| format!("{k}={v}"))
    })
    .collect()
}

/// Builds the flavour: `dh_auto_build` in the flavour's build directory.
pub fn plan(ctx: &Context, layout: &Layout) -> Result<Plan, InputError> {
    // A malformed parallel=N is an error here rather than silently serial.
    parallel_jobs(&ctx.env)?;
    let extra: Vec<String> = ctx.parallel_option().into_iter().collect();
    let vars = make_tool_variables(ctx, layout);
    let mut steps = vec![Step::Run(ctx.dh_auto(
        "dh_auto_build",
        layout,
        &extra,
        &vars,
    ))];
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}
