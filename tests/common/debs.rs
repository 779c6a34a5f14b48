//! Reading and checking built .debs: the files and fields of a package,
//! and the whole check of a program flavour (its images, its fields, each
//! image run, lintian), shared by the package builds on the host
//! (tests/packages.rs) and in chroots (tests/chroot.rs).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::toolchain::Toolchain;

/// One image a flavour must ship: its path in the package, the config it
/// is baked for, the arguments to run it with, and lines its output must
/// contain.
pub struct Image {
    pub path: &'static str,
    pub config: &'static str,
    pub args: &'static [&'static str],
    pub prints: &'static [&'static str],
}

/// A source package to build and what its flavour must hold.
pub struct Case {
    /// Source package name.
    pub source: &'static str,
    /// The native binary packages (besides -dbgsym ones).
    pub native: &'static [&'static str],
    /// The flavour package.
    pub flavour: &'static str,
    /// Its images.
    pub images: &'static [Image],
    /// The installed binary packages whose sources `Static-Built-Using`
    /// must list besides the toolchain's own ([`static_built_using`]).
    pub linked: &'static [&'static str],
}

/// What `Static-Built-Using` of a program flavour linked with the
/// installed `packages` must be: their sources and those of the installed
/// toolchain's C library and components, sorted, as dpkg-query derives
/// them.
pub fn static_built_using(packages: &[&str]) -> String {
    sources_with(packages, Toolchain::installed().linked())
}

/// What `Built-Using` of a program flavour linked with the installed
/// (GPL-family licensed) `packages` must be: their sources and those of
/// the installed toolchain's packages that go there too.
pub fn built_using(packages: &[&str]) -> String {
    sources_with(packages, Toolchain::installed().built_using())
}

/// [`sources_of`] `packages` and the toolchain's `toolchain` packages.
fn sources_with(packages: &[&str], toolchain: &[&str]) -> String {
    sources_of(&[packages, toolchain].concat())
}

/// Moves every file dpkg-buildpackage wrote into `from` (the parent of
/// the tree it built) into `into`; returns the .debs by package name.
pub fn move_build_output(from: &Path, into: &Path) -> std::io::Result<BTreeMap<String, PathBuf>> {
    std::fs::create_dir_all(into)?;
    let mut debs = BTreeMap::new();
    for entry in std::fs::read_dir(from)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_file() {
            continue;
        }
        let to = into.join(&name);
        std::fs::rename(entry.path(), &to)?;
        if let Some(pkg) = name.strip_suffix(".deb").and_then(|n| n.split('_').next()) {
            debs.insert(pkg.to_string(), to);
        }
    }
    Ok(debs)
}

/// `src (= version), ...` of installed binary packages, sorted by source,
/// as dpkg-query derives them.
pub fn sources_of<S: AsRef<OsStr>>(packages: &[S]) -> String {
    if packages.is_empty() {
        return String::new();
    }
    let out = super::run_ok(
        Command::new("dpkg-query")
            .args(["-W", "-f", "${source:Package} (= ${source:Version})\n"])
            .args(packages),
    );
    let mut sources: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    sources.sort();
    sources.dedup();
    sources.join(", ")
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The regular files of a .deb (`dpkg-deb -c`), without the leading `./`.
pub fn deb_files(deb: &Path) -> Vec<String> {
    let out = Command::new("dpkg-deb")
        .arg("-c")
        .arg(deb)
        .output()
        .expect("dpkg-deb -c");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('d'))
        .filter_map(|l| l.split_whitespace().nth(5))
        .map(|p| p.trim_start_matches("./").to_string())
        .collect()
}

/// A control field of a .deb.
pub fn deb_field(deb: &Path, field: &str) -> String {
    let out = Command::new("dpkg-deb")
        .arg("-f")
        .arg(deb)
        .arg(field)
        .output()
        .expect("dpkg-deb -f");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Checks the flavour .deb: exactly the images (besides the files every
/// package has), architecture-specific, `Static-Built-Using` exactly
/// `static_built_using`, each image runs and prints what it must,
/// lintian-clean. `scratch` is where the .deb is unpacked.
pub fn check_flavour(case: &Case, deb: &Path, scratch: &Path, static_built_using: &str) {
    let files = deb_files(deb);
    let common = [
        format!("usr/share/doc/{}/changelog.gz", case.flavour),
        format!("usr/share/doc/{}/changelog.Debian.gz", case.flavour),
        format!("usr/share/doc/{}/copyright", case.flavour),
        format!("usr/share/lintian/overrides/{}", case.flavour),
    ];
    let mut images: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !common.iter().any(|c| c == f))
        .collect();
    images.sort();
    let mut want: Vec<&str> = case.images.iter().map(|i| i.path).collect();
    want.sort();
    assert_eq!(
        images, want,
        "{}: files besides the doc and lintian files",
        case.flavour
    );
    assert!(
        files.contains(&common[3]),
        "{}: no lintian override file",
        case.flavour
    );
    assert_eq!(deb_field(deb, "Architecture"), "amd64", "{}", case.flavour);
    assert_eq!(
        deb_field(deb, "Static-Built-Using"),
        static_built_using,
        "{}: Static-Built-Using",
        case.flavour
    );
    eprintln!(
        "{}: Static-Built-Using: {}; Built-Using: {}",
        case.flavour,
        deb_field(deb, "Static-Built-Using"),
        deb_field(deb, "Built-Using")
    );
    let x = extract(deb, &scratch.join(format!("x-{}", case.flavour)));
    for image in case.images {
        let path = x.join(image.path);
        let Some(ran) = Toolchain::installed().run(image.config, &path, image.args) else {
            continue;
        };
        let stdout = &ran.stdout;
        // What it printed, for the log: a guest's console from its
        // program's start to its halt.
        let shown: Vec<&str> = stdout
            .lines()
            .skip_while(|l| !l.starts_with("=== calling"))
            .collect();
        let shown = if shown.is_empty() {
            stdout.lines().collect()
        } else {
            shown
        };
        eprintln!(
            "{}: /{} {}:\n  {}",
            case.flavour,
            image.path,
            image.args.join(" "),
            shown.join("\n  ")
        );
        assert_eq!(
            ran.status, 0,
            "{} exited {}:\n{stdout}",
            image.path, ran.status
        );
        for line in image.prints {
            assert!(
                stdout.lines().any(|l| l.contains(line)),
                "{} should print {line:?}, printed:\n{stdout}",
                image.path
            );
        }
    }
    assert_lintian_clean(deb);
}

/// Runs lintian on `deb` and fails on any error or warning (overridden
/// tags are not reported as such).
pub fn assert_lintian_clean(deb: &Path) {
    let out = Command::new("lintian")
        .args(["--no-tag-display-limit"])
        .arg(deb)
        .output()
        .expect("lintian");
    let report = String::from_utf8_lossy(&out.stdout);
    let bad: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("E: ") || l.starts_with("W: "))
        .collect();
    assert!(
        bad.is_empty(),
        "lintian on {}:\n{}",
        deb.display(),
        bad.join("\n")
    );
}

/// Unpacks `deb` into `into` (`dpkg-deb -x`) and returns `into`.
pub fn extract(deb: &Path, into: &Path) -> PathBuf {
    let st = Command::new("dpkg-deb")
        .arg("-x")
        .arg(deb)
        .arg(into)
        .status()
        .expect("dpkg-deb -x");
    assert!(st.success(), "dpkg-deb -x {}", deb.display());
    into.to_path_buf()
}

/// The regular files of a .deb outside usr/share/ (what a flavour ships
/// besides the documentation and lintian files every package has).
pub fn shipped_files(deb: &Path) -> Vec<String> {
    deb_files(deb)
        .into_iter()
        .filter(|f| !f.starts_with("usr/share/"))
        .collect()
}

/// What libgreet-rumprun-dev ships outside usr/share/: the archive, the
/// header and the .pc file, under the triplet's directory.
pub const LIBGREET_RUMPRUN_DEV_FILES: &[&str] = &[
    "usr/x86_64-rumprun-netbsd/include/greet.h",
    "usr/x86_64-rumprun-netbsd/lib/libgreet.a",
    "usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc",
];

/// The program flavour of fixtures/packages/greet, linked with libgreet's
/// library flavour, as the installed toolchain builds it.
pub fn greet() -> Case {
    Case {
        source: "greet",
        native: &["greet"],
        flavour: "greet-rumprun",
        images: match Toolchain::installed() {
            Toolchain::Standin => &[GREET_IMAGE_STANDIN],
            Toolchain::Real => &[GREET_IMAGE_REAL],
        },
        linked: &["libgreet-rumprun-dev"],
    }
}

/// greet's image: the host's zlib (pkg-config file and library) is never
/// seen; the stand-in has no zlib.
const GREET_IMAGE_STANDIN: Image = Image {
    path: "usr/lib/rumprun/hw_virtio/greet",
    config: "hw_virtio",
    args: &[],
    prints: &[
        "greet: Greetings from libgreet 1.0",
        "zlib: pkg-config=no, link=no",
    ],
};

/// greet's image with the real toolchain, whose C library directory has
/// NetBSD's libz.a (but no zlib.pc).
const GREET_IMAGE_REAL: Image = Image {
    prints: &[
        "greet: Greetings from libgreet 1.0",
        "zlib: pkg-config=no, link=yes",
    ],
    ..GREET_IMAGE_STANDIN
};
