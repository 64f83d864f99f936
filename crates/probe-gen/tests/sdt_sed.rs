//! The header survives the sed scripts real projects run over `dtrace -h`
//! output, and probes fire through the renamed macros:
//! CPython `sed 's/PYTHON_/PyDTrace_/'` (first match per line only),
//! PostgreSQL `sed -e 's/POSTGRESQL_/TRACE_POSTGRESQL_/g'` plus its Solaris
//! `char *` to `const char *` rewrite, PHP `sed 's,PHP_,DTRACE_,g'`. Our
//! own tracer reads the arguments back (the rename touches macro names,
//! not the notes gdb or bpftrace would read).

mod sdt_support;

use std::process::Command;

use probe_gen::sdt_header::{generate, SdtFlavor, SdtHeaderOptions};
use sdt_support::*;

fn file() -> probe_provider::ProviderFile {
    model(&[
        (
            "python",
            &[
                ("function__entry", &["const char *", "const char *", "int"]),
                ("gc__start", &["int"]),
                ("line", &[]),
            ],
        ),
        (
            "postgresql",
            &[
                ("query__start", &["const char *"]),
                ("transaction__start", &["unsigned int"]),
            ],
        ),
        (
            "php",
            &[
                ("request__startup", &["char *", "char *", "char *"]),
                ("error", &["char *", "int"]),
            ],
        ),
    ])
}

const SEDS: &[&str] = &[
    "s/PYTHON_/PyDTrace_/",
    "s/POSTGRESQL_/TRACE_POSTGRESQL_/g",
    "s/( *char \\*/(const char */g; s/, *char \\*/, const char */g",
    "s,PHP_,DTRACE_,g",
];

const PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
#include "probes.h"
int main(void) {
    char file[16], func[16], query[16], uri[16];
    int gc = 0;
    strcpy(file, "a.py"); strcpy(func, "f"); strcpy(query, "select"); strcpy(uri, "/i");
    printf("%s %s %s %s\n", file, func, query, uri);
    PyDTrace_FUNCTION_ENTRY(file, func, 12);
    if (PyDTrace_GC_START_ENABLED()) { PyDTrace_GC_START(2); gc++; }
    PyDTrace_LINE();
    TRACE_POSTGRESQL_QUERY_START(query);
    if (TRACE_POSTGRESQL_TRANSACTION_START_ENABLED()) TRACE_POSTGRESQL_TRANSACTION_START(77u);
    DTRACE_REQUEST_STARTUP(file, uri, func);
    if (DTRACE_ERROR_ENABLED()) DTRACE_ERROR(query, 5);
    printf("gc=%d\n", gc);
    return 0;
}
"#;

fn sed(dir: &std::path::Path, header: &str) -> String {
    let raw = write(dir, "raw.h", header);
    let mut text = std::fs::read_to_string(&raw).unwrap();
    for script in SEDS {
        let p = write(dir, "in.h", &text);
        text = run(Command::new("sed").arg(script).arg(&p));
    }
    text
}

fn check(flavor: SdtFlavor, compiler: &str) {
    let f = file();
    let dir = workdir(&format!("sdt-sed-{flavor:?}-{compiler}"));
    let header = generate(&f, &SdtHeaderOptions::new().flavor(flavor));
    // Nothing but the public macros carries an upper-case provider prefix,
    // and no line names two of them.
    for line in header.lines() {
        for prefix in ["PYTHON_", "POSTGRESQL_", "PHP_"] {
            assert!(line.matches(prefix).count() <= 1, "{line}");
            if let Some(at) = line.find(prefix) {
                let before = &line[..at];
                assert!(
                    before == "#define " || before == "/* ",
                    "upper-case prefix outside a public macro name: {line}"
                );
            }
        }
    }
    let renamed = sed(&dir, &header);
    write(&dir, "probes.h", &renamed);
    let src = write(
        &dir,
        if compiler.contains("++") {
            "prog.cc"
        } else {
            "prog.c"
        },
        PROGRAM,
    );
    let sems = write(&dir, "sems.c", &semaphores_c(&f));
    let sems_o = dir.join("sems.o");
    run(Command::new("gcc")
        .arg("-c")
        .arg(&sems)
        .arg("-o")
        .arg(&sems_o));
    let exe = build(
        compiler,
        &dir,
        &[&src, &sems_o],
        &["-O2", "-Wall", "-Werror", "-I", dir.to_str().unwrap()],
        "prog",
    );
    let out = run(&mut Command::new(&exe));
    assert!(out.contains("gc=0"), "{out}");
    assert_eq!(
        trace_hits(&exe, &f),
        [
            r#"python:function__entry("a.py", "f", 12)"#,
            "python:gc__start(2)",
            "python:line()",
            r#"postgresql:query__start("select")"#,
            "postgresql:transaction__start(77)",
            r#"php:request__startup("a.py", "/i", "f")"#,
            r#"php:error("select", 5)"#,
        ],
        "{flavor:?} {compiler}"
    );
}

#[test]
fn self_contained_gcc() {
    check(SdtFlavor::SelfContained, "gcc");
}

#[test]
#[ignore = "system tier: g++"]
fn self_contained_gpp() {
    probe_test_support::require_tools!("g++");
    check(SdtFlavor::SelfContained, "g++");
}

#[test]
#[ignore = "system tier: sys/sdt.h"]
fn system_sdt_gcc() {
    probe_test_support::require_tools!("sys/sdt.h");
    check(SdtFlavor::SystemSdt, "gcc");
}

/// The disabled header takes the same renames.
#[test]
fn disabled_header() {
    let dir = workdir("sdt-sed-disabled");
    let renamed = sed(&dir, &probe_gen::disabled_header::generate(&file()));
    write(&dir, "probes.h", &renamed);
    let src = write(&dir, "prog.c", PROGRAM);
    let exe = build(
        "gcc",
        &dir,
        &[&src],
        &["-O2", "-Wall", "-Werror", "-I", dir.to_str().unwrap()],
        "prog",
    );
    assert!(run(&mut Command::new(&exe)).contains("gc=0"));
    assert!(notes(&exe).is_empty());
}
