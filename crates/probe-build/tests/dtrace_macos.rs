//! The macOS backend: every probe and is-enabled site of the generated
//! module, compiled by rustc for `x86_64-apple-darwin` and
//! `aarch64-apple-darwin` and linked by `rust-lld -flavor darwin`, comes out
//! rewritten as Apple's ld64 rewrites it, and the objects refer to exactly
//! the names the C header (`probe_gen::macos_header`) uses.
//!
//! No darwin standard library is installed (nor `rust-src`), so the sites
//! are compiled the way the cross-architecture SDT tests compile theirs: the
//! module's `extern` blocks and each `asm!` block, as generated, inside a
//! `#![no_core]` crate built by nightly rustc, with the operands fed from
//! function parameters. The whole module (closures, `&str` copies, traits)
//! is type-checked for the host with the x86_64 asm (`--emit metadata`).
//!
//! With `$STATIC_PROBES_LD64` (the folder Apple's ld64 is installed in;
//! `scripts/real-dtrace-tools` builds it from `../shared/tools`), the same
//! objects are linked by Apple's ld64 too, and the DOF it writes must hold one
//! offset for every site.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{fixture, run, scratch};
use probe_build::{Arch, Backend, Build};

fn module_for(dir: &Path, arch: &str) -> String {
    let out = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .c_header("probes.h")
        .target(&format!("{arch}-apple-darwin"))
        .out_dir(dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let expected = if arch == "x86_64" {
        Arch::X86_64
    } else {
        Arch::Aarch64
    };
    assert_eq!(out.backend, Backend::Macos(expected));
    std::fs::read_to_string(&out.module).unwrap()
}

/// Every `{open} ... {close}` piece of `text`, from the opening line on.
fn blocks<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let end = start + rest[start..].find(close).unwrap() + close.len();
        found.push(&rest[start..end]);
        rest = &rest[end..];
    }
    found
}

struct Sites {
    source: String,
    probes: usize,
    enabled: usize,
}

/// The no_core crate holding every site of the module.
fn sites_crate(module: &str) -> Sites {
    let mut krate = String::from(
        "#![feature(no_core, lang_items, rustc_attrs, decl_macro)]\n\
         #![allow(internal_features)]\n\
         #![deny(warnings)]\n\
         #![no_core]\n\
         #![no_main]\n\
         #[lang = \"pointee_sized\"] pub trait PointeeSized {}\n\
         #[lang = \"meta_sized\"] pub trait MetaSized: PointeeSized {}\n\
         #[lang = \"sized\"] pub trait Sized: MetaSized {}\n\
         #[lang = \"copy\"] pub trait Copy {}\n\
         #[lang = \"drop_glue\"] unsafe fn drop_in_place<T: ?Sized>(_: *mut T) {}\n\
         impl Copy for u32 {} impl Copy for u64 {} impl<T: ?Sized> Copy for *const T {}\n\
         #[rustc_builtin_macro] pub macro asm(\"assembly template\", $(operands,)* $(options($(option),*))?) { /* built in */ }\n\
         #[no_mangle] pub extern \"C\" fn main() -> u32 { 0 }\n",
    );
    let (mut probes, mut enabled) = (0, 0);
    for provider in module
        .split("\npub mod ")
        .skip(1)
        .filter(|m| !m.starts_with("__probe_support"))
    {
        let name = &provider[..provider.find(' ').unwrap()];
        krate.push_str(&format!("pub mod {name} {{\nuse super::asm;\n"));
        for block in blocks(provider, "    unsafe extern \"C\" {", "\n    }\n") {
            krate.push_str(block);
        }
        for (i, block) in blocks(provider, "core::arch::asm!(", ");")
            .into_iter()
            .enumerate()
        {
            let mut params = Vec::new();
            let mut body = String::new();
            let is_enabled = block.contains("lateout(");
            for line in block.lines().skip(1).map(str::trim).filter(|l| *l != ");") {
                if let Some(register) = line.strip_prefix("in(\"").and_then(|r| r.split('"').next())
                {
                    params.push(format!("v{}: u64", params.len()));
                    body.push_str(&format!("in(\"{register}\") v{},\n", params.len() - 1));
                } else if line.starts_with("stacked = in(reg)") {
                    params.push("stacked: *const u64".to_string());
                    body.push_str("stacked = in(reg) stacked,\n");
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            if is_enabled {
                enabled += 1;
                krate.push_str(&format!(
                    "#[no_mangle]\npub unsafe extern \"C\" fn {name}_site_{i}() -> u32 {{\nlet enabled: u32;\nasm!(\n{body});\nenabled\n}}\n"
                ));
            } else {
                probes += 1;
                krate.push_str(&format!(
                    "#[no_mangle]\npub unsafe extern \"C\" fn {name}_site_{i}({}) {{\nasm!(\n{body});\n}}\n",
                    params.join(", ")
                ));
            }
        }
        krate.push_str("}\n");
    }
    Sites {
        source: krate,
        probes,
        enabled,
    }
}

fn rust_lld() -> PathBuf {
    let sysroot = run(Command::new("rustc").args(["+nightly", "--print", "sysroot"]));
    let lld =
        PathBuf::from(sysroot.trim()).join("lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld");
    assert!(lld.is_file(), "no rust-lld at {}", lld.display());
    lld
}

/// The names the C header uses, with the Mach-O `_` prefix.
fn expected_symbols() -> Vec<String> {
    let file = probe_provider::parse_file(fixture("kinds.d")).unwrap();
    let provider = &file.providers[0];
    let mut names = vec![
        probe_target::names::macos::typedefs_symbol(provider),
        probe_target::names::macos::stability_symbol(provider),
    ];
    for probe in &provider.probes {
        names.push(format!(
            "_{}",
            probe_target::names::macos::probe_function_name(provider, probe)
        ));
        names.push(format!(
            "_{}",
            probe_target::names::macos::isenabled_function_name(provider, probe)
        ));
    }
    names
}

/// Links `objects` into `exe` with rust-lld, or with Apple's ld64 installed
/// in `apple` (given its libdtrace stand-in and libSystem stub).
fn link(apple: Option<&Path>, mach_arch: &str, exe: &Path, objects: &[&Path]) {
    let mut cmd = match apple {
        None => {
            let mut cmd = Command::new(rust_lld());
            cmd.args(["-flavor", "darwin"]);
            cmd
        }
        Some(prefix) => {
            let mut cmd = Command::new(prefix.join("bin/ld64"));
            cmd.env("LD_PRELOAD", prefix.join("lib/libdtrace-shim.so"))
                .arg("-w")
                .arg(prefix.join(format!("lib/libSystem-{mach_arch}.dylib")));
            cmd
        }
    };
    run(cmd
        .args([
            "-arch",
            mach_arch,
            "-platform_version",
            "macos",
            "11.0",
            "11.0",
            "-e",
            "_main",
            "-o",
        ])
        .arg(exe)
        .args(objects));
}

fn check_arch(rust_arch: &str, triple: &str, mach_arch: &str, apple: Option<&Path>) {
    let dir = scratch(&format!(
        "macos-{rust_arch}{}",
        if apple.is_some() { "-ld64" } else { "" }
    ));
    let module = module_for(&dir, rust_arch);
    // Arguments past the registers: 8-byte slots, the first (arg6 on
    // x86_64, arg8 on arm64) at the stack pointer at the call, where the
    // fasttrap providers' USDT getarg reads them.
    let twelve = module.split("fn __twelve_fire").nth(1).unwrap();
    let twelve = &twelve[..twelve.find("clobber_abi").unwrap()];
    let order: Vec<&str> = twelve
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("[{stacked}") || l.contains("{probe}"))
        .collect();
    if rust_arch == "x86_64" {
        let expected = [
            "push qword ptr [{stacked} + 40]",
            "push qword ptr [{stacked} + 32]",
            "push qword ptr [{stacked} + 24]",
            "push qword ptr [{stacked} + 16]",
            "push qword ptr [{stacked} + 8]",
            "push qword ptr [{stacked} + 0]",
            "call {probe}",
        ];
        assert_eq!(
            order,
            expected
                .iter()
                .map(|l| format!("{l:?},"))
                .collect::<Vec<_>>(),
            "{twelve}"
        );
    } else {
        assert!(
            twelve.contains("\"sub sp, sp, #32\",")
                && twelve.contains("\"ldr x9, [{stacked}, #0]\",\n")
                && twelve.contains("\"str x9, [sp, #0]\","),
            "{twelve}"
        );
        assert!(
            twelve.contains("in(\"x7\")") && !twelve.contains("in(\"x8\")"),
            "{twelve}"
        );
    }
    let sites = sites_crate(&module);
    // kinds.d has 10 probes; each has one firing site and one is-enabled site.
    assert_eq!((sites.probes, sites.enabled), (10, 10), "{module}");
    let source = dir.join("sites.rs");
    std::fs::write(&source, &sites.source).unwrap();
    let object = dir.join("sites.o");
    let log = run(Command::new("rustc")
        .args([
            "+nightly",
            "--target",
            triple,
            "--crate-type",
            "bin",
            "--emit",
            "obj",
            "-O",
            "-C",
            "panic=abort",
            "-o",
        ])
        .arg(&object)
        .arg(&source));
    assert!(!log.contains("warning"), "{log}");

    let undefined: Vec<String> = run(Command::new("llvm-nm-16").arg("-u").arg(&object))
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    let expected = expected_symbols();
    for name in &expected {
        assert!(
            undefined.contains(name),
            "{triple}: the object does not refer to {name}: {undefined:?}"
        );
    }
    assert_eq!(
        undefined.len(),
        expected.len(),
        "{triple}: unexpected references: {undefined:?}"
    );

    let relocations = run(Command::new("llvm-objdump-16").arg("-r").arg(&object));
    let calls = relocations
        .lines()
        .filter(|l| l.contains("___dtrace_probe$") || l.contains("___dtrace_isenabled$"))
        .count();
    assert_eq!(calls, 20, "{relocations}");

    // C code of the same build fires probes through the C header
    // `c_header` wrote (macOS' own format), linked into the same program.
    let stub = dir.join("stub");
    std::fs::create_dir_all(&stub).unwrap();
    std::fs::write(
        stub.join("unistd.h"),
        "typedef unsigned long size_t;\ntypedef long ssize_t;\ntypedef int pid_t;\ntypedef long long off_t;\n\
         typedef unsigned int uid_t;\ntypedef unsigned int gid_t;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("c_side.c"),
        "typedef unsigned int my_id_t;\n#include \"probes.h\"\n\
         void c_side(const char *s, int n) {\n  if (KINDS_INTS_ENABLED())\n    KINDS_INTS(-1, -2, 3, -4, 5, n);\n  \
         KINDS_STRS(s, s, s);\n  KINDS_TYPEDEF_ARG((my_id_t)n);\n}\n",
    )
    .unwrap();
    let c_object = dir.join("c_side.o");
    let clang_target = if mach_arch == "x86_64" {
        "x86_64-apple-macos11"
    } else {
        "arm64-apple-macos11"
    };
    run(Command::new("clang-16")
        .args(["-target", clang_target, "-nostdlibinc", "-isystem"])
        .arg(&stub)
        .args(["-Wall", "-Wextra", "-Werror", "-O2", "-c", "-o"])
        .arg(&c_object)
        .arg(dir.join("c_side.c")));
    let c_undefined = run(Command::new("llvm-nm-16").arg("-u").arg(&c_object));
    for line in c_undefined.lines().map(str::trim) {
        assert!(
            expected.iter().any(|e| e == line),
            "{triple}: C refers to {line}, which Rust does not name"
        );
    }
    assert_eq!(c_undefined.lines().count(), 6, "{c_undefined}");

    let exe = dir.join("sites");
    link(apple, mach_arch, &exe, &[&object, &c_object]);
    let disassembly = run(Command::new("llvm-objdump-16").arg("-d").arg(&exe));
    let count = |pattern: &str| disassembly.lines().filter(|l| l.contains(pattern)).count();
    let (probes, enabled, left) = match mach_arch {
        "x86_64" => (count("0f 1f 40 00"), count("33 c0"), count("call")),
        _ => (count("d503201f"), count("d2800000"), count("\tbl\t")),
    };
    // 10 + 10 Rust sites, and the C side's 3 probe sites (one of them the
    // site in `_ENABLED()` that never runs) and 1 is-enabled site.
    assert_eq!(
        (probes, enabled, left),
        (14, 11, 0),
        "{triple}: rewritten probes, is-enabled, calls left\n{disassembly}"
    );
    if apple.is_some() {
        // One DOF offset per site, each at a rewritten instruction.
        let dof = probe_inspect::dof::read_file(&exe).unwrap();
        let sections: Vec<&str> = dof.dofs.iter().map(|d| d.section.as_str()).collect();
        assert_eq!(sections, ["__dof_kinds"], "{triple}");
        let (mut probe_sites, mut enabled_sites) = (0, 0);
        for (_, probe) in dof.probes() {
            probe_sites += probe.sites.len();
            enabled_sites += probe.enabled_sites.len();
            for site in probe.sites.iter().chain(&probe.enabled_sites) {
                let probe_inspect::dof::Site::Address(address) = site else {
                    panic!("{site}")
                };
                let rewritten: &[&str] = match mach_arch {
                    "x86_64" => &["90 ", "33 c0 "],
                    _ => &["d503201f ", "d2800000 "],
                };
                let line = format!("{address:x}:");
                let at = disassembly
                    .lines()
                    .find_map(|l| l.trim_start().strip_prefix(&line))
                    .unwrap_or_else(|| panic!("{triple}: no instruction at {address:#x}"));
                assert!(
                    rewritten.iter().any(|r| at.trim_start().starts_with(r)),
                    "{triple}: no rewritten site at {address:#x}: {at}"
                );
            }
        }
        assert_eq!((probe_sites, enabled_sites), (14, 11), "{triple}");
        eprintln!("{triple}, Apple's ld64: 25 sites rewritten, 25 DOF offsets");
    }
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn x86_64_sites_rewritten_by_rust_lld() {
    probe_test_support::require_tools!("nightly", "clang-16", "llvm-nm-16", "llvm-objdump-16");
    check_arch("x86_64", "x86_64-apple-darwin", "x86_64", None);
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn aarch64_sites_rewritten_by_rust_lld() {
    probe_test_support::require_tools!("nightly", "clang-16", "llvm-nm-16", "llvm-objdump-16");
    check_arch("aarch64", "aarch64-apple-darwin", "arm64", None);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64"]
fn x86_64_sites_rewritten_by_apples_ld64() {
    probe_test_support::require_tools!("nightly", "clang-16", "llvm-nm-16", "llvm-objdump-16");
    let Some(prefix) = probe_test_support::apple_ld64() else {
        return;
    };
    check_arch("x86_64", "x86_64-apple-darwin", "x86_64", Some(&prefix));
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64"]
fn aarch64_sites_rewritten_by_apples_ld64() {
    probe_test_support::require_tools!("nightly", "clang-16", "llvm-nm-16", "llvm-objdump-16");
    let Some(prefix) = probe_test_support::apple_ld64() else {
        return;
    };
    check_arch("aarch64", "aarch64-apple-darwin", "arm64", Some(&prefix));
}

/// The whole module (with its x86_64 asm, unassembled) type-checks under
/// `#![deny(warnings)]` in `no_std`, editions 2021 and 2024.
#[test]
fn whole_module_type_checks() {
    for edition in ["2021", "2024"] {
        let dir = scratch(&format!("macos-check-{edition}"));
        let module = module_for(&dir, "x86_64");
        assert!(module.contains("clobber_abi(\"C\")"));
        let log = run(Command::new("rustc")
            .env("PROBES_MODULE", dir.join("probes.rs"))
            .args([
                "--edition",
                edition,
                "--crate-type",
                "lib",
                "--emit",
                "metadata",
                "-o",
            ])
            .arg(dir.join("uses_kinds.rmeta"))
            .arg(fixture("uses_kinds.rs")));
        assert!(!log.contains("warning"), "{log}");
    }
}
