//! A `debian/rules` where the add-on's sequences do not run the stages:
//! one that runs the debhelper commands itself, without `dh` (zlib,
//! libffi), and one that runs dh for its install and binary targets but
//! builds through targets of its own (qemu). add-flavour appends rules that
//! run the stages dh does not from the standard targets, each after its
//! native counterpart. Only prerequisites are added to the existing
//! targets; their recipes stay as they are.

use super::{RULES, Refusal};
use crate::debian::rules::{dh_rumprun_stages_called, is_dh_hook, rule_runs_dh};
use makefile_lossless::Makefile;
use std::collections::BTreeSet;

/// The stamp file of the flavour's configure, build and test.
const STAMP: &str = "debian/rumprun-flavour-stamp";

/// The targets of a rules file's rules.
fn targets(makefile: &Makefile) -> BTreeSet<String> {
    makefile
        .rules()
        .flat_map(|r| r.targets().collect::<Vec<_>>())
        .collect()
}

/// The rules that run the flavour's configure, build and test from the
/// build targets `builds`, once, after their native prerequisites. A stage
/// with an `override_dh_rumprun_*` target among `targets` runs through it,
/// as dh would run it (`debian/rules override_dh_rumprun_configure`).
fn build_rules(builds: &[&str], targets: &BTreeSet<String>) -> String {
    let run = |stage: &str| {
        let override_target = format!("override_{stage}");
        if targets.contains(&override_target) {
            format!("\t$(MAKE) -f debian/rules {override_target}\n")
        } else {
            format!("\t{stage} -a\n")
        }
    };
    format!(
        "{builds}: {STAMP}\n\
         {STAMP}:\n\
         {configure}{build}{test}\
         \ttouch $@\n",
        builds = builds.join(" "),
        configure = run("dh_rumprun_configure"),
        build = run("dh_rumprun_build"),
        test = run("dh_rumprun_test"),
    )
}

/// The rules that run the flavour's clean from `clean`.
fn clean_rules() -> String {
    format!(
        "clean: rumprun-flavour-clean\n\
         rumprun-flavour-clean:\n\
         \tdh_rumprun_clean -a\n\
         \trm -f {STAMP}\n"
    )
}

/// Whether `debian/rules build-arch` reaches dh's build sequence, where
/// the add-on runs the flavour's configure, build and test: a recipe runs
/// dh on `build-arch` or `build`, or on `%` while no rule of those two
/// targets has a recipe of its own (make takes the pattern's recipe for a
/// target whose explicit rules have none).
fn dh_runs_the_build(makefile: &Makefile) -> bool {
    let mut dh_targets = BTreeSet::new();
    let mut own_recipe = BTreeSet::new();
    for rule in makefile.rules() {
        let runs = rule_runs_dh(&rule);
        let has_recipe = rule.recipe_nodes().next().is_some();
        for target in rule.targets() {
            if runs {
                dh_targets.insert(target);
            } else if has_recipe {
                own_recipe.insert(target);
            }
        }
    }
    let builds = ["build-arch", "build"];
    builds.iter().any(|t| dh_targets.contains(*t))
        || (dh_targets.contains("%") && !builds.iter().any(|t| own_recipe.contains(*t)))
}

/// Whether a recipe of a target other than dh's overrides and hooks
/// (`override_*`, `execute_before_*`, `execute_after_*`) calls a stage:
/// the rules file runs the stages from its own targets already.
fn stages_run_from_own_targets(makefile: &Makefile) -> bool {
    !dh_rumprun_stages_called(makefile, |rule| !is_dh_hook(rule)).is_empty()
}

/// The text to append to a rules file that runs dh but not dh's build
/// sequence (qemu's builds through `build-arch: build-qemu ...`), so that
/// the flavour's configure, build and test run from its build targets
/// outside the `profile` build profile; dh runs the flavour's install and
/// substvars in its install and binary sequences as usual. `None` when dh
/// runs the build, or the file calls the stages already.
pub(super) fn build_hooks(text: &str, profile: &str) -> Option<String> {
    let (makefile, _errors) = Makefile::from_str_relaxed(text);
    if dh_runs_the_build(&makefile) || stages_run_from_own_targets(&makefile) {
        return None;
    }
    let all = targets(&makefile);
    let builds: Vec<&str> = ["build-arch", "build"]
        .into_iter()
        .filter(|t| all.contains(*t))
        .collect();
    if builds.is_empty() {
        return None;
    }
    Some(format!(
        "# The rumprun flavour's build (dh_rumprun add-flavour). This file builds\n\
         # through targets of its own rather than dh's build sequence, so the\n\
         # flavour's configure, build and test run from them, after the native\n\
         # build, and not at all under the {profile} build profile; dh runs the\n\
         # flavour's install and substvars in its own sequences.\n\
         ifeq (,$(filter {profile},$(DEB_BUILD_PROFILES)))\n\
         {build}\
         {clean}\
         .PHONY: rumprun-flavour-clean\n\
         endif\n",
        build = build_rules(&builds, &all),
        clean = clean_rules(),
    ))
}

/// The text to append to a rules file without dh, so that the flavour's
/// stages run outside the `profile` build profile: `None` when the file
/// calls the stages already. Refused when it lacks a standard target to
/// hang them on (a CDBS rules file, say).
pub(super) fn hooks(text: &str, profile: &str) -> Result<Option<String>, Refusal> {
    let (makefile, _errors) = Makefile::from_str_relaxed(text);
    if !dh_rumprun_stages_called(&makefile, |_| true).is_empty() {
        return Ok(None);
    }
    let targets = targets(&makefile);
    let has = |t: &str| targets.contains(t);
    let builds: Vec<&str> = ["build-arch", "build"]
        .into_iter()
        .filter(|t| has(t))
        .collect();
    let binary = ["binary-arch", "binary"].into_iter().find(|t| has(t));
    let (Some(binary), false, true) = (binary, builds.is_empty(), has("clean")) else {
        return Err(Refusal(format!(
            "{RULES} neither runs dh nor has the targets build or build-arch, binary-arch or binary, and clean \
             as rules of its own, so there is nowhere to run the rumprun stages; call dh_rumprun_configure, \
             dh_rumprun_build and dh_rumprun_test after the native build, dh_rumprun_install and \
             dh_rumprun_substvars after the native install and before dh_gencontrol, and dh_rumprun_clean in clean"
        )));
    };
    Ok(Some(format!(
        "# The rumprun flavour's stages (dh_rumprun add-flavour). This file runs the\n\
         # debhelper commands itself, so the stages run from its targets, each after\n\
         # its native counterpart: the flavour's build after the native build, its\n\
         # install after the native install and before the {binary} commands\n\
         # (dh_rumprun_substvars before dh_gencontrol), and not at all under the\n\
         # {profile} build profile.\n\
         ifeq (,$(filter {profile},$(DEB_BUILD_PROFILES)))\n\
         {build}\
         {binary}: rumprun-flavour-install\n\
         rumprun-flavour-install: {STAMP}\n\
         \tdh_rumprun_install -a\n\
         \tdh_rumprun_substvars -a\n\
         {clean}\
         .PHONY: rumprun-flavour-install rumprun-flavour-clean\n\
         endif\n",
        build = build_rules(&builds, &targets),
        clean = clean_rules(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    #[test]
    fn stages_hang_on_the_targets_there_are() {
        let zlib_like = indoc! {"
            build: build-arch build-indep
            build-arch: build-stamp
            build-stamp:
            \t$(MAKE)
            clean:
            \tdh_clean
            binary-arch: build install
            \tdh_gencontrol -a
        "};
        let block = hooks(zlib_like, "pkg.zlib.norumprun").unwrap().unwrap();
        assert!(block.contains("ifeq (,$(filter pkg.zlib.norumprun,$(DEB_BUILD_PROFILES)))\n"));
        assert!(block.contains("\nbuild-arch build: debian/rumprun-flavour-stamp\n"));
        assert!(block.contains("\nbinary-arch: rumprun-flavour-install\n"));
        assert!(block.contains("\tdh_rumprun_substvars -a\n"));
        assert!(block.ends_with("endif\n"));
        // What add-flavour appended parses, and a second run adds nothing.
        let both = format!("{zlib_like}\n{block}");
        let (_, errors) = Makefile::from_str_relaxed(&both);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(hooks(&both, "pkg.zlib.norumprun").unwrap(), None);

        let only_build = "build:\n\tmake\nbinary: build\n\tdh_builddeb\nclean:\n\tdh_clean\n";
        let block = hooks(only_build, "p").unwrap().unwrap();
        assert!(block.contains("\nbuild: debian/rumprun-flavour-stamp\n"));
        assert!(block.contains("\nbinary: rumprun-flavour-install\n"));

        let cdbs = "include /usr/share/cdbs/1/rules/debhelper.mk\n";
        assert!(hooks(cdbs, "p").unwrap_err().0.contains("nowhere to run"));
    }

    #[test]
    fn build_targets_of_its_own_get_the_flavours_build() {
        // qemu's: dh for the install and binary targets only (a static
        // pattern rule), the build through targets of its own.
        let qemu_like = indoc! {"
            build-arch: build-qemu
            build-qemu:
            	$(MAKE) -C b/qemu
            build: build-arch build-indep
            binary-arch binary-indep binary \\
            install-arch install-indep install \\
            : %:
            	dh $@
            clean:
            	dh_clean
        "};
        let block = build_hooks(qemu_like, "pkg.qemu.norumprun").expect("a block");
        assert!(
            block.contains("\nbuild-arch build: debian/rumprun-flavour-stamp\n"),
            "{block}"
        );
        assert!(block.contains("\tdh_rumprun_configure -a\n"));
        assert!(block.contains("\nclean: rumprun-flavour-clean\n"));
        assert!(
            !block.contains("dh_rumprun_install"),
            "dh's install sequence runs it: {block}"
        );
        let both = format!("{qemu_like}\n{block}");
        assert_eq!(
            build_hooks(&both, "pkg.qemu.norumprun"),
            None,
            "a second run adds nothing"
        );
        let with_override = format!(
            "{qemu_like}override_dh_rumprun_configure:\n\tdh_rumprun_configure -- --static\n"
        );
        let block = build_hooks(&with_override, "p").expect("an override is no hook");
        assert!(
            block.contains(
                "\t$(MAKE) -f debian/rules override_dh_rumprun_configure\n\tdh_rumprun_build -a\n"
            ),
            "the override runs the configure, as dh would run it: {block}"
        );

        for dh_builds in [
            "%:\n\tdh $@\n",
            // Explicit build targets without a recipe take the pattern's.
            "build-arch: build-stamp\nbuild-stamp:\n\ttouch $@\n%:\n\tdh $@\n",
            "build build-arch:\n\tdh $@ --with foo\nbinary:\n\tdh $@\n",
        ] {
            assert_eq!(build_hooks(dh_builds, "p"), None, "{dh_builds}");
        }
        let own_recipe = "build-arch:\n\t$(MAKE)\n%:\n\tdh $@\n";
        assert!(build_hooks(own_recipe, "p").is_some());
    }
}
