//! The real Rumprun toolchain's runtime, as a program like QEMU needs it.
//!
//! fixtures/toolchain-runtime/runtime.c is compiled with the installed
//! rumprun-toolchain-hw (`-fno-pie -O2`, linked with `-lintl`), baked for
//! hw_virtio and booted in QEMU (tools/boot-image); it prints one line per
//! check and returns 0 only if all passed. The pieces it checks are
//! toolchain/rumprun's runtime patches (see its debian/README.source).
//!
//! Needs the real toolchain installed, so the test is `#[ignore]`d and
//! runs in ./run-tests' real tier.

mod common;

use common::debs::tail;
use common::toolchain::Toolchain;
use common::{TempTree, fixture_dir, run_ok};
use std::process::Command;

/// What the program prints, in order: a line per check, then the verdict.
const EXPECTED: &[&str] = &[
    "runtime: pie: the program is linked from -fno-pie objects: ok",
    "runtime: ucontext: getcontext and setcontext loop 3 times: ok",
    "runtime: ucontext: swapcontext ping-pong passes 1 3 7 15: ok",
    "runtime: ucontext: coroutine returns through uc_link: ok",
    "runtime: mmap: PROT_NONE reservation of 1 MiB: ok",
    "runtime: mmap: MAP_FIXED anonymous 256 KiB inside it, at the address asked: ok",
    "runtime: mmap: the fixed mapping is zeroed, written and read back: ok",
    "runtime: mmap: MAP_FIXED again over it gives zeroed memory: ok",
    "runtime: mmap: munmap of the head and the tail of the reservation: ok",
    "runtime: mmap: MAP_FIXED over the unmapped head maps it again, munmap: ok",
    "runtime: mmap: munmap of the mapping and its guard page: ok",
    "runtime: mmap: after its last page is unmapped, MAP_FIXED there fails: ok",
    "runtime: mmap: MAP_FIXED outside any mapping fails with ENOMEM: ok",
    "runtime: libintl: ngettext(\"a\", \"b\", 2) is \"b\", with n 1 \"a\": ok",
    "runtime: libintl: gettext and friends return the message ids: ok",
    "runtime: libintl: textdomain and the bindings keep their strings: ok",
    "runtime: all checks passed",
];

/// Proves that the installed real toolchain runs what QEMU's build and
/// its runtime need, in a booted hw image: a program compiled with
/// `-fno-pie` (absolute `R_X86_64_32` relocations) links, as the compiler's
/// stub link now passes `-no-pie`; getcontext/setcontext, and
/// makecontext/swapcontext coroutines passing values and returning through
/// `uc_link`, work; `mmap(MAP_FIXED)` of anonymous memory inside a
/// PROT_NONE reservation gives zeroed, usable memory at the address asked
/// (again when mapped over, and over pages unmapped before), and the guard
/// parts around it unmap; once its last page is unmapped the reservation
/// is freed, so no fixed mapping counted a page twice (a fixed mapping
/// there, or outside any mapping, fails); and `-lintl` links a libintl
/// whose ngettext("a", "b", 2) is "b".
#[test]
#[ignore = "needs the real toolchain installed; run ./run-tests"]
fn real_toolchain_runtime_has_ucontext_fixed_mmap_and_libintl() {
    assert_eq!(
        Toolchain::installed(),
        Toolchain::Real,
        "rumprun-toolchain-hw is not installed: ./run-tests installs it for this test"
    );
    let tmp = TempTree::new("toolchain-runtime");
    let program = tmp.path().join("runtime");
    let image = tmp.path().join("runtime.hw_virtio");
    run_ok(
        Command::new("x86_64-rumprun-netbsd-gcc")
            .args(["-fno-pie", "-O2", "-Wall", "-o"])
            .arg(&program)
            .arg(fixture_dir("toolchain-runtime/runtime.c"))
            .arg("-lintl"),
    );
    // The relocatable program keeps the relocations a PIE cannot have.
    let relocs = run_ok(Command::new("readelf").arg("-rW").arg(&program));
    assert!(
        String::from_utf8_lossy(&relocs.stdout)
            .lines()
            .any(|l| l.split_whitespace().nth(2) == Some("R_X86_64_32")),
        "no R_X86_64_32 relocation in {}: not compiled as -fno-pie?",
        program.display()
    );
    run_ok(
        Command::new("rumprun-bake")
            .arg("hw_virtio")
            .arg(&image)
            .arg(&program),
    );
    let ran = Toolchain::Real
        .run("hw_virtio", &image, &[])
        .expect("an hw image boots");
    let lines: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("runtime: "))
        .collect();
    eprintln!("{}", lines.join("\n"));
    assert_eq!(lines, EXPECTED, "console:\n{}", tail(&ran.stdout, 40));
    assert_eq!(ran.status, 0, "console:\n{}", tail(&ran.stdout, 40));
}
