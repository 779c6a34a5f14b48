//! `dh_rumprun add-flavour`, golden directories: each case of
//! `fixtures/add-flavour/CASE/` holds `args` (the command line after
//! `dh_rumprun add-flavour`), `in/` (the package before), `out/` (after; a
//! refusal or `--dry-run` has none: the tree must not change), `message`
//! (stdout then stderr) and `status` (the exit code), and optionally
//! `dpkg-status`, the packages dpkg has installed (a dpkg status file; the
//! tool runs with `DPKG_ADMINDIR` on it, and on an empty one without it,
//! so what this machine has installed never matters). Every case is run
//! twice: the second run must change no byte.

mod common;

use common::{TempTree, case_dirs, copy_tree, fixture_dir};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file of a tree, relative path to bytes (and the executable bit).
fn files(root: &Path) -> BTreeMap<PathBuf, (bool, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let exec = fs::metadata(&p).expect("stat").permissions().mode() & 0o111 != 0;
                out.insert(
                    p.strip_prefix(root).expect("inside").to_path_buf(),
                    (exec, fs::read(&p).expect("read")),
                );
            }
        }
    }
    out
}

/// Runs `dh_rumprun add-flavour ARGS` in `dir`, with dpkg's database in
/// `admindir`: status and stdout+stderr.
fn add_flavour(dir: &Path, admindir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
        .arg("add-flavour")
        .args(args)
        .current_dir(dir)
        .env("DPKG_ADMINDIR", admindir)
        .output()
        .expect("dh_rumprun");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn golden_cases() {
    let cases = case_dirs("add-flavour");
    assert!(cases.len() >= 12, "only {} cases", cases.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = &case.name;
        let args = case.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let tmp = TempTree::new(&format!("af-{name}"));
        copy_tree(&case.dir.join("in"), tmp.path()).expect("copy in/");
        let admindir = TempTree::new(&format!("af-dpkg-{name}"));
        let status_file = fs::read_to_string(case.dir.join("dpkg-status")).unwrap_or_default();
        fs::write(admindir.path().join("status"), status_file).expect("dpkg status");
        let before = files(tmp.path());
        let (status, message) = add_flavour(tmp.path(), admindir.path(), &args);
        let after = files(tmp.path());
        let out_dir = case.dir.join("out");
        if bless {
            fs::write(case.dir.join("status"), format!("{status}\n")).expect("bless");
            fs::write(case.dir.join("message"), &message).expect("bless");
            let _ = fs::remove_dir_all(&out_dir);
            if after != before {
                copy_tree(tmp.path(), &out_dir).expect("bless out/");
            }
            continue;
        }
        let want_status = case.status();
        let want_message = fs::read_to_string(case.dir.join("message")).expect("message");
        let want = if out_dir.is_dir() {
            files(&out_dir)
        } else {
            before.clone()
        };
        if status != want_status {
            failures.push(format!(
                "{name}: exit {status}, want {want_status}\n{message}"
            ));
        }
        if message != want_message {
            failures.push(format!(
                "{name}: message\n--- got\n{message}--- want\n{want_message}"
            ));
        }
        if after != want {
            let differ: Vec<String> = after
                .keys()
                .chain(want.keys())
                .filter(|k| after.get(*k) != want.get(*k))
                .map(|k| k.display().to_string())
                .collect();
            failures.push(format!("{name}: files differ from out/: {differ:?}"));
        }
        // Idempotent: a second run writes nothing.
        let (_, again) = add_flavour(tmp.path(), admindir.path(), &args);
        if files(tmp.path()) != after {
            failures.push(format!("{name}: a second run changed the tree:\n{again}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// qemu's `debian/control` is generated from `debian/control-in` by its
/// rules' recipe (a header line, then `sed` keeps the `:debian:` lines
/// without their prefix and drops other vendors' lines): after
/// add-flavour, as before it, that recipe gives the `debian/control`
/// add-flavour wrote, line for line. For Ubuntu, whose stanza ends the
/// template, the flavour's stanza is a stanza of its own too.
#[test]
fn qemu_control_in_still_generates_its_control() {
    let ubuntu = Command::new("sed")
        .args(["-e", "s/^:ubuntu://", "-e", "/^:[a-z]*:/D"])
        .arg(fixture_dir(
            "add-flavour/qemu-control-in-vendor-lines/out/debian/control-in",
        ))
        .output()
        .expect("sed");
    let ubuntu = String::from_utf8_lossy(&ubuntu.stdout);
    let at = ubuntu
        .find("\nPackage: qemu-rumprun\n")
        .expect("the flavour's stanza");
    assert!(
        ubuntu[..=at].ends_with("\n\n") && ubuntu[..at].contains("Package: qemu-system-x86-xen"),
        "for Ubuntu, the flavour's stanza does not follow an empty line"
    );
    let case = fixture_dir("add-flavour/qemu-control-in-vendor-lines");
    for side in ["in", "out"] {
        let debian = case.join(side).join("debian");
        let out = Command::new("sed")
            .args(["-e", "s/^:debian://", "-e", "/^:[a-z]*:/D"])
            .arg(debian.join("control-in"))
            .output()
            .expect("sed");
        assert!(out.status.success());
        let generated = format!(
            "# autogenerated file, please edit debian/control-in\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let control = fs::read_to_string(debian.join("control")).expect("control");
        assert!(
            generated == control,
            "{side}: debian/control is not what debian/control-in generates"
        );
    }
}
