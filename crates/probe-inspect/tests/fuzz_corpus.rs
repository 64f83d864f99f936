//! The inputs of the `read` fuzz target, replayed: its seeds
//! (`fuzz/seeds/read`, built by `fuzz/make-seeds` for seven architectures),
//! what libFuzzer found from them and kept (`fuzz/corpus/read`), and the
//! inputs that once broke the reader (`fuzz/regressions/read`). Each reads
//! as probes or as an error, never a panic; probes print as text and JSON;
//! an error is one line that starts with the file's name. So does every
//! prefix of each seed object, and of each seed executable and library at a
//! stride.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Reads `data` as the fuzz target does; `Err` says what went wrong.
fn read_cleanly(data: &[u8]) -> Result<(), String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match probe_inspect::read_bytes("input", data) {
            Ok(file) => {
                let files = [file];
                let _ = probe_inspect::format_text(&files);
                let _ = probe_inspect::format_json(&files);
                Ok(())
            }
            Err(error) => {
                let shown = error.to_string();
                if shown.starts_with("input: ") && !shown.contains('\n') {
                    Ok(())
                } else {
                    Err(format!("unclear error: {shown:?}"))
                }
            }
        }
    }));
    outcome.unwrap_or_else(|_| Err("the reader panicked".into()))
}

#[test]
fn every_kept_fuzz_input_reads_or_fails_cleanly() {
    let mut inputs = Vec::new();
    for (dir, at_least) in [
        ("seeds/read", 35),
        ("corpus/read", 100),
        ("regressions/read", 0),
    ] {
        let files = files_in(&fuzz_dir().join(dir));
        assert!(
            files.len() >= at_least,
            "fuzz/{dir} looks incomplete ({} files)",
            files.len()
        );
        inputs.extend(files);
    }
    let mut failures = Vec::new();
    for path in &inputs {
        if let Err(why) = read_cleanly(&std::fs::read(path).unwrap()) {
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_prefix_of_a_seed_reads_or_fails_cleanly() {
    // Named ARCH-CORPUSFILE-KIND.
    let seeds = files_in(&fuzz_dir().join("seeds/read"));
    assert!(seeds.len() >= 35, "{} seed files", seeds.len());
    let mut failures = Vec::new();
    let mut tried = 0;
    for path in &seeds {
        let data = std::fs::read(path).unwrap();
        let stride = if path.to_string_lossy().ends_with("-object") {
            1
        } else {
            61
        };
        for len in (0..data.len()).step_by(stride) {
            tried += 1;
            if let Err(why) = read_cleanly(&data[..len]) {
                failures.push(format!("{} cut to {len} bytes: {why}", path.display()));
            }
        }
    }
    assert!(tried > 50_000, "{tried}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
