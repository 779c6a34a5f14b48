//! Overrides in lintian's syntax, from `debian/source/rumprun-lint-overrides`
//! (source tags) and `debian/PKG.rumprun-lint-overrides` (tags of binary
//! package PKG): `[pkg [arch] [type]:] tag [context]`, `*` and `?` as
//! wildcards in the context, `#` comments.

use super::Finding;
use std::path::Path;

/// One override line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The package the file belongs to.
    pub package: String,
    /// Whether it is the source's file.
    pub source: bool,
    /// The tag.
    pub tag: String,
    /// The context pattern (empty: any).
    pub context: String,
    /// Where it is written.
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
}

/// Parses an overrides file of `package`.
pub fn parse(path: &Path, text: &str, package: &str, source: bool) -> Vec<Override> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // An optional "pkg [arch] [type]:" prefix, before the first ':'
        // that precedes any space-free tag.
        let body = match line.split_once(": ") {
            Some((prefix, rest)) if !prefix.contains('[') || prefix.contains(']') => rest.trim(),
            _ => line,
        };
        let (tag, context) = match body.split_once(char::is_whitespace) {
            Some((t, c)) => (t.to_string(), c.trim().to_string()),
            None => (body.to_string(), String::new()),
        };
        out.push(Override {
            package: package.to_string(),
            source,
            tag,
            context,
            file: path.display().to_string(),
            line: i + 1,
        });
    }
    out
}

/// Whether `text` matches the glob `pattern` (`*` any run, `?` one char).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Marks the findings the overrides cover, and returns the overrides that
/// covered nothing.
pub fn apply<'a>(findings: &mut [Finding], overrides: &'a [Override]) -> Vec<&'a Override> {
    let mut used = vec![false; overrides.len()];
    for f in findings.iter_mut() {
        for (i, o) in overrides.iter().enumerate() {
            let context_matches = o.context.is_empty() || glob(&o.context, &f.matchable());
            if o.tag == f.tag && o.package == f.package && o.source == f.source && context_matches {
                f.overridden = true;
                used[i] = true;
            }
        }
    }
    overrides
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(o, _)| o)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lintian_syntax_and_globs() {
        let text = "# why\nhello-rumprun binary: pie-in-flavour -pie*\nflavour-without-build-profiles\n\nhello source: unused\n";
        let o = parse(
            Path::new("debian/hello-rumprun.rumprun-lint-overrides"),
            text,
            "hello-rumprun",
            false,
        );
        assert_eq!(o.len(), 3);
        assert_eq!(
            (o[0].tag.as_str(), o[0].context.as_str(), o[0].line),
            ("pie-in-flavour", "-pie*", 2)
        );
        assert_eq!(o[1].tag, "flavour-without-build-profiles");
        assert!(glob("-pie*", "-pie [debian/rules:4]"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        let mut findings = vec![
            Finding::new("pie-in-flavour", "hello-rumprun", false)
                .context("-pie")
                .at("debian/rules", 4),
        ];
        let unused = apply(&mut findings, &o);
        assert!(findings[0].overridden);
        assert_eq!(unused.len(), 2);
    }
}
