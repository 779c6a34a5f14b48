//! The multi-call binary: `dh_rumprun` and, through symlinks named after
//! them, the stages dh runs.
//!
//! The stages carry no `PROMISE: DH NOOP WITHOUT ...` line: dh's promise
//! language can only test for files, and a flavour needs none
//! (`debian/PKG.rumprun` is optional), so any promise would make dh skip
//! real work. A stage with no flavour to act on returns in a few
//! milliseconds instead (BENCHMARKS.md).

fn main() {
    std::process::exit(dh_rumprun::cli::main(std::env::args().collect()));
}
