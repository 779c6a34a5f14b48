//! The library half of `dh_rumprun_install`: which staged files a library
//! flavour ships (under `usr/TRIPLET/`), their check, and their lintian
//! overrides.

use super::{Context, FillInputs, log_installed, overrides_steps};
use crate::flavour::Flavour;
use crate::flavour::layout::{flavour_prefix, stage_dir};
use crate::flavour::pkg_config::check_flavour_pc;
use crate::location::InputError;
use crate::plan::{Command, Step};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The lintian overrides of a library flavour: its files live in the
/// triplet's own tree, `/usr/TRIPLET/`, as a cross toolchain's do.
pub fn library_overrides(triplet: &str, files: &[PathBuf]) -> String {
    let why = format!(
        "# Static libraries for the rumprun cross target live in its own tree, /usr/{triplet}/, as for Debian's other cross toolchains.\n"
    );
    let mut text = format!("{why}non-standard-dir-in-usr [usr/{triplet}/]\n");
    for f in files {
        text.push_str(&why);
        text.push_str(&format!("file-in-unusual-dir [{}]\n", f.display()));
    }
    text
}

/// Which files of the staged install a library flavour ships: under
/// `usr/TRIPLET/`, the static archives of `lib/`, everything under
/// `include/` and under an `include` directory of `lib/` (the
/// architecture's own headers some libraries install there, GLib's
/// `lib/glib-2.0/include/glibconfig.h`, which their `.pc` file's `Cflags`
/// name), and the pkg-config files; never shared objects, libtool
/// archives, programs or documentation.
pub fn library_files(triplet: &str, staged: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let root = Path::new("usr").join(triplet);
    staged
        .iter()
        .filter(|p| {
            let Ok(rel) = p.strip_prefix(&root) else {
                return false;
            };
            let name = rel
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let dir = rel.parent().unwrap_or(Path::new(""));
            rel.starts_with("include")
                || (rel.starts_with("lib") && dir.components().any(|c| c.as_os_str() == "include"))
                || (dir == Path::new("lib") && name.ends_with(".a"))
                || ((dir == Path::new("lib/pkgconfig") || dir == Path::new("share/pkgconfig"))
                    && name.ends_with(".pc"))
        })
        .cloned()
        .collect()
}

/// Copies a library flavour's files into its package.
pub(super) fn library_steps(
    ctx: &Context,
    inputs: &FillInputs,
    flavour: &Flavour,
) -> Result<Vec<Step>, InputError> {
    let files = library_files(ctx.triplet, &inputs.staged);
    if !files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "a"))
    {
        return Err(InputError::at(
            &ctx.control_path,
            flavour.line,
            format!(
                "library flavour {} has no static archive: the staged install has nothing in usr/{}/lib/*.a",
                flavour.package, ctx.triplet
            ),
            "check that the build makes a static library and installs it under the flavour's prefix (the flavour configures with --prefix=/usr/TRIPLET, or prefix= and PREFIX= for a plain Makefile, and static libraries enabled)",
        ));
    }
    let prefix = flavour_prefix(ctx.triplet);
    for (pc, text) in &inputs.pc_files {
        check_flavour_pc(&stage_dir().join(pc), pc, text, &prefix, &ctx.abs_root)?;
    }
    let pkg_dir = ctx.abs_root.join(format!("debian/{}", flavour.package));
    let mut argv: Vec<String> = ["cp", "-a", "--parents", "-t"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    argv.push(pkg_dir.display().to_string());
    argv.extend(files.iter().map(|f| f.display().to_string()));
    let mut steps = vec![
        Step::CreateDir(PathBuf::from(format!("debian/{}", flavour.package))),
        Step::Run(Command {
            argv,
            env: Vec::new(),
            cwd: Some(stage_dir()),
            stdout: None,
        }),
    ];
    steps.extend(overrides_steps(
        &flavour.package,
        library_overrides(ctx.triplet, &files),
    ));
    steps.push(log_installed(ctx, &flavour.package, &files));
    Ok(steps)
}
