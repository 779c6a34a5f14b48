//! Build profiles: the `Build-Profiles` field of a binary stanza and the
//! profiles a build runs with (`DEB_BUILD_PROFILES`), evaluated as
//! `Dpkg::BuildProfiles::evaluate_restriction_formula` does.

use debian_control::relations::BuildProfile;

/// A parsed `Build-Profiles` formula: a list of `<...>` groups; the formula
/// holds when every term of at least one group holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    groups: Vec<Vec<Term>>,
}

/// One term of a group: a profile name, possibly negated (`!nocheck`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    negated: bool,
    profile: String,
}

/// Why a `Build-Profiles` value is not a restriction formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

impl Formula {
    /// Parses `<!nocheck> <pkg.foo.bar cross>`.
    pub fn parse(text: &str) -> Result<Self, SyntaxError> {
        let mut groups = Vec::new();
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(SyntaxError("empty Build-Profiles field".into()));
        }
        while !rest.is_empty() {
            let Some(body) = rest.strip_prefix('<') else {
                return Err(SyntaxError(format!("expected '<' at \"{rest}\"")));
            };
            let Some(end) = body.find('>') else {
                return Err(SyntaxError(format!("unclosed '<' in \"{text}\"")));
            };
            let group: Vec<Term> = body[..end]
                .split_whitespace()
                .map(Term::parse)
                .collect::<Result<_, _>>()?;
            if group.is_empty() {
                return Err(SyntaxError("empty restriction list '<>'".into()));
            }
            groups.push(group);
            let after = &body[end + 1..];
            if !after.is_empty() && !after.starts_with(char::is_whitespace) {
                // dpkg splits groups only on ">\s+<", so "<a><b>" is one odd term.
                return Err(SyntaxError(format!(
                    "no white space between restriction lists in \"{text}\""
                )));
            }
            rest = after.trim_start();
        }
        Ok(Formula { groups })
    }

    /// The formula of a relation's restriction list as debian-control
    /// parses it (`<!nocheck> <cross>`: one group per `<...>`).
    pub fn from_build_profiles(groups: &[Vec<BuildProfile>]) -> Formula {
        let groups = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|p| match p {
                        BuildProfile::Enabled(n) => Term {
                            negated: false,
                            profile: n.clone(),
                        },
                        BuildProfile::Disabled(n) => Term {
                            negated: true,
                            profile: n.clone(),
                        },
                    })
                    .collect()
            })
            .collect();
        Formula { groups }
    }

    /// Whether the formula holds for the active `profiles`.
    pub fn holds(&self, profiles: &[String]) -> bool {
        self.groups.iter().any(|group| {
            group
                .iter()
                .all(|t| profiles.contains(&t.profile) != t.negated)
        })
    }
}

impl Term {
    fn parse(word: &str) -> Result<Term, SyntaxError> {
        let (negated, profile) = match word.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, word),
        };
        if !is_profile_name(profile) {
            return Err(SyntaxError(format!(
                "\"{word}\" is not a build profile name"
            )));
        }
        Ok(Term {
            negated,
            profile: profile.to_string(),
        })
    }
}

/// Profile names as dpkg accepts them: lowercase letters, digits, `.`, `+`, `-`.
fn is_profile_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

/// The active profiles: `DEB_BUILD_PROFILES` split on white space.
pub fn active_profiles(deb_build_profiles: Option<&str>) -> Vec<String> {
    deb_build_profiles
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(formula: &str, profiles: &str) -> bool {
        Formula::parse(formula)
            .expect("valid")
            .holds(&active_profiles(Some(profiles)))
    }

    #[test]
    fn evaluates_like_dpkg() {
        assert!(holds("<!nocheck>", ""));
        assert!(!holds("<!nocheck>", "nocheck"));
        assert!(holds("<stage1>", "stage1 nocheck"));
        assert!(!holds("<stage1 cross>", "stage1"));
        assert!(holds("<stage1 cross> <nocheck>", "nocheck"));
        assert!(!holds("<!pkg.hello.norumprun>", "pkg.hello.norumprun"));
        assert!(holds("<!pkg.hello.norumprun>", "pkg.other.norumprun"));
    }

    #[test]
    fn rejects_malformed_formulas() {
        for bad in [
            "",
            "nocheck",
            "<nocheck",
            "<>",
            "<Nocheck>",
            "<!>",
            "<a> b",
            "<!a><!b>",
        ] {
            assert!(Formula::parse(bad).is_err(), "{bad:?}");
        }
    }
}
