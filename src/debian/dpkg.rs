//! dpkg's database, as `dpkg-query` tells it (never read directly: its
//! format is dpkg's own): which packages are installed (`dpkg-query -W`)
//! and the files of installed packages (`dpkg-query --listfiles`), and
//! the vendor packages are built for (`dpkg-vendor`).
//! `dpkg-query` honours `DPKG_ADMINDIR`, so a test can give it a database
//! of its own.

use super::package::BinaryPackage;
use crate::location::InputError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `dpkg-query -W` format whose output is one deb822 paragraph per
/// package, read with [`BinaryPackage::from_paragraph`].
pub const STATUS_FORMAT: &str = "Package: ${Package}\\nVersion: ${Version}\\nArchitecture: ${Architecture}\\nSource: ${source:Package} (${source:Version})\\nStatus: ${db:Status-Status}\\nDepends: ${Depends}\\nProvides: ${Provides}\\n\\n";

/// What `dpkg-query --search PATH...` printed: each path with the
/// packages that own it (diversion lines left out).
pub fn parse_search(output: &str) -> BTreeMap<PathBuf, Vec<String>> {
    let mut owners = BTreeMap::new();
    for line in output.lines() {
        if line.starts_with("diversion by ") || line.starts_with("local diversion ") {
            continue;
        }
        let Some((packages, path)) = line.split_once(": ") else {
            continue;
        };
        let packages: Vec<String> = packages
            .split(", ")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        owners.insert(PathBuf::from(path.trim()), packages);
    }
    owners
}

/// The installed packages of one architecture (and `all`).
#[derive(Debug, Clone, Default)]
pub struct Database {
    /// Installed packages by name.
    pub installed: BTreeMap<String, BinaryPackage>,
    /// For each name an installed package provides, the providers.
    pub providers: BTreeMap<String, Vec<String>>,
}

fn dpkg_query(args: &[&str]) -> Result<String, InputError> {
    let out = Command::new("dpkg-query")
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| {
            InputError::about(
                Path::new("dpkg-query"),
                format!("cannot run: {e}"),
                "install dpkg",
            )
        })?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Database {
    /// What `dpkg-query -W` says is installed for `arch` (and `all`).
    pub fn read(arch: &str) -> Result<Database, InputError> {
        Ok(Database::parse(
            &dpkg_query(&["-W", "-f", STATUS_FORMAT])?,
            arch,
        ))
    }

    /// The database of `dpkg-query -W -f STATUS_FORMAT`'s output `text`,
    /// keeping the packages whose status is `installed` and whose
    /// architecture is `arch` or `all` (the ones a build for `arch` uses).
    pub fn parse(text: &str, arch: &str) -> Database {
        let mut db = Database::default();
        for p in deb822_fast::Deb822::iter_paragraphs_from_reader(text.as_bytes()).flatten() {
            let installed = p.get("Status").map(str::trim) == Some("installed");
            let Some(b) = BinaryPackage::from_paragraph(&p) else {
                continue;
            };
            if !installed || (b.architecture != arch && b.architecture != "all") {
                continue;
            }
            for v in &b.provides {
                db.providers
                    .entry(v.clone())
                    .or_default()
                    .push(b.name.clone());
            }
            db.installed.insert(b.name.clone(), b);
        }
        db
    }

    /// The files of the installed packages `names`, by package: one
    /// `dpkg-query --listfiles` for all of them (it prints one list per
    /// package, in order, separated by empty lines), or one call each
    /// when the lists do not line up with the names.
    pub fn files_of(names: &[&str]) -> Result<BTreeMap<String, Vec<String>>, InputError> {
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut args = vec!["--listfiles"];
        args.extend(names);
        let lists = split_lists(&dpkg_query(&args)?);
        if lists.len() == names.len() {
            return Ok(names.iter().map(|n| n.to_string()).zip(lists).collect());
        }
        let mut out = BTreeMap::new();
        for n in names {
            let list = split_lists(&dpkg_query(&["--listfiles", n])?)
                .into_iter()
                .flatten()
                .collect();
            out.insert(n.to_string(), list);
        }
        Ok(out)
    }

    /// Whether `name` is installed.
    pub fn is_installed(&self, name: &str) -> bool {
        self.installed.contains_key(name)
    }
}

/// The file lists `dpkg-query --listfiles` printed for several packages:
/// separated by empty lines.
pub fn split_lists(output: &str) -> Vec<Vec<String>> {
    let mut lists = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in output.lines() {
        if line.is_empty() {
            lists.extend(current.take());
        } else {
            current.get_or_insert_with(Vec::new).push(line.to_string());
        }
    }
    lists.extend(current);
    lists
}

/// The vendor this machine builds for, lower case, as `dpkg-vendor`
/// says (it honours DEB_VENDOR); `debian` when it cannot say.
pub fn vendor() -> String {
    Command::new("dpkg-vendor")
        .args(["--query", "Vendor"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "debian".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Package: zlib1g-dev\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib (1:1.2.13.dfsg-1)\nStatus: installed\nDepends: zlib1g (= 1:1.2.13.dfsg-1), libc6-dev | libc-dev\nProvides: libz-dev\n\nPackage: libc6-dev\nVersion: 2.36-9\nArchitecture: amd64\nSource: glibc (2.36-9)\nStatus: config-files\nDepends: \nProvides: \n\nPackage: libc6\nVersion: 2.36-9\nArchitecture: i386\nSource: glibc (2.36-9)\nStatus: installed\nDepends: \nProvides: \n\n";

    #[test]
    fn keeps_installed_packages_of_the_architecture() {
        let db = Database::parse(STATUS, "amd64");
        assert_eq!(db.installed.keys().collect::<Vec<_>>(), ["zlib1g-dev"]);
        assert_eq!(db.providers["libz-dev"], ["zlib1g-dev"]);
        assert_eq!(db.installed["zlib1g-dev"].source, "zlib");
        assert!(db.installed["zlib1g-dev"].depends.starts_with("zlib1g (="));
    }

    #[test]
    fn lists_of_several_packages_split_on_empty_lines() {
        let out = "/.\n/usr\n/usr/lib/libz.a\n\n/.\n/usr/include/ffi.h\n";
        assert_eq!(
            split_lists(out),
            [
                vec!["/.", "/usr", "/usr/lib/libz.a"],
                vec!["/.", "/usr/include/ffi.h"]
            ]
        );
        assert!(split_lists("").is_empty());
    }
}
