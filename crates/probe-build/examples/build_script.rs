//! Runs `Build` as a build script would, for the tests in
//! `tests/cargo_lines.rs`: `build_script OUT_DIR TARGET_OS TARGET_ARCH FILE...`
//! (the target comes from `CARGO_CFG_TARGET_*`, as in a real build script).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::env::set_var("OUT_DIR", &args[0]);
    std::env::set_var("CARGO_CFG_TARGET_OS", &args[1]);
    std::env::set_var("CARGO_CFG_TARGET_ARCH", &args[2]);
    let output = probe_build::Build::new()
        .files(&args[3..])
        .c_header("probes.h")
        .compile();
    println!("module: {}", output.module.display());
}
