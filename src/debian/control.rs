//! Reading `debian/control`: the source stanza and the binary stanzas, with
//! the line each field starts on, checked as strictly as debhelper checks it.
//!
//! The file is parsed with `deb822-lossless`, which never fails: its syntax
//! errors carry text ranges, turned here into `debian/control:LINE`.

use crate::debian::profiles::Formula;
use crate::location::{InputError, LineIndex};
use deb822_lossless::Deb822;
use std::path::Path;

/// One field of a stanza: name as written, value with continuation lines
/// joined by newlines, and the 1-based line the field starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name as written.
    pub name: String,
    /// The value, continuation lines joined with `\n`.
    pub value: String,
    /// The 1-based line of the field name.
    pub line: usize,
}

/// A stanza: its fields in order and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    /// The fields, in file order.
    pub fields: Vec<Field>,
    /// The 1-based line of the first field.
    pub line: usize,
}

impl Stanza {
    /// The field called `name` (case-insensitive), if present.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The value of field `name` with its white space folded, if present.
    pub fn folded(&self, name: &str) -> Option<String> {
        self.field(name)
            .map(|f| f.value.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// A binary package stanza as debhelper sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The `Package` field.
    pub name: String,
    /// The `Architecture` field, white space folded (empty when absent).
    pub architecture: String,
    /// The parsed `Build-Profiles` field, if any.
    pub build_profiles: Option<Formula>,
    /// All fields of the stanza.
    pub stanza: Stanza,
}

/// A parsed `debian/control`.
#[derive(Debug, Clone)]
pub struct Control {
    /// The path it was read from (as given, for messages).
    pub path: std::path::PathBuf,
    /// The source stanza.
    pub source: Stanza,
    /// The binary stanzas, in file order.
    pub packages: Vec<Package>,
}

impl Control {
    /// Reads and checks the control file at `path`.
    pub fn read(path: &Path) -> Result<Control, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let fix = if e.kind() == std::io::ErrorKind::NotFound {
                "run this from the top of an unpacked source package"
            } else {
                "make the file readable UTF-8 text"
            };
            InputError::about(path, format!("cannot read: {e}"), fix)
        })?;
        Control::parse(path, &text)
    }

    /// Parses and checks `text`, naming `path` in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Control, InputError> {
        let lines = LineIndex::new(text);
        let parsed = Deb822::parse(text);
        if let Some(err) = parsed.positioned_errors().first() {
            let line = lines.line_of(usize::from(err.range.start()));
            return Err(InputError::at(
                path,
                line,
                format!("not a deb822 field or continuation line ({})", err.message),
                "write fields as \"Name: value\", start continuation lines with a space, separate stanzas with one empty line",
            ));
        }
        let mut stanzas = Vec::new();
        for paragraph in parsed.tree().paragraphs() {
            let mut fields: Vec<Field> = Vec::new();
            for entry in paragraph.entries() {
                let line = lines.line_of(usize::from(entry.text_range().start()));
                let Some(name) = entry.key() else {
                    return Err(InputError::at(
                        path,
                        line,
                        "field without a name",
                        "write fields as \"Name: value\"",
                    ));
                };
                if let Some(first) = fields.iter().find(|f| f.name.eq_ignore_ascii_case(&name)) {
                    return Err(InputError::at(
                        path,
                        line,
                        format!(
                            "field {name} appears twice in one stanza (first on line {})",
                            first.line
                        ),
                        "keep one of them",
                    ));
                }
                fields.push(Field {
                    name,
                    value: entry.value(),
                    line,
                });
            }
            if let Some(first) = fields.first() {
                let line = first.line;
                stanzas.push(Stanza { fields, line });
            }
        }
        let mut stanzas = stanzas.into_iter();
        let source = match stanzas.next() {
            Some(s) if s.field("Source").is_some() => s,
            Some(s) => {
                return Err(InputError::at(
                    path,
                    s.line,
                    "the first stanza has no Source field",
                    "start debian/control with the source stanza (Source: NAME)",
                ));
            }
            None => {
                return Err(InputError::about(
                    path,
                    "no stanza at all",
                    "write a source stanza (Source: NAME) and one stanza per binary package",
                ));
            }
        };
        let packages = stanzas
            .map(|stanza| Package::from_stanza(path, stanza))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, p) in packages.iter().enumerate() {
            if let Some(first) = packages[..i].iter().find(|q| q.name == p.name) {
                return Err(InputError::at(
                    path,
                    p.stanza.line,
                    format!(
                        "package {} is declared twice (first on line {})",
                        p.name, first.stanza.line
                    ),
                    "remove or rename one of the stanzas",
                ));
            }
        }
        Ok(Control {
            path: path.to_path_buf(),
            source,
            packages,
        })
    }

    /// The package called `name`.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// The debhelper compat level declared as `debhelper-compat (= N)` in
    /// Build-Depends, if any.
    pub fn compat_from_build_depends(&self) -> Option<u32> {
        let bd = self.source.folded("Build-Depends")?;
        bd.split(',').find_map(|rel| {
            let rel = rel.trim();
            let rest = rel.strip_prefix("debhelper-compat")?.trim_start();
            let rest = rest.strip_prefix('(')?.trim_start().strip_prefix('=')?;
            rest.trim_end().strip_suffix(')')?.trim().parse().ok()
        })
    }
}

impl Package {
    fn from_stanza(path: &Path, stanza: Stanza) -> Result<Package, InputError> {
        let Some(name) = stanza.folded("Package").filter(|n| !n.is_empty()) else {
            return Err(InputError::at(
                path,
                stanza.line,
                "binary stanza has no Package field",
                "add \"Package: NAME\" as the stanza's first field",
            ));
        };
        if !is_package_name(&name) {
            let line = stanza.field("Package").map_or(stanza.line, |f| f.line);
            return Err(InputError::at(
                path,
                line,
                format!("\"{name}\" is not a valid package name"),
                "use lowercase letters, digits and + - . (at least two characters, starting with a letter or digit)",
            ));
        }
        let build_profiles = match stanza.field("Build-Profiles") {
            None => None,
            Some(f) => Some(Formula::parse(&f.value).map_err(|e| {
                InputError::at(
                    path,
                    f.line,
                    format!("Build-Profiles of {name}: {}", e.0),
                    "write it as <profile ...> groups separated by spaces, e.g. \"Build-Profiles: <!pkg.src.norumprun>\"",
                )
            })?),
        };
        Ok(Package {
            architecture: stanza
                .field("Architecture")
                .map(|f| debhelper_fold(&f.value))
                .unwrap_or_default(),
            name,
            build_profiles,
            stanza,
        })
    }

    /// Whether the package is `Architecture: all`.
    pub fn is_arch_all(&self) -> bool {
        self.architecture == "all"
    }
}

/// A field value as `Dh_Lib::_parse_debian_control` reads it: each
/// continuation line loses one leading `.`, white space is folded.
fn debhelper_fold(value: &str) -> String {
    value
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l
            } else {
                l.strip_prefix('.').unwrap_or(l)
            }
        })
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Package names as debhelper accepts them: `[a-z0-9][-+.a-z0-9]+`.
pub fn is_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

/// The files a `debian/control` may be generated from.
pub const TEMPLATES: [&str; 2] = ["debian/control.in", "debian/control-in"];

/// The template `debian/control` is generated from in the package at
/// `root`, if it has one.
pub fn template(root: &Path) -> Option<std::path::PathBuf> {
    TEMPLATES
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| root.join(p).exists())
}

/// Whether a control file's header comment says it is generated
/// ("autogenerated", "do not edit", ...).
pub fn says_generated(text: &str) -> bool {
    text.lines().take(10).any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with('#')
            && (l.contains("autogenerated")
                || l.contains("auto-generated")
                || l.contains("generated file")
                || l.contains("do not edit"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    fn parse(text: &str) -> Result<Control, InputError> {
        Control::parse(Path::new("debian/control"), text)
    }

    #[test]
    fn reads_stanzas_with_lines() {
        let c = parse(indoc! {"
            # a comment
            Source: foo
            Build-Depends: debhelper-compat (= 13),
             dh-sequence-rumprun

            Package: foo
            Architecture: any

            Package: foo-rumprun
            Architecture: amd64
             i386
            Build-Profiles: <!pkg.foo.norumprun>
        "})
        .expect("valid");
        assert_eq!(c.source.folded("Source").as_deref(), Some("foo"));
        assert_eq!(c.compat_from_build_depends(), Some(13));
        assert_eq!(c.packages.len(), 2);
        let f = &c.packages[1];
        assert_eq!(f.name, "foo-rumprun");
        assert_eq!(f.stanza.line, 9);
        assert_eq!(f.architecture, "amd64 i386");
        assert_eq!(f.stanza.field("build-profiles").map(|f| f.line), Some(12));
        assert!(f.build_profiles.is_some());
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (" Source: foo\n", 1),
            ("Source: foo\n\nArchitecture: any\n", 3),
            (
                "Source: foo\n\nPackage: a1\nArchitecture: any\nArchitecture: all\n",
                5,
            ),
            ("Source: foo\n\nPackage: Foo\n", 3),
            ("Source: foo\n\nPackage: a1\n\nPackage: a1\n", 5),
            ("Package: a1\n", 1),
            ("Source: foo\n\nPackage: a1\nBuild-Profiles: !nocheck\n", 4),
        ];
        for (text, line) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, Some(line), "{text:?}: {err}");
        }
    }
}
