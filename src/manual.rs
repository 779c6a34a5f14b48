//! Manual pages as data: each command's manual is one [`Manual`] value,
//! printed by `--help` and rendered to a roff man page at package build
//! time (`dh_rumprun manpage NAME`), so the two never drift apart.

/// A command's manual.
#[derive(Debug)]
pub struct Manual {
    /// The command name.
    pub name: &'static str,
    /// The one-line summary (the whatis line).
    pub summary: &'static str,
    /// The synopsis, without the command name.
    pub synopsis: &'static str,
    /// Paragraphs of description, separated by blank lines.
    pub description: &'static str,
    /// Options: (spelling, explanation).
    pub options: &'static [(&'static str, &'static str)],
    /// Paragraphs of notes (may be empty).
    pub notes: &'static str,
}

/// The debhelper options every stage takes.
pub const COMMON_STAGE_OPTIONS: &[(&str, &str)] = &[
    (
        "-a, --arch",
        "Act on the architecture-dependent flavour packages.",
    ),
    (
        "-i, --indep",
        "Act on architecture-independent packages (flavours never are, so nothing is done).",
    ),
    ("-p PKG, --package=PKG", "Act on package PKG (repeatable)."),
    (
        "-N PKG, --no-package=PKG",
        "Do not act on package PKG (repeatable).",
    ),
    (
        "--remaining-packages",
        "Skip packages whose debian/PKG.debhelper.log records this command.",
    ),
    (
        "-v, --verbose",
        "Print each command as it is run (also DH_VERBOSE=1).",
    ),
    (
        "--no-act",
        "Print what would be done and do nothing (also DH_NO_ACT=1).",
    ),
    (
        "-O OPTION",
        "An option passed on by dh: applied when this command knows it, ignored otherwise.",
    ),
    (
        "-S SYSTEM, --buildsystem=SYSTEM",
        "Use this debhelper build system instead of auto-detection.",
    ),
    (
        "-D DIR, --sourcedirectory=DIR",
        "The source lives in DIR (as for dh_auto_configure).",
    ),
    (
        "--parallel, --no-parallel, --max-parallel=N",
        "Parallel build jobs, as for dh_auto_build (DEB_BUILD_OPTIONS=parallel=N).",
    ),
    ("-h, --help", "Print this help."),
];

impl Manual {
    /// The text `--help` prints.
    pub fn help(&self, options: &[(&str, &str)]) -> String {
        let mut out = format!(
            "{} - {}\n\nUsage: {} {}\n\n",
            self.name, self.summary, self.name, self.synopsis
        );
        for para in self.description.split("\n\n") {
            out.push_str(&wrap(para, 78));
            out.push_str("\n\n");
        }
        out.push_str("Options:\n");
        for (spelling, what) in options.iter().chain(self.options) {
            out.push_str(&format!("  {spelling}\n      {what}\n"));
        }
        out
    }

    /// The man page (section 1) in roff.
    pub fn roff(&self, options: &[(&str, &str)], version: &str) -> String {
        let mut out = format!(
            ".TH {} 1 \"\" \"dh-rumprun {}\" \"Debhelper\"\n.SH NAME\n{} \\- {}\n.SH SYNOPSIS\n.B {}\n{}\n.SH DESCRIPTION\n",
            self.name.to_uppercase(),
            version,
            escape(self.name),
            escape(self.summary),
            escape(self.name),
            escape(self.synopsis)
        );
        for para in self.description.split("\n\n") {
            out.push_str(&format!(".PP\n{}\n", escape(&unwrap(para))));
        }
        if !options.is_empty() || !self.options.is_empty() {
            out.push_str(".SH OPTIONS\n");
            for (spelling, what) in options.iter().chain(self.options) {
                out.push_str(&format!(".TP\n.B {}\n{}\n", escape(spelling), escape(what)));
            }
        }
        if !self.notes.is_empty() {
            out.push_str(".SH NOTES\n");
            for para in self.notes.split("\n\n") {
                out.push_str(&format!(".PP\n{}\n", escape(&unwrap(para))));
            }
        }
        out.push_str(".SH SEE ALSO\n.BR debhelper (7),\n.BR dh (1),\n.BR dh_rumprun (1)\n");
        out
    }
}

/// Joins the lines of a paragraph.
fn unwrap(para: &str) -> String {
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Wraps a paragraph at `width` columns.
fn wrap(para: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in para.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

/// Escapes text for roff: backslashes, hyphens, and a leading dot or quote.
fn escape(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Manual = Manual {
        name: "dh_x",
        summary: "does x",
        synopsis: "[options]",
        description: "First para\nwraps.\n\n.Second para.",
        options: &[("--x", "the x")],
        notes: "",
    };

    #[test]
    fn roff_and_help() {
        let roff = M.roff(&[("-v", "verbose")], "1.0");
        assert!(roff.starts_with(".TH DH_X 1"));
        assert!(roff.contains("dh_x \\- does x"));
        assert!(roff.contains(".PP\nFirst para wraps.\n"));
        assert!(roff.contains(".PP\n\\&.Second para.\n"));
        assert!(roff.contains(".B \\-\\-x\n"));
        let help = M.help(&[]);
        assert!(help.contains("Usage: dh_x [options]"));
        assert!(help.contains("  --x\n      the x\n"));
    }
}
