//! The inputs the `parse` fuzz target keeps (`fuzz/corpus/parse`) and those
//! that once broke the parser (`fuzz/regressions/parse`), replayed with the
//! target's own checks: `Ok` or `Err`, never a panic; every diagnostic
//! displays; no probe has more than 12 arguments; every normalized type
//! parses again to itself.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use probe_provider::{parse_bytes, CType, MAX_PROBE_ARGS};

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

fn check(data: &[u8]) -> Result<(), String> {
    match parse_bytes("fuzz.d", data) {
        Ok(file) => {
            for warning in &file.warnings {
                let _ = warning.to_string();
            }
            for probe in file.providers.iter().flat_map(|p| &p.probes) {
                if probe.args.len() > MAX_PROBE_ARGS {
                    return Err(format!("{} has {} arguments", probe.name, probe.args.len()));
                }
                for arg in &probe.args {
                    let again = CType::parse(&arg.ty.normalized)?;
                    if (&again.normalized, again.class) != (&arg.ty.normalized, arg.ty.class) {
                        return Err(format!("`{}` does not parse to itself", arg.ty.normalized));
                    }
                }
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    Ok(())
}

#[test]
fn every_kept_fuzz_input_parses_or_fails_cleanly() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files_in(&fuzz.join("corpus/parse"));
    assert!(
        corpus.len() >= 100,
        "the fuzz corpus at {} looks incomplete ({} files)",
        fuzz.join("corpus/parse").display(),
        corpus.len()
    );
    let mut failures = Vec::new();
    for path in corpus
        .iter()
        .chain(&files_in(&fuzz.join("regressions/parse")))
    {
        let data = std::fs::read(path).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&data)))
            .unwrap_or_else(|_| Err("the parser panicked".into()));
        if let Err(why) = outcome {
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
