//! Which packages a command acts on, computed exactly as `dh_listpackages`
//! does (`Dh_Lib::getpackages` and `Dh_Getopt::parseopts`): architecture
//! (wildcards included), Build-Profiles against `DEB_BUILD_PROFILES`,
//! `-a`/`-i`/`-p`/`-N`, `DH_INTERNAL_OPTIONS` and `--remaining-packages`.

use crate::debian::arch::{ArchTable, host_arch, target_arch};
use crate::debian::control::{Control, Package};
use crate::debian::profiles::active_profiles;
use crate::env::Env;
use crate::location::InputError;
use crate::stages::dh_options::{DhOptions, Request};
use std::path::Path;

/// The packages a command acts on, or why it acts on none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The selected packages, in the order debhelper lists them.
    pub packages: Vec<String>,
    /// Warnings debhelper would print (its noop warnings).
    pub warnings: Vec<String>,
    /// The host architecture, when a stanza made the selection resolve it
    /// (so that callers need not run `dpkg-architecture` again).
    pub host_arch: Option<String>,
}

/// The packages of `control` that are built in this build, by kind:
/// `getpackages('arch')`, `getpackages('indep')` and `getpackages('both')`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuiltPackages {
    /// Architecture-dependent packages built for the host architecture.
    pub arch: Vec<String>,
    /// `Architecture: all` packages.
    pub indep: Vec<String>,
    /// Both, in control file order.
    pub both: Vec<String>,
    /// The host architecture, when a stanza's Architecture needed it.
    pub host_arch: Option<String>,
}

/// Reads the host architecture and dpkg's tables only when a stanza needs them.
struct ArchContext<'a> {
    env: &'a Env,
    host: Option<String>,
    target: Option<String>,
    table: Option<ArchTable>,
}

impl ArchContext<'_> {
    fn matches(&mut self, package: &Package) -> Result<bool, InputError> {
        let arch = package.architecture.as_str();
        if arch == "any" {
            return Ok(true);
        }
        let for_target = package
            .stanza
            .folded("X-DH-Build-For-Type")
            .is_some_and(|t| t == "target");
        let desired = if for_target {
            if self.target.is_none() {
                self.target = Some(target_arch(self.env.get("DEB_TARGET_ARCH"))?);
            }
            &self.target
        } else {
            if self.host.is_none() {
                self.host = Some(host_arch(self.env.get("DEB_HOST_ARCH"))?);
            }
            &self.host
        };
        if self.table.is_none() {
            self.table = Some(ArchTable::load_system(self.env.get("DPKG_DATADIR"))?);
        }
        let (Some(desired), Some(table)) = (desired, &self.table) else {
            return Ok(false);
        };
        Ok(arch.split_whitespace().any(|a| table.is(desired, a)))
    }
}

/// Splits the packages of `control` into what this build builds, as
/// `Dh_Lib::_parse_debian_control` does.
pub fn built_packages(control: &Control, env: &Env) -> Result<BuiltPackages, InputError> {
    let profiles = active_profiles(env.get("DEB_BUILD_PROFILES"));
    let mut arch_ctx = ArchContext {
        env,
        host: None,
        target: None,
        table: None,
    };
    let mut built = BuiltPackages::default();
    for p in &control.packages {
        if let Some(formula) = &p.build_profiles
            && !formula.holds(&profiles)
        {
            continue;
        }
        if p.is_arch_all() {
            built.indep.push(p.name.clone());
        } else if arch_ctx.matches(p)? {
            built.arch.push(p.name.clone());
        } else {
            continue;
        }
        built.both.push(p.name.clone());
    }
    built.host_arch = arch_ctx.host;
    Ok(built)
}

/// The packages a command named `tool` acts on with `opts`, as
/// `dh_listpackages` with the same options and environment would list them.
/// `debian_dir` is where `PKG.debhelper.log` files are read for
/// `--remaining-packages`.
pub fn select(
    control: &Control,
    opts: &DhOptions,
    env: &Env,
    tool: &str,
    debian_dir: &Path,
) -> Result<Selection, InputError> {
    for (how, pkg) in &opts.command_line_packages {
        if control.package(pkg).is_none() {
            let known: Vec<&str> = control.packages.iter().map(|p| p.name.as_str()).collect();
            return Err(InputError::about(
                &control.path,
                format!("requested unknown package {pkg} via {how}"),
                format!("name one of: {}", known.join(" ")),
            ));
        }
    }
    // Unknown packages from DH_OPTIONS, DH_INTERNAL_OPTIONS or -O: dh's
    // check dies inside Getopt::Long, which drops the option.
    let known = |r: &Request| match r {
        Request::Package(p) => control.package(p).is_some(),
        _ => true,
    };
    let mut opts = opts.clone();
    opts.requests.retain(known);
    opts.excluded.retain(|p| control.package(p).is_some());
    if let Some(internal) = &mut opts.internal_requests {
        internal.retain(known);
    }
    let opts = &opts;
    let built = built_packages(control, env)?;
    let mut warnings = Vec::new();
    let none = |warnings: Vec<String>| {
        Ok(Selection {
            packages: Vec::new(),
            warnings,
            host_arch: built.host_arch.clone(),
        })
    };

    let mut internally_excluded: Vec<&str> = Vec::new();
    // dh excludes what DH_INTERNAL_OPTIONS does not request only when it
    // requested something: -a/-i (even with no package of that type) or a
    // package this build builds.
    if let Some(internal) = opts.internal_requests.as_ref().filter(|i| {
        i.iter().any(|r| match r {
            Request::Package(p) => built.both.contains(p),
            _ => true,
        })
    }) {
        let (chosen, _, _) = expand(internal, &built);
        internally_excluded = control
            .packages
            .iter()
            .map(|p| p.name.as_str())
            .filter(|p| !chosen.iter().any(|c| c == p))
            .collect();
    }
    let (mut chosen, profile_excluded, arch_or_indep) = expand(&opts.requests, &built);
    if chosen.is_empty() {
        if profile_excluded {
            warnings.push("All requested packages have been excluded (e.g. via a Build-Profile or due to architecture restrictions).".into());
        }
        if arch_or_indep {
            warnings.push("You asked that all arch in(dep) packages be built, but there are none of that type.".into());
        }
        if profile_excluded || arch_or_indep {
            return none(warnings);
        }
        chosen = built.both.clone();
    }
    let mut packages: Vec<String> = Vec::new();
    for p in chosen {
        let excluded = opts.excluded.contains(&p)
            || internally_excluded.contains(&p.as_str())
            || (opts.remaining_packages && logged(debian_dir, &p, tool));
        if !excluded && !packages.contains(&p) {
            packages.push(p);
        }
    }
    if packages.is_empty() {
        let requested: Vec<&String> = opts
            .requests
            .iter()
            .filter_map(|r| match r {
                Request::Package(p) => Some(p),
                _ => None,
            })
            .collect();
        let all_requested_gone = !requested.is_empty()
            && requested
                .iter()
                .all(|p| internally_excluded.contains(&p.as_str()) || !built.both.contains(p));
        if all_requested_gone {
            warnings.push("All requested packages have been excluded (e.g. via a Build-Profile or due to architecture restrictions).".into());
        } else {
            let mut archs: Vec<&str> = control
                .packages
                .iter()
                .map(|p| p.architecture.as_str())
                .collect();
            archs.sort_unstable();
            archs.dedup();
            let host = built
                .host_arch
                .as_deref()
                .or(env.get("DEB_HOST_ARCH"))
                .unwrap_or("the host");
            warnings.push(format!(
                "No packages to build. Possible architecture mismatch: {host}, want: {}",
                archs.join(" ")
            ));
        }
    }
    Ok(Selection {
        packages,
        warnings,
        host_arch: built.host_arch,
    })
}

/// Expands requests into packages (`Dh_Getopt::AddPackage`): the list, whether
/// a `-p` package was dropped by profile or architecture, and whether `-a`
/// or `-i` was given.
fn expand(requests: &[Request], built: &BuiltPackages) -> (Vec<String>, bool, bool) {
    let mut chosen = Vec::new();
    let mut profile_excluded = false;
    let mut arch_or_indep = false;
    for r in requests {
        match r {
            Request::Arch => {
                chosen.extend(built.arch.iter().cloned());
                arch_or_indep = true;
            }
            Request::Indep => {
                chosen.extend(built.indep.iter().cloned());
                arch_or_indep = true;
            }
            Request::Package(p) if built.both.contains(p) => chosen.push(p.clone()),
            Request::Package(_) => profile_excluded = true,
        }
    }
    (chosen, profile_excluded, arch_or_indep)
}

/// Whether `debian/PKG.debhelper.log` records `tool` (for `--remaining-packages`).
fn logged(debian_dir: &Path, package: &str, tool: &str) -> bool {
    std::fs::read_to_string(debian_dir.join(format!("{package}.debhelper.log")))
        .is_ok_and(|log| log.lines().any(|l| l == tool))
}
