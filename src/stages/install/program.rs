//! The program half of `dh_rumprun_install`: which programs a program
//! flavour bakes (its `debian/PKG.rumprun`, or every program the flavour
//! linked under its prefix), the traced bakes into its package, and its
//! lintian overrides.

use super::{Context, FillInputs, ProgramList, baked_record, log_installed, overrides_steps};
use crate::flavour::bake::{self, DEFAULT_PROGRAM_DIRS, Image};
use crate::flavour::elf::Elf;
use crate::flavour::layout::{flavour_prefix, stage_dir, staged_prefix};
use crate::flavour::link_trace::{TRACE_DIR, bake_trace_file, trace_header};
use crate::location::InputError;
use crate::plan::{Command, Step};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Whether `path` is a program the flavour linked, not yet baked: a
/// regular file (not a link to another) that is an ELF relocatable
/// carrying the bake recipe. Scripts, links and anything else installed
/// beside the programs are not.
pub(super) fn is_rumprun_program(path: &Path) -> bool {
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    regular
        && std::fs::read(path).is_ok_and(|bytes| {
            crate::flavour::elf::classify(&bytes) == Some(Elf::Relocatable { bake_recipe: true })
        })
}

/// The staged files in [`DEFAULT_PROGRAM_DIRS`] under the flavour's
/// prefix, relative to the prefix (`bin/hello`).
pub(super) fn installed_programs(triplet: &str, staged: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let prefix = staged_prefix(triplet);
    staged
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix).ok())
        .filter(|p| {
            p.parent()
                .is_some_and(|d| DEFAULT_PROGRAM_DIRS.iter().any(|x| d == Path::new(x)))
        })
        .map(Path::to_path_buf)
        .collect()
}

/// The lintian overrides of a program flavour: its images are static
/// executables by design, with the libraries they link inside them, and
/// it carries `Static-Built-Using`, which lintian 2.116 (Debian 12) does
/// not know yet.
pub fn program_overrides(images: &[Image]) -> String {
    let mut text = String::from(
        "# Static-Built-Using is a deb-control(5) field since dpkg 1.21.3; lintian 2.116 predates it.\n\
         unknown-field Static-Built-Using\n",
    );
    for i in images {
        text.push_str(&format!(
            "# A rumprun unikernel image is one static executable by design (program, C library and rump kernel).\n\
             statically-linked-binary [{dest}]\n\
             # The libraries it links are inside it by design too; Static-Built-Using names their sources.\n\
             embedded-library * [{dest}]\n",
            dest = i.dest.display()
        ));
    }
    text
}

/// Bakes a program flavour's images into its package.
pub(super) fn program_steps(
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
        let outside = installed_outside_prefix(ctx.triplet, &inputs.staged);
        return Err(at(
            None,
            format!(
                "flavour {} has no program to bake: debian/{}.rumprun lists none and the flavour links no program in bin or sbin under its prefix {}",
                list.package,
                list.package,
                flavour_prefix(ctx.triplet).display()
            ),
            if outside.is_empty() {
                format!(
                    "list the programs in debian/{}.rumprun: PROGRAM CONFIG",
                    list.package
                )
            } else {
                format!(
                    "the build installed {} outside the prefix: make it honour the prefix (prefix=, PREFIX= or --prefix)",
                    outside.join(", ")
                )
            },
        ));
    }
    let images = bake::images(&file, &list.lines)?;
    let pkg_dir = PathBuf::from(format!("debian/{}", list.package));
    let env = ctx.flavour_env(&inputs.layout);
    let mut steps = vec![Step::CreateDir(PathBuf::from(TRACE_DIR))];
    let mut programs: Vec<PathBuf> = Vec::new();
    let mut bakes = 0;
    for image in &images {
        if !inputs.configs.contains(&image.config) {
            return Err(at(
                image.line,
                format!("rumprun-bake has no config \"{}\"", image.config),
                format!("use one of: {}", inputs.configs.join(", ")),
            ));
        }
        let staged = staged_prefix(ctx.triplet).join(&image.program);
        if !inputs.staged.contains(&staged) {
            let (message, fix) = not_installed(ctx.triplet, &image.program, &inputs.staged);
            return Err(at(image.line, message, fix));
        }
        let dest = pkg_dir.join(&image.dest);
        if let Some(parent) = dest.parent() {
            steps.push(Step::CreateDir(parent.to_path_buf()));
        }
        // The bake's final link adds the C library and the rump kernel
        // components: -Wl,-t,-t on it (rumprun-bake's own -m hook) traces
        // what it reads, into a trace file like the compiler wrappers' own.
        bakes += 1;
        let trace = bake_trace_file(&list.package, bakes);
        steps.push(Step::Write {
            path: trace.clone(),
            contents: trace_header(&ctx.abs_root, &ctx.abs_root.join(&dest)),
            executable: false,
        });
        steps.push(Step::Run(Command {
            argv: vec![
                inputs.bake_tool.display().to_string(),
                "-m".into(),
                "add -Wl,-t,-t".into(),
                image.config.clone(),
                dest.display().to_string(),
                stage_dir().join(&staged).display().to_string(),
            ],
            env: env.clone(),
            cwd: None,
            stdout: Some(trace),
        }));
        programs.push(staged);
    }
    steps.extend(overrides_steps(&list.package, program_overrides(&images)));
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

/// Why `program` (relative to the flavour's prefix) cannot be baked: it is
/// not among the `staged` files. The message and fix name what to write:
/// the prefix-relative path of a program written as a staged path (the
/// form before dh-rumprun 0.2), or the programs the flavour installs.
fn not_installed(triplet: &str, program: &Path, staged: &BTreeSet<PathBuf>) -> (String, String) {
    let prefix = flavour_prefix(triplet);
    let message = format!(
        "{} is not a file the flavour installs under its prefix {}",
        program.display(),
        prefix.display()
    );
    // usr/bin/hello: a path in the staged install, as dh-rumprun 0.1 took.
    let old_form = program
        .strip_prefix("usr")
        .ok()
        .filter(|rest| staged.contains(&staged_prefix(triplet).join(rest)));
    if let Some(rest) = old_form {
        return (
            format!("{message} (program paths are relative to the prefix since dh-rumprun 0.2)"),
            format!("write {}", rest.display()),
        );
    }
    let installed = installed_programs(triplet, staged);
    if !installed.is_empty() {
        let names: Vec<String> = installed.iter().map(|p| p.display().to_string()).collect();
        return (
            message,
            format!("the flavour installs: {}", names.join(", ")),
        );
    }
    let outside = installed_outside_prefix(triplet, staged);
    let fix = if outside.is_empty() {
        "give the program's path as the flavour installs it under its prefix, e.g. bin/NAME"
            .to_string()
    } else {
        format!(
            "the build installed {} outside the prefix: make it honour the prefix (prefix=, PREFIX= or --prefix)",
            outside.join(", ")
        )
    };
    (message, fix)
}

/// The staged files in a `bin` or `sbin` directory outside the flavour's
/// prefix: programs of a build that did not honour it.
fn installed_outside_prefix(triplet: &str, staged: &BTreeSet<PathBuf>) -> Vec<String> {
    staged
        .iter()
        .filter(|p| {
            p.parent()
                .is_some_and(|d| d.ends_with("bin") || d.ends_with("sbin"))
                && !p.starts_with(staged_prefix(triplet))
        })
        .map(|p| p.display().to_string())
        .collect()
}
