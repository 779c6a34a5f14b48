//! pkg-config files (`.pc`) as pkg-config reads them, and the check of
//! those a library flavour ships: every path they resolve to lies under the
//! flavour's prefix.
//!
//! A `.pc` file holds variable lines (`name=value`) and field lines
//! (`Name: value`); `#` starts a comment, a backslash at the end of a line
//! continues it, and `${name}` in a value expands to a variable defined
//! earlier (`$$` is a dollar sign), with `pcfiledir` predefined as the
//! directory of the file. What a consumer gets from it is the expansion of
//! `Cflags`, `Libs` and `Libs.private` (and the `libdir` and `includedir`
//! variables some build systems ask for): those paths are the ones checked,
//! whatever `prefix` says or whether there is one at all (a `.pc` written
//! by CMake's `configure_file` from `CMAKE_INSTALL_FULL_LIBDIR` has none).

use crate::location::InputError;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// A line of a `.pc` file: a variable or a field, its name, its value as
/// written, and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcLine {
    /// The variable's or the field's name.
    pub name: String,
    /// The value, before expansion.
    pub value: String,
    /// Where it starts.
    pub line: usize,
}

/// A parsed `.pc` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PcFile {
    /// `name=value` lines, in order.
    pub variables: Vec<PcLine>,
    /// `Name: value` lines, in order.
    pub fields: Vec<PcLine>,
}

/// Removes a `#` comment (not one escaped as `\#`) from a line.
fn strip_comment(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'#') => {
                out.push('#');
                chars.next();
            }
            '#' => break,
            _ => out.push(c),
        }
    }
    out
}

impl PcFile {
    /// Parses the text of a `.pc` file. Lines that are neither a variable
    /// nor a field are ignored, as pkg-config ignores them.
    pub fn parse(text: &str) -> PcFile {
        let mut pc = PcFile::default();
        let mut pending: Option<(String, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let (mut line, start) = match pending.take() {
                Some((before, start)) => (before + raw, start),
                None => (raw.to_string(), i + 1),
            };
            if line.ends_with('\\') && !line.ends_with("\\\\") {
                line.pop();
                pending = Some((line, start));
                continue;
            }
            let line = strip_comment(&line);
            let trimmed = line.trim();
            let name_len = trimmed
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(trimmed.len());
            if name_len == 0 {
                continue;
            }
            let (name, rest) = trimmed.split_at(name_len);
            let rest = rest.trim_start();
            let entry = |value: &str| PcLine {
                name: name.to_string(),
                value: value.trim().to_string(),
                line: start,
            };
            if let Some(value) = rest.strip_prefix('=') {
                pc.variables.push(entry(value));
            } else if let Some(value) = rest.strip_prefix(':') {
                pc.fields.push(entry(value));
            }
        }
        pc
    }

    /// The variables expanded in order, each from those before it;
    /// `pcfiledir` is predefined. An undefined reference is an error
    /// naming its line.
    fn expanded_variables(&self, pcfiledir: &str) -> Result<BTreeMap<String, String>, PcError> {
        let mut vars = BTreeMap::new();
        vars.insert("pcfiledir".to_string(), pcfiledir.to_string());
        vars.insert("pc_sysrootdir".to_string(), String::new());
        for v in &self.variables {
            let value = expand(&v.value, &vars).map_err(|name| PcError {
                line: v.line,
                message: format!("{} refers to ${{{name}}}, which is not defined", v.name),
            })?;
            vars.insert(v.name.clone(), value);
        }
        Ok(vars)
    }

    /// The modules it requires (`Requires` and `Requires.private`),
    /// version constraints dropped.
    pub fn requires(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.fields {
            if !f.name.eq_ignore_ascii_case("Requires")
                && !f.name.eq_ignore_ascii_case("Requires.private")
            {
                continue;
            }
            let spaced = f.value.replace(',', " ");
            let mut words = spaced.split_whitespace();
            while let Some(w) = words.next() {
                if ["<", "<=", "=", ">=", ">", "!="].contains(&w) {
                    words.next();
                } else if !w.contains('$') {
                    out.push(w.to_string());
                }
            }
        }
        out
    }

    /// The libraries it links (`-lNAME` of `Libs` and `Libs.private`):
    /// `NAME` each.
    pub fn libs(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| {
                f.name.eq_ignore_ascii_case("Libs") || f.name.eq_ignore_ascii_case("Libs.private")
            })
            .flat_map(|f| f.value.split_whitespace())
            .filter_map(|w| w.strip_prefix("-l"))
            .filter(|n| !n.is_empty() && !n.contains('$'))
            .map(str::to_string)
            .collect()
    }
}

/// `value` with `${name}` replaced from `vars` and `$$` made `$`; `Err`
/// holds the name of an undefined variable.
fn expand(value: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                out.push('$');
                rest = after;
                continue;
            };
            let name = &inner[..end];
            out.push_str(vars.get(name).ok_or_else(|| name.to_string())?);
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Splits a field's value into words as pkg-config does: at blanks,
/// with single and double quotes and backslashes.
fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
                in_word = true;
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// A path a `.pc` file gives its consumers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcPath {
    /// The line of the variable or field that gives it.
    pub line: usize,
    /// What gives it: `libdir`, `Libs -L`, `Cflags -I`, `Libs.private`, ...
    pub what: String,
    /// The path, expanded and with `.` and `..` resolved.
    pub path: PathBuf,
}

/// A problem with a `.pc` file: its line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// `path` with `.` and `..` resolved lexically (a relative path stays
/// relative).
fn normalised(path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The options whose value (attached, or the next word) is a directory.
const DIR_OPTIONS: [&str; 5] = ["-I", "-L", "-isystem", "-idirafter", "-iquote"];

/// Every path the `.pc` file gives its consumers, expanded: the `libdir`
/// and `includedir` variables, and in `Cflags`, `Cflags.private`, `Libs`
/// and `Libs.private` the directories of `-I`, `-L`, `-isystem`,
/// `-idirafter`, `-iquote`, `-Wl,-rpath` and every word that is a path.
/// `pcfiledir` is the directory the file is installed in.
pub fn consumer_paths(pc: &PcFile, pcfiledir: &str) -> Result<Vec<PcPath>, PcError> {
    let vars = pc.expanded_variables(pcfiledir)?;
    let mut out = Vec::new();
    for v in &pc.variables {
        if v.name == "libdir" || v.name == "includedir" {
            out.push(PcPath {
                line: v.line,
                what: v.name.clone(),
                path: normalised(&vars[&v.name]),
            });
        }
    }
    for f in &pc.fields {
        if !["Cflags", "Cflags.private", "Libs", "Libs.private"].contains(&f.name.as_str()) {
            continue;
        }
        let value = expand(&f.value, &vars).map_err(|name| PcError {
            line: f.line,
            message: format!("{} refers to ${{{name}}}, which is not defined", f.name),
        })?;
        let ws = words(&value);
        let mut i = 0;
        while i < ws.len() {
            let w = &ws[i];
            let mut push = |what: String, p: &str| {
                out.push(PcPath {
                    line: f.line,
                    what,
                    path: normalised(p),
                })
            };
            if let Some(opt) = DIR_OPTIONS.iter().find(|o| w.starts_with(*o)) {
                let attached = &w[opt.len()..];
                if attached.is_empty() {
                    if let Some(next) = ws.get(i + 1) {
                        push(format!("{} {opt}", f.name), next);
                        i += 1;
                    }
                } else {
                    push(format!("{} {opt}", f.name), attached);
                }
            } else if let Some(rest) = w.strip_prefix("-Wl,") {
                let parts: Vec<&str> = rest.split(',').collect();
                for (j, part) in parts.iter().enumerate() {
                    let is_dir = |p: &str| p == "-rpath" || p == "-rpath-link" || p == "-L";
                    if let Some(dir) = part.strip_prefix("-rpath=") {
                        push(format!("{} -Wl,-rpath", f.name), dir);
                    } else if is_dir(part) {
                        if let Some(dir) = parts.get(j + 1) {
                            push(format!("{} -Wl,{part}", f.name), dir);
                        }
                    }
                }
            } else if w.starts_with('/') || w.starts_with("./") || w.starts_with("../") {
                push(f.name.clone(), w);
            }
            i += 1;
        }
    }
    Ok(out)
}

/// Checks the `.pc` file `text` that a library flavour installs as
/// `staged` (a path in the staged install, `usr/TRIPLET/lib/pkgconfig/x.pc`):
/// every path it gives its consumers lies under `prefix` (`/usr/TRIPLET`);
/// `build_root` is the source package's directory, for telling a build
/// path from a host path. `file` is how errors name it.
pub fn check_flavour_pc(
    file: &Path,
    staged: &Path,
    text: &str,
    prefix: &Path,
    build_root: &Path,
) -> Result<(), InputError> {
    let pc = PcFile::parse(text);
    let installed_dir = Path::new("/").join(staged.parent().unwrap_or(Path::new("")));
    let fix_prefix = format!(
        "make the build write the file for the flavour's prefix {} (the flavour configures with it; a path fixed in the .pc template needs a patch)",
        prefix.display()
    );
    let paths = consumer_paths(&pc, &installed_dir.to_string_lossy()).map_err(|e| {
        InputError::at(
            file,
            e.line,
            e.message,
            "define the variable before its use",
        )
    })?;
    for p in paths {
        if p.path.starts_with(prefix) {
            continue;
        }
        let kind = if !p.path.is_absolute() {
            "a relative path"
        } else if p.path.starts_with(build_root) {
            "a path of the build tree"
        } else {
            "a host path"
        };
        return Err(InputError::at(
            file,
            p.line,
            format!(
                "{} gives {}, {kind}, not under {}",
                p.what,
                p.path.display(),
                prefix.display()
            ),
            fix_prefix,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc_requires_drop_versions() {
        let pc = PcFile::parse(
            "Name: gio\nRequires: glib-2.0 >= 2.74, gobject-2.0\nRequires.private: gmodule-no-export-2.0 >= 2.74, zlib, mount >= 2.23 ${extra}\n",
        );
        assert_eq!(
            pc.requires(),
            [
                "glib-2.0",
                "gobject-2.0",
                "gmodule-no-export-2.0",
                "zlib",
                "mount"
            ]
        );
    }

    #[test]
    fn pc_libs_are_the_l_flags() {
        let pc = PcFile::parse(
            "Name: libxml\nLibs: -L${libdir} -lxml2\nLibs.private: -pthread -lz -llzma -lm ${extra}\n",
        );
        assert_eq!(pc.libs(), ["xml2", "z", "lzma", "m"]);
    }
    use indoc::indoc;

    const PREFIX: &str = "/usr/x86_64-rumprun-netbsd";
    const STAGED: &str = "usr/x86_64-rumprun-netbsd/lib/pkgconfig/foo.pc";

    fn check(text: &str) -> Result<(), InputError> {
        check_flavour_pc(
            Path::new(
                "debian/.debhelper/rumprun/stage/usr/x86_64-rumprun-netbsd/lib/pkgconfig/foo.pc",
            ),
            Path::new(STAGED),
            text,
            Path::new(PREFIX),
            Path::new("/build/foo-1.0"),
        )
    }

    #[test]
    fn variables_expand_in_order_with_pcfiledir() {
        let pc = PcFile::parse(indoc! {r"
            # comment
            prefix=${pcfiledir}/../..
            libdir=${prefix}/lib # trailing comment
            odd=a\#b $$HOME
            Name: foo
            Libs: -L${libdir} \
              -lfoo
        "});
        assert_eq!(pc.variables.len(), 3);
        assert_eq!(
            pc.fields[1].line, 6,
            "a continued line counts from its start"
        );
        let vars = pc
            .expanded_variables("/usr/x86_64-rumprun-netbsd/lib/pkgconfig")
            .expect("vars");
        assert_eq!(vars["odd"], "a#b $HOME");
        let paths = consumer_paths(&pc, "/usr/x86_64-rumprun-netbsd/lib/pkgconfig").expect("paths");
        assert_eq!(
            paths,
            [
                PcPath {
                    line: 3,
                    what: "libdir".into(),
                    path: "/usr/x86_64-rumprun-netbsd/lib".into()
                },
                PcPath {
                    line: 6,
                    what: "Libs -L".into(),
                    path: "/usr/x86_64-rumprun-netbsd/lib".into()
                },
            ]
        );
    }

    #[test]
    fn a_pc_file_without_prefix_is_fine_when_its_paths_are() {
        // As CMake's configure_file writes it from CMAKE_INSTALL_FULL_*DIR.
        check(indoc! {"
            libdir=/usr/x86_64-rumprun-netbsd/lib
            includedir=/usr/x86_64-rumprun-netbsd/include

            Name: cjson
            Version: 1.7.15
            Libs: -L${libdir} -lcjson
            Libs.private: -lm
            Cflags: -I${includedir} -I${includedir}/cjson
        "})
        .expect("fine");
    }

    #[test]
    fn host_build_and_relative_paths_are_refused_with_their_line() {
        for (text, line, says) in [
            (
                "prefix=/usr\nlibdir=${prefix}/lib/x86_64-linux-gnu\nLibs: -L${libdir} -lfoo\n",
                2,
                "libdir gives /usr/lib/x86_64-linux-gnu, a host path, not under /usr/x86_64-rumprun-netbsd",
            ),
            (
                "prefix=/usr/x86_64-rumprun-netbsd\nLibs: -L${prefix}/lib -lfoo\nCflags: -isystem /usr/include/foo\n",
                3,
                "Cflags -isystem gives /usr/include/foo, a host path",
            ),
            (
                "prefix=/usr/x86_64-rumprun-netbsd\nLibs.private: /build/foo-1.0/debian/.debhelper/rumprun/source/libbar.a\n",
                2,
                "Libs.private gives /build/foo-1.0/debian/.debhelper/rumprun/source/libbar.a, a path of the build tree",
            ),
            (
                "Libs: -L../lib -lfoo\n",
                1,
                "Libs -L gives ../lib, a relative path",
            ),
            (
                "prefix=/usr/x86_64-rumprun-netbsd\nLibs: -L${prefix}/lib -Wl,-rpath,/usr/lib -lfoo\n",
                2,
                "Libs -Wl,-rpath gives /usr/lib, a host path",
            ),
            (
                "prefix=/usr/x86_64-rumprun-netbsd/../..\nincludedir=${prefix}/include\n",
                2,
                "includedir gives /include, a host path",
            ),
            (
                "libdir=${exec_prefix}/lib\n",
                1,
                "libdir refers to ${exec_prefix}, which is not defined",
            ),
        ] {
            let e = check(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn words_follow_shell_quoting() {
        assert_eq!(
            words(r#"-I"/a b" -DX=\"y\" 'c d'"#),
            ["-I/a b", r#"-DX="y""#, "c d"]
        );
    }
}
