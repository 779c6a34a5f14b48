//! Helpers shared by the integration tests: fixture copies in a temporary
//! directory, running `dh` in them, and reading its `--no-act` listing.
//!
//! No extra crates: only `std`.

#![allow(dead_code)] // each test crate uses its own subset

pub mod debs;
pub mod toolchain;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository's root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/NAME` in the repository.
pub fn fixture_dir(name: &str) -> PathBuf {
    repo_root().join("fixtures").join(name)
}

/// A directory under `std::env::temp_dir()` that is removed when dropped.
pub struct TempTree {
    path: PathBuf,
}

impl TempTree {
    /// Creates a new, empty, uniquely named directory.
    pub fn new(label: &str) -> TempTree {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!(
            "dh-rumprun-test-{}-{}-{}",
            label,
            std::process::id(),
            n
        ));
        if path.exists() {
            fs::remove_dir_all(&path)
                .unwrap_or_else(|e| panic!("removing stale {}: {e}", path.display()));
        }
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        TempTree { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Copies `src` into `dst` recursively (files keep their permissions, so
/// `debian/rules` stays executable).
pub fn copy_tree(src: &Path, dst: &Path) -> io::Result<()> {
    fs::create_dir_all(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&from, &to)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from)?, &to)?;
        } else {
            fs::copy(&from, &to)?;
        }
    }
    Ok(())
}

/// A private copy of `fixtures/NAME`, removed when dropped.
pub fn copy_fixture(name: &str) -> TempTree {
    let tree = TempTree::new(name);
    let src = fixture_dir(name);
    copy_tree(&src, tree.path()).unwrap_or_else(|e| {
        panic!(
            "copying {} to {}: {e}",
            src.display(),
            tree.path().display()
        )
    });
    tree
}

/// A `PERL5LIB` directory holding this tree's `debhelper/rumprun.pm` as
/// `Debian/Debhelper/Sequence/rumprun.pm`, so `dh` loads the add-on from the
/// source tree instead of from an installed package.
pub fn addon_lib_from_tree() -> TempTree {
    let tree = TempTree::new("perl5lib");
    let seq_dir = tree.path().join("Debian/Debhelper/Sequence");
    fs::create_dir_all(&seq_dir).unwrap_or_else(|e| panic!("creating {}: {e}", seq_dir.display()));
    let src = repo_root().join("debhelper/rumprun.pm");
    fs::copy(&src, seq_dir.join("rumprun.pm"))
        .unwrap_or_else(|e| panic!("copying {}: {e}", src.display()));
    tree
}

/// Runs `dh ARGS` in `dir` with a clean environment (PATH and HOME kept,
/// every debhelper and dpkg variable dropped) plus `extra_env`.
/// Panics, with dh's output, unless dh succeeds.
pub fn run_dh<S: AsRef<OsStr>>(dir: &Path, args: &[S], extra_env: &[(&str, &OsStr)]) -> Output {
    let output = dh_command(dir, args, extra_env)
        .output()
        .unwrap_or_else(|e| panic!("running dh (is debhelper installed?): {e}"));
    if !output.status.success() {
        panic!(
            "dh {:?} failed in {} ({}):\n--- stdout\n{}--- stderr\n{}",
            args.iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect::<Vec<_>>(),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// The `dh ARGS` command, not yet run (see `run_dh`).
pub fn dh_command<S: AsRef<OsStr>>(
    dir: &Path,
    args: &[S],
    extra_env: &[(&str, &OsStr)],
) -> Command {
    let mut cmd = Command::new("dh");
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("LC_ALL", "C");
    for var in ["PATH", "HOME"] {
        if let Some(value) = std::env::var_os(var) {
            cmd.env(var, value);
        }
    }
    for (key, value) in extra_env {
        cmd.env(key, value);
    }
    cmd
}

/// The steps of a `dh SEQUENCE --no-act` listing, one per line, with dh's
/// options (`-a`, `-i`, `-N...`, `-O...`) dropped: `dh_rumprun_configure -a`
/// becomes `dh_rumprun_configure`; `debian/rules override_dh_foo` stays.
pub fn steps(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            line.split_whitespace()
                .filter(|word| !word.starts_with('-'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|step| !step.is_empty())
        .collect()
}

/// The raw lines of a `--no-act` listing, trimmed (options kept).
pub fn raw_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

/// The one position of `step` in `steps`; panics if it is missing or repeated.
pub fn position_of(steps: &[String], step: &str) -> usize {
    let found: Vec<usize> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.as_str() == step)
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [i] => *i,
        [] => panic!("{step:?} is not in the sequence:\n{}", steps.join("\n")),
        _ => panic!(
            "{step:?} appears {} times in the sequence:\n{}",
            found.len(),
            steps.join("\n")
        ),
    }
}

/// Asserts that `later` comes right after `earlier`, each exactly once.
pub fn assert_immediately_after(steps: &[String], earlier: &str, later: &str) {
    let e = position_of(steps, earlier);
    let l = position_of(steps, later);
    assert_eq!(
        l,
        e + 1,
        "{later:?} should come right after {earlier:?}; the sequence is:\n{}",
        steps.join("\n")
    );
}

/// Asserts that `step` is not in the sequence.
pub fn assert_absent(steps: &[String], step: &str) {
    assert!(
        !steps.iter().any(|s| s == step),
        "{step:?} should not be in the sequence:\n{}",
        steps.join("\n")
    );
}

/// One case of a golden test: a directory of `fixtures/NAME/`.
pub struct GoldenCase {
    /// The directory.
    pub dir: PathBuf,
    /// Its name (the directory's).
    pub name: String,
}

impl GoldenCase {
    /// The command-line words of its `args` file.
    pub fn args(&self) -> Vec<String> {
        fs::read_to_string(self.dir.join("args"))
            .unwrap_or_else(|e| panic!("{}/args: {e}", self.dir.display()))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    /// The exit status its `status` file expects.
    pub fn status(&self) -> i32 {
        fs::read_to_string(self.dir.join("status"))
            .unwrap_or_else(|e| panic!("{}/status: {e}", self.dir.display()))
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{}/status: {e}", self.dir.display()))
    }
}

/// The cases of `fixtures/NAME/`, sorted (golden tests).
pub fn case_dirs(name: &str) -> Vec<GoldenCase> {
    let root = fixture_dir(name);
    let mut cases: Vec<GoldenCase> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|dir| GoldenCase {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.dir.cmp(&b.dir));
    cases
}

/// The six stage commands in `bin_dir`, as symlinks to the built
/// multi-call binary (as the package installs them).
pub fn link_stages(bin_dir: &Path) {
    fs::create_dir_all(bin_dir).unwrap_or_else(|e| panic!("creating {}: {e}", bin_dir.display()));
    for stage in [
        "configure",
        "build",
        "test",
        "install",
        "substvars",
        "clean",
    ] {
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_dh_rumprun"),
            bin_dir.join(format!("dh_rumprun_{stage}")),
        )
        .expect("symlink");
    }
}

/// Every entry of a tree, relative path to mode and content (a directory
/// has no content, a link its target and mode 0), for comparing a tree
/// before and after a command.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("ls").flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).expect("inside").to_path_buf();
            let meta = fs::symlink_metadata(&path).expect("stat");
            if meta.is_dir() {
                out.insert(rel, (meta.permissions().mode(), Vec::new()));
                stack.push(path);
            } else if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("readlink");
                out.insert(rel, (0, target.to_string_lossy().as_bytes().to_vec()));
            } else {
                out.insert(
                    rel,
                    (meta.permissions().mode(), fs::read(&path).expect("read")),
                );
            }
        }
    }
    out
}

/// The command `program ARGS` in `dir` with the environment of a package
/// build: `LC_ALL=C.UTF-8`, none of the caller's build profiles, build
/// options, debhelper verbosity, toolchain directory or make flags, then
/// `env`.
pub fn package_build_command(
    program: &str,
    args: &[&str],
    dir: &Path,
    env: &[(&str, &str)],
) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).env("LC_ALL", "C.UTF-8");
    for var in [
        "DEB_BUILD_PROFILES",
        "DEB_BUILD_OPTIONS",
        "DH_VERBOSE",
        "RUMPRUN_TOOLCHAIN",
        "MAKEFLAGS",
        "MAKELEVEL",
        "MFLAGS",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs `cmd`, panicking with the command and the tails of its output
/// unless it succeeds.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        debs::tail(&String::from_utf8_lossy(&out.stdout), 40),
        debs::tail(&String::from_utf8_lossy(&out.stderr), 40)
    );
    out
}
