//! What `debian/rules` lines mean to dh-rumprun: whether a command line
//! runs dh, and which build-system switches ask for shared libraries.

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
        || a.starts_with("-dbuild_shared_libs=on")
        || a.starts_with("-dbuild_shared_libs=1")
        || a.starts_with("-dbuild_shared_libs=true")
        || a.starts_with("-dbuild_shared_libs=yes")
        || a.starts_with("-dbuild_static_libs=off")
        || a == "--default-library=shared"
        || a == "--default-library=both"
        || a == "-ddefault_library=shared"
        || a == "-ddefault_library=both"
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
    fn shared_switches() {
        for s in [
            "--enable-shared",
            "--disable-static",
            "-DBUILD_SHARED_LIBS=ON",
            "--default-library=both",
        ] {
            assert!(is_shared_switch(s), "{s}");
        }
        for s in [
            "--enable-static",
            "-DBUILD_SHARED_LIBS=OFF",
            "--with-shared-data",
        ] {
            assert!(!is_shared_switch(s), "{s}");
        }
    }
}
