//! The `bindgen` feature: project typedefs named by probe arguments are
//! resolved from a C header. The generated module compiles with the
//! resolved Rust types, the notes carry the typedefs' sizes, and our tracer
//! reads the values back; bad types give `FILE:LINE:COL: error:` and write nothing.
#![cfg(feature = "bindgen")]

use std::path::PathBuf;
use std::process::Command;

mod common;

use common::{run, scratch};
use probe_build::{Build, Error};

fn fixture(name: &str) -> PathBuf {
    common::fixture("c_types").join(name)
}

/// The argument sizes of one probe's note (`-8@%rax 4@%edx` -> `["-8", "4"]`).
fn note_sizes(notes: &str, probe: &str) -> Vec<String> {
    let block = notes
        .split(&format!("Name: {probe}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no note {probe} in\n{notes}"));
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with("Arguments:"))
        .unwrap();
    line.trim()
        .trim_start_matches("Arguments: ")
        .split(' ')
        .map(|a| a.split('@').next().unwrap().to_string())
        .collect()
}

#[test]
fn typedefs_resolve_and_fire_with_their_sizes() {
    let dir = scratch("c-types-fire");
    let output = Build::new()
        .file(fixture("c_types.d"))
        .c_types_header(fixture("types.h"))
        .rust_type("Small", "u64") // wins over the header's uint8_t
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let module = std::fs::read_to_string(&output.module).unwrap();
    assert!(module.contains("id: u32"), "{module}");

    let program = dir.join("uses_c_types");
    run(Command::new("rustc")
        .env("PROBES_MODULE", &output.module)
        .args(["--edition", "2021", "-C", "opt-level=2", "-g", "-o"])
        .arg(&program)
        .arg(fixture("uses_c_types.rs")));

    let notes = run(Command::new("readelf").args(["-nW"]).arg(&program));
    // TxnId, ParentId (a typedef of TxnId), int64_t, short.
    assert_eq!(
        note_sizes(&notes, "start"),
        ["4", "4", "-8", "-2"],
        "{notes}"
    );
    // bool, unsigned long, an enum typedef, `enum level`.
    assert_eq!(note_sizes(&notes, "flags"), ["1", "8", "4", "4"], "{notes}");
    // A pointer typedef; `Small` mapped by hand to u64.
    assert_eq!(note_sizes(&notes, "conn"), ["8", "8"], "{notes}");

    // No provider file for the tracer (the parser alone does not know
    // the typedefs): the values as the notes' sizes and signs say.
    let hits = probe_check::Trace::new(&program)
        .probe("txn:start")
        .probe("txn:conn")
        .run();
    assert_eq!(
        hits.lines(),
        [
            "txn:start(4000000000, 7, -5000000000, -3)",
            "txn:conn(4660, 8589934592)" // 0x1234, 1 << 33
        ]
    );
}

#[test]
fn bad_types_name_the_argument() {
    let dir = scratch("c-types-bad");
    let err = Build::new()
        .file(fixture("bad_types.d"))
        .c_types_header(fixture("bad_types.h"))
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err();
    assert!(matches!(err, Error::Generate(_)), "{err:?}");
    let text = err.to_string();
    let d = fixture("bad_types.d").display().to_string();
    for expected in [
        format!("{d}:3:17: error: probe `by_value`: argument type `conn_t`: `conn_t` is the struct `conn`; a struct passed by value cannot be a probe argument"),
        format!("{d}:4:16: error: probe `unknown`: argument type `Missing`: no declaration of `Missing` in "),
        format!("{d}:5:14: error: probe `array`: argument type `Pair`: `Pair` is an array type"),
    ] {
        assert!(text.contains(&expected), "missing\n{expected}\nin\n{text}");
    }
    assert!(!text.contains("probe `ok`"), "{text}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "wrote something"
    );
}

#[test]
fn a_header_clang_rejects_is_an_error() {
    let dir = scratch("c-types-broken-header");
    let broken = dir.join("broken.h");
    std::fs::write(&broken, "typedef unknown_base_t TxnId;\n").unwrap();
    let err = Build::new()
        .file(fixture("c_types.d"))
        .c_types_header(&broken)
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("broken.h:1:9: error: unknown type name 'unknown_base_t'"),
        "{text}"
    );
    assert!(!dir.join("probes.rs").exists());
}

/// Run as a child (see `rerun_lines_cover_the_header_and_its_includes`):
/// a build with `cargo:` lines on, as a build script prints them.
#[test]
fn child_build_with_cargo_lines() {
    let Some(dir) = std::env::var_os("C_TYPES_CHILD_OUT") else {
        return;
    };
    Build::new()
        .file(fixture("c_types.d"))
        .c_types_header(fixture("types.h"))
        .rust_type("Small", "u64")
        .target("x86_64-unknown-linux-gnu")
        .out_dir(dir)
        .compile();
}

#[test]
fn rerun_lines_cover_the_header_and_its_includes() {
    let dir = scratch("c-types-rerun");
    let out = run(Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_build_with_cargo_lines",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("C_TYPES_CHILD_OUT", &dir));
    for file in ["c_types.d", "types.h", "level.h"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with("cargo:rerun-if-changed=")
                    && l.ends_with(&format!("/{file}"))),
            "no rerun line for {file} in\n{out}"
        );
    }
    assert!(dir.join("probes.rs").exists());
}
