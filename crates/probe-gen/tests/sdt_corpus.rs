//! For every file of the shared corpus: the same C program, built once with
//! our self-contained header and once with SystemTap's `dtrace -C -h` header
//! (+ `<sys/sdt.h>`), yields identical notes: provider, name, argument
//! sizes, signedness and operands, semaphore present.

mod sdt_support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use probe_gen::sdt_header::{generate, SdtHeaderOptions};
use probe_provider::{parse_file_with, Preprocessor, ProviderFile, TypeClass};
use sdt_support::*;

fn corpus_files() -> Vec<PathBuf> {
    let dir = std::env::var_os("STATIC_PROBES_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus"))
        });
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "d"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// A C program firing every probe with a distinct value of a C type that
/// matches the declared one.
fn program(file: &ProviderFile) -> String {
    let mut s = String::from(
        "#include <stdint.h>\n#include <stddef.h>\n#include <sys/types.h>\n#include \"probes.h\"\nint main(void) {\n",
    );
    for (k, (provider, probe)) in file
        .providers
        .iter()
        .flat_map(|p| p.probes.iter().map(move |q| (p, q)))
        .enumerate()
    {
        let mut names = Vec::new();
        s += "  {\n";
        for (i, arg) in probe.args.iter().enumerate() {
            let v = (k * 7 + i) % 60 + 1;
            let (ty, value) = match arg.ty.class {
                TypeClass::Integer(it) => {
                    let neg = if it.is_signed() == Some(false) {
                        ""
                    } else {
                        "-"
                    };
                    (it.c_name().to_string(), format!("{neg}{v}"))
                }
                TypeClass::Bool => ("_Bool".into(), "1".into()),
                TypeClass::String => ("const char *".into(), format!("\"p{k}_a{i}\"")),
                TypeClass::Pointer => (
                    "void *".into(),
                    format!("(void *)(uintptr_t)0x{:x}", 0x10000 + k * 16 + i),
                ),
                TypeClass::Float => (arg.ty.normalized.clone(), format!("{v}.5")),
                TypeClass::Other => ("long".into(), format!("-{v}")),
            };
            let _ = writeln!(s, "    {ty} volatile a{k}_{i} = {value};");
            names.push(format!("a{k}_{i}"));
        }
        let m = probe_target::names::sdt::macro_name(provider, probe);
        let _ = writeln!(s, "    if ({m}_ENABLED()) {m}({});", names.join(", "));
        let _ = writeln!(s, "    {m}({});\n  }}", names.join(", "));
    }
    s + "  return 0;\n}\n"
}

/// Builds the program with `header`; `Err` with the compiler's complaint.
fn build_with(dir: &Path, header: &str, prog: &str, sems: &Path) -> Result<Vec<Note>, String> {
    std::fs::create_dir_all(dir).unwrap();
    write(dir, "probes.h", header);
    let src = write(dir, "prog.c", prog);
    let exe = dir.join("prog");
    let out = run_raw(
        Command::new("gcc")
            .args(["-O2", "-Wall", "-Werror", "-I"])
            .arg(dir)
            .arg(&src)
            .arg(sems)
            .arg("-o")
            .arg(&exe),
        std::time::Duration::from_secs(120),
    );
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"));
    }
    Ok(notes(&exe))
}

#[test]
#[ignore = "system tier: SystemTap's dtrace and <sys/sdt.h>"]
fn notes_match_systemtap_for_every_corpus_file() {
    probe_test_support::require_tools!("/usr/bin/dtrace", "sys/sdt.h");
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in corpus_files() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = match parse_file_with(&path, Some(&Preprocessor::new())) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{name}: does not parse: {e}"));
                continue;
            }
        };
        let dir = workdir(&format!("sdt-corpus-{name}"));
        let sems = write(&dir, "sems.c", &semaphores_c(&file));
        let prog = program(&file);
        let ours = match build_with(
            &dir.join("ours"),
            &generate(&file, &SdtHeaderOptions::new()),
            &prog,
            &sems,
        ) {
            Ok(n) => n,
            Err(e) => {
                failures.push(format!("{name}: our header does not build:\n{e}"));
                continue;
            }
        };
        let count: usize = file.providers.iter().map(|p| p.probes.len()).sum();
        if ours.len() != 2 * count {
            failures.push(format!("{name}: {} notes for {count} probes", ours.len()));
            continue;
        }
        let ref_h = dir.join("ref.h");
        let status = Command::new("dtrace")
            .args(["-C", "-h", "-s"])
            .arg(&path)
            .arg("-o")
            .arg(&ref_h)
            .output()
            .expect("SystemTap's dtrace (systemtap-sdt-dev) is needed");
        if !status.status.success() {
            eprintln!("{name}: SystemTap's dtrace rejects it; checked our build only");
            continue;
        }
        // The wrapper misreads some files (e.g. `probe x(void)` becomes one
        // argument); those are checked for our build only, as sdt-diff does.
        let theirs = match build_with(
            &dir.join("ref"),
            &std::fs::read_to_string(&ref_h).unwrap(),
            &prog,
            &sems,
        ) {
            Ok(n) => n,
            Err(e) => {
                eprintln!(
                    "{name}: SystemTap's header does not build ({}); checked our build only",
                    e.lines().next().unwrap_or("")
                );
                continue;
            }
        };
        compared += 1;
        if ours.len() != theirs.len() {
            failures.push(format!(
                "{name}: {} notes, SystemTap's build has {}",
                ours.len(),
                theirs.len()
            ));
            continue;
        }
        for (a, b) in ours.iter().zip(&theirs) {
            if (&a.provider, &a.name, &a.args) != (&b.provider, &b.name, &b.args)
                || (a.semaphore == 0) != (b.semaphore == 0)
            {
                failures.push(format!(
                    "{name}: note differs:\n  ours   {a:?}\n  theirs {b:?}"
                ));
            }
        }
    }
    eprintln!("compared {compared} corpus files with SystemTap's output");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        compared >= 8,
        "SystemTap's dtrace handled only {compared} files"
    );
}
