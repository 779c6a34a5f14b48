//! A linker trace (`ld -t -t` output behind the tracer's header) as
//! `dh_rumprun_substvars` reads it: `LinkTrace::parse`.
#![no_main]

use dh_rumprun::flavour::link_trace::LinkTrace;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The stage reads traces with read_to_string and skips non-UTF-8 ones.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(t) = LinkTrace::parse(text) {
        assert!(t.archives.windows(2).all(|w| w[0] < w[1]));
        assert!(t.objects.windows(2).all(|w| w[0] < w[1]));
    }
});
