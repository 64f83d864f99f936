//! The crate-level example in `src/lib.rs` compiles against a module this
//! crate generates (probes compiled out, so it builds on every host):
//! `tests/fixtures/myapp_probes.rs`. This test keeps that file what the
//! generator writes today; after an intended change, `BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn crate_example_module_is_current() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc_fixture");
    std::fs::create_dir_all(&out).unwrap();
    probe_build::Build::new()
        .file(fixtures.join("myapp.d"))
        .enabled(false)
        .out_dir(&out)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    // The module names the provider file; keep that free of the checkout's path.
    let generated = std::fs::read_to_string(out.join("probes.rs"))
        .unwrap()
        .replace(&fixtures.join("myapp.d").display().to_string(), "myapp.d");
    let kept = fixtures.join("myapp_probes.rs");
    if std::env::var_os("BLESS").is_some_and(|v| v != "0") {
        std::fs::write(&kept, &generated).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap_or_default(),
        generated,
        "tests/fixtures/myapp_probes.rs is stale: BLESS=1 cargo test -p probe-build --test doc_fixture"
    );
}
