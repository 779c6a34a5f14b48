//! The Rumprun toolchain the package tests build with, and how they run
//! what it bakes.
//!
//! The same tests run with either installed toolchain: the stand-in of
//! fixtures/rumprun-standin (a test double whose images are static Linux
//! programs, run on the host) or the real Rumprun toolchain packaged in
//! toolchain/rumprun (rumprun-toolchain-hw, whose hw images boot in QEMU
//! through tools/boot-image). Only the tests tell them apart, never
//! dh-rumprun: what differs is which packages' archives every bake links
//! (the C library and the toolchain's own components, which must be in
//! `Static-Built-Using`) and how an image is run.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// An installed Rumprun toolchain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// rumprun-standin-toolchain: musl's C library, images run on the host.
    Standin,
    /// rumprun-toolchain-hw: NetBSD's C library and the rump kernel, images
    /// boot in qemu-system-x86_64.
    Real,
}

/// What a run of an image gave: its exit status and what it printed.
pub struct Ran {
    /// The program's exit status (its main()'s return, for a guest).
    pub status: i32,
    /// Its standard output (the guest's whole console, for a guest).
    pub stdout: String,
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Status}", package])
        .output()
        .map(|o| o.stdout == b"installed")
        .unwrap_or(false)
}

impl Toolchain {
    /// The installed toolchain: the real one when rumprun-toolchain-hw is
    /// installed, else the stand-in.
    pub fn installed() -> Toolchain {
        static INSTALLED: OnceLock<Toolchain> = OnceLock::new();
        *INSTALLED.get_or_init(|| {
            if is_installed("rumprun-toolchain-hw") {
                Toolchain::Real
            } else {
                Toolchain::Standin
            }
        })
    }

    /// The binary packages whose archives every bake links (C library,
    /// toolchain components): their sources are in every program
    /// flavour's `Static-Built-Using`.
    pub fn linked(self) -> &'static [&'static str] {
        match self {
            Toolchain::Standin => &["musl-dev", "rumprun-standin-toolchain"],
            Toolchain::Real => &["rumprun-toolchain-hw"],
        }
    }

    /// The binary packages of the toolchain that go into `Built-Using`
    /// as well: those whose copyright names a licence of the GPL family.
    /// The real toolchain's does (some of NetBSD's sources are GPL, or
    /// dual-licensed with the GPL), and dh-rumprun decides as dh-cargo
    /// does, per package; the stand-in's C library, musl, is MIT.
    pub fn built_using(self) -> &'static [&'static str] {
        match self {
            Toolchain::Standin => &[],
            Toolchain::Real => &["rumprun-toolchain-hw"],
        }
    }

    /// Runs the image at `path`, baked for `config`, with `args`: the
    /// stand-in's image on the host; the real toolchain's hw image booted
    /// in QEMU. Xen images of the real toolchain cannot run here (no Xen):
    /// they are checked to be Xen PV kernels, and `None` is returned.
    pub fn run(self, config: &str, path: &Path, args: &[&str]) -> Option<Ran> {
        let out = match self {
            Toolchain::Standin => Command::new(path).args(args).output(),
            Toolchain::Real if config.starts_with("xen") => {
                assert_xen_pv_kernel(path);
                return None;
            }
            Toolchain::Real => Command::new(super::repo_root().join("tools/boot-image"))
                .arg(path)
                .args(args)
                .output(),
        }
        .unwrap_or_else(|e| panic!("running {}: {e}", path.display()));
        Some(Ran {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    }
}

/// Asserts that `path` is a Xen PV guest kernel: an ELF file with Xen's
/// ELF notes (`readelf -n` names the owner "Xen") or the older
/// `__xen_guest` section.
pub fn assert_xen_pv_kernel(path: &Path) {
    let out = Command::new("readelf")
        .args(["-n", "-S", "-W"])
        .arg(path)
        .output()
        .expect("readelf");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && (text.lines().any(|l| l.trim_start().starts_with("Xen "))
                || text.contains("__xen_guest")),
        "{} is not a Xen PV kernel:\n{text}",
        path.display()
    );
}
