//! apt's package and source lists, as much of them as `dh_rumprun chain`
//! needs: every development package (`-dev`, or providing one) and every
//! source package's build dependencies and development packages with
//! their architectures (`Package-List`).
//!
//! The lists are read with apt's own `apt-helper cat-file`, which undoes
//! whatever compression apt keeps them in, and parsed with deb822-fast.
//! That takes about a second for Debian's main archive, so the result is
//! kept in a cache file keyed by the lists' names, sizes and times: a warm
//! answer costs one small file read.

use super::package::BinaryPackage;
use crate::location::InputError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// apt's helper that prints an index file uncompressed.
pub const APT_HELPER: &str = "/usr/lib/apt/apt-helper";

/// A source package's record in apt's `Sources` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// `Package`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Build-Depends`, as written (empty when absent).
    pub build_depends: String,
    /// `Build-Depends-Arch`, as written (empty when absent).
    pub build_depends_arch: String,
    /// The development packages it builds, each with the architectures
    /// `Package-List` gives it (`any`, `linux-any`, `amd64 arm64`).
    pub dev_packages: BTreeMap<String, Vec<String>>,
}

/// What apt knows: development packages, who provides which name, and
/// source packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AptIndex {
    /// Development packages by name, the highest version apt knows.
    pub binaries: BTreeMap<String, BinaryPackage>,
    /// For each name some development package provides, the providers.
    pub providers: BTreeMap<String, Vec<String>>,
    /// Source packages by name, the highest version apt knows.
    pub sources: BTreeMap<String, SourceRecord>,
}

/// The cache file's content: the lists it was made from, then the index.
#[derive(Serialize, Deserialize)]
struct Cached {
    key: Vec<ListStamp>,
    index: AptIndex,
}

/// A list file's name, size and modification time, which change whenever
/// `apt-get update` changes the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ListStamp {
    path: String,
    size: u64,
    mtime_ns: u128,
}

fn newer(a: &str, b: &str) -> bool {
    match (
        a.parse::<debversion::Version>(),
        b.parse::<debversion::Version>(),
    ) {
        (Ok(a), Ok(b)) => a > b,
        _ => false,
    }
}

impl AptIndex {
    /// Adds one paragraph of a `Packages` list (kept when it is a
    /// development package newer than the one already known).
    pub fn add_package(&mut self, p: &deb822_fast::Paragraph) {
        let Some(name) = p.get("Package") else { return };
        let name = name.trim();
        let provides = p.get("Provides").unwrap_or("");
        if !name.ends_with("-dev") && !provides.contains("-dev") {
            return;
        }
        let Some(b) = BinaryPackage::from_paragraph(p) else {
            return;
        };
        if !b.is_dev() {
            return;
        }
        if let Some(old) = self.binaries.get(&b.name) {
            if !newer(&b.version, &old.version) {
                return;
            }
        }
        for virt in &b.provides {
            let list = self.providers.entry(virt.clone()).or_default();
            if !list.contains(&b.name) {
                list.push(b.name.clone());
                list.sort();
            }
        }
        self.binaries.insert(b.name.clone(), b);
    }

    /// Adds one paragraph of a `Sources` list (kept when newer than the
    /// record already known).
    pub fn add_source(&mut self, p: &deb822_fast::Paragraph) {
        let (Some(name), Some(version)) = (p.get("Package"), p.get("Version")) else {
            return;
        };
        if p.get("Extra-Source-Only").map(str::trim) == Some("yes") {
            return;
        }
        let (name, version) = (name.trim().to_string(), version.trim().to_string());
        if let Some(old) = self.sources.get(&name) {
            if !newer(&version, &old.version) {
                return;
            }
        }
        self.sources.insert(
            name.clone(),
            SourceRecord {
                name,
                version,
                build_depends: p.get("Build-Depends").unwrap_or("").trim().to_string(),
                build_depends_arch: p.get("Build-Depends-Arch").unwrap_or("").trim().to_string(),
                dev_packages: package_list_dev(p.get("Package-List").unwrap_or("")),
            },
        );
    }

    /// The development package `name` or, for a virtual name, the
    /// providers apt knows.
    pub fn providers_of(&self, name: &str) -> Vec<String> {
        self.providers.get(name).cloned().unwrap_or_default()
    }

    /// Reads apt's lists under `lists` (the `Packages` lists of `arch` and
    /// `all`, and the `Sources` lists), or the cache file `cache` when it
    /// was made from the same lists. A cache that cannot be written is
    /// not an error: the next run reads the lists again.
    pub fn load(lists: &Path, arch: &str, cache: Option<&Path>) -> Result<AptIndex, InputError> {
        let files = list_files(lists, arch).map_err(|e| {
            InputError::about(lists, e, "run apt-get update, or give --installed-only")
        })?;
        let key: Vec<ListStamp> = files.iter().map(|(p, _)| stamp(p)).collect();
        if let Some(cache) = cache {
            if let Ok(text) = std::fs::read(cache) {
                if let Ok(c) = serde_json::from_slice::<Cached>(&text) {
                    if c.key == key {
                        return Ok(c.index);
                    }
                }
            }
        }
        let mut index = AptIndex::default();
        for (path, kind) in &files {
            read_list(path, |p| match kind {
                ListKind::Packages => index.add_package(p),
                ListKind::Sources => index.add_source(p),
            })?;
        }
        if let Some(cache) = cache {
            let _ = write_cache(
                cache,
                &Cached {
                    key,
                    index: index.clone(),
                },
            );
        }
        Ok(index)
    }
}

/// The development packages of a `Package-List` field with their
/// architectures (`arch=linux-any,kfreebsd-any` gives both).
fn package_list_dev(field: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for line in field.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(name), Some("deb")) = (words.first(), words.get(1).copied()) else {
            continue;
        };
        if !name.ends_with("-dev") {
            continue;
        }
        let archs = words
            .iter()
            .find_map(|w| w.strip_prefix("arch="))
            .map(|a| a.split(',').map(str::to_string).collect())
            .unwrap_or_else(|| vec!["any".to_string()]);
        out.insert(name.to_string(), archs);
    }
    out
}

/// Which kind of list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ListKind {
    Packages,
    Sources,
}

/// The `Packages` lists of `arch` and `all` and the `Sources` lists in
/// apt's lists directory, sorted by name.
fn list_files(lists: &Path, arch: &str) -> Result<Vec<(PathBuf, ListKind)>, String> {
    let entries = std::fs::read_dir(lists).map_err(|e| format!("cannot read apt's lists: {e}"))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let base = [".lz4", ".gz", ".xz", ".zst", ".bz2", ".lzma"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
            .unwrap_or(&name);
        let kind = if base.ends_with(&format!("_binary-{arch}_Packages"))
            || base.ends_with("_binary-all_Packages")
        {
            ListKind::Packages
        } else if base.ends_with("_source_Sources") {
            ListKind::Sources
        } else {
            continue;
        };
        out.push((entry.path(), kind));
    }
    out.sort();
    if !out.iter().any(|(_, k)| *k == ListKind::Packages) {
        return Err(format!("apt has no package lists for {arch}"));
    }
    Ok(out)
}

fn stamp(path: &Path) -> ListStamp {
    let meta = std::fs::metadata(path).ok();
    ListStamp {
        path: path.display().to_string(),
        size: meta.as_ref().map(|m| m.len()).unwrap_or(0),
        mtime_ns: meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    }
}

/// Streams the paragraphs of one list, uncompressed by `apt-helper cat-file`.
fn read_list(path: &Path, mut each: impl FnMut(&deb822_fast::Paragraph)) -> Result<(), InputError> {
    let fail = |what: String| InputError::about(path, what, "run apt-get update");
    let mut child = Command::new(APT_HELPER)
        .arg("cat-file")
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run {APT_HELPER}: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("no output".into()))?;
    for p in deb822_fast::Deb822::iter_paragraphs_from_reader(BufReader::new(stdout)) {
        match p {
            Ok(p) => each(&p),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("cannot read the list: {e}")));
            }
        }
    }
    let status = child.wait().map_err(|e| fail(e.to_string()))?;
    if !status.success() {
        return Err(fail(format!("apt-helper cat-file failed ({status})")));
    }
    Ok(())
}

fn write_cache(cache: &Path, c: &Cached) -> std::io::Result<()> {
    if let Some(dir) = cache.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = cache.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec(c)?)?;
    std::fs::rename(&tmp, cache)
}

/// apt's lists directory, as `apt-config` says (`Dir::State::lists`).
pub fn lists_dir() -> PathBuf {
    let out = Command::new("apt-config")
        .args(["shell", "LISTS", "Dir::State::lists/d"])
        .output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some(v) = text.trim().strip_prefix("LISTS=") {
            let v = v.trim_matches('\'');
            if !v.is_empty() {
                return PathBuf::from(v);
            }
        }
    }
    PathBuf::from("/var/lib/apt/lists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> deb822_fast::Paragraph {
        text.parse().unwrap()
    }

    #[test]
    fn keeps_development_packages_and_the_newest_version() {
        let mut idx = AptIndex::default();
        idx.add_package(&p("Package: hello\nVersion: 1\nArchitecture: amd64\n"));
        idx.add_package(&p(
            "Package: libgnutls28-dev\nVersion: 3.7.9-2+deb12u6\nArchitecture: amd64\nSource: gnutls28\nProvides: gnutls-dev\n",
        ));
        idx.add_package(&p(
            "Package: libgnutls28-dev\nVersion: 3.7.9-2+deb12u7\nArchitecture: amd64\nSource: gnutls28\nProvides: gnutls-dev\n",
        ));
        idx.add_package(&p(
            "Package: libgnutls28-dev\nVersion: 3.7.9-2\nArchitecture: amd64\nSource: gnutls28\nProvides: gnutls-dev\n",
        ));
        assert!(!idx.binaries.contains_key("hello"));
        assert_eq!(idx.binaries["libgnutls28-dev"].version, "3.7.9-2+deb12u7");
        assert_eq!(idx.providers_of("gnutls-dev"), ["libgnutls28-dev"]);
    }

    #[test]
    fn reads_package_list_architectures() {
        let mut idx = AptIndex::default();
        idx.add_source(&p("Package: util-linux\nVersion: 2.38.1-5\nBuild-Depends: debhelper-compat (= 13)\nPackage-List:\n libmount-dev deb libdevel optional arch=linux-any\n util-linux deb utils required arch=any\n libuuid-dev deb libdevel optional arch=any profile=!stage1\n libfoo-dev deb libdevel optional arch=amd64,arm64\n"));
        let s = &idx.sources["util-linux"];
        assert_eq!(s.dev_packages["libmount-dev"], ["linux-any"]);
        assert_eq!(s.dev_packages["libuuid-dev"], ["any"]);
        assert_eq!(s.dev_packages["libfoo-dev"], ["amd64", "arm64"]);
        assert!(!s.dev_packages.contains_key("util-linux"));
        assert_eq!(s.build_depends, "debhelper-compat (= 13)");
    }

    #[test]
    fn lists_files_by_kind_and_architecture() {
        let dir = std::env::temp_dir().join(format!("dh-rumprun-apt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "deb.debian.org_debian_dists_x_main_binary-amd64_Packages.lz4",
            "m_dists_x_main_binary-i386_Packages.lz4",
            "m_dists_x_main_binary-all_Packages",
            "m_dists_x_main_source_Sources.gz",
            "m_dists_x_InRelease",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let files = list_files(&dir, "amd64").unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "deb.debian.org_debian_dists_x_main_binary-amd64_Packages.lz4",
                "m_dists_x_main_binary-all_Packages",
                "m_dists_x_main_source_Sources.gz"
            ]
        );
        assert!(list_files(&dir, "arm64").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
