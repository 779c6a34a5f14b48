//! `dh_rumprun_configure`: configures the rumprun flavour after
//! `dh_auto_configure` configured the native build.

use super::Context;
use crate::flavour::cross_files::{cmake_toolchain_file, meson_cross_file, pkg_config_wrapper};
use crate::flavour::layout::{
    FLAVOUR_DIR, LAYOUT_FILE, Layout, Tree, WhichBuildSystem, bin_dir, build_dir, copy_dir,
    copy_excludes, flavour_prefix,
};
use crate::flavour::link_trace::{TRACE_DIR, compiler_wrapper, trace_link_script};
use crate::flavour::toolchain::{Probe, probe};
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Command, Plan, Step};
use std::path::{Path, PathBuf};

/// The manual of `dh_rumprun_configure`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_configure",
    summary: "configure the rumprun flavour of a package",
    synopsis: "[debhelper options] [-- build system options]",
    description: "dh_rumprun_configure configures the rumprun unikernel flavour of the source package \
        with the build system dh would choose (or the one given with --buildsystem), in the \
        flavour's own directory debian/.debhelper/rumprun/: out of tree in build/ when debhelper \
        builds that build system out of tree (CMake, Meson), otherwise in source/, a copy of the \
        source tree without debian/, cleaned with dh_auto_clean (autotools, plain Makefiles).\n\n\
        It runs dh_auto_configure with the flavour's clean cross environment: the rumprun \
        triplet's tools in CC, CXX, AR, RANLIB, NM, STRIP and PKG_CONFIG (for autotools also \
        CC, CXX and AR as configure arguments), -O2 -g (-O0 under \
        noopt), -ffile-prefix-map and -idirafter the compiler's own header directory (the \
        intrinsics headers the toolchain's -nostdinc hides) plus RUMPRUN_CFLAGS and \
        RUMPRUN_LDFLAGS, none of the host's \
        build flags, -I/usr/TRIPLET/include and -L/usr/TRIPLET/lib, PKG_CONFIG_LIBDIR on \
        /usr/TRIPLET/lib/pkgconfig, and a TRIPLET-pkg-config \
        wrapper (answering --static) and the compiler wrappers that record each link's inputs \
        for dh_rumprun_substvars first on PATH. Autotools get --host=TRIPLET --disable-shared --enable-static; \
        CMake a toolchain file that includes the toolchain's own (or is written whole) and \
        -DBUILD_SHARED_LIBS=OFF; Meson a generated cross file, --default-library=static and \
        --wrap-mode=nodownload. Every flavour is configured with the prefix /usr/TRIPLET (and \
        its lib and include directories), programs and libraries alike; a plain Makefile gets \
        it on the make command line from dh_rumprun_build and dh_rumprun_install.\n\n\
        It acts on the flavour packages debhelper selects: binary packages whose name ends in \
        -rumprun (programs) or -rumprun-dev (libraries), or that say X-Rumprun-Flavour: program \
        or library.\n\n\
        Arguments after -- are passed to the build system after the flavour's own, as with \
        dh_auto_configure; use override_dh_rumprun_configure in debian/rules to add them.",
    options: &[],
    notes: "The rumprun toolchain is found in $RUMPRUN_TOOLCHAIN/bin or on PATH.",
};

/// The link tracer's name in the flavour's `bin/`.
pub const TRACER: &str = "rumprun-trace-link";

/// What configuring needs to know beyond the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// debhelper's build system for the package.
    pub which: WhichBuildSystem,
    /// What the toolchain's compiler says about itself.
    pub probe: Probe,
    /// The entries of the source directory a copy takes, sorted.
    pub top_entries: Vec<String>,
    /// The toolchain's C compiler.
    pub gcc: PathBuf,
    /// The toolchain's C++ compiler, when it has one.
    pub gxx: Option<PathBuf>,
}

impl Inputs {
    /// Asks debhelper and the toolchain, and lists the source directory.
    pub fn read(ctx: &Context) -> Result<Inputs, InputError> {
        let gcc = ctx.require_tool(&format!("{}-gcc", ctx.triplet))?;
        let gxx = ctx.require_tool(&format!("{}-g++", ctx.triplet)).ok();
        let probe = probe(&gcc)?;
        let which = which_build_system(ctx)?;
        let source = source_dir(ctx);
        let excludes = copy_excludes(ctx.opts.builddirectory.as_deref());
        let dir = ctx.root.join(&source);
        let mut top_entries = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            InputError::about(
                &source,
                format!("cannot list: {e}"),
                "check --sourcedirectory",
            )
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !excludes.contains(&name) {
                top_entries.push(name);
            }
        }
        top_entries.sort();
        Ok(Inputs {
            which,
            probe,
            top_entries,
            gcc,
            gxx,
        })
    }
}

/// The package's source directory (`--sourcedirectory`, else `.`).
fn source_dir(ctx: &Context) -> PathBuf {
    PathBuf::from(ctx.opts.sourcedirectory.as_deref().unwrap_or("."))
}

/// `dh_assistant which-build-system configure`, with the build system and
/// source directory given to dh or to the stage.
fn which_build_system(ctx: &Context) -> Result<WhichBuildSystem, InputError> {
    let mut cmd = std::process::Command::new("dh_assistant");
    cmd.args(["which-build-system", "configure"]);
    if let Some(bs) = &ctx.opts.buildsystem {
        cmd.arg(format!("--buildsystem={bs}"));
    }
    if let Some(src) = &ctx.opts.sourcedirectory {
        cmd.arg(format!("--sourcedirectory={src}"));
    }
    cmd.env_remove("DH_OPTIONS")
        .env_remove("DH_INTERNAL_OPTIONS")
        .stdin(std::process::Stdio::null());
    if !ctx.root.as_os_str().is_empty() {
        cmd.current_dir(&ctx.root);
    }
    let what = Path::new("dh_assistant which-build-system");
    let out = cmd.output().map_err(|e| {
        InputError::about(
            what,
            format!("cannot run: {e}"),
            "install debhelper (>= 13.10)",
        )
    })?;
    if !out.status.success() {
        return Err(InputError::about(
            what,
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
            "fix what dh_assistant reports (debhelper's own build system detection, run with the options given to dh or to the stage)",
        ));
    }
    WhichBuildSystem::parse(&String::from_utf8_lossy(&out.stdout))
}

/// The flavour's own arguments for the build system's configure step:
/// the cross settings, static libraries only, and the flavour's prefix
/// `/usr/TRIPLET` with its `lib` and `include` (for programs and libraries
/// alike: one layout, whatever the flavour holds).
fn configure_args(
    ctx: &Context,
    layout: &Layout,
    toolchain_file: &Path,
    cross_files: &[PathBuf],
) -> Vec<String> {
    let prefix = flavour_prefix(ctx.triplet).display().to_string();
    let mut args: Vec<String> = Vec::new();
    match layout.family() {
        "autoconf" => {
            args.push(format!("--host={}", ctx.triplet));
            args.push("--disable-shared".into());
            args.push("--enable-static".into());
            // Also as arguments: autoconf takes them as from the
            // environment, and hand-written configure scripts that ignore
            // the environment (lzlib's) take them only so.
            for tool in ["CC=gcc", "CXX=g++", "AR=ar"] {
                let (var, name) = tool.split_once('=').unwrap_or_default();
                args.push(format!("{var}={}-{name}", ctx.triplet));
            }
            args.push(format!("--prefix={prefix}"));
            args.push(format!("--libdir={prefix}/lib"));
            args.push(format!("--includedir={prefix}/include"));
        }
        "cmake" => {
            args.push(format!(
                "-DCMAKE_TOOLCHAIN_FILE={}",
                toolchain_file.display()
            ));
            args.push("-DBUILD_SHARED_LIBS=OFF".into());
            args.push(format!("-DCMAKE_INSTALL_PREFIX={prefix}"));
            args.push("-DCMAKE_INSTALL_LIBDIR=lib".into());
            args.push("-DCMAKE_INSTALL_INCLUDEDIR=include".into());
        }
        "meson" => {
            for file in cross_files {
                args.push(format!("--cross-file={}", file.display()));
            }
            args.push("--default-library=static".into());
            args.push("--wrap-mode=nodownload".into());
            args.push(format!("--prefix={prefix}"));
            args.push("--libdir=lib".into());
            args.push("--includedir=include".into());
        }
        _ => {}
    }
    args
}

/// Configures the flavour: the flavour's tools and cross files, the copy
/// of the tree when it builds in one, the layout for the later stages,
/// then `dh_auto_configure`.
pub fn plan(ctx: &Context, inputs: &Inputs) -> Result<Plan, InputError> {
    if inputs.which.build_system == "none" {
        let f = &ctx.flavours[0];
        return Err(InputError::at(
            &ctx.control_path,
            f.line,
            format!(
                "debhelper finds no build system for the flavour {}",
                f.package
            ),
            "name one with override_dh_rumprun_configure: dh_rumprun_configure --buildsystem=NAME",
        ));
    }
    let layout = Layout::choose(
        &inputs.which,
        &source_dir(ctx),
        inputs.probe.compiler_include.clone(),
    );
    let flavour_dir = PathBuf::from(FLAVOUR_DIR);
    let abs = |p: &Path| ctx.abs_root.join(p);
    let mut steps = vec![
        Step::RemoveTree(build_dir()),
        Step::RemoveTree(copy_dir()),
        Step::RemoveTree(PathBuf::from(TRACE_DIR)),
        Step::CreateDir(PathBuf::from(TRACE_DIR)),
        Step::CreateDir(bin_dir()),
        Step::Write {
            path: bin_dir().join(format!("{}-pkg-config", ctx.triplet)),
            contents: pkg_config_wrapper(ctx.triplet),
            executable: true,
        },
        Step::Write {
            path: bin_dir().join(TRACER),
            contents: trace_link_script(&abs(Path::new(TRACE_DIR))),
            executable: true,
        },
    ];
    let tracer = abs(&bin_dir().join(TRACER));
    let compilers = [("gcc", Some(&inputs.gcc)), ("g++", inputs.gxx.as_ref())];
    for (tool, real) in compilers {
        if let Some(real) = real {
            let name = format!("{}-{tool}", ctx.triplet);
            steps.push(Step::Write {
                path: bin_dir().join(&name),
                contents: compiler_wrapper(&name, real, &tracer),
                executable: true,
            });
        }
    }
    let cross_file = flavour_dir.join("meson-cross.ini");
    let toolchain_file = flavour_dir.join("toolchain.cmake");
    match layout.family() {
        "meson" => {
            let env = ctx.flavour_env(&layout);
            let words = |k: &str| -> Vec<String> {
                env.iter()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.clone())
                    .map(|v| v.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default()
            };
            steps.push(Step::Write {
                path: cross_file.clone(),
                contents: meson_cross_file(
                    ctx.triplet,
                    inputs.probe.system,
                    &[words("CPPFLAGS"), words("CFLAGS")].concat(),
                    &words("LDFLAGS"),
                ),
                executable: false,
            });
        }
        "cmake" => {
            let sysroot = inputs.probe.sysroot.as_deref();
            let own = sysroot
                .and_then(|s| crate::flavour::toolchain::cmake_toolchain_file(s, ctx.triplet));
            steps.push(Step::Write {
                path: toolchain_file.clone(),
                contents: cmake_toolchain_file(ctx.triplet, own.as_deref(), sysroot, &tracer),
                executable: false,
            });
        }
        _ => {}
    }
    if let Tree::Copy { from } = &layout.tree {
        steps.push(Step::CreateDir(copy_dir()));
        if !inputs.top_entries.is_empty() {
            let mut argv: Vec<String> = ["cp", "-a", "--reflink=auto", "-t"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            argv.push(abs(&copy_dir()).display().to_string());
            argv.extend(inputs.top_entries.iter().cloned());
            steps.push(Step::Run(Command {
                argv,
                env: Vec::new(),
                cwd: (from != Path::new(".")).then(|| from.clone()),
                stdout: None,
            }));
        }
        // The native build may have configured the tree in place: clean the
        // copy as debian/rules clean would clean the tree.
        let mut clean = ctx.dh_auto("dh_auto_clean", &layout, &[], &[]);
        clean.argv.truncate(1 + layout.dh_auto_options().len());
        steps.push(Step::Run(clean));
    }
    steps.push(Step::Write {
        path: PathBuf::from(LAYOUT_FILE),
        contents: layout.to_file(),
        executable: false,
    });
    // The toolchain's own cross file first: Meson takes the later file's
    // value where both set one.
    let cross_files: Vec<PathBuf> = inputs
        .probe
        .sysroot
        .as_deref()
        .and_then(|s| crate::flavour::toolchain::meson_cross_file(s, ctx.triplet))
        .into_iter()
        .chain([abs(&cross_file)])
        .collect();
    let args = configure_args(ctx, &layout, &abs(&toolchain_file), &cross_files);
    steps.push(Step::Run(ctx.dh_auto(
        "dh_auto_configure",
        &layout,
        &[],
        &args,
    )));
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavour::toolchain::Probe;
    use crate::stages::{Stage, test_context};

    fn inputs(build_system: &str, build_directory: Option<&str>) -> Inputs {
        Inputs {
            which: WhichBuildSystem {
                build_system: build_system.into(),
                build_directory: build_directory.map(str::to_string),
            },
            probe: Probe {
                sysroot: None,
                system: "netbsd",
                compiler_include: Some("/usr/lib/gcc/x86_64-linux-gnu/12/include".into()),
            },
            top_entries: vec!["Makefile.am".into(), "configure.ac".into(), "src".into()],
            gcc: PathBuf::from("/usr/bin/x86_64-rumprun-netbsd-gcc"),
            gxx: None,
        }
    }

    fn lines(plan: &Plan) -> Vec<String> {
        plan.steps.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn autotools_configure_in_a_cleaned_copy_for_the_triplet() {
        let ctx = test_context(Stage::Configure, &["-a", "--", "--without-x"], &[]);
        let plan = plan(&ctx, &inputs("autoconf", None)).expect("plan");
        let l = lines(&plan);
        assert_eq!(l[0], "rm -rf debian/.debhelper/rumprun/build");
        assert!(l.contains(&"cp -a --reflink=auto -t /build/hello/debian/.debhelper/rumprun/source Makefile.am configure.ac src".to_string()), "{l:#?}");
        let clean = l
            .iter()
            .position(|s| s.contains("dh_auto_clean"))
            .expect("cleans the copy");
        assert!(l[clean].ends_with("dh_auto_clean --buildsystem=autoconf --sourcedirectory=debian/.debhelper/rumprun/source"), "{}", l[clean]);
        let configure = l.last().expect("configure");
        assert!(configure.ends_with(
            "dh_auto_configure --buildsystem=autoconf --sourcedirectory=debian/.debhelper/rumprun/source -- --host=x86_64-rumprun-netbsd --disable-shared --enable-static CC=x86_64-rumprun-netbsd-gcc CXX=x86_64-rumprun-netbsd-g++ AR=x86_64-rumprun-netbsd-ar --prefix=/usr/x86_64-rumprun-netbsd --libdir=/usr/x86_64-rumprun-netbsd/lib --includedir=/usr/x86_64-rumprun-netbsd/include --without-x"
        ), "{configure}");
        assert!(
            configure.contains("CFLAGS='-O2 -g -ffile-prefix-map=/build/hello=. -idirafter /usr/lib/gcc/x86_64-linux-gnu/12/include'"),
            "{configure}"
        );
        assert!(
            l.contains(
                &"write debian/.debhelper/rumprun/bin/x86_64-rumprun-netbsd-pkg-config (8 lines)"
                    .to_string()
            ),
            "{l:#?}"
        );
    }

    #[test]
    fn cmake_and_meson_build_out_of_tree_with_cross_files() {
        let ctx = test_context(Stage::Configure, &[], &[("DEB_BUILD_OPTIONS", "noopt")]);
        let l = lines(&plan(&ctx, &inputs("cmake", Some("obj-x86_64-linux-gnu"))).expect("plan"));
        assert!(!l.iter().any(|s| s.starts_with("cp ")), "no copy: {l:#?}");
        assert!(
            l.contains(&"write debian/.debhelper/rumprun/toolchain.cmake (15 lines)".to_string()),
            "no toolchain file in the toolchain, so one is written whole: {l:#?}"
        );
        assert!(
            l.contains(
                &"write debian/.debhelper/rumprun/bin/x86_64-rumprun-netbsd-gcc (4 lines)"
                    .to_string()
            ),
            "{l:#?}"
        );
        assert!(
            !l.iter().any(|s| s.contains("x86_64-rumprun-netbsd-g++ (")),
            "no C++ compiler, no wrapper: {l:#?}"
        );
        assert!(l.last().expect("configure").ends_with(
            "dh_auto_configure --buildsystem=cmake --builddirectory=debian/.debhelper/rumprun/build -- -DCMAKE_TOOLCHAIN_FILE=/build/hello/debian/.debhelper/rumprun/toolchain.cmake -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX=/usr/x86_64-rumprun-netbsd -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include"
        ));
        let meson = plan(&ctx, &inputs("meson+ninja", Some("obj-x86_64-linux-gnu"))).expect("plan");
        let cross = meson
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Write { path, contents, .. } if path.ends_with("meson-cross.ini") => {
                    Some(contents.clone())
                }
                _ => None,
            })
            .expect("a cross file");
        assert!(
            cross.contains("c_args = ['-I/usr/x86_64-rumprun-netbsd/include', '-O0', '-g', '-ffile-prefix-map=/build/hello=.', '-idirafter', '/usr/lib/gcc/x86_64-linux-gnu/12/include']"),
            "{cross}"
        );
        assert!(cross.contains("system = 'netbsd'"), "{cross}");
        let configure = lines(&meson).pop().expect("configure");
        assert!(configure.ends_with("-- --cross-file=/build/hello/debian/.debhelper/rumprun/meson-cross.ini --default-library=static --wrap-mode=nodownload --prefix=/usr/x86_64-rumprun-netbsd --libdir=lib --includedir=include"), "{configure}");
        assert!(
            !configure.contains("CC="),
            "Meson reads CC for the build machine: {configure}"
        );
    }

    #[test]
    fn meson_takes_the_toolchains_cross_file_before_the_flavours() {
        let sysroot =
            std::env::temp_dir().join(format!("dh-rumprun-meson-sysroot-{}", std::process::id()));
        let share = sysroot.join("share");
        std::fs::create_dir_all(&share).expect("share");
        let own = share.join("x86_64-rumprun-netbsd-meson.ini");
        std::fs::write(&own, "[properties]\ngl_cv_func_frexp_works = true\n").expect("write");
        let ctx = test_context(Stage::Configure, &[], &[]);
        let mut with_file = inputs("meson+ninja", Some("obj-x86_64-linux-gnu"));
        with_file.probe.sysroot = Some(sysroot.clone());
        let configure = lines(&plan(&ctx, &with_file).expect("plan"))
            .pop()
            .expect("configure");
        assert!(
            configure.ends_with(&format!(
                "-- --cross-file={} --cross-file=/build/hello/debian/.debhelper/rumprun/meson-cross.ini --default-library=static --wrap-mode=nodownload --prefix=/usr/x86_64-rumprun-netbsd --libdir=lib --includedir=include",
                own.display()
            )),
            "{configure}"
        );
        std::fs::remove_file(&own).expect("remove");
        let configure = lines(&plan(&ctx, &with_file).expect("plan"))
            .pop()
            .expect("configure");
        assert!(
            configure.ends_with("-- --cross-file=/build/hello/debian/.debhelper/rumprun/meson-cross.ini --default-library=static --wrap-mode=nodownload --prefix=/usr/x86_64-rumprun-netbsd --libdir=lib --includedir=include"),
            "a sysroot without one adds none: {configure}"
        );
        std::fs::remove_dir_all(&sysroot).expect("clean up");
    }

    #[test]
    fn no_build_system_is_an_error_at_the_flavour_stanza() {
        let ctx = test_context(Stage::Configure, &[], &[]);
        let e = plan(&ctx, &inputs("none", None)).expect_err("nothing to build");
        assert_eq!(
            e.to_string(),
            "debian/control:10: debhelper finds no build system for the flavour hello-rumprun; name one with override_dh_rumprun_configure: dh_rumprun_configure --buildsystem=NAME"
        );
    }
}
