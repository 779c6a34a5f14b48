//! `dh_rumprun`, the maintainer's entry point, and the dispatch of the
//! multi-call binary on the name it was called by.

use crate::add_flavour::{DEFAULT_ARCHITECTURES, Inputs, Request, plan};
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
        dh_rumprun itself is the maintainer's tool; this version has no subcommand besides manpage, \
        which prints the man page of any dh-rumprun command in roff.",
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
    /// program, debian/FLAVOUR.rumprun. Appends only; a second run changes
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
    let control_template = ["debian/control.in", "debian/control-in"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists());
    let name = crate::add_flavour::flavour_name(req);
    let inputs = Inputs {
        control,
        control_template,
        rules,
        native_install: read(&format!("debian/{}.install", req.native)).ok(),
        bake_file_exists: std::path::Path::new(&format!("debian/{name}.rumprun")).exists(),
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
