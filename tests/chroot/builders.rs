//! Building source packages in chroots for the chroot tier: the set-up
//! `tools/chroot-setup` made (build user, tarball), scratch directories
//! the build user owns, one build with sbuild (unshare mode) or pbuilder,
//! and its result with the lines the in-chroot checks printed.

use crate::common::debs::tail;
use crate::common::toolchain::Toolchain;
use crate::common::{TempTree, fixture_dir, repo_root, run_ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// Where the checks inside the chroot write their stamp.
const STAMP: &str = "/var/tmp/dh-rumprun-build-stamp";

/// The prefix of the lines the checks inside the chroot print.
const CHECK: &str = "dh-rumprun-chroot-check:";

/// A guard against a hung build (not a measurement): a chroot build that
/// takes longer than this is killed and the test fails.
const GUARD_SECONDS: &str = "1800";

/// What `tools/chroot-setup` prepared: who builds, in which chroot.
pub struct Chroot {
    /// The unprivileged user sbuild runs as.
    user: String,
    /// The mmdebstrap buildd tarball both sbuild and pbuilder unpack.
    tarball: PathBuf,
}

impl Chroot {
    /// Reads the set-up's settings, or stops with what to run.
    pub fn from_setup() -> Chroot {
        let arch = host_arch();
        let tarball = std::env::var_os("DH_RUMPRUN_CHROOT_TARBALL")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(format!(
                    "/var/cache/dh-rumprun/bookworm-{arch}-buildd.tar.gz"
                ))
            });
        assert!(
            tarball.is_file(),
            "no chroot tarball {}: run tools/chroot-setup",
            tarball.display()
        );
        let user = std::env::var("DH_RUMPRUN_BUILD_USER").unwrap_or_else(|_| {
            if is_root() {
                "rumprun-build".to_string()
            } else {
                whoami()
            }
        });
        Chroot { user, tarball }
    }

    /// `program` run as the build user (through runuser when the tests run
    /// as root), with no sbuild configuration of anyone's.
    fn as_build_user(&self, program: &str, config: &Path) -> Command {
        let mut cmd = if is_root() && self.user != "root" {
            let mut c = Command::new("runuser");
            c.args(["-u", &self.user, "--", program]);
            c
        } else {
            Command::new(program)
        };
        cmd.env("SBUILD_CONFIG", config).env("LC_ALL", "C.UTF-8");
        cmd
    }

    /// Gives the build user the tree at `dir`.
    fn hand_over(&self, dir: &Path) {
        if is_root() {
            run_ok(
                Command::new("chown")
                    .arg("-R")
                    .arg(format!("{0}:", self.user))
                    .arg(dir),
            );
        }
    }
}

/// Whether the tests run as root.
fn is_root() -> bool {
    whoami() == "root"
}

/// The user the tests run as (asked once).
fn whoami() -> String {
    static USER: OnceLock<String> = OnceLock::new();
    USER.get_or_init(|| {
        let out = run_ok(Command::new("id").arg("-un"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// dpkg's host architecture (asked once).
fn host_arch() -> String {
    static ARCH: OnceLock<String> = OnceLock::new();
    ARCH.get_or_init(|| {
        let out = run_ok(Command::new("dpkg-architecture").arg("-qDEB_HOST_ARCH"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// The .debs of dh-rumprun and of the installed toolchain (the stand-in,
/// or the real one's rumprun-toolchain-hw) that ./run-tests built (or took
/// from its cache) into target/debian/.
pub fn tool_debs() -> Vec<PathBuf> {
    let dir = repo_root().join("target/debian");
    let arch = host_arch();
    let toolchain = match Toolchain::installed() {
        Toolchain::Standin => "rumprun-standin-toolchain_",
        Toolchain::Real => "rumprun-toolchain-hw_",
    };
    ["dh-rumprun_", toolchain]
        .iter()
        .map(|prefix| {
            let found: Vec<PathBuf> = fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    name.starts_with(prefix) && name.ends_with(&format!("_{arch}.deb"))
                })
                .collect();
            assert!(
                found.len() == 1,
                "want one {prefix}*_{arch}.deb in {}, found {found:?}: run ./run-tests, which builds them",
                dir.display()
            );
            found.into_iter().next().unwrap_or_default()
        })
        .collect()
}

/// One chroot build's result: its status, its log, its .debs by package.
pub struct Built {
    pub success: bool,
    pub log: String,
    pub debs: BTreeMap<String, PathBuf>,
    pub secs: f64,
}

impl Built {
    /// Panics with the log's tail unless the build succeeded, and checks
    /// the lines the in-chroot checks printed.
    pub fn assert_clean_success(&self, what: &str) {
        assert!(self.success, "{what} failed:\n{}", tail(&self.log, 80));
        let checks: Vec<&str> = self.log.lines().filter(|l| l.starts_with(CHECK)).collect();
        assert!(
            checks.contains(&format!("{CHECK} done").as_str()),
            "{what}: the checks inside the chroot did not run:\n{}",
            tail(&self.log, 80)
        );
        let found: Vec<&&str> = checks
            .iter()
            .filter(|l| **l != format!("{CHECK} done"))
            .collect();
        assert!(
            found.is_empty(),
            "{what}: the build wrote outside its tree, or as root:\n{}",
            found
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// The version of binary package `package` that the chroot installed
    /// for the build, from apt's `Setting up` lines in the log.
    pub fn installed_version(&self, package: &str) -> String {
        let prefix = format!("Setting up {package}");
        self.log
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|rest| {
                let rest = rest
                    .strip_prefix(':')
                    .map_or(rest, |r| r.split_once(' ').map_or("", |(_, after)| after));
                let rest = rest.trim_start().strip_prefix('(')?;
                rest.split_once(')').map(|(v, _)| v.to_string())
            })
            .next()
            .unwrap_or_else(|| panic!("the log does not show {package} installed"))
    }
}

/// The .debs in `dir`, by package name.
fn debs_in(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut debs = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("ls").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pkg) = name.strip_suffix(".deb").and_then(|n| n.split('_').next()) {
            debs.insert(pkg.to_string(), entry.path());
        }
    }
    debs
}

/// Makes the source package (.dsc) of fixture `name` in `dir`, as the
/// build user, and returns its path.
fn source_package(chroot: &Chroot, dir: &Path, name: &str, config: &Path) -> PathBuf {
    let src = dir.join(name);
    run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(fixture_dir(&format!("packages/{name}")))
            .arg(&src),
    );
    chroot.hand_over(dir);
    run_ok(
        chroot
            .as_build_user("dpkg-source", config)
            .arg("-b")
            .arg(name)
            .current_dir(dir),
    );
    let dsc = fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "dsc")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}_")))
        });
    dsc.unwrap_or_else(|| panic!("dpkg-source made no {name} .dsc"))
}

/// The shell command that lists, inside the chroot, every file outside the
/// build tree newer than the stamp (so: written by the build) and every
/// file of `build_tree` owned by root, then says it is done. `prune` are
/// more paths that belong to the builder, not to the build. sbuild and
/// pbuilder both rewrite /etc/hosts and /etc/resolv.conf when they start
/// the build without network, after the stamp: those are theirs too.
fn check_command(build_tree: &str, prune: &[&str]) -> String {
    let mut skip = vec![
        "/proc",
        "/sys",
        "/dev",
        "/build",
        "/etc/hosts",
        "/etc/resolv.conf",
    ];
    skip.extend_from_slice(prune);
    let skip: Vec<String> = skip.iter().map(|p| format!("-path {p}")).collect();
    format!(
        "find / \\( {} \\) -prune -o ! -type d -newer {STAMP} \
         -printf '{CHECK} written outside the build tree: %p\\n'; \
         find {build_tree} -user 0 -printf '{CHECK} owned by root in the build tree: %p\\n'; \
         echo '{CHECK} done'",
        skip.join(" -o ")
    )
}

/// A scratch directory the build user owns, with an empty sbuild
/// configuration (no ~/.sbuildrc of anyone's applies).
pub struct Scratch {
    tmp: TempTree,
    config: PathBuf,
}

impl Scratch {
    /// A new scratch directory, handed to the build user.
    pub fn new(chroot: &Chroot, label: &str) -> Scratch {
        let tmp = TempTree::new(label);
        let config = tmp.path().join("sbuildrc");
        fs::write(&config, "1;\n").expect("write sbuildrc");
        chroot.hand_over(tmp.path());
        Scratch { tmp, config }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }
}

/// Builds `fixture` with sbuild in unshare mode, as the build user, with
/// `extra` as local packages and the build profiles `profiles`, in
/// `scratch/<label>/`.
pub fn sbuild(
    chroot: &Chroot,
    scratch: &Scratch,
    label: &str,
    fixture: &str,
    extra: &[PathBuf],
    profiles: &[&str],
) -> Built {
    let dir = scratch.path().join(label);
    fs::create_dir_all(&dir).expect("mkdir");
    let mut debs = Vec::new();
    for deb in extra {
        let to = dir.join(deb.file_name().expect("deb name"));
        fs::copy(deb, &to).expect("copy deb");
        debs.push(to);
    }
    let dsc = source_package(chroot, &dir, fixture, &scratch.config);
    let arch = host_arch();
    // sbuild expands %-escapes in its commands: a literal % is %%.
    let check = check_command("%SBUILD_PKGBUILD_DIR", &[]).replace("%p", "%%p");
    let mut cmd = chroot.as_build_user("timeout", &scratch.config);
    cmd.args([GUARD_SECONDS, "sbuild", "--chroot-mode=unshare"])
        .arg(format!("--chroot={}", chroot.tarball.display()))
        .args(["--dist=bookworm", &format!("--arch={arch}")])
        .args(["--arch-any", "--no-arch-all", "--no-source"])
        .args([
            "--no-run-lintian",
            "--no-run-autopkgtest",
            "--no-run-piuparts",
        ])
        .args([
            "--log-external-command-output",
            "--log-external-command-error",
        ])
        .arg(format!("--build-dir={}", dir.display()))
        .arg(format!("--starting-build-commands=touch {STAMP}"))
        .arg(format!("--finished-build-commands={check}"))
        .args(
            debs.iter()
                .map(|d| format!("--extra-package={}", d.display())),
        )
        .args((!profiles.is_empty()).then(|| format!("--profiles={}", profiles.join(","))))
        .arg(&dsc)
        .current_dir(&dir);
    let start = Instant::now();
    let out = cmd.output().expect("running sbuild");
    let secs = start.elapsed().as_secs_f64();
    let log_path = fs::read_dir(&dir)
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "build") && p.is_symlink())
        .unwrap_or_else(|| {
            panic!(
                "sbuild wrote no log in {}:\n{}\n{}",
                dir.display(),
                tail(&String::from_utf8_lossy(&out.stdout), 40),
                tail(&String::from_utf8_lossy(&out.stderr), 40)
            )
        });
    let log = fs::read_to_string(&log_path).expect("read sbuild log");
    for d in &debs {
        fs::remove_file(d).expect("rm extra deb");
    }
    eprintln!("sbuild {fixture} ({label}): {secs:.1} s");
    Built {
        success: out.status.success(),
        log,
        debs: debs_in(&dir),
        secs,
    }
}

/// Builds `fixture` with pbuilder from the same tarball, `extra` in a
/// local apt repository the chroot reads through a bind mount (pbuilder
/// needs root: through sudo when the tests do not run as root).
pub fn pbuilder(
    chroot: &Chroot,
    scratch: &Scratch,
    label: &str,
    fixture: &str,
    extra: &[PathBuf],
) -> Built {
    let dir = scratch.path().join(label);
    let repo = dir.join("repo");
    let hooks = dir.join("hooks");
    let result = dir.join("result");
    for d in [&repo, &hooks, &result] {
        fs::create_dir_all(d).expect("mkdir");
    }
    for deb in extra {
        fs::copy(deb, repo.join(deb.file_name().expect("deb name"))).expect("copy deb");
    }
    let packages = run_ok(
        Command::new("apt-ftparchive")
            .args(["packages", "."])
            .current_dir(&repo),
    );
    fs::write(repo.join("Packages"), packages.stdout).expect("write Packages");
    let repo_str = repo.display().to_string();
    let hook_files = [
        (
            "D10local-repo",
            format!(
                "echo 'deb [trusted=yes] file:{repo_str} ./' > /etc/apt/sources.list.d/dh-rumprun-local.list\napt-get update\n"
            ),
        ),
        ("A10stamp", format!("touch {STAMP}\n")),
        (
            "B10check",
            check_command("/build/*/", &["/tmp/hooks", &repo_str]) + "\n",
        ),
    ];
    for (name, body) in hook_files {
        let path = hooks.join(name);
        fs::write(&path, format!("#!/bin/sh\nset -e\n{body}")).expect("write hook");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let config = dir.join("pbuilderrc");
    fs::write(
        &config,
        "PBUILDERSATISFYDEPENDSCMD=/usr/lib/pbuilder/pbuilder-satisfydepends-apt\nAPTCACHE=\"\"\n",
    )
    .expect("write pbuilderrc");
    let dsc = source_package(chroot, &dir, fixture, &scratch.config);
    let mut cmd = if is_root() {
        Command::new("timeout")
    } else {
        let mut c = Command::new("sudo");
        c.arg("timeout");
        c
    };
    cmd.args([GUARD_SECONDS, "pbuilder", "build", "--configfile"])
        .arg(&config)
        .arg("--basetgz")
        .arg(&chroot.tarball)
        .arg("--buildresult")
        .arg(&result)
        .arg("--hookdir")
        .arg(&hooks)
        .arg("--bindmounts")
        .arg(&repo)
        .arg(&dsc)
        .env("LC_ALL", "C.UTF-8");
    let start = Instant::now();
    let out = cmd.output().expect("running pbuilder");
    let secs = start.elapsed().as_secs_f64();
    eprintln!("pbuilder {fixture} ({label}): {secs:.1} s");
    Built {
        success: out.status.success(),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        debs: debs_in(&result),
        secs,
    }
}
