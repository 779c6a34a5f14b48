//! The chain's answer, a plain value: the steps in build order, each
//! source with its status, libraries, needs and tags, and what was left
//! out. [`super::graph`] computes it, [`super::render`] prints it.

use crate::commands::lint::tags::{Severity, tag};
use serde::Serialize;

/// Where a source stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Brought by the rumprun toolchain (the C library and compiler runtime).
    Toolchain,
    /// Every flavour it needs is installed: nothing to build.
    Present,
    /// Every flavour it needs is known to apt: install them.
    Available,
    /// Its flavours are to be built.
    Build,
    /// Something stops its flavour: see its errors.
    Blocked,
    /// The package the chain was asked about.
    Target,
}

impl Status {
    /// The word the text output uses.
    pub fn word(self) -> &'static str {
        match self {
            Status::Toolchain => "toolchain",
            Status::Present => "present",
            Status::Available => "available",
            Status::Build => "build",
            Status::Blocked => "blocked",
            Status::Target => "target",
        }
    }
}

/// Whether a library flavour exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlavourState {
    /// Installed.
    Installed,
    /// Not installed, but apt can install it.
    Known,
    /// Neither: it has to be built.
    Missing,
}

/// One development package a step provides to the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Library {
    /// The native development package (`zlib1g-dev`).
    pub package: String,
    /// Its flavour (`zlib1g-rumprun-dev`).
    pub flavour: String,
    /// Whether the flavour exists.
    pub flavour_state: FlavourState,
}

/// A tag on a step, as lint prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The tag (`dh_rumprun chain --explain TAG`).
    pub tag: &'static str,
    /// Its severity; an error blocks the step.
    pub severity: Severity,
    /// What it is about.
    pub context: String,
}

/// One source package of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The source package.
    pub source: String,
    /// The version apt would fetch, else the one the packages came from.
    pub version: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// Its development packages the chain needs.
    pub libraries: Vec<Library>,
    /// The chain's sources it needs first.
    pub needs: Vec<String>,
    /// Its tags.
    pub blockers: Vec<Blocker>,
}

/// A development package the chain leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The package.
    pub package: String,
    /// Who asked for it (a package, or the target's source).
    pub by: String,
    /// Why it is left out.
    pub reason: String,
}

/// The answer: the steps in build order (toolchain first, target last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// The target's source package.
    pub target: String,
    /// The Debian name of the system the flavour runs on (`netbsd-amd64`).
    pub flavour_arch: String,
    /// The steps, each after the steps it needs.
    pub steps: Vec<Step>,
    /// What was left out.
    pub left_out: Vec<LeftOut>,
}

/// A tag on a step, with the severity lint's table gives it.
pub fn blocker(name: &'static str, context: impl Into<String>) -> Blocker {
    let severity = tag(name).map(|t| t.severity).unwrap_or(Severity::Error);
    Blocker {
        tag: name,
        severity,
        context: context.into(),
    }
}
