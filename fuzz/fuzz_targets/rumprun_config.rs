//! `debian/PKG.rumprun` as `dh_rumprun_install` reads it: `bake::parse`,
//! then `bake::images`; also the `rumprun-bake list` reader.
#![no_main]

use dh_rumprun::flavour::bake;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("debian/hello-rumprun.rumprun");
    let _ = bake::configs_from_list(&text);
    match bake::parse(path, &text).and_then(|lines| bake::images(path, &lines)) {
        Ok(images) => {
            for i in images {
                assert!(i.dest.is_relative(), "{}", i.dest.display());
            }
        }
        Err(e) => {
            assert!(
                e.to_string().starts_with("debian/hello-rumprun.rumprun:"),
                "{e}"
            );
        }
    }
});
