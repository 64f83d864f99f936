//! Shared helpers for the `dtrace_*` tests: the corpus, a C program that
//! fires every probe through the generated macros, and tool runners.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use probe_provider::{parse_file_with, Preprocessor, ProviderFile, TypeClass};

/// The corpus: `$STATIC_PROBES_CORPUS` when set, else the repository's
/// `tests/corpus`.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("STATIC_PROBES_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus")),
    }
}

/// Every corpus file, parsed with the C preprocessor (`dtrace -C`).
pub fn corpus() -> Vec<(PathBuf, ProviderFile)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "d"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "corpus looks incomplete: {files:?}");
    let cpp = Preprocessor::new();
    files
        .into_iter()
        .map(|path| {
            let file = parse_file_with(&path, Some(&cpp))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, file)
        })
        .collect()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh folder under the target directory, kept for inspection.
pub fn work_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dtrace-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a command; panics with its output when it fails or cannot start.
pub fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e} (run scripts/install-deps)"));
    if !out.status.success() {
        panic!(
            "{shown} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command that must fail; returns its standard error.
pub fn run_failing(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        !out.status.success(),
        "{shown} succeeded but should have failed"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Project typedef names the probes use (`http_req_t`), which the program
/// must define before including the header.
fn project_typedefs(file: &ProviderFile) -> Vec<String> {
    let mut names = Vec::new();
    for arg in file
        .providers
        .iter()
        .flat_map(|p| &p.probes)
        .flat_map(|p| &p.args)
    {
        if !matches!(arg.ty.class, TypeClass::Other | TypeClass::Pointer) {
            continue;
        }
        let base = arg.ty.normalized.split('*').next().unwrap().trim();
        let words: Vec<&str> = base
            .split_whitespace()
            .filter(|w| !matches!(*w, "const" | "volatile"))
            .collect();
        if let [name] = words.as_slice() {
            let standard = matches!(
                *name,
                "void"
                    | "int8_t"
                    | "int16_t"
                    | "int32_t"
                    | "int64_t"
                    | "uint8_t"
                    | "uint16_t"
                    | "uint32_t"
                    | "uint64_t"
                    | "intptr_t"
                    | "uintptr_t"
                    | "size_t"
                    | "ssize_t"
                    | "ptrdiff_t"
                    | "pid_t"
                    | "off_t"
                    | "uid_t"
                    | "gid_t"
                    | "char"
                    | "int"
                    | "long"
                    | "short"
                    | "unsigned"
                    | "signed"
                    | "float"
                    | "double"
                    | "bool"
            );
            if !standard && !names.contains(&name.to_string()) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// A C program that fires every probe of `file` twice through the header's
/// macros, once behind `_ENABLED()`, with a `const char *` for each string.
/// Each probe gets its own external function `fire_PROV_NAME`.
pub fn program(file: &ProviderFile, header: &str) -> String {
    let mut c = String::new();
    for name in project_typedefs(file) {
        c += &format!("typedef long {name};\n");
    }
    c += &format!("#include \"{header}\"\n\n");
    let mut calls = String::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            let macro_name = probe_target::names::sdt::macro_name(provider, probe);
            let fname = format!("fire_{}_{}", provider.name, probe.name);
            let mut decls = String::new();
            let mut args = Vec::new();
            for (i, arg) in probe.args.iter().enumerate() {
                if arg.ty.class == TypeClass::String {
                    args.push("s".to_string());
                } else {
                    let ty = &arg.ty.normalized;
                    let value = if arg.ty.class == TypeClass::Pointer {
                        0
                    } else {
                        1
                    };
                    decls += &format!("\t{ty} a{i} = ({ty}){value};\n");
                    args.push(format!("a{i}"));
                }
            }
            let args = args.join(", ");
            c += &format!(
                "void {fname}(const char *s);\nvoid {fname}(const char *s)\n{{\n{decls}\t(void)s;\n\
                 \tif ({macro_name}_ENABLED())\n\t\t{macro_name}({args});\n\t{macro_name}({args});\n}}\n\n"
            );
            calls += &format!("\t{fname}(\"x\");\n");
        }
    }
    c += &format!("int main(void)\n{{\n{calls}\treturn 0;\n}}\n");
    c
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}
