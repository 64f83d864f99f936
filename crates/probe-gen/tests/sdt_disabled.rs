//! The disabled header: the same macros compile in C and C++, arguments are
//! never evaluated, `_ENABLED()` is 0, and no note or semaphore is emitted.

mod sdt_support;

use std::process::Command;

use sdt_support::*;

fn file() -> probe_provider::ProviderFile {
    model(&[(
        "app",
        &[
            ("hit", &["int", "const char *"]),
            ("none", &[]),
            ("twelve", &["int"; 12]),
        ],
    )])
}

const PROGRAM: &str = r#"
#include <stdio.h>
#include "probes.h"
static int evaluated;
static int side_effect(void) { evaluated++; return 1; }
int main(void) {
    int only_for_probe = 42; /* used by probes alone: must not warn */
    const char *name = "x";
    int enabled = 0;
    APP_HIT(side_effect(), name);
    APP_HIT(only_for_probe, (evaluated++, name));
    APP_NONE();
    APP_TWELVE(side_effect(), 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, side_effect());
    if (APP_HIT_ENABLED()) enabled++;
    if (APP_NONE_ENABLED()) { APP_NONE(); enabled++; }
    else APP_NONE();
    printf("evaluated=%d enabled=%d\n", evaluated, enabled);
    return 0;
}
"#;

fn check(compiler: &str, std: &str, source: &str) {
    let dir = workdir(&format!("sdt-disabled-{compiler}"));
    write(
        &dir,
        "probes.h",
        &probe_gen::disabled_header::generate(&file()),
    );
    let src = write(&dir, source, PROGRAM);
    let exe = build(
        compiler,
        &dir,
        &[&src],
        &[
            "-O0",
            std,
            "-Wall",
            "-Wextra",
            "-pedantic",
            "-Werror",
            "-Wunused",
            "-I",
            dir.to_str().unwrap(),
        ],
        "prog",
    );
    let out = run(&mut Command::new(&exe));
    assert_eq!(out.trim(), "evaluated=0 enabled=0", "{compiler}");
    assert!(
        notes(&exe).is_empty(),
        "{compiler}: the disabled header emitted notes"
    );
    let sections = run(Command::new("readelf").arg("-SW").arg(&exe));
    assert!(
        !sections.contains(".probes") && !sections.contains("stapsdt"),
        "{sections}"
    );
}

#[test]
fn c_gcc() {
    check("gcc", "-std=c99", "prog.c");
}

#[test]
fn c_gcc_c89() {
    check("gcc", "-std=c89", "prog.c");
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn c_clang() {
    probe_test_support::require_tools!("g++", "clang-16", "clang++-16");
    check("clang-16", "-std=c11", "prog.c");
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn cxx_gpp() {
    probe_test_support::require_tools!("g++", "clang-16", "clang++-16");
    check("g++", "-std=c++98", "prog.cc");
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn cxx_clangpp() {
    probe_test_support::require_tools!("g++", "clang-16", "clang++-16");
    check("clang++-16", "-std=c++17", "prog.cc");
}

/// The same program, unchanged, fires its probes with the SDT header.
#[test]
fn same_source_with_sdt_header() {
    let f = file();
    let dir = workdir("sdt-disabled-vs-sdt");
    write(
        &dir,
        "probes.h",
        &probe_gen::sdt_header::generate(&f, &Default::default()),
    );
    let src = write(&dir, "prog.c", PROGRAM);
    let sems = write(&dir, "sems.c", &semaphores_c(&f));
    let exe = build(
        "gcc",
        &dir,
        &[&src, &sems],
        &["-O2", "-Wall", "-Werror", "-I", dir.to_str().unwrap()],
        "prog",
    );
    let out = run(&mut Command::new(&exe));
    // The SDT header evaluates each argument once: side_effect() three
    // times, evaluated++ once.
    assert_eq!(out.trim(), "evaluated=4 enabled=0");
    assert_eq!(notes(&exe).len(), 6);
}
