//! `dh_rumprun`, the maintainer's entry point, and the dispatch of the
//! multi-call binary on the name it was called by.

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
