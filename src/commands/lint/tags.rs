//! The tags `dh_rumprun lint` emits, as data: name, severity and
//! explanation, as lintian keeps its tags (`/usr/share/lintian/tags/`).

use serde::Serialize;

/// How serious a tag is, in lintian's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// `I:`: worth knowing.
    Info,
    /// `W:`: probably wrong.
    Warning,
    /// `E:`: wrong; the flavour will not build or will be broken.
    Error,
}

impl Severity {
    /// lintian's one-letter code.
    pub fn code(self) -> char {
        match self {
            Severity::Info => 'I',
            Severity::Warning => 'W',
            Severity::Error => 'E',
        }
    }

    /// Parses `error`, `warning` or `info` (for `--fail-on`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// One tag's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The tag's name: lowercase, hyphenated, subject then problem.
    pub name: &'static str,
    /// Which checks emit it, as lintian's `Check:`: `source` (a source
    /// tree), `deb` (a built flavour package), `overrides`, or `chain`
    /// (`dh_rumprun chain`, about a library of the chain).
    pub check: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Why it matters and what to do.
    pub explanation: &'static str,
}

/// Every tag.
pub const TAGS: &[Tag] = &[
    Tag {
        name: "flavour-missing-static-built-using",
        check: "source",
        severity: Severity::Error,
        explanation: "A rumprun flavour package links everything statically, so it must say which sources it was built from: add \"Static-Built-Using: ${rumprun:Static-Built-Using}\" (and \"Built-Using: ${rumprun:Built-Using}\") to its stanza; dh_rumprun_substvars fills them from the linker's trace.",
    },
    Tag {
        name: "bake-program-path-from-install-root",
        check: "source",
        severity: Severity::Error,
        explanation: "A line of debian/PKG.rumprun names its program as a path from the root of the staged install (usr/bin/hello), as dh-rumprun before 0.2 took it. Every flavour installs under its prefix /usr/TRIPLET, and program paths are relative to that prefix, the same for every architecture: write bin/hello. dh_rumprun_install stops on such a line.",
    },
    Tag {
        name: "flavour-architecture-all",
        check: "source",
        severity: Severity::Error,
        explanation: "A rumprun flavour is cross-compiled for one target per architecture and cannot be Architecture: all. List the architectures rumprun has a triplet for (amd64 i386 armhf armel arm64).",
    },
    Tag {
        name: "flavour-unsupported-architecture",
        check: "source",
        severity: Severity::Error,
        explanation: "The flavour lists an architecture (or a wildcard matching architectures) rumprun has no triplet for, so its build fails there. Rumprun targets amd64 (x86_64-rumprun-netbsd), i386 (i486-rumprun-netbsdelf), armhf, armel and arm64; list only those.",
    },
    Tag {
        name: "flavour-architecture-without-upstream-platform",
        check: "source",
        severity: Severity::Info,
        explanation: "arm64 has a rumprun triplet (aarch64-rumprun-netbsd) only in a fork of rumprun; upstream rumprun has no aarch64 platform. Build the flavour there only if the toolchain you build-depend on supports it.",
    },
    Tag {
        name: "missing-rumprun-addon-build-depends",
        check: "source",
        severity: Severity::Error,
        explanation: "The package has a rumprun flavour but does not build-depend on dh-sequence-rumprun, so dh never runs the stages that build it. Add \"dh-sequence-rumprun <!pkg.SRC.norumprun>\" to Build-Depends (\"dh-rumprun <!pkg.SRC.norumprun>\" where debian/rules runs the stages itself, without dh).",
    },
    Tag {
        name: "missing-rumprun-toolchain-build-depends",
        check: "source",
        severity: Severity::Error,
        explanation: "The package has a rumprun flavour but does not build-depend on the rumprun toolchain, so buildds will not install it. Add \"rumprun-toolchain [ARCHES] <!pkg.SRC.norumprun>\" (or the toolchain package you use) to Build-Depends.",
    },
    Tag {
        name: "rumprun-build-depends-without-profile",
        check: "source",
        severity: Severity::Warning,
        explanation: "The rumprun add-on and toolchain build-dependencies should carry the restriction <!pkg.SRC.norumprun>, so that building with that profile needs neither, as the flavour stanza's Build-Profiles promise.",
    },
    Tag {
        name: "library-flavour-without-rumprun-depends",
        check: "source",
        severity: Severity::Warning,
        explanation: "A library flavour's pkg-config files require other modules and link other archives (vorbis.pc requires ogg), so a program linking it with pkg-config --static needs their flavours installed too, as libvorbis-dev depends on libogg-dev; without them a build in a clean chroot, which installs only the build-dependencies, fails. Write \"Depends: ${rumprun:Depends}, ${misc:Depends}\" in its stanza: dh_rumprun_substvars fills the variable with the packages that ship them.",
    },
    Tag {
        name: "flavour-without-build-profiles",
        check: "source",
        severity: Severity::Warning,
        explanation: "The flavour stanza has no \"Build-Profiles: <!pkg.SRC.norumprun>\", so there is no way to build the native packages alone (for bootstrapping, or where the toolchain is missing).",
    },
    Tag {
        name: "shared-library-switch-in-flavour",
        check: "source",
        severity: Severity::Error,
        explanation: "A switch asking for shared libraries reaches the flavour's build (an override_dh_rumprun_* command or RUMPRUN_CFLAGS/RUMPRUN_LDFLAGS). Rumprun has no shared libraries: the link fails. Remove it from the flavour's arguments.",
    },
    Tag {
        name: "pie-in-flavour",
        check: "source",
        severity: Severity::Error,
        explanation: "-pie or hardening=+pie reaches the flavour's build. A rumprun program is linked as a relocatable object and baked into a static, non-PIE image: drop it from the flavour's flags.",
    },
    Tag {
        name: "host-path-in-flavour-flags",
        check: "source",
        severity: Severity::Error,
        explanation: "The flavour's flags name the host's headers or libraries (-I/usr/include, -L/usr/lib/<multiarch>) or set PKG_CONFIG_PATH: the flavour must only see /usr/<triplet>/, where -rumprun-dev packages install. Remove it; dh-rumprun sets the triplet's paths itself.",
    },
    Tag {
        name: "rules-without-dh",
        check: "source",
        severity: Severity::Error,
        explanation: "debian/rules does not run dh and does not call the rumprun stages itself, so the flavour is never built. Convert the rules to dh, or call dh_rumprun_configure, _build and _test after the native build, _install and _substvars after the native install and before dh_gencontrol, and _clean in clean: dh_rumprun add-flavour appends rules that do so from the standard targets.",
    },
    Tag {
        name: "generated-control-file",
        check: "source",
        severity: Severity::Info,
        explanation: "debian/control is generated (from debian/control.in or control-in, or it says so); add the flavour to the file it is generated from as well, or your change is lost when it is regenerated. dh_rumprun add-flavour edits the template and debian/control together.",
    },
    Tag {
        name: "unsupported-process-call",
        check: "source",
        severity: Severity::Info,
        explanation: "The source calls a function that makes or replaces processes (fork, vfork, execve and friends, posix_spawn, system, popen). A rumprun unikernel has one process: these return ENOTSUP or fail. Check that the flavour does not rely on them.",
    },
    Tag {
        name: "unsupported-dynamic-loading",
        check: "source",
        severity: Severity::Info,
        explanation: "The source loads code at run time (dlopen, -ldl). A rumprun unikernel has no dynamic loader: plugins must be linked in.",
    },
    Tag {
        name: "shared-object-in-flavour",
        check: "deb",
        severity: Severity::Error,
        explanation: "A rumprun flavour package ships a shared object (.so). Rumprun has no dynamic linker: flavours hold static archives (libraries) or baked images (programs) only. Build the flavour with shared libraries disabled.",
    },
    Tag {
        name: "libtool-archive-in-flavour",
        check: "deb",
        severity: Severity::Error,
        explanation: "A rumprun flavour package ships a libtool archive (.la). Static consumers find the libraries through pkg-config (Libs.private); .la files only pull in host paths. Leave it out.",
    },
    Tag {
        name: "dynamic-elf-in-flavour",
        check: "deb",
        severity: Severity::Error,
        explanation: "A rumprun flavour package ships a dynamically linked ELF file or a shared object (ET_DYN, or with an interpreter or dynamic section). Nothing in a unikernel can load it: the flavour was probably built with the host's compiler.",
    },
    Tag {
        name: "unbaked-program-in-flavour",
        check: "deb",
        severity: Severity::Error,
        explanation: "A program flavour ships a linked but unbaked rumprun program (an ELF relocatable carrying .note.rumprun.bakerecipe). It cannot boot: bake it with rumprun-bake, which dh_rumprun_install does for the programs debian/PKG.rumprun lists.",
    },
    Tag {
        name: "missing-image-for-listed-program",
        check: "deb",
        severity: Severity::Error,
        explanation: "debian/PKG.rumprun lists a program and config whose image is not in the built package: the bake or the install of that image went wrong.",
    },
    Tag {
        name: "empty-static-built-using",
        check: "deb",
        severity: Severity::Error,
        explanation: "A program flavour ships baked images, which always link static archives (at least the C library), but has no Static-Built-Using: the field is missing from its stanza, or dh_rumprun_substvars did not run before dh_gencontrol.",
    },
    Tag {
        name: "library-flavour-file-outside-triplet",
        check: "deb",
        severity: Severity::Error,
        explanation: "A library flavour ships a file outside /usr/<triplet>/ (besides its copyright, changelog and lintian overrides): it would clash with the native -dev package or leak host files. Library flavours hold the triplet's archives, headers and pkg-config files only.",
    },
    Tag {
        name: "library-without-static-archive",
        check: "chain",
        severity: Severity::Error,
        explanation: "The library's development package ships a shared library but no static archive (.a): its Debian build turns static libraries off. A rumprun flavour links only static archives, so the library's flavour must build one: give its flavour build the switch that enables static libraries (--enable-static, -DBUILD_SHARED_LIBS=OFF, -Ddefault_library=static), which dh_rumprun_configure does for debhelper's build systems, and check that the source builds that way.",
    },
    Tag {
        name: "library-architecture-excludes-flavour",
        check: "chain",
        severity: Severity::Error,
        explanation: "The library's source builds its development package only for architectures (Package-List in apt's source lists) that leave out the system a rumprun flavour runs on, which dpkg calls netbsd-CPU: Rumprun's libc and kernel interfaces are NetBSD's. linux-any means the library needs Linux interfaces. Leave it out of the flavour's build (configure it without the feature), or port it. A library's own dependency on such a package is left out of the chain instead, and said: the library's build is expected to do without it off Linux.",
    },
    Tag {
        name: "library-contents-unknown",
        check: "chain",
        severity: Severity::Info,
        explanation: "The library's development package is not installed, so dpkg cannot tell its files: whether it ships a static archive, which pkg-config modules it requires and whether its archives call fork or dlopen. Install it (apt-get install PKG, or the target's build dependencies with apt-get build-dep) and ask again.",
    },
    Tag {
        name: "source-not-available",
        check: "chain",
        severity: Severity::Error,
        explanation: "apt's source lists know no source package of this name, so apt-get source cannot fetch it and its flavour cannot be built from Debian's source. Add a deb-src entry for the release (a file under /etc/apt/sources.list.d/ with Types: deb-src) and run apt-get update, or get the source elsewhere.",
    },
    Tag {
        name: "dependency-cycle",
        check: "chain",
        severity: Severity::Error,
        explanation: "The sources named depend on each other through their development packages, so no order builds each after the ones it needs. Break the cycle: build one of them first with a build profile that drops the dependency (as for bootstrapping), or leave the dependency out of its flavour.",
    },
    Tag {
        name: "library-unknown",
        check: "chain",
        severity: Severity::Error,
        explanation: "Neither apt nor dpkg knows a package of this name (or a package providing it), so its source and flavour cannot be found. Check the name in the build dependencies or --links, and run apt-get update.",
    },
    Tag {
        name: "unused-override",
        check: "overrides",
        severity: Severity::Info,
        explanation: "An override in debian/source/rumprun-lint-overrides or debian/PKG.rumprun-lint-overrides matched no tag: remove it, or fix its tag or context.",
    },
];

/// The record of tag `name`.
pub fn tag(name: &str) -> Option<&'static Tag> {
    TAGS.iter().find(|t| t.name == name)
}

/// `--explain TAG`, as `lintian-explain-tags` prints it.
pub fn explain(t: &Tag) -> String {
    let mut out = format!("N: {}\nN:\n", t.name);
    let mut line = String::new();
    for word in t.explanation.split_whitespace() {
        if line.len() + word.len() + 1 > 72 {
            out.push_str(&format!("N:   {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("N:   {line}\n"));
    }
    let severity = match t.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    out.push_str(&format!(
        "N:\nN:   Severity: {severity}\nN:\nN:   Check: {}\nN:\n",
        t.check
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_named_as_lintian_names_them() {
        for t in TAGS {
            assert!(
                t.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                t.name
            );
            assert!(t.explanation.len() > 40, "{}", t.name);
        }
        let mut names: Vec<&str> = TAGS.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TAGS.len(), "a tag is listed twice");
        let e = explain(tag("pie-in-flavour").expect("tag"));
        assert!(e.starts_with("N: pie-in-flavour\nN:\nN:   -pie"), "{e}");
        assert!(e.contains("N:   Severity: error\n"));
    }
}
