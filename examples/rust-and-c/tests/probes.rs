//! The probes check themselves, in `cargo test`, without root: every probe
//! of `probes.d` has a site in both binaries (linked by rust-lld and by GNU
//! ld), and fires from C and from Rust with the values `src/app.rs` and
//! `c/side.c` pass. The guarded probes (`rust__bytes`, `c__value`) only
//! fire because tracing raised their semaphores.
#![cfg(target_os = "linux")]

use probe_check::{Sites, Trace, Value};

const RUST_LLD: &str = env!("CARGO_BIN_EXE_rust-and-c");
const GNU_LD: &str = env!("CARGO_BIN_EXE_rust-and-c-gnu-ld");

#[test]
fn every_declared_probe_has_a_site() {
    for program in [RUST_LLD, GNU_LD] {
        Sites::new().file("probes.d").check(program);
    }
}

#[test]
fn probes_fire_with_their_arguments() {
    for program in [RUST_LLD, GNU_LD] {
        let hits = Trace::new(program).provider("probes.d").arg("1").run();
        // `rust__bytes` passes a pointer: its value differs from run to run.
        let lines: Vec<String> = hits
            .iter()
            .filter(|hit| !hit.is("mixed:rust__bytes"))
            .map(|hit| hit.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                r#"mixed:rust__start("rust-side", 0)"#,
                "mixed:rust__tick(1, -1000, -3, 1)",
                "mixed:rust__tick(2, -2000, -3, 0)",
                "mixed:rust__tick(3, -3000, -3, 1)",
                r#"mixed:shared("rust", 10)"#,
                r#"mixed:c__start("c-side", 0)"#,
                "mixed:c__value(-1234567890123, 4000000000, 255, -2)",
                r#"mixed:shared("c", 20)"#,
                "mixed:c__done()",
            ],
            "{program}"
        );
        let bytes = hits.of("mixed:rust__bytes");
        assert_eq!(bytes.len(), 1, "{program}:\n{hits}");
        assert!(
            matches!(
                bytes[0].args[..],
                [
                    Value::Pointer(address),
                    Value::Unsigned(16),
                    Value::Unsigned(200),
                    Value::Signed(-100)
                ] if address != 0
            ),
            "{program}: {}",
            bytes[0]
        );
    }
}
