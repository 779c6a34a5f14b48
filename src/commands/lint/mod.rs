//! `dh_rumprun lint`: checks a source package's packaging for static-only
//! rumprun builds and reports in lintian's form
//! (`E: pkg[ source]: tag[ context][ [file:line]]`), with lintian's
//! override syntax and an explanation for every tag.
//!
//! [`source`] holds the checks of a source tree and [`deb`] those of a
//! built flavour package; each emits [`Finding`]s for tags of
//! [`tags::TAGS`]. This module applies the overrides and
//! formats.

pub mod deb;
pub mod overrides;
pub mod source;
pub mod tags;

use serde::Serialize;
use tags::Severity;

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The tag's severity.
    pub severity: Severity,
    /// The package it is about: a binary package, or the source.
    pub package: String,
    /// Whether `package` is the source package.
    pub source: bool,
    /// The tag.
    pub tag: &'static str,
    /// What exactly (an architecture, a switch, a function name), if
    /// anything.
    pub context: Option<String>,
    /// The file it is in, relative to the package's top directory.
    pub file: Option<String>,
    /// The 1-based line in `file`.
    pub line: Option<usize>,
    /// Whether an override covers it.
    pub overridden: bool,
}

impl Finding {
    /// A finding of tag `tag` (which must be in [`tags::TAGS`]).
    pub fn new(tag: &'static str, package: &str, source: bool) -> Finding {
        let severity = tags::tag(tag).map_or(Severity::Error, |t| t.severity);
        Finding {
            severity,
            package: package.to_string(),
            source,
            tag,
            context: None,
            file: None,
            line: None,
            overridden: false,
        }
    }

    /// With a context.
    pub fn context(mut self, context: impl Into<String>) -> Finding {
        self.context = Some(context.into());
        self
    }

    /// With a place.
    pub fn at(mut self, file: &str, line: usize) -> Finding {
        self.file = Some(file.to_string());
        self.line = Some(line);
        self
    }

    /// The text an override's context is matched against: the context and
    /// the `[file:line]` pointer, as lintian matches them.
    pub fn matchable(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.context {
            parts.push(c.clone());
        }
        if let (Some(f), Some(l)) = (&self.file, self.line) {
            parts.push(format!("[{f}:{l}]"));
        }
        parts.join(" ")
    }
}

impl std::fmt::Display for Finding {
    /// lintian's line: `E: pkg[ source]: tag[ context][ [file:line]]`, `O:`
    /// when overridden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = if self.overridden {
            'O'
        } else {
            self.severity.code()
        };
        write!(f, "{code}: {}", self.package)?;
        if self.source {
            write!(f, " source")?;
        }
        write!(f, ": {}", self.tag)?;
        let rest = self.matchable();
        if !rest.is_empty() {
            write!(f, " {rest}")?;
        }
        Ok(())
    }
}

/// Orders findings as lintian prints them: by severity (errors first),
/// package, tag, place.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.tag.cmp(b.tag))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.context.cmp(&b.context))
    });
}

/// Whether any finding not overridden is at `threshold` or above.
pub fn fails(findings: &[Finding], threshold: Severity) -> bool {
    findings
        .iter()
        .any(|f| !f.overridden && f.severity >= threshold)
}
