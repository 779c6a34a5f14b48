//! The flavour's build environment: a clean cross environment for the
//! rumprun triplet, as Debian's cross flavours set one up (host build
//! flags, hardening and `PKG_CONFIG_PATH` are not inherited).

use crate::env::Env;
use crate::location::InputError;
use std::path::Path;

/// Variables of the host build the flavour must not see (dpkg-buildflags'
/// other flags, search paths for headers, libraries and .pc files); the
/// flavour sets CFLAGS, CXXFLAGS, CPPFLAGS and LDFLAGS itself.
const UNSET_FLAGS: &[&str] = &[
    "ASFLAGS",
    "DFLAGS",
    "FCFLAGS",
    "FFLAGS",
    "GCJFLAGS",
    "OBJCFLAGS",
    "OBJCXXFLAGS",
    "PKG_CONFIG_PATH",
    "PKG_CONFIG_SYSROOT_DIR",
    "LIBRARY_PATH",
    "CPATH",
    "C_INCLUDE_PATH",
    "CPLUS_INCLUDE_PATH",
    "DEB_CFLAGS_APPEND",
    "DEB_CPPFLAGS_APPEND",
    "DEB_CXXFLAGS_APPEND",
    "DEB_LDFLAGS_APPEND",
    "DEB_BUILD_MAINT_OPTIONS",
];

/// The variables the flavour's build commands run with, in a fixed order:
/// `Some` to set, `None` to remove. `root` is the absolute path of the
/// source package (mapped to `.` in debug information and macros, for
/// reproducible output) and `bin_dir` the absolute path of the flavour's
/// own tools (the `TRIPLET-pkg-config` wrapper), first on `PATH`.
/// `compiler_include` is the compiler's own header directory: the
/// toolchain's `-nostdinc` hides it, and with it the intrinsics headers
/// (`emmintrin.h`, `cpuid.h`, ...) SIMD code needs, so the flags put it back
/// with `-idirafter`, searched after the toolchain's own headers.
pub fn flavour_environment(
    triplet: &str,
    env: &Env,
    root: &Path,
    bin_dir: &Path,
    compiler_include: Option<&Path>,
) -> Vec<(String, Option<String>)> {
    let set = |k: &str, v: String| (k.to_string(), Some(v));
    let tool = |t: &str| format!("{triplet}-{t}");
    let opt = if env.build_option("noopt").is_some() {
        "-O0"
    } else {
        "-O2"
    };
    let join =
        |base: String, extra: Option<&str>| match extra.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => format!("{base} {e}"),
            None => base,
        };
    let mut base = format!("{opt} -g -ffile-prefix-map={}=.", root.display());
    if let Some(inc) = compiler_include {
        base.push_str(&format!(" -idirafter {}", inc.display()));
    }
    let cflags = join(base, env.get("RUMPRUN_CFLAGS"));
    let ldflags = join(format!("-L/usr/{triplet}/lib"), env.get("RUMPRUN_LDFLAGS"));
    let strip = if env.build_option("nostrip").is_some() {
        ":".to_string()
    } else {
        tool("strip")
    };
    let mut vars = vec![
        set("CC", tool("gcc")),
        set("CXX", tool("g++")),
        set("CPP", format!("{} -E", tool("gcc"))),
        set("AR", tool("ar")),
        set("RANLIB", tool("ranlib")),
        set("NM", tool("nm")),
        set("LD", tool("ld")),
        set("OBJCOPY", tool("objcopy")),
        set("STRIP", strip),
        // The flavour's own wrapper (first on PATH): only the triplet's .pc
        // files, and --static, which every rumprun link needs.
        set("PKG_CONFIG", tool("pkg-config")),
        set("CFLAGS", cflags.clone()),
        set("CXXFLAGS", cflags),
        set("CPPFLAGS", format!("-I/usr/{triplet}/include")),
        set("LDFLAGS", ldflags),
        set(
            "PKG_CONFIG_LIBDIR",
            format!("/usr/{triplet}/lib/pkgconfig:/usr/{triplet}/share/pkgconfig"),
        ),
        // Keeps dh_auto_* from exporting dpkg-buildflags' host flags.
        set("DH_INTERNAL_BUILDFLAGS", "1".into()),
    ];
    let mut path = bin_dir.display().to_string();
    if let Some(dir) = env.get("RUMPRUN_TOOLCHAIN").filter(|d| !d.is_empty()) {
        path = format!("{path}:{}", Path::new(dir).join("bin").display());
    }
    vars.push(set(
        "PATH",
        format!("{path}:{}", env.get("PATH").unwrap_or("/usr/bin:/bin")),
    ));
    // Only what is set needs removing; that keeps the printed plan short.
    vars.extend(
        UNSET_FLAGS
            .iter()
            .filter(|k| env.get(k).is_some())
            .map(|k| (k.to_string(), None)),
    );
    vars
}

/// How many jobs `DEB_BUILD_OPTIONS=parallel=N` allows (1 without it).
pub fn parallel_jobs(env: &Env) -> Result<u32, InputError> {
    match env.build_option("parallel") {
        None => Ok(1),
        Some(value) => value
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                InputError::about(
                    Path::new("DEB_BUILD_OPTIONS"),
                    format!(
                        "parallel={} is not a positive number of jobs",
                        value.unwrap_or("")
                    ),
                    "write parallel=N with N >= 1, e.g. DEB_BUILD_OPTIONS=parallel=4",
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(vars: &'a [(String, Option<String>)], k: &str) -> Option<&'a Option<String>> {
        vars.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }

    #[test]
    fn clean_cross_environment() {
        let env = Env::from_pairs([
            ("CFLAGS", "-fstack-protector-strong"),
            ("RUMPRUN_CFLAGS", "-fcommon"),
            ("PKG_CONFIG_PATH", "/usr/lib/x86_64-linux-gnu/pkgconfig"),
        ]);
        let vars = flavour_environment(
            "x86_64-rumprun-netbsd",
            &env,
            Path::new("/build/p"),
            Path::new("/build/p/debian/.debhelper/rumprun/bin"),
            Some(Path::new("/usr/lib/gcc/x86_64-linux-gnu/12/include")),
        );
        assert_eq!(
            get(&vars, "CC"),
            Some(&Some("x86_64-rumprun-netbsd-gcc".into()))
        );
        assert_eq!(
            get(&vars, "CFLAGS"),
            Some(&Some(
                "-O2 -g -ffile-prefix-map=/build/p=. -idirafter /usr/lib/gcc/x86_64-linux-gnu/12/include -fcommon"
                    .into()
            ))
        );
        assert_eq!(get(&vars, "PKG_CONFIG_PATH"), Some(&None));
        assert_eq!(
            get(&vars, "PKG_CONFIG"),
            Some(&Some("x86_64-rumprun-netbsd-pkg-config".into()))
        );
        assert_eq!(
            get(&vars, "STRIP"),
            Some(&Some("x86_64-rumprun-netbsd-strip".into()))
        );
        assert_eq!(
            get(&vars, "PATH"),
            Some(&Some(
                "/build/p/debian/.debhelper/rumprun/bin:/usr/bin:/bin".into()
            ))
        );
        assert_eq!(
            get(&vars, "LIBRARY_PATH"),
            None,
            "not set, so nothing to remove"
        );
    }

    #[test]
    fn build_options_and_toolchain_dir() {
        let env = Env::from_pairs([
            ("DEB_BUILD_OPTIONS", "noopt nostrip"),
            ("RUMPRUN_TOOLCHAIN", "/opt/rr"),
            ("PATH", "/usr/bin"),
        ]);
        let vars = flavour_environment(
            "i486-rumprun-netbsdelf",
            &env,
            Path::new("/p"),
            Path::new("/b"),
            None,
        );
        assert_eq!(
            get(&vars, "CFLAGS"),
            Some(&Some("-O0 -g -ffile-prefix-map=/p=.".into()))
        );
        assert_eq!(get(&vars, "STRIP"), Some(&Some(":".into())));
        assert_eq!(
            get(&vars, "PATH"),
            Some(&Some("/b:/opt/rr/bin:/usr/bin".into()))
        );
    }

    #[test]
    fn parallel_jobs_from_build_options() {
        assert_eq!(parallel_jobs(&Env::default()), Ok(1));
        assert_eq!(
            parallel_jobs(&Env::from_pairs([("DEB_BUILD_OPTIONS", "parallel=3")])),
            Ok(3)
        );
        assert!(parallel_jobs(&Env::from_pairs([("DEB_BUILD_OPTIONS", "parallel=x")])).is_err());
        assert!(parallel_jobs(&Env::from_pairs([("DEB_BUILD_OPTIONS", "parallel=0")])).is_err());
    }
}
