//! The walk and the order, on facts from tables.

use super::*;

/// Facts from tables.
#[derive(Default)]
struct Table {
    binaries: BTreeMap<String, BinaryPackage>,
    installed: BTreeSet<String>,
    apt: BTreeSet<String>,
    archs: BTreeMap<String, Vec<String>>,
    sources: BTreeMap<String, String>,
    contents: BTreeMap<String, Contents>,
    pc: BTreeMap<String, String>,
}

impl Table {
    fn dev(mut self, name: &str, source: &str, depends: &str) -> Self {
        self.binaries.insert(
            name.into(),
            BinaryPackage {
                name: name.into(),
                version: "1.0-1".into(),
                architecture: "amd64".into(),
                source: source.into(),
                source_version: "1.0-1".into(),
                depends: depends.into(),
                provides: Vec::new(),
            },
        );
        self.apt.insert(name.into());
        self.sources.insert(source.into(), "1.0-1".into());
        self
    }
    fn static_lib(mut self, name: &str) -> Self {
        self.contents.insert(
            name.into(),
            Contents {
                archives: vec![format!("/usr/lib/x86_64-linux-gnu/{name}.a")],
                ..Contents::default()
            },
        );
        self
    }
}

impl Facts for Table {
    fn binary(&self, name: &str) -> Option<BinaryPackage> {
        self.binaries.get(name).cloned()
    }
    fn providers(&self, name: &str) -> Vec<String> {
        self.binaries
            .values()
            .filter(|b| b.provides.iter().any(|p| p == name))
            .map(|b| b.name.clone())
            .collect()
    }
    fn is_installed(&self, name: &str) -> bool {
        self.installed.contains(name)
    }
    fn known_to_apt(&self, name: &str) -> bool {
        self.apt.contains(name)
    }
    fn dev_architectures(&self, _source: &str, binary: &str) -> Option<Vec<String>> {
        Some(
            self.archs
                .get(binary)
                .cloned()
                .unwrap_or_else(|| vec!["any".into()]),
        )
    }
    fn source_version(&self, source: &str) -> Option<String> {
        self.sources.get(source).cloned()
    }
    fn knows_sources(&self) -> bool {
        true
    }
    fn contents(&self, name: &str) -> Option<Contents> {
        self.contents.get(name).cloned()
    }
    fn pc_owner(&self, module: &str) -> Option<String> {
        self.pc.get(module).cloned()
    }
    fn archive_owner(&self, name: &str) -> Option<String> {
        self.pc.get(&format!("lib{name}.a")).cloned()
    }
}

fn table() -> ArchTable {
    ArchTable::load_system(None).expect("dpkg's tables")
}

fn run(facts: &Table, build_depends: &str, links: &[&str], profiles: &[&str]) -> Chain {
    let arch_table = table();
    let settings = Settings {
        arch_table: &arch_table,
        host_arch: "amd64".into(),
        profiles: profiles.iter().map(|p| p.to_string()).collect(),
    };
    let target = Target {
        source: "app".into(),
        version: Some("2.0-1".into()),
        build_depends: build_depends.parse().unwrap(),
        links: links.iter().map(|l| l.to_string()).collect(),
    };
    chain(&target, facts, &settings)
}

fn order(c: &Chain) -> Vec<(&str, Status)> {
    c.steps
        .iter()
        .map(|s| (s.source.as_str(), s.status))
        .collect()
}

fn step<'a>(c: &'a Chain, source: &str) -> &'a Step {
    c.steps.iter().find(|s| s.source == source).unwrap()
}

fn tags(s: &Step) -> Vec<&str> {
    s.blockers.iter().map(|b| b.tag).collect()
}

/// app -> liba-dev (a) -> libb-dev (b) -> libc6-dev (glibc).
fn two_deep() -> Table {
    Table::default()
        .dev("liba-dev", "a", "libb-dev (>= 1), liba1 (= 1.0-1)")
        .dev("libb-dev", "b", "libc6-dev | libc-dev")
        .dev("libc6-dev", "glibc", "")
        .static_lib("liba-dev")
        .static_lib("libb-dev")
}

#[test]
fn orders_each_source_after_what_it_needs() {
    let c = run(
        &two_deep(),
        "debhelper-compat (= 13), liba-dev, pkgconf",
        &[],
        &[],
    );
    assert_eq!(
        order(&c),
        [
            ("glibc", Status::Toolchain),
            ("b", Status::Build),
            ("a", Status::Build),
            ("app", Status::Target)
        ]
    );
    assert_eq!(step(&c, "a").needs, ["b"]);
    assert_eq!(step(&c, "b").needs, ["glibc"]);
    assert_eq!(step(&c, "app").needs, ["a"]);
    assert_eq!(step(&c, "a").libraries[0].flavour, "liba-rumprun-dev");
    assert_eq!(c.flavour_arch, "netbsd-amd64");
}

#[test]
fn an_installed_flavour_is_present_and_what_its_pc_links_still_follows() {
    // liba-dev's Depends name libb-dev and libx-dev; the installed
    // flavour's .pc requires b only (it was configured without x).
    let mut t = two_deep()
        .dev("liba-dev", "a", "libb-dev, libx-dev")
        .dev("libx-dev", "x", "")
        .static_lib("libx-dev");
    t.installed.insert("liba-rumprun-dev".into());
    t.installed.insert("libb-rumprun-dev".into());
    t.contents.insert(
        "liba-rumprun-dev".into(),
        Contents {
            pc_modules: vec!["a".into()],
            pc_requires: vec!["b".into()],
            ..Contents::default()
        },
    );
    t.pc.insert("b".into(), "libb-dev".into());
    let c = run(&t, "liba-dev", &[], &[]);
    // b's flavour ships no .pc that requires more: the walk stops there.
    assert_eq!(
        order(&c),
        [
            ("b", Status::Present),
            ("a", Status::Present),
            ("app", Status::Target)
        ]
    );
    assert_eq!(step(&c, "a").needs, ["b"]);
    assert!(step(&c, "a").blockers.is_empty());
}

#[test]
fn a_flavour_apt_knows_is_available() {
    let mut t = two_deep();
    t.apt.insert("libb-rumprun-dev".into());
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(step(&c, "b").status, Status::Available);
    assert!(step(&c, "b").blockers.is_empty());
}

#[test]
fn a_shared_only_library_is_blocked() {
    let mut t = two_deep();
    t.contents.insert(
        "libb-dev".into(),
        Contents {
            shared: true,
            ..Contents::default()
        },
    );
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(step(&c, "b").status, Status::Blocked);
    assert_eq!(tags(step(&c, "b")), ["library-without-static-archive"]);
    assert_eq!(step(&c, "a").status, Status::Build);
}

#[test]
fn headers_only_packages_are_left_out() {
    let mut t = two_deep().dev("libhdr-dev", "hdr", "");
    t.contents.insert("libhdr-dev".into(), Contents::default());
    let c = run(&t, "liba-dev, libhdr-dev", &[], &[]);
    assert!(c.steps.iter().all(|s| s.source != "hdr"));
    assert_eq!(c.left_out[0].package, "libhdr-dev");
}

#[test]
fn a_dev_package_that_ships_no_library_stands_for_what_it_depends_on() {
    // libshout3-dev (transitional, nothing but a Depends) named by the
    // target, and liba3-dev (the same) named by libtop-dev and libtwo-dev.
    let mut t = two_deep()
        .dev("libshout3-dev", "shout", "libshout-dev (= 1.0-1)")
        .dev("libshout-dev", "shout", "libb-dev")
        .static_lib("libshout-dev")
        .dev("libtop-dev", "top", "liba3-dev")
        .static_lib("libtop-dev")
        .dev("libtwo-dev", "two", "liba3-dev")
        .static_lib("libtwo-dev")
        .dev("liba3-dev", "a", "liba-dev (= 1.0-1)");
    t.contents
        .insert("libshout3-dev".into(), Contents::default());
    t.contents.insert("liba3-dev".into(), Contents::default());
    let c = run(&t, "libshout3-dev, libtop-dev, libtwo-dev", &[], &[]);
    assert_eq!(step(&c, "shout").needs, ["b"]);
    assert_eq!(step(&c, "top").needs, ["a"]);
    assert_eq!(step(&c, "two").needs, ["a"]);
    assert_eq!(step(&c, "app").needs, ["shout", "top", "two"]);
    assert_eq!(step(&c, "shout").libraries[0].package, "libshout-dev");
    assert!(c.left_out.is_empty(), "{:?}", c.left_out);
}

#[test]
fn uninstalled_libraries_say_their_contents_are_unknown() {
    let mut t = two_deep();
    t.contents.remove("liba-dev");
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(tags(step(&c, "a")), ["library-contents-unknown"]);
    assert_eq!(step(&c, "a").status, Status::Build);
}

#[test]
fn linux_only_libraries_are_left_out_below_and_blocked_on_top() {
    let mut t = two_deep()
        .dev("libmount-dev", "util-linux", "")
        .dev("libaio-dev", "libaio", "")
        .dev("libfuse3-dev", "fuse3", "")
        .static_lib("libmount-dev")
        .static_lib("libfuse3-dev");
    t.binaries.get_mut("libb-dev").unwrap().depends = "libmount-dev".into();
    t.archs
        .insert("libmount-dev".into(), vec!["linux-any".into()]);
    t.archs.insert(
        "libfuse3-dev".into(),
        vec!["linux-any".into(), "kfreebsd-any".into()],
    );
    let c = run(
        &t,
        "liba-dev, libaio-dev [linux-any], libfuse3-dev",
        &[],
        &[],
    );
    assert!(
        c.steps
            .iter()
            .all(|s| s.source != "util-linux" && s.source != "libaio")
    );
    let left: Vec<&str> = c.left_out.iter().map(|l| l.package.as_str()).collect();
    assert_eq!(left, ["libaio-dev [linux-any]", "libmount-dev"]);
    assert_eq!(step(&c, "fuse3").status, Status::Blocked);
    assert_eq!(
        tags(step(&c, "fuse3")),
        ["library-architecture-excludes-flavour"]
    );
}

#[test]
fn a_cycle_blocks_its_members() {
    let mut t = two_deep();
    t.binaries.get_mut("libb-dev").unwrap().depends = "liba-dev".into();
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(tags(step(&c, "a")), ["dependency-cycle"]);
    assert_eq!(tags(step(&c, "b")), ["dependency-cycle"]);
    assert_eq!(c.steps.last().unwrap().source, "app");
}

#[test]
fn a_source_apt_cannot_fetch_is_blocked() {
    let mut t = two_deep();
    t.sources.remove("b");
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(tags(step(&c, "b")), ["source-not-available"]);
    assert_eq!(step(&c, "b").version.as_deref(), Some("1.0-1"));
}

#[test]
fn virtual_names_resolve_to_their_provider() {
    let mut t = two_deep()
        .dev("libgnutls28-dev", "gnutls28", "")
        .static_lib("libgnutls28-dev");
    t.binaries.get_mut("libgnutls28-dev").unwrap().provides = vec!["gnutls-dev".into()];
    let c = run(&t, "gnutls-dev", &[], &[]);
    assert_eq!(
        order(&c),
        [("gnutls28", Status::Build), ("app", Status::Target)]
    );
}

#[test]
fn profiles_and_links_choose_the_libraries() {
    let t = two_deep()
        .dev("libz-dev", "zlib", "")
        .static_lib("libz-dev");
    let c = run(
        &t,
        "liba-dev <!pkg.app.small>, libz-dev",
        &[],
        &["pkg.app.small"],
    );
    assert_eq!(
        order(&c),
        [("zlib", Status::Build), ("app", Status::Target)]
    );
    let c = run(&t, "liba-dev, libz-dev", &["libz-dev"], &[]);
    assert_eq!(
        order(&c),
        [("zlib", Status::Build), ("app", Status::Target)]
    );
}

#[test]
fn a_flavoured_target_links_its_flavours_natives() {
    let t = two_deep()
        .dev("libz-dev", "zlib", "")
        .static_lib("libz-dev");
    let c = run(
        &t,
        "libz-dev, libb-rumprun-dev <!pkg.app.norumprun>",
        &[],
        &[],
    );
    let sources: Vec<&str> = c.steps.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(sources, ["glibc", "b", "app"]);
}

#[test]
fn pc_requires_add_edges() {
    let mut t = two_deep()
        .dev("libpcre-dev", "pcre", "")
        .static_lib("libpcre-dev");
    t.contents.get_mut("liba-dev").unwrap().pc_requires = vec!["libpcre".into()];
    t.pc.insert("libpcre".into(), "libpcre-dev".into());
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(step(&c, "a").needs, ["b", "pcre"]);
    let mut t = t
        .dev("liblzma-dev", "xz-utils", "")
        .static_lib("liblzma-dev");
    t.contents.get_mut("liba-dev").unwrap().pc_libs = vec!["lzma".into(), "m".into()];
    t.pc.insert("liblzma.a".into(), "liblzma-dev".into());
    t.pc.insert("libm.a".into(), "libc6-dev".into());
    let c = run(&t, "liba-dev", &[], &[]);
    assert_eq!(step(&c, "a").needs, ["b", "glibc", "pcre", "xz-utils"]);
}

#[test]
fn archive_calls_are_infos() {
    let mut t = two_deep();
    t.contents.get_mut("liba-dev").unwrap().calls = vec![
        ("fork".into(), "liba.a".into()),
        ("dlopen".into(), "liba.a".into()),
    ];
    let c = run(&t, "liba-dev", &[], &[]);
    let a = step(&c, "a");
    assert_eq!(
        tags(a),
        ["unsupported-process-call", "unsupported-dynamic-loading"]
    );
    assert_eq!(a.status, Status::Build);
    assert_eq!(a.blockers[0].severity, Severity::Info);
}

#[test]
fn unknown_build_dependencies_are_the_targets_errors() {
    let c = run(&two_deep(), "libnothere-dev", &[], &[]);
    assert_eq!(tags(c.steps.last().unwrap()), ["library-unknown"]);
}
