//! `dh_rumprun chain`: on a dpkg database of its own (fixtures/chain/), and
//! on Debian 12's qemu from apt's lists (ignored: it needs the deb-src
//! lists ./run-tests sets up).

use std::path::Path;
use std::process::{Command, Output};

fn chain(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"));
    cmd.arg("chain").args(args).env("DEB_HOST_ARCH", "amd64");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("running dh_rumprun chain")
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/chain")
        .join(path)
        .display()
        .to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_trees_chain_from_dpkgs_database() {
    let admindir = fixture("admindir");
    let o = chain(
        &["--installed-only", &fixture("app")],
        &[("DPKG_ADMINDIR", &admindir)],
    );
    assert_eq!(
        stdout(&o),
        "chain of app 1.0-1 for netbsd-amd64:\n\
         glibc 2.36-9+deb12u9: toolchain (libc6-dev)\n\
         beta 1.0-1: build (libbeta-dev -> libbeta-rumprun-dev), after glibc\n\
         alpha 1.0-1: build (libalpha-dev -> libalpha-rumprun-dev), after beta glibc\n\
         delta 1.0-1: present (libdelta-rumprun-dev installed)\n\
         gamma 1.0-1: blocked (libgamma-dev -> libgamma-rumprun-dev)\n\
         \x20 E: library-without-static-archive libgamma-dev\n\
         app: target, after alpha delta gamma\n\
         left out: libaio-dev [linux-any] (for app): its restriction leaves out netbsd-amd64\n\
         left out: libhdr-dev (for app): ships no library (headers or tools only)\n",
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a blocked step makes the exit status 1"
    );
}

#[test]
fn build_profiles_drop_build_dependencies() {
    let admindir = fixture("admindir");
    let env = [
        ("DPKG_ADMINDIR", admindir.as_str()),
        ("DEB_BUILD_PROFILES", "pkg.app.nogamma"),
    ];
    for args in [
        vec!["--installed-only", "--json"],
        vec![
            "--installed-only",
            "--json",
            "-P",
            "nocheck,pkg.app.nogamma",
        ],
    ] {
        let mut args = args.clone();
        let app = fixture("app");
        args.push(&app);
        let env: &[(&str, &str)] = if args.contains(&"-P") {
            &env[..1]
        } else {
            &env
        };
        let o = chain(&args, env);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let sources: Vec<&str> = v[0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["source"].as_str().unwrap())
            .collect();
        assert_eq!(
            sources,
            ["glibc", "beta", "alpha", "delta", "app"],
            "{args:?}"
        );
    }
}

#[test]
fn json_and_dot_say_the_same() {
    let admindir = fixture("admindir");
    let env = [("DPKG_ADMINDIR", admindir.as_str())];
    let o = chain(&["--installed-only", "--json", &fixture("app")], &env);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let steps: Vec<(String, String)> = v[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("glibc", "toolchain"),
        ("beta", "build"),
        ("alpha", "build"),
        ("delta", "present"),
        ("gamma", "blocked"),
        ("app", "target"),
    ];
    assert_eq!(
        steps,
        expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    let o = chain(&["--installed-only", "--dot", &fixture("app")], &env);
    let dot = stdout(&o);
    assert!(dot.contains("\"alpha\" -> \"beta\";"), "{dot}");
    assert!(dot.contains("\"gamma\" [label=\"gamma\\n1.0-1\\nblocked\\nlibrary-without-static-archive\", fillcolor=\"#fca5a5\"];"), "{dot}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let o = chain(&["--installed-only", "no-such-source-tree"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no-such-source-tree"), "{err}");

    let tmp = std::env::temp_dir().join(format!("dh-rumprun-chain-bad-{}", std::process::id()));
    std::fs::create_dir_all(tmp.join("debian")).unwrap();
    std::fs::write(
        tmp.join("debian/control"),
        "Source: bad\nBuild-Depends: libfoo-dev (>= 1\n\nPackage: bad\nArchitecture: any\nDescription: x\n y\n",
    )
    .unwrap();
    let admindir = fixture("admindir");
    let o = chain(
        &["--installed-only", &tmp.display().to_string()],
        &[("DPKG_ADMINDIR", &admindir)],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    std::fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("debian/control:2"), "{err}");
}

#[test]
fn explain_names_the_chain_tags() {
    let o = chain(&["--explain", "library-without-static-archive"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Check: chain"));
}

/// The order `chain` gives for Debian 12's qemu, with the libraries its
/// x86_64-softmmu TCG build links: every source the hand-built chain had
/// to flavour, each after those it needs, and nothing else.
#[test]
#[ignore = "needs apt's source lists (a deb-src entry); run ./run-tests"]
fn qemu_chain_from_apts_lists() {
    let o = chain(
        &[
            "--json",
            "--links",
            "libglib2.0-dev,libpixman-1-dev,zlib1g-dev,libfdt-dev",
            "qemu",
        ],
        &[],
    );
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let steps = v[0]["steps"].as_array().unwrap();
    let order: Vec<&str> = steps
        .iter()
        .filter(|s| s["status"] != "toolchain")
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    let mut sources: Vec<&str> = order.clone();
    sources.sort();
    assert_eq!(
        sources,
        [
            "device-tree-compiler",
            "glib2.0",
            "libffi",
            "pcre2",
            "pixman",
            "qemu",
            "zlib"
        ],
        "{order:?}"
    );
    assert_eq!(order.last(), Some(&"qemu"));
    for (i, s) in steps.iter().enumerate() {
        for need in s["needs"].as_array().unwrap() {
            let at = steps.iter().position(|t| t["source"] == *need).unwrap();
            assert!(at < i, "{} comes before {need}", s["source"]);
        }
    }
    let glib = steps.iter().find(|s| s["source"] == "glib2.0").unwrap();
    let needs: Vec<&str> = glib["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    for lib in ["libffi", "pcre2", "zlib"] {
        assert!(needs.contains(&lib), "glib2.0 needs {lib}: {needs:?}");
    }
    let left: Vec<&str> = v[0]["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["package"].as_str().unwrap())
        .collect();
    assert!(left.contains(&"libmount-dev"), "{left:?}");
}

/// The archives' undefined symbols name the calls a unikernel cannot
/// serve, in every member: ar aligns members on two bytes only, so an
/// ELF member after an odd-sized one sits unaligned.
#[test]
fn archive_calls_read_every_member() {
    let tmp = std::env::temp_dir().join(format!("dh-rumprun-chain-ar-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("odd.txt"), "abc").unwrap();
    std::fs::write(
        tmp.join("spawn.c"),
        "#include <unistd.h>\n#include <dlfcn.h>\nint spawn(void) { void *h = dlopen(\"x\", 0); return h ? fork() : 0; }\n",
    )
    .unwrap();
    let run = |argv: &[&str]| {
        let st = Command::new(argv[0])
            .args(&argv[1..])
            .current_dir(&tmp)
            .status()
            .unwrap();
        assert!(st.success(), "{argv:?}");
    };
    run(&["cc", "-c", "spawn.c", "-o", "spawn.o"]);
    run(&["ar", "rc", "libspawn.a", "odd.txt", "spawn.o"]);
    let calls = dh_rumprun::commands::chain::archive_calls(&tmp.join("libspawn.a"));
    std::fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(calls, ["fork", "dlopen"]);
}
