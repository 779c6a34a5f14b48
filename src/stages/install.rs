//! `dh_rumprun_install`: installs the rumprun flavour after
//! `dh_auto_install`, then fills the flavour packages from the staged
//! install: program flavours get their programs baked into unikernel
//! images, nothing else.

mod library;
mod program;

use super::Context;
use crate::flavour::FlavourKind;
use crate::flavour::bake::{self, BakeLine};
use crate::flavour::layout::{Layout, stage_dir, staged_prefix};
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Command, Plan, Step};
use library::{library_files, library_steps};
use program::{installed_programs, is_rumprun_program, program_steps};
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
        Every flavour is configured with the prefix /usr/TRIPLET, the triplet's own tree.\n\n\
        A program flavour gets its programs baked with rumprun-bake into unikernel images. \
        debian/PKG.rumprun (optional) lists them, one per line: PROGRAM CONFIG[,CONFIG...] \
        [DEST], where PROGRAM is a path relative to the flavour's prefix /usr/TRIPLET \
        (bin/hello: the same for every architecture) and CONFIG a rumprun-bake config \
        (hw_virtio, xen_pv, ...; rumprun-bake list shows them); # starts a comment. Without \
        DEST each image goes to usr/lib/rumprun/CONFIG/NAME; with one config, DEST is the \
        image's path; with several, a directory holding CONFIG/NAME (DEST is relative to the \
        package's root). Without the file, every program the flavour links and installs in bin \
        and sbin under its prefix (an ELF relocatable carrying the bake recipe; not a link to \
        another, not a script) is baked for hw_virtio. Paths that leave the prefix or the \
        package are errors. Before dh-rumprun 0.2, PROGRAM was a path in the staged install \
        (usr/bin/hello); such a line is an error that names the path to write instead.\n\n\
        Each bake runs as rumprun-bake -m 'add -Wl,-t,-t' CONFIG IMAGE PROGRAM, its output \
        (the linker's trace of the final link, which adds the C library and the rump kernel \
        components) kept for dh_rumprun_substvars.\n\n\
        The images are static executables by design, with the libraries they link inside \
        them, so the package gets lintian overrides for statically-linked-binary and \
        embedded-library (lintian finds libm or zlib in an image) on exactly those files, \
        with a comment saying why, and one for unknown-field Static-Built-Using, a field \
        lintian 2.116 does not know yet.\n\n\
        A library flavour gets, from usr/TRIPLET/ of the staged install, the static archives \
        of lib/, the headers under include/ and the pkg-config files, never shared objects, \
        libtool archives, programs or documentation. Every path a pkg-config file resolves to \
        (its libdir and includedir, and the directories and files of Cflags, Libs and \
        Libs.private, after variable expansion) must lie under /usr/TRIPLET: a host path or a \
        path of the build tree is an error naming the file and line. Its lintian overrides \
        cover non-standard-dir-in-usr and file-in-unusual-dir for exactly those files.\n\n\
        Every staged file that went into a package is logged for dh_missing.",
    options: &[],
    notes: "If the package has its own debian/PKG.lintian-overrides, dh_lintian installs that \
        file instead of the generated one: copy the generated lines into it.",
};

/// Where `dh_rumprun_install` records the staged programs it baked for a
/// program flavour (one path per line, relative to the staged install),
/// for `dh_rumprun_substvars`.
pub fn baked_record(package: &str) -> PathBuf {
    Path::new(crate::flavour::layout::FLAVOUR_DIR)
        .join("baked")
        .join(package)
}

/// Installs the flavour into its staging directory; `directories` as for
/// [`super::build::make_variables`].
pub fn stage_plan(ctx: &Context, layout: &Layout, directories: &BTreeSet<&str>) -> Plan {
    let destdir = format!("--destdir={}", stage_dir().display());
    let vars = super::build::make_variables(ctx, layout, directories);
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
    /// The text of each pkg-config file a library flavour ships, by staged
    /// path.
    pub pc_files: BTreeMap<PathBuf, String>,
    /// The layout `dh_rumprun_configure` recorded (the bakes run in the
    /// flavour's environment).
    pub layout: Layout,
}

impl FillInputs {
    /// Reads the bake lists, lists the staged install and asks
    /// `rumprun-bake` for its configs.
    pub fn read(ctx: &Context) -> Result<FillInputs, InputError> {
        let layout = ctx.read_layout()?;
        let stage = ctx.root.join(stage_dir());
        let staged = staged_files(&stage);
        let mut pc_files = BTreeMap::new();
        if ctx.flavours.iter().any(|f| f.kind == FlavourKind::Library) {
            for p in library_files(ctx.triplet, &staged) {
                if p.extension().is_some_and(|e| e == "pc") {
                    let text = std::fs::read_to_string(stage.join(&p)).map_err(|e| {
                        InputError::about(
                            &stage_dir().join(&p),
                            format!("cannot read: {e}"),
                            "make the build install a readable text file",
                        )
                    })?;
                    pc_files.insert(p, text);
                }
            }
        }
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
                pc_files,
                layout,
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
                    let prefix = stage.join(staged_prefix(ctx.triplet));
                    let programs: Vec<PathBuf> = installed_programs(ctx.triplet, &staged)
                        .into_iter()
                        .filter(|p| is_rumprun_program(&prefix.join(p)))
                        .collect();
                    (None, bake::default_lines(&programs))
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
            pc_files,
            layout,
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
        stdout: None,
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

    const PREFIX: &str = "usr/x86_64-rumprun-netbsd";

    /// The staged paths of `files`, given relative to the flavour's prefix
    /// when they do not start with `usr/`.
    fn staged(files: &[&str]) -> BTreeSet<PathBuf> {
        files
            .iter()
            .map(|f| {
                if f.starts_with("usr/") {
                    PathBuf::from(f)
                } else {
                    Path::new(PREFIX).join(f)
                }
            })
            .collect()
    }

    fn inputs(file: Option<&str>, text: &str, files: &[&str]) -> FillInputs {
        let staged = staged(files);
        let lines = match file {
            Some(f) => bake::parse(Path::new(f), text).expect("valid"),
            None => bake::default_lines(&installed_programs("x86_64-rumprun-netbsd", &staged)),
        };
        FillInputs {
            programs: vec![ProgramList {
                package: "hello-rumprun".into(),
                file: file.map(PathBuf::from),
                lines,
            }],
            staged,
            bake_tool: PathBuf::from("/usr/bin/rumprun-bake"),
            configs: vec!["hw_generic".into(), "hw_virtio".into(), "xen_pv".into()],
            pc_files: BTreeMap::new(),
            layout: Layout {
                build_system: "autoconf".into(),
                tree: crate::flavour::layout::Tree::Copy { from: ".".into() },
                compiler_include: None,
            },
        }
    }

    #[test]
    fn bakes_each_program_for_each_config_traced_and_nothing_else() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let plan = fill_plan(
            &ctx,
            &inputs(
                Some("debian/hello-rumprun.rumprun"),
                "bin/hello hw_virtio,xen_pv\n",
                &["bin/hello", "share/man/man1/hello.1"],
            ),
        )
        .expect("plan");
        let l: Vec<String> = plan.steps.iter().map(|s| s.to_string()).collect();
        let bakes: Vec<&String> = l.iter().filter(|s| s.contains("rumprun-bake")).collect();
        assert_eq!(bakes.len(), 2, "{l:#?}");
        assert!(bakes[0].ends_with("/usr/bin/rumprun-bake -m 'add -Wl,-t,-t' hw_virtio debian/hello-rumprun/usr/lib/rumprun/hw_virtio/hello debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/bin/hello >> debian/.debhelper/rumprun/trace/bake.hello-rumprun.1"), "{}", bakes[0]);
        assert!(
            bakes[1].contains(" xen_pv debian/hello-rumprun/usr/lib/rumprun/xen_pv/hello "),
            "{}",
            bakes[1]
        );
        let header = plan
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Write { path, contents, .. } if path.ends_with("bake.hello-rumprun.2") => {
                    Some(contents.clone())
                }
                _ => None,
            })
            .expect("the second bake's trace header");
        assert_eq!(
            header,
            "# cwd /build/hello\n# output /build/hello/debian/hello-rumprun/usr/lib/rumprun/xen_pv/hello\n"
        );
        assert!(
            !l.iter().any(|s| s.contains("hello.1")),
            "the man page stays out: {l:#?}"
        );
        let overrides = plan
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Write { path, contents, .. } if path.starts_with("debian/hello-rumprun") => {
                    Some((path.clone(), contents.clone()))
                }
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
        assert_eq!(
            overrides
                .1
                .lines()
                .filter(|l| l.starts_with("embedded-library * [usr/lib/rumprun/"))
                .count(),
            2
        );
        assert!(overrides.1.lines().all(|l| l.starts_with('#')
            || l.starts_with("statically-linked-binary")
            || l.starts_with("embedded-library")
            || l == "unknown-field Static-Built-Using"));
        assert!(
            l.contains(&"write debian/.debhelper/rumprun/baked/hello-rumprun (1 line)".to_string()),
            "{l:#?}"
        );
        assert_eq!(
            l.last().expect("log"),
            "dh_assistant log-installed-files -phello-rumprun --on-behalf-of-cmd=dh_rumprun_install debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/bin/hello"
        );
        assert_eq!(plan.escaping_path(), None);
    }

    #[test]
    fn library_flavours_ship_archives_headers_and_pc_files_only() {
        let staged = staged(&[
            "lib/libgreet.a",
            "lib/libgreet.la",
            "lib/libgreet.so.1",
            "lib/pkgconfig/greet.pc",
            "include/greet/greet.h",
            "lib/greet-1.0/include/greetconfig.h",
            "lib/greet-1.0/greet.conf",
            "bin/greet-config",
            "share/man/man3/greet.3",
            "usr/lib/libstray.a",
        ]);
        let files: Vec<String> = library_files("x86_64-rumprun-netbsd", &staged)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            files,
            [
                "usr/x86_64-rumprun-netbsd/include/greet/greet.h",
                "usr/x86_64-rumprun-netbsd/lib/greet-1.0/include/greetconfig.h",
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
        let pc = PathBuf::from("usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc");
        inputs.pc_files.insert(
            pc.clone(),
            "prefix=/usr/x86_64-rumprun-netbsd\nlibdir=${prefix}/lib\nLibs: -L${libdir} -lgreet\n"
                .into(),
        );
        let l: Vec<String> = fill_plan(&ctx, &inputs)
            .expect("plan")
            .steps
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            l[1],
            "cd debian/.debhelper/rumprun/stage && cp -a --parents -t /build/hello/debian/libgreet-rumprun-dev usr/x86_64-rumprun-netbsd/include/greet/greet.h usr/x86_64-rumprun-netbsd/lib/greet-1.0/include/greetconfig.h usr/x86_64-rumprun-netbsd/lib/libgreet.a usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc"
        );
        // No prefix line, as CMake's configure_file writes them: fine.
        inputs.pc_files.insert(
            pc.clone(),
            "libdir=/usr/x86_64-rumprun-netbsd/lib\nLibs: -L${libdir} -lgreet\n".into(),
        );
        fill_plan(&ctx, &inputs).expect("a .pc without prefix=");
        inputs.pc_files.insert(
            pc,
            "prefix=/usr/x86_64-rumprun-netbsd\nincludedir=/usr/include\n".into(),
        );
        let e = fill_plan(&ctx, &inputs).expect_err("a host path");
        assert_eq!(
            e.to_string().split("; ").next().expect("message"),
            "debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/lib/pkgconfig/greet.pc:2: includedir gives /usr/include, a host path, not under /usr/x86_64-rumprun-netbsd"
        );
    }

    #[test]
    fn default_bakes_the_programs_under_the_prefix_for_hw_virtio() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let files = ["bin/a", "sbin/b", "libexec/c", "usr/bin/outside"];
        let plan = fill_plan(&ctx, &inputs(None, "", &files)).expect("plan");
        let bakes: Vec<String> = plan
            .steps
            .iter()
            .map(|s| s.to_string())
            .filter(|s| s.contains("rumprun-bake"))
            .collect();
        assert_eq!(bakes.len(), 2, "{bakes:#?}");
        assert!(bakes[1].contains(
            " hw_virtio debian/hello-rumprun/usr/lib/rumprun/hw_virtio/b debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/sbin/b "
        ));
        let e = fill_plan(&ctx, &inputs(None, "", &[])).expect_err("nothing to bake");
        assert!(
            e.to_string()
                .starts_with("debian/control:10: flavour hello-rumprun has no program to bake"),
            "{e}"
        );
        let e = fill_plan(&ctx, &inputs(None, "", &["usr/bin/jshon"])).expect_err("outside");
        assert!(
            e.to_string().ends_with(
                "; the build installed usr/bin/jshon outside the prefix: make it honour the prefix (prefix=, PREFIX= or --prefix)"
            ),
            "{e}"
        );
    }

    #[test]
    fn unknown_configs_and_programs_name_their_line_and_the_path_to_write() {
        let ctx = test_context(Stage::Install, &[], &[]);
        let f = Some("debian/hello-rumprun.rumprun");
        let e = fill_plan(
            &ctx,
            &inputs(f, "# c\nbin/hello hw_virtoi\n", &["bin/hello"]),
        )
        .expect_err("typo");
        assert_eq!(
            e.to_string(),
            "debian/hello-rumprun.rumprun:2: rumprun-bake has no config \"hw_virtoi\"; use one of: hw_generic, hw_virtio, xen_pv"
        );
        let e = fill_plan(&ctx, &inputs(f, "bin/hola hw_virtio\n", &["bin/hello"]))
            .expect_err("not installed");
        assert_eq!(
            e.to_string(),
            "debian/hello-rumprun.rumprun:1: bin/hola is not a file the flavour installs under its prefix /usr/x86_64-rumprun-netbsd; the flavour installs: bin/hello"
        );
        // A .rumprun file of dh-rumprun 0.1: a path in the staged install.
        let e = fill_plan(
            &ctx,
            &inputs(f, "\nusr/bin/hello hw_virtio\n", &["bin/hello"]),
        )
        .expect_err("old form");
        assert_eq!(
            e.to_string(),
            "debian/hello-rumprun.rumprun:2: usr/bin/hello is not a file the flavour installs under its prefix /usr/x86_64-rumprun-netbsd (program paths are relative to the prefix since dh-rumprun 0.2); write bin/hello"
        );
        // A Makefile that ignores the prefix.
        let e = fill_plan(
            &ctx,
            &inputs(f, "bin/hello hw_virtio\n", &["usr/bin/hello"]),
        )
        .expect_err("outside the prefix");
        assert!(
            e.to_string().ends_with(
                "; the build installed usr/bin/hello outside the prefix: make it honour the prefix (prefix=, PREFIX= or --prefix)"
            ),
            "{e}"
        );
    }
}
