//! What `debian/rules` lines mean to dh-rumprun: whether a command line
//! runs dh, which build-system switches ask for shared libraries, which set
//! install directories, and which of a `dh_auto_*` command's own options
//! choose the build system.

/// Whether the words of a recipe line run `dh` on the target, as
/// `dh $@` (also written `dh ${@}`, `dh $(@)`, `dh '$@'` or `dh "$@"`).
pub fn runs_dh(words: &[&str]) -> bool {
    words.iter().position(|w| *w == "dh").is_some_and(|i| {
        words
            .get(i + 1)
            .is_some_and(|t| ["$@", "${@}", "$(@)", "'$@'", "\"$@\""].contains(t))
    })
}

/// Switches that ask a build system for shared libraries, which a rumprun
/// flavour cannot have.
pub fn is_shared_switch(arg: &str) -> bool {
    let a = arg.to_ascii_lowercase();
    a == "--enable-shared"
        || a.starts_with("--enable-shared=")
        || a == "--disable-static"
        || a == "--enable-static=no"
        || a.starts_with("-dbuild_shared_libs=on")
        || a.starts_with("-dbuild_shared_libs=1")
        || a.starts_with("-dbuild_shared_libs=true")
        || a.starts_with("-dbuild_shared_libs=yes")
        || a.starts_with("-dbuild_static_libs=off")
        || a.starts_with("-dbuild_static_libs=0")
        || a.starts_with("-dbuild_static_libs=false")
        || a.starts_with("-dbuild_static_libs=no")
        || a == "--default-library=shared"
        || a == "--default-library=both"
        || a == "-ddefault_library=shared"
        || a == "-ddefault_library=both"
}

/// The install-directory options of the build systems dh knows, which the
/// flavour sets itself (its prefix, `/usr/TRIPLET`): autotools' and
/// Meson's `--prefix`, `--exec-prefix`, `--bindir`, `--sbindir`,
/// `--libdir`, `--libexecdir`, `--includedir`, Meson's `-Dprefix=` and
/// friends, CMake's `-DCMAKE_INSTALL_PREFIX=` and `-DCMAKE_INSTALL_*DIR=`
/// for the same directories.
const INSTALL_DIRS: [&str; 7] = [
    "prefix",
    "exec-prefix",
    "bindir",
    "sbindir",
    "libdir",
    "libexecdir",
    "includedir",
];

/// Whether `arg` sets an install directory the flavour sets itself (see
/// [`INSTALL_DIRS`]): `--libdir=...`, `--libdir` (its value the next
/// word), `-Dlibdir=...`, `-DCMAKE_INSTALL_LIBDIR=...`,
/// `-DCMAKE_INSTALL_PREFIX:PATH=...`.
pub fn is_install_dir_switch(arg: &str) -> bool {
    let name = |a: &str| a.split(['=', ':']).next().unwrap_or("").to_string();
    if let Some(rest) = arg.strip_prefix("--") {
        return INSTALL_DIRS.contains(&name(rest).as_str());
    }
    if let Some(rest) = arg.strip_prefix("-DCMAKE_INSTALL_") {
        let n = name(rest).to_ascii_lowercase().replace('_', "-");
        return n == "prefix" || INSTALL_DIRS.contains(&n.as_str());
    }
    if let Some(rest) = arg.strip_prefix("-D") {
        return rest.contains('=') && INSTALL_DIRS.contains(&name(rest).as_str());
    }
    false
}

/// Whether `arg` is host-specific, so that the flavour (a cross build)
/// must not get it: a variable assignment for a tool or the build flags
/// (`CC=$(CC)`, `CFLAGS=...`: the flavour sets them), or a value naming the
/// build's multiarch directory (`$(DEB_HOST_MULTIARCH)`, or
/// `-DLIB_INSTALL_DIR=lib/x86_64-linux-gnu` as a literal `*-linux-gnu*`).
pub fn is_host_specific(arg: &str) -> bool {
    const TOOLS: [&str; 12] = [
        "CC", "CXX", "CPP", "AR", "RANLIB", "NM", "LD", "STRIP", "CFLAGS", "CXXFLAGS", "CPPFLAGS",
        "LDFLAGS",
    ];
    let unquoted = arg.trim_matches(['\'', '"']);
    let assigned = unquoted
        .split_once('=')
        .is_some_and(|(name, _)| TOOLS.contains(&name));
    assigned
        || arg.contains("DEB_HOST_MULTIARCH")
        || arg.contains("DEB_HOST_GNU_TYPE")
        || arg.contains("-linux-gnu")
}

/// The options of a `dh_auto_*` command line (the words before `--`) that
/// choose the build system and its source directory, written in their
/// long form: `-Scmake` or `--buildsystem cmake` as `--buildsystem=cmake`,
/// `-Dsrc` as `--sourcedirectory=src`. The build directory is left out:
/// the flavour has its own.
pub fn build_system_options(words: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied();
        let (long, value, used_next) = match w {
            "-S" | "--buildsystem" => ("buildsystem", next, true),
            "-D" | "--sourcedirectory" | "--sourcedir" => ("sourcedirectory", next, true),
            _ => {
                if let Some(v) = w.strip_prefix("--buildsystem=") {
                    ("buildsystem", Some(v), false)
                } else if let Some(v) = w
                    .strip_prefix("--sourcedirectory=")
                    .or_else(|| w.strip_prefix("--sourcedir="))
                {
                    ("sourcedirectory", Some(v), false)
                } else if let Some(v) = w.strip_prefix("-S").filter(|v| !v.is_empty()) {
                    ("buildsystem", Some(v), false)
                } else if let Some(v) = w.strip_prefix("-D").filter(|v| !v.is_empty()) {
                    ("sourcedirectory", Some(v), false)
                } else {
                    i += 1;
                    continue;
                }
            }
        };
        if let Some(v) = value {
            out.push(format!("--{long}={v}"));
        }
        i += if used_next { 2 } else { 1 };
    }
    out
}

/// Whether a rule's recipe runs dh (a recipe line [`runs_dh`]).
pub fn rule_runs_dh(rule: &makefile_lossless::Rule) -> bool {
    rule.recipe_nodes().any(|recipe| {
        let text = recipe.text();
        let words: Vec<&str> = text.split_whitespace().collect();
        runs_dh(&words)
    })
}

/// Whether a rules file, as makefile-lossless read it, runs dh (a rule
/// [`rule_runs_dh`]).
pub fn rules_run_dh(makefile: &makefile_lossless::Makefile) -> bool {
    makefile.rules().any(|r| rule_runs_dh(&r))
}

/// Whether a rule is one of dh's overrides and hooks: all its targets are
/// `override_*`, `execute_before_*` or `execute_after_*`.
pub fn is_dh_hook(rule: &makefile_lossless::Rule) -> bool {
    rule.targets().all(|t| {
        ["override_", "execute_before_", "execute_after_"]
            .iter()
            .any(|p| t.starts_with(p))
    })
}

/// The `dh_rumprun_*` stages that the recipes of a rules file's rules, as
/// makefile-lossless read it, call by name (a rules file without dh runs
/// them itself), among the rules `which` keeps.
pub fn dh_rumprun_stages_called(
    makefile: &makefile_lossless::Makefile,
    which: impl Fn(&makefile_lossless::Rule) -> bool,
) -> std::collections::BTreeSet<String> {
    makefile
        .rules()
        .filter(|r| which(r))
        .flat_map(|r| r.recipe_nodes().collect::<Vec<_>>())
        .flat_map(|recipe| {
            recipe
                .text()
                .split_whitespace()
                .filter(|w| w.starts_with("dh_rumprun_"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dh_as_rules_files_write_it() {
        for line in [
            "dh $@",
            "dh ${@}",
            "dh $(@)",
            "dh '$@' --with foo",
            "dh \"$@\"",
            "	dh $@ --buildsystem=cmake",
        ] {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(runs_dh(&words), "{line}");
        }
        for line in ["dh_auto_build", "dh binary", "echo dh $@x"] {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(!runs_dh(&words), "{line}");
        }
    }

    #[test]
    fn install_dir_switches() {
        for s in [
            "--prefix=/usr",
            "--includedir=/usr/include/$(DEB_HOST_MULTIARCH)",
            "--libdir=${prefix}/lib/x86_64-linux-gnu",
            "--libdir",
            "-DCMAKE_INSTALL_LIBDIR=lib/$(DEB_HOST_MULTIARCH)",
            "-DCMAKE_INSTALL_PREFIX:PATH=/usr",
            "-Dlibdir=lib",
        ] {
            assert!(is_install_dir_switch(s), "{s}");
        }
        for s in [
            "--datadir=/usr/share",
            "--sysconfdir=/etc",
            "--with-libdir=x",
            "-DMULTIARCH_TUPLE=x86_64-linux-gnu",
            "-DCMAKE_BUILD_TYPE=Release",
            "--enable-static",
        ] {
            assert!(!is_install_dir_switch(s), "{s}");
        }
    }

    #[test]
    fn host_specific_arguments() {
        for s in [
            "'CC=$(CC)'",
            "CFLAGS=-O3",
            "-DMULTIARCH_TUPLE=$(DEB_HOST_MULTIARCH)",
            "-DLIB_INSTALL_DIR=lib/x86_64-linux-gnu",
            "--with-pkg-config-dir=/usr/lib/$(DEB_HOST_MULTIARCH)/pkgconfig",
        ] {
            assert!(is_host_specific(s), "{s}");
        }
        for s in ["--without-x", "-DFOO=1", "--with-cc-opt=x", "LIBS=-lm"] {
            assert!(!is_host_specific(s), "{s}");
        }
    }

    #[test]
    fn build_system_options_in_long_form() {
        let words = [
            "-v",
            "-Scmake",
            "--builddirectory=b",
            "-D",
            "src",
            "-O--parallel",
        ];
        assert_eq!(
            build_system_options(&words),
            ["--buildsystem=cmake", "--sourcedirectory=src"]
        );
        assert_eq!(
            build_system_options(&["--buildsystem", "meson"]),
            ["--buildsystem=meson"]
        );
        assert!(build_system_options(&["-a", "--no-act"]).is_empty());
    }

    #[test]
    fn shared_switches() {
        for s in [
            "--enable-shared",
            "--disable-static",
            "--enable-static=no",
            "-DBUILD_SHARED_LIBS=ON",
            "-DBUILD_STATIC_LIBS=FALSE",
            "--default-library=both",
        ] {
            assert!(is_shared_switch(s), "{s}");
        }
        for s in [
            "--enable-static",
            "--enable-static=yes",
            "-DBUILD_SHARED_LIBS=OFF",
            "--with-shared-data",
        ] {
            assert!(!is_shared_switch(s), "{s}");
        }
    }
}
