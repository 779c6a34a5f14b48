//! The chain's functional core: from a target's build dependencies and
//! what apt and dpkg know ([`Facts`]), which sources' library flavours the
//! target's flavour needs, in what order, and what blocks each. The
//! result is a plain value ([`super::answer::Chain`]); the shell reads
//! the facts and prints it.

use super::answer::{Blocker, Chain, FlavourState, LeftOut, Library, Status, Step, blocker};
use crate::commands::lint::tags::Severity;
use crate::debian::arch::ArchTable;
use crate::debian::package::BinaryPackage;
use crate::debian::profiles::Formula;
use crate::flavour::library_flavour_name;
use debian_control::lossy::{Relation, Relations};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What an installed development package's files say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// Its static archives (`.a` under `/usr/lib`).
    pub archives: Vec<String>,
    /// Whether it ships a shared library or its link (`.so`).
    pub shared: bool,
    /// The pkg-config modules it ships (`foo` for `.../pkgconfig/foo.pc`).
    pub pc_modules: Vec<String>,
    /// The modules its `.pc` files require (`Requires`, `Requires.private`).
    pub pc_requires: Vec<String>,
    /// The libraries its `.pc` files link (`-lNAME` of `Libs` and
    /// `Libs.private`), `NAME` each.
    pub pc_libs: Vec<String>,
    /// Functions a unikernel cannot serve that its archives call, each
    /// with the archive that calls it.
    pub calls: Vec<(String, String)>,
}

impl Contents {
    /// Whether the package ships a library at all (an archive, a shared
    /// library or a `.pc` file), rather than only headers or tools.
    pub fn is_library(&self) -> bool {
        !self.archives.is_empty() || self.shared || !self.pc_modules.is_empty()
    }
}

/// What the chain reads about packages; the shell answers from apt's lists
/// and dpkg's database, the tests from tables.
pub trait Facts {
    /// A package's record: the installed one, else apt's newest.
    fn binary(&self, name: &str) -> Option<BinaryPackage>;
    /// The packages providing the virtual name `name`, installed ones first.
    fn providers(&self, name: &str) -> Vec<String>;
    /// Whether `name` is installed.
    fn is_installed(&self, name: &str) -> bool;
    /// Whether apt can install `name`.
    fn known_to_apt(&self, name: &str) -> bool;
    /// The architectures the source `source` builds `binary` for
    /// (`Package-List`), when apt's source lists tell.
    fn dev_architectures(&self, source: &str, binary: &str) -> Option<Vec<String>>;
    /// The version of `source` apt can fetch; `None` when it cannot.
    fn source_version(&self, source: &str) -> Option<String>;
    /// Whether apt's source lists were read (so that a missing source
    /// means apt cannot fetch it).
    fn knows_sources(&self) -> bool;
    /// An installed package's files, classified; `None` when not installed.
    fn contents(&self, name: &str) -> Option<Contents>;
    /// The installed package that ships the pkg-config module `module`.
    fn pc_owner(&self, module: &str) -> Option<String>;
    /// The installed package that ships the static archive `libNAME.a`.
    fn archive_owner(&self, name: &str) -> Option<String>;
}

/// What the chain is asked about.
#[derive(Debug, Clone)]
pub struct Target {
    /// The target's source package.
    pub source: String,
    /// Its version, when known.
    pub version: Option<String>,
    /// `Build-Depends` and `Build-Depends-Arch` together.
    pub build_depends: Relations,
    /// The development packages the flavour links, when the maintainer
    /// says (`--links`); else they come from the build dependencies.
    pub links: Vec<String>,
}

/// The architecture a flavour's code runs on, and the build profiles.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    /// dpkg's architecture table.
    pub arch_table: &'a ArchTable,
    /// The Debian architecture the flavour is built on (`amd64`).
    pub host_arch: String,
    /// The build profiles in force (`DEB_BUILD_PROFILES`).
    pub profiles: Vec<String>,
}

impl Settings<'_> {
    /// The Debian name of the system a flavour's code runs on: Rumprun's
    /// libc and kernel interfaces are NetBSD's, so `netbsd-CPU`.
    pub fn flavour_arch(&self) -> String {
        let cpu = self
            .arch_table
            .cpu(&self.host_arch)
            .unwrap_or(&self.host_arch);
        format!("netbsd-{cpu}")
    }
}

/// Sources whose development packages the rumprun toolchain stands in
/// for: the C library (NetBSD's libc has crypt, RPC and nsl) and the
/// compiler's runtime.
const TOOLCHAIN_SOURCES: &[&str] = &["glibc", "linux", "libxcrypt", "libnsl", "libtirpc"];

fn is_toolchain_source(source: &str) -> bool {
    TOOLCHAIN_SOURCES.contains(&source)
        || source
            .strip_prefix("gcc-")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
}

/// Why a library is in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reason {
    /// The target's build dependency, or named by `--links`.
    Target,
    /// A library's dependency.
    Library(String),
}

/// What the walk found about one development package.
#[derive(Debug, Clone)]
struct Node {
    binary: BinaryPackage,
    needs: BTreeSet<String>,
    blockers: Vec<Blocker>,
    flavour_state: FlavourState,
}

/// The walk's state.
struct Walk<'a> {
    facts: &'a dyn Facts,
    settings: &'a Settings<'a>,
    flavour_arch: String,
    nodes: BTreeMap<String, Node>,
    toolchain: BTreeMap<String, (String, BTreeSet<String>)>,
    unknown: BTreeSet<String>,
    left_out: Vec<LeftOut>,
    /// The development packages that ship no library, each with the ones
    /// it depends on, which the walk followed instead (each once).
    aliases: BTreeMap<String, Vec<String>>,
    queue: VecDeque<(String, Reason)>,
}

impl Walk<'_> {
    /// The real package for `name`: itself, or an installed provider,
    /// else the first provider apt knows.
    fn resolve(&self, name: &str) -> Option<BinaryPackage> {
        if let Some(b) = self.facts.binary(name) {
            return Some(b);
        }
        self.facts
            .providers(name)
            .iter()
            .find_map(|p| self.facts.binary(p))
    }

    fn leave_out(&mut self, package: &str, by: &Reason, reason: String, target: &str) {
        let by = match by {
            Reason::Target => target.to_string(),
            Reason::Library(l) => l.clone(),
        };
        let item = LeftOut {
            package: package.to_string(),
            by,
            reason,
        };
        if !self.left_out.contains(&item) {
            self.left_out.push(item);
        }
    }

    /// The first alternative of a relation group that applies on the
    /// flavour's system and that apt or dpkg know, and the names left out
    /// by architecture.
    fn choose<'r>(&self, group: &[&'r Relation]) -> (Option<&'r Relation>, Vec<String>) {
        let mut excluded = Vec::new();
        let applying: Vec<&Relation> = group
            .iter()
            .copied()
            .filter(|r| {
                r.profiles.is_empty()
                    || Formula::from_build_profiles(&r.profiles).holds(&self.settings.profiles)
            })
            .filter(|r| match &r.architectures {
                Some(list)
                    if !self
                        .settings
                        .arch_table
                        .restriction_holds(&self.flavour_arch, list) =>
                {
                    excluded.push(format!("{} [{}]", r.name, list.join(" ")));
                    false
                }
                _ => true,
            })
            .collect();
        let chosen = applying
            .iter()
            .copied()
            .find(|r| self.resolve(&r.name).is_some())
            .or(applying.first().copied());
        (chosen, excluded)
    }

    /// The development packages that ship what `c`'s `.pc` files require
    /// and link (`Requires`, `-lNAME`), but `own`.
    fn linked_owners(&self, c: &Contents, own: &str) -> Vec<String> {
        let mut owners: Vec<String> = Vec::new();
        let found = c
            .pc_requires
            .iter()
            .filter_map(|m| self.facts.pc_owner(m))
            .chain(c.pc_libs.iter().filter_map(|l| self.facts.archive_owner(l)));
        for owner in found {
            if owner != own && !owners.contains(&owner) {
                owners.push(owner);
            }
        }
        owners
    }

    /// The development packages `b` depends on: of each group of
    /// alternatives the first that is one (else the first).
    fn dev_depends(&self, b: &BinaryPackage) -> Vec<String> {
        let mut deps: Vec<String> = Vec::new();
        let Ok(rels) = b.depends.parse::<Relations>() else {
            return deps;
        };
        for group in rels.iter() {
            let Some(first) = group.first() else { continue };
            let chosen = group
                .iter()
                .find(|r| self.resolve(&r.name).is_some_and(|x| x.is_dev()))
                .unwrap_or(first);
            let is_dev = chosen.name.ends_with("-dev")
                || self.resolve(&chosen.name).is_some_and(|x| x.is_dev());
            if is_dev && !deps.contains(&chosen.name) {
                deps.push(chosen.name.clone());
            }
        }
        deps
    }

    /// Follows a development package that ships no library but depends on
    /// others (a transitional or meta package: `libshout3-dev` for
    /// `libshout-dev`, `libjpeg-dev` for `libjpeg62-turbo-dev`) to those,
    /// for the same reason it was reached: it stands for them, in the
    /// needs of each library that names it too.
    fn follow_alias(&mut self, alias: &str, stands_for: Vec<String>, reason: Reason) {
        let resolved: Vec<String> = stands_for
            .iter()
            .filter_map(|d| self.resolve(d).map(|b| b.name))
            .collect();
        if let Reason::Library(by) = &reason {
            if let Some(node) = self.nodes.get_mut(by) {
                node.needs.remove(alias);
                node.needs.extend(resolved.iter().cloned());
            }
        }
        if self.aliases.insert(alias.to_string(), resolved).is_none() {
            for dep in stands_for {
                self.queue.push_back((dep, reason.clone()));
            }
        }
    }

    /// Looks at one development package: toolchain, left out, or a node
    /// with its tags and the packages it needs (queued).
    fn visit(&mut self, name: &str, reason: Reason, target: &str) {
        let Some(b) = self.resolve(name) else {
            if reason == Reason::Target {
                self.unknown.insert(name.to_string());
            }
            return;
        };
        if self.nodes.contains_key(&b.name) {
            return;
        }
        if is_toolchain_source(&b.source) {
            self.toolchain
                .entry(b.source.clone())
                .or_insert_with(|| (b.source_version.clone(), BTreeSet::new()))
                .1
                .insert(b.name.clone());
            return;
        }
        let contents = self.facts.contents(&b.name);
        if let Some(c) = &contents {
            if !c.is_library() {
                let stands_for = self.dev_depends(&b);
                if !stands_for.is_empty() {
                    self.follow_alias(&b.name, stands_for, reason);
                    return;
                }
                self.leave_out(
                    &b.name,
                    &reason,
                    "ships no library (headers or tools only)".into(),
                    target,
                );
                return;
            }
        }
        let mut blockers = Vec::new();
        if let Some(archs) = self.facts.dev_architectures(&b.source, &b.name) {
            if !self
                .settings
                .arch_table
                .restriction_holds(&self.flavour_arch, &archs)
            {
                let list = archs.join(" ");
                if let Reason::Library(_) = reason {
                    self.leave_out(
                        &b.name,
                        &reason,
                        format!(
                            "built for {list} only: {} is not among them",
                            self.flavour_arch
                        ),
                        target,
                    );
                    return;
                }
                blockers.push(blocker(
                    "library-architecture-excludes-flavour",
                    format!("{} [{list}] (flavour: {})", b.name, self.flavour_arch),
                ));
            }
        }
        let flavour = library_flavour_name(&b.name);
        let flavour_state = if self.facts.is_installed(&flavour) {
            FlavourState::Installed
        } else if self.facts.known_to_apt(&flavour) {
            FlavourState::Known
        } else {
            FlavourState::Missing
        };
        let mut deps: Vec<String> = Vec::new();
        if flavour_state == FlavourState::Installed {
            // An installed flavour is still followed, down to the C
            // library, through what it says it links: its own .pc files.
            // The native package's Depends may name libraries the flavour
            // was configured without (libsndfile1-dev's libmpg123-dev),
            // and a present step's tags are dropped with its status.
            if let Some(c) = self.facts.contents(&flavour) {
                deps = self.linked_owners(&c, &b.name);
            }
        } else {
            match &contents {
                Some(c) => {
                    if c.archives.is_empty() && c.shared {
                        blockers.push(blocker("library-without-static-archive", b.name.clone()));
                    }
                    for (call, archive) in &c.calls {
                        let t = if call == "dlopen" {
                            "unsupported-dynamic-loading"
                        } else {
                            "unsupported-process-call"
                        };
                        blockers.push(blocker(t, format!("{call} [{archive}]")));
                    }
                    deps = self.linked_owners(c, &b.name);
                }
                None => blockers.push(blocker(
                    "library-contents-unknown",
                    format!("{} (not installed)", b.name),
                )),
            }
            for dep in self.dev_depends(&b) {
                if !deps.contains(&dep) {
                    deps.push(dep);
                }
            }
        }
        let mut needs = BTreeSet::new();
        for dep in &deps {
            if let Some(d) = self.resolve(dep) {
                needs.insert(d.name.clone());
            }
            self.queue
                .push_back((dep.clone(), Reason::Library(b.name.clone())));
        }
        self.nodes.insert(
            b.name.clone(),
            Node {
                binary: b,
                needs,
                blockers,
                flavour_state,
            },
        );
    }
}

/// Computes the chain of `target`.
pub fn chain(target: &Target, facts: &dyn Facts, settings: &Settings) -> Chain {
    let flavour_arch = settings.flavour_arch();
    let mut walk = Walk {
        facts,
        settings,
        flavour_arch: flavour_arch.clone(),
        nodes: BTreeMap::new(),
        toolchain: BTreeMap::new(),
        unknown: BTreeSet::new(),
        left_out: Vec::new(),
        aliases: BTreeMap::new(),
        queue: VecDeque::new(),
    };
    let mut direct: Vec<String> = Vec::new();
    if !target.links.is_empty() {
        direct = target.links.clone();
    } else {
        let flavoured: Vec<String> = target
            .build_depends
            .iter()
            .flat_map(|g| g.into_iter().map(|r| r.name.clone()).collect::<Vec<_>>())
            .filter_map(|n| crate::flavour::library_of_flavour(&n))
            .collect();
        if !flavoured.is_empty() {
            direct = flavoured;
        } else {
            for group in target.build_depends.iter() {
                let (chosen, excluded) = walk.choose(&group);
                for e in excluded {
                    if e.split(' ').next().is_some_and(|n| n.ends_with("-dev")) {
                        walk.left_out.push(LeftOut {
                            package: e,
                            by: target.source.clone(),
                            reason: format!("its restriction leaves out {flavour_arch}"),
                        });
                    }
                }
                let Some(r) = chosen else { continue };
                let dev =
                    r.name.ends_with("-dev") || walk.resolve(&r.name).is_some_and(|b| b.is_dev());
                if dev && !r.name.ends_with("-rumprun-dev") {
                    direct.push(r.name.clone());
                }
            }
        }
    }
    for name in &direct {
        walk.queue.push_back((name.clone(), Reason::Target));
    }
    while let Some((name, reason)) = walk.queue.pop_front() {
        walk.visit(&name, reason, &target.source);
    }
    let mut direct_real = BTreeSet::new();
    let mut todo: Vec<String> = direct
        .iter()
        .filter_map(|n| walk.resolve(n))
        .map(|b| b.name)
        .collect();
    while let Some(name) = todo.pop() {
        match walk.aliases.get(&name) {
            Some(stands_for) if !direct_real.contains(&name) => {
                direct_real.insert(name.clone());
                todo.extend(stands_for.iter().cloned());
            }
            _ => {
                direct_real.insert(name);
            }
        }
    }
    direct_real.retain(|n| !walk.aliases.contains_key(n));
    order(target, facts, walk, &direct_real, flavour_arch)
}

/// Groups the walk's packages by source and orders the sources.
fn order(
    target: &Target,
    facts: &dyn Facts,
    walk: Walk,
    direct: &BTreeSet<String>,
    flavour_arch: String,
) -> Chain {
    let mut source_of: BTreeMap<String, String> = walk
        .nodes
        .iter()
        .map(|(n, node)| (n.clone(), node.binary.source.clone()))
        .collect();
    for (src, (_, devs)) in &walk.toolchain {
        for d in devs {
            source_of.insert(d.clone(), src.clone());
        }
    }
    let mut steps: BTreeMap<String, Step> = BTreeMap::new();
    for (name, node) in &walk.nodes {
        let src = &node.binary.source;
        let step = steps.entry(src.clone()).or_insert_with(|| Step {
            source: src.clone(),
            version: facts
                .source_version(src)
                .or(Some(node.binary.source_version.clone())),
            status: Status::Build,
            libraries: Vec::new(),
            needs: Vec::new(),
            blockers: Vec::new(),
        });
        step.libraries.push(Library {
            package: name.clone(),
            flavour: library_flavour_name(name),
            flavour_state: node.flavour_state,
        });
        step.blockers.extend(node.blockers.iter().cloned());
        for dep in &node.needs {
            if let Some(s) = source_of.get(dep) {
                if s != src && !step.needs.contains(s) {
                    step.needs.push(s.clone());
                }
            }
        }
    }
    for step in steps.values_mut() {
        step.needs.sort();
        let states: Vec<FlavourState> = step.libraries.iter().map(|l| l.flavour_state).collect();
        step.status = if states.iter().all(|s| *s == FlavourState::Installed) {
            Status::Present
        } else if states.iter().all(|s| *s != FlavourState::Missing) {
            Status::Available
        } else {
            Status::Build
        };
        if step.status == Status::Build {
            if facts.knows_sources() && facts.source_version(&step.source).is_none() {
                step.blockers
                    .push(blocker("source-not-available", step.source.clone()));
            }
        } else {
            step.blockers.clear();
        }
    }
    // Kahn's algorithm, ready sources in name order.
    let mut pending: BTreeMap<String, BTreeSet<String>> = steps
        .iter()
        .map(|(s, step)| {
            let needs = step
                .needs
                .iter()
                .filter(|n| steps.contains_key(*n))
                .cloned()
                .collect();
            (s.clone(), needs)
        })
        .collect();
    let mut ordered: Vec<String> = Vec::new();
    loop {
        let ready: Vec<String> = pending
            .iter()
            .filter(|(_, n)| n.is_empty())
            .map(|(s, _)| s.clone())
            .collect();
        let Some(next) = ready.into_iter().next() else {
            break;
        };
        pending.remove(&next);
        for n in pending.values_mut() {
            n.remove(&next);
        }
        ordered.push(next);
    }
    let cycle: Vec<String> = pending.keys().cloned().collect();
    for s in &cycle {
        let others: Vec<&str> = cycle
            .iter()
            .filter(|o| *o != s)
            .map(String::as_str)
            .collect();
        if let Some(step) = steps.get_mut(s) {
            step.blockers.push(blocker(
                "dependency-cycle",
                format!("{s} <-> {}", others.join(" ")),
            ));
        }
        ordered.push(s.clone());
    }
    let mut out: Vec<Step> = walk
        .toolchain
        .iter()
        .map(|(src, (version, devs))| Step {
            source: src.clone(),
            version: Some(version.clone()),
            status: Status::Toolchain,
            libraries: devs
                .iter()
                .map(|d| Library {
                    package: d.clone(),
                    flavour: "rumprun-toolchain".into(),
                    flavour_state: FlavourState::Installed,
                })
                .collect(),
            needs: Vec::new(),
            blockers: Vec::new(),
        })
        .collect();
    for s in ordered {
        let Some(mut step) = steps.remove(&s) else {
            continue;
        };
        if step.status == Status::Build
            && step.blockers.iter().any(|b| b.severity == Severity::Error)
        {
            step.status = Status::Blocked;
        }
        out.push(step);
    }
    let mut target_needs: Vec<String> = direct
        .iter()
        .filter_map(|d| source_of.get(d).cloned())
        .collect();
    target_needs.sort();
    target_needs.dedup();
    let mut blockers: Vec<Blocker> = walk
        .unknown
        .iter()
        .map(|n| blocker("library-unknown", n.clone()))
        .collect();
    blockers.sort_by(|a, b| a.context.cmp(&b.context));
    out.push(Step {
        source: target.source.clone(),
        version: target.version.clone(),
        status: Status::Target,
        libraries: Vec::new(),
        needs: target_needs,
        blockers,
    });
    let mut left_out = walk.left_out;
    left_out.sort_by(|a, b| (&a.package, &a.by).cmp(&(&b.package, &b.by)));
    Chain {
        target: target.source.clone(),
        flavour_arch,
        steps: out,
        left_out,
    }
}

#[cfg(test)]
mod tests;
