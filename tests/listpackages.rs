//! Differential test: dh-rumprun's package selection against the real
//! `dh_listpackages` from debhelper.
//!
//! Each case is a fixture (`fixtures/listpackages/<name>/debian/control`,
//! sometimes with extra files written into a temporary copy), the command
//! line and the environment. `dh_listpackages` runs with exactly that
//! environment (`env_clear`, then `PATH`, `DEB_HOST_ARCH` and the case's
//! variables); dh-rumprun's library gets the same variables. The two must
//! agree on success or failure and, on success, on the exact list in order.
//!
//! Every case runs; the test fails once, listing every mismatching case.
//! It needs debhelper installed (not dh-rumprun's package) and fails, rather
//! than skipping, when `dh_listpackages` cannot be run.

use dh_rumprun::debian::control::Control;
use dh_rumprun::env::Env;
use dh_rumprun::stages::compat_level;
use dh_rumprun::stages::dh_options::DhOptions;
use dh_rumprun::stages::selection::select;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tool name `select` is given, as `dh_listpackages` knows itself
/// (it matters for `--remaining-packages`).
const TOOL: &str = "dh_listpackages";

/// The host architecture of every case that does not set its own, so the
/// result never depends on the machine running the test.
const DEFAULT_HOST_ARCH: &str = "amd64";

/// The fewest cases the matrix may hold, so it cannot shrink silently.
const MIN_CASES: usize = 30;

/// One differential case.
struct Case {
    /// A short unique name.
    name: &'static str,
    /// The directory under `fixtures/listpackages/`.
    fixture: &'static str,
    /// The command line, without the program name.
    args: &'static [&'static str],
    /// Environment variables on top of `PATH` and `DEB_HOST_ARCH=amd64`
    /// (a `DEB_HOST_ARCH` here replaces the default).
    env: &'static [(&'static str, &'static str)],
    /// Files written (path relative to the fixture root, content) into a
    /// temporary copy of the fixture before both sides run.
    files: &'static [(&'static str, &'static str)],
}

const fn case(
    name: &'static str,
    fixture: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        name,
        fixture,
        args,
        env,
        files: &[],
    }
}

impl Case {
    const fn with_files(mut self, files: &'static [(&'static str, &'static str)]) -> Case {
        self.files = files;
        self
    }
}

const NONE: &[(&str, &str)] = &[];
const I386: &[(&str, &str)] = &[("DEB_HOST_ARCH", "i386")];
const ARMHF: &[(&str, &str)] = &[("DEB_HOST_ARCH", "armhf")];
const ARM64: &[(&str, &str)] = &[("DEB_HOST_ARCH", "arm64")];

/// `--remaining-packages`: foo has run `dh_listpackages`, foo-doc only `dh_install`.
const LOGS: &[(&str, &str)] = &[
    (
        "debian/foo.debhelper.log",
        "dh_prep\ndh_listpackages\ndh_install\n",
    ),
    ("debian/foo-doc.debhelper.log", "dh_install\n"),
    (
        "debian/foo-tests.debhelper.log",
        "dh_listpackages_not_quite\n",
    ),
];

/// A control file with CRLF line ends, written at run time so that git
/// cannot normalise them.
const CRLF_CONTROL: &str = concat!(
    "Source: crlf\r\nBuild-Depends: debhelper-compat (= 13)\r\n\r\n",
    "Package: cr-any\r\nArchitecture: any\r\n\r\n",
    "Package: cr-list\r\nArchitecture: i386\r\n amd64\r\n\r\n",
    "Package: cr-all\r\nArchitecture: all\r\n",
);

fn cases() -> Vec<Case> {
    vec![
        // ---- basic: compat 13, any/all/list/linux-any, profiles, udeb, comments
        case("basic: no options", "basic", &[], NONE),
        case("basic: -a", "basic", &["-a"], NONE),
        case("basic: -i", "basic", &["-i"], NONE),
        case(
            "basic: -a -i (arch first, then indep)",
            "basic",
            &["-a", "-i"],
            NONE,
        ),
        case(
            "basic: -i -a (indep first, then arch)",
            "basic",
            &["-i", "-a"],
            NONE,
        ),
        case(
            "basic: --arch --indep",
            "basic",
            &["--arch", "--indep"],
            NONE,
        ),
        case("basic: -p foo-doc", "basic", &["-p", "foo-doc"], NONE),
        case(
            "basic: -p foo-tests -p foo (command-line order)",
            "basic",
            &["-p", "foo-tests", "-p", "foo"],
            NONE,
        ),
        case(
            "basic: -p foo -p foo (deduplicated)",
            "basic",
            &["-p", "foo", "-p", "foo"],
            NONE,
        ),
        case(
            "basic: -pfoo-rumprun (attached)",
            "basic",
            &["-pfoo-rumprun"],
            NONE,
        ),
        case("basic: -ipfoo (bundled)", "basic", &["-ipfoo"], NONE),
        case(
            "basic: --package=libfoo-rumprun-dev",
            "basic",
            &["--package=libfoo-rumprun-dev"],
            NONE,
        ),
        case(
            "basic: --package foo-udeb",
            "basic",
            &["--package", "foo-udeb"],
            NONE,
        ),
        case(
            "basic: -a -p foo-doc",
            "basic",
            &["-a", "-p", "foo-doc"],
            NONE,
        ),
        case("basic: -N foo-doc", "basic", &["-N", "foo-doc"], NONE),
        case(
            "basic: -a -N foo-rumprun",
            "basic",
            &["-a", "-N", "foo-rumprun"],
            NONE,
        ),
        case(
            "basic: --no-package foo-udeb",
            "basic",
            &["--no-package", "foo-udeb"],
            NONE,
        ),
        case(
            "basic: -Nfoo-tests -i (attached)",
            "basic",
            &["-Nfoo-tests", "-i"],
            NONE,
        ),
        case(
            "basic: -i -p foo-doc -N foo-doc",
            "basic",
            &["-i", "-p", "foo-doc", "-N", "foo-doc"],
            NONE,
        ),
        case(
            "basic: -N three times",
            "basic",
            &["-N", "foo-doc", "-N", "foo", "-N", "foo-tests"],
            NONE,
        ),
        case(
            "basic: -p unknown (error)",
            "basic",
            &["-p", "unknown"],
            NONE,
        ),
        case(
            "basic: -N unknown (error)",
            "basic",
            &["-N", "unknown"],
            NONE,
        ),
        case(
            "basic: -p=foo (value \"=foo\", error)",
            "basic",
            &["-p=foo"],
            NONE,
        ),
        case("basic: -p without value (error)", "basic", &["-p"], NONE),
        case(
            "basic: --frobnicate (error)",
            "basic",
            &["--frobnicate"],
            NONE,
        ),
        case("basic: -z (error)", "basic", &["-z"], NONE),
        case(
            "basic: DEB_BUILD_PROFILES=pkg.foo.norumprun",
            "basic",
            &[],
            &[("DEB_BUILD_PROFILES", "pkg.foo.norumprun")],
        ),
        case(
            "basic: -p of a profile-excluded package",
            "basic",
            &["-p", "foo-rumprun"],
            &[("DEB_BUILD_PROFILES", "pkg.foo.norumprun")],
        ),
        case(
            "basic: -p excluded -p kept",
            "basic",
            &["-p", "foo-rumprun", "-p", "foo"],
            &[("DEB_BUILD_PROFILES", "pkg.foo.norumprun")],
        ),
        case(
            "basic: -i with DEB_BUILD_PROFILES=nocheck",
            "basic",
            &["-i"],
            &[("DEB_BUILD_PROFILES", "nocheck")],
        ),
        case(
            "basic: -N of a profile-excluded package",
            "basic",
            &["-N", "foo-tests"],
            &[("DEB_BUILD_PROFILES", "nocheck")],
        ),
        case("basic: DEB_HOST_ARCH=i386", "basic", &[], I386),
        case("basic: DEB_HOST_ARCH=armhf", "basic", &[], ARMHF),
        case("basic: DEB_HOST_ARCH=arm64 -a", "basic", &["-a"], ARM64),
        case(
            "basic: DEB_HOST_ARCH=kfreebsd-amd64 (linux-any excluded)",
            "basic",
            &[],
            &[("DEB_HOST_ARCH", "kfreebsd-amd64")],
        ),
        case(
            "basic: -p of an architecture-excluded package",
            "basic",
            &["-p", "libfoo-rumprun-dev"],
            ARM64,
        ),
        case(
            "basic: --remaining-packages with logs",
            "basic",
            &["--remaining-packages"],
            NONE,
        )
        .with_files(LOGS),
        case(
            "basic: --remaining-packages -p foo (logged: none left)",
            "basic",
            &["--remaining-packages", "-p", "foo"],
            NONE,
        )
        .with_files(LOGS),
        case(
            "basic: -a --remaining-packages with logs",
            "basic",
            &["-a", "--remaining-packages"],
            NONE,
        )
        .with_files(LOGS),
        case(
            "basic: DH_OPTIONS=-a",
            "basic",
            &[],
            &[("DH_OPTIONS", "-a")],
        ),
        case(
            "basic: DH_OPTIONS=-i plus -p foo",
            "basic",
            &["-p", "foo"],
            &[("DH_OPTIONS", "  -i ")],
        ),
        case(
            "basic: DH_OPTIONS with an unknown option (ignored) and -N",
            "basic",
            &[],
            &[("DH_OPTIONS", "--bogus -Nfoo")],
        ),
        // An unknown package outside the command line proper is no error:
        // Getopt::Long turns the callback's die into a warning, so dh
        // ignores the option (DH_OPTIONS warns, DH_INTERNAL_OPTIONS and -O not).
        case(
            "basic: DH_OPTIONS=-p unknown (ignored)",
            "basic",
            &[],
            &[("DH_OPTIONS", "-p unknown")],
        ),
        case(
            "basic: DH_OPTIONS=-p unknown -p foo (only foo)",
            "basic",
            &[],
            &[("DH_OPTIONS", "-p unknown -p foo")],
        ),
        case(
            "basic: DH_OPTIONS=-N unknown plus -a (ignored)",
            "basic",
            &["-a"],
            &[("DH_OPTIONS", "-N unknown")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-punknown plus -a (ignored)",
            "basic",
            &["-a"],
            &[("DH_INTERNAL_OPTIONS", "-punknown")],
        ),
        // -s pushes the arch packages before it dies: outside the command
        // line it still acts as -a.
        case(
            "basic: DH_OPTIONS=-s (acts as -a)",
            "basic",
            &[],
            &[("DH_OPTIONS", "-s")],
        ),
        case("basic: -O-s (acts as -a)", "basic", &["-O-s"], NONE),
        case(
            "basic: DH_INTERNAL_OPTIONS=-a plus -p of an indep package",
            "basic",
            &["-p", "foo-doc"],
            &[("DH_INTERNAL_OPTIONS", "-a")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-a plus -p foo-rumprun",
            "basic",
            &["-p", "foo-rumprun"],
            &[("DH_INTERNAL_OPTIONS", "-a")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-i\\x1e-Nfoo-doc",
            "basic",
            &[],
            &[("DH_INTERNAL_OPTIONS", "-i\x1e-Nfoo-doc")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-pfoo\\x1e-pfoo-doc plus -N foo",
            "basic",
            &["-N", "foo"],
            &[("DH_INTERNAL_OPTIONS", "-pfoo\x1e-pfoo-doc")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-a plus -i",
            "basic",
            &["-i"],
            &[("DH_INTERNAL_OPTIONS", "-a")],
        ),
        case(
            "basic: DH_INTERNAL_OPTIONS=-p of a profile-excluded package, plus -p foo",
            "basic",
            &["-p", "foo"],
            &[
                ("DH_INTERNAL_OPTIONS", "-pfoo-rumprun"),
                ("DEB_BUILD_PROFILES", "pkg.foo.norumprun"),
            ],
        ),
        case("basic: -O-a", "basic", &["-O-a"], NONE),
        case(
            "basic: -O--no-package=foo",
            "basic",
            &["-O--no-package=foo"],
            NONE,
        ),
        case(
            "basic: -O-i -a (-O applied last)",
            "basic",
            &["-O-i", "-a"],
            NONE,
        ),
        case(
            "basic: -O--frobnicate (ignored)",
            "basic",
            &["-O--frobnicate", "-i"],
            NONE,
        ),
        case(
            "basic: -O-punknown (ignored)",
            "basic",
            &["-O-punknown"],
            NONE,
        ),
        // Long-option abbreviations: debhelper refuses them from compat 13 on
        // (debhelper-compat-upgrade-checklist(7), v13) and accepts them up to 12.
        case(
            "basic: --pack=foo in compat 13",
            "basic",
            &["--pack=foo"],
            NONE,
        ),
        case("basic: --ar in compat 13", "basic", &["--ar"], NONE),
        case(
            "basic: DH_COMPAT=12 --pack=foo (DH_COMPAT overrides the level)",
            "basic",
            &["--pack=foo"],
            &[("DH_COMPAT", "12")],
        ),
        // Getopt::Long also takes a one-letter option with two dashes.
        case("basic: --p=foo", "basic", &["--p=foo"], NONE),
        case("basic: --i", "basic", &["--i"], NONE),
        case("basic: --a", "basic", &["--a"], NONE),
        case("basic: --N=foo", "basic", &["--N=foo"], NONE),
        case(
            "basic: -s (removed in compat 12, error)",
            "basic",
            &["-s"],
            NONE,
        ),
        case(
            "basic: --same-arch (removed in compat 12, error)",
            "basic",
            &["--same-arch"],
            NONE,
        ),
        // ---- wildcards: one stanza per architecture form
        case("wildcards: amd64", "wildcards", &[], NONE),
        case("wildcards: i386", "wildcards", &[], I386),
        case("wildcards: armhf", "wildcards", &[], ARMHF),
        case("wildcards: arm64", "wildcards", &[], ARM64),
        case(
            "wildcards: armel",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "armel")],
        ),
        case(
            "wildcards: s390x",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "s390x")],
        ),
        case(
            "wildcards: kfreebsd-amd64",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "kfreebsd-amd64")],
        ),
        case(
            "wildcards: hurd-i386",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "hurd-i386")],
        ),
        case(
            "wildcards: musl-linux-amd64",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "musl-linux-amd64")],
        ),
        case(
            "wildcards: x32",
            "wildcards",
            &[],
            &[("DEB_HOST_ARCH", "x32")],
        ),
        case(
            "wildcards: -a -N w-any on armhf",
            "wildcards",
            &["-a", "-N", "w-any"],
            ARMHF,
        ),
        case(
            "wildcards: -p excluded -p kept",
            "wildcards",
            &["-p", "w-s390x", "-p", "w-any-amd64"],
            NONE,
        ),
        // ---- profiles
        case("profiles: none", "profiles", &[], NONE),
        case(
            "profiles: nocheck",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "nocheck")],
        ),
        case(
            "profiles: stage1 cross",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "stage1 cross")],
        ),
        case(
            "profiles: stage1",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "stage1")],
        ),
        case(
            "profiles: cross nocheck",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "cross nocheck")],
        ),
        case(
            "profiles: pkg.prof.norumprun",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "pkg.prof.norumprun")],
        ),
        case(
            "profiles: extra white space",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "  stage1 \t  cross  ")],
        ),
        case(
            "profiles: nocheck on i386",
            "profiles",
            &[],
            &[("DEB_BUILD_PROFILES", "nocheck"), ("DEB_HOST_ARCH", "i386")],
        ),
        case(
            "profiles: -p of a profile-excluded package",
            "profiles",
            &["-p", "prof-stage1-cross"],
            NONE,
        ),
        case(
            "profiles: nodoc -i (no indep package left)",
            "profiles",
            &["-i"],
            &[("DEB_BUILD_PROFILES", "nodoc")],
        ),
        // ---- profile-syntax: white space and continuation lines in Build-Profiles
        case("profile-syntax: none", "profile-syntax", &[], NONE),
        case(
            "profile-syntax: nocheck stage1",
            "profile-syntax",
            &[],
            &[("DEB_BUILD_PROFILES", "nocheck stage1")],
        ),
        case(
            "profile-syntax: nocheck nodoc",
            "profile-syntax",
            &[],
            &[("DEB_BUILD_PROFILES", "nocheck nodoc")],
        ),
        // ---- archonly: no arch-all package
        case(
            "archonly: -i (none of that type)",
            "archonly",
            &["-i"],
            NONE,
        ),
        case("archonly: -i -a", "archonly", &["-i", "-a"], NONE),
        case(
            "archonly: -i -p bar",
            "archonly",
            &["-i", "-p", "bar"],
            NONE,
        ),
        case(
            "archonly: s390x",
            "archonly",
            &[],
            &[("DEB_HOST_ARCH", "s390x")],
        ),
        case(
            "archonly: s390x -p bar-rumprun",
            "archonly",
            &["-p", "bar-rumprun"],
            &[("DEB_HOST_ARCH", "s390x")],
        ),
        case(
            "archonly: s390x -N bar (nothing left)",
            "archonly",
            &["-N", "bar"],
            &[("DEB_HOST_ARCH", "s390x")],
        ),
        case(
            "archonly: DH_INTERNAL_OPTIONS=-i plus -p bar",
            "archonly",
            &["-p", "bar"],
            &[("DH_INTERNAL_OPTIONS", "-i")],
        ),
        // ---- indeponly
        case("indeponly: no options", "indeponly", &[], NONE),
        case(
            "indeponly: -a (none of that type)",
            "indeponly",
            &["-a"],
            NONE,
        ),
        case("indeponly: -a -i", "indeponly", &["-a", "-i"], NONE),
        // ---- compat12: debian/compat, abbreviations allowed
        case("compat12: no options", "compat12", &[], NONE),
        case("compat12: -a", "compat12", &["-a"], NONE),
        case(
            "compat12: --package=old",
            "compat12",
            &["--package=old"],
            NONE,
        ),
        case("compat12: --pack=old", "compat12", &["--pack=old"], NONE),
        case(
            "compat12: --no-pack=old-doc",
            "compat12",
            &["--no-pack=old-doc"],
            NONE,
        ),
        case("compat12: --in", "compat12", &["--in"], NONE),
        case(
            "compat12: --no (ambiguous, error)",
            "compat12",
            &["--no"],
            NONE,
        ),
        case(
            "compat12: --only (ambiguous: onlyscripts, only-scripts)",
            "compat12",
            &["--only"],
            NONE,
        ),
        case(
            "compat12: -s (removed in compat 12, error)",
            "compat12",
            &["-s"],
            NONE,
        ),
        // ---- tricky: comments, blank lines, field-name case, continuation lines
        case("tricky: no options", "tricky", &[], NONE),
        case("tricky: -a", "tricky", &["-a"], NONE),
        case("tricky: -i", "tricky", &["-i"], NONE),
        case("tricky: arm64", "tricky", &[], ARM64),
        case("tricky: i386 -a", "tricky", &["-a"], I386),
        // ---- continuation: tab, indented '#', " ." and " .x" continuation lines, no Architecture
        case("continuation: i386", "continuation", &[], I386),
        case("continuation: amd64", "continuation", &[], NONE),
        case(
            "continuation: CRLF line ends",
            "continuation",
            &["-a"],
            NONE,
        )
        .with_files(&[("debian/control", CRLF_CONTROL)]),
        // ---- crosstarget: X-DH-Build-For-Type: target
        case("crosstarget: target arch unset", "crosstarget", &[], NONE),
        case(
            "crosstarget: DEB_TARGET_ARCH=arm64",
            "crosstarget",
            &[],
            &[("DEB_TARGET_ARCH", "arm64")],
        ),
    ]
}

/// What a side says: the packages, or that it failed (with its message).
enum Outcome {
    Listed(Vec<String>),
    Failed(String),
}

impl Outcome {
    fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Listed(a), Outcome::Listed(b)) => a == b,
            (Outcome::Failed(_), Outcome::Failed(_)) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Listed(p) if p.is_empty() => write!(f, "success, no packages"),
            Outcome::Listed(p) => write!(f, "success: {}", p.join(" ")),
            Outcome::Failed(why) => write!(f, "failure: {}", why.trim().replace('\n', " | ")),
        }
    }
}

fn fixture_root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/listpackages")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create temporary fixture directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("read fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// The environment of a case: `PATH`, `DEB_HOST_ARCH` (default amd64) and the case's variables.
fn environment(case: &Case) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert(
        "PATH".to_string(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/sbin:/usr/bin:/sbin:/bin".into()),
    );
    vars.insert("DEB_HOST_ARCH".to_string(), DEFAULT_HOST_ARCH.to_string());
    for (k, v) in case.env {
        vars.insert((*k).to_string(), (*v).to_string());
    }
    vars
}

/// The oracle: the real `dh_listpackages`, run in `root` with exactly `vars`.
fn debhelper(root: &Path, args: &[String], vars: &BTreeMap<String, String>) -> Outcome {
    let out = Command::new("dh_listpackages")
        .args(args)
        .current_dir(root)
        .env_clear()
        .envs(vars)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run dh_listpackages ({e}); this test needs debhelper installed (apt-get install debhelper)"
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() {
        Outcome::Listed(
            stdout
                .lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        )
    } else {
        Outcome::Failed(format!(
            "{} {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            stdout
        ))
    }
}

/// dh-rumprun's answer, through the library calls its stages make.
fn rumprun(root: &Path, args: &[String], vars: &BTreeMap<String, String>) -> Outcome {
    let env = Env::from_pairs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let run = || -> Result<Vec<String>, String> {
        let control = Control::read(&root.join("debian/control")).map_err(|e| e.to_string())?;
        let compat = compat_level(&control, root, &env).map_err(|e| e.to_string())?;
        let opts = DhOptions::parse(args, &env, compat).map_err(|e| e.to_string())?;
        let sel =
            select(&control, &opts, &env, TOOL, &root.join("debian")).map_err(|e| e.to_string())?;
        Ok(sel.packages)
    };
    match run() {
        Ok(p) => Outcome::Listed(p),
        Err(e) => Outcome::Failed(e),
    }
}

#[test]
fn selection_matches_dh_listpackages() {
    let cases = cases();
    let mut names = std::collections::HashSet::new();
    for c in &cases {
        assert!(names.insert(c.name), "duplicate case name {:?}", c.name);
    }
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases; the matrix must hold at least {MIN_CASES}",
        cases.len()
    );

    let mut mismatches = Vec::new();
    let mut dh_listed = 0;
    for (i, case) in cases.iter().enumerate() {
        let fixture = fixture_root(case.fixture);
        assert!(
            fixture.join("debian/control").is_file(),
            "case {:?}: no fixture {}",
            case.name,
            fixture.display()
        );
        let temp = (!case.files.is_empty()).then(|| {
            let dir = std::env::temp_dir().join(format!(
                "dh-rumprun-listpackages-{}-{i}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            copy_dir(&fixture, &dir);
            for (path, content) in case.files {
                std::fs::write(dir.join(path), content).expect("write case file");
            }
            dir
        });
        let root = temp.as_deref().unwrap_or(&fixture);
        let args: Vec<String> = case.args.iter().map(|a| (*a).to_string()).collect();
        let vars = environment(case);

        let dh = debhelper(root, &args, &vars);
        if matches!(&dh, Outcome::Listed(p) if !p.is_empty()) {
            dh_listed += 1;
        }
        let ours = rumprun(root, &args, &vars);
        if !dh.agrees_with(&ours) {
            let env: Vec<String> = vars
                .iter()
                .filter(|(k, _)| *k != "PATH")
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect();
            mismatches.push(format!(
                "case {:?} (fixtures/listpackages/{})\n    args: {:?}\n    env:  {}\n    dh_listpackages: {dh}\n    dh-rumprun:      {ours}",
                case.name,
                case.fixture,
                case.args,
                env.join(" "),
            ));
        }
        if let Some(dir) = temp {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    // Guard against an oracle that fails for reasons of its own (a broken
    // debhelper install): most cases list packages.
    assert!(
        dh_listed * 2 >= cases.len(),
        "dh_listpackages listed packages in only {dh_listed} of {} cases; is debhelper working?",
        cases.len()
    );
    eprintln!(
        "dh_listpackages differential test: {} cases run, {} agree, {} mismatch",
        cases.len(),
        cases.len() - mismatches.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} cases disagree with dh_listpackages:\n\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n\n")
    );
}
