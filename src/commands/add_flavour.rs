//! `dh_rumprun add-flavour`: adds a rumprun flavour to a source package's
//! `debian/`, as a maintainer would by hand, and nothing else.
//!
//! Every change is an append or an insertion at the end of what is there,
//! computed as text from the files' own bytes, so comments, field order and
//! spacing stay: Build-Depends gains the add-on and the toolchain (outside
//! the `pkg.SRC.norumprun` profile), `debian/control` gains the flavour
//! stanza, `debian/rules` (read with a real Makefile parser) gains an
//! `override_dh_rumprun_configure` carrying the native configure arguments
//! without their shared-library switches, and program flavours get
//! `debian/FLAVOUR.rumprun` when there is something to choose (the native
//! package's `.install` names its programs, or `--bake` other configs).
//! Build-Depends also gains the library flavour of each `-dev`
//! build-dependency whose flavour is installed (`libfoo-dev` →
//! `libfoo-rumprun-dev`; an installed `-dev` that ships no library, a
//! transitional or meta package, stands for the `-dev` packages it depends
//! on): the flavour build links against it. A control template
//! (`debian/control.in`, `debian/control-in`) gets the same appends, so that
//! `debian/control` stays what it generates; a `debian/rules` without dh
//! gets rules that run the stages from its standard targets. What is there
//! already is left alone, so a second run changes nothing. [`plan`] is
//! pure; [`installed`] asks dpkg and the CLI writes.

mod classic_rules;
mod control_edit;
pub mod installed;
mod native_rules;
mod template;

use crate::debian::control::{Control, says_generated};
use crate::flavour::{FlavourKind, library_flavour_name};
use crate::location::InputError;
use control_edit::edit_control;
use debian_control::lossless::relations::Relations;
use native_rules::{carry_configure_args, read_rules};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The architectures a flavour is built for unless told otherwise: those
/// with an upstream rumprun platform (arm64 has only a fork's).
pub const DEFAULT_ARCHITECTURES: [&str; 4] = ["amd64", "i386", "armhf", "armel"];

/// What the maintainer asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Program or library flavour.
    pub kind: FlavourKind,
    /// The native binary package the flavour is made from.
    pub native: String,
    /// The flavour package's name, when not the default.
    pub name: Option<String>,
    /// The rumprun configs to bake programs for (program flavours).
    pub bake: Vec<String>,
    /// The flavour's architectures.
    pub architectures: Vec<String>,
    /// The toolchain's build-dependency.
    pub toolchain_package: String,
}

/// The files as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// `debian/control`'s text.
    pub control: String,
    /// The file `debian/control` is generated from, when there is one:
    /// its path and text.
    pub control_template: Option<(PathBuf, String)>,
    /// The vendor a template's `:VENDOR:` lines are read for (`debian`).
    pub vendor: String,
    /// `debian/rules`' text.
    pub rules: String,
    /// `debian/NATIVE.install`'s text, when there is one.
    pub native_install: Option<String>,
    /// Whether `debian/FLAVOUR.rumprun` exists already.
    pub bake_file_exists: bool,
    /// Which of the [`library_flavour_candidates`] are installed.
    pub installed_flavours: BTreeSet<String>,
    /// For each `-dev` build-dependency that ships no library (a
    /// transitional or meta package: `libshout3-dev`), the `-dev` packages
    /// it depends on ([`dev_dependencies`]), whose flavours stand for its.
    pub dev_aliases: BTreeMap<String, Vec<String>>,
}

/// One file to write: its path under the package and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path relative to the package's top directory.
    pub path: PathBuf,
    /// The text before (empty for a new file).
    pub old: String,
    /// The text after.
    pub new: String,
}

/// The outcome: files to write (none when everything is there already)
/// and what to tell the maintainer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The changes, in the order to write them.
    pub changes: Vec<Change>,
    /// Lines for the maintainer.
    pub notes: Vec<String>,
}

/// Why nothing is written: a message that says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl From<InputError> for Refusal {
    fn from(e: InputError) -> Refusal {
        Refusal(e.to_string())
    }
}

const CONTROL: &str = "debian/control";
const RULES: &str = "debian/rules";

/// The flavour package's name: `--name`, else `NATIVE-rumprun` for a
/// program and `libfoo-rumprun-dev` for a library `libfoo-dev`.
pub fn flavour_name(req: &Request) -> String {
    if let Some(n) = &req.name {
        return n.clone();
    }
    match req.kind {
        FlavourKind::Program => format!("{}-rumprun", req.native),
        FlavourKind::Library => library_flavour_name(&req.native),
    }
}

/// The package names of a relation field's value (comment lines dropped).
fn relation_names(value: &str) -> Vec<String> {
    let text: String = value
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let (relations, _errors) = Relations::parse_relaxed(&text, true);
    relations
        .entries()
        .flat_map(|e| {
            e.relations()
                .filter_map(|r| r.try_name())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `-dev` packages of Build-Depends and Build-Depends-Arch that are
/// not flavours themselves. A control file that does not parse has none
/// (the plan reports it).
pub fn dev_build_depends(control: &str) -> Vec<String> {
    let Ok(control) = Control::parse(Path::new(CONTROL), control) else {
        return Vec::new();
    };
    let mut out: Vec<String> = ["Build-Depends", "Build-Depends-Arch"]
        .iter()
        .filter_map(|f| control.source.field(f))
        .flat_map(|f| relation_names(&f.value))
        .filter(|n| n.ends_with("-dev") && !n.ends_with("-rumprun-dev"))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The library flavours a source's flavour may link, by name: for each of
/// its [`dev_build_depends`], its flavour, `libfoo-dev` →
/// `libfoo-rumprun-dev`. [`installed`] asks dpkg which of them are installed.
pub fn library_flavour_candidates(control: &str) -> Vec<String> {
    dev_build_depends(control)
        .iter()
        .map(|n| library_flavour_name(n))
        .collect()
}

/// The `-dev` packages a package's `Depends` value names: of each group of
/// alternatives, the first.
pub fn dev_dependencies(depends: &str) -> Vec<String> {
    let (relations, _errors) = Relations::parse_relaxed(depends, true);
    relations
        .entries()
        .filter_map(|e| e.relations().next().and_then(|r| r.try_name()))
        .filter(|n| n.ends_with("-dev"))
        .collect()
}

/// The flavour stanza.
fn stanza(req: &Request, name: &str, profile: &str, description: (&str, &str)) -> String {
    let what = match req.kind {
        FlavourKind::Program => "rumprun unikernel",
        FlavourKind::Library => "rumprun static library",
    };
    let mut synopsis = format!("{} ({what})", description.0);
    if synopsis.chars().count() > 80 {
        synopsis = format!("{} for rumprun unikernels", req.native);
    }
    let mut text = format!("Package: {name}\n");
    if req.kind == FlavourKind::Library {
        text.push_str("Section: libdevel\n");
    }
    // A name that does not say the kind needs the field that does.
    let (suffix, kind) = match req.kind {
        FlavourKind::Program => ("-rumprun", "program"),
        FlavourKind::Library => ("-rumprun-dev", "library"),
    };
    if !name.ends_with(suffix)
        || (req.kind == FlavourKind::Program && name.ends_with("-rumprun-dev"))
    {
        text.push_str(&format!("{}: {kind}\n", crate::flavour::FLAVOUR_FIELD));
    }
    // A library flavour depends on the flavours its .pc files need
    // (dh_rumprun_substvars), as its native -dev does on theirs.
    let depends = match req.kind {
        FlavourKind::Program => "${misc:Depends}",
        FlavourKind::Library => "${rumprun:Depends}, ${misc:Depends}",
    };
    text.push_str(&format!(
        "Architecture: {}\nBuild-Profiles: <!{profile}>\nDepends: {depends}\n\
         Static-Built-Using: ${{rumprun:Static-Built-Using}}\nBuilt-Using: ${{rumprun:Built-Using}}\n\
         Description: {synopsis}\n",
        req.architectures.join(" ")
    ));
    if !description.1.is_empty() {
        text.push_str(description.1);
        text.push_str(" .\n");
    }
    let tail = match req.kind {
        FlavourKind::Program => format!(
            " This package holds the programs of {} cross-compiled with the rumprun\n toolchain and baked into unikernel images ({}).\n",
            req.native,
            req.bake.join(", ")
        ),
        FlavourKind::Library => format!(
            " This package holds the static library, headers and pkg-config files of\n {} for the rumprun toolchain, under /usr/<triplet>/.\n",
            req.native
        ),
    };
    text.push_str(&tail);
    text
}

/// The native package's programs, relative to the flavour's prefix
/// (`bin/NAME`), from its `.install` file (its `usr/bin/*` and `usr/sbin/*`
/// entries without wildcards); none without one.
fn programs_from_install(install: Option<&str>) -> Vec<String> {
    install
        .unwrap_or("")
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(|p| p.trim_start_matches('/'))
        .filter_map(|p| p.strip_prefix("usr/"))
        .filter(|p| {
            (p.starts_with("bin/") || p.starts_with("sbin/")) && !p.contains(['*', '?', '['])
        })
        .map(str::to_string)
        .collect()
}

/// Works out every change, or why there must be none.
pub fn plan(req: &Request, inputs: &Inputs) -> Result<Outcome, Refusal> {
    if inputs.control_template.is_none() && says_generated(&inputs.control) {
        return Err(Refusal(format!(
            "{CONTROL} says it is generated, but there is no {}; add the flavour to the file it is generated from, then regenerate",
            crate::debian::control::TEMPLATES.join(" or ")
        )));
    }
    let control = Control::parse(Path::new(CONTROL), &inputs.control)?;
    let Some(native) = control.package(&req.native) else {
        let names: Vec<&str> = control.packages.iter().map(|p| p.name.as_str()).collect();
        return Err(Refusal(format!(
            "{CONTROL}: no binary package {}; name one of: {}",
            req.native,
            names.join(" ")
        )));
    };
    if native.is_arch_all() {
        let line = native
            .stanza
            .field("Architecture")
            .map_or(native.stanza.line, |f| f.line);
        return Err(Refusal(format!(
            "{CONTROL}:{line}: {} is Architecture: all, so nothing in it is compiled to give a flavour; name an architecture-specific package",
            native.name
        )));
    }
    let source = control.source.folded("Source").unwrap_or_default();
    let profile = format!("pkg.{source}.norumprun");
    let name = flavour_name(req);
    let rules = read_rules(&inputs.rules)?;
    let mut out = Outcome::default();
    let arches = req.architectures.join(" ");
    // With dh the add-on's sequence runs the stages; a rules file without
    // dh runs them itself, from dh-rumprun.
    let tools = if rules.dh_line.is_some() {
        "dh-sequence-rumprun"
    } else {
        "dh-rumprun"
    };
    let mut wanted = vec![
        (
            vec!["dh-sequence-rumprun".to_string(), tools.to_string()],
            format!("{tools} <!{profile}>"),
        ),
        (
            vec![req.toolchain_package.clone()],
            format!("{} [{arches}] <!{profile}>", req.toolchain_package),
        ),
    ];
    let mut added = BTreeSet::new();
    for dev in dev_build_depends(&inputs.control) {
        let stands_for = inputs.dev_aliases.get(&dev).into_iter().flatten();
        for lib in std::iter::once(&dev)
            .chain(stands_for)
            .map(|d| library_flavour_name(d))
        {
            if inputs.installed_flavours.contains(&lib) && lib != name && added.insert(lib.clone())
            {
                let relation = format!("{lib} [{arches}] <!{profile}>");
                wanted.push((vec![lib], relation));
            }
        }
    }
    let stanza_text = {
        let synopsis = native
            .stanza
            .field("Description")
            .map(|f| f.value.lines().next().unwrap_or("").trim().to_string())
            .unwrap_or_else(|| native.name.clone());
        let long: String = native
            .stanza
            .field("Description")
            .map(|f| {
                f.value
                    .lines()
                    .skip(1)
                    .map(|l| format!(" {}\n", l.trim_start()))
                    .collect()
            })
            .unwrap_or_default();
        let mut req = req.clone();
        if req.bake.is_empty() && req.kind == FlavourKind::Program {
            req.bake = vec![crate::flavour::bake::DEFAULT_CONFIG.to_string()];
        }
        stanza(&req, &name, &profile, (&synopsis, &long))
    };
    let edited = edit_control(
        Path::new(CONTROL),
        &inputs.control,
        &inputs.control,
        &wanted,
        (&name, &stanza_text),
    )?;
    if !edited.relations.is_empty() {
        out.notes.push(format!(
            "Build-Depends: added {}",
            edited.relations.join(", ")
        ));
    }
    if edited.stanza {
        out.notes.push(format!(
            "{CONTROL}: added the {name} stanza (Architecture: {arches})"
        ));
    }
    if edited.text != inputs.control {
        out.changes.push(Change {
            path: PathBuf::from(CONTROL),
            old: inputs.control.clone(),
            new: edited.text,
        });
    }
    if let Some((path, text)) = &inputs.control_template {
        // The same appends, so that the generated file stays what the
        // template generates.
        let resolved = template::for_vendor(text, &inputs.vendor);
        let edited = edit_control(path, text, &resolved, &wanted, (&name, &stanza_text))?;
        if edited.text != *text {
            let mut what = Vec::new();
            if !edited.relations.is_empty() {
                what.push(format!("Build-Depends {}", edited.relations.join(", ")));
            }
            if edited.stanza {
                what.push(format!("the {name} stanza"));
            }
            out.notes.push(format!(
                "{}: added {}, as to {CONTROL}, which is generated from it",
                path.display(),
                what.join(" and ")
            ));
            out.changes.push(Change {
                path: path.clone(),
                old: text.clone(),
                new: edited.text,
            });
        }
    }

    let mut rules_text = inputs.rules.clone();
    let Some(dh_line) = &rules.dh_line else {
        if let Some(block) = classic_rules::hooks(&inputs.rules, &profile)? {
            rules_text = format!("{}\n\n{block}", rules_text.trim_end_matches('\n'));
            out.notes.push(format!(
                "{RULES}: runs the debhelper commands itself, without dh: appended rules that run the flavour's stages from its targets; the flavour's configure arguments go after \"--\" on the dh_rumprun_configure line"
            ));
        }
        push_rules_change(&mut out, inputs, rules_text);
        add_bake_file(req, inputs, &name, &mut out);
        return Ok(out);
    };
    if let Some(block) = classic_rules::build_hooks(&inputs.rules, &profile) {
        rules_text = format!("{}\n\n{block}", rules_text.trim_end_matches('\n'));
        out.notes.push(format!(
            "{RULES}: runs dh, but builds through targets of its own, not dh's build sequence: appended rules that run the flavour's configure, build and test from them"
        ));
    }
    if let Some(bs) = dh_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("--buildsystem="))
    {
        out.notes.push(format!(
            "{RULES}: dh runs with --buildsystem={bs}; the flavour's stages get it from dh"
        ));
    }
    if let Some((options, args, line)) = &rules.configure_args {
        if !rules.has_rumprun_configure {
            let carried = carry_configure_args(args);
            for (why, dropped) in [
                ("shared libraries", &carried.shared),
                (
                    "install directories: the flavour installs under its prefix /usr/TRIPLET",
                    &carried.install_dirs,
                ),
                (
                    "the native build's tools, flags and multiarch paths: the flavour has its own",
                    &carried.host,
                ),
            ] {
                if !dropped.is_empty() {
                    out.notes.push(format!(
                        "{RULES}:{line}: left out of the flavour's configure ({why}): {}",
                        dropped.join(" ")
                    ));
                }
            }
            if !carried.kept.is_empty() || !options.is_empty() {
                let mut command = vec!["dh_rumprun_configure".to_string()];
                command.extend(options.iter().cloned());
                if !carried.kept.is_empty() {
                    command.push("--".into());
                    command.extend(carried.kept.iter().cloned());
                }
                rules_text = format!(
                    "{}\n\noverride_dh_rumprun_configure:\n\t{}\n",
                    rules_text.trim_end_matches('\n'),
                    command.join(" ")
                );
                out.notes.push(format!(
                    "{RULES}: added override_dh_rumprun_configure with the native configure {} of line {line}",
                    match (options.is_empty(), carried.kept.is_empty()) {
                        (false, false) => "build system and arguments",
                        (false, true) => "build system",
                        _ => "arguments",
                    }
                ));
                let others = &rules.other_configure_lines;
                if !others.is_empty() {
                    let lines: Vec<String> = others.iter().map(|l| l.to_string()).collect();
                    out.notes.push(format!(
                        "{RULES}: override_dh_auto_configure configures {} builds; the flavour's configure takes the first's arguments (line {line}), not those of line{} {}: change override_dh_rumprun_configure if another fits",
                        others.len() + 1,
                        if others.len() > 1 { "s" } else { "" },
                        lines.join(", ")
                    ));
                }
            }
        }
    }
    // A second binary package sends dh_auto_install to debian/tmp (compat
    // 14 and below): keep the single native package's install where it was.
    let compat = control.compat_from_build_depends().unwrap_or(13);
    if control.packages.len() == 1 && compat <= 14 {
        let destdir = format!("--destdir=debian/{}", native.name);
        match &rules.auto_install {
            Some((line, cmd)) if !cmd.contains("--destdir") => {
                // Right after the command word, before any "--" and any
                // continuation: dh_auto_install's own option.
                let mut lines: Vec<String> = rules_text
                    .split_inclusive('\n')
                    .map(str::to_string)
                    .collect();
                if let Some(l) = lines.get_mut(line - 1) {
                    if let Some(at) = l.find("dh_auto_install") {
                        let end = at + "dh_auto_install".len();
                        l.insert_str(end, &format!(" {destdir}"));
                    }
                }
                rules_text = lines.concat();
                out.notes.push(format!(
                    "{RULES}:{line}: dh_auto_install gets {destdir}: with a second binary package it would install into debian/tmp"
                ));
            }
            None if !rules.has_auto_install_override => {
                rules_text = format!(
                    "{}\n\noverride_dh_auto_install:\n\tdh_auto_install {destdir}\n",
                    rules_text.trim_end_matches('\n')
                );
                out.notes.push(format!(
                    "{RULES}: added override_dh_auto_install with {destdir}: with a second binary package dh_auto_install would install into debian/tmp"
                ));
            }
            _ => {}
        }
    }
    push_rules_change(&mut out, inputs, rules_text);
    add_bake_file(req, inputs, &name, &mut out);
    Ok(out)
}

/// The change to `debian/rules`, if its text changed.
fn push_rules_change(out: &mut Outcome, inputs: &Inputs, rules_text: String) {
    if rules_text != inputs.rules {
        out.changes.push(Change {
            path: PathBuf::from(RULES),
            old: inputs.rules.clone(),
            new: rules_text,
        });
    }
}

/// For a program flavour without `debian/NAME.rumprun`: the file, when
/// there is something to choose (the native package's programs, or
/// configs other than the default), or a note saying why it is not needed.
fn add_bake_file(req: &Request, inputs: &Inputs, name: &str, out: &mut Outcome) {
    if req.kind == FlavourKind::Program && !inputs.bake_file_exists {
        let default_configs =
            req.bake.is_empty() || req.bake == [crate::flavour::bake::DEFAULT_CONFIG.to_string()];
        let known = programs_from_install(inputs.native_install.as_deref());
        let path = PathBuf::from(format!("debian/{name}.rumprun"));
        if known.is_empty() && default_configs {
            // Nothing to choose: without the file, every program the flavour
            // links is baked for the default config, whatever its name.
            out.notes.push(format!(
                "{}: not written: without it every program the flavour installs in bin and sbin under its prefix is baked for {}; write it to choose programs or configs",
                path.display(),
                crate::flavour::bake::DEFAULT_CONFIG
            ));
        } else {
            let configs = if req.bake.is_empty() {
                crate::flavour::bake::DEFAULT_CONFIG.to_string()
            } else {
                req.bake.join(",")
            };
            let mut bake = String::from(
                "# Programs to bake into rumprun unikernel images: PROGRAM CONFIG[,CONFIG...] [DEST]\n\
                 # (PROGRAM relative to the flavour's prefix /usr/TRIPLET; see dh_rumprun_install(1)).\n",
            );
            let programs = if known.is_empty() {
                vec![format!("bin/{}", req.native)]
            } else {
                known
            };
            for p in &programs {
                bake.push_str(&format!("{p} {configs}\n"));
            }
            out.notes.push(format!(
                "{}: bakes {} for {configs}; check the paths",
                path.display(),
                programs.join(", ")
            ));
            out.changes.push(Change {
                path,
                old: String::new(),
                new: bake,
            });
        }
    }
}
