//! Bad input, as a table: each case is a small source tree, one command
//! (a stage, `add-flavour` or `lint`) and what its one-line error must
//! name. Every case must exit non-zero, print one line on stderr naming
//! the place and the fix (`; ` separates them), never panic, and leave
//! every file of the tree as it was (checksums before and after).

mod common;

use common::{TempTree, link_stages, snapshot};
use std::fs;
use std::path::Path;
use std::process::Command;

const CONTROL: &str = "Source: hello\nBuild-Depends: debhelper-compat (= 13), dh-sequence-rumprun\n\n\
Package: hello\nArchitecture: any\nDescription: x\n y\n\n\
Package: hello-rumprun\nArchitecture: amd64\nBuild-Profiles: <!pkg.hello.norumprun>\nDescription: x\n y\n";

const RULES: &str = "#!/usr/bin/make -f\n%:\n\tdh $@\n";

const LIBRARY_CONTROL: &str = "Source: hello\nBuild-Depends: debhelper-compat (= 13), dh-sequence-rumprun\n\n\
Package: libhello-rumprun-dev\nArchitecture: amd64\nDescription: x\n y\n";

const LAYOUT: &str = "Build-System: makefile\nTree: copy\nSource-Directory: .\n";

/// One case: extra files (over a valid package), the command, its
/// environment, and what stderr must contain.
struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    command: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    says: &'static str,
}

const CASES: &[Case] = &[
    // debian/control
    Case {
        name: "control-missing-colon",
        files: &[(
            "debian/control",
            "Source: hello\n\nPackage: hello\nArchitecture any\n",
        )],
        command: &["dh_rumprun_build"],
        env: &[],
        says: "debian/control:4:",
    },
    Case {
        name: "control-unknown-arch",
        files: &[(
            "debian/control",
            "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello-rumprun\nArchitecture: amd46\n",
        )],
        command: &["dh_rumprun_build"],
        env: &[],
        says: "debian/control:5: flavour package hello-rumprun: unknown architecture \"amd46\"",
    },
    Case {
        name: "control-arch-all-flavour",
        files: &[(
            "debian/control",
            "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello-rumprun\nArchitecture: all\n",
        )],
        command: &["dh_rumprun_configure"],
        env: &[],
        says: "debian/control:5: flavour package hello-rumprun is Architecture: all",
    },
    Case {
        name: "control-bad-flavour-field",
        files: &[(
            "debian/control",
            "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello-x\nArchitecture: any\nX-Rumprun-Flavour: maybe\n",
        )],
        command: &["dh_rumprun_install"],
        env: &[],
        says: "debian/control:6: X-Rumprun-Flavour: \"maybe\"",
    },
    Case {
        name: "control-bad-profiles",
        files: &[(
            "debian/control",
            "Source: hello\n\nPackage: hello-rumprun\nArchitecture: any\nBuild-Profiles: <!pkg.hello.norumprun\n",
        )],
        command: &["dh_rumprun_substvars"],
        env: &[],
        says: "debian/control:5:",
    },
    Case {
        name: "control-no-source",
        files: &[(
            "debian/control",
            "Package: hello-rumprun\nArchitecture: any\n",
        )],
        command: &["dh_rumprun_substvars"],
        env: &[],
        says: "debian/control:1:",
    },
    Case {
        name: "control-duplicate-package",
        files: &[(
            "debian/control",
            "Source: hello\n\nPackage: a-rumprun\nArchitecture: any\n\nPackage: a-rumprun\nArchitecture: any\n",
        )],
        command: &["dh_rumprun_clean"],
        env: &[],
        says: "debian/control:6:",
    },
    Case {
        name: "control-missing",
        files: &[("debian/control", "")],
        command: &["dh_rumprun_build"],
        env: &[],
        says: "debian/control",
    },
    Case {
        name: "control-no-compat",
        files: &[(
            "debian/control",
            "Source: hello\n\nPackage: hello-rumprun\nArchitecture: any\n",
        )],
        command: &["dh_rumprun_build"],
        env: &[],
        says: "no debhelper compat level",
    },
    Case {
        name: "control-unsupported-host",
        files: &[(
            "debian/control",
            "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello-rumprun\nArchitecture: any\n",
        )],
        command: &["dh_rumprun_configure"],
        env: &[("DEB_HOST_ARCH", "s390x")],
        says: "host architecture s390x has no rumprun toolchain",
    },
    // environment
    Case {
        name: "env-parallel-not-a-number",
        files: &[("debian/.debhelper/rumprun/layout", LAYOUT)],
        command: &["dh_rumprun_build"],
        env: &[("DEB_BUILD_OPTIONS", "parallel=x")],
        says: "DEB_BUILD_OPTIONS: parallel=x is not a positive number of jobs",
    },
    Case {
        name: "env-parallel-zero",
        files: &[("debian/.debhelper/rumprun/layout", LAYOUT)],
        command: &["dh_rumprun_build"],
        env: &[("DEB_BUILD_OPTIONS", "parallel=0")],
        says: "parallel=0 is not a positive number",
    },
    Case {
        name: "env-dh-compat",
        files: &[],
        command: &["dh_rumprun_build"],
        env: &[("DH_COMPAT", "thirteen")],
        says: "DH_COMPAT: \"thirteen\" is not a compat level",
    },
    Case {
        name: "env-no-toolchain",
        files: &[],
        command: &["dh_rumprun_configure"],
        env: &[("PATH", "/no/bin"), ("RUMPRUN_TOOLCHAIN", "/nonexistent")],
        says: "needs x86_64-rumprun-netbsd-gcc, which is in none of /nonexistent/bin:/no/bin",
    },
    // the flavour's own state
    Case {
        name: "layout-missing",
        files: &[],
        command: &["dh_rumprun_build"],
        env: &[],
        says: "debian/.debhelper/rumprun/layout: the flavour is not configured",
    },
    Case {
        name: "layout-junk",
        files: &[(
            "debian/.debhelper/rumprun/layout",
            "Build-System: makefile\nnonsense\n",
        )],
        command: &["dh_rumprun_install"],
        env: &[],
        says: "debian/.debhelper/rumprun/layout:2: not a layout line",
    },
    // debian/PKG.rumprun (planned from a staged install under --no-act)
    Case {
        name: "bake-dotdot-program",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/hello-rumprun.rumprun",
                "bin/../../../etc/passwd hw_virtio\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: program \"bin/../../../etc/passwd\" leaves the flavour's prefix",
    },
    Case {
        name: "bake-absolute-program",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/hello-rumprun.rumprun",
                "# c\n/usr/bin/hello hw_virtio\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:2: program \"/usr/bin/hello\" leaves the flavour's prefix",
    },
    Case {
        name: "bake-absolute-dest",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/hello-rumprun.rumprun",
                "bin/hello hw_virtio /boot/hello\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: destination \"/boot/hello\" leaves the package",
    },
    Case {
        name: "bake-dotdot-dest",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/hello-rumprun.rumprun",
                "bin/hello hw_virtio ../../etc/hello\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "destination \"../../etc/hello\" leaves the package",
    },
    Case {
        name: "bake-bad-config-name",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "bin/hello HW-Virtio\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: \"HW-Virtio\" is not a rumprun config name",
    },
    Case {
        name: "bake-too-few-fields",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "bin/hello\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: expected 2 or 3 fields",
    },
    Case {
        name: "bake-config-twice",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "bin/hello xen_pv,xen_pv\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "listed twice",
    },
    Case {
        name: "bake-same-image-twice",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/hello-rumprun.rumprun",
                "bin/hello hw_virtio x\nsbin/hello hw_virtio x\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:2: image x is already made by line 1",
    },
    Case {
        name: "bake-not-installed",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "bin/hola hw_virtio\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: bin/hola is not a file the flavour installs under its prefix /usr/x86_64-rumprun-netbsd; the flavour installs: bin/hello",
    },
    Case {
        name: "bake-program-path-of-dh-rumprun-0.1",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "usr/bin/hello hw_virtio\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: usr/bin/hello is not a file the flavour installs under its prefix /usr/x86_64-rumprun-netbsd (program paths are relative to the prefix since dh-rumprun 0.2); write bin/hello",
    },
    // a library flavour's pkg-config file
    Case {
        name: "library-pc-host-path",
        files: &[
            ("debian/control", LIBRARY_CONTROL),
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            (
                "debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/lib/libhello.a",
                "!<arch>\n",
            ),
            (
                "debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/lib/pkgconfig/hello.pc",
                "libdir=/usr/x86_64-rumprun-netbsd/lib\nincludedir=/usr/include\nLibs: -L${libdir} -lhello\n",
            ),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/lib/pkgconfig/hello.pc:2: includedir gives /usr/include, a host path, not under /usr/x86_64-rumprun-netbsd",
    },
    Case {
        name: "bake-symlink-out-of-stage",
        files: &[
            ("debian/.debhelper/rumprun/layout", LAYOUT),
            ("debian/hello-rumprun.rumprun", "bin/escape hw_virtio\n"),
        ],
        command: &["dh_rumprun_install", "--no-act"],
        env: &[],
        says: "debian/hello-rumprun.rumprun:1: bin/escape is not a file the flavour installs under its prefix",
    },
    // dh_rumprun add-flavour
    Case {
        name: "add-flavour-template-without-build-depends",
        files: &[("debian/control.in", "Source: hello\n")],
        command: &["dh_rumprun", "add-flavour", "--program", "hello"],
        env: &[],
        says: "debian/control.in:1: the source stanza has no Build-Depends",
    },
    Case {
        name: "add-flavour-no-dh",
        files: &[(
            "debian/rules",
            "#!/usr/bin/make -f\nbinary:\n\tdh_gencontrol\n",
        )],
        command: &["dh_rumprun", "add-flavour", "--program", "hello"],
        env: &[],
        says: "debian/rules neither runs dh nor has the targets build or build-arch",
    },
    Case {
        name: "add-flavour-unknown-package",
        files: &[],
        command: &["dh_rumprun", "add-flavour", "--program", "nosuch"],
        env: &[],
        says: "debian/control: no binary package nosuch; name one of: hello hello-rumprun",
    },
    Case {
        name: "add-flavour-arch-all-package",
        files: &[(
            "debian/control",
            "Source: hello\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: hello-programs\nSection: oldlibs\nArchitecture: all\nDepends: hello\nDescription: transitional\n It can safely be removed.\n",
        )],
        command: &["dh_rumprun", "add-flavour", "--program", "hello-programs"],
        env: &[],
        says: "debian/control:6: hello-programs is Architecture: all, so nothing in it is compiled to give a flavour; name an architecture-specific package",
    },
    Case {
        name: "add-flavour-malformed-control",
        files: &[(
            "debian/control",
            "Source: hello\n\nPackage: hello\nArchitecture any\n",
        )],
        command: &["dh_rumprun", "add-flavour", "--program", "hello"],
        env: &[],
        says: "debian/control:4:",
    },
    // dh_rumprun lint
    Case {
        name: "lint-not-a-tree",
        files: &[],
        command: &["dh_rumprun", "lint", "nosuch.txt"],
        env: &[],
        says: "nosuch.txt: neither a source tree, a .deb nor a .changes",
    },
    Case {
        name: "lint-malformed-control",
        files: &[("debian/control", "Source: hello\n\nPackage hello\n")],
        command: &["dh_rumprun", "lint", "."],
        env: &[],
        says: "debian/control:3:",
    },
];

#[test]
fn bad_input_table() {
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
    let bin = env!("CARGO_BIN_EXE_dh_rumprun");
    // The uninstalled stand-in toolchain (rumprun-bake list needs nothing built).
    let standin = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rumprun-standin");
    let mut failures = Vec::new();
    for case in CASES {
        let tmp = TempTree::new(&format!("bad-{}", case.name));
        let root = tmp.path();
        let staged_bin = root.join("debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/bin");
        fs::create_dir_all(&staged_bin).expect("mkdir");
        fs::write(root.join("debian/control"), CONTROL).expect("control");
        fs::write(root.join("debian/rules"), RULES).expect("rules");
        fs::write(staged_bin.join("hello"), "staged\n").expect("stage");
        std::os::unix::fs::symlink("/etc/passwd", staged_bin.join("escape")).expect("link");
        for (path, text) in case.files {
            if text.is_empty() {
                let _ = fs::remove_file(root.join(path));
                continue;
            }
            if let Some(parent) = root.join(path).parent() {
                fs::create_dir_all(parent).expect("mkdir");
            }
            fs::write(root.join(path), text).expect("write");
        }
        link_stages(&root.join("bin"));
        let before = snapshot(root);
        let program = if case.command[0] == "dh_rumprun" {
            bin.to_string()
        } else {
            root.join("bin").join(case.command[0]).display().to_string()
        };
        let mut cmd = Command::new(program);
        cmd.args(&case.command[1..]).current_dir(root).env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DEB_HOST_ARCH", "amd64")
            .env("RUMPRUN_TOOLCHAIN", &standin);
        for (k, v) in case.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let error_lines: Vec<&str> = stderr.lines().filter(|l| !l.contains("warning:")).collect();
        let ok = !out.status.success()
            && error_lines.len() == 1
            && stderr.contains(case.says)
            && stderr.contains("; ")
            && !stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{}: exit {:?}, stderr {stderr:?}, want {:?}",
                case.name,
                out.status.code(),
                case.says
            ));
        }
        if snapshot(root) != before {
            failures.push(format!("{}: files changed", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
