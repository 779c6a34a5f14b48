//! `dh_rumprun_install`: installs the rumprun flavour after
//! `dh_auto_install`, then fills the flavour packages from the staged
//! install: program flavours get their programs baked into unikernel
//! images, nothing else.

mod library;

use super::Context;
use crate::bake::{self, BakeLine, DEFAULT_PROGRAM_DIRS, Image};
use crate::flavour::FlavourKind;
use crate::layout::{Layout, stage_dir};
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Command, Plan, Step};
use library::{library_files, library_steps};
use std::collections::{BTreeMap, BTreeSet};
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
        for statically-linked-binary on exactly those files, with a comment saying why, and one \
        for unknown-field Static-Built-Using, a field lintian 2.116 does not know yet.\n\n\
        A library flavour (configured with prefix /usr/TRIPLET) gets, from usr/TRIPLET/ of the \
        staged install, the static archives of lib/, the headers under include/ and the \
        pkg-config files (whose prefix must be /usr/TRIPLET), never shared objects, libtool \
        archives, programs or documentation; its lintian overrides cover non-standard-dir-in-usr \
        and file-in-unusual-dir for exactly those files.\n\n\
        Every staged file that went into a package is logged for dh_missing.",
    options: &[],
    notes: "If the package has its own debian/PKG.lintian-overrides, dh_lintian installs that \
        file instead of the generated one: copy the generated lines into it.",
};

/// Where `dh_rumprun_install` records the staged programs it baked for a
/// program flavour (one path per line), for `dh_rumprun_substvars`.
pub fn baked_record(package: &str) -> PathBuf {
    Path::new(crate::layout::FLAVOUR_DIR)
        .join("baked")
        .join(package)
}

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
    /// The `prefix=` of each pkg-config file a library flavour ships.
    pub pc_prefixes: BTreeMap<PathBuf, Option<String>>,
}

impl FillInputs {
    /// Reads the bake lists, lists the staged install and asks
    /// `rumprun-bake` for its configs.
    pub fn read(ctx: &Context) -> Result<FillInputs, InputError> {
        let stage = ctx.root.join(stage_dir());
        let staged = staged_files(&stage);
        let pc_prefixes = if ctx.flavours.iter().any(|f| f.kind == FlavourKind::Library) {
            library_files(ctx.triplet, &staged)
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "pc"))
                .map(|p| {
                    let text = std::fs::read_to_string(stage.join(&p)).unwrap_or_default();
                    let prefix = text
                        .lines()
                        .find_map(|l| l.trim().strip_prefix("prefix="))
                        .map(|v| v.trim().to_string());
                    (p, prefix)
                })
                .collect()
        } else {
            BTreeMap::new()
        };
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
                pc_prefixes,
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
            pc_prefixes,
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
/// executables by design, and it carries `Static-Built-Using`, which
/// lintian 2.116 (Debian 12) does not know yet.
pub fn program_overrides(images: &[Image]) -> String {
    let mut text = String::from(
        "# Static-Built-Using is a deb-control(5) field since dpkg 1.21.3; lintian 2.116 predates it.\n\
         unknown-field Static-Built-Using\n",
    );
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

/// `dh_assistant log-installed-files` for `package`: tells dh_missing
/// that the staged `paths` went into a package.
pub(super) fn log_installed(ctx: &Context, package: &str, paths: &[PathBuf]) -> Step {
    let mut argv = vec![
        "dh_assistant".to_string(),
        "log-installed-files".to_string(),
        format!("-p{package}"),
        format!("--on-behalf-of-cmd={}", ctx.tool),
    ];
    let mut staged: Vec<String> = paths
        .iter()
        .map(|p| stage_dir().join(p).display().to_string())
        .collect();
    staged.sort();
    staged.dedup();
    argv.extend(staged);
    let env = ["DH_OPTIONS", "DH_INTERNAL_OPTIONS"]
        .iter()
        .filter(|v| ctx.env.get(v).is_some())
        .map(|v| (v.to_string(), None))
        .collect();
    Step::Run(Command {
        argv,
        env,
        cwd: None,
    })
}

/// Writes `package`'s lintian overrides.
pub(super) fn overrides_steps(package: &str, contents: String) -> [Step; 2] {
    let dir = PathBuf::from(format!("debian/{package}/usr/share/lintian/overrides"));
    [
        Step::CreateDir(dir.clone()),
        Step::Write {
            path: dir.join(package),
            contents,
            executable: false,
        },
    ]
}

/// Bakes a program flavour's images into its package.
fn program_steps(
    ctx: &Context,
    inputs: &FillInputs,
    list: &ProgramList,
) -> Result<Vec<Step>, InputError> {
    let file = list
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("debian/{}.rumprun", list.package)));
    let stanza_line = ctx
        .flavours
        .iter()
        .find(|f| f.package == list.package)
        .map_or(1, |f| f.line);
    let at = |line: Option<usize>, message: String, fix: String| match line {
        Some(n) => InputError::at(&file, n, message, fix),
        None => InputError::at(&ctx.control_path, stanza_line, message, fix),
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
    let env = ctx.flavour_env();
    let mut steps = Vec::new();
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
            env: env.clone(),
            cwd: None,
        }));
    }
    steps.extend(overrides_steps(&list.package, program_overrides(&images)));
    let mut programs: Vec<PathBuf> = images.iter().map(|i| i.program.clone()).collect();
    programs.sort();
    programs.dedup();
    let record = baked_record(&list.package);
    if let Some(dir) = record.parent() {
        steps.push(Step::CreateDir(dir.to_path_buf()));
    }
    steps.push(Step::Write {
        path: record,
        contents: programs
            .iter()
            .map(|p| format!("{}\n", p.display()))
            .collect(),
        executable: false,
    });
    steps.push(log_installed(ctx, &list.package, &programs));
    Ok(steps)
}

/// Fills the flavour packages from the staged install.
pub fn fill_plan(ctx: &Context, inputs: &FillInputs) -> Result<Plan, InputError> {
    let mut steps = Vec::new();
    for list in &inputs.programs {
        steps.extend(program_steps(ctx, inputs, list)?);
    }
    for flavour in ctx
        .flavours
        .iter()
        .filter(|f| f.kind == FlavourKind::Library)
    {
        steps.extend(library_steps(ctx, inputs, flavour)?);
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
            pc_prefixes: BTreeMap::new(),
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
        assert!(overrides.1.lines().all(|l| l.starts_with('#')
            || l.starts_with("statically-linked-binary")
            || l == "unknown-field Static-Built-Using"));
        assert_eq!(
            l.last().expect("log"),
            "dh_assistant log-installed-files -phello-rumprun --on-behalf-of-cmd=dh_rumprun_install debian/.debhelper/rumprun/stage/usr/bin/hello"
        );
    }

    #[test]
    fn library_flavours_ship_archives_headers_and_pc_files_only() {
        let staged: BTreeSet<PathBuf> = [
            "usr/x86_64-rumprun-netbsd/lib/libgreet.a",
            "usr/x86_64-rumprun-netbsd/lib/libgreet.la",
            "usr/x86_64-rumprun-netbsd/lib/libgreet.so.1",
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc",
            "usr/x86_64-rumprun-netbsd/include/greet/greet.h",
            "usr/x86_64-rumprun-netbsd/bin/greet-config",
            "usr/x86_64-rumprun-netbsd/share/man/man3/greet.3",
            "usr/lib/libstray.a",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let files: Vec<String> = library_files("x86_64-rumprun-netbsd", &staged)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            files,
            [
                "usr/x86_64-rumprun-netbsd/include/greet/greet.h",
                "usr/x86_64-rumprun-netbsd/lib/libgreet.a",
                "usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc"
            ]
        );
        let mut ctx = test_context(Stage::Install, &[], &[]);
        ctx.flavours[0].package = "libgreet-rumprun-dev".into();
        ctx.flavours[0].kind = FlavourKind::Library;
        let mut inputs = inputs(None, "", &[]);
        inputs.programs.clear();
        inputs.staged = staged;
        inputs.pc_prefixes.insert(
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc".into(),
            Some("/usr/x86_64-rumprun-netbsd".into()),
        );
        let l: Vec<String> = fill_plan(&ctx, &inputs)
            .expect("plan")
            .steps
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            l[1],
            "cd debian/.debhelper/rumprun/stage && cp -a --parents -t /build/hello/debian/libgreet-rumprun-dev usr/x86_64-rumprun-netbsd/include/greet/greet.h usr/x86_64-rumprun-netbsd/lib/libgreet.a usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc"
        );
        inputs.pc_prefixes.insert(
            "usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc".into(),
            Some("/usr".into()),
        );
        let e = fill_plan(&ctx, &inputs).expect_err("wrong prefix");
        assert!(
            e.to_string().contains(
                "greet.pc: the pkg-config file says prefix=/usr, not /usr/x86_64-rumprun-netbsd"
            ),
            "{e}"
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
