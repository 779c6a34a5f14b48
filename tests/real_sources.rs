//! The real-sources tier: Debian 12 source packages, pinned in
//! `fixtures/real-sources/NAME/case`, each given its flavours with
//! `dh_rumprun add-flavour` alone (plus the extra lines its case names,
//! each with the reason), built with `dpkg-buildpackage`, and checked from
//! the data (see `fixtures/real-sources/README.md`):
//!
//! - a build with the `pkg.SRC.norumprun` profile and a full build give
//!   byte-identical native .debs (both `dpkg-buildpackage -B`: the flavours
//!   are architecture-specific, and the sources' documentation builds are
//!   not the tier's concern);
//! - each flavour .deb holds exactly the files its case lists;
//! - `Static-Built-Using` names exactly the sources of the binary packages
//!   its case lists (what the program's link and the bake read);
//! - each image runs (the stand-in's images are host programs) on a real
//!   input and prints what its case says;
//! - each library flavour, installed, links into its case's small C program
//!   through `TRIPLET-pkg-config --static`, which is baked and run;
//! - library flavours stay installed for the cases that need them (chains),
//!   and are removed at the end.
//!
//! Two cases build at a time (one configures or packs while the other
//! compiles), each as soon as the cases it needs have passed, those that
//! more cases wait for first; a case's two builds share a ccache of their
//! own, so the second native compile takes the first one's objects. Since
//! add-flavour names each installed library flavour its source
//! build-depends on, a case must `Need` every case whose library's `-dev`
//! its source build-depends on (checked), or what it writes would depend
//! on which case finished first.
//!
//! `./run-tests` downloads the sources (`apt-get source`) and installs their
//! build-dependencies first; the test is `#[ignore]`d otherwise.
//! `DH_RUMPRUN_REAL_SOURCES="NAME ..."` runs only those cases (their
//! `Needs` must be among them, or installed).

mod common;

use common::debs::{deb_field, deb_files, move_build_output, sources_of, tail};
use common::{TempTree, fixture_dir, package_build_command, repo_root};
use deb822_lossless::Deb822;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

const TRIPLET: &str = "x86_64-rumprun-netbsd";

/// Held while dpkg installs: the tier runs two cases at a time.
static DPKG: Mutex<()> = Mutex::new(());

/// Debian's ccache links (gcc, cc, x86_64-linux-gnu-gcc, ...), first on the
/// native builds' PATH when ccache is installed.
const CCACHE_LINKS: &str = "/usr/lib/ccache";

/// One stanza of a case file: field name to value (continuation lines
/// joined with `\n`, a line `.` standing for an empty line).
type Stanza = BTreeMap<String, String>;

/// A program image to run.
#[derive(Debug)]
struct Run {
    /// The image's path in the flavour package.
    image: String,
    /// Its arguments (`{case}` is the case's directory).
    args: Vec<String>,
    /// What goes to its standard input.
    stdin: String,
    /// Lines its standard output must contain.
    prints: Vec<String>,
    /// Lines its standard error must contain (a program that writes its
    /// result as binary data on standard output and reports on standard
    /// error, as encoders do).
    stderr: Vec<String>,
}

/// What one flavour package must be.
#[derive(Debug)]
struct Flavour {
    /// The package.
    package: String,
    /// Its exact files (no directories).
    files: Vec<String>,
    /// The installed binary packages whose sources Static-Built-Using must
    /// name, and nothing else.
    linked_from: Vec<String>,
    /// Its exact `Depends` (empty when the case gives none): for a library,
    /// the flavours its .pc files need.
    depends: String,
    /// For a library: the pkg-config modules its test program uses.
    pkg_config: Vec<String>,
    /// For a library without a .pc file: the test program's link flags.
    link_flags: Vec<String>,
    /// For a library: its test program (a file of the case directory).
    test_program: Option<String>,
    /// For a library: what the baked test program prints.
    test_prints: Vec<String>,
}

/// One source package of the tier.
#[derive(Debug)]
struct Case {
    /// The case's directory name.
    name: String,
    /// Its directory.
    dir: PathBuf,
    /// The source package and version.
    source: String,
    version: String,
    /// The debhelper build system the case stands for.
    build_system: String,
    /// One `dh_rumprun add-flavour` command line per flavour.
    add_flavour: Vec<Vec<String>>,
    /// Cases whose library flavours must be installed first.
    needs: Vec<String>,
    /// The depth of the chain `dh_rumprun chain` finds once the tree has
    /// its flavours (target to the deepest library), when the case says.
    chain_depth: Option<usize>,
    /// DEB_BUILD_OPTIONS for both builds.
    build_options: String,
    /// Build profiles for both builds (the native one adds
    /// `pkg.SRC.norumprun`).
    build_profiles: Vec<String>,
    /// Lines appended to debian/rules, with the comments that say why.
    rules_append: Option<String>,
    /// Programs (file names) whose lines the case removes from the
    /// `.rumprun` files add-flavour wrote, with the reason in its Covers.
    bake_without: Vec<String>,
    /// A header the flavour's configure wrote (relative to the flavour's
    /// directory), and the macros it must and must not define: what the
    /// configure probes found.
    config_header: Option<String>,
    config_defined: Vec<String>,
    config_undefined: Vec<String>,
    /// The flavour packages.
    flavours: Vec<Flavour>,
    /// The images to run.
    runs: Vec<Run>,
}

fn words(s: Option<&String>) -> Vec<String> {
    s.map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn lines(s: Option<&String>) -> Vec<String> {
    s.map(|v| {
        v.lines()
            .map(|l| if l.trim() == "." { "" } else { l }.to_string())
            .filter(|l| !l.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// The text of a multi-line field, `.` lines made empty.
fn text(s: Option<&String>) -> String {
    s.map(|v| {
        v.lines()
            .map(|l| if l.trim() == "." { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    })
    .unwrap_or_default()
}

/// The value of field `name` of the first stanza of `raw` as written, for
/// text whose leading white space matters (make recipes start with a
/// tab): each continuation line without its one leading space, `.` lines
/// made empty.
fn raw_field(raw: &str, name: &str) -> Option<String> {
    let mut lines = raw
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{name}:")));
    let first = lines.next()?[name.len() + 1..].trim().to_string();
    let mut out = vec![first];
    for l in lines.take_while(|l| l.starts_with(' ') || l.starts_with('\t')) {
        let l = l.strip_prefix(' ').unwrap_or(l);
        out.push(if l.trim() == "." {
            String::new()
        } else {
            l.to_string()
        });
    }
    Some(out.join("\n") + "\n")
}

impl Case {
    fn read(dir: &Path) -> Case {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = dir.join("case");
        let raw = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parsed = Deb822::parse(&raw);
        assert!(
            parsed.positioned_errors().is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.positioned_errors()
        );
        let stanzas: Vec<Stanza> = parsed
            .tree()
            .paragraphs()
            .map(|p| {
                p.entries()
                    .filter_map(|e| Some((e.key()?, e.value())))
                    .collect()
            })
            .filter(|s: &Stanza| !s.is_empty())
            .collect();
        let head = &stanzas[0];
        let get = |k: &str| {
            head.get(k)
                .cloned()
                .unwrap_or_else(|| panic!("{}: no {k} field", path.display()))
        };
        let mut case = Case {
            name,
            dir: dir.to_path_buf(),
            source: get("Source"),
            version: get("Version"),
            build_system: get("Build-System"),
            add_flavour: lines(head.get("Add-Flavour"))
                .iter()
                .map(|l| l.split_whitespace().map(str::to_string).collect())
                .collect(),
            needs: words(head.get("Needs")),
            chain_depth: head.get("Chain-Depth").map(|d| {
                d.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("{}: Chain-Depth: {e}", path.display()))
            }),
            build_options: head.get("Build-Options").cloned().unwrap_or_default(),
            build_profiles: words(head.get("Build-Profiles")),
            rules_append: raw_field(&raw, "Rules-Append"),
            bake_without: words(head.get("Bake-Without")),
            config_header: head.get("Config-Header").cloned(),
            config_defined: words(head.get("Config-Defined")),
            config_undefined: words(head.get("Config-Undefined")),
            flavours: Vec::new(),
            runs: Vec::new(),
        };
        for s in &stanzas[1..] {
            if let Some(package) = s.get("Flavour") {
                case.flavours.push(Flavour {
                    package: package.clone(),
                    files: lines(s.get("Files")),
                    linked_from: words(s.get("Static-Built-Using-From")),
                    depends: s.get("Depends").map_or(String::new(), |d| {
                        d.split_whitespace().collect::<Vec<_>>().join(" ")
                    }),
                    pkg_config: words(s.get("Pkg-Config")),
                    link_flags: words(s.get("Link-Flags")),
                    test_program: s.get("Test-Program").cloned(),
                    test_prints: lines(s.get("Test-Prints")),
                });
            } else if let Some(image) = s.get("Run") {
                case.runs.push(Run {
                    image: image.clone(),
                    args: words(s.get("Args")),
                    stdin: s.get("Stdin").map(|v| text(Some(v))).unwrap_or_default(),
                    prints: lines(s.get("Prints")),
                    stderr: lines(s.get("Stderr")),
                });
            } else {
                panic!("{}: a stanza with neither Flavour nor Run", path.display());
            }
        }
        case
    }

    /// The `.dsc` that `./run-tests` downloaded.
    fn dsc(&self) -> PathBuf {
        let version = self
            .version
            .split_once(':')
            .map_or(&*self.version, |(_, v)| v);
        repo_root().join(format!(
            "target/debian-sources/{}_{version}.dsc",
            self.source
        ))
    }
}

/// Every case, ordered so that each comes after the cases it needs.
fn cases_in_order() -> Vec<Case> {
    let root = fixture_dir("real-sources");
    let mut all: Vec<Case> = fs::read_dir(&root)
        .expect("fixtures/real-sources")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case").is_file())
        .map(|p| Case::read(&p))
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let mut ordered: Vec<Case> = Vec::new();
    while !all.is_empty() {
        let done: BTreeSet<String> = ordered.iter().map(|c| c.name.clone()).collect();
        let ready = all
            .iter()
            .position(|c| c.needs.iter().all(|n| done.contains(n)))
            .unwrap_or_else(|| {
                panic!(
                    "fixtures/real-sources: unknown or circular Needs among {:?}",
                    all.iter().map(|c| &c.name).collect::<Vec<_>>()
                )
            });
        ordered.push(all.remove(ready));
    }
    ordered
}

/// Runs a command in `dir`, with the environment of a package build
/// (LC_ALL, no inherited debhelper or dpkg variables) plus `env`; the
/// output on failure.
fn run_in(dir: &Path, argv: &[&str], env: &[(&str, &str)]) -> Result<String, String> {
    let out = package_build_command(argv[0], &argv[1..], dir, env)
        .output()
        .map_err(|e| format!("running {argv:?}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "{argv:?} in {} failed ({}):\n{}",
            dir.display(),
            out.status,
            tail(&text, 40)
        ))
    }
}

/// Builds the tree `dir` with dpkg-buildpackage and `env`, then moves the
/// .debs it wrote beside the tree into `into`: package name to .deb.
fn build(
    dir: &Path,
    into: &Path,
    env: &[(&str, &str)],
) -> Result<BTreeMap<String, PathBuf>, String> {
    run_in(dir, &["dpkg-buildpackage", "-B", "-uc", "-us"], env)?;
    let parent = dir.parent().expect("parent");
    move_build_output(parent, into).map_err(|e| format!("moving the build's output: {e}"))
}

/// The sources of the cases `case` needs, directly or through them.
fn needed_sources(case: &Case) -> BTreeSet<String> {
    let root = repo_root().join("fixtures/real-sources");
    let mut seen = BTreeSet::new();
    let mut sources = BTreeSet::new();
    let mut todo = case.needs.clone();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            let need = Case::read(&root.join(&name));
            sources.insert(need.source);
            todo.extend(need.needs);
        }
    }
    sources
}

/// The longest path of `needs` from the chain's last step (the target)
/// down to a library that needs none of the other steps: the chain's
/// depth (toolchain steps do not count).
fn chain_depth(steps: &[serde_json::Value]) -> usize {
    fn depth(steps: &[serde_json::Value], source: &serde_json::Value) -> usize {
        let Some(step) = steps
            .iter()
            .find(|s| &s["source"] == source && s["status"] != "toolchain")
        else {
            return 0;
        };
        step["needs"]
            .as_array()
            .map(|needs| {
                needs
                    .iter()
                    .filter(|n| {
                        steps
                            .iter()
                            .any(|s| &s["source"] == *n && s["status"] != "toolchain")
                    })
                    .map(|n| 1 + depth(steps, n))
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    }
    steps.last().map_or(0, |t| depth(steps, &t["source"]))
}

/// `dh_rumprun chain` on the case's tree, before add-flavour (`flavoured`
/// false) and after: the sources of the cases it `Needs`, directly or
/// through them (whose library flavours the tier built and installed, in
/// that order), are `present`, each after what it needs; once the tree has
/// its flavours, they are the whole chain of a case that needs some
/// (add-flavour named the direct ones in Build-Depends, the chain found
/// the rest), and the chain is as deep as the case's `Chain-Depth` says.
fn check_chain(case: &Case, dir: &Path, flavoured: bool) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_dh_rumprun"))
        .args(["chain", "--json"])
        .arg(dir)
        .output()
        .map_err(|e| format!("running dh_rumprun chain: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "dh_rumprun chain {}: {e}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let steps = v[0]["steps"].as_array().cloned().unwrap_or_default();
    let needed = needed_sources(case);
    for (i, s) in steps.iter().enumerate() {
        for need in s["needs"].as_array().cloned().unwrap_or_default() {
            if !steps[..i].iter().any(|t| t["source"] == need) {
                return Err(format!("chain: {} before {need}:\n{text}", s["source"]));
            }
        }
    }
    for n in &needed {
        let step = steps.iter().find(|s| s["source"] == n.as_str());
        if step.map(|s| s["status"] != "present").unwrap_or(true) {
            return Err(format!("chain: {n} is not present:\n{text}"));
        }
    }
    if flavoured && !needed.is_empty() {
        let libraries: BTreeSet<String> = steps
            .iter()
            .filter(|s| s["status"] != "toolchain" && s["status"] != "target")
            .filter_map(|s| s["source"].as_str().map(str::to_string))
            .collect();
        if libraries != needed {
            return Err(format!(
                "chain after add-flavour: {libraries:?}, not {needed:?}:\n{text}"
            ));
        }
    }
    if let (true, Some(want)) = (flavoured, case.chain_depth) {
        let got = chain_depth(&steps);
        if got != want {
            return Err(format!(
                "chain after add-flavour: depth {got}, the case says {want}:\n{text}"
            ));
        }
    }
    eprintln!(
        "{}: chain{}: {}",
        case.name,
        if flavoured { " after add-flavour" } else { "" },
        steps
            .iter()
            .map(|s| format!(
                "{} {}",
                s["source"].as_str().unwrap_or(""),
                s["status"].as_str().unwrap_or("")
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// Removes from every `debian/*.rumprun` the lines that bake one of
/// `programs` (by the program path's file name).
fn drop_from_bake_lists(debian: &Path, programs: &[String]) -> Result<(), String> {
    let lists = fs::read_dir(debian).map_err(|e| format!("{}: {e}", debian.display()))?;
    for path in lists.flatten().map(|e| e.path()) {
        if path.extension().and_then(|e| e.to_str()) != Some("rumprun") {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let kept: String = text
            .lines()
            .filter(|l| {
                let program = l.split_whitespace().next().unwrap_or("");
                let name = program.rsplit('/').next().unwrap_or("");
                l.starts_with('#') || !programs.iter().any(|p| p == name)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(&path, kept).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The tier's work on one case; `Err` says what failed.
fn check_case(case: &Case, scratch: &Path, parallel: &str) -> Result<Vec<PathBuf>, String> {
    let dsc = case.dsc();
    if !dsc.is_file() {
        return Err(format!(
            "{} is missing: ./run-tests downloads it",
            dsc.display()
        ));
    }
    let dir = scratch.join(&case.source);
    run_in(
        scratch,
        &[
            "dpkg-source",
            "--no-check",
            "-x",
            &dsc.display().to_string(),
            &dir.display().to_string(),
        ],
        &[],
    )?;
    check_chain(case, &dir, false)?;
    for args in &case.add_flavour {
        let mut argv = vec![env!("CARGO_BIN_EXE_dh_rumprun"), "add-flavour"];
        argv.extend(args.iter().map(String::as_str));
        let said = run_in(&dir, &argv, &[])?;
        eprintln!(
            "{}: add-flavour {}:\n{}",
            case.name,
            args.join(" "),
            said.trim_end()
        );
    }
    check_chain(case, &dir, true)?;
    if let Some(extra) = &case.rules_append {
        let rules = dir.join("debian/rules");
        let mut text = fs::read_to_string(&rules).map_err(|e| e.to_string())?;
        text.push('\n');
        text.push_str(extra);
        fs::write(&rules, text).map_err(|e| e.to_string())?;
    }
    if !case.bake_without.is_empty() {
        drop_from_bake_lists(&dir.join("debian"), &case.bake_without)?;
    }
    let options = format!("{} parallel={parallel}", case.build_options);
    let profiles = case.build_profiles.join(" ");
    let native_profiles = format!("{profiles} pkg.{}.norumprun", case.source);
    // Both builds compile the same native code in the same directory: with
    // ccache (its cache in the case's scratch directory, gone with it) the
    // second build takes the first one's objects, which are the bytes the
    // compiler would write. Both are still whole dpkg-buildpackage runs, and
    // the flavours' cross compiler is not cached.
    let path = match std::env::var("PATH") {
        Ok(p) if Path::new(CCACHE_LINKS).join("gcc").exists() => format!("{CCACHE_LINKS}:{p}"),
        Ok(p) => p,
        Err(_) => "/usr/bin:/bin".to_string(),
    };
    let cache = scratch.join("ccache").display().to_string();
    let start = Instant::now();
    let native = build(
        &dir,
        &scratch.join("norumprun"),
        &[
            ("DEB_BUILD_OPTIONS", &options),
            ("DEB_BUILD_PROFILES", native_profiles.trim_start()),
            ("PATH", &path),
            ("CCACHE_DIR", &cache),
        ],
    )?;
    let native_secs = start.elapsed().as_secs_f64();
    run_in(&dir, &["debian/rules", "clean"], &[])?;
    let start = Instant::now();
    let full = build(
        &dir,
        &scratch.join("full"),
        &[
            ("DEB_BUILD_OPTIONS", &options),
            ("DEB_BUILD_PROFILES", &profiles),
            ("PATH", &path),
            ("CCACHE_DIR", &cache),
        ],
    )?;
    let full_secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{}: build without the flavours {native_secs:.1} s, with them {full_secs:.1} s",
        case.name
    );
    let mut problems = Vec::new();
    // The build system the flavour really used (after dh_autoreconf made a
    // configure script, say), as dh_rumprun_configure recorded it.
    let layout =
        fs::read_to_string(dir.join("debian/.debhelper/rumprun/layout")).unwrap_or_default();
    let used = layout
        .lines()
        .find_map(|l| l.strip_prefix("Build-System: "))
        .unwrap_or("(none)");
    if used.split('+').next() != Some(case.build_system.as_str()) {
        problems.push(format!(
            "the flavour was built with {used}, the case says {}",
            case.build_system
        ));
    }
    if let Some(header) = &case.config_header {
        let path = dir.join("debian/.debhelper/rumprun").join(header);
        let text = fs::read_to_string(&path).unwrap_or_default();
        let defined = |m: &str| {
            text.lines().any(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.len() >= 2 && w[0] == "#define" && w[1] == m
            })
        };
        for m in &case.config_defined {
            if !defined(m) {
                problems.push(format!(
                    "{}: the flavour's configure did not define {m}",
                    path.display()
                ));
            }
        }
        for m in &case.config_undefined {
            if defined(m) {
                problems.push(format!(
                    "{}: the flavour's configure defined {m}",
                    path.display()
                ));
            }
        }
    }
    if native.keys().any(|k| k.contains("rumprun")) {
        problems.push(format!("the norumprun profile built {:?}", native.keys()));
    }
    for (pkg, deb) in &native {
        match full.get(pkg) {
            Some(other) if fs::read(deb).ok() == fs::read(other).ok() => {}
            Some(_) => problems.push(format!("{pkg}: the native .deb differs with the flavours")),
            None => problems.push(format!("{pkg}: not built with the flavours")),
        }
    }
    let mut installed = Vec::new();
    for f in &case.flavours {
        let Some(deb) = full.get(&f.package) else {
            problems.push(format!(
                "{}: not built (built: {:?})",
                f.package,
                full.keys()
            ));
            continue;
        };
        let mut files = deb_files(deb);
        files.sort();
        let mut want = f.files.clone();
        want.sort();
        if files != want {
            problems.push(format!(
                "{}: files\n  got:  {files:?}\n  want: {want:?}",
                f.package
            ));
        }
        let sbu = deb_field(deb, "Static-Built-Using");
        let want_sbu = sources_of(&f.linked_from);
        if sbu != want_sbu {
            problems.push(format!(
                "{}: Static-Built-Using is \"{sbu}\", want \"{want_sbu}\"",
                f.package
            ));
        }
        let depends = deb_field(deb, "Depends");
        if depends != f.depends {
            problems.push(format!(
                "{}: Depends is \"{depends}\", want \"{}\"",
                f.package, f.depends
            ));
        }
        if f.test_program.is_some() {
            installed.push(deb.clone());
        }
    }
    let x = scratch.join("x");
    for r in &case.runs {
        let Some(f) = case.flavours.iter().find(|f| f.files.contains(&r.image)) else {
            problems.push(format!("{}: no flavour lists it", r.image));
            continue;
        };
        let Some(deb) = full.get(&f.package) else {
            continue;
        };
        let into = x.join(&f.package);
        if !into.is_dir() {
            fs::create_dir_all(&into).map_err(|e| e.to_string())?;
            run_in(
                scratch,
                &[
                    "dpkg-deb",
                    "-x",
                    &deb.display().to_string(),
                    &into.display().to_string(),
                ],
                &[],
            )?;
        }
        let args: Vec<String> = r
            .args
            .iter()
            .map(|a| a.replace("{case}", &case.dir.display().to_string()))
            .collect();
        match run_image(&into.join(&r.image), &args, &r.stdin) {
            Ok((out, err)) => {
                let streams = [
                    ("standard output", &r.prints, &out),
                    ("standard error", &r.stderr, &err),
                ];
                for (stream, wants, got) in streams {
                    for want in wants.iter().filter(|w| !got.contains(w.as_str())) {
                        problems.push(format!(
                            "{} {args:?} should say {want:?} on {stream}, said:\n{}",
                            r.image,
                            tail(got, 20)
                        ));
                    }
                }
            }
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if !installed.is_empty() {
        let mut argv = vec!["dpkg", "-i"];
        let paths: Vec<String> = installed.iter().map(|p| p.display().to_string()).collect();
        argv.extend(paths.iter().map(String::as_str));
        // dpkg takes its lock or fails: one install at a time.
        let _dpkg = DPKG.lock().unwrap_or_else(|e| e.into_inner());
        run_in(scratch, &argv, &[])?;
    }
    for f in case.flavours.iter().filter(|f| f.test_program.is_some()) {
        link_test(case, f, scratch)?;
    }
    Ok(installed)
}

/// Runs an image with `args` and `stdin`: its standard output, or why it
/// failed.
fn run_image(image: &Path, args: &[String], stdin: &str) -> Result<(String, String), String> {
    use std::io::Write;
    let mut child = Command::new(image)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {}: {e}", image.display()))?;
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("running {}: {e}", image.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!(
            "{} {args:?} exited {}:\n{}{}",
            image.display(),
            out.status,
            tail(&stdout, 10),
            tail(&stderr, 10)
        ));
    }
    Ok((stdout, stderr))
}

/// Links the library flavour's test program as a program's flavour would:
/// with the flavour's CPPFLAGS and LDFLAGS and what the flavour's
/// `TRIPLET-pkg-config` says (the wrapper dh_rumprun_configure writes, which
/// answers `--static` from `/usr/TRIPLET`'s .pc files only); bakes it and
/// runs it.
fn link_test(case: &Case, f: &Flavour, scratch: &Path) -> Result<(), String> {
    let program = f.test_program.as_deref().expect("a test program");
    let bin = scratch.join("link-test-bin");
    fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let wrapper = bin.join(format!("{TRIPLET}-pkg-config"));
    fs::write(
        &wrapper,
        dh_rumprun::flavour::cross_files::pkg_config_wrapper(TRIPLET),
    )
    .map_err(|e| e.to_string())?;
    run_in(
        scratch,
        &["chmod", "+x", &wrapper.display().to_string()],
        &[],
    )?;
    let flags = if f.pkg_config.is_empty() {
        f.link_flags.join(" ")
    } else {
        let mut pc_args = vec![
            wrapper.display().to_string(),
            "--cflags".into(),
            "--libs".into(),
        ];
        pc_args.extend(f.pkg_config.iter().cloned());
        let pc_argv: Vec<&str> = pc_args.iter().map(String::as_str).collect();
        run_in(scratch, &pc_argv, &[])?
    };
    let exe = scratch.join(format!("{}-test", f.package));
    // As the flavour of a program that uses the library compiles and
    // links: with the flavour's CPPFLAGS and LDFLAGS (the triplet's include
    // and lib directories), then what pkg-config says.
    let flavour_env = dh_rumprun::flavour::build_env::flavour_environment(
        TRIPLET,
        &dh_rumprun::env::Env::default(),
        scratch,
        &bin,
        None,
    );
    let var = |k: &str| -> Vec<String> {
        flavour_env
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.clone())
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut argv = vec![format!("{TRIPLET}-gcc")];
    argv.extend(var("CPPFLAGS"));
    argv.extend(["-o".into(), exe.display().to_string()]);
    argv.push(case.dir.join(program).display().to_string());
    argv.extend(flags.split_whitespace().map(str::to_string));
    argv.extend(var("LDFLAGS"));
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    run_in(scratch, &argv, &[]).map_err(|e| {
        format!(
            "{}: linking {program} through {TRIPLET}-pkg-config --static {}: {e}",
            f.package,
            f.pkg_config.join(" ")
        )
    })?;
    let image = scratch.join(format!("{}-test.img", f.package));
    run_in(
        scratch,
        &[
            "rumprun-bake",
            "hw_virtio",
            &image.display().to_string(),
            &exe.display().to_string(),
        ],
        &[("RUMPRUN_WARNING_STFU", "please")],
    )?;
    let (out, _) = run_image(&image, &[], "")?;
    for want in &f.test_prints {
        if !out.contains(want.as_str()) {
            return Err(format!(
                "{}: the baked {program} should print {want:?}, printed:\n{out}",
                f.package
            ));
        }
    }
    eprintln!(
        "{}: {program} linked with {TRIPLET}-pkg-config --static {}, baked, ran",
        f.package,
        f.pkg_config.join(" ")
    );
    Ok(())
}

/// Removes the library flavours the tier installed.
fn purge_flavours(cases: &[Case]) {
    let packages: Vec<&str> = cases
        .iter()
        .flat_map(|c| &c.flavours)
        .filter(|f| f.test_program.is_some())
        .map(|f| f.package.as_str())
        .collect();
    if !packages.is_empty() {
        let _ = Command::new("dpkg").arg("--purge").args(&packages).output();
    }
}

/// The package names of a `.dsc`'s Build-Depends (alternatives and
/// qualifiers too: only names are compared).
fn build_depends_names(dsc: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(dsc).unwrap_or_default();
    let field = raw_field(&text, "Build-Depends").unwrap_or_default();
    field
        .split([',', '|', '\n'])
        .filter_map(|r| r.split([' ', '(', '[', '<', ':']).find(|w| !w.is_empty()))
        .map(str::to_string)
        .collect()
}

/// Every library `-dev` a tier case gives a flavour, with its case.
fn library_cases(cases: &[Case]) -> BTreeMap<String, String> {
    cases
        .iter()
        .flat_map(|c| c.add_flavour.iter().map(move |a| (c, a)))
        .filter_map(|(c, a)| {
            let at = a.iter().position(|w| w == "--library")?;
            Some((a.get(at + 1)?.clone(), c.name.clone()))
        })
        .collect()
}

/// Two cases run at a time, and add-flavour writes a Build-Depends on each
/// library flavour it finds installed: so that what it finds does not
/// depend on which case happened to finish first, a case that
/// build-depends on the `-dev` of another case's library flavour must need
/// that case (directly or through others). The cases that break this.
fn unlisted_needs(cases: &[Case]) -> Vec<String> {
    let libraries = library_cases(cases);
    let mut problems = Vec::new();
    for case in cases {
        let needed = all_needs(cases, case);
        for dev in build_depends_names(&case.dsc()) {
            match libraries.get(&dev) {
                Some(owner) if *owner != case.name && !needed.contains(owner.as_str()) => problems
                    .push(format!(
                        "{}/case: Needs must name {owner}: the source build-depends on {dev}",
                        case.name
                    )),
                _ => {}
            }
        }
    }
    problems
}

/// What the tier's workers share: the cases not started (in order), those
/// running, and how each finished case ended.
#[derive(Default)]
struct Progress {
    waiting: Vec<usize>,
    running: usize,
    passed: BTreeSet<String>,
    failed: BTreeMap<String, String>,
    times: BTreeMap<usize, String>,
}

/// For each case, how many cases need it, directly or through others: a
/// case many others wait for starts first, so that a chain's end (libogg,
/// flac, libsndfile, then lame and twolame) does not run alone at the end.
fn dependents(cases: &[Case]) -> Vec<usize> {
    cases
        .iter()
        .map(|c| {
            cases
                .iter()
                .filter(|other| all_needs(cases, other).contains(c.name.as_str()))
                .count()
        })
        .collect()
}

/// The names of the cases `case` needs, directly or through others (a
/// name no case has is kept: the need is taken to be installed).
fn all_needs<'a>(cases: &'a [Case], case: &'a Case) -> BTreeSet<&'a str> {
    let mut needed = BTreeSet::new();
    let mut todo: Vec<&str> = case.needs.iter().map(String::as_str).collect();
    while let Some(n) = todo.pop() {
        if needed.insert(n) {
            let need = cases.iter().find(|c| c.name == n);
            todo.extend(
                need.into_iter()
                    .flat_map(|c| c.needs.iter().map(String::as_str)),
            );
        }
    }
    needed
}

/// Takes the waiting case whose needs have all passed (a need outside
/// `selected` is taken to be installed already) that most cases wait for,
/// the first in order among equals; a case whose need failed fails at
/// once. `None` when no case is ready yet or none is left.
fn next_case(
    p: &mut Progress,
    cases: &[Case],
    selected: &BTreeSet<String>,
    waited_for: &[usize],
) -> Option<usize> {
    loop {
        let ready = |i: &usize| {
            cases[*i]
                .needs
                .iter()
                .all(|n| !selected.contains(n) || p.passed.contains(n) || p.failed.contains_key(n))
        };
        let best = p
            .waiting
            .iter()
            .filter(|i| ready(i))
            .max_by_key(|&&i| (waited_for[i], std::cmp::Reverse(i)))
            .copied()?;
        let pos = p.waiting.iter().position(|&i| i == best)?;
        let i = p.waiting.remove(pos);
        match cases[i].needs.iter().find(|n| p.failed.contains_key(*n)) {
            Some(dep) => {
                let why = format!("needs {dep}, which failed");
                p.failed.insert(cases[i].name.clone(), why);
            }
            None => return Some(i),
        }
    }
}

#[test]
#[ignore = "needs the installed dh-rumprun and stand-in toolchain, the Debian sources and their build-dependencies, and installs packages; run ./run-tests"]
fn real_debian_sources_build_their_flavours() {
    let cases = cases_in_order();
    let only: Option<BTreeSet<String>> = std::env::var("DH_RUMPRUN_REAL_SOURCES")
        .ok()
        .map(|v| v.split_whitespace().map(str::to_string).collect());
    if only.is_none() {
        assert!(cases.len() >= 15, "{} cases", cases.len());
        purge_flavours(&cases);
    }
    let unlisted = unlisted_needs(&cases);
    assert!(
        unlisted.is_empty(),
        "fixtures/real-sources: {}",
        unlisted.join("; ")
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Two cases at a time: one configures (a serial script) or packs while
    // the other compiles, so both cores stay busy; each build still gets
    // every core for its make.
    let workers = cores.min(2);
    let parallel = cores.to_string();
    let selected: BTreeSet<String> = cases
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| only.as_ref().is_none_or(|o| o.contains(n)))
        .collect();
    let progress = Mutex::new(Progress {
        waiting: (0..cases.len())
            .filter(|&i| selected.contains(&cases[i].name))
            .collect(),
        ..Progress::default()
    });
    let changed = Condvar::new();
    let waited_for = dependents(&cases);
    let tier_start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let mut p = progress.lock().unwrap();
                    let i = loop {
                        if let Some(i) = next_case(&mut p, &cases, &selected, &waited_for) {
                            break Some(i);
                        }
                        if p.waiting.is_empty() || p.running == 0 {
                            break None;
                        }
                        p = changed.wait(p).unwrap();
                    };
                    let Some(i) = i else {
                        changed.notify_all();
                        return;
                    };
                    p.running += 1;
                    drop(p);
                    let case = &cases[i];
                    let tmp = TempTree::new(&format!("real-{}", case.name));
                    let start = Instant::now();
                    let result = check_case(case, tmp.path(), &parallel);
                    let secs = start.elapsed().as_secs_f64();
                    eprintln!("{}: {:.1} s", case.name, secs);
                    let mut p = progress.lock().unwrap();
                    p.running -= 1;
                    let ended = if result.is_ok() { "ok" } else { "FAILED" };
                    p.times
                        .insert(i, format!("{:<14} {:>6.1} s  {ended}", case.name, secs));
                    match result {
                        Ok(_) => {
                            p.passed.insert(case.name.clone());
                        }
                        Err(e) => {
                            p.failed.insert(case.name.clone(), e);
                        }
                    }
                    changed.notify_all();
                }
            });
        }
    });
    let p = progress.into_inner().unwrap();
    if only.is_none() {
        purge_flavours(&cases);
    }
    eprintln!(
        "real-sources tier, time per source ({workers} at a time, {:.1} s in all):\n{}",
        tier_start.elapsed().as_secs_f64(),
        p.times.values().cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        p.waiting.is_empty(),
        "never started (their needs never ended): {:?}",
        p.waiting
            .iter()
            .map(|&i| &cases[i].name)
            .collect::<Vec<_>>()
    );
    assert!(
        p.failed.is_empty(),
        "{}",
        p.failed
            .iter()
            .map(|(k, v)| format!("== {k}\n{v}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
