//! The generated Meson cross file, read by real Meson: a project whose
//! `dependency()` must be answered by the flavour's `TRIPLET-pkg-config`,
//! never by the host's pkg-config. Run with Debian 12's Meson (1.0.1,
//! which reads the wrapper from `pkgconfig`) and with every Meson listed in
//! `DH_RUMPRUN_TEST_MESONS` (colon-separated; `./run-tests` adds Meson
//! 1.7.0, Debian 13's, which reads `pkg-config`).

mod common;

use common::TempTree;
use dh_rumprun::flavour::cross_files::meson_cross_file;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const TRIPLET: &str = "x86_64-probe-linux";

/// Writes an executable script.
fn script(path: &Path, text: &str) {
    fs::write(path, text).expect("write");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Configures a project needing `dependency('rumprunprobe')` with `meson`
/// and the generated cross file; returns Meson's output and the calls the
/// triplet's pkg-config got.
fn configure_with(meson: &str, tmp: &Path) -> (bool, String, String) {
    let bin = tmp.join("bin");
    fs::create_dir_all(&bin).expect("mkdir");
    // The cross compilers: the host's, under the triplet's names.
    for (tool, real) in [
        ("gcc", "gcc"),
        ("g++", "g++"),
        ("ar", "ar"),
        ("strip", "strip"),
    ] {
        let _ = fs::remove_file(bin.join(format!("{TRIPLET}-{tool}")));
        std::os::unix::fs::symlink(
            format!("/usr/bin/{real}"),
            bin.join(format!("{TRIPLET}-{tool}")),
        )
        .expect("symlink");
    }
    // The triplet's pkg-config: knows one module, and says it was asked.
    let log = tmp.join("pkg-config.log");
    let _ = fs::remove_file(&log);
    script(
        &bin.join(format!("{TRIPLET}-pkg-config")),
        &format!(
            "#!/bin/sh\necho \"$*\" >> {log}\n\
             case \"$*\" in\n\
             *--version*) echo 1.8.1 ;;\n\
             *--modversion*rumprunprobe*) echo 4.2 ;;\n\
             *rumprunprobe*) echo ;;\n\
             *) exit 1 ;;\n\
             esac\n",
            log = log.display()
        ),
    );
    let project = tmp.join("project");
    fs::create_dir_all(&project).expect("mkdir");
    fs::write(
        project.join("meson.build"),
        "project('probe', 'c')\n\
         d = dependency('rumprunprobe')\n\
         message('rumprunprobe version ' + d.version())\n",
    )
    .expect("meson.build");
    let cross = tmp.join("cross.ini");
    fs::write(&cross, meson_cross_file(TRIPLET, "linux", &[], &[])).expect("cross");
    let build = tmp.join(format!("build-{}", meson.replace('/', "_")));
    let out = Command::new(meson)
        .arg("setup")
        .arg(format!("--cross-file={}", cross.display()))
        .arg(&build)
        .arg(&project)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env_remove("PKG_CONFIG")
        .env_remove("PKG_CONFIG_PATH")
        .env_remove("PKG_CONFIG_LIBDIR")
        .output()
        .unwrap_or_else(|e| panic!("running {meson}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success(),
        text,
        fs::read_to_string(&log).unwrap_or_default(),
    )
}

#[test]
fn meson_finds_libraries_through_the_flavours_pkg_config() {
    let mut mesons = vec!["meson".to_string()];
    if let Ok(more) = std::env::var("DH_RUMPRUN_TEST_MESONS") {
        mesons.extend(
            more.split(':')
                .filter(|m| !m.is_empty())
                .map(str::to_string),
        );
    }
    for meson in &mesons {
        let tmp = TempTree::new("meson-cross");
        let (ok, output, calls) = configure_with(meson, tmp.path());
        assert!(ok, "{meson} setup failed:\n{output}");
        assert!(
            output.contains("Message: rumprunprobe version 4.2"),
            "{meson}: the dependency did not come from {TRIPLET}-pkg-config:\n{output}"
        );
        assert!(
            calls.contains("rumprunprobe"),
            "{meson} never asked {TRIPLET}-pkg-config:\n{output}"
        );
        assert!(
            !output.contains("DEPRECATION"),
            "{meson} finds a deprecated entry in the cross file:\n{output}"
        );
        let version = output.lines().find(|l| l.starts_with("Version: "));
        eprintln!(
            "{meson}: {}: found through the cross file's pkg-config",
            version.unwrap_or("?")
        );
    }
}
