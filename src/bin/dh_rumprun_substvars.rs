//! `dh_rumprun_substvars` as its own executable: unlike the other stages it
//! carries no dh NOOP promise, so dh always runs it.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(dh_rumprun::stages::main(
        dh_rumprun::stages::Stage::Substvars,
        &args,
    ));
}
