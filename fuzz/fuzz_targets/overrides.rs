//! Lint override files as `dh_rumprun lint` reads them: `overrides::parse`
//! for a binary and the source file, `apply` on findings of every kind,
//! and `glob` on the contexts.
#![no_main]

use dh_rumprun::commands::lint::overrides::{apply, glob, parse};
use dh_rumprun::commands::lint::{Finding, sort};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn findings() -> Vec<Finding> {
    vec![
        Finding::new("pie-in-flavour", "hello-rumprun", false)
            .context("-pie")
            .at("debian/rules", 4),
        Finding::new("flavour-without-build-profiles", "hello-rumprun", false)
            .at("debian/control", 9),
        Finding::new("unsupported-process-call", "hello", true)
            .context("fork")
            .at("src/main.c", 12),
        Finding::new("missing-rumprun-toolchain-build-depends", "hello", true),
    ]
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut rules = parse(
        Path::new("debian/hello-rumprun.rumprun-lint-overrides"),
        &text,
        "hello-rumprun",
        false,
    );
    rules.extend(parse(
        Path::new("debian/source/rumprun-lint-overrides"),
        &text,
        "hello",
        true,
    ));
    let mut found = findings();
    let _unused = apply(&mut found, &rules);
    sort(&mut found);
    for f in &found {
        let _ = f.to_string();
    }
    // Every override's context as a glob against every line.
    for o in rules.iter().take(16) {
        for l in text.lines().take(16) {
            let _ = glob(&o.context, l);
        }
    }
});
