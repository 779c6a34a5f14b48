//! `dh_rumprun`, the maintainer's entry point, and the dispatch of the
//! multi-call binary on the name it was called by.

use crate::commands::add_flavour::{DEFAULT_ARCHITECTURES, Inputs, Request, plan};
use crate::commands::chain::Format;
use crate::flavour::FlavourKind;
use crate::manual::{COMMON_STAGE_OPTIONS, Manual};
use crate::stages::{self, Stage};
use clap::{Parser, Subcommand};

/// The manual of `dh_rumprun`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun",
    summary: "build Rumprun unikernel flavours of Debian packages",
    synopsis: "COMMAND [options]",
    description: "dh-rumprun lets one Debian source package build its native binary packages and a \
        Rumprun unikernel flavour from the same source. Add \"dh-sequence-rumprun\" to Build-Depends \
        and a flavour stanza (a package named foo-rumprun for programs or libfoo-rumprun-dev for \
        static libraries, architecture-specific, Build-Profiles: <!pkg.SRC.norumprun>), and dh runs \
        the stages dh_rumprun_configure, dh_rumprun_build, dh_rumprun_test, dh_rumprun_install, \
        dh_rumprun_substvars and dh_rumprun_clean beside the native build. An optional \
        debian/PKG.rumprun says which programs to bake for which rumprun configs (see \
        dh_rumprun_install).\n\n\
        dh_rumprun itself is the maintainer's tool:\n\n\
        dh_rumprun add-flavour --program PKG | --library PKG [--name NAME] [--bake CONFIG[,CONFIG]] \
        [--architecture ARCH[,ARCH]] [--toolchain-package PKG] [--dry-run] adds a flavour to the \
        source package in the current directory: Build-Depends gains dh-sequence-rumprun and the \
        toolchain under <!pkg.SRC.norumprun>, and the library flavour of each -dev \
        build-dependency whose flavour is installed (libfoo-dev: libfoo-rumprun-dev; an \
        installed -dev that ships no library, a transitional or meta package such as \
        libshout3-dev, stands for the -dev packages it depends on), \
        debian/control the flavour stanza, debian/rules an \
        override_dh_rumprun_configure with the native configure arguments (shared-library \
        switches left out, and said) and, for a single binary package, dh_auto_install \
        --destdir=debian/PKG; a program gets debian/FLAVOUR.rumprun when there is something to \
        choose (the programs the native package's .install file names, relative to the \
        flavour's prefix, or --bake configs other than hw_virtio). When debian/control is \
        generated from debian/control.in or debian/control-in, the template gets the same \
        appends (its :VENDOR: lines read for dpkg-vendor's vendor), so the two stay in step. \
        When debian/rules runs the debhelper commands itself, without dh, Build-Depends gains \
        dh-rumprun and debian/rules rules that run the stages from its standard targets: \
        configure, build and test after the native build (build-arch, build), install and \
        substvars after the native install and before the binary-arch commands, clean in clean, \
        none of them under pkg.SRC.norumprun. It only appends, refuses a generated control file \
        without its template and rules without dh or those targets (CDBS), writes each file \
        atomically, and changes nothing when run again. Exit 0 done, 1 refused, 2 usage.\n\n\
        dh_rumprun lint [--json] [--fail-on error|warning|info] [--explain TAG] [PATH ...] checks \
        source trees (default .), built .debs and .changes for static-only rumprun builds and \
        prints lintian-style tags; overrides in lintian's syntax come from \
        debian/source/rumprun-lint-overrides and debian/PKG.rumprun-lint-overrides. Exit 1 when \
        a tag at or above --fail-on is not overridden, 2 on unusable input.\n\n\
        dh_rumprun chain [--json | --dot] [--installed-only] [--links PKG[,PKG]] \
        [-P PROFILE[,PROFILE]] [--explain TAG] TARGET ... answers which library flavours the flavour of TARGET (an unpacked source tree \
        or a source package known to apt) needs, in what order, and what blocks each, from the \
        data on the machine: apt's package and source lists, dpkg's database, the installed .pc \
        files and the installed development packages' archives; no build, and no network. The \
        libraries the flavour links are --links, else the natives of the -rumprun-dev \
        build-dependencies (a target with library flavours), else every -dev build-dependency \
        that applies on the flavour's system; build profiles come from -P, else DEB_BUILD_PROFILES, so a \
        profile that drops the native-only build-dependencies narrows the answer. From each \
        library the chain follows the -dev packages its package depends on and the modules its \
        .pc files require (Requires, Requires.private) and the libraries they link (-lNAME of \
        Libs.private, followed to the package shipping libNAME.a), down to the C library, which the \
        toolchain brings. A -dev package that ships no library but depends on other -dev \
        packages (a transitional or meta package: libshout3-dev, libjpeg-dev) stands for them; \
        one that depends on none is left out and said. Rumprun's libc and kernel are NetBSD's, \
        so restrictions and architectures are evaluated for netbsd-CPU: a library's dependency built for linux-any \
        only is left out and said. Each source gets a line in build order: toolchain, present \
        (flavours installed), available (flavours known to apt), build or blocked, and the \
        target last; its tags (library-without-static-archive, \
        library-architecture-excludes-flavour, source-not-available, dependency-cycle, \
        library-unknown as errors; unsupported-process-call and unsupported-dynamic-loading from \
        the archives' undefined symbols, library-contents-unknown as infos) follow it, as lint \
        prints them. --json prints the same facts; --dot a Graphviz graph coloured by status. \
        apt's lists are read once and cached in $XDG_CACHE_HOME/dh-rumprun/ (or ~/.cache). \
        Exit 1 when a step has an error tag, 2 on unusable input.\n\n\
        dh_rumprun manpage NAME prints the man page of any dh-rumprun command in roff.",
    options: &[
        ("-h, --help", "Print help."),
        ("-V, --version", "Print the version."),
    ],
    notes: "",
};

#[derive(Parser, Debug)]
#[command(name = "dh_rumprun", version = crate::VERSION, about = MANUAL.summary)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand, Debug)]
enum Commands {
    /// Add a rumprun flavour to the source package in the current directory:
    /// Build-Depends, the flavour stanza, debian/rules overrides and, for a
    /// program with something to choose, debian/FLAVOUR.rumprun. Appends
    /// only; a second run changes
    /// nothing. Exit 0 done, 1 refused (nothing written), 2 usage.
    AddFlavour {
        /// The native program package the flavour bakes (foo -> foo-rumprun).
        #[arg(
            long,
            value_name = "PKG",
            conflicts_with = "library",
            required_unless_present = "library"
        )]
        program: Option<String>,
        /// The native -dev package the library flavour ships (libfoo-dev -> libfoo-rumprun-dev).
        #[arg(long, value_name = "PKG")]
        library: Option<String>,
        /// The flavour package's name, instead of the default.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// The rumprun configs to bake the programs for (default hw_virtio).
        #[arg(long, value_name = "CONFIG[,CONFIG]", value_delimiter = ',')]
        bake: Vec<String>,
        /// The flavour's architectures.
        #[arg(long, value_name = "ARCH[,ARCH]", value_delimiter = ',')]
        architecture: Vec<String>,
        /// The toolchain's build-dependency.
        #[arg(long, value_name = "PKG", default_value = "rumprun-toolchain")]
        toolchain_package: String,
        /// Print what would change, as a diff, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the packaging of source trees for static-only rumprun builds,
    /// in lintian's form. Exit 1 when a tag at or above --fail-on is not
    /// overridden, 2 on unusable input.
    Lint {
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
        /// The lowest severity that makes the exit status non-zero.
        #[arg(long, value_name = "error|warning|info", default_value = "error", value_parser = ["error", "warning", "info"])]
        fail_on: String,
        /// Explain TAG and exit.
        #[arg(long, value_name = "TAG")]
        explain: Option<String>,
        /// Source trees (the top directory of an unpacked source package),
        /// built .debs or .changes files.
        #[arg(value_name = "PATH", default_value = ".")]
        paths: Vec<std::path::PathBuf>,
    },
    /// Which library flavours the flavour of each TARGET needs, in what
    /// order, and what blocks each, from apt's and dpkg's data. Exit 1 when
    /// a step has an error, 2 on unusable input.
    Chain {
        /// Print the chains as JSON.
        #[arg(long, conflicts_with = "dot")]
        json: bool,
        /// Print the chains as a Graphviz graph.
        #[arg(long)]
        dot: bool,
        /// Read only dpkg's database (installed packages), not apt's lists.
        #[arg(long)]
        installed_only: bool,
        /// The development packages the flavour links (default: the
        /// -rumprun-dev build dependencies' natives, else every -dev build
        /// dependency).
        #[arg(long, value_name = "PKG[,PKG]", value_delimiter = ',')]
        links: Vec<String>,
        /// The build profiles in force, as dpkg-checkbuilddeps -P takes
        /// them (default: DEB_BUILD_PROFILES).
        #[arg(
            short = 'P',
            long,
            value_name = "PROFILE[,PROFILE]",
            value_delimiter = ','
        )]
        build_profiles: Option<Vec<String>>,
        /// Explain TAG and exit.
        #[arg(long, value_name = "TAG")]
        explain: Option<String>,
        /// Unpacked source trees or source package names known to apt.
        #[arg(value_name = "TARGET", required_unless_present = "explain")]
        targets: Vec<String>,
    },
    /// Print the man page of a dh-rumprun command (roff, section 1).
    Manpage {
        /// dh_rumprun or one of the stage commands.
        name: String,
    },
}

/// The man page of command `name`, if it is one of ours.
pub fn manpage(name: &str) -> Option<String> {
    if name == MANUAL.name {
        return Some(MANUAL.roff(&[], crate::VERSION));
    }
    Stage::from_command(name).map(|s| s.manual().roff(COMMON_STAGE_OPTIONS, crate::VERSION))
}

/// Runs the command named by `argv[0]` and returns its exit status.
pub fn main(argv: Vec<String>) -> i32 {
    let called_as = argv
        .first()
        .map(|a| {
            std::path::Path::new(a)
                .file_name()
                .map_or(a.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if let Some(stage) = Stage::from_command(&called_as) {
        return stages::main(stage, &argv[1..]);
    }
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Commands::AddFlavour {
            program,
            library,
            name,
            bake,
            architecture,
            toolchain_package,
            dry_run,
        } => {
            let (kind, native) = match (program, library) {
                (Some(p), _) => (FlavourKind::Program, p),
                (None, Some(l)) => (FlavourKind::Library, l),
                (None, None) => return 2,
            };
            let architectures = if architecture.is_empty() {
                DEFAULT_ARCHITECTURES
                    .iter()
                    .map(|a| a.to_string())
                    .collect()
            } else {
                architecture
            };
            let req = Request {
                kind,
                native,
                name,
                bake,
                architectures,
                toolchain_package,
            };
            add_flavour_command(&req, dry_run)
        }
        Commands::Lint {
            json,
            fail_on,
            explain,
            paths,
        } => lint_command(json, &fail_on, explain.as_deref(), &paths),
        Commands::Chain {
            json,
            dot,
            installed_only,
            links,
            build_profiles,
            explain,
            targets,
        } => {
            if let Some(name) = explain {
                return explain_tag("chain", &name);
            }
            let format = if json {
                Format::Json
            } else if dot {
                Format::Dot
            } else {
                Format::Text
            };
            let env = crate::env::Env::capture();
            let request = crate::commands::chain::Request {
                targets,
                links,
                profiles: build_profiles,
                installed_only,
                format,
            };
            match crate::commands::chain::run(&env, &request) {
                Ok((out, blocked)) => {
                    print!("{out}");
                    i32::from(blocked)
                }
                Err(e) => {
                    eprintln!("dh_rumprun chain: error: {e}");
                    2
                }
            }
        }
        Commands::Manpage { name } => match manpage(&name) {
            Some(page) => {
                print!("{page}");
                0
            }
            None => {
                let names: Vec<&str> = std::iter::once(MANUAL.name)
                    .chain(Stage::ALL.iter().map(|s| s.command()))
                    .collect();
                eprintln!(
                    "dh_rumprun: error: no command {name}; name one of: {}",
                    names.join(" ")
                );
                2
            }
        },
    }
}

/// `dh_rumprun add-flavour` in the current directory: reads, plans, prints,
/// and writes each changed file atomically (or prints the diff under
/// `--dry-run`).
fn add_flavour_command(req: &Request, dry_run: bool) -> i32 {
    let refuse = |msg: &str| {
        eprintln!("dh_rumprun add-flavour: error: {msg}");
        1
    };
    let read = |p: &str| std::fs::read_to_string(p);
    let control = match read("debian/control") {
        Ok(t) => t,
        Err(e) => {
            return refuse(&format!(
                "debian/control: cannot read: {e}; run this from the top of an unpacked source package"
            ));
        }
    };
    let rules = match read("debian/rules") {
        Ok(t) => t,
        Err(e) => {
            return refuse(&format!(
                "debian/rules: cannot read: {e}; run this from the top of an unpacked source package"
            ));
        }
    };
    let control_template = match crate::debian::control::template(std::path::Path::new("")) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => Some((path, text)),
            Err(e) => {
                return refuse(&format!(
                    "{}: cannot read: {e}; make it readable UTF-8 text",
                    path.display()
                ));
            }
        },
        None => None,
    };
    // Only a template with vendor lines (":debian:") needs to know.
    let vendor = if control_template
        .as_ref()
        .is_some_and(|(_, t)| t.lines().any(|l| l.starts_with(':')))
    {
        crate::debian::dpkg::vendor()
    } else {
        "debian".to_string()
    };
    let name = crate::commands::add_flavour::flavour_name(req);
    let (installed_flavours, dev_aliases) =
        crate::commands::add_flavour::installed::library_flavours(&control);
    let inputs = Inputs {
        control,
        control_template,
        vendor,
        rules,
        native_install: read(&format!("debian/{}.install", req.native)).ok(),
        bake_file_exists: std::path::Path::new(&format!("debian/{name}.rumprun")).exists(),
        installed_flavours,
        dev_aliases,
    };
    let outcome = match plan(req, &inputs) {
        Ok(o) => o,
        Err(r) => return refuse(&r.0),
    };
    if outcome.changes.is_empty() {
        println!("dh_rumprun add-flavour: {name} is there already; nothing to change");
        return 0;
    }
    for note in &outcome.notes {
        println!("{note}");
    }
    if dry_run {
        for c in &outcome.changes {
            let path = c.path.display().to_string();
            let diff = similar::TextDiff::from_lines(&c.old, &c.new);
            let old_name = if c.old.is_empty() {
                "/dev/null".to_string()
            } else {
                format!("a/{path}")
            };
            print!(
                "{}",
                diff.unified_diff().header(&old_name, &format!("b/{path}"))
            );
        }
        return 0;
    }
    for c in &outcome.changes {
        use std::os::unix::fs::PermissionsExt;
        let executable =
            std::fs::metadata(&c.path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
        if let Err(e) = crate::execute::write_atomically(&c.path, c.new.as_bytes(), executable) {
            eprintln!("dh_rumprun add-flavour: error: {e:#}");
            return 1;
        }
    }
    0
}

/// `--explain TAG` of `dh_rumprun COMMAND`: prints the tag's explanation
/// (exit 0), or the tags there are (exit 2).
fn explain_tag(command: &str, name: &str) -> i32 {
    use crate::commands::lint::tags;
    match tags::tag(name) {
        Some(t) => {
            print!("{}", tags::explain(t));
            0
        }
        None => {
            eprintln!(
                "dh_rumprun {command}: error: no tag {name}; the tags are: {}",
                tags::TAGS
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            2
        }
    }
}

/// `dh_rumprun lint`: checks each path, applies the overrides, prints.
fn lint_command(
    json: bool,
    fail_on: &str,
    explain: Option<&str>,
    paths: &[std::path::PathBuf],
) -> i32 {
    use crate::commands::lint::{Finding, fails, sort, tags};
    if let Some(name) = explain {
        return explain_tag("lint", name);
    }
    let threshold = tags::Severity::parse(fail_on).unwrap_or(tags::Severity::Error);
    let mut all: Vec<Finding> = Vec::new();
    for path in paths {
        match lint_path(path) {
            Ok(found) => all.extend(found),
            Err(e) => {
                eprintln!("dh_rumprun lint: error: {e}");
                return 2;
            }
        }
    }
    sort(&mut all);
    if json {
        match serde_json::to_string_pretty(&all) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("dh_rumprun lint: error: {e}");
                return 2;
            }
        }
    } else {
        for f in all.iter().filter(|f| !f.overridden) {
            println!("{f}");
        }
    }
    i32::from(fails(&all, threshold))
}

/// The findings for one PATH: a source tree, a `.deb` or a `.changes`,
/// with the overrides of the source tree (the tree itself, or the current
/// directory for a built package) applied.
fn lint_path(
    path: &std::path::Path,
) -> Result<Vec<crate::commands::lint::Finding>, crate::location::InputError> {
    use crate::commands::lint::{deb, overrides, source};
    use crate::location::InputError;
    use std::path::Path;
    let name = path.to_string_lossy();
    let (root, mut findings, control) = if path.is_dir() {
        let in_tree = |e: InputError| InputError {
            path: path.join(&e.path),
            ..e
        };
        let tree = source::Tree::read(path).map_err(in_tree)?;
        let found = source::check(&tree).map_err(in_tree)?;
        (path.to_path_buf(), found, Some(tree.control))
    } else if name.ends_with(".deb") || name.ends_with(".changes") {
        let debs = if name.ends_with(".changes") {
            let text = std::fs::read_to_string(path).map_err(|e| {
                InputError::about(
                    path,
                    format!("cannot read: {e}"),
                    "give a readable .changes file",
                )
            })?;
            deb::changes_debs(path, &text)
        } else {
            vec![path.to_path_buf()]
        };
        let mut found = Vec::new();
        for d in debs {
            let package = deb::Deb::read(&d)?;
            let pkg = package.fields.get("Package").cloned().unwrap_or_default();
            found.extend(deb::check(&package, &expected_images(&pkg)));
        }
        // The overrides come from the source tree in the current directory.
        let control = std::fs::read_to_string("debian/control")
            .ok()
            .and_then(|text| {
                crate::debian::control::Control::parse(Path::new("debian/control"), &text).ok()
            });
        (std::path::PathBuf::from("."), found, control)
    } else {
        return Err(InputError::about(
            path,
            "neither a source tree, a .deb nor a .changes",
            "give the top directory of an unpacked source package, a built .deb or a .changes",
        ));
    };
    let mut rules = Vec::new();
    let mut files = Vec::new();
    if let Some(control) = &control {
        let source = control.source.folded("Source").unwrap_or_default();
        files.push((
            "debian/source/rumprun-lint-overrides".to_string(),
            source,
            true,
        ));
        for p in &control.packages {
            files.push((
                format!("debian/{}.rumprun-lint-overrides", p.name),
                p.name.clone(),
                false,
            ));
        }
    }
    for (file, package, is_source) in files {
        if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
            rules.extend(overrides::parse(
                Path::new(&file),
                &text,
                &package,
                is_source,
            ));
        }
    }
    let unused: Vec<crate::commands::lint::Finding> = overrides::apply(&mut findings, &rules)
        .into_iter()
        .map(|o| {
            let context = if o.context.is_empty() {
                o.tag.clone()
            } else {
                format!("{} {}", o.tag, o.context)
            };
            crate::commands::lint::Finding::new("unused-override", &o.package, o.source)
                .context(context)
                .at(&o.file, o.line)
        })
        .collect();
    findings.extend(unused);
    Ok(findings)
}

/// The images `debian/PKG.rumprun` of the source tree in the current
/// directory asks for, when there is one.
fn expected_images(package: &str) -> Vec<std::path::PathBuf> {
    let file = std::path::PathBuf::from(format!("debian/{package}.rumprun"));
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Vec::new();
    };
    crate::flavour::bake::parse(&file, &text)
        .and_then(|lines| crate::flavour::bake::images(&file, &lines))
        .map(|images| images.into_iter().map(|i| i.dest).collect())
        .unwrap_or_default()
}
