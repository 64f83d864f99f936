//! Every file of `tests/bad-input` is refused where its first line says:
//! `/* rejects: LINE:COL TEXT */`, TEXT a part of the message. The same files
//! are fed to the other readers (CMake, awk, Python) by
//! `tests/readers/compare`, which checks they agree with this one.

use std::path::PathBuf;

fn bad_input_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/bad-input"
    ));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "d"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_input_is_refused_where_it_says() {
    let files = bad_input_files();
    assert!(files.len() >= 50, "tests/bad-input looks incomplete");
    let mut wrong = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let head = String::from_utf8_lossy(&bytes);
        let expectation = head
            .lines()
            .next()
            .and_then(|l| l.trim().strip_prefix("/* rejects: "))
            .and_then(|l| l.strip_suffix("*/"))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no `/* rejects: LINE:COL TEXT */` first line",
                    path.display()
                )
            })
            .trim()
            .to_string();
        let (location, text) = expectation.split_once(' ').unwrap_or((&expectation, ""));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match probe_provider::parse_bytes(&name, &bytes) {
            Ok(_) => wrong.push(format!("{name}: accepted; expected {expectation}")),
            Err(e) => {
                let shown = e.to_string();
                let first = shown.lines().next().unwrap_or("");
                if !first.starts_with(&format!("{name}:{location}: error: "))
                    || !first.contains(text)
                {
                    wrong.push(format!("{name}: expected {expectation}, got {first}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
