//! The stage commands as a maintainer runs them: the built binaries in a
//! source tree, their output under `--no-act`, their errors on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{TempTree, case_dirs, link_stages};

/// A scratch source tree with a `bin/` of stage commands (symlinks to the
/// multi-call binary, as the package installs them).
struct Tree {
    _tmp: TempTree,
    dir: PathBuf,
}

impl Tree {
    fn new(name: &str, control: &[u8]) -> Tree {
        let tmp = TempTree::new(name);
        let dir = tmp.path().to_path_buf();
        std::fs::create_dir_all(dir.join("debian")).expect("mkdir");
        std::fs::write(dir.join("debian/control"), control).expect("write control");
        link_stages(&dir.join("bin"));
        Tree { _tmp: tmp, dir }
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.dir.join(path), text).expect("write");
    }

    fn path(&self, path: &str) -> PathBuf {
        self.dir.join(path)
    }

    fn run(&self, stage: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(self.dir.join(format!("bin/dh_rumprun_{stage}")));
        cmd.args(args).current_dir(&self.dir).env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DEB_HOST_ARCH", "amd64");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run stage")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const CONTROL: &str = "Source: hello
Build-Depends: debhelper-compat (= 13), dh-sequence-rumprun

Package: hello
Architecture: any

Package: hello-doc
Architecture: all

Package: hello-rumprun
Architecture: any
Build-Profiles: <!pkg.hello.norumprun>
";

fn hello() -> Tree {
    Tree::new("hello", CONTROL.as_bytes())
}

/// The uninstalled stand-in toolchain of `fixtures/rumprun-standin/`.
fn standin() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rumprun-standin")
        .display()
        .to_string()
}

#[test]
fn configure_prints_its_plan_with_tab_and_passes_arguments() {
    let t = hello();
    t.write("CMakeLists.txt", "project(hello C)\n");
    t.write(
        "debian/changelog",
        "hello (1.0) unstable; urgency=medium\n\n  * Test.\n\n -- A <a@example.org>  Thu, 26 Nov 2026 09:00:00 +0000\n",
    );
    let toolchain = standin();
    let o = t.run(
        "configure",
        &[
            "--no-act",
            "-O--buildsystem=cmake",
            "-O--frobnicate",
            "--",
            "-DFOO=1",
        ],
        &[("RUMPRUN_TOOLCHAIN", &toolchain)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().all(|l| l.starts_with('\t')), "{out}");
    let configure = out.lines().last().unwrap_or_default();
    assert!(configure.contains("CC=x86_64-rumprun-netbsd-gcc "), "{out}");
    assert!(
        !configure.contains("-u PKG_CONFIG_PATH"),
        "not set, nothing to remove: {out}"
    );
    assert!(
        configure.contains(
            "dh_auto_configure --buildsystem=cmake+makefile --builddirectory=debian/.debhelper/rumprun/build -- -DCMAKE_TOOLCHAIN_FILE="
        ),
        "{out}"
    );
    assert!(
        configure.ends_with(
            "/debian/.debhelper/rumprun/toolchain.cmake -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX=/usr/x86_64-rumprun-netbsd -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include -DFOO=1"
        ),
        "the flavour's toolchain file and prefix, then the maintainer's arguments: {out}"
    );
    assert!(
        out.contains("\twrite debian/.debhelper/rumprun/layout (5 lines)\n"),
        "{out}"
    );
    assert!(
        out.contains("\twrite debian/.debhelper/rumprun/toolchain.cmake (6 lines)\n"),
        "the toolchain has its own file, which the flavour's includes: {out}"
    );
    assert!(
        !t.path("debian/.debhelper").exists(),
        "--no-act wrote something"
    );
}

#[test]
fn a_missing_toolchain_is_one_error_naming_tool_places_and_fix() {
    let t = hello();
    let o = t.run(
        "configure",
        &[],
        &[
            ("PATH", "/no/bin:/no/usr/bin"),
            ("RUMPRUN_TOOLCHAIN", "/nonexistent"),
        ],
    );
    assert_eq!(o.status.code(), Some(255));
    assert_eq!(
        stderr(&o),
        "dh_rumprun_configure: error: debian/control:10: flavour hello-rumprun needs x86_64-rumprun-netbsd-gcc, \
         which is in none of /nonexistent/bin:/no/bin:/no/usr/bin; install the rumprun toolchain \
         (Build-Depends: rumprun-toolchain <!pkg.SRC.norumprun>) or set RUMPRUN_TOOLCHAIN to the \
         directory whose bin/ holds it\n"
    );
    assert!(!t.path("debian/.debhelper").exists(), "wrote something");
}

/// A layout as dh_rumprun_configure records it, for the later stages.
fn configured(t: &Tree) {
    std::fs::create_dir_all(t.path("debian/.debhelper/rumprun")).expect("mkdir");
    t.write(
        "debian/.debhelper/rumprun/layout",
        "Build-System: makefile\nTree: copy\nSource-Directory: .\n",
    );
}

#[test]
fn later_stages_need_the_configure_stage() {
    let t = hello();
    let o = t.run("build", &[], &[]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        stderr(&o).starts_with("dh_rumprun_build: error: debian/.debhelper/rumprun/layout: the flavour is not configured"),
        "{}",
        stderr(&o)
    );
    configured(&t);
    let o = t.run("build", &["--no-act"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("dh_auto_build --buildsystem=makefile --sourcedirectory=debian/.debhelper/rumprun/source -- CC=x86_64-rumprun-netbsd-gcc CXX=x86_64-rumprun-netbsd-g++ AR=x86_64-rumprun-netbsd-ar"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn nothing_to_do_is_silent() {
    let t = hello();
    for (args, env) in [
        (vec!["-i", "-v"], vec![]),
        (vec!["-Nhello-rumprun", "-v"], vec![]),
        (
            vec!["-v"],
            vec![("DEB_BUILD_PROFILES", "pkg.hello.norumprun")],
        ),
        (vec!["-phello", "-v"], vec![]),
    ] {
        let o = t.run("build", &args, &env);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

#[test]
fn dh_verbose_and_options_from_the_environment() {
    let t = hello();
    let o = t.run("clean", &[], &[("DH_VERBOSE", "1"), ("DH_NO_ACT", "1")]);
    assert_eq!(stdout(&o), "\trm -rf debian/.debhelper/rumprun\n");
    let o = t.run("clean", &["--no-act"], &[("DH_INTERNAL_OPTIONS", "-i")]);
    assert_eq!(stdout(&o), "", "dh asked for arch:all packages only");
    let o = t.run("clean", &["--no-act"], &[("DH_OPTIONS", "-Nhello-rumprun")]);
    assert_eq!(stdout(&o), "");
    configured(&t);
    let o = t.run(
        "build",
        &["--no-act", "--max-parallel=2"],
        &[("DEB_BUILD_OPTIONS", "parallel=4")],
    );
    assert!(stdout(&o).contains(
        "dh_auto_build --buildsystem=makefile --sourcedirectory=debian/.debhelper/rumprun/source --max-parallel=2 -- CC="
    ), "{}", stdout(&o));
}

#[test]
fn override_runs_log_the_command_for_remaining_packages() {
    let t = hello();
    let o = t.run(
        "test",
        &["--no-act"],
        &[("DH_INTERNAL_OVERRIDE", "dh_rumprun_test")],
    );
    assert_eq!(
        stdout(&o),
        "\techo dh_rumprun_test >> debian/hello.debhelper.log\n\techo dh_rumprun_test >> debian/hello-doc.debhelper.log\n\techo dh_rumprun_test >> debian/hello-rumprun.debhelper.log\n"
    );
    t.write("debian/hello-rumprun.debhelper.log", "dh_rumprun_test\n");
    let o = t.run("test", &["--no-act", "--remaining-packages"], &[]);
    assert_eq!(stdout(&o), "", "already logged");
    let o = t.run("test", &["--no-act"], &[("DEB_BUILD_OPTIONS", "nocheck")]);
    assert!(o.status.success());
}

#[test]
fn substvars_writes_its_variables_idempotently() {
    let t = hello();
    t.write("debian/hello-rumprun.substvars", "misc:Depends=\n");
    for _ in 0..2 {
        let o = t.run("substvars", &[], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(t.path("debian/hello-rumprun.substvars")).expect("written"),
            "misc:Depends=\nrumprun:Static-Built-Using=\nrumprun:Built-Using=\nrumprun:Depends?=\n"
        );
    }
    assert!(
        !t.path("debian/hello.substvars").exists(),
        "native package untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(t.path("debian"))
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_library_flavour_depends_on_what_its_pc_files_need() {
    // libvorbis-rumprun-dev's vorbisenc.pc requires vorbis (its own) and
    // ogg (a flavour of the same build here), and links -lm (the
    // toolchain's: no package ships it under the prefix).
    let t = Tree::new(
        "substvars-depends",
        b"Source: xiph
Build-Depends: debhelper-compat (= 13), dh-sequence-rumprun

Package: libogg-rumprun-dev
Architecture: amd64
Description: ogg

Package: libvorbis-rumprun-dev
Architecture: amd64
Description: vorbis
",
    );
    let pc = |package: &str, module: &str, text: &str| {
        let lib = t.path(&format!("debian/{package}/usr/x86_64-rumprun-netbsd/lib"));
        std::fs::create_dir_all(lib.join("pkgconfig")).expect("mkdir");
        std::fs::write(lib.join(format!("pkgconfig/{module}.pc")), text).expect("write");
        std::fs::write(lib.join(format!("lib{module}.a")), "!<arch>\n").expect("write");
    };
    pc("libogg-rumprun-dev", "ogg", "Name: ogg\nLibs: -logg\n");
    pc(
        "libvorbis-rumprun-dev",
        "vorbis",
        "Name: vorbis\nRequires.private: ogg\nLibs: -lvorbis\nLibs.private: -lm\n",
    );
    pc(
        "libvorbis-rumprun-dev",
        "vorbisenc",
        "Name: vorbisenc\nRequires: vorbis >= 1.3\nLibs: -lvorbisenc\n",
    );
    let o = t.run("substvars", &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |p: &str| std::fs::read_to_string(t.path(p)).expect("written");
    assert!(
        read("debian/libvorbis-rumprun-dev.substvars")
            .contains("\nrumprun:Depends?=libogg-rumprun-dev (= ${binary:Version})\n")
    );
    assert!(read("debian/libogg-rumprun-dev.substvars").contains("\nrumprun:Depends?=\n"));
}

#[test]
fn usage_errors_and_help() {
    let t = hello();
    let o = t.run("install", &["--frobnicate"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "dh_rumprun_install: error: unknown option --frobnicate; see dh_rumprun_install --help\n"
    );
    let o = t.run("install", &["stray"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = t.run("install", &["-pnosuch"], &[]);
    assert_eq!(o.status.code(), Some(255));
    assert!(stderr(&o).contains("requested unknown package nosuch via -p/--package; name one of: hello hello-doc hello-rumprun"));
    let o = t.run("install", &["--help"], &[]);
    assert!(o.status.success());
    assert!(
        stdout(&o).starts_with("dh_rumprun_install - install the rumprun flavour of a package\n")
    );
}

#[test]
fn unsupported_host_architecture_only_matters_when_the_flavour_is_built() {
    let t = hello();
    let o = t.run("configure", &["--no-act"], &[("DEB_HOST_ARCH", "s390x")]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        stderr(&o).contains("debian/control:10: host architecture s390x has no rumprun toolchain"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("pkg.hello.norumprun"));
    let restricted = CONTROL.replace(
        "Package: hello-rumprun\nArchitecture: any",
        "Package: hello-rumprun\nArchitecture: amd64 i386",
    );
    let t = Tree::new("restricted", restricted.as_bytes());
    let o = t.run("configure", &["--no-act"], &[("DEB_HOST_ARCH", "s390x")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

/// Every case of `fixtures/bad-control/`: one line naming file:line and the fix, non-zero, no panic.
#[test]
fn malformed_control_files() {
    let cases = case_dirs("bad-control");
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = &case.name;
        let control = std::fs::read(case.dir.join("control")).expect("control");
        let expected = std::fs::read_to_string(case.dir.join("expected")).expect("expected");
        let t = Tree::new(name, &control);
        let o = t.run("substvars", &["--no-act"], &[]);
        let err = stderr(&o);
        let want = format!("dh_rumprun_substvars: error: {}", expected.trim_end());
        let ok = !o.status.success()
            && err.lines().count() == 1
            && err.starts_with(&want)
            && err[want.len()..].contains("; ")
            && !err.contains("panicked");
        if !ok {
            failures.push(format!(
                "{name}: status {:?}, stderr {err:?}, want prefix {want:?}",
                o.status.code()
            ));
        }
        assert_eq!(
            std::fs::read(t.path("debian/control")).expect("control"),
            control,
            "{name}: control changed"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
