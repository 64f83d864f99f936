//! The self-contained header's notes match `<sys/sdt.h>`'s for the same
//! program, argument for argument, in C and C++, at -O0 and -O2: sizes and
//! signedness always, operands too with gcc.

mod sdt_support;

use probe_gen::sdt_header::{generate, SdtFlavor, SdtHeaderOptions};
use sdt_support::*;

/// A provider whose probes the test program fires with many argument types.
fn types_model() -> probe_provider::ProviderFile {
    model(&[(
        "types",
        &[
            (
                "ints",
                &[
                    "char",
                    "signed char",
                    "unsigned char",
                    "short",
                    "unsigned short",
                    "int",
                    "unsigned int",
                    "long",
                    "unsigned long",
                    "long long",
                    "unsigned long long",
                    "int",
                ],
            ),
            (
                "fixed",
                &[
                    "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t",
                    "uint64_t",
                ],
            ),
            (
                "sys",
                &[
                    "size_t",
                    "ssize_t",
                    "uintptr_t",
                    "intptr_t",
                    "pid_t",
                    "off_t",
                ],
            ),
            ("ptrs", &["const char *", "void *", "char *", "int *"]),
            (
                "misc",
                &["bool", "int", "long", "int", "unsigned int", "int"],
            ),
            ("floats", &["float", "double"]),
            ("none", &[]),
            (
                "twelve",
                &[
                    "int", "int", "int", "int", "int", "int", "int", "int", "int", "int", "int",
                    "int",
                ],
            ),
        ],
    )])
}

const PROGRAM: &str = r#"
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif
#include "probes.h"
typedef int my_int;
typedef unsigned long my_ulong;
enum color { RED, GREEN };
enum sign { NEG = -1, POS = 1 };
static volatile int sink;
int main(int argc, char **argv) {
    char buf[16] = "array";
    int arr[3] = {1, 2, 3};
    volatile char c = -3; volatile signed char sc = -4; volatile unsigned char uc = 5;
    volatile short s = -6; volatile unsigned short us = 7; volatile int i = -8;
    volatile unsigned int ui = 9; volatile long l = -10; volatile unsigned long ul = 11;
    volatile long long ll = -12; volatile unsigned long long ull = 13;
    TYPES_INTS(c, sc, uc, s, us, i, ui, l, ul, ll, ull, argc);
    TYPES_FIXED((int8_t)-1, (uint8_t)2, (int16_t)-3, (uint16_t)4, (int32_t)-5, (uint32_t)6, (int64_t)-7, (uint64_t)8);
    volatile size_t sz = 1; volatile ssize_t ssz = -2; volatile uintptr_t up = 3; volatile intptr_t ip = -4;
    volatile pid_t pid = 5; volatile off_t off = -6;
    TYPES_SYS(sz, ssz, up, ip, pid, off);
    TYPES_PTRS("literal", (void *)argv, buf, arr);
    my_int mi = -11; my_ulong mu = 12; enum color col = GREEN; enum sign sg = NEG;
    TYPES_MISC((bool)(argc > 0), mi, mu, col, sg, i + 1);
    volatile float f = 1.5f; volatile double d = 2.25;
    TYPES_FLOATS(f, d);
    TYPES_NONE();
    TYPES_TWELVE(argc, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, i);
    if (TYPES_INTS_ENABLED()) sink = 1;
    return 0;
}
"#;

fn compare(compiler: &str, flags: &[&str]) {
    let file = types_model();
    let dir = workdir("sdt-notes");
    let prog = write(
        &dir,
        if compiler.contains("++") {
            "prog.cc"
        } else {
            "prog.c"
        },
        PROGRAM,
    );
    let sems = write(&dir, "sems.c", &semaphores_c(&file));
    let sems_o = dir.join("sems.o");
    run(std::process::Command::new("gcc")
        .arg("-c")
        .arg(&sems)
        .arg("-o")
        .arg(&sems_o));
    let mut results = Vec::new();
    for flavor in [SdtFlavor::SelfContained, SdtFlavor::SystemSdt] {
        let sub = dir.join(format!("{flavor:?}"));
        std::fs::create_dir_all(&sub).unwrap();
        write(
            &sub,
            "probes.h",
            &generate(&file, &SdtHeaderOptions::new().flavor(flavor)),
        );
        let mut all = vec!["-I", sub.to_str().unwrap()];
        all.extend_from_slice(flags);
        let exe = build(compiler, &sub, &[&prog, &sems_o], &all, "prog");
        results.push(notes(&exe));
    }
    let (ours, theirs) = (&results[0], &results[1]);
    assert_eq!(ours.len(), 8, "{ours:#?}");
    for (a, b) in ours.iter().zip(theirs.iter()) {
        assert_eq!((&a.provider, &a.name), (&b.provider, &b.name));
        assert_eq!(
            a.sizes(),
            b.sizes(),
            "argument sizes differ for {}:{} ({compiler} {flags:?})",
            a.provider,
            a.name
        );
        if compiler.starts_with("clang") {
            // clang gets "nr" for arguments declared as integers and
            // pointers: registers or constants, where <sys/sdt.h>'s "nor"
            // makes clang store them to the stack at each site.
            if a.name != "floats" {
                for arg in &a.args {
                    let operand = arg.split('@').nth(1).unwrap();
                    assert!(
                        operand.starts_with('%') || operand.starts_with('$'),
                        "{compiler} {flags:?}: {a:?}"
                    );
                }
            }
        } else {
            assert_eq!(
                a.args, b.args,
                "argument operands differ for {}:{} ({compiler} {flags:?})",
                a.provider, a.name
            );
        }
        assert_ne!(a.semaphore, 0);
        assert_ne!(a.base, 0);
    }
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn gcc_o2() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare("gcc", &["-O2", "-Wall", "-Wextra", "-Werror"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn gcc_o0_pedantic() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare(
        "gcc",
        &[
            "-O0",
            "-std=gnu99",
            "-Wall",
            "-Wextra",
            "-pedantic",
            "-Werror",
        ],
    );
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn gpp_o2() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare("g++", &["-O2", "-Wall", "-Wextra", "-Werror"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn gpp_cxx98_o0() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare(
        "g++",
        &[
            "-O0",
            "-std=c++98",
            "-Wall",
            "-Wextra",
            "-pedantic",
            "-Wno-long-long",
            "-Werror",
        ],
    );
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn clang_o2() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare("clang-16", &["-O2", "-Wall", "-Wextra", "-Werror"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn clangpp_o2() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare("clang++-16", &["-O2", "-Wall", "-Wextra", "-Werror"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn clang_o0() {
    probe_test_support::require_tools!("sys/sdt.h", "g++", "clang-16", "clang++-16");
    compare("clang-16", &["-O0", "-Wall", "-Wextra", "-Werror"]);
}
