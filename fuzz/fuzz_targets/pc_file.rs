//! pkg-config files as dh_rumprun_install reads those a library flavour
//! installs: parsed, variables expanded, every path they give consumers
//! checked against the flavour's prefix. Never a panic, whatever the text.
#![no_main]

use dh_rumprun::flavour::pkg_config::{PcFile, check_flavour_pc, consumer_paths};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let pc = PcFile::parse(&text);
    let _ = consumer_paths(&pc, "/usr/x86_64-rumprun-netbsd/lib/pkgconfig");
    let staged = Path::new("usr/x86_64-rumprun-netbsd/lib/pkgconfig/fuzz.pc");
    if let Err(e) = check_flavour_pc(
        &Path::new("debian/.debhelper/rumprun/stage").join(staged),
        staged,
        &text,
        Path::new("/usr/x86_64-rumprun-netbsd"),
        Path::new("/build/fuzz"),
    ) {
        assert!(e.to_string().contains("fuzz.pc:"), "{e}");
    }
});
