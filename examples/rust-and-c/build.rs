fn main() {
    // The Rust module (OUT_DIR/probes.rs) and, for the C side, the header
    // (OUT_DIR/probes.h) whose macros use the semaphores the module defines.
    let probes = probe_build::Build::new()
        .file("probes.d")
        .c_header("probes.h")
        .compile();

    println!("cargo:rerun-if-changed=c/side.c");
    cc::Build::new()
        .file("c/side.c")
        .include(probes.c_header.as_ref().unwrap().parent().unwrap())
        .warnings_into_errors(true)
        .compile("side");

    // The second binary links with GNU ld (bfd); `-fuse-ld` given last wins.
    println!("cargo:rustc-link-arg-bin=rust-and-c-gnu-ld=-fuse-ld=bfd");
}
