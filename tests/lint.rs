//! `dh_rumprun lint` on the golden trees of `fixtures/lint/CASE/`: `tree/`
//! (a source tree), `args` (options before the path), `expected` (stdout)
//! and `status` (the exit code). Between them every source-tree tag fires
//! somewhere (`mistakes`, `generated-no-dh`, `overrides`) and does not fire
//! on the correct tree (`clean`) or on a package without a flavour.

mod common;

use common::case_dirs;
use std::fs;
use std::path::Path;
use std::process::Command;

fn lint(args: &[&str], tree: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
        .arg("lint")
        .args(args)
        .arg(tree)
        .output()
        .expect("dh_rumprun lint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn golden_trees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint");
    let cases = case_dirs("lint");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut fired = std::collections::BTreeSet::new();
    for case in &cases {
        let name = &case.name;
        let args = case.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (status, stdout, stderr) = lint(&args, &case.dir.join("tree"));
        if bless {
            fs::write(case.dir.join("expected"), &stdout).expect("bless");
            fs::write(case.dir.join("status"), format!("{status}\n")).expect("bless");
            continue;
        }
        let want = fs::read_to_string(case.dir.join("expected")).expect("expected");
        let want_status = case.status();
        if stdout != want || status != want_status || !stderr.is_empty() {
            failures.push(format!("{name}: exit {status} (want {want_status})\n--- got\n{stdout}{stderr}--- want\n{want}"));
        }
        for line in stdout.lines() {
            if let Some(tag) = line
                .split(": ")
                .nth(2)
                .and_then(|t| t.split_whitespace().next())
            {
                fired.insert(tag.to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if !bless {
        let clean = fs::read_to_string(root.join("clean/expected")).expect("clean");
        assert_eq!(clean, "", "the correct tree fires nothing");
        // The tags of built packages fire in lint::deb's unit tests, the
        // chain's in its unit tests and tests/chain.rs.
        for t in dh_rumprun::commands::lint::tags::TAGS
            .iter()
            .filter(|t| t.check != "deb" && t.check != "chain")
        {
            assert!(fired.contains(t.name), "no golden tree fires {}", t.name);
        }
    }
}

#[test]
fn json_has_the_same_facts_and_explain_every_tag() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint/overrides/tree");
    let (status, text, _) = lint(&[], &tree);
    let (json_status, json, _) = lint(&["--json"], &tree);
    assert_eq!(status, json_status);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let items = v.as_array().expect("array");
    let shown = items.iter().filter(|i| i["overridden"] == false).count();
    assert_eq!(shown, text.lines().count());
    assert!(
        items
            .iter()
            .any(|i| i["overridden"] == true && i["tag"] == "unsupported-process-call")
    );
    for t in dh_rumprun::commands::lint::tags::TAGS {
        let out = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
            .args(["lint", "--explain", t.name])
            .output()
            .expect("explain");
        assert!(
            out.status.success()
                && String::from_utf8_lossy(&out.stdout).starts_with(&format!("N: {}\n", t.name))
        );
    }
    let (status, _, err) = lint(&["--explain", "no-such-tag"], &tree);
    assert_eq!(status, 2, "{err}");
}
