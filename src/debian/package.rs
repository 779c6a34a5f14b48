//! One binary package's record, as apt's package lists and dpkg's status
//! file both write it: the fields `dh_rumprun chain` follows.

use debian_control::lossy::SourceRelation;
use serde::{Deserialize, Serialize};

/// A binary package: its name, version, source and the relations a
/// library's chain follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryPackage {
    /// `Package`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Architecture` (the one it was built for: `amd64`, `all`).
    pub architecture: String,
    /// The source package: `Source` without its version, or the package's
    /// own name when the field is absent.
    pub source: String,
    /// The source's version: the one `Source` gives in parentheses, else
    /// the package's.
    pub source_version: String,
    /// `Depends`, as written (empty when absent).
    pub depends: String,
    /// The names `Provides` lists.
    pub provides: Vec<String>,
}

impl BinaryPackage {
    /// The record of a deb822 paragraph of a `Packages` list or dpkg's
    /// `status` file; `None` when `Package` or `Version` is missing or the
    /// `Source` field cannot be read.
    pub fn from_paragraph(p: &deb822_fast::Paragraph) -> Option<BinaryPackage> {
        let name = p.get("Package")?.trim().to_string();
        let version = p.get("Version")?.trim().to_string();
        let (source, source_version) = match p.get("Source") {
            Some(s) => {
                let rel: SourceRelation = s.trim().parse().ok()?;
                let v = rel.version.map(|v| v.to_string());
                (rel.name, v.unwrap_or_else(|| version.clone()))
            }
            None => (name.clone(), version.clone()),
        };
        Some(BinaryPackage {
            name,
            architecture: p.get("Architecture").unwrap_or("").trim().to_string(),
            source,
            source_version,
            depends: p.get("Depends").unwrap_or("").trim().to_string(),
            provides: provided_names(p.get("Provides").unwrap_or("")),
            version,
        })
    }

    /// Whether the package is a development package, by Debian's naming
    /// (`-dev`), or provides one.
    pub fn is_dev(&self) -> bool {
        self.name.ends_with("-dev") || self.provides.iter().any(|p| p.ends_with("-dev"))
    }
}

/// The package names of a `Provides` field (versions dropped).
pub fn provided_names(field: &str) -> Vec<String> {
    field
        .split(',')
        .filter_map(|item| item.split_whitespace().next())
        .map(|n| n.split(':').next().unwrap_or(n).to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str) -> deb822_fast::Paragraph {
        text.parse().unwrap()
    }

    #[test]
    fn reads_source_and_its_version() {
        let p = paragraph(
            "Package: libfdt-dev\nSource: device-tree-compiler (1.6.1-4)\nVersion: 1.6.1-4+b1\nArchitecture: amd64\nDepends: libfdt1 (= 1.6.1-4+b1)\n",
        );
        let b = BinaryPackage::from_paragraph(&p).unwrap();
        assert_eq!(b.source, "device-tree-compiler");
        assert_eq!(b.source_version, "1.6.1-4");
        assert_eq!(b.version, "1.6.1-4+b1");
        assert!(b.is_dev());
    }

    #[test]
    fn source_defaults_to_the_package() {
        let p = paragraph(
            "Package: zlib1g-dev\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nProvides: libz-dev (= 1:1.2.13.dfsg-1), foo:any\n",
        );
        let b = BinaryPackage::from_paragraph(&p).unwrap();
        assert_eq!(
            (b.source.as_str(), b.source_version.as_str()),
            ("zlib1g-dev", "1:1.2.13.dfsg-1")
        );
        assert_eq!(b.provides, ["libz-dev", "foo"]);
    }

    #[test]
    fn a_paragraph_without_version_is_no_package() {
        assert!(BinaryPackage::from_paragraph(&paragraph("Package: x\n")).is_none());
    }
}
