//! The checks of a built flavour `.deb`: its files (ELF kinds read with the
//! `object` crate) and its control fields. A package that is not a
//! flavour, or a `-dbgsym`, gets no tag.

use super::Finding;
use crate::flavour::elf::{Elf, classify, is_shared_object_name};
use crate::location::InputError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its path in the package, without the leading `/`.
    pub path: PathBuf,
    /// What ELF it is, if it is one.
    pub elf: Option<Elf>,
}

/// A binary package, as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deb {
    /// Its control fields.
    pub fields: BTreeMap<String, String>,
    /// Its regular files.
    pub files: Vec<File>,
}

impl Deb {
    /// Reads `deb` with `dpkg-deb` (fields, then the files unpacked into a
    /// temporary directory).
    pub fn read(deb: &Path) -> Result<Deb, InputError> {
        let fail =
            |what: String| InputError::about(deb, what, "give a .deb that dpkg-deb can read");
        let out = std::process::Command::new("dpkg-deb")
            .arg("-f")
            .arg(deb)
            .output()
            .map_err(|e| fail(format!("cannot run dpkg-deb: {e}")))?;
        if !out.status.success() {
            return Err(fail(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        let mut fields = BTreeMap::new();
        let mut last: Option<String> = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if line.starts_with(' ') {
                if let Some(k) = &last {
                    fields.entry(k.clone()).and_modify(|v: &mut String| {
                        v.push('\n');
                        v.push_str(line);
                    });
                }
            } else if let Some((k, v)) = line.split_once(':') {
                fields.insert(k.to_string(), v.trim().to_string());
                last = Some(k.to_string());
            }
        }
        let dir = std::env::temp_dir().join(format!(
            "dh-rumprun-lint-{}-{}",
            std::process::id(),
            fields.get("Package").map_or("deb", String::as_str)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let st = std::process::Command::new("dpkg-deb")
            .arg("-x")
            .arg(deb)
            .arg(&dir)
            .status()
            .map_err(|e| fail(format!("cannot run dpkg-deb: {e}")))?;
        if !st.success() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(fail("dpkg-deb -x failed".into()));
        }
        let mut files = Vec::new();
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !e.file_type().is_file() {
                continue;
            }
            let path = e
                .path()
                .strip_prefix(&dir)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let elf = std::fs::read(e.path()).ok().and_then(|b| classify(&b));
            files.push(File { path, elf });
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(Deb { fields, files })
    }
}

/// Whether a package name is a flavour's, and which kind (`true`:
/// library).
fn flavour_kind(name: &str) -> Option<bool> {
    if name.ends_with("-dbgsym") {
        None
    } else if name.ends_with("-rumprun-dev") {
        Some(true)
    } else if name.ends_with("-rumprun") {
        Some(false)
    } else {
        None
    }
}

/// Every finding for a flavour package; `expected_images` are the images
/// `debian/PKG.rumprun` asks for, when the source tree is at hand.
pub fn check(deb: &Deb, expected_images: &[PathBuf]) -> Vec<Finding> {
    let package = deb.fields.get("Package").cloned().unwrap_or_default();
    let Some(library) = flavour_kind(&package) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let doc = PathBuf::from(format!("usr/share/doc/{package}"));
    let overrides = PathBuf::from(format!("usr/share/lintian/overrides/{package}"));
    let mut images = 0;
    for f in &deb.files {
        let p = f.path.display().to_string();
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_shared_object_name(&name) {
            out.push(Finding::new("shared-object-in-flavour", &package, false).context(&p));
        } else if name.ends_with(".la") {
            out.push(Finding::new("libtool-archive-in-flavour", &package, false).context(&p));
        } else {
            match f.elf {
                Some(Elf::Linked { dynamic: true }) => {
                    out.push(Finding::new("dynamic-elf-in-flavour", &package, false).context(&p));
                }
                Some(Elf::Linked { dynamic: false }) => images += 1,
                Some(Elf::Relocatable { bake_recipe: true }) => {
                    out.push(
                        Finding::new("unbaked-program-in-flavour", &package, false).context(&p),
                    );
                }
                _ => {}
            }
        }
        let in_triplet_tree = f
            .path
            .components()
            .nth(1)
            .is_some_and(|c| c.as_os_str().to_string_lossy().contains("-rumprun-"))
            && f.path.starts_with("usr");
        if library && !in_triplet_tree && !f.path.starts_with(&doc) && f.path != overrides {
            out.push(
                Finding::new("library-flavour-file-outside-triplet", &package, false).context(&p),
            );
        }
    }
    for image in expected_images {
        if !deb.files.iter().any(|f| &f.path == image) {
            out.push(
                Finding::new("missing-image-for-listed-program", &package, false)
                    .context(image.display().to_string()),
            );
        }
    }
    let sbu = deb
        .fields
        .get("Static-Built-Using")
        .map_or("", String::as_str);
    if !library && images > 0 && sbu.trim().is_empty() {
        out.push(Finding::new("empty-static-built-using", &package, false));
    }
    out
}

/// The `.deb` files a `.changes` lists (next to it).
pub fn changes_debs(changes: &Path, text: &str) -> Vec<PathBuf> {
    let dir = changes.parent().unwrap_or(Path::new("."));
    let mut in_files = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_files = line.starts_with("Files:");
            continue;
        }
        if in_files {
            if let Some(name) = line.split_whitespace().nth(4) {
                if name.ends_with(".deb") {
                    out.push(dir.join(name));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deb(package: &str, sbu: &str, files: &[(&str, Option<Elf>)]) -> Deb {
        let mut fields = BTreeMap::new();
        fields.insert("Package".to_string(), package.to_string());
        if !sbu.is_empty() {
            fields.insert("Static-Built-Using".to_string(), sbu.to_string());
        }
        Deb {
            fields,
            files: files
                .iter()
                .map(|(p, e)| File {
                    path: PathBuf::from(p),
                    elf: *e,
                })
                .collect(),
        }
    }

    fn tags(found: &[Finding]) -> Vec<String> {
        found.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn program_flavour_checks() {
        let image = Some(Elf::Linked { dynamic: false });
        let good = deb(
            "hello-rumprun",
            "musl (= 1.2.3-1)",
            &[
                ("usr/lib/rumprun/hw_virtio/hello", image),
                ("usr/share/doc/hello-rumprun/copyright", None),
            ],
        );
        assert!(check(&good, &[PathBuf::from("usr/lib/rumprun/hw_virtio/hello")]).is_empty());
        let bad = deb(
            "hello-rumprun",
            "",
            &[
                ("usr/lib/rumprun/hw_virtio/hello", image),
                (
                    "usr/bin/hello",
                    Some(Elf::Relocatable { bake_recipe: true }),
                ),
                ("usr/bin/helper", Some(Elf::Linked { dynamic: true })),
                ("usr/lib/libx.so.1", None),
                ("usr/lib/libx.la", None),
            ],
        );
        assert_eq!(
            tags(&check(
                &bad,
                &[PathBuf::from("usr/lib/rumprun/xen_pv/hello")]
            )),
            [
                "E: hello-rumprun: unbaked-program-in-flavour usr/bin/hello",
                "E: hello-rumprun: dynamic-elf-in-flavour usr/bin/helper",
                "E: hello-rumprun: shared-object-in-flavour usr/lib/libx.so.1",
                "E: hello-rumprun: libtool-archive-in-flavour usr/lib/libx.la",
                "E: hello-rumprun: missing-image-for-listed-program usr/lib/rumprun/xen_pv/hello",
                "E: hello-rumprun: empty-static-built-using",
            ]
        );
        assert!(
            check(
                &deb(
                    "hello-rumprun-dbgsym",
                    "",
                    &[("usr/lib/debug/x.debug", Some(Elf::Linked { dynamic: true }))]
                ),
                &[]
            )
            .is_empty()
        );
        assert!(check(&deb("hello", "", &[("usr/lib/libx.so.1", None)]), &[]).is_empty());
    }

    #[test]
    fn library_flavour_checks() {
        let good = deb(
            "libgreet-rumprun-dev",
            "",
            &[
                ("usr/x86_64-rumprun-netbsd/lib/libgreet.a", None),
                ("usr/share/doc/libgreet-rumprun-dev/copyright", None),
                ("usr/share/lintian/overrides/libgreet-rumprun-dev", None),
            ],
        );
        assert!(check(&good, &[]).is_empty());
        let bad = deb(
            "libgreet-rumprun-dev",
            "",
            &[
                ("usr/include/greet.h", None),
                ("usr/share/man/man3/greet.3.gz", None),
            ],
        );
        assert_eq!(
            tags(&check(&bad, &[])),
            [
                "E: libgreet-rumprun-dev: library-flavour-file-outside-triplet usr/include/greet.h",
                "E: libgreet-rumprun-dev: library-flavour-file-outside-triplet usr/share/man/man3/greet.3.gz",
            ]
        );
    }

    #[test]
    fn elf_kinds_of_real_files() {
        let exe = std::fs::read(std::env::current_exe().expect("self")).expect("read");
        assert_eq!(
            classify(&exe),
            Some(Elf::Linked { dynamic: true }),
            "the test binary is PIE and dynamic"
        );
        assert_eq!(classify(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn debs_of_a_changes_file() {
        let text = "Format: 1.8\nFiles:\n 0123 100 devel optional hello_1_amd64.deb\n 4567 200 debug optional hello-dbgsym_1_amd64.deb\n 89ab 300 devel optional hello_1_amd64.buildinfo\nChecksums-Sha1:\n x 1 hello_1_amd64.deb\n";
        let debs = changes_debs(Path::new("/b/hello_1_amd64.changes"), text);
        assert_eq!(
            debs,
            [
                PathBuf::from("/b/hello_1_amd64.deb"),
                PathBuf::from("/b/hello-dbgsym_1_amd64.deb")
            ]
        );
    }
}
