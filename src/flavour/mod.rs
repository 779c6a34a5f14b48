//! The flavour build: which binary stanzas are rumprun flavours and the
//! rumprun target of a Debian host architecture (here), and in the
//! submodules the layout, environment, toolchain, cross files, bake, link
//! traces and Built-Using.

pub mod bake;
pub mod build_env;
pub mod built_using;
pub mod cross_files;
pub mod elf;
pub mod layout;
pub mod link_trace;
pub mod make_dirs;
pub mod pkg_config;
pub mod toolchain;

use crate::debian::arch::ArchTable;
use crate::debian::control::{Control, Package};
use crate::location::InputError;

/// The library flavour of development package `dev`: `libfoo-dev` →
/// `libfoo-rumprun-dev`.
pub fn library_flavour_name(dev: &str) -> String {
    format!("{}-rumprun-dev", dev.strip_suffix("-dev").unwrap_or(dev))
}

/// The development package a library flavour is the flavour of, by the
/// same naming: `libfoo-rumprun-dev` → `libfoo-dev`.
pub fn library_of_flavour(flavour: &str) -> Option<String> {
    flavour
        .strip_suffix("-rumprun-dev")
        .map(|b| format!("{b}-dev"))
}

/// The two kinds of flavour package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlavourKind {
    /// Baked unikernel images of programs (`foo-rumprun`).
    Program,
    /// Static archives, headers and pkg-config files (`libfoo-rumprun-dev`).
    Library,
}

/// A flavour package of the control file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavour {
    /// The binary package name.
    pub package: String,
    /// Program or library.
    pub kind: FlavourKind,
    /// The line of `debian/control` where its stanza starts.
    pub line: usize,
}

/// The explicit field that declares a flavour for any package name.
pub const FLAVOUR_FIELD: &str = "X-Rumprun-Flavour";

/// The kind of `package`: the `X-Rumprun-Flavour` field when present (it wins
/// over the name), else `-rumprun-dev` (library) or `-rumprun` (program)
/// at the end of the name; `None` for a native package.
pub fn flavour_kind(
    control: &Control,
    package: &Package,
) -> Result<Option<FlavourKind>, InputError> {
    if let Some(field) = package.stanza.field(FLAVOUR_FIELD) {
        return match field.value.trim() {
            "program" => Ok(Some(FlavourKind::Program)),
            "library" => Ok(Some(FlavourKind::Library)),
            other => Err(InputError::at(
                &control.path,
                field.line,
                format!("{FLAVOUR_FIELD}: \"{other}\" is neither program nor library"),
                format!("write \"{FLAVOUR_FIELD}: program\" or \"{FLAVOUR_FIELD}: library\""),
            )),
        };
    }
    Ok(if package.name.ends_with("-rumprun-dev") {
        Some(FlavourKind::Library)
    } else if package.name.ends_with("-rumprun") {
        Some(FlavourKind::Program)
    } else {
        None
    })
}

/// Every flavour stanza of `control`, in file order, checked: a flavour must
/// be architecture-specific and name only architectures dpkg knows.
/// `arch_table` is loaded only when a flavour names something other than `any`.
pub fn flavours(control: &Control, dpkg_datadir: Option<&str>) -> Result<Vec<Flavour>, InputError> {
    let mut table: Option<ArchTable> = None;
    let mut found = Vec::new();
    for p in &control.packages {
        let Some(kind) = flavour_kind(control, p)? else {
            continue;
        };
        let line = p
            .stanza
            .field("Architecture")
            .map_or(p.stanza.line, |f| f.line);
        let fix = "make it architecture-specific, e.g. \"Architecture: any\" or \"Architecture: amd64 i386\"";
        if p.architecture.is_empty() {
            return Err(InputError::at(
                &control.path,
                line,
                format!("flavour package {} has no Architecture field", p.name),
                fix,
            ));
        }
        for a in p.architecture.split_whitespace().filter(|a| *a != "any") {
            if a == "all" {
                return Err(InputError::at(
                    &control.path,
                    line,
                    format!(
                        "flavour package {} is Architecture: all, but a rumprun build is architecture-specific",
                        p.name
                    ),
                    fix,
                ));
            }
            if table.is_none() {
                table = Some(ArchTable::load_system(dpkg_datadir)?);
            }
            if !table.as_ref().is_some_and(|t| t.is_known(a)) {
                return Err(InputError::at(
                    &control.path,
                    line,
                    format!("flavour package {}: unknown architecture \"{a}\"", p.name),
                    "use Debian architecture names or wildcards (see dpkg-architecture -L), e.g. amd64, i386, armhf, linux-any",
                ));
            }
        }
        found.push(Flavour {
            package: p.name.clone(),
            kind,
            line: p.stanza.line,
        });
    }
    Ok(found)
}

/// The rumprun toolchain triplet for a Debian host architecture.
pub fn triplet(host_arch: &str) -> Option<&'static str> {
    Some(match host_arch {
        "amd64" => "x86_64-rumprun-netbsd",
        "i386" => "i486-rumprun-netbsdelf",
        "armhf" => "arm-rumprun-netbsdelf-eabihf",
        "armel" => "arm-rumprun-netbsdelf-eabi",
        "arm64" => "aarch64-rumprun-netbsd",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn control(text: &str) -> Control {
        Control::parse(Path::new("debian/control"), text).expect("valid control")
    }

    #[test]
    fn names_and_field_decide() {
        let c = control(
            "Source: s\n\nPackage: a-rumprun\nArchitecture: any\n\nPackage: liba-rumprun-dev\nArchitecture: amd64\n\n\
             Package: qemu-stubdom\nArchitecture: any\nX-Rumprun-Flavour: program\n\n\
             Package: b-rumprun\nArchitecture: any\nX-Rumprun-Flavour: library\n\nPackage: native\nArchitecture: any\n",
        );
        let kinds: Vec<(String, FlavourKind)> = flavours(&c, None)
            .expect("ok")
            .into_iter()
            .map(|f| (f.package, f.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("a-rumprun".into(), FlavourKind::Program),
                ("liba-rumprun-dev".into(), FlavourKind::Library),
                ("qemu-stubdom".into(), FlavourKind::Program),
                ("b-rumprun".into(), FlavourKind::Library),
            ]
        );
    }

    #[test]
    fn bad_flavour_stanzas() {
        for (text, line) in [
            ("Source: s\n\nPackage: a-rumprun\nArchitecture: amd46\n", 4),
            ("Source: s\n\nPackage: a-rumprun\nArchitecture: all\n", 4),
            ("Source: s\n\nPackage: a-rumprun\n", 3),
            (
                "Source: s\n\nPackage: ab\nArchitecture: any\nX-Rumprun-Flavour: yes\n",
                5,
            ),
        ] {
            let err = flavours(&control(text), None).expect_err(text);
            assert_eq!(err.line, Some(line), "{err}");
        }
    }

    #[test]
    fn triplets() {
        assert_eq!(triplet("amd64"), Some("x86_64-rumprun-netbsd"));
        assert_eq!(triplet("armhf"), Some("arm-rumprun-netbsdelf-eabihf"));
        assert_eq!(triplet("s390x"), None);
    }
}
