//! The debhelper option contract (`debhelper(7)`, `Dh_Getopt.pm`), shared by
//! every stage: options from `DH_INTERNAL_OPTIONS`, `DH_OPTIONS` and the
//! command line, `-O` options that are ignored when unknown, bundled short
//! options, long-option abbreviations up to compat 12, and the arguments
//! after `--` that go to the build system.

use crate::env::Env;

/// How an option takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arity {
    /// No value.
    Flag,
    /// A value, attached or in the next argument.
    Value,
    /// An optional value (`B:s`): attached, or the next argument unless it starts with `-`.
    OptionalValue,
    /// An integer value.
    Int,
}

/// One option debhelper knows: its canonical name and every spelling.
struct Spec {
    canonical: &'static str,
    names: &'static [&'static str],
    arity: Arity,
}

const fn spec(canonical: &'static str, names: &'static [&'static str], arity: Arity) -> Spec {
    Spec {
        canonical,
        names,
        arity,
    }
}

/// The options of every debhelper command (`Dh_Getopt::getoptions`) plus the
/// build-system options the `dh_auto_*`-like stages take (`Dh_Buildsystems`).
const SPECS: &[Spec] = &[
    spec("verbose", &["v", "verbose"], Arity::Flag),
    spec("no-act", &["no-act"], Arity::Flag),
    spec("indep", &["i", "indep"], Arity::Flag),
    spec("arch", &["a", "arch"], Arity::Flag),
    // Removed in compat 12: an error on the command line; elsewhere dh
    // still adds the arch packages before its error is swallowed.
    spec("same-arch", &["s", "same-arch"], Arity::Flag),
    spec("package", &["p", "package"], Arity::Value),
    spec("no-package", &["N", "no-package"], Arity::Value),
    spec("remaining-packages", &["remaining-packages"], Arity::Flag),
    spec("dbg-package", &["dbg-package"], Arity::Value),
    spec("noscripts", &["n", "noscripts", "no-scripts"], Arity::Flag),
    spec(
        "onlyscripts",
        &["o", "onlyscripts", "only-scripts"],
        Arity::Flag,
    ),
    spec("exclude", &["X", "exclude"], Arity::Value),
    spec("d", &["d"], Arity::Flag),
    spec("tmpdir", &["P", "tmpdir"], Arity::Value),
    spec("u", &["u"], Arity::Value),
    spec("V", &["V"], Arity::OptionalValue),
    spec("all", &["A", "all"], Arity::Flag),
    spec("help", &["h", "help"], Arity::Flag),
    spec("mainpackage", &["mainpackage"], Arity::Value),
    spec("name", &["name"], Arity::Value),
    spec("error-handler", &["error-handler"], Arity::Value),
    spec("O", &["O"], Arity::Value),
    spec(
        "sourcedirectory",
        &["D", "sourcedir", "sourcedirectory"],
        Arity::Value,
    ),
    spec(
        "builddirectory",
        &["B", "builddir", "builddirectory"],
        Arity::OptionalValue,
    ),
    spec("buildsystem", &["S", "buildsystem"], Arity::Value),
    spec("list", &["l", "list"], Arity::Flag),
    spec("parallel", &["parallel"], Arity::Flag),
    spec("no-parallel", &["no-parallel"], Arity::Flag),
    spec("max-parallel", &["max-parallel"], Arity::Int),
    spec(
        "reload-all-buildenv-variables",
        &["reload-all-buildenv-variables"],
        Arity::Flag,
    ),
];

/// A request for packages, in the order given: `-a`, `-i` or `-p PKG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `-a`: the architecture-dependent packages.
    Arch,
    /// `-i`: the architecture-independent packages.
    Indep,
    /// `-p PKG`.
    Package(String),
}

/// How many jobs the build may use (`--parallel`, `--no-parallel`, `--max-parallel=N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parallel {
    /// As `DEB_BUILD_OPTIONS=parallel=N` says (the compat 10+ default).
    FromBuildOptions,
    /// At most this many jobs.
    AtMost(u32),
}

/// Everything the options say, from all three sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhOptions {
    /// `-v`/`DH_VERBOSE`: print each command as it runs.
    pub verbose: bool,
    /// `DH_QUIET` or `terse`: print nothing but errors and warnings.
    pub quiet: bool,
    /// `--no-act`/`DH_NO_ACT`: print what would be done, do nothing.
    pub no_act: bool,
    /// `-h`/`--help`.
    pub help: bool,
    /// The package requests dh made in `DH_INTERNAL_OPTIONS`; packages
    /// outside them are excluded (`None` when dh made none).
    pub internal_requests: Option<Vec<Request>>,
    /// The requests of `DH_OPTIONS` and the command line, in order.
    pub requests: Vec<Request>,
    /// `-N PKG`, from any source.
    pub excluded: Vec<String>,
    /// The packages named by `-p`/`-N` on the command line itself (not in
    /// `-O`), with the option: debhelper fails when one is unknown, and
    /// ignores unknown ones from the other sources.
    pub command_line_packages: Vec<(&'static str, String)>,
    /// `--remaining-packages`.
    pub remaining_packages: bool,
    /// `-S`/`--buildsystem`.
    pub buildsystem: Option<String>,
    /// `-D`/`--sourcedirectory`.
    pub sourcedirectory: Option<String>,
    /// `-B`/`--builddirectory`: the native build's directory (the flavour
    /// has its own; a copy of the tree leaves this one out).
    pub builddirectory: Option<String>,
    /// `--parallel`, `--no-parallel`, `--max-parallel`.
    pub parallel: Parallel,
    /// Arguments after `--` (command line first, then `DH_OPTIONS`), for the build system.
    pub build_system_args: Vec<String>,
    /// Warnings to print (ignored unknown options in `DH_OPTIONS`, ...).
    pub warnings: Vec<String>,
}

/// An option error on the command line: unknown option, missing value, stray argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One option as parsed: its canonical name and value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    canonical: &'static str,
    value: Option<String>,
}

/// The result of parsing one argument array.
#[derive(Debug, Default)]
struct ArrayParse {
    options: Vec<Parsed>,
    non_options: Vec<String>,
    after_double_dash: Vec<String>,
    errors: Vec<String>,
}

fn find_long(name: &str, abbreviations: bool) -> Result<&'static Spec, String> {
    // Getopt::Long also takes a one-letter option with two dashes (`--p=foo`).
    let exact = SPECS.iter().find(|s| s.names.contains(&name));
    if let Some(s) = exact {
        return Ok(s);
    }
    if abbreviations && !name.is_empty() {
        let mut hits: Vec<(&'static Spec, &str)> = Vec::new();
        for s in SPECS {
            for n in s
                .names
                .iter()
                .filter(|n| n.len() > 1 && n.starts_with(name))
            {
                hits.push((s, n));
            }
        }
        // Getopt::Long counts every spelling as its own option (debhelper
        // declares them as separate keys), so `--only` is ambiguous
        // between onlyscripts and only-scripts.
        match hits.as_slice() {
            [(s, _)] => return Ok(s),
            [] => {}
            many => {
                let names: Vec<&str> = many.iter().map(|(_, n)| *n).collect();
                return Err(format!(
                    "option --{name} is ambiguous ({})",
                    names.join(", ")
                ));
            }
        }
    }
    Err(format!("unknown option --{name}"))
}

fn find_short(c: char) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.names.iter().any(|n| n.len() == 1 && n.starts_with(c)))
}

/// Parses one array the way `Getopt::Long` does with `bundling` and `no_ignore_case`.
fn parse_array(args: &[String], abbreviations: bool) -> ArrayParse {
    let mut out = ArrayParse::default();
    let mut i = 0;
    let value_ok = |spec: &Spec, v: &str| spec.arity != Arity::Int || v.parse::<i64>().is_ok();
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.after_double_dash.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = match find_long(name, abbreviations) {
                Ok(s) => s,
                Err(e) => {
                    out.errors.push(e);
                    continue;
                }
            };
            let value = match (spec.arity, attached) {
                (Arity::Flag, Some(_)) => {
                    out.errors
                        .push(format!("option --{name} does not take an argument"));
                    continue;
                }
                (Arity::Flag, None) => None,
                (_, Some(v)) => Some(v),
                (Arity::OptionalValue, None) => match args.get(i) {
                    Some(next) if !next.starts_with('-') => {
                        i += 1;
                        Some(next.clone())
                    }
                    _ => Some(String::new()),
                },
                (_, None) => match args.get(i) {
                    Some(next) => {
                        i += 1;
                        Some(next.clone())
                    }
                    None => {
                        out.errors
                            .push(format!("option --{name} requires an argument"));
                        continue;
                    }
                },
            };
            if let Some(v) = &value
                && !value_ok(spec, v)
            {
                out.errors.push(format!(
                    "value \"{v}\" invalid for option --{name} (number expected)"
                ));
                continue;
            }
            out.options.push(Parsed {
                canonical: spec.canonical,
                value,
            });
        } else if let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (pos, c) in cluster.char_indices() {
                let Some(spec) = find_short(c) else {
                    out.errors.push(format!("unknown option -{c}"));
                    break;
                };
                if spec.arity == Arity::Flag {
                    out.options.push(Parsed {
                        canonical: spec.canonical,
                        value: None,
                    });
                    continue;
                }
                let rest = &cluster[pos + c.len_utf8()..];
                let value = if !rest.is_empty() {
                    rest.to_string()
                } else if spec.arity == Arity::OptionalValue {
                    match args.get(i) {
                        Some(next) if !next.starts_with('-') => {
                            i += 1;
                            next.clone()
                        }
                        _ => String::new(),
                    }
                } else if let Some(next) = args.get(i) {
                    i += 1;
                    next.clone()
                } else {
                    out.errors.push(format!("option -{c} requires an argument"));
                    break;
                };
                if value_ok(spec, &value) {
                    out.options.push(Parsed {
                        canonical: spec.canonical,
                        value: Some(value),
                    });
                } else {
                    out.errors.push(format!(
                        "value \"{value}\" invalid for option -{c} (number expected)"
                    ));
                }
                break;
            }
        } else {
            out.non_options.push(arg.clone());
        }
    }
    out
}

impl DhOptions {
    /// The defaults before any option is read, from the environment
    /// (`DH_VERBOSE`, `DH_QUIET`, `DH_NO_ACT`, `DEB_BUILD_OPTIONS=terse`).
    fn from_env(env: &Env) -> DhOptions {
        let verbose = env.is_set("DH_VERBOSE");
        DhOptions {
            verbose,
            quiet: !verbose && (env.is_set("DH_QUIET") || env.build_option("terse").is_some()),
            no_act: env.is_set("DH_NO_ACT"),
            help: false,
            internal_requests: None,
            requests: Vec::new(),
            excluded: Vec::new(),
            command_line_packages: Vec::new(),
            remaining_packages: false,
            buildsystem: None,
            sourcedirectory: None,
            builddirectory: None,
            parallel: Parallel::FromBuildOptions,
            build_system_args: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Parses `DH_INTERNAL_OPTIONS` (split on `\x1e`), `DH_OPTIONS` (split
    /// on white space) and `args` (the command line without the program
    /// name), in that order, for a package at debhelper `compat` level:
    /// unique prefixes of long options are allowed up to compat 12 and
    /// refused from 13 on. Unknown options on the command line are an
    /// error; in `DH_OPTIONS` a warning; in `-O` ignored.
    pub fn parse(args: &[String], env: &Env, compat: u32) -> Result<DhOptions, UsageError> {
        let abbreviations = compat <= 12;
        let mut opts = DhOptions::from_env(env);
        if let Some(internal) = env.get("DH_INTERNAL_OPTIONS") {
            let array: Vec<String> = internal
                .split('\x1e')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let parsed = parse_array(&array, abbreviations);
            opts.apply_all(&parsed.options, abbreviations);
            if !opts.requests.is_empty() {
                opts.internal_requests = Some(std::mem::take(&mut opts.requests));
            }
        }
        if let Some(dh_options) = env.get("DH_OPTIONS") {
            let array: Vec<String> = dh_options.split_whitespace().map(String::from).collect();
            let parsed = parse_array(&array, abbreviations);
            if !parsed.errors.is_empty() {
                opts.warnings.push(format!(
                    "ignored unknown options in DH_OPTIONS ({})",
                    parsed.errors.join("; ")
                ));
            }
            opts.apply_all(&parsed.options, abbreviations);
            opts.build_system_args.extend(parsed.non_options);
            opts.build_system_args.extend(parsed.after_double_dash);
        }
        let parsed = parse_array(args, abbreviations);
        if let Some(e) = parsed.errors.first() {
            return Err(UsageError(e.clone()));
        }
        if parsed.options.iter().any(|o| o.canonical == "same-arch") {
            return Err(UsageError(
                "-s/--same-arch was removed in compat 12; use -a/--arch".into(),
            ));
        }
        if let Some(stray) = parsed.non_options.first() {
            return Err(UsageError(format!(
                "unexpected argument \"{stray}\"; give arguments for the build system after --"
            )));
        }
        for o in &parsed.options {
            let how = match o.canonical {
                "package" => "-p/--package",
                "no-package" => "-N/--no-package",
                _ => continue,
            };
            opts.command_line_packages
                .push((how, o.value.clone().unwrap_or_default()));
        }
        opts.apply_all(&parsed.options, abbreviations);
        // `push @{$dh{U_PARAMS}}, @ARGV, @ARGV_extra`: the command line's first.
        let extra = std::mem::take(&mut opts.build_system_args);
        opts.build_system_args = parsed.after_double_dash;
        opts.build_system_args.extend(extra);
        Ok(opts)
    }

    /// Applies options in order, then their `-O` options: each `-O` value is
    /// parsed alone and applied only when it parses cleanly.
    fn apply_all(&mut self, options: &[Parsed], abbreviations: bool) {
        let mut passed = Vec::new();
        for o in options {
            if o.canonical == "O" {
                passed.extend(o.value.clone());
            } else {
                self.apply(o);
            }
        }
        for value in passed {
            let parsed = parse_array(std::slice::from_ref(&value), abbreviations);
            if parsed.errors.is_empty()
                && parsed.non_options.is_empty()
                && parsed.after_double_dash.is_empty()
            {
                self.apply_all(&parsed.options, abbreviations);
            }
        }
    }

    fn apply(&mut self, o: &Parsed) {
        let value = o.value.clone().unwrap_or_default();
        match o.canonical {
            "verbose" => self.verbose = true,
            "no-act" => self.no_act = true,
            "help" => self.help = true,
            "arch" | "same-arch" => self.requests.push(Request::Arch),
            "indep" => self.requests.push(Request::Indep),
            "package" => self.requests.push(Request::Package(value)),
            "no-package" => self.excluded.push(value),
            "remaining-packages" => self.remaining_packages = true,
            "buildsystem" => self.buildsystem = Some(value),
            "sourcedirectory" => self.sourcedirectory = Some(value),
            "builddirectory" => self.builddirectory = o.value.clone(),
            "parallel" => self.parallel = Parallel::FromBuildOptions,
            "no-parallel" => self.parallel = Parallel::AtMost(1),
            "max-parallel" => {
                self.parallel = match value.parse::<i64>() {
                    Ok(n) if n >= 1 => Parallel::AtMost(u32::try_from(n).unwrap_or(u32::MAX)),
                    _ => Parallel::FromBuildOptions,
                }
            }
            // Known to debhelper, meaningless for the rumprun stages: the
            // flavour has its own build directory, scripts and tmpdir.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn parse(cmdline: &str, env: &[(&str, &str)]) -> Result<DhOptions, UsageError> {
        DhOptions::parse(&args(cmdline), &Env::from_pairs(env.iter().copied()), 12)
    }

    #[test]
    fn short_long_bundled_and_attached() {
        let o = parse(
            "-a -pfoo --package=bar --package baz -Nqux -v --no-act",
            &[],
        )
        .expect("ok");
        assert_eq!(
            o.requests,
            vec![
                Request::Arch,
                Request::Package("foo".into()),
                Request::Package("bar".into()),
                Request::Package("baz".into())
            ]
        );
        assert_eq!(o.excluded, vec!["qux".to_string()]);
        assert!(o.verbose && o.no_act);
        let o = parse("-avpfoo", &[]).expect("bundled");
        assert_eq!(
            o.requests,
            vec![Request::Arch, Request::Package("foo".into())]
        );
        assert!(o.verbose);
    }

    #[test]
    fn unknown_direct_options_are_fatal_unknown_o_options_ignored() {
        assert!(parse("--frobnicate", &[]).is_err());
        assert!(parse("-z", &[]).is_err());
        assert!(parse("stray", &[]).is_err());
        assert!(parse("--package", &[]).is_err());
        let o = parse(
            "-O--frobnicate -O--buildsystem=cmake -O-v -O--max-parallel=x",
            &[],
        )
        .expect("ignored");
        assert_eq!(o.buildsystem.as_deref(), Some("cmake"));
        assert!(o.verbose);
        assert_eq!(o.parallel, Parallel::FromBuildOptions);
    }

    #[test]
    fn abbreviations_follow_compat() {
        assert_eq!(
            parse("--pack=foo", &[]).expect("abbrev").requests,
            vec![Request::Package("foo".into())]
        );
        assert!(
            parse("--no", &[]).is_err(),
            "ambiguous: no-act, no-package, ..."
        );
        let no_abbrev = DhOptions::parse(&args("--pack=foo"), &Env::default(), 13);
        assert!(no_abbrev.is_err());
    }

    #[test]
    fn environment_sources() {
        let o = parse(
            "-i -- --with-foo",
            &[
                ("DH_INTERNAL_OPTIONS", "-a\x1e-Nfoo-doc"),
                ("DH_OPTIONS", "-v --bogus -- --from-env"),
                ("DH_QUIET", "1"),
            ],
        )
        .expect("ok");
        assert_eq!(o.internal_requests, Some(vec![Request::Arch]));
        assert_eq!(o.requests, vec![Request::Indep]);
        assert_eq!(o.excluded, vec!["foo-doc".to_string()]);
        assert!(o.verbose, "-v from DH_OPTIONS");
        assert!(!o.warnings.is_empty(), "--bogus in DH_OPTIONS warns");
        assert_eq!(
            o.build_system_args,
            vec!["--with-foo".to_string(), "--from-env".to_string()]
        );
        assert!(o.quiet);
        assert!(
            parse("", &[("DH_VERBOSE", "1"), ("DH_QUIET", "1")])
                .expect("ok")
                .verbose
        );
        assert!(parse("", &[("DH_NO_ACT", "1")]).expect("ok").no_act);
        assert!(!parse("", &[("DH_NO_ACT", "")]).expect("ok").no_act);
    }

    #[test]
    fn build_system_options() {
        let o = parse("-Scmake -Dsrc -B --max-parallel=3", &[]).expect("ok");
        assert_eq!(o.buildsystem.as_deref(), Some("cmake"));
        assert_eq!(o.sourcedirectory.as_deref(), Some("src"));
        assert_eq!(o.parallel, Parallel::AtMost(3));
        assert_eq!(
            parse("--no-parallel", &[]).expect("ok").parallel,
            Parallel::AtMost(1)
        );
    }
}
