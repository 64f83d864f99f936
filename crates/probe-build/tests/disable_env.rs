//! `PROBE_BUILD_DISABLE` compiles probes out (its own test binary: it
//! sets a process-wide environment variable).

use probe_build::{Backend, Build, DISABLE_ENV};

#[test]
fn the_environment_switches_probes_off() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("disable-env");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.d");
    std::fs::write(&file, "provider p { probe x(int a); };\n").unwrap();
    let build = || {
        Build::new()
            .file(&file)
            .target("x86_64-unknown-linux-gnu")
            .out_dir(&dir)
            .cargo_metadata(false)
            .try_compile()
            .unwrap()
    };

    std::env::set_var(DISABLE_ENV, "0");
    assert!(
        matches!(build().backend, Backend::Sdt(_)),
        "0 keeps probes in"
    );

    std::env::set_var(DISABLE_ENV, "1");
    let out = build();
    assert_eq!(out.backend, Backend::Disabled);
    assert_eq!(
        out.disabled_reason.as_deref(),
        Some("switched off by PROBE_BUILD_DISABLE=1")
    );
    let module = std::fs::read_to_string(&out.module).unwrap();
    assert!(
        module.contains("pub const fn x_enabled() -> bool"),
        "{module}"
    );
    assert!(!module.contains("asm!"));
}
