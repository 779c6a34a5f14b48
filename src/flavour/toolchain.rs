//! Finding the rumprun toolchain and asking it what it is: where its tools
//! are (`$RUMPRUN_TOOLCHAIN/bin`, then `PATH`), its sysroot, its CMake
//! toolchain file and the system its compiler presents (for Meson).
//!
//! The search itself is pure ([`search_dirs`], [`find_in`] given a
//! predicate); [`probe`] is the one place that runs the compiler.

use crate::env::Env;
use crate::location::InputError;
use std::path::{Path, PathBuf};

/// The directories searched for the toolchain's tools, in order:
/// `$RUMPRUN_TOOLCHAIN/bin` when set, then every `PATH` entry.
pub fn search_dirs(env: &Env) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = env.get("RUMPRUN_TOOLCHAIN").filter(|d| !d.is_empty()) {
        dirs.push(Path::new(dir).join("bin"));
    }
    let path = env.get("PATH").unwrap_or("/usr/bin:/bin");
    dirs.extend(path.split(':').filter(|d| !d.is_empty()).map(PathBuf::from));
    dirs
}

/// The first `dir/name` for which `exists` holds.
pub fn find_in(dirs: &[PathBuf], name: &str, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| exists(p))
}

/// Whether `path` is an executable file (following links).
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The error for a tool that is not there: which tool, where it looked and
/// what provides it. `control` and `line` point at the flavour stanza that
/// needs it.
pub fn missing_tool(
    control: &Path,
    line: usize,
    package: &str,
    tool: &str,
    dirs: &[PathBuf],
) -> InputError {
    let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    InputError::at(
        control,
        line,
        format!(
            "flavour {package} needs {tool}, which is in none of {}",
            looked.join(":")
        ),
        "install the rumprun toolchain (Build-Depends: rumprun-toolchain <!pkg.SRC.norumprun>) \
         or set RUMPRUN_TOOLCHAIN to the directory whose bin/ holds it",
    )
}

/// What the toolchain's compiler says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `-print-sysroot`, when it prints an existing directory.
    pub sysroot: Option<PathBuf>,
    /// The Meson `system` the compiler presents: `netbsd` (the real
    /// toolchain, `__NetBSD__`) or `linux` (a stand-in on musl, `__linux__`).
    pub system: &'static str,
    /// The compiler's own header directory (`-print-file-name=include`,
    /// where GCC keeps `emmintrin.h`, `cpuid.h`, ...), when it names one.
    pub compiler_include: Option<PathBuf>,
}

/// The Meson system for a compiler's predefined macros (`gcc -dM -E`).
pub fn system_from_predefines(predefines: &str) -> Option<&'static str> {
    let defined = |name: &str| {
        predefines
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(name))
    };
    if defined("__NetBSD__") {
        Some("netbsd")
    } else if defined("__linux__") {
        Some("linux")
    } else {
        None
    }
}

/// The file `share/NAME` of a rumprun sysroot, if it has one.
fn share_file(sysroot: &Path, name: &str) -> Option<PathBuf> {
    let file = sysroot.join("share").join(name);
    file.is_file().then_some(file)
}

/// The CMake toolchain file a rumprun sysroot carries, if it has one.
pub fn cmake_toolchain_file(sysroot: &Path, triplet: &str) -> Option<PathBuf> {
    share_file(sysroot, &format!("{triplet}-toolchain.cmake"))
}

/// The Meson cross file a rumprun sysroot carries, if it has one: what the
/// toolchain knows of its target that a cross build cannot find out by
/// running a program, as `[properties]` (GLib's `gl_cv_func_frexp_works`,
/// say). The flavour's configure gives it to Meson before its own cross
/// file, whose settings win where both have one.
pub fn meson_cross_file(sysroot: &Path, triplet: &str) -> Option<PathBuf> {
    share_file(sysroot, &format!("{triplet}-meson.ini"))
}

/// Runs `gcc` to learn its sysroot and the system it presents.
pub fn probe(gcc: &Path) -> Result<Probe, InputError> {
    let run = |args: &[&str]| -> Result<String, InputError> {
        let out = std::process::Command::new(gcc)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| {
                InputError::about(
                    gcc,
                    format!("cannot run: {e}"),
                    "check the rumprun toolchain's installation",
                )
            })?;
        if !out.status.success() {
            return Err(InputError::about(
                gcc,
                format!(
                    "{} failed: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                "check the rumprun toolchain's installation",
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let sysroot = run(&["-print-sysroot"])?;
    let sysroot = PathBuf::from(sysroot.trim());
    let predefines = run(&["-dM", "-E", "-x", "c", "/dev/null"])?;
    let system = system_from_predefines(&predefines).ok_or_else(|| {
        InputError::about(
            gcc,
            "the compiler predefines neither __NetBSD__ nor __linux__",
            "use a rumprun toolchain whose compiler presents NetBSD (or the musl stand-in)",
        )
    })?;
    // The wrapper's -nostdinc hides this directory; a compiler that
    // answers with a bare "include" (no such directory) has none to give.
    let include = PathBuf::from(run(&["-print-file-name=include"])?.trim());
    Ok(Probe {
        sysroot: (!sysroot.as_os_str().is_empty() && sysroot.is_dir()).then_some(sysroot),
        system,
        compiler_include: (include.is_absolute() && include.is_dir()).then_some(include),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_the_toolchain_dir_first() {
        let env = Env::from_pairs([("RUMPRUN_TOOLCHAIN", "/opt/rr"), ("PATH", "/usr/bin::/bin")]);
        assert_eq!(
            search_dirs(&env),
            vec![
                PathBuf::from("/opt/rr/bin"),
                "/usr/bin".into(),
                "/bin".into()
            ]
        );
        let dirs = search_dirs(&env);
        let found = find_in(&dirs, "x86_64-rumprun-netbsd-gcc", |p| {
            p.starts_with("/usr/bin")
        });
        assert_eq!(
            found,
            Some(PathBuf::from("/usr/bin/x86_64-rumprun-netbsd-gcc"))
        );
    }

    #[test]
    fn missing_tool_names_tool_places_and_fix() {
        let e = missing_tool(
            Path::new("debian/control"),
            9,
            "hello-rumprun",
            "rumprun-bake",
            &[PathBuf::from("/opt/rr/bin"), "/usr/bin".into()],
        );
        let text = e.to_string();
        assert!(text.starts_with("debian/control:9: flavour hello-rumprun needs rumprun-bake, which is in none of /opt/rr/bin:/usr/bin;"), "{text}");
        assert!(text.contains("RUMPRUN_TOOLCHAIN"), "{text}");
    }

    #[test]
    fn system_follows_the_predefines() {
        assert_eq!(
            system_from_predefines("#define __NetBSD__ 1\n#define __ELF__ 1\n"),
            Some("netbsd")
        );
        assert_eq!(
            system_from_predefines("#define __linux__ 1\n"),
            Some("linux")
        );
        assert_eq!(system_from_predefines("#define __linux_ 1\n"), None);
    }
}
