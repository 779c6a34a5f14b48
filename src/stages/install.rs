//! `dh_rumprun_install`: installs the rumprun flavour after
//! `dh_auto_install`, then fills the flavour packages from the staged
//! install: program flavours get their programs baked into unikernel
//! images, nothing else.

use super::Context;
use crate::bake::{self, BakeLine, DEFAULT_PROGRAM_DIRS, Image};
use crate::flavour::FlavourKind;
use crate::layout::{Layout, stage_dir};
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Command, Plan, Step};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The manual of `dh_rumprun_install`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_install",
    summary: "install the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_install installs the rumprun flavour with dh_auto_install into a \
        staging directory, debian/.debhelper/rumprun/stage, never into the native packages' \
        directories. From there it fills the flavour packages, and takes nothing else from the \
        staged install.\n\n\
        A program flavour gets its programs baked with rumprun-bake into unikernel images. \
        debian/PKG.rumprun (optional) lists them, one per line: PROGRAM CONFIG[,CONFIG...] \
        [DEST], where PROGRAM is a path in the staged install (usr/bin/hello) and CONFIG a \
        rumprun-bake config (hw_virtio, xen_pv, ...; rumprun-bake list shows them); # starts a \
        comment. Without DEST each image goes to usr/lib/rumprun/CONFIG/NAME; with one config, \
        DEST is the image's path; with several, a directory holding CONFIG/NAME. Without the \
        file, every executable the flavour installs in usr/bin and usr/sbin is baked for \
        hw_virtio. Paths that leave the staged install or the package are errors.\n\n\
        The images are static executables by design, so the package gets a lintian override \
        for statically-linked-binary on exactly those files, with a comment saying why. The \
        programs baked are logged for dh_missing.",
    options: &[],
    notes: "If the package has its own debian/PKG.lintian-overrides, dh_lintian installs that \
        file instead of the generated one: copy the generated lines into it.",
};

/// Installs the flavour into its staging directory.
pub fn stage_plan(ctx: &Context, layout: &Layout) -> Plan {
    let destdir = format!("--destdir={}", stage_dir().display());
    let vars = super::build::make_tool_variables(ctx, layout);
    let mut steps = vec![
        Step::RemoveTree(stage_dir()),
        Step::Run(ctx.dh_auto("dh_auto_install", layout, &[destdir], &vars)),
    ];
    steps.extend(ctx.log_steps());
    Plan { steps }
}

/// What a program flavour bakes: the lines of its `debian/PKG.rumprun`,
/// or the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramList {
    /// The flavour package.
    pub package: String,
    /// The file the lines come from, `None` for the default.
    pub file: Option<PathBuf>,
    /// The programs and their configs.
    pub lines: Vec<BakeLine>,
}

/// What filling the packages needs to know: the staged install and the
/// toolchain's baking tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillInputs {
    /// One list per program flavour acted on.
    pub programs: Vec<ProgramList>,
    /// Regular files of the staged install, relative to it (links
    /// followed when they stay inside it).
    pub staged: BTreeSet<PathBuf>,
    /// The `rumprun-bake` found.
    pub bake_tool: PathBuf,
    /// The configs `rumprun-bake list` names.
    pub configs: Vec<String>,
}

impl FillInputs {
    /// Reads the bake lists, lists the staged install and asks
    /// `rumprun-bake` for its configs.
    pub fn read(ctx: &Context) -> Result<FillInputs, InputError> {
        let stage = ctx.root.join(stage_dir());
        let staged = staged_files(&stage);
        let program_flavours: Vec<_> = ctx
            .flavours
            .iter()
            .filter(|f| f.kind == FlavourKind::Program)
            .collect();
        if program_flavours.is_empty() {
            return Ok(FillInputs {
                programs: Vec::new(),
                staged,
                bake_tool: PathBuf::new(),
                configs: Vec::new(),
            });
        }
        let bake_tool = ctx.require_tool("rumprun-bake")?;
        let configs = bake_configs(&bake_tool)?;
        let mut programs = Vec::new();
        for f in program_flavours {
            let (file, lines) = match ctx.bake_file(&f.package) {
                Some(file) => {
                    let text = std::fs::read_to_string(ctx.root.join(&file)).map_err(|e| {
                        InputError::about(
                            &file,
                            format!("cannot read: {e}"),
                            "make it a readable text file",
                        )
                    })?;
                    let lines = bake::parse(&file, &text)?;
                    (Some(file), lines)
                }
                None => {
                    let executables: Vec<PathBuf> = staged
                        .iter()
                        .filter(|p| {
                            p.parent().is_some_and(|d| {
                                DEFAULT_PROGRAM_DIRS.iter().any(|x| d == Path::new(x))
                            }) && crate::toolchain::is_executable(&stage.join(p))
                        })
                        .cloned()
                        .collect();
                    (None, bake::default_lines(&executables))
                }
            };
            programs.push(ProgramList {
                package: f.package.clone(),
                file,
                lines,
            });
        }
        Ok(FillInputs {
            programs,
            staged,
            bake_tool,
            configs,
        })
    }
}

/// Regular files under `stage`, relative to it; a link counts when what it
/// points to is a regular file inside `stage`.
fn staged_files(stage: &Path) -> BTreeSet<PathBuf> {
    let Ok(real_stage) = stage.canonicalize() else {
        return BTreeSet::new();
    };
    walkdir::WalkDir::new(stage)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter(|e| {
            e.path()
                .canonicalize()
                .is_ok_and(|real| real.starts_with(&real_stage) && real.is_file())
        })
        .filter_map(|e| e.path().strip_prefix(stage).ok().map(Path::to_path_buf))
        .collect()
}

/// The configs `rumprun-bake list` prints.
fn bake_configs(bake_tool: &Path) -> Result<Vec<String>, InputError> {
    let out = std::process::Command::new(bake_tool)
        .arg("list")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            InputError::about(
                bake_tool,
                format!("cannot run: {e}"),
                "check the rumprun toolchain's installation",
            )
        })?;
    let configs = bake::configs_from_list(&String::from_utf8_lossy(&out.stdout));
    if !out.status.success() || configs.is_empty() {
        return Err(InputError::about(
            bake_tool,
            "\"rumprun-bake list\" names no config",
            "check the rumprun toolchain's installation",
        ));
    }
    Ok(configs)
}

/// The lintian overrides of a program flavour: its images are static
/// executables by design.
pub fn lintian_overrides(images: &[Image]) -> String {
    let mut text = String::new();
    for i in images {
        text.push_str(
            "# A rumprun unikernel image is one static executable by design (program, C library and rump kernel).\n",
        );
        text.push_str(&format!(
            "statically-linked-binary [{}]\n",
            i.dest.display()
        ));
    }
    text
}

/// Fills the flavour packages from the staged install.
pub fn fill_plan(ctx: &Context, inputs: &FillInputs) -> Result<Plan, InputError> {
    let mut steps = Vec::new();
    for list in &inputs.programs {
        let file = list
            .file
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("debian/{}.rumprun", list.package)));
        let at = |line: Option<usize>, message: String, fix: String| match line {
            Some(n) => InputError::at(&file, n, message, fix),
            None => InputError::at(
                &ctx.control_path,
                ctx.flavours
                    .iter()
                    .find(|f| f.package == list.package)
                    .map_or(1, |f| f.line),
                message,
                fix,
            ),
        };
        if list.lines.is_empty() {
            return Err(at(
                None,
                format!(
                    "flavour {} has no program to bake: debian/{}.rumprun lists none and the flavour installs nothing in usr/bin or usr/sbin",
                    list.package, list.package
                ),
                format!(
                    "list the programs in debian/{}.rumprun: PROGRAM CONFIG",
                    list.package
                ),
            ));
        }
        let images = bake::images(&file, &list.lines)?;
        let pkg_dir = PathBuf::from(format!("debian/{}", list.package));
        for image in &images {
            if !inputs.configs.contains(&image.config) {
                return Err(at(
                    image.line,
                    format!("rumprun-bake has no config \"{}\"", image.config),
                    format!("use one of: {}", inputs.configs.join(", ")),
                ));
            }
            if !inputs.staged.contains(&image.program) {
                let installed: Vec<String> = inputs
                    .staged
                    .iter()
                    .filter(|p| {
                        p.parent()
                            .is_some_and(|d| DEFAULT_PROGRAM_DIRS.iter().any(|x| d == Path::new(x)))
                    })
                    .map(|p| p.display().to_string())
                    .collect();
                return Err(at(
                    image.line,
                    format!(
                        "{} is not a file of the flavour's staged install ({})",
                        image.program.display(),
                        stage_dir().display()
                    ),
                    if installed.is_empty() {
                        "give the program's path as the flavour installs it".to_string()
                    } else {
                        format!("the flavour installs: {}", installed.join(", "))
                    },
                ));
            }
            let dest = pkg_dir.join(&image.dest);
            if let Some(parent) = dest.parent() {
                steps.push(Step::CreateDir(parent.to_path_buf()));
            }
            steps.push(Step::Run(Command {
                argv: vec![
                    inputs.bake_tool.display().to_string(),
                    image.config.clone(),
                    dest.display().to_string(),
                    stage_dir().join(&image.program).display().to_string(),
                ],
                env: ctx.flavour_env(),
                cwd: None,
            }));
        }
        let overrides_dir = pkg_dir.join("usr/share/lintian/overrides");
        steps.push(Step::CreateDir(overrides_dir.clone()));
        steps.push(Step::Write {
            path: overrides_dir.join(&list.package),
            contents: lintian_overrides(&images),
            executable: false,
        });
        let mut programs: Vec<String> = images
            .iter()
            .map(|i| stage_dir().join(&i.program).display().to_string())
            .collect();
        programs.sort();
        programs.dedup();
        let mut argv = vec![
            "dh_assistant".to_string(),
            "log-installed-files".to_string(),
            format!("-p{}", list.package),
            format!("--on-behalf-of-cmd={}", ctx.tool),
        ];
        argv.extend(programs);
        let env = ["DH_OPTIONS", "DH_INTERNAL_OPTIONS"]
            .iter()
            .filter(|v| ctx.env.get(v).is_some())
            .map(|v| (v.to_string(), None))
            .collect();
        steps.push(Step::Run(Command {
            argv,
            env,
            cwd: None,
        }));
    }
    if let Some(lib) = ctx.flavours.iter().find(|f| f.kind == FlavourKind::Library) {
        return Err(InputError::at(
            &ctx.control_path,
            lib.line,
            format!(
                "{} is a library flavour, which this version of dh-rumprun cannot fill yet",
                lib.package
            ),
            "build it with -N or the norumprun profile until library flavours are supported",
        ));
    }
    Ok(Plan { steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::{Stage, test_context};

    fn inputs(file: Option<&str>, text: &str, staged: &[&str]) -> FillInputs {
        let lines = match file {
            Some(f) => bake::parse(Path::new(f), text).expect("valid"),
            None => bake::default_lines(&staged.iter().map(PathBuf::from).collect::<Vec<_>>()),
        };
        FillInputs {
            programs: vec![ProgramList {
                package: "hello-rumprun".into(),
                file: file.map(PathBuf::from),
                lines,
            }],
            staged: staged.iter().map(PathBuf::from).collect(),
            bake_tool: PathBuf::from("/usr/bin/rumprun-bake"),
            configs: vec!["hw_generic".into(), "hw_virtio".into(), "xen_pv".into()],
        }
    }

    #[test]
    fn bakes_each_program_for_each_config_and_nothing_else() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let staged = ["usr/bin/hello", "usr/share/man/man1/hello.1"];
        let plan = fill_plan(
            &ctx,
            &inputs(
                Some("debian/hello-rumprun.rumprun"),
                "usr/bin/hello hw_virtio,xen_pv\n",
                &staged,
            ),
        )
        .expect("plan");
        let l: Vec<String> = plan.steps.iter().map(|s| s.to_string()).collect();
        let bakes: Vec<&String> = l.iter().filter(|s| s.contains("rumprun-bake")).collect();
        assert_eq!(bakes.len(), 2, "{l:#?}");
        assert!(bakes[0].ends_with("/usr/bin/rumprun-bake hw_virtio debian/hello-rumprun/usr/lib/rumprun/hw_virtio/hello debian/.debhelper/rumprun/stage/usr/bin/hello"), "{}", bakes[0]);
        assert!(
            bakes[1].contains(" xen_pv debian/hello-rumprun/usr/lib/rumprun/xen_pv/hello "),
            "{}",
            bakes[1]
        );
        assert!(
            !l.iter().any(|s| s.contains("hello.1")),
            "the man page stays out: {l:#?}"
        );
        let overrides = plan
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Write { path, contents, .. } => Some((path.clone(), contents.clone())),
                _ => None,
            })
            .expect("overrides");
        assert_eq!(
            overrides.0,
            Path::new("debian/hello-rumprun/usr/share/lintian/overrides/hello-rumprun")
        );
        assert_eq!(
            overrides
                .1
                .lines()
                .filter(|l| l.starts_with("statically-linked-binary [usr/lib/rumprun/"))
                .count(),
            2
        );
        assert!(
            overrides
                .1
                .lines()
                .all(|l| l.starts_with('#') || l.starts_with("statically-linked-binary"))
        );
        assert_eq!(
            l.last().expect("log"),
            "dh_assistant log-installed-files -phello-rumprun --on-behalf-of-cmd=dh_rumprun_install debian/.debhelper/rumprun/stage/usr/bin/hello"
        );
    }

    #[test]
    fn default_bakes_the_installed_programs_for_hw_virtio() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let plan = fill_plan(&ctx, &inputs(None, "", &["usr/bin/a", "usr/sbin/b"])).expect("plan");
        let bakes: Vec<String> = plan
            .steps
            .iter()
            .map(|s| s.to_string())
            .filter(|s| s.contains("rumprun-bake"))
            .collect();
        assert_eq!(bakes.len(), 2);
        assert!(bakes[1].contains(" hw_virtio debian/hello-rumprun/usr/lib/rumprun/hw_virtio/b "));
        let e = fill_plan(&ctx, &inputs(None, "", &[])).expect_err("nothing to bake");
        assert!(
            e.to_string()
                .starts_with("debian/control:10: flavour hello-rumprun has no program to bake"),
            "{e}"
        );
    }

    #[test]
    fn unknown_configs_and_programs_name_their_line() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let f = Some("debian/hello-rumprun.rumprun");
        let e = fill_plan(
            &ctx,
            &inputs(f, "# c\nusr/bin/hello hw_virtoi\n", &["usr/bin/hello"]),
        )
        .expect_err("typo");
        assert_eq!(
            e.to_string(),
            "debian/hello-rumprun.rumprun:2: rumprun-bake has no config \"hw_virtoi\"; use one of: hw_generic, hw_virtio, xen_pv"
        );
        let e = fill_plan(
            &ctx,
            &inputs(f, "usr/bin/hola hw_virtio\n", &["usr/bin/hello"]),
        )
        .expect_err("not installed");
        assert_eq!(
            e.to_string(),
            "debian/hello-rumprun.rumprun:1: usr/bin/hola is not a file of the flavour's staged install (debian/.debhelper/rumprun/stage); the flavour installs: usr/bin/hello"
        );
    }
}
