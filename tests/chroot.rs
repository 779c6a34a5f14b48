//! The chroot tier: dh-rumprun where Debian builds packages.
//!
//! The chain of fixtures/packages/libgreet (a library flavour) and
//! fixtures/packages/greet (a program flavour linked with it) is built in
//! a Debian 12 buildd chroot, as source packages (.dsc), by
//! `sbuild --chroot-mode=unshare` as an unprivileged user, and by
//! `pbuilder`; dh-rumprun, the stand-in toolchain and libgreet's results
//! reach the chroot as local packages (`--extra-package`, or a local apt
//! repository for pbuilder), everything else comes from the Debian mirror.
//!
//! Each build is checked as the chain test on the host checks it (files,
//! fields, each baked image run on the host, lintian), and for being
//! clean: inside the chroot, after the build, no file outside the build
//! tree is newer than a stamp taken just before it (so neither `HOME` nor
//! any other place was written), and no file of the build tree belongs to
//! root (the build ran as the build user; the fixtures say
//! `Rules-Requires-Root: no`). The build itself has no network: the
//! demo-network fixture, whose flavour build downloads a file, fails at
//! once with curl's error. With its `norumprun` profile, libgreet builds
//! its native packages in the chroot with neither dh-rumprun nor a
//! toolchain to install. The sbuild chain runs twice, and the second
//! run's .debs must be byte-identical to the first's (diffoscope shows the
//! difference when they are not).
//!
//! Needs what `tools/chroot-setup` prepares (the build user and the chroot
//! tarball, named by DH_RUMPRUN_BUILD_USER and DH_RUMPRUN_CHROOT_TARBALL,
//! with the defaults it uses) and the .debs `./run-tests` builds into
//! target/debian/; so the tests are `#[ignore]`d and run from ./run-tests.

mod common;

#[path = "chroot/builders.rs"]
mod builders;

use builders::{Built, Chroot, Scratch, pbuilder, sbuild, tool_debs};
use common::debs::{
    LIBGREET_RUMPRUN_DEV_FILES, assert_lintian_clean, check_flavour, deb_field, greet,
    shipped_files, sources_of, tail,
};
use common::toolchain::Toolchain;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The library half of the chain's checks: libgreet's build gives
/// libgreet-rumprun-dev with exactly the archive, header and .pc, linking
/// nothing. The program half: greet's build, against it, gives
/// greet-rumprun whose image runs and prints libgreet's greeting, with
/// Static-Built-Using naming libgreet and the toolchain packages (C
/// library, components) the chroot installed and the bake linked, and
/// Built-Using libgreet (LGPL).
fn check_library(what: &str, library: &Built) {
    library.assert_clean_success(&format!("{what}: libgreet"));
    let lib = &library.debs["libgreet-rumprun-dev"];
    assert_eq!(shipped_files(lib), LIBGREET_RUMPRUN_DEV_FILES, "{what}");
    assert_eq!(deb_field(lib, "Static-Built-Using"), "", "{what}");
    assert_lintian_clean(lib);
}

/// The program half of the chain's checks (see [`check_library`]).
fn check_program(what: &str, program: &Built, scratch: &Path) {
    program.assert_clean_success(&format!("{what}: greet"));
    // The toolchain packages as the chroot installed them: the source
    // names as on the host, the versions from the build's log.
    let in_chroot = |packages: &[&str]| {
        let mut sources = vec!["libgreet (= 1.0-1)".to_string()];
        for package in packages {
            let source = sources_of(&[package]);
            let name = source.split(' ').next().unwrap_or_default().to_string();
            sources.push(format!("{name} (= {})", program.installed_version(package)));
        }
        sources.sort();
        sources.dedup();
        sources.join(", ")
    };
    let toolchain = Toolchain::installed();
    check_flavour(
        &greet(),
        &program.debs["greet-rumprun"],
        scratch,
        &in_chroot(toolchain.linked()),
    );
    assert_eq!(
        deb_field(&program.debs["greet-rumprun"], "Built-Using"),
        in_chroot(toolchain.built_using()),
        "{what}"
    );
}

/// The .debs libgreet's build made that greet's build needs.
fn libgreet_debs(library: &Built) -> Vec<PathBuf> {
    ["libgreet1", "libgreet-dev", "libgreet-rumprun-dev"]
        .iter()
        .map(|p| library.debs[*p].clone())
        .collect()
}

/// Compares two runs' .debs byte for byte; diffoscope (when installed)
/// shows what differs.
fn assert_same_debs(first: &BTreeMap<String, PathBuf>, second: &BTreeMap<String, PathBuf>) {
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the two runs built different packages"
    );
    let mut differ = Vec::new();
    for (pkg, deb) in first {
        if fs::read(deb).expect("deb") != fs::read(&second[pkg]).expect("deb") {
            let shown = Command::new("diffoscope")
                .arg("--text=-")
                .arg(deb)
                .arg(&second[pkg])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_else(|e| format!("(diffoscope: {e})"));
            differ.push(format!("{pkg}:\n{}", tail(&shown, 60)));
        }
    }
    assert!(
        differ.is_empty(),
        "two sbuild runs of the chain gave different .debs:\n{}",
        differ.join("\n")
    );
}

#[test]
#[ignore = "needs tools/chroot-setup and the .debs ./run-tests builds; run ./run-tests"]
fn sbuild_builds_the_chain_reproducibly() {
    let chroot = Chroot::from_setup();
    let scratch = Scratch::new(&chroot, "sbuild-chain");
    let tools = tool_debs();
    let mut runs = Vec::new();
    for run in ["first", "second"] {
        let what = format!("sbuild ({run} run)");
        let library = sbuild(
            &chroot,
            &scratch,
            &format!("{run}-libgreet"),
            "libgreet",
            &tools,
            &[],
        );
        check_library(&what, &library);
        let mut extra = tools.clone();
        extra.extend(libgreet_debs(&library));
        let program = sbuild(
            &chroot,
            &scratch,
            &format!("{run}-greet"),
            "greet",
            &extra,
            &[],
        );
        check_program(&what, &program, scratch.path());
        eprintln!(
            "sbuild chain ({run} run): libgreet {:.1} s, greet {:.1} s",
            library.secs, program.secs
        );
        runs.push((library, program));
    }
    assert_same_debs(&runs[0].0.debs, &runs[1].0.debs);
    assert_same_debs(&runs[0].1.debs, &runs[1].1.debs);
}

/// The chain once in sbuild with the real Rumprun toolchain's .deb as an
/// extra package: greet's image boots in QEMU and greets, and its
/// Static-Built-Using names the toolchain's source (whose C library and
/// rump kernel components the bake linked). ./run-tests runs it after
/// installing the real toolchain.
#[test]
#[ignore = "needs tools/chroot-setup, the real toolchain installed and its .deb; run ./run-tests"]
fn real_toolchain_sbuild_builds_the_chain() {
    assert_eq!(
        Toolchain::installed(),
        Toolchain::Real,
        "rumprun-toolchain-hw is not installed: ./run-tests installs it for this test"
    );
    let chroot = Chroot::from_setup();
    let scratch = Scratch::new(&chroot, "sbuild-real");
    let tools = tool_debs();
    let library = sbuild(&chroot, &scratch, "libgreet", "libgreet", &tools, &[]);
    check_library("sbuild (real toolchain)", &library);
    let mut extra = tools.clone();
    extra.extend(libgreet_debs(&library));
    let program = sbuild(&chroot, &scratch, "greet", "greet", &extra, &[]);
    check_program("sbuild (real toolchain)", &program, scratch.path());
    eprintln!(
        "sbuild chain with the real toolchain: libgreet {:.1} s, greet {:.1} s",
        library.secs, program.secs
    );
}

#[test]
#[ignore = "needs tools/chroot-setup and the .debs ./run-tests builds; run ./run-tests"]
fn sbuild_flavour_build_without_network_fails_at_once() {
    let chroot = Chroot::from_setup();
    let scratch = Scratch::new(&chroot, "sbuild-network");
    let built = sbuild(
        &chroot,
        &scratch,
        "network",
        "demo-network",
        &tool_debs(),
        &[],
    );
    assert!(
        !built.success,
        "demo-network built, with the network reachable"
    );
    let log = &built.log;
    let curl = log
        .lines()
        .position(|l| l.starts_with("curl: (6) Could not resolve host: deb.debian.org"))
        .unwrap_or_else(|| panic!("no curl error in the log:\n{}", tail(log, 60)));
    let stage = log
        .lines()
        .take(curl)
        .filter(|l| l.starts_with("   dh_"))
        .last()
        .unwrap_or_default();
    assert_eq!(stage, "   dh_rumprun_build -a", "the failing stage");
    assert!(
        log.contains("dh_rumprun_build: error:"),
        "dh_rumprun_build did not report the failure:\n{}",
        tail(log, 40)
    );
    eprintln!(
        "sbuild demo-network failed as it must, in {:.1} s",
        built.secs
    );
}

/// With its `norumprun` profile, a source with a flavour builds in the
/// chroot with neither dh-rumprun nor a rumprun toolchain available, and
/// gives the native packages only.
#[test]
#[ignore = "needs tools/chroot-setup and the .debs ./run-tests builds; run ./run-tests"]
fn sbuild_norumprun_profile_needs_neither_addon_nor_toolchain() {
    let chroot = Chroot::from_setup();
    let scratch = Scratch::new(&chroot, "sbuild-norumprun");
    let built = sbuild(
        &chroot,
        &scratch,
        "norumprun",
        "libgreet",
        &[],
        &["pkg.libgreet.norumprun"],
    );
    built.assert_clean_success("sbuild libgreet with pkg.libgreet.norumprun");
    assert_eq!(
        built.debs.keys().collect::<Vec<_>>(),
        ["libgreet-dev", "libgreet1", "libgreet1-dbgsym"],
        "the native packages only"
    );
}

#[test]
#[ignore = "needs tools/chroot-setup and the .debs ./run-tests builds; run ./run-tests"]
fn pbuilder_builds_the_chain() {
    let chroot = Chroot::from_setup();
    let scratch = Scratch::new(&chroot, "pbuilder-chain");
    let tools = tool_debs();
    let library = pbuilder(&chroot, &scratch, "libgreet", "libgreet", &tools);
    check_library("pbuilder", &library);
    let mut extra = tools.clone();
    extra.extend(libgreet_debs(&library));
    let program = pbuilder(&chroot, &scratch, "greet", "greet", &extra);
    check_program("pbuilder", &program, scratch.path());
    eprintln!(
        "pbuilder chain: libgreet {:.1} s, greet {:.1} s",
        library.secs, program.secs
    );
}
