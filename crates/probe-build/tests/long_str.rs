//! A `&str` argument reaches the tracer whole: copied onto the heap when it
//! is longer than the stack buffer (the default, for crates with `alloc`),
//! and cut to the buffer only with `Build::alloc(false)`. Our tracer reads it
//! back (it raises the semaphore: a `&str` is only copied for an attached
//! tracer).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, run, scratch};
use probe_build::Build;

/// Builds the fixture program with the module `Build` writes.
fn program(dir: &Path, alloc: bool) -> PathBuf {
    let output = Build::new()
        .file(fixture("strs.d"))
        .target("x86_64-unknown-linux-gnu")
        .str_buffer_len(64)
        .alloc(alloc)
        .out_dir(dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let exe = dir.join("long_str");
    let log = run(Command::new("rustc")
        .env("PROBES_MODULE", &output.module)
        .args(["--edition", "2021", "-C", "opt-level=2", "-o"])
        .arg(&exe)
        .arg(fixture("long_str.rs")));
    assert!(!log.contains("warning"), "{log}");
    exe
}

/// What the tracer reads at each `strs:text` hit, strings up to 8 KiB.
fn strings_read(exe: &Path, length: usize) -> Vec<String> {
    probe_check::Trace::new(exe)
        .arg(length.to_string())
        .strings(8192)
        .run()
        .lines()
}

#[test]
fn a_long_str_reaches_the_tracer_whole() {
    let dir = scratch("long-str-heap");
    let exe = program(&dir, true);
    let long = "x".repeat(5000) + "END";
    assert_eq!(
        strings_read(&exe, 5000),
        [
            format!("strs:text({long:?}, 5003)"),
            "strs:text(\"short\", 5)".to_string()
        ]
    );
}

#[test]
fn without_alloc_a_long_str_is_cut_to_the_buffer() {
    let dir = scratch("long-str-cut");
    let exe = program(&dir, false);
    let cut = "x".repeat(63);
    assert_eq!(
        strings_read(&exe, 5000),
        [
            format!("strs:text({cut:?}, 5003)"),
            "strs:text(\"short\", 5)".to_string()
        ]
    );
}
