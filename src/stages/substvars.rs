//! `dh_rumprun_substvars`: records what the flavour's programs were built
//! from, before `dh_gencontrol`.

use super::Context;
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Plan, Step};
use std::path::PathBuf;

/// The manual of `dh_rumprun_substvars`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_substvars",
    summary: "compute Static-Built-Using for rumprun flavour packages",
    synopsis: "[debhelper options]",
    description: "dh_rumprun_substvars writes rumprun:Static-Built-Using and rumprun:Built-Using \
        into debian/PKG.substvars for each flavour package, always, even when empty, so that \
        \"Static-Built-Using: ${rumprun:Static-Built-Using}\" never refers to an undefined \
        variable.",
    options: &[],
    notes: "This version records no linker trace yet, so both values are empty; they are to \
        list, as \"src (= version)\", the source packages whose static archives the flavour's \
        link read.",
};

/// The substvars this stage owns.
const VARIABLES: [&str; 2] = ["rumprun:Static-Built-Using", "rumprun:Built-Using"];

/// `existing` substvars text with the rumprun variables set to `values`
/// (replaced where present, appended otherwise; other lines kept).
pub fn updated_substvars(existing: &str, values: &[(&str, String); 2]) -> String {
    let mut out: Vec<String> = existing
        .lines()
        .filter(|l| {
            let name = l.split(['=', '?']).next().unwrap_or("");
            !VARIABLES.contains(&name)
        })
        .map(str::to_string)
        .collect();
    for (name, value) in values {
        out.push(format!("{name}={value}"));
    }
    out.join("\n") + "\n"
}

/// Writes the variables for each flavour package.
pub fn plan(ctx: &Context) -> Result<Plan, InputError> {
    let mut steps = Vec::new();
    for f in &ctx.flavours {
        let path = PathBuf::from(format!("debian/{}.substvars", f.package));
        let existing = match std::fs::read_to_string(ctx.root.join(&path)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(InputError::about(
                    &path,
                    format!("cannot read: {e}"),
                    "make it a readable text file",
                ));
            }
        };
        // This version does not read a linker trace yet, so no linked
        // archive is known: both variables are defined and empty.
        let values = [(VARIABLES[0], String::new()), (VARIABLES[1], String::new())];
        steps.push(Step::Write {
            path,
            contents: updated_substvars(&existing, &values),
            executable: false,
        });
    }
    steps.extend(ctx.log_steps());
    Ok(Plan { steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_its_own_variables() {
        let old = "misc:Depends=foo\nrumprun:Built-Using=old (= 1)\nshlibs:Depends=libc6\n";
        let new = updated_substvars(
            old,
            &[
                (VARIABLES[0], "musl (= 1.2.3-1)".into()),
                (VARIABLES[1], String::new()),
            ],
        );
        assert_eq!(
            new,
            "misc:Depends=foo\nshlibs:Depends=libc6\nrumprun:Static-Built-Using=musl (= 1.2.3-1)\nrumprun:Built-Using=\n"
        );
        assert_eq!(
            updated_substvars(
                &new,
                &[
                    (VARIABLES[0], "musl (= 1.2.3-1)".into()),
                    (VARIABLES[1], String::new())
                ]
            ),
            new
        );
    }
}
