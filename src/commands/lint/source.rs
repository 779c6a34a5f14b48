//! The checks of a source tree: `debian/control`, `debian/rules` (read
//! with makefile-lossless) and the upstream sources. A package without a
//! rumprun flavour gets no tag.

use super::Finding;
use crate::debian::control::{Control, Package, says_generated, template};
use crate::debian::rules::{dh_rumprun_stages_called, is_shared_switch, rules_run_dh};
use crate::flavour::{FlavourKind, flavour_kind, triplet};
use crate::location::InputError;
use debian_control::lossless::relations::Relations;
use makefile_lossless::Makefile;
use regex::Regex;
use std::path::Path;

const CONTROL: &str = "debian/control";
const RULES: &str = "debian/rules";

/// What the tree's files say, read once.
#[derive(Debug, Clone)]
pub struct Tree {
    /// `debian/control`, parsed.
    pub control: Control,
    /// Whether `debian/control` is generated (a template next to it, or a
    /// header saying so).
    pub generated: bool,
    /// `debian/rules`, if readable.
    pub rules: Option<String>,
    /// Upstream source and build files: path relative to the top, text
    /// (read only when the package has a flavour).
    pub sources: Vec<(String, String)>,
    /// The program flavours' `debian/PKG.rumprun` files that exist: path
    /// relative to the top, text.
    pub bake_files: Vec<(String, String)>,
}

impl Tree {
    /// Reads the tree at `root`: control, rules, and, when there is a
    /// flavour, the C/C++ sources and build files outside `debian/`.
    pub fn read(root: &Path) -> Result<Tree, InputError> {
        let text = std::fs::read_to_string(root.join(CONTROL)).map_err(|e| {
            InputError::about(
                Path::new(CONTROL),
                format!("cannot read: {e}"),
                "give the top directory of an unpacked source package",
            )
        })?;
        let control = Control::parse(Path::new(CONTROL), &text)?;
        let generated = template(root).is_some() || says_generated(&text);
        let rules = std::fs::read_to_string(root.join(RULES)).ok();
        let flavours = flavour_packages(&control)?;
        let sources = if flavours.is_empty() {
            Vec::new()
        } else {
            read_sources(root)
        };
        let bake_files = flavours
            .iter()
            .map(|(p, _)| format!("debian/{}.rumprun", p.name))
            .filter_map(|f| std::fs::read_to_string(root.join(&f)).ok().map(|t| (f, t)))
            .collect();
        Ok(Tree {
            control,
            generated,
            rules,
            sources,
            bake_files,
        })
    }
}

/// The upstream sources and build files of the tree at `root` that
/// mention a call [`check_sources`] looks for (a cheap test on the bytes,
/// comments and all: it keeps a superset of what the check reports), read
/// by as many threads as there are cores. In file name order.
fn read_sources(root: &Path) -> Vec<(String, String)> {
    const EXTENSIONS: [&str; 9] = ["c", "h", "cc", "cpp", "cxx", "hh", "hpp", "am", "ac"];
    const NAMES: [&str; 3] = ["CMakeLists.txt", "meson.build", "Makefile"];
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            !(e.depth() == 1 && (n == "debian" || n == ".git" || n == ".pc"))
        });
    let paths: Vec<std::path::PathBuf> = walker
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            let ext = e.path().extension().map(|x| x.to_string_lossy());
            ext.is_some_and(|x| EXTENSIONS.contains(&x.as_ref())) || NAMES.contains(&name.as_ref())
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= 2_000_000))
        .map(|e| e.into_path())
        .collect();
    let Ok(mentions) = regex::bytes::Regex::new(&format!(
        r"(?:{})\s*\(|{}",
        PROCESS_CALLS.join("|"),
        DYNAMIC_LOADING_WORDS.join("|")
    )) else {
        return Vec::new();
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut found: Vec<(usize, String, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (paths, mentions) = (&paths, &mentions);
                s.spawn(move || {
                    let mut found = Vec::new();
                    for i in (t..paths.len()).step_by(threads) {
                        let Ok(bytes) = std::fs::read(&paths[i]) else {
                            continue;
                        };
                        if !mentions.is_match(&bytes) {
                            continue;
                        }
                        if let Ok(rel) = paths[i].strip_prefix(root) {
                            let text = String::from_utf8_lossy(&bytes).into_owned();
                            found.push((i, rel.display().to_string(), text));
                        }
                    }
                    found
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    found.sort_by_key(|(i, _, _)| *i);
    found
        .into_iter()
        .map(|(_, path, text)| (path, text))
        .collect()
}

/// The flavour stanzas of `control`, each with its kind.
fn flavour_packages(control: &Control) -> Result<Vec<(&Package, FlavourKind)>, InputError> {
    let mut out = Vec::new();
    for p in &control.packages {
        if let Some(kind) = flavour_kind(control, p)? {
            out.push((p, kind));
        }
    }
    Ok(out)
}

/// Every finding for the tree.
pub fn check(tree: &Tree) -> Result<Vec<Finding>, InputError> {
    let control = &tree.control;
    let source = control.source.folded("Source").unwrap_or_default();
    let profile = format!("!pkg.{source}.norumprun");
    let flavours = flavour_packages(control)?;
    let mut out = Vec::new();
    if flavours.is_empty() {
        return Ok(out);
    }
    if tree.generated {
        out.push(Finding::new("generated-control-file", &source, true).at(CONTROL, 1));
    }
    for (p, kind) in &flavours {
        let at = |f: Finding, line: usize| f.at(CONTROL, line);
        if *kind == FlavourKind::Library {
            let depends = p.stanza.field("Depends");
            if !depends.is_some_and(|f| f.value.contains("${rumprun:Depends}")) {
                out.push(at(
                    Finding::new("library-flavour-without-rumprun-depends", &p.name, false),
                    depends.map_or(p.stanza.line, |f| f.line),
                ));
            }
        }
        let sbu = p.stanza.field("Static-Built-Using");
        if !sbu.is_some_and(|f| f.value.contains("${rumprun:Static-Built-Using}")) {
            out.push(at(
                Finding::new("flavour-missing-static-built-using", &p.name, false),
                p.stanza.line,
            ));
        }
        let arch_line = p
            .stanza
            .field("Architecture")
            .map_or(p.stanza.line, |f| f.line);
        for a in p.architecture.split_whitespace() {
            if a == "all" {
                out.push(at(
                    Finding::new("flavour-architecture-all", &p.name, false),
                    arch_line,
                ));
            } else if a == "arm64" {
                out.push(at(
                    Finding::new(
                        "flavour-architecture-without-upstream-platform",
                        &p.name,
                        false,
                    )
                    .context(a),
                    arch_line,
                ));
            } else if triplet(a).is_none() {
                out.push(at(
                    Finding::new("flavour-unsupported-architecture", &p.name, false).context(a),
                    arch_line,
                ));
            }
        }
        let has_profile = p
            .stanza
            .field("Build-Profiles")
            .is_some_and(|f| f.value.contains(&profile));
        if !has_profile {
            out.push(at(
                Finding::new("flavour-without-build-profiles", &p.name, false),
                p.stanza.line,
            ));
        }
    }
    // GNU make accepts some lines makefile-lossless calls errors (an extra
    // parenthesis in an ifeq, as gcc-defaults has): lint what parsed.
    let makefile = tree
        .rules
        .as_deref()
        .map(|r| Makefile::from_str_relaxed(r).0);
    check_build_depends(
        control,
        &source,
        &profile,
        tree.rules.as_deref().zip(makefile.as_ref()),
        &mut out,
    );
    if let Some(makefile) = &makefile {
        check_rules(makefile, &source, &flavours[0].0.name, &mut out);
    }
    check_sources(&tree.sources, &source, &mut out);
    check_bake_files(&tree.bake_files, &mut out);
    Ok(out)
}

/// `debian/PKG.rumprun` lines whose program is a path from the staged
/// install's root (`usr/bin/hello`), as dh-rumprun 0.1 took them: program
/// paths are relative to the flavour's prefix now (`bin/hello`). A file
/// that does not parse is left to dh_rumprun_install, which names the line.
fn check_bake_files(files: &[(String, String)], out: &mut Vec<Finding>) {
    for (file, text) in files {
        let package = file
            .trim_start_matches("debian/")
            .trim_end_matches(".rumprun");
        let Ok(lines) = crate::flavour::bake::parse(Path::new(file), text) else {
            continue;
        };
        for l in lines {
            if let Ok(rest) = l.program.strip_prefix("usr") {
                out.push(
                    Finding::new("bake-program-path-from-install-root", package, false)
                        .context(format!(
                            "{} (write {})",
                            l.program.display(),
                            rest.display()
                        ))
                        .at(file, l.line.unwrap_or(1)),
                );
            }
        }
    }
}

/// The add-on and toolchain build-dependencies, and their profile (`rules`:
/// debian/rules' text and what makefile-lossless read of it).
fn check_build_depends(
    control: &Control,
    source: &str,
    profile: &str,
    rules: Option<(&str, &Makefile)>,
    out: &mut Vec<Finding>,
) {
    let mut addon = None;
    let mut toolchain = None;
    // A rules file without dh runs the stages itself: dh-rumprun, which
    // ships them, is the add-on's build-dependency there.
    let without_dh = rules.is_some_and(|(_, makefile)| !rules_run_dh(makefile));
    for field in ["Build-Depends", "Build-Depends-Arch", "Build-Depends-Indep"] {
        let Some(f) = control.source.field(field) else {
            continue;
        };
        let text: String = f
            .value
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let (relations, _) = Relations::parse_relaxed(&text, true);
        for entry in relations.entries() {
            let entry_text = entry.to_string();
            for r in entry.relations() {
                let Some(name) = r.try_name() else { continue };
                let profiled = entry_text.contains(profile);
                if name == "dh-sequence-rumprun" || (without_dh && name == "dh-rumprun") {
                    addon = Some((name.clone(), profiled, f.line));
                } else if name.contains("rumprun") && name.contains("toolchain") {
                    toolchain = Some((name.clone(), profiled, f.line));
                }
            }
        }
    }
    let with_rumprun =
        rules.is_some_and(|(r, _)| r.contains("--with rumprun") || r.contains("--with=rumprun"));
    let line = control
        .source
        .field("Build-Depends")
        .map_or(control.source.line, |f| f.line);
    // The add-on may come from `dh $@ --with rumprun` instead.
    for (found, missing_tag, needed) in [
        (addon, "missing-rumprun-addon-build-depends", !with_rumprun),
        (toolchain, "missing-rumprun-toolchain-build-depends", true),
    ] {
        match found {
            None if needed => out.push(Finding::new(missing_tag, source, true).at(CONTROL, line)),
            Some((name, false, l)) => out.push(
                Finding::new("rumprun-build-depends-without-profile", source, true)
                    .context(name)
                    .at(CONTROL, l),
            ),
            _ => {}
        }
    }
}

/// What reaches the flavour's build from debian/rules: the recipes of the
/// dh_rumprun_* overrides and hooks, and RUMPRUN_CFLAGS/RUMPRUN_LDFLAGS.
fn check_rules(makefile: &Makefile, source: &str, flavour: &str, out: &mut Vec<Finding>) {
    let mut flavour_words: Vec<(String, usize)> = Vec::new();
    for rule in makefile.rules() {
        let targets: Vec<String> = rule.targets().collect();
        let for_flavour = targets.iter().any(|t| t.contains("dh_rumprun_"));
        for recipe in rule.recipe_nodes() {
            let text = recipe.text();
            let words: Vec<&str> = text.split_whitespace().collect();
            if for_flavour || words.iter().any(|w| w.starts_with("dh_rumprun_")) {
                for w in words.iter().filter(|w| **w != "\\") {
                    flavour_words.push((w.to_string(), recipe.line() + 1));
                }
            }
        }
    }
    for var in makefile.variable_definitions() {
        let Some(name) = var.name() else { continue };
        if name == "RUMPRUN_CFLAGS" || name == "RUMPRUN_LDFLAGS" {
            let line = var.line() + 1;
            for w in var.raw_value().unwrap_or_default().split_whitespace() {
                flavour_words.push((w.to_string(), line));
            }
        }
    }
    if !rules_run_dh(makefile) {
        // It may run the stages itself (add-flavour hooks them on its
        // targets); without these four there is no flavour.
        let called = dh_rumprun_stages_called(makefile, |_| true);
        let missing: Vec<&str> = [
            "dh_rumprun_configure",
            "dh_rumprun_build",
            "dh_rumprun_install",
            "dh_rumprun_substvars",
        ]
        .into_iter()
        .filter(|s| !called.contains(*s))
        .collect();
        if !missing.is_empty() {
            out.push(
                Finding::new("rules-without-dh", source, true)
                    .context(format!("never calls {}", missing.join(" ")))
                    .at(RULES, 1),
            );
        }
    }
    for (word, line) in flavour_words {
        let w = word.trim_matches(|c| c == '"' || c == '\'');
        let tag = if is_shared_switch(w) || w == "-shared" || w == "-Wl,-shared" {
            Some("shared-library-switch-in-flavour")
        } else if w == "-pie"
            || w == "-Wl,-pie"
            || w.contains("hardening=+pie")
            || w.contains("hardening=+all")
        {
            Some("pie-in-flavour")
        } else if w.starts_with("-I/usr/include")
            || w.starts_with("-L/usr/lib")
            || w.starts_with("-L/lib")
            || w.starts_with("PKG_CONFIG_PATH")
        {
            Some("host-path-in-flavour-flags")
        } else {
            None
        };
        if let Some(tag) = tag {
            out.push(Finding::new(tag, flavour, false).context(w).at(RULES, line));
        }
    }
}

/// The C functions that make or replace processes, which a unikernel with
/// one process cannot serve (`unsupported-process-call`).
pub const PROCESS_CALLS: &[&str] = &[
    "fork",
    "vfork",
    "execve",
    "execv",
    "execvp",
    "execvpe",
    "execl",
    "execlp",
    "execle",
    "posix_spawn",
    "posix_spawnp",
    "system",
    "popen",
];

/// The C functions that load code at run time (`unsupported-dynamic-loading`).
pub const DYNAMIC_LOADING_CALLS: &[&str] = &["dlopen"];

/// What [`read_sources`] looks for in a file's bytes for
/// `unsupported-dynamic-loading`: the call, and linking or finding libdl
/// in a build file (regular expressions).
const DYNAMIC_LOADING_WORDS: &[&str] = &["dlopen", "-ldl", "find_library", "dependency\\('dl'"];

/// Calls a unikernel cannot serve, once per function, at the first place.
fn check_sources(sources: &[(String, String)], source: &str, out: &mut Vec<Finding>) {
    let Ok(process) = Regex::new(&format!(r"\b({})\s*\(", PROCESS_CALLS.join("|"))) else {
        return;
    };
    let Ok(dynamic) =
        Regex::new(r"\bdlopen\s*\(|-ldl\b|find_library\s*\(\s*\w+\s+dl\b|dependency\('dl'")
    else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for (file, text) in sources {
        let code = without_comments(text);
        for (i, line) in code.lines().enumerate() {
            for c in process.captures_iter(line) {
                let name = c[1].to_string();
                if seen.insert(name.clone()) {
                    out.push(
                        Finding::new("unsupported-process-call", source, true)
                            .context(name)
                            .at(file, i + 1),
                    );
                }
            }
            if dynamic.is_match(line) && seen.insert("dlopen".into()) {
                out.push(Finding::new("unsupported-dynamic-loading", source, true).at(file, i + 1));
            }
        }
    }
}

/// `text` with C and C++ comments blanked (line breaks kept, so line
/// numbers stay), and `#` comment lines of build files.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut block, mut line_comment) = (false, false);
    while let Some(c) = chars.next() {
        if c == '\n' {
            line_comment = false;
            out.push(c);
            continue;
        }
        if block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                block = false;
            }
            continue;
        }
        if line_comment {
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            block = true;
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            line_comment = true;
            continue;
        }
        out.push(c);
    }
    out.lines()
        .map(|l| {
            if l.trim_start().starts_with('#') && !l.trim_start().starts_with("#define") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
