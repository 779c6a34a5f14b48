//! Errors about a place in an input file, and the one place where text
//! offsets become `file:line`.
//!
//! Every problem with a maintainer's file is reported as one line:
//! `debian/control:12: <what is wrong>; <how to fix it>`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with an input (a file, an option, an environment variable):
/// where it is, what is wrong and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file the problem is in, or the name of the option or variable.
    pub path: PathBuf,
    /// The 1-based line in `path`, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, without a trailing period.
    pub message: String,
    /// What the user should do about it.
    pub fix: String,
}

impl InputError {
    /// An error at `path:line` (`line` is 1-based).
    pub fn at(
        path: &Path,
        line: usize,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        InputError {
            path: path.to_path_buf(),
            line: Some(line),
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// An error about `path` as a whole (a missing file, an option, a variable).
    pub fn about(path: &Path, message: impl Into<String>, fix: impl Into<String>) -> Self {
        InputError {
            path: path.to_path_buf(),
            line: None,
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever the message holds.
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", flat(&self.message))?;
        if !self.fix.is_empty() {
            write!(f, "; {}", flat(&self.fix))?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(1), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(5), 3);
        assert_eq!(idx.line_of(6), 4);
    }

    #[test]
    fn display_is_one_line() {
        let e = InputError::at(Path::new("debian/control"), 3, "bad\nthing", "fix it");
        assert_eq!(e.to_string(), "debian/control:3: bad thing; fix it");
        let e = InputError::about(Path::new("DEB_BUILD_OPTIONS"), "x", "");
        assert_eq!(e.to_string(), "DEB_BUILD_OPTIONS: x");
    }
}
