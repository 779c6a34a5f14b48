//! `debian/control` as every stage reads it: `Control::parse`, then what
//! the stages and `dh_rumprun lint` / `add-flavour` do with the result.
#![no_main]

use dh_rumprun::commands::add_flavour::{self, Inputs, Request};
use dh_rumprun::debian::control::{Control, says_generated};
use dh_rumprun::env::Env;
use dh_rumprun::flavour::{FlavourKind, flavour_kind, flavours};
use dh_rumprun::commands::lint::source::{Tree, check};
use dh_rumprun::stages::selection::built_packages;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const RULES: &str = "#!/usr/bin/make -f\n%:\n\tdh $@\n\n\
override_dh_auto_configure:\n\tdh_auto_configure -- --enable-shared --with-foo\n\n\
override_dh_auto_install:\n\tdh_auto_install\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("debian/control");
    let _ = says_generated(text);
    let control = match Control::parse(path, text) {
        Ok(c) => c,
        Err(e) => {
            assert!(e.to_string().starts_with("debian/control"), "{e}");
            return;
        }
    };
    let _ = control.compat_from_build_depends();
    for p in &control.packages {
        let _ = p.is_arch_all();
        let _ = flavour_kind(&control, p);
        if let Some(f) = &p.build_profiles {
            let _ = f.holds(&["nocheck".to_string(), format!("pkg.{}.norumprun", p.name)]);
        }
    }
    // dpkg's tables are read from the system (/usr/share/dpkg).
    if let Err(e) = flavours(&control, None) {
        assert!(e.to_string().starts_with("debian/control:"), "{e}");
    }
    let env = Env::from_pairs([
        ("DEB_HOST_ARCH", "amd64"),
        ("DEB_TARGET_ARCH", "arm64"),
        ("DEB_BUILD_PROFILES", "nocheck"),
    ]);
    let _ = built_packages(&control, &env);
    let tree = Tree {
        control: control.clone(),
        generated: false,
        rules: Some(RULES.to_string()),
        sources: Vec::new(),
        bake_files: Vec::new(),
    };
    let _ = check(&tree);
    // add-flavour's plan edits the control text itself.
    if let Some(native) = control.packages.first() {
        for kind in [FlavourKind::Program, FlavourKind::Library] {
            let req = Request {
                kind,
                native: native.name.clone(),
                name: None,
                bake: vec!["hw_virtio".into()],
                architectures: vec!["amd64".into(), "i386".into()],
                toolchain_package: "rumprun-toolchain".into(),
            };
            let inputs = Inputs {
                control: text.to_string(),
                control_template: None,
                vendor: "debian".into(),
                rules: RULES.to_string(),
                native_install: None,
                bake_file_exists: false,
                dev_aliases: Default::default(),
                // Every library flavour the control file could name.
                installed_flavours: add_flavour::library_flavour_candidates(&text)
                    .into_iter()
                    .collect(),
            };
            let _ = add_flavour::plan(&req, &inputs);
            // The same text as the template debian/control is generated
            // from, read for a vendor.
            let inputs = Inputs {
                control_template: Some(("debian/control-in".into(), text.to_string())),
                ..inputs
            };
            let _ = add_flavour::plan(&req, &inputs);
        }
    }
});
