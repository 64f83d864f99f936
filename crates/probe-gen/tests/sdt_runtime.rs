//! Programs built with the self-contained header fire their probes: gdb
//! stops at each and reads the arguments (gdb is the consumer checked here,
//! across compilers and linkers), our own tracer reads the same, bpftrace
//! counts hits, reads arguments and turns `_ENABLED()` on through the
//! semaphore. Covered: C and
//! C++ (g++, clang++-16), `--gc-sections` with GNU ld, gold, lld and mold,
//! `-flto`, and probes in a shared library loaded by a program.
//!
//! The semaphores come from the `-G` stub object (`stub_object::generate`),
//! as in a real build: its page-aligned `.probes` is what lets bpftrace set
//! semaphores in lld's layout. Needs feature `stub-object` (which
//! `cargo test --workspace` turns on).
#![cfg(feature = "stub-object")]

mod sdt_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use probe_gen::sdt_header::{generate, SdtFlavor, SdtHeaderOptions};
use probe_gen::stub_object;
use probe_target::ElfTarget;
use sdt_support::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdt_fixtures");

const APP: (&str, &[ProbeSpec]) = (
    "app",
    &[
        ("hit", &["int", "const char *", "long"]),
        ("tick", &["unsigned char"]),
        ("guarded", &["int"]),
        ("none", &[]),
        ("tpl", &["int"]),
    ],
);
const LIB: (&str, &[ProbeSpec]) = ("lib", &[("call", &["int", "const char *"])]);

fn app_model() -> probe_provider::ProviderFile {
    model(&[APP, LIB])
}

/// The `-G` object for `providers`, written into `dir`.
fn stub(dir: &Path, name: &str, providers: &[(&str, &[ProbeSpec])]) -> PathBuf {
    let target = ElfTarget::host().unwrap();
    let bytes = stub_object::generate(&model(providers), &target).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

struct Build<'a> {
    name: &'a str,
    compiler: &'a str,
    flags: &'a [&'a str],
    flavor: SdtFlavor,
    with_lib: bool,
}

struct Built {
    exe: PathBuf,
    lib: Option<PathBuf>,
}

fn build_app(b: &Build) -> Built {
    let file = app_model();
    let dir = workdir(&format!("sdt-runtime-{}", b.name));
    write(
        &dir,
        "probes.h",
        &generate(&file, &SdtHeaderOptions::new().flavor(b.flavor)),
    );
    let cxx = b.compiler.contains("++");
    let ext = if cxx { "cc" } else { "c" };
    let mut srcs = Vec::new();
    for f in ["app.h", "app_main.c", "app_other.c", "app_lib.c"] {
        let text = std::fs::read_to_string(Path::new(FIXTURES).join(f)).unwrap();
        let name = if f.ends_with(".c") {
            f.replace(".c", &format!(".{ext}"))
        } else {
            f.to_string()
        };
        srcs.push(write(&dir, &name, &text));
    }
    // The app's semaphores in the program, the lib's in the library, as the
    // -G object of each link defines them.
    let app_sems_o = stub(&dir, "sems_app.o", &[APP]);
    let lib_sems_o = stub(&dir, "sems_lib.o", &[LIB]);

    let mut flags: Vec<&str> = vec!["-g", "-Wall", "-Werror", "-I", dir.to_str().unwrap()];
    flags.extend_from_slice(b.flags);
    let lib = if b.with_lib {
        let mut lflags = flags.clone();
        lflags.extend_from_slice(&["-fPIC", "-shared"]);
        Some(build(
            b.compiler,
            &dir,
            &[&srcs[3], &lib_sems_o],
            &lflags,
            "libapp.so",
        ))
    } else {
        None
    };
    let mut eflags = flags.clone();
    let rpath = format!("-Wl,-rpath,{}", dir.display());
    if b.with_lib {
        eflags.extend_from_slice(&["-DWITH_LIB", "-L", dir.to_str().unwrap()]);
        eflags.push(&rpath);
    }
    let mut objs: Vec<&Path> = vec![&srcs[1], &srcs[2], &app_sems_o];
    let libarg = PathBuf::from("-lapp");
    if b.with_lib {
        objs.push(&libarg);
    }
    let exe = build(b.compiler, &dir, &objs, &eflags, "app");
    Built { exe, lib }
}

fn check_notes(b: &Build, built: &Built) {
    let notes = notes(&built.exe);
    let count = |n: &str| {
        notes
            .iter()
            .filter(|x| x.provider == "app" && x.name == n)
            .count()
    };
    // Loops may be unrolled: each copy of a site has its own note.
    assert!(count("hit") >= 1, "{}: {notes:#?}", b.name);
    assert_eq!(count("none"), 1, "{}: {notes:#?}", b.name);
    // C++: one COMDAT copy of twice<int> survives, and only its note.
    if b.compiler.contains("++") {
        assert_eq!(count("tpl"), 1, "{}: {notes:#?}", b.name);
    } else {
        assert!(count("tpl") >= 1, "{}: {notes:#?}", b.name);
    }
    let base = section_addr(&built.exe, ".stapsdt.base");
    for n in &notes {
        assert_ne!(n.base, 0, "{}: zero base {n:?}", b.name);
        assert_eq!(n.base, base, "{}: note base is not .stapsdt.base", b.name);
        assert_ne!(n.semaphore, 0, "{}: {n:?}", b.name);
    }
    let hit = notes.iter().find(|x| x.name == "hit").unwrap();
    assert_eq!(hit.sizes(), ["-4", "8", "-8"], "{}", b.name);
    check_semaphore_page(b, &built.exe);
    if let Some(lib) = &built.lib {
        check_semaphore_page(b, lib);
        let lnotes = sdt_support::notes(lib);
        assert_eq!(lnotes.len(), 1, "{lnotes:#?}");
        assert_eq!(lnotes[0].sizes(), ["-4", "8"]);
        assert_ne!(lnotes[0].base, 0);
        assert_eq!(lnotes[0].base, section_addr(lib, ".stapsdt.base"));
    }
}

/// The semaphores must not sit on the file page where the RELRO segment
/// ends: at exec time the kernel would find them in the RELRO mapping and
/// raise a copy the program never reads.
fn check_semaphore_page(b: &Build, file: &Path) {
    let page = ElfTarget::host().unwrap().arch.max_page_size();
    let hex = |w: &str| u64::from_str_radix(w.trim_start_matches("0x"), 16).unwrap();
    let segments = run(Command::new("readelf").arg("-lW").arg(file));
    let relro = segments
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&"GNU_RELRO"))
        .map(|w| hex(w[1]) + hex(w[4]));
    let sections = run(Command::new("readelf").arg("-SW").arg(file));
    let probes = sections
        .lines()
        .filter_map(|l| l.split_once(']'))
        .map(|(_, rest)| rest.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&".probes"))
        .map(|w| hex(w[3]))
        .unwrap_or_else(|| panic!("{}: no .probes in {}", b.name, file.display()));
    if let Some(relro_end) = relro {
        assert!(
            probes / page > (relro_end - 1) / page,
            "{}: .probes at file offset {probes:#x} shares a page with RELRO (ends {relro_end:#x}) in {}",
            b.name,
            file.display()
        );
    }
}

/// The address of a section, 0 when absent.
fn section_addr(file: &Path, section: &str) -> u64 {
    let text = run(Command::new("readelf").arg("-SW").arg(file));
    for line in text.lines() {
        let l = line
            .trim_start_matches(|c: char| c == ' ' || c == '[' || c.is_ascii_digit() || c == ']')
            .trim();
        let mut words = l.split_whitespace();
        if words.next() == Some(section) {
            let _ty = words.next();
            return u64::from_str_radix(words.next().unwrap(), 16).unwrap();
        }
    }
    0
}

fn check_gdb(b: &Build, built: &Built) {
    let mut probes = vec![
        ("app:hit", "dsd"),
        ("app:tick", "u"),
        ("app:guarded", "d"),
        ("app:tpl", "d"),
        ("app:none", ""),
    ];
    if built.lib.is_some() {
        probes.push(("lib:call", "ds"));
    }
    let hits = gdb_probe_values("gdb", &built.exe, &probes, None);
    let mut expected = vec![
        "app:hit 0 hello -1000000000000",
        "app:tick 200",
        "app:guarded 1",
        "app:hit 1 hello -2000000000000",
        "app:tick 201",
        "app:guarded 11",
        "app:hit 2 hello -3000000000000",
        "app:tick 202",
        "app:guarded 21",
        "app:none",
        "app:tpl 21",
        "app:tpl 6",
    ];
    if built.lib.is_some() {
        expected.push("lib:call 7 lib");
    }
    assert_eq!(hits, expected, "{}: gdb saw", b.name);
}

/// Our own tracer reads what gdb reads, on every compiler and linker here.
fn check_trace(b: &Build, built: &Built) {
    let mut expected = vec![
        r#"app:hit(0, "hello", -1000000000000)"#,
        "app:tick(200)",
        "app:guarded(1)",
        r#"app:hit(1, "hello", -2000000000000)"#,
        "app:tick(201)",
        "app:guarded(11)",
        r#"app:hit(2, "hello", -3000000000000)"#,
        "app:tick(202)",
        "app:guarded(21)",
        "app:none()",
        "app:tpl(21)",
        "app:tpl(6)",
    ];
    if built.lib.is_some() {
        expected.push(r#"lib:call(7, "lib")"#);
    }
    assert_eq!(
        trace_hits(&built.exe, &app_model()),
        expected,
        "{}: our tracer saw",
        b.name
    );
}

fn check_bpftrace(b: &Build, built: &Built) {
    let exe = built.exe.display().to_string();
    let mut prog = format!(
        "usdt:{exe}:app:hit {{ printf(\"H %d %s %ld\\n\", arg0, str(arg1), arg2); }} \
         usdt:{exe}:app:guarded {{ printf(\"G %d\\n\", arg0); }} \
         usdt:{exe}:app:tick {{ @ticks = count(); }}"
    );
    if let Some(lib) = &built.lib {
        prog += &format!(
            " usdt:{}:lib:call {{ printf(\"L %d %s\\n\", arg0, str(arg1)); }}",
            lib.display()
        );
    }
    // bpftrace 0.17 cannot set semaphores in a library not mapped yet
    // (-c): attach by pid instead.
    let out = if built.lib.is_some() {
        bpftrace_pid(&prog, &built.exe)
    } else {
        bpftrace(&prog, &built.exe)
    };
    let expected = [
        "H 0 hello -1000000000000",
        "H 2 hello -3000000000000",
        "@ticks: 3",
        // The kernel raised the semaphore, so `_ENABLED()` was true. With
        // lld and mold this needs the stub object's page-aligned `.probes`
        // (see check_semaphore_page).
        "G 1",
        "G 21",
        "guarded=3",
    ];
    for line in expected {
        assert!(
            out.lines().any(|l| l.trim() == line),
            "{}: bpftrace output lacks {line:?}:\n{out}",
            b.name
        );
    }
    if built.lib.is_some() {
        assert!(
            out.lines().any(|l| l.trim() == "L 7 lib"),
            "{}: {out}",
            b.name
        );
        assert!(out.contains("lib-enabled"), "{}: {out}", b.name);
    }
}

fn check(b: Build, bpf: bool) {
    let built = build_app(&b);
    check_notes(&b, &built);
    // Untraced: the semaphore is 0, the guarded block never runs.
    let out = run(&mut Command::new(&built.exe));
    assert!(out.contains("guarded=0"), "{}: {out}", b.name);
    check_gdb(&b, &built);
    check_trace(&b, &built);
    if bpf {
        check_bpftrace(&b, &built);
    }
}

fn b<'a>(name: &'a str, compiler: &'a str, flags: &'a [&'a str]) -> Build<'a> {
    Build {
        name,
        compiler,
        flags,
        flavor: SdtFlavor::SelfContained,
        with_lib: false,
    }
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn c_gcc() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("c-gcc", "gcc", &["-O2"]), true);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn c_gcc_o0() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("c-gcc-o0", "gcc", &["-O0"]), false);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn cxx_gpp() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("cxx-gpp", "g++", &["-O2"]), true);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn cxx_clangpp() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("cxx-clangpp", "clang++-16", &["-O2"]), true);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn c_clang() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("c-clang", "clang-16", &["-O2"]), false);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn gc_sections_bfd() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(
        b(
            "gc-bfd",
            "g++",
            &[
                "-O2",
                "-ffunction-sections",
                "-fdata-sections",
                "-fuse-ld=bfd",
                "-Wl,--gc-sections",
            ],
        ),
        false,
    );
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn gc_sections_gold() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(
        b(
            "gc-gold",
            "g++",
            &[
                "-O2",
                "-ffunction-sections",
                "-fdata-sections",
                "-fuse-ld=gold",
                "-Wl,--gc-sections",
            ],
        ),
        false,
    );
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn gc_sections_lld() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(
        b(
            "gc-lld",
            "clang++-16",
            &[
                "-O2",
                "-ffunction-sections",
                "-fdata-sections",
                "--ld-path=/usr/lib/llvm-16/bin/ld.lld",
                "-Wl,--gc-sections",
            ],
        ),
        true,
    );
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn gc_sections_mold() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(
        b(
            "gc-mold",
            "g++",
            &[
                "-O2",
                "-ffunction-sections",
                "-fdata-sections",
                "-fuse-ld=mold",
                "-Wl,--gc-sections",
            ],
        ),
        true,
    );
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn lto_gcc() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(b("lto-gcc", "gcc", &["-O2", "-flto"]), true);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn lto_clang_lld() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    check(
        b(
            "lto-clang",
            "clang-16",
            &["-O2", "-flto", "--ld-path=/usr/lib/llvm-16/bin/ld.lld"],
        ),
        true,
    );
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn shared_library() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    let mut build = b("shlib", "gcc", &["-O2"]);
    build.with_lib = true;
    check(build, true);
}

#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn shared_library_cxx_gc_lld() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    let mut build = b(
        "shlib-lld",
        "clang++-16",
        &[
            "-O2",
            "-ffunction-sections",
            "--ld-path=/usr/lib/llvm-16/bin/ld.lld",
            "-Wl,--gc-sections",
        ],
    );
    build.with_lib = true;
    check(build, false);
}

/// The same checks pass with the header that includes `<sys/sdt.h>`.
#[test]
#[ignore = "system tier: gdb, bpftrace as root, clang-16, lld, mold, g++"]
fn system_sdt_flavor() {
    probe_test_support::require_tools!(
        "root",
        "tracefs",
        "gdb",
        "bpftrace",
        "g++",
        "clang-16",
        "clang++-16",
        "ld.lld-16",
        "mold",
        "ld.gold",
        "sys/sdt.h"
    );
    let mut build = b("system", "gcc", &["-O2"]);
    build.flavor = SdtFlavor::SystemSdt;
    check(build, false);
}
