//! A `&str` argument reaches the tracer whole: copied onto the heap when it
//! is longer than the stack buffer (the default, for crates with `alloc`),
//! and cut to the buffer only with `Build::alloc(false)`. gdb reads it back.

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

/// The strings gdb reads at each `strs:text` hit, with the semaphore raised
/// by hand (gdb does not raise semaphores, and a `&str` is only copied for
/// an attached tracer).
fn strings_read_by_gdb(exe: &Path, length: usize) -> Vec<String> {
    let out = run(Command::new("gdb")
        .args(["-q", "-batch", "-nx"])
        .args(["-ex", "set print elements 0"])
        .args(["-ex", "break -probe-stap strs:text"])
        .args(["-ex", &format!("starti {length}")])
        .args([
            "-ex",
            "set var *(unsigned short *) &strs_text_semaphore = 1",
        ])
        .args(["-ex", "continue"])
        .args([
            "-ex",
            "printf \"text=%s len=%d\\n\", $_probe_arg0, $_probe_arg1",
        ])
        .args(["-ex", "continue"])
        .args([
            "-ex",
            "printf \"text=%s len=%d\\n\", $_probe_arg0, $_probe_arg1",
        ])
        .args(["-ex", "continue"])
        .arg(exe));
    out.lines()
        .filter_map(|l| l.strip_prefix("text="))
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "system tier: gdb"]
fn a_long_str_reaches_the_tracer_whole() {
    probe_test_support::require_tools!("gdb");
    let dir = scratch("long-str-heap");
    let exe = program(&dir, true);
    let read = strings_read_by_gdb(&exe, 5000);
    let long = "x".repeat(5000) + "END";
    assert_eq!(read.len(), 2, "{read:?}");
    assert_eq!(read[0], format!("{long} len=5003"));
    assert_eq!(read[1], "short len=5");
}

#[test]
#[ignore = "system tier: gdb"]
fn without_alloc_a_long_str_is_cut_to_the_buffer() {
    probe_test_support::require_tools!("gdb");
    let dir = scratch("long-str-cut");
    let exe = program(&dir, false);
    let read = strings_read_by_gdb(&exe, 5000);
    assert_eq!(read.len(), 2, "{read:?}");
    assert_eq!(read[0], format!("{} len=5003", "x".repeat(63)));
    assert_eq!(read[1], "short len=5");
}
