#![allow(dead_code)]

use std::path::PathBuf;

/// The corpus: `$STATIC_PROBES_CORPUS` when set (to run the tests over
/// another set of provider files), else the repository's `tests/corpus`.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("STATIC_PROBES_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus")),
    }
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
