//! The executor: the only code that acts on a [`Plan`]. It runs commands,
//! writes files atomically (temporary file, then rename) and removes trees.

use crate::plan::{Command, Plan, Step};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

/// Runs every step of `plan` in order, stopping at the first failure.
/// A plan with a file step outside `debian/` ([`Plan::escaping_path`]) is
/// refused whole, before any step runs.
pub fn execute(plan: &Plan) -> Result<()> {
    if let Some(path) = plan.escaping_path() {
        bail!(
            "refusing to act on {}: outside debian/ (a bug in dh-rumprun; please report it)",
            path.display()
        );
    }
    for step in &plan.steps {
        match step {
            Step::Run(c) => run(c)?,
            Step::Write {
                path,
                contents,
                executable,
            } => write_atomically(path, contents.as_bytes(), *executable)?,
            Step::CreateDir(p) => std::fs::create_dir_all(p)
                .with_context(|| format!("cannot create directory {}", p.display()))?,
            Step::AppendLine { path, line } => {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("cannot open {} for appending", path.display()))?;
                writeln!(f, "{line}")
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Step::RemoveTree(p) => match std::fs::remove_dir_all(p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove {}", p.display()));
                }
                _ => {}
            },
        }
    }
    Ok(())
}

fn run(c: &Command) -> Result<()> {
    let Some((program, args)) = c.argv.split_first() else {
        bail!("empty command in plan");
    };
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    for (k, v) in &c.env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    if let Some(cwd) = &c.cwd {
        cmd.current_dir(cwd);
    }
    if let Some(out) = &c.stdout {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out)
            .with_context(|| format!("cannot open {} for appending", out.display()))?;
        cmd.stdout(file);
    }
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!(
            "{c} returned exit code {}",
            status.code().map_or("(signal)".into(), |c| c.to_string())
        );
    }
    Ok(())
}

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so that `path` is either old or new, never half.
/// The file gets mode 0755 when `executable`, else 0644.
pub fn write_atomically(path: &Path, contents: &[u8], executable: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.dh-rumprun.{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        let mode = if executable { 0o755 } else { 0o644 };
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
