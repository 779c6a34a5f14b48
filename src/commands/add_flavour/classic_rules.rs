//! A `debian/rules` that runs the debhelper commands itself, without `dh`
//! (zlib, libffi): the add-on's sequence never runs there, so add-flavour
//! appends rules that run the flavour's stages from the standard targets,
//! each after its native counterpart. Only prerequisites are added to the
//! existing targets; their recipes stay as they are.

use super::{RULES, Refusal};
use crate::debian::rules::dh_rumprun_stages_called;
use makefile_lossless::Makefile;
use std::collections::BTreeSet;

/// The stamp file of the flavour's configure, build and test.
const STAMP: &str = "debian/rumprun-flavour-stamp";

/// The text to append to a rules file without dh, so that the flavour's
/// stages run outside the `profile` build profile: `None` when the file
/// calls the stages already. Refused when it lacks a standard target to
/// hang them on (a CDBS rules file, say).
pub(super) fn hooks(text: &str, profile: &str) -> Result<Option<String>, Refusal> {
    let (makefile, _errors) = Makefile::from_str_relaxed(text);
    if !dh_rumprun_stages_called(&makefile).is_empty() {
        return Ok(None);
    }
    let targets: BTreeSet<String> = makefile
        .rules()
        .flat_map(|r| r.targets().collect::<Vec<_>>())
        .collect();
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
         {builds}: {STAMP}\n\
         {STAMP}:\n\
         \tdh_rumprun_configure -a\n\
         \tdh_rumprun_build -a\n\
         \tdh_rumprun_test -a\n\
         \ttouch $@\n\
         {binary}: rumprun-flavour-install\n\
         rumprun-flavour-install: {STAMP}\n\
         \tdh_rumprun_install -a\n\
         \tdh_rumprun_substvars -a\n\
         clean: rumprun-flavour-clean\n\
         rumprun-flavour-clean:\n\
         \tdh_rumprun_clean -a\n\
         \trm -f {STAMP}\n\
         .PHONY: rumprun-flavour-install rumprun-flavour-clean\n\
         endif\n",
        builds = builds.join(" "),
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
}
