//! The probes check themselves, in `cargo test`, without root: the binary
//! has a site for every probe of both crates' provider files, and both
//! providers fire with their arguments (`checksum__done` only because
//! tracing raised its semaphore).
#![cfg(target_os = "linux")]

use probe_check::{Sites, Trace, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_two-crates");

#[test]
fn every_declared_probe_has_a_site() {
    Sites::new()
        .file("probes.d")
        .file("helper/probes.d")
        .check(BINARY);
}

#[test]
fn both_providers_fire_with_their_arguments() {
    let hits = Trace::new(BINARY)
        .provider("probes.d")
        .provider("helper/probes.d")
        .run();
    let names: Vec<String> = hits
        .iter()
        .map(|hit| format!("{}:{}", hit.provider, hit.name))
        .collect();
    assert_eq!(
        names,
        [
            "app:main__start",
            "helper:checksum__start",
            "helper:checksum__done",
            "app:main__done"
        ]
    );
    assert_eq!(
        hits.of("app:main__start")[0].to_string(),
        "app:main__start(1)"
    );
    // The data pointer differs from run to run: its length does not.
    assert!(
        matches!(
            hits.of("helper:checksum__start")[0].args[..],
            [Value::Pointer(address), Value::Unsigned(10)] if address != 0
        ),
        "{hits}"
    );
    assert_eq!(
        hits.of("helper:checksum__done")[0].to_string(),
        r#"helper:checksum__done(55, "sum of bytes")"#
    );
    assert_eq!(
        hits.of("app:main__done")[0].to_string(),
        "app:main__done(55)"
    );
}
