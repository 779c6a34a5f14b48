//! Where the flavour builds: which debhelper build system, and whether it
//! builds out of tree from the package's own source or in a copy of it.
//!
//! The choice is debhelper's: `dh_assistant which-build-system` names the
//! build system dh would use (honouring `--buildsystem`), and a build system
//! that debhelper itself builds out of tree (CMake, Meson, ...) builds the
//! flavour out of tree too. Every other one (autotools, plain Makefiles,
//! Perl, ...) builds in a copy of the source tree: a tree the native build
//! configured in place refuses a second, out-of-tree configure, and a plain
//! Makefile writes its objects into the tree. `dh_rumprun_configure`
//! records the choice in [`LAYOUT_FILE`]; the later stages read it.

use crate::location::{InputError, LineIndex};
use std::path::{Path, PathBuf};

/// The flavour's own directory, under `debian/.debhelper/`, which
/// `dh_clean` removes even when the clean stage is not in the sequence.
pub const FLAVOUR_DIR: &str = "debian/.debhelper/rumprun";

/// Where `dh_rumprun_configure` records the layout for the later stages.
pub const LAYOUT_FILE: &str = "debian/.debhelper/rumprun/layout";

/// The flavour's build directory (out of tree).
pub fn build_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("build")
}

/// The flavour's copy of the source tree (in-tree builds).
pub fn copy_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("source")
}

/// The flavour's staged install (`make install DESTDIR=...`).
pub fn stage_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("stage")
}

/// Tools and wrappers the stages put first on the flavour's `PATH`.
pub fn bin_dir() -> PathBuf {
    Path::new(FLAVOUR_DIR).join("bin")
}

/// The flavour's install prefix, `/usr/TRIPLET`: the triplet's own tree,
/// as for Debian's other cross toolchains. Every flavour build is
/// configured with it, libraries and programs alike; library flavours ship
/// from it, and a program flavour's program paths are relative to it.
pub fn flavour_prefix(triplet: &str) -> PathBuf {
    Path::new("/usr").join(triplet)
}

/// The flavour's prefix in the staged install, `usr/TRIPLET`.
pub fn staged_prefix(triplet: &str) -> PathBuf {
    Path::new("usr").join(triplet)
}

/// What `dh_assistant which-build-system` reports (the fields used here).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct WhichBuildSystem {
    /// The build system's name (`autoconf`, `cmake`, ..., or `none`).
    #[serde(rename = "build-system")]
    pub build_system: String,
    /// The build directory debhelper would use, `null` for in-tree builds.
    #[serde(rename = "build-directory")]
    pub build_directory: Option<String>,
}

impl WhichBuildSystem {
    /// Parses dh_assistant's JSON output.
    pub fn parse(json: &str) -> Result<WhichBuildSystem, InputError> {
        serde_json::from_str(json).map_err(|e| {
            InputError::about(
                Path::new("dh_assistant which-build-system"),
                format!("unexpected output ({e})"),
                "check that debhelper (>= 13.10) is installed",
            )
        })
    }
}

/// How the flavour's tree relates to the source package's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// Out of tree: the package's sources, the flavour's build directory.
    OutOfTree {
        /// The source directory (`.` or what `--sourcedirectory` gave).
        source: PathBuf,
    },
    /// In a copy of the source tree, built in place.
    Copy {
        /// The directory copied (`.` or what `--sourcedirectory` gave).
        from: PathBuf,
    },
}

/// The flavour's build system and tree, and what the compiler said of
/// itself that every later stage needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The debhelper build system name, passed to every `dh_auto_*`.
    pub build_system: String,
    /// Out of tree or in a copy.
    pub tree: Tree,
    /// The compiler's own header directory (intrinsics), when it has one
    /// (see [`crate::flavour::toolchain::Probe`]).
    pub compiler_include: Option<PathBuf>,
}

impl Layout {
    /// The build system without its backend: `cmake` for `cmake+ninja`,
    /// `meson` for `meson+ninja`.
    pub fn family(&self) -> &str {
        self.build_system.split('+').next().unwrap_or("")
    }

    /// The layout for what debhelper reports for the package's source
    /// directory `source`, and the compiler's header directory.
    pub fn choose(
        which: &WhichBuildSystem,
        source: &Path,
        compiler_include: Option<PathBuf>,
    ) -> Layout {
        let tree = if which.build_directory.is_some() {
            Tree::OutOfTree {
                source: source.to_path_buf(),
            }
        } else {
            Tree::Copy {
                from: source.to_path_buf(),
            }
        };
        Layout {
            build_system: which.build_system.clone(),
            tree,
            compiler_include,
        }
    }

    /// The directory options for `dh_auto_*`.
    pub fn dh_auto_options(&self) -> Vec<String> {
        let mut opts = vec![format!("--buildsystem={}", self.build_system)];
        match &self.tree {
            Tree::OutOfTree { source } => {
                if source != Path::new(".") {
                    opts.push(format!("--sourcedirectory={}", source.display()));
                }
                opts.push(format!("--builddirectory={}", build_dir().display()));
            }
            Tree::Copy { .. } => {
                opts.push(format!("--sourcedirectory={}", copy_dir().display()));
            }
        }
        opts
    }

    /// The directory the build system runs in (for build-path mapping).
    pub fn work_dir(&self) -> PathBuf {
        match &self.tree {
            Tree::OutOfTree { .. } => build_dir(),
            Tree::Copy { .. } => copy_dir(),
        }
    }

    /// The layout file's text.
    pub fn to_file(&self) -> String {
        let (tree, dir) = match &self.tree {
            Tree::OutOfTree { source } => ("out-of-tree", source),
            Tree::Copy { from } => ("copy", from),
        };
        let mut text = format!(
            "# Written by dh_rumprun_configure, read by the later dh_rumprun stages.\n\
             Build-System: {}\nTree: {tree}\nSource-Directory: {}\n",
            self.build_system,
            dir.display()
        );
        if let Some(inc) = &self.compiler_include {
            text.push_str(&format!("Compiler-Include: {}\n", inc.display()));
        }
        text
    }

    /// Reads the layout file `path` with text `text`.
    pub fn from_file(path: &Path, text: &str) -> Result<Layout, InputError> {
        let lines = LineIndex::new(text);
        let (mut build_system, mut tree, mut dir) = (None, None, None);
        let mut compiler_include = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let here = lines.line_of(offset);
            offset += line.len();
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || {
                InputError::at(
                    path,
                    here,
                    format!("not a layout line: \"{line}\""),
                    "run dh_rumprun_configure again (debian/rules clean, then build)",
                )
            };
            let (key, value) = line.split_once(':').ok_or_else(bad)?;
            let value = value.trim().to_string();
            match key {
                "Build-System" => build_system = Some(value),
                "Tree" => tree = Some(value),
                "Source-Directory" => dir = Some(PathBuf::from(value)),
                "Compiler-Include" => compiler_include = Some(PathBuf::from(value)),
                _ => return Err(bad()),
            }
        }
        let incomplete = || {
            InputError::about(
                path,
                "incomplete layout",
                "run dh_rumprun_configure again (debian/rules clean, then build)",
            )
        };
        let (Some(build_system), Some(tree), Some(dir)) = (build_system, tree, dir) else {
            return Err(incomplete());
        };
        let tree = match tree.as_str() {
            "out-of-tree" => Tree::OutOfTree { source: dir },
            "copy" => Tree::Copy { from: dir },
            _ => return Err(incomplete()),
        };
        Ok(Layout {
            build_system,
            tree,
            compiler_include,
        })
    }
}

/// The entries of the source tree's top directory that a copy leaves out:
/// the packaging, patch and VCS state, and the native build directory when
/// dh was given one inside the tree.
pub fn copy_excludes(native_build_dir: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = ["debian", ".pc", ".git", ".svn", ".hg", ".bzr"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(dir) = native_build_dir {
        let first = Path::new(dir).components().find_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        });
        if let Some(first) = first.filter(|f| !out.contains(f)) {
            out.push(first);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debhelper_decides_the_tree() {
        let autoconf = WhichBuildSystem::parse(
            r#"{"build-system":"autoconf","buildpath":".","source-directory":".","for-build-step":"configure","build-directory":null,"dest-directory":null,"parallel":1,"upstream-arguments":[]}"#,
        )
        .expect("json");
        let layout = Layout::choose(&autoconf, Path::new("."), None);
        assert_eq!(
            layout.dh_auto_options(),
            vec![
                "--buildsystem=autoconf",
                "--sourcedirectory=debian/.debhelper/rumprun/source"
            ]
        );
        let cmake = WhichBuildSystem::parse(
            r#"{"build-system":"cmake+ninja","build-directory":"obj-x86_64-linux-gnu"}"#,
        )
        .expect("json");
        let layout = Layout::choose(&cmake, Path::new("src"), None);
        assert_eq!(layout.family(), "cmake");
        assert_eq!(
            layout.dh_auto_options(),
            vec![
                "--buildsystem=cmake+ninja",
                "--sourcedirectory=src",
                "--builddirectory=debian/.debhelper/rumprun/build"
            ]
        );
        assert!(WhichBuildSystem::parse("not json").is_err());
    }

    #[test]
    fn layout_file_round_trips_and_rejects_junk() {
        for layout in [
            Layout {
                build_system: "meson".into(),
                tree: Tree::OutOfTree { source: ".".into() },
                compiler_include: Some("/usr/lib/gcc/x86_64-linux-gnu/12/include".into()),
            },
            Layout {
                build_system: "makefile".into(),
                tree: Tree::Copy { from: "src".into() },
                compiler_include: None,
            },
        ] {
            let text = layout.to_file();
            assert_eq!(Layout::from_file(Path::new(LAYOUT_FILE), &text), Ok(layout));
        }
        let e = Layout::from_file(Path::new(LAYOUT_FILE), "# c\nBuild-System: x\nnonsense\n")
            .expect_err("junk");
        assert_eq!(e.line, Some(3));
        assert!(Layout::from_file(Path::new(LAYOUT_FILE), "Tree: copy\n").is_err());
    }

    #[test]
    fn copies_leave_out_packaging_and_the_native_build_dir() {
        assert!(copy_excludes(None).contains(&"debian".to_string()));
        assert!(copy_excludes(Some("./build/x")).contains(&"build".to_string()));
        assert_eq!(
            copy_excludes(Some("debian/b")).len(),
            copy_excludes(None).len()
        );
    }
}
