#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus: `$STATICPROBES_CORPUS`, else the first `shared/corpus`
/// found walking up from this crate (the repository sits next to `shared/`).
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STATICPROBES_CORPUS") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in manifest.ancestors() {
        let candidate = dir.join("shared/corpus");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "no shared/corpus directory above {}; set STATICPROBES_CORPUS",
        manifest.display()
    );
}

pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "d"))
        .collect();
    files.sort();
    files
}
