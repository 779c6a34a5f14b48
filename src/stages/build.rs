//! `dh_rumprun_build`: builds the rumprun flavour after `dh_auto_build`.

use super::Context;
use crate::flavour::build_env::parallel_jobs;
use crate::flavour::layout::{Layout, flavour_prefix};
use crate::flavour::make_dirs::{assigned_directories, directory_arguments, is_makefile_name};
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Plan, Step};
use std::collections::BTreeSet;

/// The manual of `dh_rumprun_build`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_build",
    summary: "build the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_build builds the rumprun unikernel flavour configured by \
        dh_rumprun_configure, with dh_auto_build in the flavour's build directory and its clean \
        cross environment. It honours DEB_BUILD_OPTIONS=parallel=N and --max-parallel. A plain \
        Makefile gets the triplet's tools as variables on the make command line (CC, CXX, AR, \
        RANLIB, NM, STRIP, PKG_CONFIG), so that they win over the Makefile's own (LD only in the \
        environment: Makefiles that say LD = $(CC) link with it), and the \
        flavour's prefix /usr/TRIPLET as prefix= and PREFIX=; the directory variables exec_prefix, \
        bindir, sbindir, libdir, includedir (and EXEC_PREFIX, BINDIR, SBINDIR, LIBDIR, \
        INCLUDEDIR, INCDIR) are set under it where a Makefile of the tree (Makefile, makefile, \
        GNUmakefile, *.mk) assigns them an install path. dh_rumprun_install passes the same.\n\n\
        Arguments after -- are passed to the build system.",
    options: &[],
    notes: "",
};

/// The directory variables the Makefiles of a plain-Makefile flavour's
/// tree assign an install path (see [`crate::flavour::make_dirs`]); empty for
/// other build systems.
pub fn makefile_directories(ctx: &Context, layout: &Layout) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    if layout.family() != "makefile" {
        return found;
    }
    let tree = walkdir::WalkDir::new(ctx.root.join(layout.work_dir())).max_depth(4);
    for entry in tree.into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && is_makefile_name(&name) {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                found.extend(assigned_directories(&text));
            }
        }
    }
    found
}

/// The variables a plain Makefile gets on the make command line: the
/// triplet's tools, then the flavour's prefix and the directory variables
/// `directories` (from [`makefile_directories`]) under it.
pub fn make_variables(ctx: &Context, layout: &Layout, directories: &BTreeSet<&str>) -> Vec<String> {
    if layout.family() != "makefile" {
        return Vec::new();
    }
    let env = ctx.flavour_env(layout);
    let mut vars: Vec<String> = ["CC", "CXX", "AR", "RANLIB", "NM", "STRIP", "PKG_CONFIG"]
        .iter()
        .filter_map(|k| {
            env.iter()
                .find(|(n, _)| n == k)
                .and_then(|(_, v)| v.as_ref())
                .map(|v| format!("{k}={v}"))
        })
        .collect();
    vars.extend(directory_arguments(
        &flavour_prefix(ctx.triplet),
        directories,
    ));
    vars
}

/// Builds the flavour: `dh_auto_build` in the flavour's build directory;
/// `directories` as for [`make_variables`].
pub fn plan(
    ctx: &Context,
    layout: &Layout,
    directories: &BTreeSet<&str>,
) -> Result<Plan, InputError> {
    // A malformed parallel=N is an error here rather than silently serial.
    parallel_jobs(&ctx.env)?;
    let extra: Vec<String> = ctx.parallel_option().into_iter().collect();
    let vars = make_variables(ctx, layout, directories);
    let mut steps = vec![Step::Run(ctx.dh_auto(
        "dh_auto_build",
        layout,
        &extra,
        &vars,
    ))];
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavour::layout::Tree;
    use crate::stages::{Stage, test_context};

    #[test]
    fn plain_makefiles_get_the_tools_and_the_prefix_on_the_command_line() {
        let ctx = test_context(Stage::Build, &[], &[("DEB_BUILD_OPTIONS", "parallel=2")]);
        let make = Layout {
            build_system: "makefile".into(),
            tree: Tree::Copy { from: ".".into() },
            compiler_include: None,
        };
        let plan = plan(&ctx, &make, &["LIBDIR"].into_iter().collect()).expect("plan");
        let line = plan.steps[0].to_string();
        assert!(
            line.ends_with(
                "dh_auto_build --buildsystem=makefile --sourcedirectory=debian/.debhelper/rumprun/source -- CC=x86_64-rumprun-netbsd-gcc CXX=x86_64-rumprun-netbsd-g++ AR=x86_64-rumprun-netbsd-ar RANLIB=x86_64-rumprun-netbsd-ranlib NM=x86_64-rumprun-netbsd-nm STRIP=x86_64-rumprun-netbsd-strip PKG_CONFIG=x86_64-rumprun-netbsd-pkg-config prefix=/usr/x86_64-rumprun-netbsd PREFIX=/usr/x86_64-rumprun-netbsd LIBDIR=/usr/x86_64-rumprun-netbsd/lib"
            ),
            "{line}"
        );
        let cmake = Layout {
            build_system: "cmake".into(),
            tree: Tree::OutOfTree { source: ".".into() },
            compiler_include: None,
        };
        let line = plan_line(&ctx, &cmake);
        assert!(
            line.ends_with(
                "dh_auto_build --buildsystem=cmake --builddirectory=debian/.debhelper/rumprun/build"
            ),
            "{line}"
        );
    }

    fn plan_line(ctx: &Context, layout: &Layout) -> String {
        plan(ctx, layout, &BTreeSet::new()).expect("plan").steps[0].to_string()
    }
}
