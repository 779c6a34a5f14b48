//! The chain printed: text for a maintainer, JSON for scripts, and a
//! Graphviz graph.

use super::answer::{Chain, FlavourState, Status};

/// One line per source in build order (`SOURCE VERSION: STATUS (PACKAGES),
/// after SOURCES`), its tags below it as lint prints them, then what was
/// left out.
pub fn text(chains: &[Chain]) -> String {
    let mut out = String::new();
    for (i, c) in chains.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let Some(target) = c.steps.last() else {
            continue;
        };
        out.push_str(&format!(
            "chain of {}{} for {}:\n",
            target.source,
            target
                .version
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            c.flavour_arch
        ));
        for s in &c.steps {
            let mut line = s.source.clone();
            if let (Some(v), true) = (&s.version, s.status != Status::Target) {
                line.push_str(&format!(" {v}"));
            }
            line.push_str(&format!(": {}", s.status.word()));
            if !s.libraries.is_empty() {
                let libs: Vec<String> = s
                    .libraries
                    .iter()
                    .map(|l| match (s.status, l.flavour_state) {
                        (Status::Toolchain, _) => l.package.clone(),
                        (_, FlavourState::Installed) => format!("{} installed", l.flavour),
                        (_, FlavourState::Known) => format!("{} in apt", l.flavour),
                        (_, FlavourState::Missing) => format!("{} -> {}", l.package, l.flavour),
                    })
                    .collect();
                line.push_str(&format!(" ({})", libs.join(", ")));
            }
            if !s.needs.is_empty() {
                line.push_str(&format!(", after {}", s.needs.join(" ")));
            }
            out.push_str(&line);
            out.push('\n');
            for b in &s.blockers {
                out.push_str(&format!(
                    "  {}: {} {}\n",
                    b.severity.code(),
                    b.tag,
                    b.context
                ));
            }
        }
        for l in &c.left_out {
            out.push_str(&format!(
                "left out: {} (for {}): {}\n",
                l.package, l.by, l.reason
            ));
        }
    }
    out
}

/// The chains as a JSON array.
pub fn json(chains: &[Chain]) -> String {
    let mut s = serde_json::to_string_pretty(chains).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// The fill colour of a status in the graph.
fn colour(status: Status) -> &'static str {
    match status {
        Status::Toolchain => "#e5e7eb",
        Status::Present => "#bbf7d0",
        Status::Available => "#d9f99d",
        Status::Build => "#fde68a",
        Status::Blocked => "#fca5a5",
        Status::Target => "#bfdbfe",
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A Graphviz digraph: one box per source, labelled with its version and
/// status and filled by status; an arrow from each source to those it
/// needs. Several chains share their sources.
pub fn dot(chains: &[Chain]) -> String {
    let mut nodes = std::collections::BTreeMap::new();
    let mut edges = std::collections::BTreeSet::new();
    for c in chains {
        for s in &c.steps {
            let mut label = s.source.clone();
            if let Some(v) = &s.version {
                label.push_str(&format!("\\n{v}"));
            }
            label.push_str(&format!("\\n{}", s.status.word()));
            for b in s.blockers.iter().filter(|b| b.severity.code() == 'E') {
                label.push_str(&format!("\\n{}", b.tag));
            }
            nodes.insert(s.source.clone(), (label, colour(s.status)));
            for n in &s.needs {
                edges.insert((s.source.clone(), n.clone()));
            }
        }
    }
    let mut out = String::from(
        "digraph chain {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n",
    );
    for (name, (label, fill)) in &nodes {
        out.push_str(&format!(
            "  {} [label=\"{}\", fillcolor=\"{fill}\"];\n",
            quote(name),
            label.replace('"', "\\\"")
        ));
    }
    for (from, to) in &edges {
        out.push_str(&format!("  {} -> {};\n", quote(from), quote(to)));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::chain::answer::{Blocker, Chain, LeftOut, Library, Step};
    use crate::commands::lint::tags::Severity;

    fn sample() -> Chain {
        let step = |source: &str, status, needs: &[&str]| Step {
            source: source.into(),
            version: Some("1.0-1".into()),
            status,
            libraries: vec![Library {
                package: format!("lib{source}-dev"),
                flavour: format!("lib{source}-rumprun-dev"),
                flavour_state: if status == Status::Present {
                    FlavourState::Installed
                } else {
                    FlavourState::Missing
                },
            }],
            needs: needs.iter().map(|n| n.to_string()).collect(),
            blockers: Vec::new(),
        };
        let mut b = step("b", Status::Blocked, &[]);
        b.blockers.push(Blocker {
            tag: "source-not-available",
            severity: Severity::Error,
            context: "b".into(),
        });
        let mut app = step("app", Status::Target, &["a", "b"]);
        app.libraries.clear();
        Chain {
            target: "app".into(),
            flavour_arch: "netbsd-amd64".into(),
            steps: vec![step("a", Status::Present, &[]), b, app],
            left_out: vec![LeftOut {
                package: "libm-dev".into(),
                by: "libb-dev".into(),
                reason: "linux".into(),
            }],
        }
    }

    #[test]
    fn text_has_one_line_per_source_and_its_tags() {
        assert_eq!(
            text(&[sample()]),
            "chain of app 1.0-1 for netbsd-amd64:\n\
             a 1.0-1: present (liba-rumprun-dev installed)\n\
             b 1.0-1: blocked (libb-dev -> libb-rumprun-dev)\n\
             \x20 E: source-not-available b\n\
             app: target, after a b\n\
             left out: libm-dev (for libb-dev): linux\n"
        );
    }

    #[test]
    fn dot_colours_by_status_and_points_at_what_is_needed() {
        let d = dot(&[sample()]);
        assert!(d.starts_with("digraph chain {"));
        assert!(d.contains(
            "\"b\" [label=\"b\\n1.0-1\\nblocked\\nsource-not-available\", fillcolor=\"#fca5a5\"];"
        ));
        assert!(d.contains("\"app\" -> \"a\";"));
        assert!(d.contains("\"app\" -> \"b\";"));
    }

    #[test]
    fn json_has_the_same_facts() {
        let v: serde_json::Value = serde_json::from_str(&json(&[sample()])).unwrap();
        assert_eq!(v[0]["steps"][1]["status"], "blocked");
        assert_eq!(v[0]["steps"][1]["blockers"][0]["severity"], "error");
        assert_eq!(
            v[0]["steps"][0]["libraries"][0]["flavour_state"],
            "installed"
        );
    }
}
