//! A snapshot of the process environment, so that everything that reads a
//! variable is a pure function of a value tests can build.

use std::collections::BTreeMap;

/// Environment variables, captured once at start-up (or built by a test).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The current process environment (variables that are not UTF-8 are skipped).
    pub fn capture() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment holding exactly `pairs`.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Whether `name` is set to something other than the empty string
    /// (debhelper's test for `DH_VERBOSE`, `DH_QUIET`, `DH_NO_ACT`).
    pub fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty())
    }

    /// Whether `DEB_BUILD_OPTIONS` holds the word `option` (`Some(None)`) or
    /// `option=VALUE` (`Some(Some(VALUE))`); words are split on white space,
    /// as debhelper's `get_buildoption` splits them.
    pub fn build_option(&self, option: &str) -> Option<Option<&str>> {
        self.get("DEB_BUILD_OPTIONS")?
            .split_whitespace()
            .find_map(|word| match word.split_once('=') {
                Some((k, v)) if k == option => Some(Some(v)),
                None if word == option => Some(None),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_options_are_words() {
        let env = Env::from_pairs([("DEB_BUILD_OPTIONS", "nocheck parallel=4 terse")]);
        assert_eq!(env.build_option("nocheck"), Some(None));
        assert_eq!(env.build_option("parallel"), Some(Some("4")));
        assert_eq!(env.build_option("terse"), Some(None));
        assert_eq!(env.build_option("check"), None);
    }
}
