//! The probes check themselves, in `cargo test`, without root: every probe
//! of `probes.d` has a site in the shared library, and both fire with their
//! arguments when a C program calls it (`result` only because tracing
//! raised its semaphore in the library).
#![cfg(target_os = "linux")]

use std::path::PathBuf;
use std::process::Command;

use probe_check::{Sites, Trace};

/// The library Cargo built for this test (in `target/*/deps`).
fn library() -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let library = deps.join("librust_cdylib.so");
    assert!(library.exists(), "{} not built", library.display());
    library
}

/// `c/loader.c`, linked against the library with the C compiler (`$CC`,
/// else `cc`).
fn loader() -> PathBuf {
    let library = library();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cdylib-probes");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("loader");
    let deps = library.parent().unwrap();
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(&compiler)
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg("c/loader.c")
        .arg(format!("-L{}", deps.display()))
        .arg("-lrust_cdylib")
        .arg(format!("-Wl,-rpath,{}", deps.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(
        out.status.success(),
        "{compiler} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

#[test]
fn every_declared_probe_has_a_site() {
    Sites::new().file("probes.d").check(library());
}

#[test]
fn probes_fire_in_the_shared_library() {
    let hits = Trace::new(loader()).provider("probes.d").run();
    assert_eq!(
        hits.lines(),
        [r#"rustlib:call(12, "from-c")"#, "rustlib:result(144)"]
    );
}
