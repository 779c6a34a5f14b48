//! Debian architecture names and wildcards, matched exactly as
//! `Dpkg::Arch::debarch_is` does, from dpkg's own tables
//! (`/usr/share/dpkg/tupletable` and `cputable`, or `$DPKG_DATADIR`).

use crate::location::InputError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// dpkg's mapping from architecture names to `abi-libc-os-cpu` tuples.
#[derive(Debug, Clone)]
pub struct ArchTable {
    tuples: HashMap<String, [String; 4]>,
}

impl ArchTable {
    /// Reads dpkg's tables from `$DPKG_DATADIR` (default `/usr/share/dpkg`).
    pub fn load_system(dpkg_datadir: Option<&str>) -> Result<Self, InputError> {
        let dir = PathBuf::from(dpkg_datadir.unwrap_or("/usr/share/dpkg"));
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| {
                InputError::about(
                    &path,
                    format!("cannot read dpkg's architecture table: {e}"),
                    "install dpkg (or set DPKG_DATADIR to its data directory)",
                )
            })
        };
        Ok(Self::from_tables(&read("cputable")?, &read("tupletable")?))
    }

    /// Builds the table from the text of `cputable` and `tupletable`,
    /// expanding `<cpu>` as dpkg does (first mapping wins).
    pub fn from_tables(cputable: &str, tupletable: &str) -> Self {
        let cpus: Vec<&str> = table_rows(cputable)
            .filter_map(|r| r.first().copied())
            .collect();
        let mut tuples: HashMap<String, [String; 4]> = HashMap::new();
        let mut seen_tuples = std::collections::HashSet::new();
        for row in table_rows(tupletable) {
            let (Some(tuple), Some(name)) = (row.first(), row.get(1)) else {
                continue;
            };
            let mut add = |tuple: String, name: String, first_wins: bool| {
                if first_wins && (tuples.contains_key(&name) || seen_tuples.contains(&tuple)) {
                    return;
                }
                let parts: Vec<&str> = tuple.splitn(4, '-').collect();
                if let [a, b, c, d] = parts[..] {
                    tuples.insert(name, [a.into(), b.into(), c.into(), d.into()]);
                }
                seen_tuples.insert(tuple);
            };
            if tuple.contains("<cpu>") {
                for cpu in &cpus {
                    add(
                        tuple.replace("<cpu>", cpu),
                        name.replace("<cpu>", cpu),
                        true,
                    );
                }
            } else {
                add(tuple.to_string(), name.to_string(), false);
            }
        }
        ArchTable { tuples }
    }

    /// The tuple of a real architecture name (`linux-` prefix allowed, as dpkg allows).
    fn tuple(&self, arch: &str) -> Option<&[String; 4]> {
        let arch = match arch.strip_prefix("linux-") {
            Some(rest) => rest.split('-').next().unwrap_or(rest),
            None => arch,
        };
        self.tuples.get(arch)
    }

    /// The tuple a wildcard (or plain name) stands for, `any` in the open places.
    fn wildcard_tuple(&self, alias: &str) -> Option<[String; 4]> {
        let parts: Vec<&str> = alias.splitn(4, '-').collect();
        if parts.contains(&"any") {
            let any = "any".to_string();
            let p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
            Some(match p.len() {
                4 => [p[0].clone(), p[1].clone(), p[2].clone(), p[3].clone()],
                3 => [any, p[0].clone(), p[1].clone(), p[2].clone()],
                2 => [any.clone(), any, p[0].clone(), p[1].clone()],
                _ => [any.clone(), any.clone(), any.clone(), any],
            })
        } else {
            self.tuple(alias).cloned()
        }
    }

    /// Whether the real architecture `real` matches `alias` (a name or a wildcard
    /// such as `linux-any` or `any-amd64`): `Dpkg::Arch::debarch_is`.
    pub fn is(&self, real: &str, alias: &str) -> bool {
        if alias == real || alias == "any" {
            return true;
        }
        let (Some(r), Some(a)) = (self.tuple(real), self.wildcard_tuple(alias)) else {
            return false;
        };
        r.iter().zip(a.iter()).all(|(r, a)| a == "any" || a == r)
    }

    /// Whether a relation's architecture restriction (`[linux-any]`,
    /// `[!hurd-any !kfreebsd-any]`) lets it apply on `arch`, as
    /// `Dpkg::Deps` evaluates it: a list of negations holds unless one
    /// matches, any other list when one of its names matches.
    pub fn restriction_holds(&self, arch: &str, list: &[String]) -> bool {
        if list.iter().all(|a| a.starts_with('!')) {
            !list.iter().any(|a| self.is(arch, &a[1..]))
        } else {
            list.iter()
                .any(|a| self.is(arch, a.trim_start_matches('!')))
        }
    }

    /// The CPU part of architecture `arch`'s tuple (`amd64` for `amd64`,
    /// `arm` for `armhf`).
    pub fn cpu(&self, arch: &str) -> Option<&str> {
        self.tuple(arch).map(|t| t[3].as_str())
    }

    /// Whether `arch` names a known architecture, `any`, or a wildcard that
    /// matches at least one known architecture.
    pub fn is_known(&self, arch: &str) -> bool {
        arch == "any"
            || self.tuple(arch).is_some()
            || self.tuples.keys().any(|real| self.is(real, arch))
    }
}

/// The whitespace-separated columns of a dpkg table, comments and blank lines skipped.
fn table_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|r| !r.is_empty())
}

/// The host architecture dh would use: `$DEB_HOST_ARCH` when set and not empty,
/// else what `dpkg-architecture -qDEB_HOST_ARCH` says (as `Dh_Lib::hostarch`).
pub fn host_arch(deb_host_arch: Option<&str>) -> Result<String, InputError> {
    dpkg_architecture("DEB_HOST_ARCH", deb_host_arch)
}

/// The architecture of this machine's dpkg: `$DEB_HOST_ARCH` when set
/// and not empty, else `dpkg --print-architecture`. For the commands that
/// ask about the machine rather than build (`dh_rumprun chain`): dpkg
/// answers in a few milliseconds, dpkg-architecture in about forty.
pub fn native_arch(deb_host_arch: Option<&str>) -> Result<String, InputError> {
    if let Some(a) = deb_host_arch.filter(|a| !a.is_empty()) {
        return Ok(a.to_string());
    }
    match std::process::Command::new("dpkg")
        .arg("--print-architecture")
        .output()
    {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        _ => Err(InputError::about(
            Path::new("dpkg"),
            "cannot run dpkg --print-architecture",
            "set DEB_HOST_ARCH",
        )),
    }
}

/// The target architecture for `X-DH-Build-For-Type: target` packages:
/// `$DEB_TARGET_ARCH` when set and not empty, else what dpkg-architecture says.
pub fn target_arch(deb_target_arch: Option<&str>) -> Result<String, InputError> {
    dpkg_architecture("DEB_TARGET_ARCH", deb_target_arch)
}

fn dpkg_architecture(variable: &str, value: Option<&str>) -> Result<String, InputError> {
    if let Some(a) = value.filter(|a| !a.is_empty()) {
        return Ok(a.to_string());
    }
    let fail = |why: String| {
        InputError::about(
            Path::new(variable),
            format!("cannot tell {variable}: {why}"),
            format!("set {variable} or install dpkg-dev"),
        )
    };
    let out = std::process::Command::new("dpkg-architecture")
        .arg(format!("-q{variable}"))
        .output()
        .map_err(|e| fail(format!("dpkg-architecture: {e}")))?;
    if !out.status.success() {
        return Err(fail(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system() -> ArchTable {
        ArchTable::load_system(None).expect("dpkg tables")
    }

    #[test]
    fn wildcards_match_as_dpkg_does() {
        let t = system();
        for (real, alias, want) in [
            ("amd64", "amd64", true),
            ("amd64", "any", true),
            ("amd64", "linux-any", true),
            ("amd64", "any-amd64", true),
            ("amd64", "any-i386", false),
            ("i386", "any-i386", true),
            ("armhf", "any-arm", true),
            ("armel", "any-arm", true),
            ("arm64", "any-arm", false),
            ("amd64", "kfreebsd-any", false),
            ("kfreebsd-amd64", "kfreebsd-any", true),
            ("amd64", "gnu-any-any", true),
            ("amd64", "musl-any-any", false),
            ("amd64", "x32", false),
            ("amd64", "nosucharch", false),
        ] {
            assert_eq!(t.is(real, alias), want, "{real} vs {alias}");
        }
    }

    #[test]
    fn known_names_and_wildcards() {
        let t = system();
        assert!(t.is_known("amd64"));
        assert!(t.is_known("linux-any"));
        assert!(t.is_known("any-arm64"));
        assert!(!t.is_known("amd46"));
        assert!(!t.is_known("nosuchos-any"));
    }

    #[test]
    fn restrictions_with_and_without_negation() {
        let t = system();
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(t.restriction_holds("amd64", &list(&["linux-any"])));
        assert!(!t.restriction_holds("netbsd-amd64", &list(&["linux-any"])));
        assert!(!t.restriction_holds("netbsd-amd64", &list(&["amd64", "arm64"])));
        assert!(t.restriction_holds("netbsd-amd64", &list(&["!hurd-any", "!linux-any"])));
        assert!(!t.restriction_holds("amd64", &list(&["!hurd-any", "!linux-any"])));
        assert!(t.restriction_holds("netbsd-amd64", &list(&["!hurd-any"])));
        assert!(t.restriction_holds("netbsd-amd64", &list(&["any-amd64"])));
    }

    #[test]
    fn host_arch_prefers_environment() {
        assert_eq!(host_arch(Some("armhf")).expect("set"), "armhf");
    }
}
