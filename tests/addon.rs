//! The dh sequence add-on (`debhelper/rumprun.pm`), seen through `dh`.
//!
//! Each scenario copies a fixture from `fixtures/addon-*` to a temporary
//! directory and reads `dh SEQUENCE --no-act`.  It runs twice:
//! - from the tree: `dh` loads `debhelper/rumprun.pm` through `PERL5LIB`
//!   (plain `cargo test`; needs debhelper only);
//! - installed: `dh` loads the add-on and finds the commands of the installed
//!   dh-rumprun package (`#[ignore]`d; `./run-tests` builds and installs the
//!   .deb, then runs them with `cargo test -- --ignored`).
//!
//! The scenarios about what dh skips need the installed binaries, so they
//! run only installed.

mod common;

use common::{
    TempTree, addon_lib_from_tree, assert_absent, assert_immediately_after, copy_fixture,
    position_of, raw_lines, repo_root, run_dh, steps,
};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

const INSTALLED_ADDON: &str = "/usr/share/perl5/Debian/Debhelper/Sequence/rumprun.pm";

/// Where `dh` gets the add-on from.
#[derive(Clone, Copy)]
enum Addon {
    /// `debhelper/rumprun.pm` of this tree, through `PERL5LIB`.
    Tree,
    /// The installed dh-rumprun package.
    Installed,
}

/// A private copy of a fixture, and the `dh` environment for one `Addon`.
struct Case {
    tree: TempTree,
    perl5lib: Option<TempTree>,
}

impl Case {
    fn new(fixture: &str, addon: Addon) -> Case {
        let perl5lib = match addon {
            Addon::Tree => Some(addon_lib_from_tree()),
            Addon::Installed => {
                assert!(
                    Path::new(INSTALLED_ADDON).is_file(),
                    "{INSTALLED_ADDON} is missing: install the dh-rumprun .deb first (./run-tests does)"
                );
                None
            }
        };
        Case {
            tree: copy_fixture(fixture),
            perl5lib,
        }
    }

    fn dir(&self) -> &Path {
        self.tree.path()
    }

    fn env<'a>(&'a self, extra: &[(&'a str, &'a OsStr)]) -> Vec<(&'a str, &'a OsStr)> {
        let mut env: Vec<(&str, &OsStr)> = extra.to_vec();
        if let Some(lib) = &self.perl5lib {
            env.push(("PERL5LIB", lib.path().as_os_str()));
        }
        env
    }

    /// `dh SEQUENCE --no-act`'s steps (options dropped).
    fn no_act(&self, sequence: &str, extra: &[(&str, &OsStr)]) -> Vec<String> {
        steps(&self.no_act_output(sequence, extra))
    }

    fn no_act_output(&self, sequence: &str, extra: &[(&str, &OsStr)]) -> std::process::Output {
        run_dh(self.dir(), &[sequence, "--no-act"], &self.env(extra))
    }
}

/// The build and binary stages, each right after its dh_auto_* step, and
/// dh_rumprun_substvars right before dh_gencontrol.
fn assert_stages_in_place(steps: &[String]) {
    assert_immediately_after(steps, "dh_auto_configure", "dh_rumprun_configure");
    assert_immediately_after(steps, "dh_auto_build", "dh_rumprun_build");
    assert_immediately_after(steps, "dh_auto_test", "dh_rumprun_test");
    assert_immediately_after(steps, "dh_auto_install", "dh_rumprun_install");
    assert_immediately_after(steps, "dh_rumprun_substvars", "dh_gencontrol");
}

/// Every stage of the binary sequence.
const BINARY_STAGES: [&str; 5] = [
    "dh_rumprun_configure",
    "dh_rumprun_build",
    "dh_rumprun_test",
    "dh_rumprun_install",
    "dh_rumprun_substvars",
];

// ---------------------------------------------------------------------------
// Scenarios

fn basic_binary_places_every_stage(addon: Addon) {
    let case = Case::new("addon-basic", addon);
    let steps = case.no_act("binary", &[]);
    assert_stages_in_place(&steps);
    // The clean stage belongs to the clean sequence only.
    assert_absent(&steps, "dh_rumprun_clean");
}

fn basic_clean_places_clean_stage(addon: Addon) {
    let case = Case::new("addon-basic", addon);
    let steps = case.no_act("clean", &[]);
    assert_immediately_after(&steps, "dh_auto_clean", "dh_rumprun_clean");
    assert!(position_of(&steps, "dh_rumprun_clean") < position_of(&steps, "dh_clean"));
}

fn override_target_replaces_configure_stage(addon: Addon) {
    let case = Case::new("addon-override", addon);
    let steps = case.no_act("binary", &[]);
    // dh prints the override target it would run in place of the command.
    assert_immediately_after(
        &steps,
        "dh_auto_configure",
        "debian/rules override_dh_rumprun_configure",
    );
    assert_absent(&steps, "dh_rumprun_configure");
    // The other stages are untouched.
    assert_immediately_after(&steps, "dh_auto_build", "dh_rumprun_build");
    assert_immediately_after(&steps, "dh_auto_install", "dh_rumprun_install");
    assert_immediately_after(&steps, "dh_rumprun_substvars", "dh_gencontrol");
}

fn arch_binary_arch_places_stages(addon: Addon) {
    let case = Case::new("addon-arch", addon);
    let output = case.no_act_output("binary-arch", &[]);
    assert_stages_in_place(&steps(&output));
    for line in raw_lines(&output)
        .iter()
        .filter(|l| l.starts_with("dh_rumprun"))
    {
        assert!(
            line.ends_with(" -a"),
            "{line:?} should act on arch packages (-a)"
        );
    }
}

fn arch_binary_limits_stages_to_arch(addon: Addon) {
    // From Build-Depends-Arch the add-on is conditional: in the full binary
    // sequence its stages run with -a only, and dh does not die.
    let case = Case::new("addon-arch", addon);
    let output = case.no_act_output("binary", &[]);
    assert_stages_in_place(&steps(&output));
    let lines = raw_lines(&output);
    for stage in BINARY_STAGES {
        assert!(
            lines.iter().any(|l| l == &format!("{stage} -a")),
            "{stage} should run with -a only:\n{}",
            lines.join("\n")
        );
    }
}

fn arch_clean_works_without_clean_stage(addon: Addon) {
    // The clean sequence has no arch/indep split, so a conditional add-on
    // cannot join it; dh clean must still work.
    let case = Case::new("addon-arch", addon);
    let steps = case.no_act("clean", &[]);
    position_of(&steps, "dh_auto_clean");
    position_of(&steps, "dh_clean");
    assert_absent(&steps, "dh_rumprun_clean");
}

// ---------------------------------------------------------------------------
// From the tree (plain `cargo test`)

#[test]
fn tree_basic_binary_places_every_stage() {
    basic_binary_places_every_stage(Addon::Tree);
}

#[test]
fn tree_basic_clean_places_clean_stage() {
    basic_clean_places_clean_stage(Addon::Tree);
}

#[test]
fn tree_override_target_replaces_configure_stage() {
    override_target_replaces_configure_stage(Addon::Tree);
}

#[test]
fn tree_arch_binary_arch_places_stages() {
    arch_binary_arch_places_stages(Addon::Tree);
}

#[test]
fn tree_arch_binary_limits_stages_to_arch() {
    arch_binary_limits_stages_to_arch(Addon::Tree);
}

#[test]
fn tree_arch_clean_works_without_clean_stage() {
    arch_clean_works_without_clean_stage(Addon::Tree);
}

// ---------------------------------------------------------------------------
// With the installed package (`./run-tests`)

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_package_matches_this_tree() {
    let installed = fs::read(INSTALLED_ADDON)
        .unwrap_or_else(|e| panic!("{INSTALLED_ADDON}: {e}: install the dh-rumprun .deb first"));
    let ours = fs::read(repo_root().join("debhelper/rumprun.pm")).expect("debhelper/rumprun.pm");
    assert!(
        installed == ours,
        "{INSTALLED_ADDON} differs from debhelper/rumprun.pm: the installed .deb is stale"
    );
    for stage in BINARY_STAGES.iter().chain(&["dh_rumprun_clean"]) {
        let link = Path::new("/usr/bin").join(stage);
        let target = fs::read_link(&link).unwrap_or_else(|e| panic!("{}: {e}", link.display()));
        assert_eq!(
            target,
            Path::new("dh_rumprun"),
            "{} should link to dh_rumprun",
            link.display()
        );
    }
}

/// Whether a command's executable holds dh's `PROMISE: DH NOOP` hint
/// (what `extract_skipinfo` reads).
fn has_promise(path: &str) -> bool {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .windows(b"PROMISE: DH NOOP".len())
        .any(|w| w == b"PROMISE: DH NOOP")
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_binary_carries_no_promise() {
    // debian/PKG.rumprun is optional, and dh's promise language can only
    // test for files: any promise would make dh skip a flavour's stages.
    assert!(
        !has_promise("/usr/bin/dh_rumprun"),
        "/usr/bin/dh_rumprun must not carry a dh NOOP promise"
    );
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_basic_binary_places_every_stage() {
    basic_binary_places_every_stage(Addon::Installed);
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_basic_clean_places_clean_stage() {
    basic_clean_places_clean_stage(Addon::Installed);
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_override_target_replaces_configure_stage() {
    override_target_replaces_configure_stage(Addon::Installed);
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_arch_binary_arch_places_stages() {
    arch_binary_arch_places_stages(Addon::Installed);
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_arch_binary_limits_stages_to_arch() {
    arch_binary_limits_stages_to_arch(Addon::Installed);
}

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_arch_clean_works_without_clean_stage() {
    arch_clean_works_without_clean_stage(Addon::Installed);
}

// dh honours NOOP promises in --no-act listings only with
// DH_INTERNAL_TEST_CAN_SKIP=1 (SequencerUtil.pm, _can_skip_command).
const CAN_SKIP: (&str, &str) = ("DH_INTERNAL_TEST_CAN_SKIP", "1");

#[test]
#[ignore = "needs the installed dh-rumprun .deb; run ./run-tests"]
fn installed_stages_run_with_and_without_a_rumprun_file() {
    let case = Case::new("addon-basic", Addon::Installed);
    assert!(case.dir().join("debian/hello-rumprun.rumprun").is_file());
    let steps = case.no_act("binary", &[(CAN_SKIP.0, OsStr::new(CAN_SKIP.1))]);
    assert_stages_in_place(&steps);
    fs::remove_file(case.dir().join("debian/hello-rumprun.rumprun"))
        .expect("removing the .rumprun file");
    let steps = case.no_act("binary", &[(CAN_SKIP.0, OsStr::new(CAN_SKIP.1))]);
    assert_stages_in_place(&steps);
}
