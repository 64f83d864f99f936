//! Every corpus file yields exactly the probes its `yields:` lines name.
//!
//! Such a line reads `/* yields: PROVIDER:NAME(PARAMS) */`, PARAMS as the
//! file writes them (after preprocessing). Each line is checked twice:
//! - as text: each parsed argument rendered as `WRITTEN NAME` (no space after
//!   a trailing `*`) must equal the expect line's parameter, white space
//!   folded; `(void)` and `()` both mean no arguments;
//! - as types: the expect line's parameters, parsed on their own, must have
//!   the same normalized types, classes and names.
//!
//! Files with `#define`/`#if`/`#include` are parsed with the C preprocessor
//! (`-C`); the others both with and without it.

mod common;

use common::{corpus_dir, corpus_files};
use probe_provider::{parse_file, parse_file_with, parse_str, Preprocessor, ProviderFile};

struct Expect {
    provider: String,
    name: String,
    params: String,
}

fn expects(text: &str) -> Vec<Expect> {
    let mut out = Vec::new();
    for line in text.lines() {
        // `expect:` is how other corpora (the shared yardstick) spell it.
        let Some((start, word)) = ["yields:", "expect:"]
            .iter()
            .find_map(|w| line.find(w).map(|i| (i, *w)))
        else {
            continue;
        };
        let rest = line[start + word.len()..].trim();
        let rest = rest.trim_end_matches("*/").trim();
        let (head, params) = rest.split_once('(').expect("expect line has `(`");
        let params = params.strip_suffix(')').expect("expect line ends with `)`");
        let (provider, name) = head
            .split_once(':')
            .expect("expect line has `provider:name`");
        out.push(Expect {
            provider: provider.into(),
            name: name.into(),
            params: params.into(),
        });
    }
    out
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render_written(args: &[probe_provider::Argument]) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|a| match &a.name {
            Some(name) if a.ty.written.ends_with('*') => format!("{}{}", a.ty.written, name),
            Some(name) => format!("{} {}", a.ty.written, name),
            None => a.ty.written.clone(),
        })
        .collect();
    parts.join(", ")
}

fn check(file: &ProviderFile, expected: &[Expect], label: &str) {
    let mut got: Vec<(String, String)> = Vec::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            got.push((provider.name.clone(), probe.name.clone()));
        }
    }
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|e| (e.provider.clone(), e.name.clone()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{label}: probes differ from the expect lines");

    for e in expected {
        let provider = file
            .providers
            .iter()
            .find(|p| p.name == e.provider)
            .unwrap();
        let probe = provider.probes.iter().find(|p| p.name == e.name).unwrap();
        let params = if fold(&e.params) == "void" {
            String::new()
        } else {
            fold(&e.params)
        };
        assert_eq!(
            render_written(&probe.args),
            params,
            "{label}: {}:{} as written",
            e.provider,
            e.name
        );

        let reference = parse_str(
            "expect",
            &format!("provider p {{ probe x({}); }};", e.params),
        )
        .unwrap_or_else(|err| panic!("{label}: expect line does not parse: {err}"));
        let ref_args = &reference.providers[0].probes[0].args;
        assert_eq!(
            ref_args.len(),
            probe.args.len(),
            "{label}: {}:{} argument count",
            e.provider,
            e.name
        );
        for (got, want) in probe.args.iter().zip(ref_args) {
            assert_eq!(
                got.ty.normalized, want.ty.normalized,
                "{label}: {}:{}",
                e.provider, e.name
            );
            assert_eq!(
                got.ty.class, want.ty.class,
                "{label}: {}:{}",
                e.provider, e.name
            );
            assert_eq!(got.name, want.name, "{label}: {}:{}", e.provider, e.name);
        }
    }
}

fn needs_cpp(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("#define") || l.starts_with("#if") || l.starts_with("#include")
    })
}

#[test]
fn corpus_files_yield_their_probes() {
    let files = corpus_files();
    assert!(
        files.len() >= 11,
        "corpus at {} looks incomplete",
        corpus_dir().display()
    );
    for path in files {
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        let expected = expects(&text);
        assert!(
            !expected.is_empty(),
            "{} has no yields lines",
            path.display()
        );
        let label = path.display().to_string();

        let preprocessed = parse_file_with(&path, Some(&Preprocessor::new()))
            .unwrap_or_else(|e| panic!("{label} with -C: {e}"));
        check(&preprocessed, &expected, &format!("{label} (-C)"));
        if !needs_cpp(&text) {
            let plain = parse_file(&path).unwrap_or_else(|e| panic!("{label}: {e}"));
            check(&plain, &expected, &label);
            assert!(
                plain.warnings.is_empty(),
                "{label}: unexpected warnings {:?}",
                plain.warnings
            );
        }
    }
}

#[test]
fn pragmas_are_kept() {
    let file = parse_file(corpus_dir().join("02-runtime.d")).unwrap();
    assert_eq!(file.pragmas.len(), 5);
    assert_eq!(
        file.pragmas[0].text,
        "attributes Stable/Stable/Common provider script provider"
    );
    assert_eq!(file.pragmas[0].span.line, 24);
}
