//! The stages dh runs: what they share (the option contract, package
//! selection, the flavour's directories) and the thin shell that reads the
//! inputs, asks a stage for its [`Plan`], prints it and executes it.

pub mod build;
pub mod clean;
pub mod configure;
pub mod dh_options;
pub mod install;
pub mod selection;
pub mod substvars;
pub mod test;

use crate::debian::control::Control;
use crate::env::Env;
use crate::flavour::build_env::flavour_environment;
use crate::flavour::layout::{LAYOUT_FILE, Layout, bin_dir};
use crate::flavour::toolchain::{find_in, is_executable, missing_tool, search_dirs};
use crate::flavour::{Flavour, flavours, triplet};
use crate::location::InputError;
use crate::manual::{COMMON_STAGE_OPTIONS, Manual};
use crate::plan::{Command, Plan, Step};
use crate::stages::dh_options::{DhOptions, Parallel};
use crate::stages::selection::select;
use std::path::{Path, PathBuf};

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

    /// Reads what the stage needs beyond `ctx` (the build system, the
    /// toolchain, the layout) and returns what it does. For
    /// `dh_rumprun_install` this is the first half, the staged install;
    /// [`install::fill_plan`] is the second.
    pub fn plan(self, ctx: &Context) -> Result<Plan, InputError> {
        match self {
            Stage::Configure => configure::plan(ctx, &configure::Inputs::read(ctx)?),
            Stage::Build => {
                let layout = ctx.read_layout()?;
                build::plan(ctx, &layout, &build::makefile_directories(ctx, &layout))
            }
            Stage::Test => Ok(test::plan(ctx)),
            Stage::Install => {
                let layout = ctx.read_layout()?;
                let directories = build::makefile_directories(ctx, &layout);
                Ok(install::stage_plan(ctx, &layout, &directories))
            }
            Stage::Substvars => substvars::plan(ctx, &substvars::Inputs::read(ctx)?),
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
    /// The top of the source package (where `debian/` is), as given.
    pub root: PathBuf,
    /// The same, absolute (for the build path map and `PATH`).
    pub abs_root: PathBuf,
    /// `debian/control`, for errors about a flavour stanza.
    pub control_path: PathBuf,
    /// The first binary package of the control file (debhelper's main
    /// package, whose files may drop the `PKG.` prefix).
    pub first_package: String,
    /// Every package the command acts on (flavours and others), for the log.
    pub acted: Vec<String>,
    /// The flavour packages it acts on (never empty).
    pub flavours: Vec<Flavour>,
    /// The rumprun toolchain triplet for the host architecture.
    pub triplet: &'static str,
}

impl Context {
    /// The flavour's clean cross environment, for every command it runs in
    /// `layout`.
    pub fn flavour_env(&self, layout: &Layout) -> Vec<(String, Option<String>)> {
        let mut env = flavour_environment(
            self.triplet,
            &self.env,
            &self.abs_root,
            &self.abs_root.join(bin_dir()),
            layout.compiler_include.as_deref(),
        );
        // The child is a plain debhelper command acting for the whole source.
        for var in ["DH_INTERNAL_OPTIONS", "DH_OPTIONS"] {
            if self.env.get(var).is_some() {
                env.push((var.into(), None));
            }
        }
        env
    }

    /// The environment of the build system's commands in `layout`. Meson
    /// takes the flavour's compilers and flags from the cross file and reads
    /// CC, CFLAGS and friends from the environment for the build machine, so
    /// for Meson only `PATH` and the debhelper variables change.
    pub fn build_system_env(&self, layout: &Layout) -> Vec<(String, Option<String>)> {
        let env = self.flavour_env(layout);
        if layout.family() != "meson" {
            return env;
        }
        env.into_iter()
            .filter(|(k, v)| {
                k == "PATH"
                    || k == "DH_INTERNAL_BUILDFLAGS"
                    || (k.starts_with("DH_") && v.is_none())
            })
            .collect()
    }

    /// A `dh_auto_*` command for the flavour, in `layout`'s directories:
    /// `extra` debhelper options, then after `--` the flavour's own
    /// build-system arguments `flavour_args` and the maintainer's (which
    /// come last, so they win).
    pub fn dh_auto(
        &self,
        command: &str,
        layout: &Layout,
        extra: &[String],
        flavour_args: &[String],
    ) -> Command {
        let mut argv = vec![command.to_string()];
        argv.extend(layout.dh_auto_options());
        argv.extend(extra.iter().cloned());
        if !flavour_args.is_empty() || !self.opts.build_system_args.is_empty() {
            argv.push("--".into());
            argv.extend(flavour_args.iter().cloned());
            argv.extend(self.opts.build_system_args.iter().cloned());
        }
        Command {
            argv,
            env: self.build_system_env(layout),
            cwd: None,
            stdout: None,
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

    /// The toolchain's tool `name` (`TRIPLET-gcc`, `rumprun-bake`), or the
    /// error that says where it was looked for and what provides it.
    pub fn require_tool(&self, name: &str) -> Result<PathBuf, InputError> {
        let dirs = search_dirs(&self.env);
        find_in(&dirs, name, is_executable).ok_or_else(|| {
            let f = &self.flavours[0];
            missing_tool(&self.control_path, f.line, &f.package, name, &dirs)
        })
    }

    /// The layout `dh_rumprun_configure` recorded.
    pub fn read_layout(&self) -> Result<Layout, InputError> {
        let path = self.root.join(LAYOUT_FILE);
        let text = std::fs::read_to_string(&path).map_err(|_| {
            InputError::about(
                Path::new(LAYOUT_FILE),
                "the flavour is not configured (dh_rumprun_configure has not run)",
                "run the build from the start (debian/rules build); an override_dh_rumprun_configure must call dh_rumprun_configure",
            )
        })?;
        Layout::from_file(Path::new(LAYOUT_FILE), &text)
    }

    /// `debian/PKG.rumprun`, or `debian/rumprun` for the first package
    /// (debhelper's `pkgfile` rule), when `package` has one.
    pub fn bake_file(&self, package: &str) -> Option<PathBuf> {
        let own = PathBuf::from(format!("debian/{package}.rumprun"));
        if self.root.join(&own).is_file() {
            return Some(own);
        }
        let main = PathBuf::from("debian/rumprun");
        (package == self.first_package && self.root.join(&main).is_file()).then_some(main)
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
    let host = match selection.host_arch {
        Some(host) => host,
        None => crate::debian::arch::host_arch(env.get("DEB_HOST_ARCH")).map_err(Failure::Input)?,
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
    let here = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let abs_root = std::path::absolute(here).map_err(|e| {
        Failure::Input(InputError::about(
            root,
            format!("cannot resolve the package directory: {e}"),
            "run the stage from the package's top directory",
        ))
    })?;
    let ctx = Context {
        tool: stage.command(),
        opts,
        env,
        compat,
        root: root.to_path_buf(),
        abs_root,
        control_path: control.path.clone(),
        first_package: control
            .packages
            .first()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
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
    if let Err(status) = run(&ctx, stage.plan(&ctx)) {
        return status;
    }
    // dh_rumprun_install's second half is planned from what the first half
    // staged; under --no-act, from a staged install an earlier run left.
    let staged = ctx.root.join(crate::flavour::layout::stage_dir()).is_dir();
    if stage == Stage::Install && (!ctx.opts.no_act || staged) {
        let fill = install::FillInputs::read(&ctx).and_then(|i| install::fill_plan(&ctx, &i));
        if let Err(status) = run(&ctx, fill) {
            return status;
        }
    }
    0
}

/// Prints `plan` under `-v` or `--no-act` and executes it unless
/// `--no-act`; `Err` holds the exit status of a failure, already reported.
fn run(ctx: &Context, plan: Result<Plan, InputError>) -> Result<(), i32> {
    let tool = ctx.tool;
    let plan = plan.map_err(|e| {
        eprintln!("{tool}: error: {e}");
        255
    })?;
    if ctx.opts.verbose || ctx.opts.no_act {
        print!("{plan}");
    }
    if ctx.opts.no_act {
        return Ok(());
    }
    crate::execute::execute(&plan).map_err(|e| {
        eprintln!("{tool}: error: {e:#}");
        255
    })
}

/// A context for unit tests of the plans: package `hello-rumprun` (a
/// program flavour at line 10) on amd64, in `/build/hello`, with `args`
/// and `env`.
#[cfg(test)]
pub(crate) fn test_context(stage: Stage, args: &[&str], env: &[(&str, &str)]) -> Context {
    use crate::flavour::FlavourKind;
    let env = Env::from_pairs(env.iter().copied());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let opts = DhOptions::parse(&args, &env, 13).expect("valid options");
    Context {
        tool: stage.command(),
        opts,
        env,
        compat: 13,
        root: PathBuf::new(),
        abs_root: PathBuf::from("/build/hello"),
        control_path: PathBuf::from("debian/control"),
        first_package: "hello".into(),
        acted: vec!["hello".into(), "hello-rumprun".into()],
        flavours: vec![Flavour {
            package: "hello-rumprun".into(),
            kind: FlavourKind::Program,
            line: 10,
        }],
        triplet: "x86_64-rumprun-netbsd",
    }
}
