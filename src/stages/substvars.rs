//! `dh_rumprun_substvars`: records what the flavour's programs were built
//! from, before `dh_gencontrol`.

use super::Context;
use super::install::baked_record;
use crate::debian::dpkg::parse_search;
use crate::flavour::FlavourKind;
use crate::flavour::built_using::{
    SHOW_FORMAT, merged_usr_twin, parse_installed, requires_source, source_of, substvar_value,
};
use crate::flavour::layout::{flavour_prefix, stage_dir};
use crate::flavour::link_trace::{LinkTrace, TRACE_DIR, is_toolchain_temporary, temporary_dirs};
use crate::flavour::pkg_config::PcFile;
use crate::location::InputError;
use crate::manual::Manual;
use crate::plan::{Plan, Step};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The manual of `dh_rumprun_substvars`.
pub const MANUAL: Manual = Manual {
    name: "dh_rumprun_substvars",
    summary: "compute Static-Built-Using and library Depends for rumprun flavour packages",
    synopsis: "[debhelper options]",
    description: "dh_rumprun_substvars writes rumprun:Static-Built-Using and rumprun:Built-Using \
        into debian/PKG.substvars for each flavour package, always, even when empty, so that \
        \"Static-Built-Using: ${rumprun:Static-Built-Using}\" never refers to an undefined \
        variable.\n\n\
        Static-Built-Using lists, as \"src (= version)\", sorted, the source packages of what the \
        linker took into each image the flavour baked: the archives it took members from and \
        the objects it read, as the linker traces record them, of the program's own link (the \
        flavour's compiler wrappers link with ld -t -t) and of the bake's final link, which adds \
        the C library and the rump kernel components from the toolchain (dh_rumprun_install \
        bakes with rumprun-bake -m 'add -Wl,-t,-t'). Files of the source package itself, the \
        compiler's own runtime (libgcc, crtbegin.o) and the toolchain's temporaries (an object \
        of the compiler driver or of rumprun-bake in $TMPDIR, /tmp or /var/tmp that is gone \
        again: made from the package's own code, such as /tmp/ccAbC123.o of a file compiled and \
        linked in one call) are left out. The files are mapped to their \
        packages with one dpkg-query --search (each path, its real path and its merged-/usr \
        twin), the packages to their sources with one dpkg-query -W, as ${source:Package} and \
        ${source:Version} (a binNMU's version is its source's). Built-Using is the subset \
        whose licence requires shipping the source, decided as dh-cargo decides: the DEP-5 \
        copyright file of the binary package says X-Binary-Requires-Source: yes or names GPL, \
        LGPL, AGPL, GFDL, MPL, CDDL, CPL, Artistic, Perl or QPL in a License field (a file that \
        is not DEP-5 puts the source in Built-Using, with a warning). A library flavour links nothing: both values are empty.\n\n\
        rumprun:Depends (written as optional, \"rumprun:Depends?=\", so that a stanza without it \
        draws no warning) is, for a library flavour, what a program linking it through \
        pkg-config --static needs installed besides it, as libvorbis-dev depends on libogg-dev: \
        the packages that ship the modules its .pc files require (Requires, Requires.private; \
        lib/pkgconfig/M.pc or share/pkgconfig/M.pc under /usr/TRIPLET) and the archives they \
        link (-lNAME: lib/libNAME.a), when the package does not ship them itself. A flavour of \
        the same build is named as \"PKG (= ${binary:Version})\", an installed package by name \
        (one dpkg-query --search); a library no package ships (-lm) is the toolchain's. A \
        library flavour's stanza says \"Depends: ${rumprun:Depends}, ${misc:Depends}\"; for a \
        program flavour the value is empty.",
    options: &[],
    notes: "A linked file that belongs to no installed package is an error: its source cannot \
        be named.",
};

/// The substvars this stage owns.
const VARIABLES: [&str; 3] = [
    "rumprun:Static-Built-Using",
    "rumprun:Built-Using",
    "rumprun:Depends",
];

/// The variable written with `?=` (dpkg's optional assignment): a stanza
/// made before dh-rumprun 0.4.2 does not use it, and dpkg-gencontrol warns
/// about unused variables only when they are not optional.
const OPTIONAL: &str = "rumprun:Depends";

/// `existing` substvars text with the rumprun variables set to `values`
/// (replaced where present, appended otherwise; other lines kept).
pub fn updated_substvars(existing: &str, values: &[(&str, String); 3]) -> String {
    let mut out: Vec<String> = existing
        .lines()
        .filter(|l| {
            let name = l.split(['=', '?']).next().unwrap_or("");
            !VARIABLES.contains(&name)
        })
        .map(str::to_string)
        .collect();
    for (name, value) in values {
        let assign = if *name == OPTIONAL { "?=" } else { "=" };
        out.push(format!("{name}{assign}{value}"));
    }
    out.join("\n") + "\n"
}

/// What the variables say for one flavour package.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values {
    /// `rumprun:Static-Built-Using`.
    pub static_built_using: String,
    /// `rumprun:Built-Using`.
    pub built_using: String,
    /// `rumprun:Depends`: for a library flavour, the packages that ship
    /// what its `.pc` files require and link.
    pub depends: String,
}

/// What a library flavour's pkg-config files need from other packages:
/// for each module they require (`Requires`, `Requires.private`) and each
/// library they link (`-lNAME`), the paths under the flavour prefix
/// `prefix` that would provide it (`lib/pkgconfig/M.pc` or
/// `share/pkgconfig/M.pc`; `lib/libNAME.a`), leaving out what the package
/// ships itself (`shipped`, absolute paths). A library no path provides
/// (the C library's `-lm`) is the toolchain's: no package is named for it.
pub fn needed_paths(
    prefix: &Path,
    pcs: &[PcFile],
    shipped: &BTreeSet<PathBuf>,
) -> Vec<Vec<PathBuf>> {
    let mut out: Vec<Vec<PathBuf>> = Vec::new();
    let modules = pcs.iter().flat_map(PcFile::requires).map(|m| {
        ["lib", "share"]
            .iter()
            .map(|d| prefix.join(d).join("pkgconfig").join(format!("{m}.pc")))
            .collect::<Vec<_>>()
    });
    let archives = pcs
        .iter()
        .flat_map(PcFile::libs)
        .map(|l| vec![prefix.join("lib").join(format!("lib{l}.a"))]);
    for alternatives in modules.chain(archives) {
        if !alternatives.iter().any(|p| shipped.contains(p)) && !out.contains(&alternatives) {
            out.push(alternatives);
        }
    }
    out
}

/// What writing the substvars needs: the values and the files as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inputs {
    /// The values, by flavour package.
    pub values: BTreeMap<String, Values>,
    /// The current `debian/PKG.substvars` texts (absent files as empty).
    pub existing: BTreeMap<String, String>,
}

impl Inputs {
    /// Reads the linker traces and the substvars files, and asks dpkg.
    pub fn read(ctx: &Context) -> Result<Inputs, InputError> {
        let mut inputs = Inputs::default();
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
            inputs.existing.insert(f.package.clone(), existing);
        }
        for f in ctx
            .flavours
            .iter()
            .filter(|f| f.kind == FlavourKind::Library)
        {
            let depends = library_depends(ctx, &f.package)?;
            inputs.values.entry(f.package.clone()).or_default().depends = depends;
        }
        let baked: Vec<(String, Vec<PathBuf>)> = ctx
            .flavours
            .iter()
            .filter(|f| f.kind == FlavourKind::Program)
            .map(|f| (f.package.clone(), read_baked(&ctx.root, &f.package)))
            .filter(|(_, programs)| !programs.is_empty())
            .collect();
        if baked.is_empty() {
            return Ok(inputs);
        }
        let traces = read_traces(&ctx.root.join(TRACE_DIR));
        let gcc = ctx.require_tool(&format!("{}-gcc", ctx.triplet))?;
        let runtime = compiler_runtime_dir(&gcc);
        let temporaries = temporary_dirs(&ctx.env);
        for (package, programs) in baked {
            let mut read = BTreeSet::new();
            for program in &programs {
                let staged = ctx.root.join(stage_dir()).join(program);
                let bytes = std::fs::read(&staged).map_err(|e| {
                    InputError::about(
                        &staged,
                        format!("cannot read: {e}"),
                        "run dh_rumprun_install again",
                    )
                })?;
                let links: Vec<&LinkTrace> = traces
                    .iter()
                    .filter(|t| std::fs::read(&t.output).is_ok_and(|b| b == bytes))
                    .collect();
                if links.is_empty() {
                    return Err(InputError::about(
                        &stage_dir().join(program),
                        "no linker trace of the flavour build made this program",
                        "link it with the flavour's compiler (CC, CXX or the build system's own), not with a tool given by absolute path",
                    ));
                }
                read.extend(
                    links
                        .iter()
                        .flat_map(|t| t.archives.iter().chain(&t.objects)),
                );
            }
            // The bakes' own links, which add the C library and the rump
            // kernel components: their outputs are the package's images.
            let images = ctx.abs_root.join(format!("debian/{package}"));
            let bakes: Vec<&LinkTrace> = traces
                .iter()
                .filter(|t| t.output.starts_with(&images))
                .collect();
            if bakes.is_empty() {
                return Err(InputError::about(
                    Path::new(TRACE_DIR),
                    format!("no trace of a bake of {package}"),
                    "run dh_rumprun_install again (it bakes with rumprun-bake -m 'add -Wl,-t,-t')",
                ));
            }
            read.extend(
                bakes
                    .iter()
                    .flat_map(|t| t.archives.iter().chain(&t.objects)),
            );
            let linked: BTreeSet<PathBuf> = read
                .into_iter()
                .filter(|p| !p.starts_with(&ctx.abs_root))
                .filter(|p| runtime.as_ref().is_none_or(|r| !p.starts_with(r)))
                .filter(|p| !is_toolchain_temporary(p, &temporaries, Path::exists))
                .cloned()
                .collect();
            let sources = sources_of(&linked)?;
            inputs.values.insert(package, sources);
        }
        Ok(inputs)
    }
}

/// `rumprun:Depends` of the library flavour `package`, from the
/// pkg-config files `dh_rumprun_install` put in `debian/PACKAGE`: the
/// packages that ship what they need ([`needed_paths`]), a flavour of this
/// build as `PKG (= ${binary:Version})`, an installed one by name, found
/// with one `dpkg-query --search`.
fn library_depends(ctx: &Context, package: &str) -> Result<String, InputError> {
    let prefix = flavour_prefix(ctx.triplet);
    let tree = |p: &str| ctx.root.join("debian").join(p);
    let inside = |p: &str, path: &Path| tree(p).join(path.strip_prefix("/").unwrap_or(path));
    let own = tree(package);
    let shipped: BTreeSet<PathBuf> = walkdir::WalkDir::new(&own)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            e.path()
                .strip_prefix(&own)
                .ok()
                .map(|p| Path::new("/").join(p))
        })
        .collect();
    let mut pcs = Vec::new();
    for path in shipped.iter().filter(|p| {
        p.extension().is_some_and(|e| e == "pc")
            && p.parent().is_some_and(|d| d.ends_with("pkgconfig"))
    }) {
        let file = inside(package, path);
        let text = std::fs::read_to_string(&file).map_err(|e| {
            InputError::about(
                &file,
                format!("cannot read: {e}"),
                "run dh_rumprun_install again",
            )
        })?;
        pcs.push(PcFile::parse(&text));
    }
    let mut depends = BTreeSet::new();
    let mut search = Vec::new();
    for alternatives in needed_paths(&prefix, &pcs, &shipped) {
        let sibling = ctx.flavours.iter().find(|f| {
            f.package != package && alternatives.iter().any(|p| inside(&f.package, p).exists())
        });
        match sibling {
            Some(f) => {
                depends.insert(format!("{} (= ${{binary:Version}})", f.package));
            }
            None => search.push(alternatives),
        }
    }
    if !search.is_empty() {
        let mut argv = vec!["dpkg-query".to_string(), "--search".to_string()];
        argv.extend(search.iter().flatten().map(|p| p.display().to_string()));
        // dpkg-query exits 1 when some path is not found.
        let owners = parse_search(&output_of(&argv, &[0, 1])?);
        for alternatives in &search {
            let owner = alternatives
                .iter()
                .find_map(|p| owners.get(p).and_then(|o| o.first()))
                .map(|o| o.split(':').next().unwrap_or(o).to_string());
            // An installed older build of the package itself is not a
            // dependency.
            if let Some(owner) = owner.filter(|o| o != package) {
                depends.insert(owner);
            }
        }
    }
    Ok(depends.into_iter().collect::<Vec<_>>().join(", "))
}

/// The staged programs `dh_rumprun_install` baked for `package`.
fn read_baked(root: &Path, package: &str) -> Vec<PathBuf> {
    std::fs::read_to_string(root.join(baked_record(package)))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Every trace the flavour's links left, in file name order.
fn read_traces(dir: &Path) -> Vec<LinkTrace> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|text| LinkTrace::parse(&text))
        .collect()
}

/// The directory of the compiler's own runtime (libgcc, crtbegin.o): it is
/// part of the compiler, under the GCC Runtime Library Exception, and
/// Debian does not list gcc in Built-Using for it.
fn compiler_runtime_dir(gcc: &Path) -> Option<PathBuf> {
    let out = std::process::Command::new(gcc)
        .arg("-print-libgcc-file-name")
        .output()
        .ok()?;
    let file = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status
        .success()
        .then(|| file.parent().map(Path::to_path_buf))
        .flatten()
}

/// Runs a command and returns its standard output (a failure is an error
/// naming the command), allowing the exit codes in `ok`.
fn output_of(argv: &[String], ok: &[i32]) -> Result<String, InputError> {
    let what = Path::new(&argv[0]);
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| InputError::about(what, format!("cannot run: {e}"), "install dpkg"))?;
    if !out.status.code().is_some_and(|c| ok.contains(&c)) {
        return Err(InputError::about(
            what,
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
            "check the installed packages",
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The sources of the `linked` files: owners from one `dpkg-query
/// --search` (each path, its real path and their merged-/usr twins), their
/// sources from one `dpkg-query -W`, licences from their copyright files.
fn sources_of(linked: &BTreeSet<PathBuf>) -> Result<Values, InputError> {
    if linked.is_empty() {
        return Ok(Values::default());
    }
    let mut candidates: BTreeMap<&PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in linked {
        let mut c = vec![path.clone()];
        if let Ok(real) = path.canonicalize() {
            if &real != path {
                c.push(real);
            }
        }
        let twins: Vec<PathBuf> = c.iter().filter_map(|p| merged_usr_twin(p)).collect();
        c.extend(twins);
        candidates.insert(path, c);
    }
    let mut argv = vec!["dpkg-query".to_string(), "--search".to_string()];
    let all: BTreeSet<&PathBuf> = candidates.values().flatten().collect();
    argv.extend(all.iter().map(|p| p.display().to_string()));
    // dpkg-query exits 1 when some path is not found; the others are printed.
    let owners = parse_search(&output_of(&argv, &[0, 1])?);
    let mut packages: BTreeSet<String> = BTreeSet::new();
    for (path, c) in &candidates {
        let owner = c.iter().find_map(|p| owners.get(p)).and_then(|o| o.first());
        match owner {
            Some(o) => {
                packages.insert(o.clone());
            }
            None => {
                return Err(InputError::about(
                    path,
                    "was linked into the flavour but belongs to no installed package",
                    "build-depend on the Debian package that ships it, so Static-Built-Using can name its source",
                ));
            }
        }
    }
    let mut argv = vec![
        "dpkg-query".to_string(),
        "-W".to_string(),
        "-f".to_string(),
        SHOW_FORMAT.to_string(),
    ];
    argv.extend(packages.iter().cloned());
    let installed = parse_installed(&output_of(&argv, &[0])?).map_err(|e| {
        InputError::about(
            Path::new("dpkg-query -W"),
            e,
            "check the installed packages",
        )
    })?;
    let mut all_sources = BTreeSet::new();
    let mut copyleft = BTreeSet::new();
    for p in &installed {
        let source = source_of(p).map_err(|e| {
            InputError::about(
                Path::new("dpkg-query -W"),
                e,
                "check the installed packages",
            )
        })?;
        let name = p.package.split(':').next().unwrap_or_default();
        let path = PathBuf::from(format!("/usr/share/doc/{name}/copyright"));
        let copyright = std::fs::read_to_string(&path).unwrap_or_default();
        match requires_source(&copyright) {
            Some(false) => {}
            Some(true) => {
                copyleft.insert(source.clone());
            }
            None => {
                // dh-cargo stops here; listing the source is the safe side.
                eprintln!(
                    "dh_rumprun_substvars: warning: {} is not a machine-readable (DEP-5) copyright file: {} goes into Built-Using",
                    path.display(),
                    source.name
                );
                copyleft.insert(source.clone());
            }
        }
        all_sources.insert(source);
    }
    Ok(Values {
        static_built_using: substvar_value(&all_sources),
        built_using: substvar_value(&copyleft),
        depends: String::new(),
    })
}

/// Writes the variables for each flavour package.
pub fn plan(ctx: &Context, inputs: &Inputs) -> Result<Plan, InputError> {
    let mut steps = Vec::new();
    for f in &ctx.flavours {
        let values = inputs.values.get(&f.package).cloned().unwrap_or_default();
        let existing = inputs.existing.get(&f.package).map_or("", String::as_str);
        let values = [
            (VARIABLES[0], values.static_built_using),
            (VARIABLES[1], values.built_using),
            (VARIABLES[2], values.depends),
        ];
        steps.push(Step::Write {
            path: PathBuf::from(format!("debian/{}.substvars", f.package)),
            contents: updated_substvars(existing, &values),
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
        let old = "misc:Depends=foo\nrumprun:Built-Using=old (= 1)\nshlibs:Depends=libc6\nrumprun:Depends?=old\n";
        let values = [
            (VARIABLES[0], "musl (= 1.2.3-1)".into()),
            (VARIABLES[1], String::new()),
            (VARIABLES[2], "libogg-rumprun-dev".into()),
        ];
        let new = updated_substvars(old, &values);
        assert_eq!(
            new,
            "misc:Depends=foo\nshlibs:Depends=libc6\nrumprun:Static-Built-Using=musl (= 1.2.3-1)\nrumprun:Built-Using=\nrumprun:Depends?=libogg-rumprun-dev\n"
        );
        assert_eq!(updated_substvars(&new, &values), new);
    }

    #[test]
    fn a_library_needs_the_paths_of_what_its_pc_files_require_and_link() {
        let prefix = Path::new("/usr/x86_64-rumprun-netbsd");
        let vorbisenc = PcFile::parse(
            "prefix=/usr/x86_64-rumprun-netbsd\nlibdir=${prefix}/lib\n\
             Name: vorbisenc\nRequires.private: vorbis >= 1.3, ogg\n\
             Libs: -L${libdir} -lvorbisenc\nLibs.private: -lm -lFLAC\n",
        );
        let shipped: BTreeSet<PathBuf> = [
            "/usr/x86_64-rumprun-netbsd/lib/pkgconfig/vorbis.pc",
            "/usr/x86_64-rumprun-netbsd/lib/libvorbisenc.a",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let needed = needed_paths(prefix, &[vorbisenc], &shipped);
        let shown: Vec<Vec<String>> = needed
            .iter()
            .map(|a| a.iter().map(|p| p.display().to_string()).collect())
            .collect();
        assert_eq!(
            shown,
            [
                vec![
                    "/usr/x86_64-rumprun-netbsd/lib/pkgconfig/ogg.pc",
                    "/usr/x86_64-rumprun-netbsd/share/pkgconfig/ogg.pc"
                ],
                vec!["/usr/x86_64-rumprun-netbsd/lib/libm.a"],
                vec!["/usr/x86_64-rumprun-netbsd/lib/libFLAC.a"],
            ]
        );
    }
}
