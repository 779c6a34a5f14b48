//! What a stage will do, as a plain value: commands with their environment
//! and working directory, files to write, trees to remove. Stages build a
//! [`Plan`] with pure functions; `--no-act` and `-v` print it; the
//! executor in [`crate::execute`] is the only code that acts on it.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One thing a stage does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Run a command.
    Run(Command),
    /// Write a file whole (atomically: temporary file, then rename).
    Write {
        /// Where.
        path: PathBuf,
        /// The whole new content.
        contents: String,
        /// Whether the file is a program (mode 0755, else 0644).
        executable: bool,
    },
    /// Create a directory and its missing parents.
    CreateDir(PathBuf),
    /// Append a line to a file, creating it (the debhelper log).
    AppendLine {
        /// Where.
        path: PathBuf,
        /// The line, without its newline.
        line: String,
    },
    /// Remove a directory tree if it exists.
    RemoveTree(PathBuf),
}

/// A command to run: argv, changes to the environment, working directory,
/// and where its standard output goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Variables to set (`Some`) or unset (`None`), in order.
    pub env: Vec<(String, Option<String>)>,
    /// The working directory, when not the package's top directory.
    pub cwd: Option<PathBuf>,
    /// A file (relative to the package's top directory) that the command's
    /// standard output is appended to, instead of the stage's own.
    pub stdout: Option<PathBuf>,
}

/// Everything a stage does, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The steps.
    pub steps: Vec<Step>,
}

impl Step {
    /// The path a file step writes, creates or removes (for a command, the
    /// file its output is appended to, if any).
    pub fn path(&self) -> Option<&Path> {
        match self {
            Step::Run(c) => c.stdout.as_deref(),
            Step::Write { path, .. } | Step::AppendLine { path, .. } => Some(path),
            Step::CreateDir(p) | Step::RemoveTree(p) => Some(p),
        }
    }
}

impl Plan {
    /// The first path a file step of the plan would touch outside
    /// `debian/` of the package's top directory (where the stages run):
    /// an absolute path, one not under `debian/`, or one with a `..`
    /// component. Stages keep all they write under `debian/` (the flavour's
    /// build directory is `debian/.debhelper/rumprun`), so `Some` is a bug
    /// the executor refuses to act on.
    pub fn escaping_path(&self) -> Option<&Path> {
        self.steps.iter().filter_map(Step::path).find(|p| {
            let parts: Vec<Component> = p.components().collect();
            parts.len() < 2
                || parts[0] != Component::Normal("debian".as_ref())
                || parts.iter().any(|c| !matches!(c, Component::Normal(_)))
        })
    }
}

/// Quotes `word` for a POSIX shell when it needs quoting.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+,@%^".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

impl fmt::Display for Command {
    /// The command as a shell line, the way debhelper prints what it runs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(cwd) = &self.cwd {
            write!(f, "cd {} && ", shell_quote(&cwd.to_string_lossy()))?;
        }
        let unset: Vec<&str> = self
            .env
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.as_str())
            .collect();
        if !unset.is_empty() {
            write!(f, "env")?;
            for k in &unset {
                write!(f, " -u {k}")?;
            }
            write!(f, " ")?;
        }
        for (k, v) in &self.env {
            if let Some(v) = v {
                write!(f, "{k}={} ", shell_quote(v))?;
            }
        }
        let words: Vec<String> = self.argv.iter().map(|w| shell_quote(w)).collect();
        write!(f, "{}", words.join(" "))?;
        if let Some(out) = &self.stdout {
            write!(f, " >> {}", shell_quote(&out.to_string_lossy()))?;
        }
        Ok(())
    }
}

impl fmt::Display for Step {
    /// The step as a shell line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Run(c) => write!(f, "{c}"),
            Step::Write { path, contents, .. } => {
                let lines = contents.lines().count();
                write!(
                    f,
                    "write {} ({lines} line{})",
                    shell_quote(&path.to_string_lossy()),
                    if lines == 1 { "" } else { "s" }
                )
            }
            Step::AppendLine { path, line } => {
                write!(
                    f,
                    "echo {} >> {}",
                    shell_quote(line),
                    shell_quote(&path.to_string_lossy())
                )
            }
            Step::RemoveTree(p) => write!(f, "rm -rf {}", shell_quote(&p.to_string_lossy())),
            Step::CreateDir(p) => write!(f, "mkdir -p {}", shell_quote(&p.to_string_lossy())),
        }
    }
}

impl fmt::Display for Plan {
    /// One line per step, each indented with a tab as dh prints commands.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            writeln!(f, "\t{step}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_a_shell_line() {
        let c = Command {
            argv: vec![
                "dh_auto_configure".into(),
                "--".into(),
                "--with-x=a b".into(),
            ],
            env: vec![
                ("CC".into(), Some("x86_64-rumprun-netbsd-gcc".into())),
                ("PKG_CONFIG_PATH".into(), None),
            ],
            cwd: Some("debian/.debhelper/rumprun".into()),
            stdout: None,
        };
        assert_eq!(
            c.to_string(),
            "cd debian/.debhelper/rumprun && env -u PKG_CONFIG_PATH CC=x86_64-rumprun-netbsd-gcc dh_auto_configure -- '--with-x=a b'"
        );
        let traced = Command {
            argv: vec!["rumprun-bake".into(), "hw_virtio".into()],
            stdout: Some("debian/.debhelper/rumprun/trace/bake.1".into()),
            ..Command::default()
        };
        assert_eq!(
            traced.to_string(),
            "rumprun-bake hw_virtio >> debian/.debhelper/rumprun/trace/bake.1"
        );
        let plan = Plan {
            steps: vec![Step::RemoveTree("debian/x y".into()), Step::Run(c)],
        };
        assert!(plan.to_string().starts_with("\trm -rf 'debian/x y'\n\tcd "));
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn file_steps_stay_under_debian() {
        let plan = |path: &str| Plan {
            steps: vec![
                Step::Run(Command::default()),
                Step::CreateDir("debian/.debhelper/rumprun/stage".into()),
                Step::RemoveTree(path.into()),
            ],
        };
        assert_eq!(plan("debian/hello-rumprun/usr").escaping_path(), None);
        let output_to = |path: &str| Plan {
            steps: vec![Step::Run(Command {
                stdout: Some(path.into()),
                ..Command::default()
            })],
        };
        assert_eq!(
            output_to("debian/.debhelper/rumprun/trace/x").escaping_path(),
            None
        );
        assert_eq!(
            output_to("/tmp/x").escaping_path(),
            Some(Path::new("/tmp/x")),
            "a command's output file is a file the stage writes"
        );
        for bad in [
            "/etc/passwd",
            "debian",
            "debian/../outside",
            "./debian/x",
            "src/x",
            "",
        ] {
            assert_eq!(
                plan(bad).escaping_path(),
                Some(Path::new(bad)),
                "{bad:?} is outside debian/"
            );
        }
    }
}
