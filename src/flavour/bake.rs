//! Which programs a program flavour bakes, for which rumprun configs, and
//! where each image goes: `debian/PKG.rumprun`, or the default.
//!
//! The file has one line per program, `PROGRAM CONFIG[,CONFIG...] [DEST]`;
//! `#` starts a comment and blank lines are ignored. PROGRAM is a path
//! relative to the flavour's prefix, `/usr/TRIPLET` (`bin/hello`): where
//! the flavour installs it, whatever the triplet. Without DEST an image
//! goes to `usr/lib/rumprun/CONFIG/NAME`; with one config DEST is the
//! image's path; with several, DEST is a directory holding `CONFIG/NAME`
//! (DEST is relative to the package's root). Without the file, every
//! program the flavour links and installs in `bin` and `sbin` under its
//! prefix (not a link, not a script) is baked for [`DEFAULT_CONFIG`].

use crate::location::InputError;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The config programs are baked for when `debian/PKG.rumprun` names none.
pub const DEFAULT_CONFIG: &str = "hw_virtio";

/// The directories, relative to the flavour's prefix, whose executables
/// are baked by default.
pub const DEFAULT_PROGRAM_DIRS: [&str; 2] = ["bin", "sbin"];

/// One program to bake, as a line of `debian/PKG.rumprun` says (or the
/// default says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeLine {
    /// The program's path relative to the flavour's prefix.
    pub program: PathBuf,
    /// The configs to bake it for.
    pub configs: Vec<String>,
    /// Where the image(s) go in the package, if not the default place.
    pub dest: Option<PathBuf>,
    /// The line of the file, `None` for the default.
    pub line: Option<usize>,
}

/// One image to make: `rumprun-bake CONFIG DEST PROGRAM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The program's path relative to the flavour's prefix.
    pub program: PathBuf,
    /// The rumprun config.
    pub config: String,
    /// The image's path in the package.
    pub dest: PathBuf,
    /// The line of `debian/PKG.rumprun` that asks for it.
    pub line: Option<usize>,
}

/// A path inside the package or the flavour's prefix: relative, without
/// `..`, not empty.
fn confined(path: &Path) -> bool {
    !path.as_os_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Whether `config` looks like a rumprun config name (`hw_virtio`).
fn config_name(config: &str) -> bool {
    config.starts_with(|c: char| c.is_ascii_lowercase())
        && config
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parses `debian/PKG.rumprun` (`path`, with text `text`).
pub fn parse(path: &Path, text: &str) -> Result<Vec<BakeLine>, InputError> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let words: Vec<&str> = content.split_whitespace().collect();
        let usage = "write \"PROGRAM CONFIG[,CONFIG...] [DEST]\", e.g. \"bin/hello hw_virtio\"";
        if words.len() < 2 || words.len() > 3 {
            return Err(InputError::at(
                path,
                n,
                format!("expected 2 or 3 fields, found {}", words.len()),
                usage,
            ));
        }
        let program = PathBuf::from(words[0]);
        if !confined(&program) {
            return Err(InputError::at(
                path,
                n,
                format!("program \"{}\" leaves the flavour's prefix", words[0]),
                "give the program's path relative to the flavour's prefix /usr/TRIPLET, without .., e.g. bin/hello",
            ));
        }
        let configs: Vec<String> = words[1].split(',').map(str::to_string).collect();
        if let Some(bad) = configs.iter().find(|c| !config_name(c)) {
            return Err(InputError::at(
                path,
                n,
                format!("\"{bad}\" is not a rumprun config name"),
                "list configs separated by commas, without spaces, e.g. hw_virtio,xen_pv (see rumprun-bake list)",
            ));
        }
        let mut seen = configs.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != configs.len() {
            return Err(InputError::at(
                path,
                n,
                format!("a config is listed twice in \"{}\"", words[1]),
                "list each config once",
            ));
        }
        let dest = words.get(2).map(PathBuf::from);
        if let Some(d) = &dest {
            if !confined(d) {
                return Err(InputError::at(
                    path,
                    n,
                    format!("destination \"{}\" leaves the package", d.display()),
                    "give a path relative to the package root, without .., e.g. usr/lib/xen/boot/hello",
                ));
            }
        }
        lines.push(BakeLine {
            program,
            configs,
            dest,
            line: Some(n),
        });
    }
    Ok(lines)
}

/// The default bake list: every executable in `executables` (paths
/// relative to the flavour's prefix, under [`DEFAULT_PROGRAM_DIRS`]) for
/// [`DEFAULT_CONFIG`].
pub fn default_lines(executables: &[PathBuf]) -> Vec<BakeLine> {
    let mut programs = executables.to_vec();
    programs.sort();
    programs
        .into_iter()
        .map(|program| BakeLine {
            program,
            configs: vec![DEFAULT_CONFIG.to_string()],
            dest: None,
            line: None,
        })
        .collect()
}

/// The images `lines` ask for, checked: no two images at one place.
/// `path` is the file the lines came from (for errors).
pub fn images(path: &Path, lines: &[BakeLine]) -> Result<Vec<Image>, InputError> {
    let mut out = Vec::new();
    let mut taken: BTreeMap<PathBuf, Option<usize>> = BTreeMap::new();
    for l in lines {
        let name = l.program.file_name().map(PathBuf::from).unwrap_or_default();
        for config in &l.configs {
            let dest = match &l.dest {
                None => Path::new("usr/lib/rumprun").join(config).join(&name),
                Some(d) if l.configs.len() == 1 => d.clone(),
                Some(d) => d.join(config).join(&name),
            };
            if let Some(first) = taken.insert(dest.clone(), l.line) {
                let line = l.line.unwrap_or(1);
                return Err(InputError::at(
                    path,
                    line,
                    format!(
                        "image {} is already made by line {}",
                        dest.display(),
                        first.map_or("(default)".into(), |f| f.to_string())
                    ),
                    "give each program its own destination",
                ));
            }
            out.push(Image {
                program: l.program.clone(),
                config: config.clone(),
                dest,
                line: l.line,
            });
        }
    }
    Ok(out)
}

/// The config names `rumprun-bake list` prints: the first word of each
/// line that starts with a config name (banner and blank lines skipped).
pub fn configs_from_list(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(|w| w.trim_end_matches(':'))
        .filter(|w| config_name(w))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    const FILE: &str = "debian/qemu-rumprun.rumprun";

    fn dests(text: &str) -> Vec<(String, String, String)> {
        let lines = parse(Path::new(FILE), text).expect("valid");
        images(Path::new(FILE), &lines)
            .expect("images")
            .into_iter()
            .map(|i| {
                (
                    i.program.display().to_string(),
                    i.config,
                    i.dest.display().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn destinations_follow_the_rule() {
        let got = dests(indoc! {"
            # comment
            bin/hello hw_virtio   # trailing comment

            bin/qemu-system-i386 xen_pv usr/lib/xen/boot/qemu-rumprun-dm
            sbin/d hw_generic,xen_pv usr/lib/d
        "});
        let want = [
            ("bin/hello", "hw_virtio", "usr/lib/rumprun/hw_virtio/hello"),
            (
                "bin/qemu-system-i386",
                "xen_pv",
                "usr/lib/xen/boot/qemu-rumprun-dm",
            ),
            ("sbin/d", "hw_generic", "usr/lib/d/hw_generic/d"),
            ("sbin/d", "xen_pv", "usr/lib/d/xen_pv/d"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn bad_lines_name_their_line() {
        for (text, line, what) in [
            ("bin/hello\n", 1, "expected 2 or 3 fields"),
            (
                "\n/usr/bin/hello hw_virtio\n",
                2,
                "leaves the flavour's prefix",
            ),
            (
                "bin/../../etc/passwd hw_virtio\n",
                1,
                "leaves the flavour's prefix",
            ),
            ("bin/a hw_virtio ../../x\n", 1, "leaves the package"),
            ("bin/a hw_virtio /boot/x\n", 1, "leaves the package"),
            ("bin/a hw_virtio, x\n", 1, "not a rumprun config"),
            ("bin/a HW\n", 1, "not a rumprun config"),
            ("bin/a xen_pv,xen_pv\n", 1, "listed twice"),
            ("bin/a a b c\n", 1, "expected 2 or 3 fields"),
        ] {
            let e = parse(Path::new(FILE), text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.to_string().contains(what), "{text}: {e}");
        }
        let lines = parse(Path::new(FILE), "a/x hw_virtio\nb/x hw_virtio\n").expect("parses");
        let e = images(Path::new(FILE), &lines).expect_err("same image twice");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn default_bakes_every_installed_program_for_hw_virtio() {
        let lines = default_lines(&["sbin/b".into(), "bin/a".into()]);
        let imgs = images(Path::new(FILE), &lines).expect("images");
        let d: Vec<String> = imgs.iter().map(|i| i.dest.display().to_string()).collect();
        assert_eq!(
            d,
            ["usr/lib/rumprun/hw_virtio/a", "usr/lib/rumprun/hw_virtio/b"]
        );
    }

    #[test]
    fn reads_the_config_list() {
        let out = "!!! NOTE: experimental\n\nhw_generic : generic\nhw_virtio: virtio\nxen_pv  PV\n";
        assert_eq!(
            configs_from_list(out),
            ["hw_generic", "hw_virtio", "xen_pv"]
        );
    }
}
