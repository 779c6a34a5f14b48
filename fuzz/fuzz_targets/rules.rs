//! `debian/rules` as dh-rumprun reads it with makefile-lossless: the
//! add-flavour plan (`read_rules` and the edits it makes) and the lint
//! checks of the rules (`check_rules`), on a fixed valid control file; and
//! the same text as a plain upstream Makefile whose directory variables the
//! flavour sets (`make_dirs`).
#![no_main]

use dh_rumprun::commands::add_flavour::{self, Inputs, Request};
use dh_rumprun::debian::control::Control;
use dh_rumprun::flavour::FlavourKind;
use dh_rumprun::commands::lint::source::{Tree, check};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

/// One native package and no flavour: the plan adds everything.
const NATIVE: &str = "Source: hello\nMaintainer: M <m@example.org>\n\
Build-Depends: debhelper-compat (= 13)\n\nPackage: hello\nArchitecture: any\n\
Description: greets\n says hello\n";

/// A flavour already there, so that lint checks the rules.
const FLAVOURED: &str = "Source: hello\nBuild-Depends: debhelper-compat (= 13),\n \
dh-sequence-rumprun <!pkg.hello.norumprun>\n\nPackage: hello\nArchitecture: any\n\
Description: greets\n\nPackage: hello-rumprun\nArchitecture: amd64 i386\n\
Build-Profiles: <!pkg.hello.norumprun>\nDescription: greets\n";

fuzz_target!(|data: &[u8]| {
    let rules = String::from_utf8_lossy(data);
    // Program only: a library flavour reads the rules the same way.
    let req = Request {
        kind: FlavourKind::Program,
        native: "hello".into(),
        name: None,
        bake: Vec::new(),
        architectures: vec!["amd64".into()],
        toolchain_package: "rumprun-toolchain".into(),
    };
    let inputs = Inputs {
        control: NATIVE.to_string(),
        control_template: None,
        vendor: "debian".into(),
        rules: rules.to_string(),
        native_install: Some("usr/bin/hello\n".into()),
        bake_file_exists: false,
        dev_aliases: Default::default(),
        installed_flavours: Default::default(),
    };
    let _ = add_flavour::plan(&req, &inputs);
    static CONTROL: OnceLock<Control> = OnceLock::new();
    let control = CONTROL.get_or_init(|| {
        Control::parse(Path::new("debian/control"), FLAVOURED).expect("valid control")
    });
    let tree = Tree {
        control: control.clone(),
        generated: false,
        rules: Some(rules.to_string()),
        sources: Vec::new(),
        bake_files: Vec::new(),
    };
    let _ = check(&tree);
    // A plain Makefile's directory variables, read the same way.
    let _ = dh_rumprun::flavour::make_dirs::assigned_directories(&rules);
});
