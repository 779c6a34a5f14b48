//! `dh_rumprun chain`: which library flavours a program's flavour needs,
//! in what order, and what blocks each, from the data already on the
//! machine: apt's package and source lists ([`crate::debian::apt`]), dpkg's
//! database ([`crate::debian::dpkg`]), the installed `.pc` files and the
//! installed development packages' archives.
//!
//! [`graph`] is the functional core that computes the [`answer`]; this
//! module reads the facts it asks for and [`render`] prints the answer.

pub mod answer;
pub mod graph;
pub mod render;

use crate::commands::lint::tags::Severity;
use crate::debian::apt::{self, AptIndex};
use crate::debian::arch::ArchTable;
use crate::debian::control::Control;
use crate::debian::dpkg::Database;
use crate::debian::package::BinaryPackage;
use crate::env::Env;
use crate::flavour::elf::is_shared_object_name;
use crate::flavour::library_of_flavour;
use crate::flavour::pkg_config::PcFile;
use crate::location::InputError;
use debian_control::lossy::Relations;
use graph::{Contents, Facts, Settings, Target};
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the facts come from.
pub struct SystemFacts {
    apt: Option<AptIndex>,
    dpkg: Database,
    files: OnceCell<BTreeMap<String, Vec<String>>>,
    contents: RefCell<BTreeMap<String, Option<Contents>>>,
    owners: OnceCell<Owners>,
}

/// What a file of a development package is to the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LibraryFile {
    /// A static archive under `/usr/lib` or `/lib`.
    Archive,
    /// A shared object or its link there.
    Shared,
    /// A pkg-config file, with its module name.
    PcModule(String),
    /// Anything else (headers, documentation).
    Other,
}

/// Classifies the file at `path` (absolute, as dpkg lists it).
fn library_file(path: &str) -> LibraryFile {
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let in_lib = path.starts_with("/usr/lib/") || path.starts_with("/lib/");
    if in_lib && name.ends_with(".a") {
        LibraryFile::Archive
    } else if in_lib && is_shared_object_name(&name) {
        LibraryFile::Shared
    } else if let (true, Some(module)) = (path.contains("/pkgconfig/"), name.strip_suffix(".pc")) {
        LibraryFile::PcModule(module.to_string())
    } else {
        LibraryFile::Other
    }
}

/// Whether a development package with the files `files` (as dpkg lists
/// them) ships a library: an archive, a shared object or a pkg-config
/// file. One that does not is headers or tools only, or a transitional or
/// meta package that stands for what it depends on.
pub fn ships_library(files: &[String]) -> bool {
    files.iter().any(|f| library_file(f) != LibraryFile::Other)
}

/// Which installed development package ships each pkg-config module and
/// each static archive (`libNAME.a`).
#[derive(Default)]
struct Owners {
    modules: BTreeMap<String, String>,
    archives: BTreeMap<String, String>,
}

impl Owners {
    /// The owners among `files` (package to its files): native
    /// development packages only. A library flavour ships the same module
    /// and archive names under `/usr/<triplet>` (`ogg.pc`, `libogg.a`), and
    /// what a `.pc` file's `Requires` names is the native library, whose
    /// flavour is then looked up as for any other.
    fn of(files: &BTreeMap<String, Vec<String>>) -> Owners {
        let mut owners = Owners::default();
        for (name, files) in files {
            if library_of_flavour(name).is_some() {
                continue;
            }
            for f in files {
                match library_file(f) {
                    LibraryFile::PcModule(module) => {
                        owners.modules.insert(module, name.clone());
                    }
                    LibraryFile::Archive => {
                        let file = f.rsplit('/').next().unwrap_or(f).to_string();
                        owners.archives.entry(file).or_insert_with(|| name.clone());
                    }
                    LibraryFile::Shared | LibraryFile::Other => {}
                }
            }
        }
        owners
    }
}

impl SystemFacts {
    /// dpkg's database, and apt's lists unless `installed_only`.
    pub fn read(env: &Env, arch: &str, installed_only: bool) -> Result<SystemFacts, InputError> {
        let dpkg = Database::read(arch)?;
        let apt = if installed_only {
            None
        } else {
            Some(AptIndex::load(
                &apt::lists_dir(),
                arch,
                cache_file(env).as_deref(),
            )?)
        };
        Ok(SystemFacts {
            apt,
            dpkg,
            files: OnceCell::new(),
            contents: RefCell::new(BTreeMap::new()),
            owners: OnceCell::new(),
        })
    }

    /// apt's record of source `name`.
    pub fn source(&self, name: &str) -> Option<&apt::SourceRecord> {
        self.apt.as_ref()?.sources.get(name)
    }

    /// The files of the installed development packages, by package: one
    /// `dpkg-query --listfiles`, on first use.
    fn library_files(&self) -> &BTreeMap<String, Vec<String>> {
        self.files.get_or_init(|| {
            let devs: Vec<&str> = self
                .dpkg
                .installed
                .values()
                .filter(|b| b.is_dev())
                .map(|b| b.name.as_str())
                .collect();
            Database::files_of(&devs).unwrap_or_default()
        })
    }

    /// The owners of the modules and archives of the installed
    /// development packages.
    fn owners(&self) -> &Owners {
        self.owners.get_or_init(|| Owners::of(self.library_files()))
    }

    fn classify(&self, name: &str) -> Option<Contents> {
        if !self.dpkg.is_installed(name) {
            return None;
        }
        let files = self.library_files().get(name).cloned().unwrap_or_default();
        let mut c = Contents::default();
        for f in &files {
            match library_file(f) {
                LibraryFile::Archive => c.archives.push(f.clone()),
                LibraryFile::Shared => c.shared = true,
                LibraryFile::PcModule(module) => {
                    c.pc_modules.push(module);
                    if let Ok(text) = std::fs::read_to_string(f) {
                        let pc = PcFile::parse(&text);
                        c.pc_requires.extend(pc.requires());
                        c.pc_libs.extend(pc.libs());
                    }
                }
                LibraryFile::Other => {}
            }
        }
        c.pc_requires.sort();
        c.pc_requires.dedup();
        c.pc_libs.sort();
        c.pc_libs.dedup();
        for archive in &c.archives {
            for call in archive_calls(Path::new(archive)) {
                if !c.calls.iter().any(|(f, _)| *f == call) {
                    c.calls.push((call, archive.clone()));
                }
            }
        }
        Some(c)
    }
}

impl Facts for SystemFacts {
    fn binary(&self, name: &str) -> Option<BinaryPackage> {
        if let Some(b) = self.dpkg.installed.get(name) {
            return Some(b.clone());
        }
        self.apt.as_ref()?.binaries.get(name).cloned()
    }

    fn providers(&self, name: &str) -> Vec<String> {
        let mut out = self.dpkg.providers.get(name).cloned().unwrap_or_default();
        if let Some(apt) = &self.apt {
            for p in apt.providers_of(name) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    fn is_installed(&self, name: &str) -> bool {
        self.dpkg.is_installed(name)
    }

    fn known_to_apt(&self, name: &str) -> bool {
        self.apt
            .as_ref()
            .is_some_and(|a| a.binaries.contains_key(name))
    }

    fn dev_architectures(&self, source: &str, binary: &str) -> Option<Vec<String>> {
        self.source(source)?.dev_packages.get(binary).cloned()
    }

    fn source_version(&self, source: &str) -> Option<String> {
        self.source(source).map(|s| s.version.clone())
    }

    fn knows_sources(&self) -> bool {
        self.apt.as_ref().is_some_and(|a| !a.sources.is_empty())
    }

    fn contents(&self, name: &str) -> Option<Contents> {
        if let Some(c) = self.contents.borrow().get(name) {
            return c.clone();
        }
        let c = self.classify(name);
        self.contents
            .borrow_mut()
            .insert(name.to_string(), c.clone());
        c
    }

    fn pc_owner(&self, module: &str) -> Option<String> {
        self.owners().modules.get(module).cloned()
    }

    fn archive_owner(&self, name: &str) -> Option<String> {
        self.owners().archives.get(&format!("lib{name}.a")).cloned()
    }
}

/// The functions of [`crate::commands::lint::source::PROCESS_CALLS`] and
/// [`crate::commands::lint::source::DYNAMIC_LOADING_CALLS`] an archive's
/// members leave undefined (call), in that order.
pub fn archive_calls(path: &Path) -> Vec<String> {
    use crate::commands::lint::source::{DYNAMIC_LOADING_CALLS, PROCESS_CALLS};
    use object::{Object, ObjectSymbol};
    let Ok(data) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(archive) = object::read::archive::ArchiveFile::parse(&*data) else {
        return Vec::new();
    };
    let mut undefined = std::collections::BTreeSet::new();
    for member in archive.members().flatten() {
        let Ok(bytes) = member.data(&*data) else {
            continue;
        };
        let Ok(file) = object::File::parse(bytes) else {
            continue;
        };
        for sym in file.symbols() {
            if sym.is_undefined() {
                if let Ok(n) = sym.name() {
                    undefined.insert(n.to_string());
                }
            }
        }
    }
    PROCESS_CALLS
        .iter()
        .chain(DYNAMIC_LOADING_CALLS)
        .filter(|c| undefined.contains(**c))
        .map(|c| c.to_string())
        .collect()
}

/// The cache of apt's lists: `$XDG_CACHE_HOME/dh-rumprun/apt-index.json`,
/// else under `$HOME/.cache`; none without either.
pub fn cache_file(env: &Env) -> Option<PathBuf> {
    let base = match env.get("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(env.get("HOME").filter(|v| !v.is_empty())?).join(".cache"),
    };
    Some(base.join("dh-rumprun").join("apt-index.json"))
}

/// Parses a relation field for the chain, naming the file and line on error.
fn relations(path: &Path, line: usize, field: &str, value: &str) -> Result<Relations, InputError> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return Ok(Relations::new());
    }
    value.parse::<Relations>().map_err(|e| {
        InputError::at(
            path,
            line,
            format!("{field}: cannot parse: {e}"),
            "fix the relation's syntax",
        )
    })
}

/// The target `arg` names: an unpacked source tree (a directory with
/// `debian/control`), else a source package apt knows.
pub fn target(arg: &str, facts: &SystemFacts, links: &[String]) -> Result<Target, InputError> {
    let dir = Path::new(arg);
    if dir.is_dir() {
        let path = dir.join("debian/control");
        let control = Control::read(&path)?;
        let mut build_depends = Relations::new();
        for name in ["Build-Depends", "Build-Depends-Arch"] {
            if let Some(f) = control.source.field(name) {
                let r = relations(&path, f.line, name, &f.value)?;
                build_depends.0.extend(r.0);
            }
        }
        let source = control.source.folded("Source").unwrap_or_default();
        let version = std::fs::read_to_string(dir.join("debian/changelog"))
            .ok()
            .and_then(|t| {
                let first = t.lines().next()?.to_string();
                let open = first.find('(')?;
                let close = first[open..].find(')')?;
                Some(first[open + 1..open + close].to_string())
            });
        return Ok(Target {
            source,
            version,
            build_depends,
            links: links.to_vec(),
        });
    }
    let Some(record) = facts.source(arg) else {
        let fix = if facts.apt.is_some() {
            "give an unpacked source tree, or add a deb-src entry and run apt-get update"
        } else {
            "give an unpacked source tree (--installed-only does not read apt's lists)"
        };
        return Err(InputError::about(
            dir,
            format!("no source tree and no source package {arg} known to apt"),
            fix,
        ));
    };
    let mut build_depends = Relations::new();
    for (name, value) in [
        ("Build-Depends", &record.build_depends),
        ("Build-Depends-Arch", &record.build_depends_arch),
    ] {
        let r = relations(Path::new(&format!("apt:{arg}")), 1, name, value)?;
        build_depends.0.extend(r.0);
    }
    Ok(Target {
        source: record.name.clone(),
        version: Some(record.version.clone()),
        build_depends,
        links: links.to_vec(),
    })
}

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per source, for a maintainer.
    Text,
    /// The same facts as JSON.
    Json,
    /// A Graphviz graph.
    Dot,
}

/// What `dh_rumprun chain` is asked.
#[derive(Debug, Clone)]
pub struct Request {
    /// Unpacked source trees or source package names.
    pub targets: Vec<String>,
    /// `--links`: the development packages the flavour links.
    pub links: Vec<String>,
    /// `-P`: the build profiles, instead of `DEB_BUILD_PROFILES`.
    pub profiles: Option<Vec<String>>,
    /// `--installed-only`: dpkg's database only.
    pub installed_only: bool,
    /// How to print the answer.
    pub format: Format,
}

/// `dh_rumprun chain`: the chains of the request's targets, printed.
/// Returns the output and whether some step has an error tag.
pub fn run(env: &Env, request: &Request) -> Result<(String, bool), InputError> {
    let arch = crate::debian::arch::native_arch(env.get("DEB_HOST_ARCH"))?;
    let table = ArchTable::load_system(env.get("DPKG_DATADIR"))?;
    let facts = SystemFacts::read(env, &arch, request.installed_only)?;
    let profiles = match &request.profiles {
        Some(p) => p.clone(),
        None => crate::debian::profiles::active_profiles(env.get("DEB_BUILD_PROFILES")),
    };
    let settings = Settings {
        arch_table: &table,
        host_arch: arch,
        profiles,
    };
    let mut chains = Vec::new();
    for t in &request.targets {
        let target = target(t, &facts, &request.links)?;
        chains.push(graph::chain(&target, &facts, &settings));
    }
    let blocked = chains
        .iter()
        .flat_map(|c| &c.steps)
        .any(|s| s.blockers.iter().any(|b| b.severity == Severity::Error));
    let out = match request.format {
        Format::Text => render::text(&chains),
        Format::Json => render::json(&chains),
        Format::Dot => render::dot(&chains),
    };
    Ok((out, blocked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_files_by_path() {
        assert_eq!(
            library_file("/usr/lib/x86_64-linux-gnu/libz.a"),
            LibraryFile::Archive
        );
        assert_eq!(
            library_file("/usr/lib/x86_64-linux-gnu/libz.so"),
            LibraryFile::Shared
        );
        assert_eq!(
            library_file("/usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc"),
            LibraryFile::PcModule("zlib".into())
        );
        assert_eq!(
            library_file("/usr/share/pkgconfig/lv2.pc"),
            LibraryFile::PcModule("lv2".into())
        );
        assert_eq!(library_file("/usr/include/zlib.h"), LibraryFile::Other);
        assert_eq!(library_file("/usr/share/doc/x/libz.a"), LibraryFile::Other);
    }

    #[test]
    fn a_flavour_owns_no_module_or_archive() {
        let files: BTreeMap<String, Vec<String>> = [
            (
                "libogg-dev",
                [
                    "/usr/lib/x86_64-linux-gnu/pkgconfig/ogg.pc",
                    "/usr/lib/x86_64-linux-gnu/libogg.a",
                ],
            ),
            (
                "libogg-rumprun-dev",
                [
                    "/usr/x86_64-rumprun-netbsd/lib/pkgconfig/ogg.pc",
                    "/usr/x86_64-rumprun-netbsd/lib/libogg.a",
                ],
            ),
        ]
        .into_iter()
        .map(|(p, f)| (p.to_string(), f.iter().map(|f| f.to_string()).collect()))
        .collect();
        let owners = Owners::of(&files);
        assert_eq!(owners.modules["ogg"], "libogg-dev");
        assert_eq!(owners.archives["libogg.a"], "libogg-dev");
    }

    #[test]
    fn cache_file_follows_xdg() {
        let env = Env::from_pairs([("XDG_CACHE_HOME", "/c"), ("HOME", "/h")]);
        assert_eq!(
            cache_file(&env).unwrap(),
            PathBuf::from("/c/dh-rumprun/apt-index.json")
        );
        let env = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(
            cache_file(&env).unwrap(),
            PathBuf::from("/h/.cache/dh-rumprun/apt-index.json")
        );
        assert!(cache_file(&Env::from_pairs([])).is_none());
    }

    #[test]
    fn archive_calls_of_a_file_that_is_no_archive_are_none() {
        assert!(archive_calls(Path::new("/nonexistent.a")).is_empty());
    }
}
