//! Whole source packages built with `dpkg-buildpackage -b -uc -us`, with
//! the installed dh-rumprun and the installed toolchain (the stand-in, or
//! the real Rumprun toolchain in ./run-tests' real tier; see
//! `common/toolchain.rs`): the fixtures of `fixtures/packages/` (one per
//! build system) and GNU hello from Debian with a flavour stanza added.
//!
//! For each package: the flavour .deb holds exactly the baked images at
//! the expected paths (plus the files every Debian package has), each image
//! runs (or boots, with the real toolchain) and prints what the program
//! prints, the package is
//! architecture-specific and lintian-clean; `debian/rules clean` leaves the
//! tree as it leaves it after a build without the flavour (pristine, for
//! the fixtures); a second build gives byte-identical .debs; a build with the
//! `pkg.SRC.norumprun` profile never calls the toolchain, yields only the
//! native packages, and those are byte-identical to the full build's.
//!
//! All of them need the installed packages, so they are `#[ignore]`d and
//! run from `./run-tests`. The `no_toolchain_*` tests need the stand-in
//! NOT installed; `./run-tests` runs them before installing it.

mod common;

use common::debs::{
    Case, Image, LIBGREET_RUMPRUN_DEV_FILES, assert_lintian_clean, built_using, check_flavour,
    deb_field, deb_files, extract, greet, move_build_output, shipped_files, static_built_using,
    tail,
};
use common::{TempTree, fixture_dir, package_build_command, repo_root, run_ok, snapshot};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// A source tree in a scratch directory; dpkg-buildpackage writes the
/// .debs next to it.
struct Work {
    tmp: TempTree,
    dir: PathBuf,
}

impl Work {
    /// A copy of `src` as `<tmp>/<name>`, timestamps kept (make compares
    /// them).
    fn copy_of(src: &Path, name: &str) -> Work {
        let tmp = TempTree::new(&format!("pkg-{name}"));
        let dir = tmp.path().join(name);
        let st = Command::new("cp")
            .arg("-a")
            .arg(src)
            .arg(&dir)
            .status()
            .expect("cp -a");
        assert!(st.success(), "copying {}", src.display());
        Work { tmp, dir }
    }

    /// Runs `program args` in the tree with `env` added; panics with the
    /// output unless it succeeds.
    fn run(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = package_build_command(program, args, &self.dir, env)
            .output()
            .unwrap_or_else(|e| panic!("running {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed in {} ({}):\n{}\n{}",
            self.dir.display(),
            out.status,
            tail(&String::from_utf8_lossy(&out.stdout), 60),
            tail(&String::from_utf8_lossy(&out.stderr), 60)
        );
        out
    }

    /// `dpkg-buildpackage -b -uc -us` with `env`; moves the .debs it made
    /// into `<tmp>/<label>/` and returns them by package name, with the
    /// wall time in seconds.
    fn build(&self, label: &str, env: &[(&str, &str)]) -> (BTreeMap<String, PathBuf>, f64) {
        let start = Instant::now();
        self.run("dpkg-buildpackage", &["-b", "-uc", "-us"], env);
        let secs = start.elapsed().as_secs_f64();
        let debs = move_build_output(self.tmp.path(), &self.tmp.path().join(label))
            .expect("move build output");
        (debs, secs)
    }
}

/// Asserts two snapshots are equal, naming the differing paths.
fn assert_same_tree(
    before: &BTreeMap<PathBuf, (u32, Vec<u8>)>,
    after: &BTreeMap<PathBuf, (u32, Vec<u8>)>,
    what: &str,
) {
    let mut diffs = Vec::new();
    for (p, v) in after {
        match before.get(p) {
            None => diffs.push(format!("left behind: {}", p.display())),
            Some(b) if b != v => diffs.push(format!("changed: {}", p.display())),
            _ => {}
        }
    }
    for p in before.keys().filter(|p| !after.contains_key(*p)) {
        diffs.push(format!("removed: {}", p.display()));
    }
    assert!(diffs.is_empty(), "{what}:\n{}", diffs.join("\n"));
}

/// Runs `dh_rumprun lint` on a built flavour .deb from its source tree
/// `dir` (so the images debian/PKG.rumprun lists are checked too) and
/// fails on any tag.
fn assert_rumprun_lint_clean(dir: &Path, deb: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
        .arg("lint")
        .arg(deb)
        .current_dir(dir)
        .output()
        .expect("dh_rumprun lint");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "dh_rumprun lint {}:\n{}{}",
        deb.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A directory whose toolchain commands fail loudly: put first on `PATH`,
/// it proves a build never calls the toolchain.
fn poisoned_toolchain(scratch: &Path) -> PathBuf {
    let bin = scratch.join("poison/bin");
    fs::create_dir_all(&bin).expect("mkdir");
    for tool in [
        "x86_64-rumprun-netbsd-gcc",
        "x86_64-rumprun-netbsd-g++",
        "x86_64-rumprun-netbsd-ar",
        "rumprun-bake",
    ] {
        let path = bin.join(tool);
        fs::write(
            &path,
            format!("#!/bin/sh\necho \"{tool} called under the norumprun profile\" >&2\nexit 99\n"),
        )
        .expect("write");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

/// The whole check of one source tree `src` (see the module doc); returns
/// the full build's .debs (with the scratch tree that holds them).
///
/// The build without the flavour comes first: what `debian/rules clean`
/// leaves after it is what it must leave after a build with the flavour.
/// For the fixtures that is the pristine tree (`pristine_after_clean`);
/// Debian's hello does not clean back to its unpacked state by itself.
fn build_and_check(
    case: &Case,
    src: &Path,
    pristine_after_clean: bool,
) -> (Work, BTreeMap<String, PathBuf>) {
    let work = Work::copy_of(src, case.source);
    let pristine = snapshot(&work.dir);

    let poison = poisoned_toolchain(work.tmp.path());
    let path = format!(
        "{}:{}",
        poison.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let profile = format!("pkg.{}.norumprun", case.source);
    let (without, without_secs) = work.build(
        "norumprun",
        &[("DEB_BUILD_PROFILES", &profile), ("PATH", &path)],
    );
    let flavours: Vec<&String> = without.keys().filter(|k| k.contains("rumprun")).collect();
    assert!(
        flavours.is_empty(),
        "the norumprun profile built {flavours:?}"
    );
    work.run("debian/rules", &["clean"], &[]);
    let cleaned = snapshot(&work.dir);
    if pristine_after_clean {
        assert_same_tree(
            &pristine,
            &cleaned,
            "debian/rules clean after the native build left the tree changed",
        );
    }

    let (first, with_secs) = work.build("first", &[]);
    let flavour = first
        .get(case.flavour)
        .unwrap_or_else(|| panic!("no {} .deb among {:?}", case.flavour, first.keys()));
    check_flavour(
        case,
        flavour,
        work.tmp.path(),
        &static_built_using(case.linked),
    );
    assert_rumprun_lint_clean(&work.dir, flavour);
    for native in case.native {
        assert!(
            first.contains_key(*native),
            "no {native} .deb among {:?}",
            first.keys()
        );
    }
    for (pkg, deb) in &without {
        assert!(
            fs::read(deb).expect("deb") == fs::read(&first[pkg]).expect("deb"),
            "{pkg}: the native .deb differs with and without the flavour"
        );
    }
    work.run("debian/rules", &["clean"], &[]);
    assert_same_tree(
        &cleaned,
        &snapshot(&work.dir),
        "debian/rules clean after the build with the flavour left the tree changed",
    );

    let (second, _) = work.build("second", &[]);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (pkg, deb) in &first {
        assert!(
            fs::read(deb).expect("deb") == fs::read(&second[pkg]).expect("deb"),
            "{pkg}: two builds gave different .debs"
        );
    }
    eprintln!(
        "{}: dpkg-buildpackage with the flavour {with_secs:.1} s, without (norumprun) {without_secs:.1} s",
        case.source
    );
    (work, first)
}

const AUTOTOOLS: Case = Case {
    source: "demo-autotools",
    linked: &[],
    native: &["demo-autotools"],
    flavour: "demo-autotools-rumprun",
    images: &[Image {
        path: "usr/lib/rumprun/hw_virtio/demo-autotools",
        config: "hw_virtio",
        args: &[],
        // musl has strlcpy and glibc 2.36 does not: configure ran against
        // the rumprun toolchain, and its link tests stayed honest.
        prints: &[
            "Hello from demo-autotools!",
            "strlcpy: yes, nosuchfunc_for_dh_rumprun: no",
        ],
    }],
};

const CMAKE: Case = Case {
    source: "demo-cmake",
    linked: &[],
    native: &["demo-cmake"],
    flavour: "demo-cmake-rumprun",
    images: &[
        Image {
            path: "usr/lib/rumprun/hw_virtio/demo-cmake",
            config: "hw_virtio",
            args: &[],
            prints: &["Hello from demo-cmake!"],
        },
        Image {
            path: "usr/lib/rumprun/xen_pv/demo-cmake",
            config: "xen_pv",
            args: &[],
            prints: &["Hello from demo-cmake!"],
        },
    ],
};

const MESON: Case = Case {
    source: "demo-meson",
    linked: &[],
    native: &["demo-meson"],
    flavour: "demo-meson-rumprun",
    images: &[Image {
        path: "usr/lib/xen/boot/demo-meson-dm",
        config: "xen_pv",
        args: &[],
        prints: &["Hello from demo-meson!", "built for: rumprun"],
    }],
};

const MAKE: Case = Case {
    source: "demo-make",
    linked: &[],
    native: &["demo-make"],
    flavour: "demo-make-rumprun",
    images: &[
        Image {
            path: "usr/lib/demo-make/images/hw_generic/demo-make",
            config: "hw_generic",
            args: &[],
            prints: &["Hello from demo-make!"],
        },
        Image {
            path: "usr/lib/demo-make/images/hw_virtio/demo-make",
            config: "hw_virtio",
            args: &[],
            prints: &["Hello from demo-make!"],
        },
        Image {
            path: "usr/lib/rumprun/hw_virtio/demo-make-count",
            config: "hw_virtio",
            args: &["a", "b", "c"],
            prints: &["demo-make-count: 3 arguments"],
        },
    ],
};

const HELLO: Case = Case {
    source: "hello",
    linked: &[],
    native: &["hello"],
    flavour: "hello-rumprun",
    images: &[Image {
        path: "usr/lib/rumprun/hw_virtio/hello",
        config: "hw_virtio",
        // Its arguments reach it (on a guest, through the kernel command
        // line).
        args: &["--greeting=Moin"],
        prints: &["Moin"],
    }],
};

const COUNT: Case = Case {
    source: "libcount",
    // libcount.a is the package's own file: only the bake's C library and
    // components count.
    linked: &[],
    native: &["libcount-dev", "count"],
    flavour: "count-rumprun",
    images: &[Image {
        path: "usr/lib/rumprun/hw_virtio/count",
        config: "hw_virtio",
        args: &["one two", "three"],
        prints: &["count: 3 words (libcount 1.0)"],
    }],
};

/// One source, a plain Makefile (`PREFIX ?= /usr/local`), with a library
/// flavour and a program flavour, the program compiled and linked in one
/// call, an SSE2 intrinsics header included (it lives in the compiler's
/// own directory, which the toolchain's -nostdinc hides), the .pc written
/// without a prefix line, and no debian/count-rumprun.rumprun: the flavour installs under its prefix
/// (given to make as PREFIX and the directories the Makefile assigns), the
/// library flavour ships from there, the program under it is baked, and
/// the compiler's temporary object of main.c is the package's own code.
#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn plain_makefile_library_and_program_flavours_from_one_source() {
    let (work, debs) = build_and_check(&COUNT, &fixture_dir("packages/libcount"), true);
    let lib = &debs["libcount-rumprun-dev"];
    assert_eq!(
        shipped_files(lib),
        [
            "usr/x86_64-rumprun-netbsd/include/count.h",
            "usr/x86_64-rumprun-netbsd/lib/libcount.a",
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/count.pc",
        ]
    );
    assert_eq!(deb_field(lib, "Static-Built-Using"), "");
    assert_lintian_clean(lib);
    let x = extract(lib, &work.tmp.path().join("x-lib"));
    let pc = fs::read_to_string(x.join("usr/x86_64-rumprun-netbsd/lib/pkgconfig/count.pc"))
        .expect("count.pc");
    assert!(
        pc.starts_with("libdir=/usr/x86_64-rumprun-netbsd/lib\n") && !pc.contains("prefix="),
        "{pc}"
    );
}

/// The same source packaged with a rules file that runs the debhelper
/// commands itself, without dh (as zlib and libffi are): add-flavour
/// appends rules that run the stages from its standard targets, and the
/// build gives the same flavours, checked as libcount's, and the source
/// lints clean (the stages are called, dh-rumprun is build-depended on).
#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn rules_without_dh_run_the_stages_add_flavour_hooks_on() {
    let tmp = TempTree::new("classic-rules");
    let dir = tmp.path().join("libcount");
    run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(fixture_dir("packages/libcount"))
            .arg(&dir),
    );
    for file in ["control", "rules"] {
        run_ok(
            Command::new("cp")
                .arg("-a")
                .arg(fixture_dir("packages/libcount-classic/debian").join(file))
                .arg(dir.join("debian")),
        );
    }
    run_add_flavour(
        &dir,
        &["--library", "libcount-dev", "--architecture", "amd64"],
    );
    run_add_flavour(&dir, &["--program", "count", "--architecture", "amd64"]);
    let rules = fs::read_to_string(dir.join("debian/rules")).expect("debian/rules");
    assert!(
        rules.contains("\nbinary-arch: rumprun-flavour-install\n"),
        "{rules}"
    );
    let (_work, debs) = build_and_check(&COUNT, &dir, true);
    assert_eq!(
        shipped_files(&debs["libcount-rumprun-dev"]),
        [
            "usr/x86_64-rumprun-netbsd/include/count.h",
            "usr/x86_64-rumprun-netbsd/lib/libcount.a",
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/count.pc",
        ]
    );
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn autotools_fixture_builds_its_flavour() {
    build_and_check(&AUTOTOOLS, &fixture_dir("packages/demo-autotools"), true);
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn cmake_cxx_fixture_builds_its_flavour() {
    build_and_check(&CMAKE, &fixture_dir("packages/demo-cmake"), true);
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn meson_fixture_builds_its_flavour() {
    build_and_check(&MESON, &fixture_dir("packages/demo-meson"), true);
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn makefile_fixture_builds_its_flavour() {
    build_and_check(&MAKE, &fixture_dir("packages/demo-make"), true);
}

/// A Debian source package (`NAME_VERSION`, e.g. `hello_2.10-3`), unpacked
/// into `into` from the .dsc that `./run-tests` downloaded into
/// `target/debian-sources/` (fetch_debian_sources in tools/common.sh).
fn debian_source(name_version: &str, into: &Path) -> PathBuf {
    let dsc = repo_root().join(format!("target/debian-sources/{name_version}.dsc"));
    assert!(
        dsc.is_file(),
        "{} is missing: ./run-tests downloads it (fetch_debian_sources)",
        dsc.display()
    );
    let dir = into.join(name_version.replace('_', "-"));
    run_ok(
        Command::new("dpkg-source")
            .args(["--no-check", "-x"])
            .arg(&dsc)
            .arg(&dir),
    );
    dir
}

/// Runs `dh_rumprun add-flavour ARGS` (this build's binary) in `dir`, as
/// a maintainer adds a flavour to a package of Debian.
fn run_add_flavour(dir: &Path, args: &[&str]) {
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
            .arg("add-flavour")
            .args(args)
            .current_dir(dir),
    );
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain, and hello's source; run ./run-tests"]
fn gnu_hello_from_debian_builds_its_flavour() {
    let tmp = TempTree::new("hello-src");
    let dir = debian_source("hello_2.10-3", tmp.path());
    // The native build without the flavour, for the byte comparison.
    let plain = Work::copy_of(&dir, "hello");
    let (plain_debs, _) = plain.build("plain", &[]);
    run_add_flavour(&dir, &["--program", "hello"]);
    let (_work, debs) = build_and_check(&HELLO, &dir, false);
    // The flavoured source builds the same native .debs as Debian's own.
    for (pkg, deb) in &plain_debs {
        assert!(
            fs::read(deb).expect("deb") == fs::read(&debs[pkg]).expect("deb"),
            "{pkg}: the native .deb differs with and without the flavour"
        );
    }
}

#[test]
#[ignore = "needs the installed dh-rumprun and NO rumprun toolchain; run ./run-tests"]
fn no_toolchain_norumprun_profile_builds_only_native_packages() {
    let on_path = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|d| Path::new(d).join("x86_64-rumprun-netbsd-gcc").exists());
    assert!(
        !on_path,
        "a rumprun toolchain is on PATH: ./run-tests runs this test before installing the stand-in"
    );
    for (name, native) in [
        ("demo-autotools", "demo-autotools"),
        ("demo-make", "demo-make"),
    ] {
        let work = Work::copy_of(&fixture_dir(&format!("packages/{name}")), name);
        let profile = format!("pkg.{name}.norumprun");
        let (debs, _) = work.build("norumprun", &[("DEB_BUILD_PROFILES", &profile)]);
        let names: Vec<&String> = debs.keys().collect();
        assert_eq!(names, [native, &format!("{native}-dbgsym")], "{name}");
        // Without the profile, the missing toolchain stops the build early.
        let out = Command::new("dpkg-buildpackage")
            .args(["-b", "-uc", "-us"])
            .current_dir(&work.dir)
            .env_remove("DEB_BUILD_PROFILES")
            .output()
            .expect("dpkg-buildpackage");
        assert!(!out.status.success(), "{name} built without a toolchain");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("Unmet build dependencies: rumprun-toolchain"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
#[ignore = "needs the installed stand-in toolchain; run ./run-tests"]
fn standin_toolchain_behaves_as_rumprun_facts_say() {
    // fixtures/rumprun-standin/tests/check: names, -dumpmachine,
    // -print-multiarch, relocatable links with the bake-recipe note, the
    // stub link failing on unresolved symbols, -shared failing,
    // rumprun-bake's configs and refusals, and autotools, CMake, Meson and
    // Makefile projects built, baked and run.
    let check = fixture_dir("rumprun-standin/tests/check");
    let out = Command::new(&check).output().expect("tests/check");
    assert!(
        out.status.success(),
        "{}:\n{}\n{}",
        check.display(),
        tail(&String::from_utf8_lossy(&out.stdout), 40),
        tail(&String::from_utf8_lossy(&out.stderr), 20)
    );
}

/// Installs .debs with dpkg (as the build-dependencies of the next build).
fn install_debs(debs: &[&PathBuf]) {
    run_ok(Command::new("dpkg").arg("-i").args(debs));
}

/// Removes packages installed by a test, whatever state they are in.
fn purge(packages: &[&str]) {
    let _ = Command::new("dpkg").arg("--purge").args(packages).output();
}

/// A binNMU of the source tree at `dir`: a `binary-only=yes` changelog
/// entry `VERSION+b1`, as the buildds' binNMUs add.
fn bin_nmu(dir: &Path, source: &str, version: &str) {
    let path = dir.join("debian/changelog");
    let old = fs::read_to_string(&path).expect("changelog");
    let entry = format!(
        "{source} ({version}+b1) unstable; urgency=low, binary-only=yes\n\n  \
         * Binary-only non-maintainer upload for amd64; no source changes.\n\n \
         -- dh-rumprun developers <dh-rumprun@example.org>  Thu, 26 Nov 2026 10:00:00 +0000\n\n"
    );
    fs::write(&path, entry + &old).expect("write changelog");
}

/// The chain: libgreet's library flavour, installed, feeds greet's program
/// flavour, whose Static-Built-Using names exactly libgreet and the C
/// library, and Built-Using the LGPL libgreet; then the same with a
/// binNMU of libgreet, whose source version carries no `+b1`.
#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain, and installs packages; run ./run-tests"]
fn library_flavour_feeds_program_flavour() {
    let _dpkg = DPKG.lock().unwrap_or_else(|e| e.into_inner());
    let all = ["libgreet1", "libgreet-dev", "libgreet-rumprun-dev"];
    purge(&all);
    for binnmu in [false, true] {
        let lib = Work::copy_of(&fixture_dir("packages/libgreet"), "libgreet");
        if binnmu {
            bin_nmu(&lib.dir, "libgreet", "1.0-1");
        }
        let (debs, _) = lib.build("libgreet", &[]);
        let flavour = &debs["libgreet-rumprun-dev"];
        assert_eq!(
            shipped_files(flavour),
            LIBGREET_RUMPRUN_DEV_FILES,
            "libgreet-rumprun-dev"
        );
        assert_eq!(
            deb_field(flavour, "Static-Built-Using"),
            "",
            "an archive links nothing"
        );
        assert_lintian_clean(flavour);
        install_debs(&[&debs["libgreet1"], &debs["libgreet-dev"], flavour]);
        let pc = fs::read_to_string("/usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc")
            .expect("greet.pc");
        assert!(pc.contains("prefix=/usr/x86_64-rumprun-netbsd\n"), "{pc}");
        assert!(pc.contains("Libs.private:"), "{pc}");

        let prog = Work::copy_of(&fixture_dir("packages/greet"), "greet");
        let (debs, _) = prog.build("greet", &[]);
        check_flavour(
            &greet(),
            &debs["greet-rumprun"],
            prog.tmp.path(),
            &static_built_using(greet().linked),
        );
        assert_eq!(
            deb_field(&debs["greet-rumprun"], "Static-Built-Using"),
            static_built_using(&["libgreet-rumprun-dev"]),
        );
        assert_eq!(
            deb_field(&debs["greet-rumprun"], "Built-Using"),
            built_using(&["libgreet-rumprun-dev"])
        );
        if binnmu {
            let installed = Command::new("dpkg-query")
                .args(["-W", "-f", "${Version}", "libgreet-rumprun-dev"])
                .output()
                .expect("dpkg-query");
            assert_eq!(String::from_utf8_lossy(&installed.stdout), "1.0-1+b1");
        }
        purge(&all);
    }
}

/// Tests that install packages take this, so that two never hold dpkg's
/// lock at once.
static DPKG: std::sync::Mutex<()> = std::sync::Mutex::new(());

const LZOP: Case = Case {
    source: "lzop",
    native: &["lzop"],
    flavour: "lzop-rumprun",
    images: &[Image {
        path: "usr/lib/rumprun/hw_virtio/lzop",
        config: "hw_virtio",
        args: &["--version"],
        prints: &["lzop 1.04", "LZO library 2.10"],
    }],
    linked: &["liblzo2-rumprun-dev"],
};

/// A real pair from Debian: `dh_rumprun add-flavour` gives lzo2 (the LZO
/// library, GPL-2+) liblzo2-rumprun-dev and lzop (its compressor)
/// lzop-rumprun, which
/// links the library flavour (found through the flavour's -I/-L on
/// /usr/TRIPLET; lzop's configure does not use pkg-config).
#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain, Debian sources, and installs packages; run ./run-tests"]
fn debian_lzo2_and_lzop_build_their_flavours() {
    let _dpkg = DPKG.lock().unwrap_or_else(|e| e.into_inner());
    purge(&["liblzo2-rumprun-dev"]);
    let tmp = TempTree::new("lzo-src");
    let lzo2 = debian_source("lzo2_2.10-2", tmp.path());
    run_add_flavour(&lzo2, &["--library", "liblzo2-dev"]);
    let lib = Work::copy_of(&lzo2, "lzo2");
    // lzo2's own test suite is long and tests the native build only.
    let (debs, lib_secs) = lib.build("lzo2", &[("DEB_BUILD_OPTIONS", "nocheck")]);
    let flavour = &debs["liblzo2-rumprun-dev"];
    let files = deb_files(flavour);
    assert!(
        files.contains(&"usr/x86_64-rumprun-netbsd/lib/liblzo2.a".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"usr/x86_64-rumprun-netbsd/lib/pkgconfig/lzo2.pc".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"usr/x86_64-rumprun-netbsd/include/lzo/lzo1x.h".to_string()),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("usr/x86_64-rumprun-netbsd/") || f.starts_with("usr/share/")),
        "{files:?}"
    );
    install_debs(&[flavour]);

    let lzop = debian_source("lzop_1.04-2", tmp.path());
    // add-flavour keeps lzop's native install in debian/lzop (lzop had one
    // binary package), and build-depends on liblzo2-rumprun-dev, the
    // installed flavour of lzop's liblzo2-dev.
    run_add_flavour(&lzop, &["--program", "lzop"]);
    let control = fs::read_to_string(lzop.join("debian/control")).expect("control");
    assert!(
        control.contains(" liblzo2-rumprun-dev [amd64 i386 armhf armel] <!pkg.lzop.norumprun>\n"),
        "{control}"
    );
    let prog = Work::copy_of(&lzop, "lzop");
    let (debs, prog_secs) = prog.build("lzop", &[]);
    check_flavour(
        &LZOP,
        &debs["lzop-rumprun"],
        prog.tmp.path(),
        &static_built_using(LZOP.linked),
    );
    assert_eq!(
        deb_field(&debs["lzop-rumprun"], "Static-Built-Using"),
        static_built_using(&["liblzo2-rumprun-dev"])
    );
    assert_eq!(
        deb_field(&debs["lzop-rumprun"], "Built-Using"),
        built_using(&["liblzo2-rumprun-dev"])
    );
    eprintln!(
        "lzo2 with its flavour (nocheck): {lib_secs:.1} s; lzop with its flavour: {prog_secs:.1} s"
    );
    purge(&["liblzo2-rumprun-dev"]);
}

/// Builds a library fixture and checks its library flavour: exactly
/// `files` under /usr/TRIPLET/ (besides the doc and lintian files), a
/// pkg-config file whose prefix is /usr/TRIPLET, lintian-clean, no
/// Static-Built-Using (an archive links nothing), and the tree clean again.
fn library_fixture(name: &str, flavour: &str, files: &[&str], pc: &str) {
    let src = fixture_dir(&format!("packages/{name}"));
    let work = Work::copy_of(&src, name);
    let pristine = snapshot(&work.dir);
    let (debs, secs) = work.build("full", &[]);
    let deb = &debs[flavour];
    assert_eq!(shipped_files(deb), files, "{flavour}");
    assert_eq!(deb_field(deb, "Architecture"), "amd64");
    assert_eq!(deb_field(deb, "Static-Built-Using"), "");
    let x = extract(deb, &work.tmp.path().join("x"));
    let pc_text = fs::read_to_string(x.join(pc)).expect(".pc");
    assert!(
        pc_text.contains("prefix=/usr/x86_64-rumprun-netbsd\n"),
        "{pc_text}"
    );
    assert_lintian_clean(deb);
    work.run("debian/rules", &["clean"], &[]);
    assert_same_tree(
        &pristine,
        &snapshot(&work.dir),
        "debian/rules clean left the tree changed",
    );
    eprintln!("{name}: dpkg-buildpackage with the library flavour {secs:.1} s");
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn meson_library_flavour() {
    library_fixture(
        "libtally-meson",
        "libtally-meson-rumprun-dev",
        &[
            "usr/x86_64-rumprun-netbsd/include/tally-meson.h",
            "usr/x86_64-rumprun-netbsd/lib/libtally-meson.a",
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/tally-meson.pc",
        ],
        "usr/x86_64-rumprun-netbsd/lib/pkgconfig/tally-meson.pc",
    );
}

#[test]
#[ignore = "needs the installed dh-rumprun and a rumprun toolchain; run ./run-tests"]
fn cmake_library_flavour() {
    library_fixture(
        "libtally-cmake",
        "libtally-cmake-rumprun-dev",
        &[
            "usr/x86_64-rumprun-netbsd/include/tally-cmake.h",
            "usr/x86_64-rumprun-netbsd/lib/libtally-cmake.a",
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/tally-cmake.pc",
        ],
        "usr/x86_64-rumprun-netbsd/lib/pkgconfig/tally-cmake.pc",
    );
}
