//! The install directories of a plain Makefile: which variables the
//! flavour sets on the make command line so that the build and its
//! install follow the flavour's prefix, `/usr/TRIPLET`.
//!
//! Plain Makefiles spell their prefix `prefix` (the GNU coding standards)
//! or `PREFIX`, and both are always set: a variable the Makefile does not
//! use changes nothing. Some also take the directories separately and fix
//! them apart from the prefix (`BINDIR = /usr/bin`, or Debian's own
//! `libdir = $(prefix)/lib/$(DEB_HOST_MULTIARCH)`); those are set too, but
//! only where a Makefile of the tree assigns them an install path (an
//! absolute path or one built on the prefix), since a name such as
//! `LIBDIR` may also mean a directory of the source tree. The Makefiles
//! are read with a Makefile parser (makefile-lossless), relaxed as GNU
//! make is.

use makefile_lossless::Makefile;
use std::collections::BTreeSet;
use std::path::Path;

/// The variables that name the prefix itself.
pub const PREFIX_VARIABLES: [&str; 2] = ["prefix", "PREFIX"];

/// Directory variables and where each goes under the prefix.
const DIRECTORY_VARIABLES: [(&str, &str); 11] = [
    ("exec_prefix", ""),
    ("EXEC_PREFIX", ""),
    ("bindir", "bin"),
    ("BINDIR", "bin"),
    ("sbindir", "sbin"),
    ("SBINDIR", "sbin"),
    ("libdir", "lib"),
    ("LIBDIR", "lib"),
    ("includedir", "include"),
    ("INCLUDEDIR", "include"),
    ("INCDIR", "include"),
];

/// Whether a variable's value, as written, is an install path: absolute,
/// or built on a prefix variable.
fn is_install_path(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('/')
        || ["prefix", "PREFIX", "exec_prefix", "EXEC_PREFIX"]
            .iter()
            .any(|p| v.contains(&format!("$({p})")) || v.contains(&format!("${{{p}}}")))
}

/// The directory variables (of [`DIRECTORY_VARIABLES`]) that `makefile`
/// assigns an install path.
pub fn assigned_directories(makefile: &str) -> BTreeSet<&'static str> {
    let (parsed, _errors) = Makefile::from_str_relaxed(makefile);
    let mut found = BTreeSet::new();
    for def in parsed.variable_definitions() {
        let (Some(name), Some(value)) = (def.name(), def.raw_value()) else {
            continue;
        };
        if let Some((known, _)) = DIRECTORY_VARIABLES.iter().find(|(n, _)| *n == name.trim()) {
            if is_install_path(&value) {
                found.insert(*known);
            }
        }
    }
    found
}

/// The make command-line assignments for the flavour's prefix `prefix`:
/// `prefix` and `PREFIX`, then each directory variable in `assigned`
/// (see [`assigned_directories`]) under the prefix.
pub fn directory_arguments(prefix: &Path, assigned: &BTreeSet<&str>) -> Vec<String> {
    let mut out: Vec<String> = PREFIX_VARIABLES
        .iter()
        .map(|v| format!("{v}={}", prefix.display()))
        .collect();
    for (name, sub) in DIRECTORY_VARIABLES {
        if assigned.contains(name) {
            let dir = if sub.is_empty() {
                prefix.to_path_buf()
            } else {
                prefix.join(sub)
            };
            out.push(format!("{name}={}", dir.display()));
        }
    }
    out
}

/// Whether `name` is a Makefile's name: `GNUmakefile`, `makefile`,
/// `Makefile`, or a fragment `*.mk` that Makefiles include.
pub fn is_makefile_name(name: &str) -> bool {
    matches!(name, "GNUmakefile" | "makefile" | "Makefile") || name.ends_with(".mk")
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    #[test]
    fn separate_directories_are_set_only_where_they_are_install_paths() {
        // lz4's lib/Makefile and a Makefile with fixed directories.
        let gnu = assigned_directories(indoc! {"
            PREFIX  ?= /usr/local
            prefix  ?= $(PREFIX)
            EXEC_PREFIX ?= $(prefix)
            exec_prefix ?= $(EXEC_PREFIX)
            libdir  ?= $(exec_prefix)/lib
            LIBDIR  ?= $(libdir)
            includedir ?= $(prefix)/include
            ifeq ($(WINBASED),yes)
            BINDIR ?= $(prefix)/bin
            endif
            all:
            \t$(CC) -o x x.c
        "});
        assert_eq!(
            gnu.into_iter().collect::<Vec<_>>(),
            [
                "BINDIR",
                "EXEC_PREFIX",
                "exec_prefix",
                "includedir",
                "libdir"
            ]
        );
        let fixed =
            assigned_directories("BINDIR = /usr/bin\nLIBDIR = lib\nINCDIR=${PREFIX}/include\n");
        assert_eq!(fixed.into_iter().collect::<Vec<_>>(), ["BINDIR", "INCDIR"]);
        let args = directory_arguments(
            Path::new("/usr/x86_64-rumprun-netbsd"),
            &["BINDIR", "exec_prefix"].into_iter().collect(),
        );
        assert_eq!(
            args,
            [
                "prefix=/usr/x86_64-rumprun-netbsd",
                "PREFIX=/usr/x86_64-rumprun-netbsd",
                "exec_prefix=/usr/x86_64-rumprun-netbsd",
                "BINDIR=/usr/x86_64-rumprun-netbsd/bin",
            ]
        );
    }

    #[test]
    fn makefile_names() {
        for n in ["Makefile", "makefile", "GNUmakefile", "config.mk"] {
            assert!(is_makefile_name(n), "{n}");
        }
        assert!(!is_makefile_name("Makefile.am"));
        assert!(!is_makefile_name("Makefile.in"));
    }
}
