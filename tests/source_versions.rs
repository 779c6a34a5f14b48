//! `built_using::source_of` against dpkg itself: a private dpkg database
//! (`dpkg-query --admindir`) holds one installed package per version
//! shape, and for each the source name and version we derive must be
//! `${source:Package}` and `${source:Version}` as dpkg-query prints them.

mod common;

use common::TempTree;
use dh_rumprun::flavour::built_using::{SHOW_FORMAT, parse_installed, source_of};
use std::fs;
use std::process::Command;

/// (Version, Source field or "") of each package.
const SHAPES: [(&str, &str); 22] = [
    ("1.0-1", ""),
    ("1.0-1+b1", "p (1.0-1)"),
    ("1.0-1+b12", "p (1.0-1)"),
    ("2:1.0-1", ""),
    ("2:1.0-1+b3", "p (2:1.0-1)"),
    ("1.0", ""),
    ("1.0+b2", "p (1.0)"),
    ("1.0-1.1", ""),
    ("1.0-1.1+b1", "p (1.0-1.1)"),
    ("1.0~rc1-1", ""),
    ("1.0+dfsg-1+b1", "p (1.0+dfsg-1)"),
    ("1.0-1+deb12u1", ""),
    ("1.0-1+deb12u1+b1", "p (1.0-1+deb12u1)"),
    ("1.0-1+b1", "other"),
    ("1.0-1+b1", ""),
    ("1.0-2+b1", "other (1.0-1)"),
    ("1.0+build1", ""),
    ("1.0-1+b", "other"),
    ("3:0-0+b9", "other (3:0-0)"),
    ("1:2.3.4~beta5+really2.3.3-0.1", ""),
    ("0.0.0-1~bpo12+1", "other (0.0.0-1~bpo12+1)"),
    ("1.2.3-4ubuntu0.1+b2", "other-src (1.2.3-4ubuntu0.1)"),
];

#[test]
fn source_versions_agree_with_dpkg_query() {
    let db = TempTree::new("dpkgdb");
    for dir in ["info", "updates"] {
        fs::create_dir_all(db.path().join(dir)).expect("mkdir");
    }
    fs::write(db.path().join("available"), "").expect("available");
    let mut status = String::new();
    for (i, (version, source)) in SHAPES.iter().enumerate() {
        status.push_str(&format!(
            "Package: p{i}\nStatus: install ok installed\nArchitecture: amd64\n{}Version: {version}\n{}Maintainer: A <a@example.org>\nDescription: shape {i}\n\n",
            if i % 3 == 0 { "Multi-Arch: same\n" } else { "" },
            if source.is_empty() { String::new() } else { format!("Source: {source}\n") },
        ));
    }
    fs::write(db.path().join("status"), status).expect("status");
    let query = |format: &str| {
        let out = Command::new("dpkg-query")
            .arg(format!("--admindir={}", db.path().display()))
            .args(["-W", "-f", format])
            .output()
            .expect("dpkg-query");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ours = parse_installed(&query(SHOW_FORMAT)).expect("parses");
    let dpkg = query("${binary:Package}\t${source:Package}\t${source:Version}\n");
    assert_eq!(ours.len(), SHAPES.len());
    let mut disagree = Vec::new();
    for (p, line) in ours.iter().zip(dpkg.lines()) {
        let want: Vec<&str> = line.split('\t').collect();
        assert_eq!(p.package, want[0]);
        let got = source_of(p).expect("source");
        if got.name != want[1] || got.version.to_string() != want[2] {
            disagree.push(format!(
                "{} {} [{}]: ours {} {}, dpkg {} {}",
                p.package, p.version, p.source_field, got.name, got.version, want[1], want[2]
            ));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
