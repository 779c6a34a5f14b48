//! The multi-call binary: `dh_rumprun` and, through symlinks named after
//! them, the stages that carry dh's NOOP promise.

/// dh reads each command's executable for this line and skips the command
/// when no package it acts on has a `debian/PKG.rumprun` file
/// (`Debian::Debhelper::SequencerUtil::extract_skipinfo`).
#[used]
static DH_NOOP_PROMISE: [u8; 45] = *b"\n# PROMISE: DH NOOP WITHOUT pkgfile(rumprun)\n";

fn main() {
    std::process::exit(dh_rumprun::cli::main(std::env::args().collect()));
}
