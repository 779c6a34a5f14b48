//! From the files a link read to `Static-Built-Using` and `Built-Using`:
//! the owning binary packages (`dpkg-query --search`), their sources and
//! source versions (`dpkg-query -W`, versions parsed and ordered with
//! debversion, derived as dpkg's `${source:Version}`), and which sources' licences require shipping
//! their source (the GPL family, read from the DEP-5 copyright file).
//!
//! Everything here is pure: it parses what `dpkg-query` printed and
//! decides; the substvars stage runs the commands.

use debversion::Version;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The other spelling of `path` on a merged-/usr system (`/lib/x` for
/// `/usr/lib/x` and back), as dpkg may have registered either.
pub fn merged_usr_twin(path: &Path) -> Option<PathBuf> {
    const DIRS: [&str; 4] = ["bin", "sbin", "lib", "lib64"];
    let mut parts = path.components();
    parts
        .next()
        .filter(|c| *c == std::path::Component::RootDir)?;
    let first = parts.next()?.as_os_str().to_str()?;
    if first == "usr" {
        let second = parts.next()?.as_os_str().to_str()?;
        (DIRS.contains(&second) || second.starts_with("lib"))
            .then(|| Path::new("/").join(second).join(parts.as_path()))
    } else if DIRS.contains(&first) || first.starts_with("lib") {
        Some(Path::new("/usr").join(first).join(parts.as_path()))
    } else {
        None
    }
}

/// An installed binary package, as `dpkg-query -W -f` prints it with
/// [`SHOW_FORMAT`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// `${binary:Package}` (with `:arch` for Multi-Arch: same packages).
    pub package: String,
    /// `${Version}`.
    pub version: Version,
    /// `${Source}`: empty, `NAME`, or `NAME (VERSION)`.
    pub source_field: String,
}

/// The `dpkg-query -W -f` format [`parse_installed`] reads.
pub const SHOW_FORMAT: &str = "${binary:Package}\\t${Version}\\t${Source}\\n";

/// Parses `dpkg-query -W -f` output in [`SHOW_FORMAT`]; a line whose
/// version does not parse is an error naming it.
pub fn parse_installed(output: &str) -> Result<Vec<Installed>, String> {
    let mut out = Vec::new();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.splitn(3, '\t');
        let package = fields.next().unwrap_or_default().to_string();
        let version_text = fields.next().unwrap_or_default();
        let version: Version = version_text
            .parse()
            .map_err(|_| format!("{package}: version \"{version_text}\" does not parse"))?;
        out.push(Installed {
            package,
            version,
            source_field: fields.next().unwrap_or_default().trim().to_string(),
        });
    }
    Ok(out)
}

/// A source package and version, as `Static-Built-Using` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// The source package.
    pub name: String,
    /// Its version.
    pub version: Version,
}

impl PartialOrd for SourceRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SourceRef {
    /// By name, then by Debian version order.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name
            .cmp(&other.name)
            .then_with(|| self.version.cmp(&other.version))
    }
}

impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (= {})", self.name, self.version)
    }
}

/// The source of an installed binary package, as dpkg's
/// `${source:Package}` and `${source:Version}`: the `Source` field's name
/// and version when it has them, else the package's own name (without
/// `:arch`) and version. A binNMU (`1.0-1+b1`) always carries
/// `Source: NAME (1.0-1)` (dpkg-gencontrol writes it whenever the binary
/// version differs from the source's), which is where the suffix goes.
pub fn source_of(p: &Installed) -> Result<SourceRef, String> {
    let own_name = p.package.split(':').next().unwrap_or_default().to_string();
    let field = p.source_field.trim();
    let (name, version) = match field.split_once('(') {
        Some((name, rest)) => {
            let v = rest.trim_end().trim_end_matches(')').trim();
            let version: Version = v
                .parse()
                .map_err(|_| format!("{}: Source version \"{v}\" does not parse", p.package))?;
            (name.trim().to_string(), version)
        }
        None if !field.is_empty() => (field.to_string(), p.version.clone()),
        None => (own_name, p.version.clone()),
    };
    Ok(SourceRef { name, version })
}

/// The licences whose terms require shipping the source of what a binary
/// was built from, as dh-cargo lists them (`dh-cargo-built-using`).
const SOURCE_LEFT: [&str; 10] = [
    "GPL", "LGPL", "AGPL", "GFDL", "MPL", "CDDL", "CPL", "Artistic", "Perl", "QPL",
];

/// Whether `word` occurs in `text` as a whole word (letters, digits and
/// `_` around it do not count), case-insensitively, as `grep -iw`.
fn has_word(text: &str, word: &str) -> bool {
    let (t, w) = (text.to_ascii_lowercase(), word.to_ascii_lowercase());
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    t.match_indices(&w).any(|(i, _)| {
        !is_word(t[..i].chars().next_back()) && !is_word(t[i + w.len()..].chars().next())
    })
}

/// Whether a binary package's copyright file says its source must ship
/// with what is built from it, decided as dh-cargo decides: the file must
/// be machine-readable (DEP-5 `Format:`), else `None`; then
/// `X-Binary-Requires-Source: yes`, or a `License:` naming one of
/// [`SOURCE_LEFT`] as a word (`GPL-2+`, `LGPL-2.1`, `MPL-2.0`, ...).
pub fn requires_source(copyright: &str) -> Option<bool> {
    let field = |name: &'static str| {
        copyright
            .lines()
            .filter_map(move |l| l.strip_prefix(name))
            .map(str::trim)
    };
    if !field("Format:").any(|f| f.contains("copyright-format/1.0")) {
        return None;
    }
    if field("X-Binary-Requires-Source:").any(|v| v.eq_ignore_ascii_case("yes")) {
        return Some(true);
    }
    Some(field("License:").any(|l| SOURCE_LEFT.iter().any(|w| has_word(l, w))))
}

/// The substvar value: sources sorted, each once.
pub fn substvar_value(sources: &BTreeSet<SourceRef>) -> String {
    sources
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::debian::dpkg::parse_search;

    #[test]
    fn merged_usr_twins() {
        let twin = |p: &str| merged_usr_twin(Path::new(p)).map(|t| t.display().to_string());
        assert_eq!(
            twin("/usr/lib/x86_64-linux-gnu/libz.a").as_deref(),
            Some("/lib/x86_64-linux-gnu/libz.a")
        );
        assert_eq!(
            twin("/lib/x86_64-linux-gnu/libz.a").as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/libz.a")
        );
        assert_eq!(twin("/usr/x86_64-rumprun-netbsd/lib/libgreet.a"), None);
        assert_eq!(twin("relative/libz.a"), None);
    }

    #[test]
    fn search_output_without_diversions() {
        let out = "diversion by dash from: /bin/sh\n\
                   musl-dev:amd64: /usr/lib/x86_64-linux-musl/libc.a\n\
                   libfoo-dev, libfoo-alt-dev: /usr/lib/libfoo.a\n";
        let o = parse_search(out);
        assert_eq!(o.len(), 2);
        assert_eq!(
            o[Path::new("/usr/lib/x86_64-linux-musl/libc.a")],
            ["musl-dev:amd64"]
        );
        assert_eq!(
            o[Path::new("/usr/lib/libfoo.a")],
            ["libfoo-dev", "libfoo-alt-dev"]
        );
    }

    #[test]
    fn requires_source_as_dh_cargo_decides() {
        let dep5 = |body: &str| {
            format!(
                "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n{body}"
            )
        };
        for (body, want) in [
            ("Files: *\nLicense: LGPL-2.1+\n", true),
            ("Files: *\nLicense: MIT or GPL-2+\n", true),
            ("Files: *\nLicense: MPL-2.0\n", true),
            (
                "Files: *\nLicense: BSD-3-clause\n\nFiles: x\nLicense: GPL-3+ with Bison exception\n",
                true,
            ),
            (
                "Files: *\nLicense: Expat\nX-Binary-Requires-Source: yes\n",
                true,
            ),
            ("Files: *\nLicense: Expat\n", false),
            ("Files: *\nLicense: NGPLX\n", false),
        ] {
            assert_eq!(requires_source(&dep5(body)), Some(want), "{body}");
        }
        assert_eq!(
            requires_source("This is not DEP-5. It mentions the GPL in prose.\n"),
            None
        );
    }

    #[test]
    fn substvar_is_sorted_by_name_then_version() {
        let s = |n: &str, v: &str| SourceRef {
            name: n.into(),
            version: v.parse().expect("version"),
        };
        let set: BTreeSet<SourceRef> = [
            s("musl", "1.2.3-1"),
            s("libgreet", "1.0-1"),
            s("musl", "1.2.3-1"),
        ]
        .into_iter()
        .collect();
        assert_eq!(substvar_value(&set), "libgreet (= 1.0-1), musl (= 1.2.3-1)");
    }
}
