//! The flavour's linker traces: what each link of the flavour build took.
//!
//! `dh_rumprun_configure` puts compiler wrappers first on the flavour's
//! `PATH` ([`compiler_wrapper`]) and gives CMake a linker launcher; both
//! go through [`trace_link_script`], which, when the compiler links, runs
//! it with `-Wl,-t,-t` and keeps what the linker prints in a trace file
//! under [`TRACE_DIR`]: the working directory and output, then one
//! line per input file, and `(ARCHIVE)MEMBER` for each archive member the
//! linker took. An archive opened but not used appears only as a plain
//! line, which [`LinkTrace::parse`] does not count: the trace says exactly
//! which archives went into the program.
//!
//! `dh_rumprun_install` traces each bake the same way: `rumprun-bake -m
//! 'add -Wl,-t,-t'` puts the option on the bake's final link, which adds
//! the C library and the rump kernel components from the toolchain, and
//! the trace goes into a file of the same form ([`bake_trace_file`]).
//!
//! Both kinds of link also read temporaries the toolchain made and removed
//! again: the compiler driver's object of a file compiled and linked in one
//! call, or of the bake recipe (`/tmp/ccAbC123.o`), and rumprun-bake's
//! copies of its inputs. They hold the package's own code;
//! [`is_toolchain_temporary`] tells them.

use crate::env::Env;
use std::path::{Path, PathBuf};

/// Where the compiler wrappers write their traces.
pub const TRACE_DIR: &str = "debian/.debhelper/rumprun/trace";

/// The trace file of the `n`th bake of flavour `package`.
pub fn bake_trace_file(package: &str, n: usize) -> PathBuf {
    Path::new(TRACE_DIR).join(format!("bake.{package}.{n}"))
}

/// The first lines of a trace file: where the link ran and its output.
pub fn trace_header(cwd: &Path, output: &Path) -> String {
    format!("# cwd {}\n# output {}\n", cwd.display(), output.display())
}

/// The directories the toolchain makes its temporaries in: `$TMPDIR` (the
/// compiler driver's), `/tmp` (rumprun-bake's, whatever `TMPDIR` says) and
/// `/var/tmp`.
pub fn temporary_dirs(env: &Env) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = env
        .get("TMPDIR")
        .filter(|d| d.starts_with('/'))
        .map(PathBuf::from)
        .into_iter()
        .collect();
    for d in ["/tmp", "/var/tmp"] {
        if !dirs.iter().any(|x| x == Path::new(d)) {
            dirs.push(PathBuf::from(d));
        }
    }
    dirs
}

/// Whether `path`, read by a link of the flavour, was a temporary of the
/// toolchain: it lay in one of `temporary_dirs` and is gone (`exists` says
/// whether a path exists). Such a file was made from the package's own
/// code during the build; a file of an installed package is never removed
/// by a build.
pub fn is_toolchain_temporary(
    path: &Path,
    temporary_dirs: &[PathBuf],
    exists: impl Fn(&Path) -> bool,
) -> bool {
    temporary_dirs.iter().any(|d| path.starts_with(d)) && !exists(path)
}

/// One link: where it ran, what it wrote, and what it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTrace {
    /// The link's output, absolute.
    pub output: PathBuf,
    /// Archives from which the linker took at least one member, absolute,
    /// sorted, each once.
    pub archives: Vec<PathBuf>,
    /// Object files given to the linker directly, absolute, sorted.
    pub objects: Vec<PathBuf>,
}

/// Makes `path` absolute against `cwd`.
fn absolute(cwd: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

impl LinkTrace {
    /// Parses a trace file; `None` when it lacks the wrapper's header (not
    /// one of ours, or cut short).
    pub fn parse(text: &str) -> Option<LinkTrace> {
        let mut lines = text.lines();
        let cwd = PathBuf::from(lines.next()?.strip_prefix("# cwd ")?);
        let output = absolute(&cwd, lines.next()?.strip_prefix("# output ")?);
        let mut archives = Vec::new();
        let mut objects = Vec::new();
        for line in lines {
            let line = line.trim_end();
            if let Some(rest) = line.strip_prefix('(') {
                if let Some((archive, _member)) = rest.split_once(')') {
                    archives.push(absolute(&cwd, archive));
                }
            } else if [".o", ".lo", ".obj"].iter().any(|e| line.ends_with(e))
                && !line.contains(": ")
            {
                objects.push(absolute(&cwd, line));
            }
        }
        archives.sort();
        archives.dedup();
        objects.sort();
        objects.dedup();
        Some(LinkTrace {
            output,
            archives,
            objects,
        })
    }
}

/// The link tracer, `rumprun-trace-link COMPILER ARGS...`: runs the
/// compiler and, when it links, keeps what the linker took (ld -t -t) in a
/// new file of `trace_dir` (absolute). The compiler wrappers call it, and
/// CMake uses it as its linker launcher.
pub fn trace_link_script(trace_dir: &Path) -> String {
    format!(
        r#"#!/bin/sh
# rumprun-trace-link COMPILER ARGS..., written by dh_rumprun_configure: runs
# COMPILER ARGS and, when that links, records what the linker took (ld -t -t)
# in {trace}/ for dh_rumprun_substvars.
real=$1
shift
out=a.out
link=yes
prev=
for arg do
	case $prev in -o) out=$arg ;; esac
	case $arg in
	-c|-S|-E|-M|-MM|-v|-'###'|--version|--help|--verbose|-print*|--print*|-dump*|-Wl,--verbose|-Wl,-v|-Wl,--version) link=no ;;
	-o?*) out=${{arg#-o}} ;;
	esac
	prev=$arg
done
if [ "$link" = no ]; then
	exec "$real" "$@"
fi
trace=$(mktemp "{trace}/link.XXXXXXXX") || exit 1
printf '# cwd %s\n# output %s\n' "$PWD" "$out" > "$trace"
exec "$real" "$@" -Wl,-t,-t >> "$trace"
"#,
        trace = trace_dir.display(),
    )
}

/// The compiler wrapper `name` (`TRIPLET-gcc`, `TRIPLET-g++`), first on
/// the flavour's `PATH`: `real` through the link tracer `tracer`.
pub fn compiler_wrapper(name: &str, real: &Path, tracer: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         # {name} for the rumprun flavour, written by dh_rumprun_configure:\n\
         # the toolchain's compiler, with its links traced.\n\
         exec {} {} \"$@\"\n",
        tracer.display(),
        real.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_archives_members_were_taken_from() {
        let text = "# cwd /build/greet/debian/.debhelper/rumprun/source\n# output greet\n\
            /usr/bin/ld: mode elf_x86_64\n\
            src/greet.o\n\
            /usr/lib/x86_64-linux-musl/crti.o\n\
            /usr/x86_64-rumprun-netbsd/lib/libgreet.a\n\
            (/usr/x86_64-rumprun-netbsd/lib/libgreet.a)greet.o\n\
            /usr/lib/gcc/x86_64-linux-gnu/12/libgcc_eh.a\n\
            (/usr/lib/x86_64-linux-musl/libc.a)puts.lo\n\
            (/usr/lib/x86_64-linux-musl/libc.a)strlen.lo\n\
            (lib/libown.a)own.o\n\
            greet\n";
        let t = LinkTrace::parse(text).expect("trace");
        let src = Path::new("/build/greet/debian/.debhelper/rumprun/source");
        assert_eq!(t.output, src.join("greet"));
        assert_eq!(
            t.archives,
            vec![
                src.join("lib/libown.a"),
                PathBuf::from("/usr/lib/x86_64-linux-musl/libc.a"),
                PathBuf::from("/usr/x86_64-rumprun-netbsd/lib/libgreet.a"),
            ]
        );
        assert_eq!(
            t.objects,
            vec![
                src.join("src/greet.o"),
                PathBuf::from("/usr/lib/x86_64-linux-musl/crti.o"),
            ]
        );
        assert_eq!(LinkTrace::parse("/usr/bin/ld: x\n"), None);
    }

    #[test]
    fn compiler_and_bake_temporaries_are_recognised() {
        // A compile-and-link in one call, and rumprun's recipe object, as a
        // trace of the real toolchain shows them; then a bake's input copy.
        let text = "# cwd /b/debian/.debhelper/rumprun/source\n# output hello\n\
            /tmp/ccAbC123.o\n\
            /tmp/ccXyZ987.o\n\
            /srv/tmp/ccQ.o\n\
            /tmp/rumprun-bake.Q1w2E3/tmp1.obj\n\
            (/usr/lib/rumprun-toolchain/hw/rumprun-x86_64/lib/rumprun-hw/libc.a)puts.o\n";
        let t = LinkTrace::parse(text).expect("trace");
        let dirs = temporary_dirs(&Env::from_pairs([("TMPDIR", "/srv/tmp")]));
        assert_eq!(
            dirs,
            [
                PathBuf::from("/srv/tmp"),
                PathBuf::from("/tmp"),
                PathBuf::from("/var/tmp")
            ]
        );
        let gone = |_: &Path| false;
        let temporaries: Vec<&PathBuf> = t
            .objects
            .iter()
            .filter(|p| is_toolchain_temporary(p, &dirs, gone))
            .collect();
        assert_eq!(temporaries.len(), 4, "{:?}", t.objects);
        // Still there: not the toolchain's (say, a library built in /tmp).
        assert!(!is_toolchain_temporary(
            Path::new("/tmp/ccAbC123.o"),
            &dirs,
            |_| true
        ));
        // Gone, but not in a temporary directory.
        assert!(!is_toolchain_temporary(
            Path::new("/usr/lib/x.o"),
            &dirs,
            gone
        ));
        assert!(!is_toolchain_temporary(&t.archives[0], &dirs, gone));
        assert_eq!(
            temporary_dirs(&Env::from_pairs([("TMPDIR", "relative")])),
            [PathBuf::from("/tmp"), PathBuf::from("/var/tmp")]
        );
    }

    #[test]
    fn bake_traces_read_like_link_traces() {
        let header = trace_header(
            Path::new("/b"),
            Path::new("/b/debian/hello-rumprun/usr/lib/rumprun/hw_virtio/hello"),
        );
        let t = LinkTrace::parse(&format!(
            "{header}(/usr/lib/x86_64-linux-musl/libc.a)puts.lo\n"
        ))
        .expect("trace");
        assert_eq!(
            t.output,
            Path::new("/b/debian/hello-rumprun/usr/lib/rumprun/hw_virtio/hello")
        );
        assert_eq!(
            t.archives,
            [PathBuf::from("/usr/lib/x86_64-linux-musl/libc.a")]
        );
        assert_eq!(
            bake_trace_file("hello-rumprun", 2),
            Path::new("debian/.debhelper/rumprun/trace/bake.hello-rumprun.2")
        );
    }

    #[test]
    fn tracer_and_wrappers() {
        let t = trace_link_script(Path::new("/b/debian/.debhelper/rumprun/trace"));
        assert!(t.starts_with("#!/bin/sh\n"));
        assert!(t.contains("mktemp \"/b/debian/.debhelper/rumprun/trace/link.XXXXXXXX\""));
        assert!(t.contains("-o?*) out=${arg#-o} ;;"));
        let w = compiler_wrapper(
            "x86_64-rumprun-netbsd-gcc",
            Path::new("/usr/bin/x86_64-rumprun-netbsd-gcc"),
            Path::new("/b/bin/rumprun-trace-link"),
        );
        assert!(
            w.ends_with(
                "exec /b/bin/rumprun-trace-link /usr/bin/x86_64-rumprun-netbsd-gcc \"$@\"\n"
            ),
            "{w}"
        );
    }
}
