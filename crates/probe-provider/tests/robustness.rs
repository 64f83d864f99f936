//! The parser never panics and never hangs: every prefix of each corpus
//! file, and many single-byte mutations of it, must come back as Ok or Err.
//! A deterministic, cheap cousin of the cargo-fuzz target in `fuzz/`.

mod common;

use std::time::{Duration, Instant};

use probe_provider::{parse_bytes, parse_str, Error};

const INTERESTING: &[u8] = b"{}()[];:,*/\"'#\\\n\r\0\xff\xc3 pa9_-.";

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = common::corpus_files()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    seeds.push(
        b"# 3 \"x.d\"\n#line 9\n#pragma D option q\nBEGIN { @a[\"x\"] = count(); }\n".to_vec(),
    );
    seeds.push(b"typedef struct { int a[3]; } t;\nprovider p { probe x(t *a, char * const *b) : (string s); };".to_vec());
    seeds
}

fn parse_quietly(bytes: &[u8]) {
    match parse_bytes("fuzz.d", bytes) {
        Ok(file) => {
            // Displaying warnings must not panic either.
            for w in &file.warnings {
                let _ = w.to_string();
            }
        }
        Err(e) => {
            let shown = e.to_string();
            if let Error::Syntax(d) = &e {
                assert!(!d.is_empty());
                assert!(shown.contains(": error: "), "{shown}");
            }
        }
    }
}

#[test]
fn every_prefix_parses_or_fails_cleanly() {
    for seed in seeds() {
        for end in 0..=seed.len() {
            parse_quietly(&seed[..end]);
        }
    }
}

#[test]
fn single_byte_mutations_parse_or_fail_cleanly() {
    for seed in seeds() {
        for i in 0..seed.len() {
            let mut mutated = seed.clone();
            for &b in INTERESTING {
                mutated[i] = b;
                parse_quietly(&mutated);
            }
            // Deleting a byte.
            let mut deleted = seed.clone();
            deleted.remove(i);
            parse_quietly(&deleted);
        }
    }
}

#[test]
fn huge_inputs_take_linear_time() {
    let started = Instant::now();
    let probes: String = (0..20_000)
        .map(|i| format!("probe p{i}(int a, const char *b); "))
        .collect();
    let file = parse_str("big.d", &format!("provider big {{ {probes} }};")).unwrap();
    assert_eq!(file.providers[0].probes.len(), 20_000);
    let providers: String = (0..5_000)
        .map(|i| format!("provider v{i} {{ probe x(); }};\n"))
        .collect();
    assert_eq!(
        parse_str("many.d", &providers).unwrap().providers.len(),
        5_000
    );
    let deep = "BEGIN ".to_string() + &"{(".repeat(50_000) + &")}".repeat(50_000);
    assert!(parse_str("deep.d", &deep).is_ok());
    let _ = parse_str("open.d", &"{[(".repeat(50_000));
    let _ = parse_str("comment.d", &("/*".to_string() + &"*".repeat(200_000)));
    // Generous: it takes well under a second; quadratic behavior takes minutes.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
