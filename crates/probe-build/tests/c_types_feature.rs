//! Without the `bindgen` feature, `Build::c_types_header` fails with a
//! message naming the feature, and the default dependency tree has no
//! bindgen or libclang binding.

use std::process::Command;

#[cfg(not(feature = "bindgen"))]
#[test]
fn c_types_header_without_the_feature_says_which_feature() {
    use std::path::{Path, PathBuf};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/c_types");
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("probe-build-tests/c-types-no-feature");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let err = probe_build::Build::new()
        .file(fixtures.join("c_types.d"))
        .c_types_header(fixtures.join("types.h"))
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err()
        .to_string();
    assert!(err.contains("probe-build: error: Build::c_types_header: reading C types from headers needs probe-build's `bindgen` feature"), "{err}");
    assert!(!dir.join("probes.rs").exists());
}

#[test]
fn default_dependency_tree_has_no_bindgen_or_clang() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "probe-build",
            "-e",
            "normal",
            "--offline",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{tree}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tree.contains("cc v"), "{tree}");
    for heavy in ["bindgen", "clang-sys", "syn", "proc-macro2"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{heavy} v"))),
            "{heavy} in\n{tree}"
        );
    }
}
