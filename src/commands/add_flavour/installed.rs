//! What add-flavour asks dpkg (it honours `DPKG_ADMINDIR`): which library
//! flavours the source's `-dev` build-dependencies have installed, and
//! which of those build-dependencies ship no library and stand for the
//! `-dev` packages they depend on. Where dpkg cannot say, nothing is.

use super::{dev_build_depends, dev_dependencies, library_flavour_candidates};
use crate::commands::chain::ships_library;
use crate::debian::dpkg::Database;
use crate::flavour::library_flavour_name;
use std::collections::{BTreeMap, BTreeSet};

/// For the control file `control`: the installed library flavours among
/// its candidates and those of its `-dev` build-dependencies' stand-ins
/// ([`super::Inputs::installed_flavours`]), and the stand-ins
/// ([`super::Inputs::dev_aliases`]).
pub fn library_flavours(control: &str) -> (BTreeSet<String>, BTreeMap<String, Vec<String>>) {
    let mut installed_flavours = installed_packages(&library_flavour_candidates(control));
    let dev_aliases = dev_aliases(&dev_build_depends(control), &installed_flavours);
    let alias_flavours: Vec<String> = dev_aliases
        .values()
        .flatten()
        .map(|d| library_flavour_name(d))
        .collect();
    installed_flavours.extend(installed_packages(&alias_flavours));
    (installed_flavours, dev_aliases)
}

/// For each of the `-dev` build-dependencies `devs` whose flavour is not
/// installed, when dpkg has it installed and it ships no library (a
/// transitional or meta package, `libshout3-dev`): the `-dev` packages it
/// depends on. Empty when dpkg cannot say.
fn dev_aliases(
    devs: &[String],
    installed_flavours: &BTreeSet<String>,
) -> BTreeMap<String, Vec<String>> {
    let unflavoured: Vec<&String> = devs
        .iter()
        .filter(|d| !installed_flavours.contains(&library_flavour_name(d)))
        .collect();
    if unflavoured.is_empty() {
        return Default::default();
    }
    let host = std::env::var("DEB_HOST_ARCH").ok();
    let Ok(arch) = crate::debian::arch::native_arch(host.as_deref()) else {
        return Default::default();
    };
    let Ok(db) = Database::read(&arch) else {
        return Default::default();
    };
    let installed: Vec<&str> = unflavoured
        .into_iter()
        .filter(|d| db.is_installed(d))
        .map(String::as_str)
        .collect();
    let Ok(files) = Database::files_of(&installed) else {
        return Default::default();
    };
    installed
        .into_iter()
        .filter(|d| !ships_library(files.get(*d).map_or(&[], |f| f)))
        .map(|d| {
            let depends = &db.installed[d].depends;
            (d.to_string(), dev_dependencies(depends))
        })
        .filter(|(_, stands_for)| !stands_for.is_empty())
        .collect()
}

/// Which of `packages` dpkg says are installed (one `dpkg-query -W`; it
/// honours `DPKG_ADMINDIR`). None when dpkg cannot say.
fn installed_packages(packages: &[String]) -> BTreeSet<String> {
    if packages.is_empty() {
        return Default::default();
    }
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Package} ${db:Status-Status}\n"])
        .args(packages)
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(out) = out else {
        return Default::default();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(" installed"))
        .map(str::to_string)
        .collect()
}
