//! What add-flavour reads of the native `debian/rules` (with
//! makefile-lossless): the dh line, the native configure arguments and
//! which of them the flavour's configure can take, and the native
//! install's override.

use super::Refusal;
use crate::debian::rules::{
    build_system_options, is_host_specific, is_install_dir_switch, is_shared_switch, runs_dh,
};
use makefile_lossless::Makefile;

/// What the rules file says, read with a Makefile parser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Rules {
    /// The dh command line, when a rule runs `dh $@`.
    pub(super) dh_line: Option<String>,
    /// The first `dh_auto_configure` in `override_dh_auto_configure` (a
    /// rules file that configures several builds, as GLib's deb and udeb
    /// builds, has its main one first): its options that choose the build
    /// system and source directory (long form), the arguments after `--`,
    /// and its 1-based line.
    pub(super) configure_args: Option<(Vec<String>, Vec<String>, usize)>,
    /// The 1-based lines of the `dh_auto_configure` calls after that first
    /// one, which the flavour does not take.
    pub(super) other_configure_lines: Vec<usize>,
    /// Whether these targets exist.
    pub(super) has_rumprun_configure: bool,
    /// `override_dh_auto_install`'s `dh_auto_install` line: 1-based line
    /// and text, when there is one.
    pub(super) auto_install: Option<(usize, String)>,
    pub(super) has_auto_install_override: bool,
}

pub(super) fn read_rules(text: &str) -> Result<Rules, Refusal> {
    // GNU make accepts some lines makefile-lossless calls errors (an extra
    // parenthesis in an ifeq, as gcc-defaults has); the relaxed tree still
    // holds the rules, and only appends follow from it.
    let (makefile, _errors) = Makefile::from_str_relaxed(text);
    let mut rules = Rules::default();
    for rule in makefile.rules() {
        let targets: Vec<String> = rule.targets().collect();
        for recipe in rule.recipe_nodes() {
            let line = recipe.text();
            // Continuation backslashes are not words of the command.
            let words: Vec<&str> = line.split_whitespace().filter(|w| *w != "\\").collect();
            if runs_dh(&words) && rules.dh_line.is_none() {
                rules.dh_line = Some(line.trim().to_string());
            }
            if targets.iter().any(|t| t == "override_dh_auto_configure") {
                if let Some(i) = words.iter().position(|w| *w == "dh_auto_configure") {
                    let dashes = words[i + 1..].iter().position(|w| *w == "--");
                    let options_end = dashes.map_or(words.len(), |d| i + 1 + d);
                    let options = build_system_options(&words[i + 1..options_end]);
                    let args = dashes
                        .map(|d| words[i + 2 + d..].iter().map(|w| w.to_string()).collect())
                        .unwrap_or_default();
                    if rules.configure_args.is_none() {
                        rules.configure_args = Some((options, args, recipe.line() + 1));
                    } else {
                        rules.other_configure_lines.push(recipe.line() + 1);
                    }
                }
            }
            if targets.iter().any(|t| t == "override_dh_auto_install")
                && words.first() == Some(&"dh_auto_install")
            {
                rules.auto_install = Some((recipe.line() + 1, line.clone()));
            }
        }
        if targets.iter().any(|t| t == "override_dh_rumprun_configure") {
            rules.has_rumprun_configure = true;
        }
        // An override with no recipe (the native package installs some
        // other way) is an override all the same: it is not to be replaced.
        if targets
            .iter()
            .any(|t| t == "override_dh_auto_install" || t == "override_dh_auto_install-arch")
        {
            rules.has_auto_install_override = true;
        }
    }
    Ok(rules)
}

/// The native configure arguments, sorted for the flavour's configure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct CarriedArgs {
    /// What the flavour's configure gets, in order.
    pub(super) kept: Vec<String>,
    /// Shared-library switches, left out.
    pub(super) shared: Vec<String>,
    /// Install-directory switches (with their value word when separate),
    /// left out: the flavour installs under its own prefix.
    pub(super) install_dirs: Vec<String>,
    /// Host tools, flags and multiarch paths, left out: the flavour is a
    /// cross build with its own.
    pub(super) host: Vec<String>,
}

pub(super) fn carry_configure_args(args: &[String]) -> CarriedArgs {
    let mut out = CarriedArgs::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if is_shared_switch(a) {
            out.shared.push(a.clone());
        } else if is_install_dir_switch(a) {
            out.install_dirs.push(a.clone());
            // "--libdir DIR": the value is the next word.
            if a.starts_with("--") && !a.contains('=') {
                if let Some(v) = args.get(i + 1) {
                    out.install_dirs.push(v.clone());
                    i += 1;
                }
            }
        } else if is_host_specific(a) {
            out.host.push(a.clone());
        } else {
            out.kept.push(a.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_several_configures_is_carried() {
        let rules = read_rules(indoc::indoc! {"
            %:
            \tdh $@

            override_dh_auto_configure:
            \tdh_auto_configure -Smeson -B build/deb -- -Dman=true
            \tdh_auto_configure -B build/udeb -- -Ddefault_library=shared
        "})
        .unwrap();
        assert_eq!(
            rules.configure_args,
            Some((
                vec!["--buildsystem=meson".to_string()],
                vec!["-Dman=true".to_string()],
                5
            ))
        );
        assert_eq!(rules.other_configure_lines, vec![6]);
    }
}
