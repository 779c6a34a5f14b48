//! dpkg's database: which packages are installed (the `status` file) and
//! the files each one ships (`info/PKG.list`), read as dpkg-query reads
//! them, from the administrative directory (`$DPKG_ADMINDIR`, else
//! `/var/lib/dpkg`).

use super::package::BinaryPackage;
use crate::location::InputError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// dpkg's administrative directory: `$DPKG_ADMINDIR` when set (as dpkg
/// sets it for maintainer scripts, and as a test gives a database of its
/// own), else `/var/lib/dpkg`.
pub fn admindir(env_value: Option<&str>) -> PathBuf {
    match env_value {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from("/var/lib/dpkg"),
    }
}

/// The installed packages of one architecture (and `all`).
#[derive(Debug, Clone, Default)]
pub struct Database {
    admindir: PathBuf,
    /// Installed packages by name.
    pub installed: BTreeMap<String, BinaryPackage>,
    /// For each name an installed package provides, the providers.
    pub providers: BTreeMap<String, Vec<String>>,
}

impl Database {
    /// Reads `ADMINDIR/status`, keeping the packages whose status is
    /// `installed` and whose architecture is `arch` or `all` (the ones
    /// a build for `arch` uses).
    pub fn read(admindir: &Path, arch: &str) -> Result<Database, InputError> {
        let path = admindir.join("status");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            InputError::about(
                &path,
                format!("cannot read dpkg's status: {e}"),
                "check DPKG_ADMINDIR",
            )
        })?;
        Ok(Database::parse(admindir, &text, arch))
    }

    /// The database of the status file `text`.
    pub fn parse(admindir: &Path, text: &str, arch: &str) -> Database {
        let mut db = Database {
            admindir: admindir.to_path_buf(),
            ..Database::default()
        };
        for p in deb822_fast::Deb822::iter_paragraphs_from_reader(text.as_bytes()).flatten() {
            let installed = p
                .get("Status")
                .map(|s| s.split_whitespace().last() == Some("installed"))
                .unwrap_or(false);
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

    /// The files an installed package ships (its `.list`, directories
    /// included), or `None` when it is not installed or dpkg has no list.
    pub fn files(&self, name: &str) -> Option<Vec<String>> {
        let b = self.installed.get(name)?;
        let info = self.admindir.join("info");
        let text = std::fs::read_to_string(info.join(format!("{name}:{}.list", b.architecture)))
            .or_else(|_| std::fs::read_to_string(info.join(format!("{name}.list"))))
            .ok()?;
        Some(
            text.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        )
    }

    /// The `dpkg-query` status of `name`: whether it is installed.
    pub fn is_installed(&self, name: &str) -> bool {
        self.installed.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Package: zlib1g-dev\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\nProvides: libz-dev\n\nPackage: libc6-dev\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2.36-9\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9\n";

    #[test]
    fn keeps_installed_packages_of_the_architecture() {
        let db = Database::parse(Path::new("/nonexistent"), STATUS, "amd64");
        assert_eq!(db.installed.keys().collect::<Vec<_>>(), ["zlib1g-dev"]);
        assert_eq!(db.providers["libz-dev"], ["zlib1g-dev"]);
        assert!(db.files("zlib1g-dev").is_none());
    }

    #[test]
    fn reads_file_lists_with_and_without_architecture() {
        let dir = std::env::temp_dir().join(format!("dh-rumprun-dpkg-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("info")).unwrap();
        std::fs::write(
            dir.join("info/zlib1g-dev:amd64.list"),
            "/.\n/usr/lib/x86_64-linux-gnu/libz.a\n",
        )
        .unwrap();
        let db = Database::parse(&dir, STATUS, "amd64");
        assert_eq!(
            db.files("zlib1g-dev").unwrap(),
            ["/.", "/usr/lib/x86_64-linux-gnu/libz.a"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn admindir_from_the_environment() {
        assert_eq!(admindir(None), PathBuf::from("/var/lib/dpkg"));
        assert_eq!(admindir(Some("")), PathBuf::from("/var/lib/dpkg"));
        assert_eq!(admindir(Some("/x")), PathBuf::from("/x"));
    }
}
