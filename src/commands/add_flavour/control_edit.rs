//! The appends add-flavour makes to one control file's text (`debian/control`
//! or the template it is generated from): relations at the end of
//! Build-Depends, after its last value line, and the flavour stanza at the
//! end, so comments, field order and spacing stay.

use super::{Refusal, relation_names, template};
use crate::debian::control::Control;
use std::path::Path;

/// The 0-based index range of the lines of the field starting on 1-based
/// `line`: the field line and its continuation lines (comment lines inside
/// count; trailing comment lines do not).
fn field_lines(lines: &[&str], line: usize) -> std::ops::Range<usize> {
    let start = line - 1;
    let mut end = start + 1;
    let mut last_value = start + 1;
    while end < lines.len() {
        let l = lines[end];
        if l.starts_with(' ') || l.starts_with('\t') {
            if !l.trim().is_empty() {
                last_value = end + 1;
            }
        } else if !l.starts_with('#') {
            break;
        }
        end += 1;
    }
    start..last_value
}

/// Appends `relations` to the Build-Depends field starting on `line` of
/// `control`, whose field lines are found in `resolved` (the same text line
/// for line, as its generator reads it: [`template::for_vendor`]).
fn append_build_depends(
    control: &str,
    resolved: &str,
    line: usize,
    relations: &[String],
) -> String {
    let lines: Vec<&str> = control.split_inclusive('\n').collect();
    let resolved_lines: Vec<&str> = resolved.split_inclusive('\n').collect();
    let range = field_lines(&resolved_lines, line);
    let last = lines[range.end - 1];
    let body = last.trim_end_matches(['\n', '\r']);
    let newline = &last[body.len()..];
    let newline = if newline.is_empty() { "\n" } else { newline };
    let sep = if body.trim_end().ends_with(',') {
        ""
    } else {
        ","
    };
    let indent = resolved_lines[range.start + 1..range.end]
        .iter()
        .find(|l| l.starts_with(' ') || l.starts_with('\t'))
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .unwrap_or(" ");
    let mut out: String = lines[..range.end - 1].concat();
    out.push_str(&format!("{}{sep}{newline}", body.trim_end()));
    for (i, r) in relations.iter().enumerate() {
        let comma = if i + 1 < relations.len() { "," } else { "" };
        out.push_str(&format!("{indent}{r}{comma}{newline}"));
    }
    out.push_str(&lines[range.end..].concat());
    out
}

/// What [`edit_control`] did to one control file.
pub(super) struct EditedControl {
    /// The new text.
    pub(super) text: String,
    /// The relations it appended to Build-Depends.
    pub(super) relations: Vec<String>,
    /// Whether it appended the flavour stanza.
    pub(super) stanza: bool,
}

/// Appends to the control file `text` (at `path`, for messages) the
/// `wanted` relations whose names it lacks in Build-Depends (each: the
/// names that satisfy it, and the relation to write), and the stanza `(name,
/// text)` unless it has a package `name`. `resolved` is `text` as its
/// generator reads it, line for line ([`template::for_vendor`]; `text`
/// itself for `debian/control`).
pub(super) fn edit_control(
    path: &Path,
    text: &str,
    resolved: &str,
    wanted: &[(Vec<String>, String)],
    (name, stanza): (&str, &str),
) -> Result<EditedControl, Refusal> {
    let control = Control::parse(path, resolved)?;
    let Some(bd) = control.source.field("Build-Depends") else {
        return Err(Refusal(format!(
            "{}:{}: the source stanza has no Build-Depends; add \"Build-Depends: debhelper-compat (= 13)\" first",
            path.display(),
            control.source.line
        )));
    };
    let have = relation_names(&bd.value);
    let relations: Vec<String> = wanted
        .iter()
        .filter(|(names, _)| !names.iter().any(|n| have.contains(n)))
        .map(|(_, r)| r.clone())
        .collect();
    let mut new = text.to_string();
    if !relations.is_empty() {
        new = append_build_depends(&new, resolved, bd.line, &relations);
    }
    let add_stanza = control.package(name).is_none();
    if add_stanza {
        let trimmed = new.trim_end_matches(['\n', '\r']).len();
        // A template that ends with other vendors' lines after an empty
        // line generates that empty line last for this vendor: the stanza
        // follows it, and each other vendor gets an empty line of its own
        // (`:ubuntu:`) before it.
        let resolved_lines: Vec<&str> = resolved.trim_end_matches(['\n', '\r']).lines().collect();
        let others: Vec<&str> = resolved_lines
            .iter()
            .rev()
            .map_while(|l| template::other_vendor(l))
            .collect();
        let separator = match resolved_lines.len().checked_sub(others.len() + 1) {
            Some(i) if !others.is_empty() && resolved_lines[i].trim().is_empty() => {
                let mut vendors: Vec<&str> = Vec::new();
                for v in others.iter().rev() {
                    if !vendors.contains(v) {
                        vendors.push(v);
                    }
                }
                std::iter::once("\n".to_string())
                    .chain(vendors.iter().map(|v| format!(":{v}:\n")))
                    .collect()
            }
            _ => "\n\n".to_string(),
        };
        new = format!("{}{separator}{stanza}", &new[..trimmed]);
    }
    Ok(EditedControl {
        text: new,
        relations,
        stanza: add_stanza,
    })
}
