//! The stages dh runs: what they share (the option contract, package
//! selection, the flavour's directories) and the thin shell that reads the
//! inputs, asks a stage for its [`Plan`], prints it and executes it.

pub mod build;
pub mod clean;
pub mod configure;
pub mod install;
pub mod substvars;
pub mod test;

use crate::build_env::flavour_environment;
use crate::control::Control;
use crate::dh_options::{DhOptions, Parallel};
use crate::env::Env;
use crate::flavour::{Flavour, flavours, triplet};
use crate::location::InputError;
use crate::manual::{COMMON_STAGE_OPTIONS, Manual};
use crate::plan::{Command, Plan, Step};
use crate::selection::select;
use std::path::{Path, PathBuf};

/// Where the flavour build lives: under `debian/.debhelper/`, which
/// `dh_clean` removes even when the clean stage is not in the sequence.
pub const FLAVOUR_DIR: &str = "debian/.debhelper/rumprun";

/// The flavour's build directory.
pub fn build_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("build")
}

/// The flavour's staged install (`make install DESTDIR=...`).
pub fn stage_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("stage")
}

/// One of the six stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `dh_rumprun_configure`, after dh_auto_configure.
    Configure,
    /// `dh_rumprun_build`, after dh_auto_build.
    Build,
    /// `dh_rumprun_test`, after dh_auto_test.
    Test,
    /// `dh_rumprun_install`, after dh_auto_install.
    Install,
    /// `dh_rumprun_substvars`, before dh_gencontrol.
    Substvars,
    /// `dh_rumprun_clean`, after dh_auto_clean.
    Clean,
}

impl Stage {
    /// Every stage, in sequence order.
    pub const ALL: [Stage; 6] = [
        Stage::Configure,
        Stage::Build,
        Stage::Test,
        Stage::Install,
        Stage::Substvars,
        Stage::Clean,
    ];

    /// The command name, as dh lists it.
    pub fn command(self) -> &'static str {
        self.manual().name
    }

    /// The stage called `command`, if any.
    pub fn from_command(command: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.command() == command)
    }

    /// The stage's manual.
    pub fn manual(self) -> &'static Manual {
        match self {
            Stage::Configure => &configure::MANUAL,
            Stage::Build => &build::MANUAL,
            Stage::Test => &test::MANUAL,
            Stage::Install => &install::MANUAL,
            Stage::Substvars => &substvars::MANUAL,
            Stage::Clean => &clean::MANUAL,
        }
    }

    /// What the stage does in `ctx`.
    pub fn plan(self, ctx: &Context) -> Result<Plan, InputError> {
        match self {
            Stage::Configure => configure::plan(ctx),
            Stage::Build => build::plan(ctx),
            Stage::Test => Ok(test::plan(ctx)),
            Stage::Install => Ok(install::plan(ctx)),
            Stage::Substvars => substvars::plan(ctx),
            Stage::Clean => Ok(clean::plan(ctx)),
        }
    }
}

/// Everything a stage plans from: options, environment and the flavour
/// packages it acts on.
#[derive(Debug, Clone)]
pub struct Context {
    /// The stage's command name.
    pub tool: &'static str,
    /// The parsed options.
    pub opts: DhOptions,
    /// The environment.
    pub env: Env,
    /// The debhelper compat level.
    pub compat: u32,
    /// The top of the source package (where `debian/` is).
    pub root: PathBuf,
    /// Every package the command acts on (flavours and others), for the log.
    pub acted: Vec<String>,
    /// The flavour packages it acts on (never empty).
    pub flavours: Vec<Flavour>,
    /// The rumprun toolchain triplet for the host architecture.
    pub triplet: &'static str,
}

impl Context {
    /// A `dh_auto_*` command for the flavour: its build directory, the
    /// build system and source directory given to dh or to the stage, and
    /// the flavour's clean cross environment.
    pub fn dh_auto(&self, command: &str, extra: &[String]) -> Command {
        let mut argv = vec![
            command.to_string(),
            format!("--builddirectory={}", build_dir().display()),
        ];
        if let Some(bs) = &self.opts.buildsystem {
            argv.push(format!("--buildsystem={bs}"));
        }
        if let Some(src) = &self.opts.sourcedirectory {
            argv.push(format!("--sourcedirectory={src}"));
        }
        argv.extend(extra.iter().cloned());
        if !self.opts.build_system_args.is_empty() {
            argv.push("--".into());
            argv.extend(self.opts.build_system_args.iter().cloned());
        }
        let mut env = flavour_environment(self.triplet, &self.env);
        // The child is a plain debhelper command acting for the whole source.
        for var in ["DH_INTERNAL_OPTIONS", "DH_OPTIONS"] {
            if self.env.get(var).is_some() {
                env.push((var.into(), None));
            }
        }
        Command {
            argv,
            env,
            cwd: None,
        }
    }

    /// The parallel option for `dh_auto_*`, when the stage was given one.
    pub fn parallel_option(&self) -> Option<String> {
        match self.opts.parallel {
            Parallel::FromBuildOptions => None,
            Parallel::AtMost(n) => Some(format!("--max-parallel={n}")),
        }
    }

    /// The debhelper log entries for this run: compat 9 and below always
    /// log; from compat 10 on only a command run inside an override does.
    pub fn log_steps(&self) -> Vec<Step> {
        if self.compat > 9 && !self.env.is_set("DH_INTERNAL_OVERRIDE") {
            return Vec::new();
        }
        self.acted
            .iter()
            .map(|p| Step::AppendLine {
                path: PathBuf::from(format!("debian/{p}.debhelper.log")),
                line: self.tool.to_string(),
            })
            .collect()
    }
}

/// Why a stage stopped before planning.
#[derive(Debug)]
pub enum Failure {
    /// A bad option (exit 2), or `--help` when the message is empty.
    Usage(String),
    /// A problem with a file or the environment (exit 255, as debhelper).
    Input(InputError),
}

/// The debhelper compat level: `DH_COMPAT`, else `debhelper-compat (= N)`
/// in Build-Depends, else `debian/compat`.
pub fn compat_level(control: &Control, root: &Path, env: &Env) -> Result<u32, InputError> {
    // DH_COMPAT overrides the declared level (debhelper(7), Dh_Lib::_load_compat_info).
    if let Some(v) = env.get("DH_COMPAT").filter(|v| !v.is_empty()) {
        return v.parse().map_err(|_| {
            InputError::about(
                Path::new("DH_COMPAT"),
                format!("\"{v}\" is not a compat level"),
                "set DH_COMPAT to a positive integer, or unset it",
            )
        });
    }
    if let Some(level) = control.compat_from_build_depends() {
        return Ok(level);
    }
    let path = root.join("debian/compat");
    let text = std::fs::read_to_string(&path).map_err(|_| {
        InputError::about(
            &control.path,
            "no debhelper compat level: neither debhelper-compat (= N) in Build-Depends nor debian/compat",
            "add \"debhelper-compat (= 13)\" to Build-Depends",
        )
    })?;
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| {
            InputError::at(
                &path,
                1,
                "not a compat level",
                "write the level alone, e.g. 13",
            )
        })
}

/// The file that marks `package` as a flavour dh must not skip:
/// `debian/PKG.rumprun`, or `debian/rumprun` for the first package
/// (debhelper's `pkgfile` rule, which dh's NOOP promise checks).
pub fn marker_file(control: &Control, root: &Path, package: &str) -> Option<PathBuf> {
    let own = root.join(format!("debian/{package}.rumprun"));
    if own.is_file() {
        return Some(own);
    }
    let main = root.join("debian/rumprun");
    let is_main = control.packages.first().is_some_and(|p| p.name == package);
    (is_main && main.is_file()).then_some(main)
}

/// Reads the inputs in `root` and builds the stage's context; `Ok(None)`
/// when the command acts on no flavour package (the common, fast case).
pub fn context(
    stage: Stage,
    args: &[String],
    env: Env,
    root: &Path,
) -> Result<Option<(Context, Vec<String>)>, Failure> {
    let control = Control::read(&root.join("debian/control")).map_err(Failure::Input)?;
    let compat = compat_level(&control, root, &env).map_err(Failure::Input)?;
    let opts = DhOptions::parse(args, &env, compat).map_err(|e| Failure::Usage(e.0))?;
    if opts.help {
        return Err(Failure::Usage(String::new()));
    }
    let selection = select(&control, &opts, &env, stage.command(), &root.join("debian"))
        .map_err(Failure::Input)?;
    let mut warnings = opts.warnings.clone();
    warnings.extend(selection.warnings);
    let all_flavours = flavours(&control, env.get("DPKG_DATADIR")).map_err(Failure::Input)?;
    let acted_flavours: Vec<Flavour> = all_flavours
        .into_iter()
        .filter(|f| selection.packages.contains(&f.package))
        .collect();
    if acted_flavours.is_empty() {
        return Ok(None);
    }
    for f in &acted_flavours {
        if marker_file(&control, root, &f.package).is_none() {
            let line = control.package(&f.package).map_or(1, |p| p.stanza.line);
            return Err(Failure::Input(InputError::at(
                &control.path,
                line,
                format!(
                    "flavour package {} has no debian/{}.rumprun, so dh skips the rumprun stages for it",
                    f.package, f.package
                ),
                format!(
                    "create debian/{}.rumprun (comments only is fine: it then uses the defaults)",
                    f.package
                ),
            )));
        }
    }
    let host = match selection.host_arch {
        Some(host) => host,
        None => crate::arch::host_arch(env.get("DEB_HOST_ARCH")).map_err(Failure::Input)?,
    };
    let Some(triplet) = triplet(&host) else {
        let line = control
            .package(&acted_flavours[0].package)
            .map_or(1, |p| p.stanza.line);
        return Err(Failure::Input(InputError::at(
            &control.path,
            line,
            format!(
                "host architecture {host} has no rumprun toolchain (flavour {})",
                acted_flavours[0].package
            ),
            format!(
                "limit the flavour's Architecture to amd64 i386 armhf armel arm64, or build with the profile pkg.{}.norumprun",
                control.source.folded("Source").unwrap_or_default()
            ),
        )));
    };
    let ctx = Context {
        tool: stage.command(),
        opts,
        env,
        compat,
        root: root.to_path_buf(),
        acted: selection.packages,
        flavours: acted_flavours,
        triplet,
    };
    Ok(Some((ctx, warnings)))
}

/// Runs `stage` as a command: the shell around [`context`], [`Stage::plan`]
/// and the executor. Returns the exit status.
pub fn main(stage: Stage, args: &[String]) -> i32 {
    let env = Env::capture();
    let tool = stage.command();
    let result = context(stage, args, env, Path::new(""));
    let (ctx, warnings) = match result {
        Ok(Some(found)) => found,
        Ok(None) => return 0,
        Err(Failure::Usage(msg)) if msg.is_empty() => {
            print!("{}", stage.manual().help(COMMON_STAGE_OPTIONS));
            return 0;
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("{tool}: error: {msg}; see {tool} --help");
            return 2;
        }
        Err(Failure::Input(e)) => {
            eprintln!("{tool}: error: {e}");
            return 255;
        }
    };
    for w in &warnings {
        eprintln!("{tool}: warning: {w}");
    }
    let plan = match stage.plan(&ctx) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{tool}: error: {e}");
            return 255;
        }
    };
    if ctx.opts.verbose || ctx.opts.no_act {
        print!("{plan}");
    }
    if ctx.opts.no_act {
        return 0;
    }
    match crate::execute::execute(&plan) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{tool}: error: {e:#}");
            255
        }
    }
}
