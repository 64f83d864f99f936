//! The generated module compiles without warnings under
//! `#![deny(warnings)]`, in `no_std`, with edition 2021 and 2024, for every
//! backend rustc here can build; the aarch64 asm text assembles with
//! aarch64-linux-gnu-as into the notes tracers expect. Bad input gives
//! `FILE:LINE:COL: error:` messages and writes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{fixture, run, scratch};
use probe_build::{Arch, Backend, Build};

/// Generates kinds.d for a target and compiles uses_kinds.rs against it.
fn compile_kinds(name: &str, triple: &str, edition: &str) -> (PathBuf, String) {
    compile_kinds_at(name, triple, edition, "3")
}

fn compile_kinds_at(name: &str, triple: &str, edition: &str, opt_level: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let output = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .target(triple)
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let object = dir.join("uses_kinds.o");
    let log = run(Command::new("rustc")
        .env("PROBES_MODULE", &output.module)
        .args([
            "--edition",
            edition,
            "--crate-type",
            "lib",
            "--emit",
            "obj",
            "-C",
        ])
        .arg(format!("opt-level={opt_level}"))
        .arg("-o")
        .arg(&object)
        .arg(fixture("uses_kinds.rs")));
    assert!(!log.contains("warning"), "{log}");
    (object, std::fs::read_to_string(&output.module).unwrap())
}

#[test]
fn sdt_x86_64_edition_2021() {
    let (object, _) = compile_kinds("sdt-2021", "x86_64-unknown-linux-gnu", "2021");
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&object));
    // One note per firing site (16 sites in uses_kinds.rs).
    assert_eq!(notes.matches("NT_STAPSDT").count(), 16, "{notes}");
    for args in [
        "Arguments: -1@%",
        "Arguments: 4@%e",
        "Arguments: -1@%",
        "Arguments: -4@%e",
    ] {
        assert!(notes.contains(args), "{args} missing in\n{notes}");
    }
    // Sizes and signedness follow the C types.
    let ints = notes
        .split("Name: ints")
        .nth(1)
        .unwrap()
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let sizes: Vec<&str> = ints
        .trim()
        .trim_start_matches("Arguments: ")
        .split(' ')
        .map(|a| a.split('@').next().unwrap())
        .collect();
    assert_eq!(sizes, ["-1", "-1", "1", "-2", "2", "-4"], "{ints}");
    let others = notes
        .split("Name: others")
        .nth(1)
        .unwrap()
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let sizes: Vec<&str> = others
        .trim()
        .trim_start_matches("Arguments: ")
        .split(' ')
        .map(|a| a.split('@').next().unwrap())
        .collect();
    // `float` and `double` carry the `f` <sys/sdt.h> and the C header give them.
    assert_eq!(sizes, ["-4", "4", "-8", "1", "4f", "8f"], "{others}");
    let sections = run(Command::new("readelf").args(["-SW"]).arg(&object));
    assert!(sections.contains(".stapsdt.base"), "{sections}");
    assert!(sections.contains(".probes"), "{sections}");
}

#[test]
fn sdt_x86_64_edition_2024_unoptimized() {
    // Debug builds keep every value in memory: the probe sites must still
    // get their arguments in registers, 12 of them included.
    let (object, _) = compile_kinds_at("sdt-2024", "x86_64-unknown-linux-gnu", "2024", "0");
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&object));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 16, "{notes}");
}

#[test]
fn compiled_out_edition_2021_and_2024() {
    for edition in ["2021", "2024"] {
        let (object, module) =
            compile_kinds(&format!("off-{edition}"), "x86_64-pc-windows-msvc", edition);
        assert!(!module.contains("asm!"), "compiled-out module has asm");
        let notes = run(Command::new("readelf").args(["-SW"]).arg(&object));
        assert!(!notes.contains("stapsdt"), "{notes}");
    }
}

#[test]
fn switched_off_by_the_builder() {
    let dir = scratch("switched-off");
    let out = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .target("x86_64-unknown-linux-gnu")
        .enabled(false)
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    assert_eq!(out.backend, Backend::Disabled);
    assert!(out
        .disabled_reason
        .unwrap()
        .contains("Build::enabled(false)"));
}

#[test]
fn unsupported_targets_say_why() {
    for (triple, why) in [
        ("mips64-unknown-linux-gnuabi64", "mips64"),
        ("x86_64-pc-windows-msvc", "windows"),
        ("aarch64-apple-ios", "ios"),
    ] {
        let dir = scratch(&format!("unsupported-{triple}"));
        let out = Build::new()
            .file(fixture("kinds.d"))
            .rust_type("my_id_t", "u32")
            .target(triple)
            .out_dir(&dir)
            .cargo_metadata(false)
            .try_compile()
            .unwrap();
        assert_eq!(out.backend, Backend::Disabled);
        assert!(
            out.disabled_reason.as_deref().unwrap().contains(why),
            "{:?}",
            out.disabled_reason
        );
    }
}

/// The aarch64 module cannot be compiled here (no aarch64 Rust target or
/// rust-src), so its asm templates are filled in the way rustc fills
/// them (`{aN:x}` is register `xN`) for GNU as. Returns one assembler text
/// per probe site, using semaphore `semN`.
fn aarch64_sites(dir: &Path) -> Vec<String> {
    let out = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .target("aarch64-unknown-linux-gnu")
        .out_dir(dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    assert_eq!(out.backend, Backend::Sdt(Arch::Aarch64));
    let module = std::fs::read_to_string(&out.module).unwrap();
    assert!(!module.contains("att_syntax"));
    let mut sites = Vec::new();
    for (i, block) in module.split("core::arch::asm!(").skip(1).enumerate() {
        let mut asm = String::new();
        for line in block.lines().map(str::trim) {
            if !line.starts_with('"') {
                continue;
            }
            // A Rust string literal with `\"` and `\\` escapes.
            let literal = line.strip_suffix(',').unwrap_or(line);
            let literal = &literal[1..literal.len() - 1];
            let text = literal.replace("\\\"", "\"").replace("\\\\", "\\");
            let mut text = text.replace("{semaphore}", &format!("sem{i}"));
            for n in 0..12 {
                text = text.replace(&format!("{{a{n}:x}}"), &format!("x{n}"));
            }
            asm.push_str(&text.replace("{{", "{").replace("}}", "}"));
            asm.push('\n');
        }
        sites.push(asm);
    }
    sites
}

#[test]
#[ignore = "system tier: rust-lld, gdb-multiarch, qemu-user, nightly rustc"]
fn aarch64_asm_assembles_into_notes() {
    probe_test_support::require_tools!(
        "nightly",
        "aarch64-linux-gnu-gcc",
        "gdb-multiarch",
        "qemu-aarch64",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    let dir = scratch("aarch64");
    let sites = aarch64_sites(&dir);
    let mut asm = String::from(".text\n");
    asm.push_str(&sites.concat());
    asm.push_str(".data\n");
    for i in 0..sites.len() {
        asm.push_str(&format!(".globl sem{i}\nsem{i}: .2byte 0\n"));
    }
    let source = dir.join("sites.s");
    std::fs::write(&source, asm).unwrap();
    let object = dir.join("sites.o");
    run(Command::new("aarch64-linux-gnu-as")
        .arg("-o")
        .arg(&object)
        .arg(&source));
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&object));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 10, "{notes}");
    assert!(
        notes.contains("Arguments: 1@x0 -1@x1 1@x2 -2@x3 2@x4 -4@x5"),
        "plain char is unsigned on aarch64:\n{notes}"
    );
    assert!(
        notes.contains("Arguments: -4@x0 4@x1 -8@x2 1@x3 4f@x4 8f@x5"),
        "{notes}"
    );
    assert!(notes.contains("Arguments: 8@x0 8@x1 8@x2"), "{notes}");
    let sections = run(Command::new("readelf").args(["-SW"]).arg(&object));
    assert!(
        sections.contains(".probes") && sections.contains("65536"),
        "{sections}"
    );
}

/// Stable Rust here has no aarch64 standard library, but nightly rustc can
/// compile `#![no_core]` code for aarch64. Each `asm!` block of the aarch64
/// module is compiled as is, its operands fed from function parameters of
/// the note's sizes, so rustc itself formats the registers and checks the
/// operand types and options.
fn sites_by_rustc(dir: &Path, arch: &str, triple: &str) -> PathBuf {
    let out = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .target(&format!("{arch}-unknown-linux-gnu"))
        .out_dir(dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let module = std::fs::read_to_string(&out.module).unwrap();
    let mut krate = String::from(
        "#![feature(no_core, lang_items, rustc_attrs, decl_macro)]\n\
         #![allow(internal_features)]\n\
         #![deny(warnings)]\n\
         #![no_core]\n\
         #![crate_type = \"lib\"]\n\
         #[lang = \"pointee_sized\"] pub trait PointeeSized {}\n\
         #[lang = \"meta_sized\"] pub trait MetaSized: PointeeSized {}\n\
         #[lang = \"sized\"] pub trait Sized: MetaSized {}\n\
         #[lang = \"copy\"] pub trait Copy {}\n\
         #[lang = \"drop_glue\"] unsafe fn drop_in_place<T: ?Sized>(_: *mut T) {}\n\
         #[lang = \"legacy_receiver\"] pub trait LegacyReceiver {}\n\
         impl Copy for i8 {} impl Copy for u8 {} impl Copy for i16 {} impl Copy for u16 {}\n\
         impl Copy for i32 {} impl Copy for u32 {} impl Copy for i64 {} impl Copy for u64 {}\n\
         #[rustc_builtin_macro] pub macro asm(\"assembly template\", $(operands,)* $(options($(option),*))?) { /* built in */ }\n",
    );
    let mut semaphores: Vec<String> = Vec::new();
    for (i, block) in module.split("core::arch::asm!(").skip(1).enumerate() {
        let block = &block[..block.find(");").unwrap()];
        let note_args = block
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("\".asciz \\\"") && l.contains("{a"))
            .unwrap_or("");
        let mut params = Vec::new();
        let mut body = String::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(rest) = line.strip_prefix('a').filter(|r| r.contains(" = in(")) {
                let n: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
                let spec = note_args
                    .split(' ')
                    .find(|a| a.contains(&format!("{{a{n}:")) || a.contains(&format!("{{a{n}}}")))
                    .unwrap();
                let size: i32 = spec
                    .trim_start_matches("\\\"")
                    .split('@')
                    .next()
                    .unwrap()
                    .trim_end_matches('f')
                    .parse()
                    .unwrap();
                let ty = format!("{}{}", if size < 0 { 'i' } else { 'u' }, size.abs() * 8);
                params.push(format!("v{n}: {ty}"));
                body.push_str(&format!("a{n} = in(reg) v{n},\n"));
            } else if let Some(name) = line.strip_prefix("semaphore = sym ") {
                let name = name.trim_end_matches(',');
                if !semaphores.iter().any(|s| s == name) {
                    semaphores.push(name.to_string());
                }
                body.push_str(line);
                body.push('\n');
            } else {
                body.push_str(line);
                body.push('\n');
            }
        }
        krate.push_str(&format!(
            "#[no_mangle]\npub unsafe extern \"C\" fn site_{i}({}) {{\nasm!(\n{body});\n}}\n",
            params.join(", ")
        ));
    }
    for name in &semaphores {
        krate.push_str(&format!("#[no_mangle]\n#[link_section = \".probes\"]\n#[used]\npub static mut {name}: u16 = 0;\n"));
    }
    let source = dir.join("sites.rs");
    std::fs::write(&source, krate).unwrap();
    let object = dir.join("sites.o");
    let log = run(Command::new("rustc")
        .args(["+nightly", "--target", triple, "--emit", "obj", "-O", "-o"])
        .arg(&object)
        .arg(&source));
    assert!(!log.contains("warning"), "{log}");
    object
}

/// The aarch64 probe sites compiled by rustc (nightly, `no_core`) into the
/// notes and the page-aligned `.probes`, and gdb reading each argument at
/// the note's size from registers whose upper bits hold junk, running the
/// program under qemu-aarch64.
#[test]
#[ignore = "system tier: rust-lld, gdb-multiarch, qemu-user, nightly rustc"]
fn aarch64_sites_compiled_by_rustc_read_by_gdb_under_qemu() {
    probe_test_support::require_tools!(
        "nightly",
        "aarch64-linux-gnu-gcc",
        "gdb-multiarch",
        "qemu-aarch64",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    let dir = scratch("aarch64-rustc");
    let sites = sites_by_rustc(&dir, "aarch64", "aarch64-unknown-linux-gnu");
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&sites));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 10, "{notes}");
    let sections = run(Command::new("readelf").args(["-SW"]).arg(&sites));
    assert!(
        sections.contains(".probes") && sections.contains("65536"),
        "{sections}"
    );
    // site_0 is `ints(char, signed char, unsigned char, short, unsigned
    // short, int)`; the C calling convention leaves the upper bits of
    // narrow arguments unspecified, so junk there is fair.
    let start = ".text\n.globl _start\n_start:\n\
         ldr x0, =0x1234567890abcd01\n\
         ldr x1, =0x12345678000000ff\n\
         ldr x2, =0x00000000000000fe\n\
         ldr x3, =0x7777777700008001\n\
         ldr x4, =0x000000000000ffff\n\
         ldr x5, =0x11111111fffffffe\n\
         bl site_0\n\
         mov x8, #93\nmov x0, #0\nsvc #0\n.ltorg\n";
    std::fs::write(dir.join("start.s"), start).unwrap();
    run(Command::new("aarch64-linux-gnu-as")
        .arg("-o")
        .arg(dir.join("start.o"))
        .arg(dir.join("start.s")));
    run(Command::new("aarch64-linux-gnu-ld")
        .args(["-static", "-o"])
        .arg(dir.join("prog"))
        .arg(dir.join("start.o"))
        .arg(&sites));
    let text = gdb_under_qemu("aarch64", &dir.join("prog"));
    let args: Vec<&str> = text.lines().filter(|l| l.starts_with("arg")).collect();
    assert_eq!(
        args,
        [
            "arg0=1",
            "arg1=-1",
            "arg2=254",
            "arg3=-32767",
            "arg4=65535",
            "arg5=-2"
        ],
        "{text}\n{notes}"
    );
}

/// Runs `program` under `qemu-ARCH -g` and `gdb-multiarch`, stopping at
/// `kinds:ints` and printing its six arguments as `argN=VALUE` lines.
fn gdb_under_qemu(qemu_arch: &str, program: &Path) -> String {
    static PORT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let port =
        20000 + std::process::id() % 20000 + PORT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut qemu = Command::new(format!("qemu-{qemu_arch}"))
        .args(["-g", &port.to_string()])
        .arg(program)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run qemu-{qemu_arch}: {e} (run scripts/install-deps)"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut gdb = Command::new("timeout");
    gdb.args(["60", "gdb-multiarch", "-q", "-batch", "-nx"])
        .arg("-ex")
        .arg(format!("file {}", program.display()))
        .arg("-ex")
        .arg(format!("target remote :{port}"))
        .args(["-ex", "break -probe-stap kinds:ints", "-ex", "continue"]);
    for n in 0..6 {
        gdb.args(["-ex", &format!("printf \"arg{n}=%d\\n\", $_probe_arg{n}")]);
    }
    gdb.args(["-ex", "continue"]);
    let out = gdb
        .output()
        .expect("cannot run gdb-multiarch (run scripts/install-deps)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if qemu.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if qemu.try_wait().unwrap().is_none() {
            let _ = qemu.kill();
        }
    }
    let _ = qemu.wait();
    text
}

/// The other 64-bit Linux architectures: the module's `asm!` blocks
/// compiled by nightly rustc, called from C (cross gcc, static), the notes
/// checked with readelf, and the arguments read by gdb-multiarch under qemu
/// where gdb 13 can decode the architecture's operands (not riscv64).
fn check_arch(
    arch: &str,
    triple: &str,
    gcc: &str,
    qemu_arch: &str,
    expected_ints: &str,
    page: &str,
    gdb_decodes: bool,
) {
    let dir = scratch(&format!("{arch}-rustc"));
    let sites = sites_by_rustc(&dir, arch, triple);
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&sites));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 10, "{notes}");
    assert!(
        notes.contains(&format!("Arguments: {expected_ints}")),
        "{notes}"
    );
    let sections = run(Command::new("readelf").args(["-SW"]).arg(&sites));
    assert!(
        sections
            .lines()
            .any(|l| l.contains(".probes") && l.trim_end().ends_with(page)),
        "{sections}"
    );
    let driver = dir.join("driver.c");
    std::fs::write(
        &driver,
        "void site_0(unsigned char, signed char, unsigned char, short, unsigned short, int);\n\
         int main(void) { site_0(1, -1, 254, -32767, 65535, -2); return 0; }\n",
    )
    .unwrap();
    let program = dir.join("prog");
    run(Command::new(gcc)
        .args(["-O2", "-static", "-o"])
        .arg(&program)
        .arg(&driver)
        .arg(&sites));
    if gdb_decodes {
        let text = gdb_under_qemu(qemu_arch, &program);
        let args: Vec<&str> = text.lines().filter(|l| l.starts_with("arg")).collect();
        assert_eq!(
            args,
            [
                "arg0=1",
                "arg1=-1",
                "arg2=254",
                "arg3=-32767",
                "arg4=65535",
                "arg5=-2"
            ],
            "{text}\n{notes}"
        );
    } else {
        run(Command::new(format!("qemu-{qemu_arch}")).arg(&program));
    }
}

#[test]
#[ignore = "system tier: rust-lld, gdb-multiarch, qemu-user, nightly rustc"]
fn powerpc64le_sites_compiled_by_rustc_read_by_gdb_under_qemu() {
    probe_test_support::require_tools!(
        "nightly",
        "aarch64-linux-gnu-gcc",
        "gdb-multiarch",
        "qemu-aarch64",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        "powerpc64",
        "powerpc64le-unknown-linux-gnu",
        "powerpc64le-linux-gnu-gcc",
        "ppc64le",
        "1@3 -1@4 1@5 -2@6 2@7 -4@8",
        "65536",
        true,
    );
}

#[test]
#[ignore = "system tier: rust-lld, gdb-multiarch, qemu-user, nightly rustc"]
fn s390x_sites_compiled_by_rustc_read_by_gdb_under_qemu() {
    probe_test_support::require_tools!(
        "nightly",
        "aarch64-linux-gnu-gcc",
        "gdb-multiarch",
        "qemu-aarch64",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        "s390x",
        "s390x-unknown-linux-gnu",
        "s390x-linux-gnu-gcc",
        "s390x",
        "1@%r2 -1@%r3 1@%r4 -2@%r5 2@%r6 -4@%r0",
        "4096",
        true,
    );
}

#[test]
#[ignore = "system tier: rust-lld, gdb-multiarch, qemu-user, nightly rustc"]
fn riscv64_sites_compiled_by_rustc_run_under_qemu() {
    probe_test_support::require_tools!(
        "nightly",
        "aarch64-linux-gnu-gcc",
        "gdb-multiarch",
        "qemu-aarch64",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        "riscv64",
        "riscv64gc-unknown-linux-gnu",
        "riscv64-linux-gnu-gcc",
        "riscv64",
        "1@a0 -1@a1 1@a2 -2@a3 2@a4 -4@a5",
        "4096",
        false,
    );
}

#[test]
fn unknown_type_is_an_error_with_a_position() {
    let dir = scratch("unknown-type");
    let err = Build::new()
        .file(fixture("kinds.d"))
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err()
        .to_string();
    assert!(err.contains("kinds.d:9:"), "{err}");
    assert!(
        err.contains("error: probe `typedef__arg`: no Rust type for the C type `my_id_t`"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "output written on error"
    );
}

#[test]
fn bad_rust_type_is_an_error() {
    let dir = scratch("bad-rust-type");
    let err = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "String")
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("kinds.d:9:") && err.contains("`String`"),
        "{err}"
    );
}

#[test]
fn colliding_rust_names_are_an_error() {
    let dir = scratch("collide");
    let file = dir.join("collide.d");
    // `a___b` is the C macro `P_A__B` but the Rust name `a_b`. (`a__b` and
    // `a_b` already make one C macro, which the provider reader refuses.)
    std::fs::write(
        &file,
        "provider p {\n  probe a___b();\n  probe a_b();\n};\n",
    )
    .unwrap();
    let err = Build::new()
        .file(&file)
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("collide.d:3:") && err.contains("both need the Rust name `a_b`"),
        "{err}"
    );
    assert!(!dir.join("probes.rs").exists());
}

#[test]
fn syntax_errors_and_missing_files() {
    let dir = scratch("syntax");
    let file = dir.join("bad.d");
    std::fs::write(&file, "provider p {\n  probe x(int;\n};\n").unwrap();
    let err = Build::new()
        .file(&file)
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err();
    assert!(err.to_string().contains("bad.d:2:"), "{err}");
    let err = Build::new()
        .file(dir.join("missing.d"))
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err();
    assert!(err.to_string().contains("missing.d"), "{err}");
    let err = Build::new()
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap_err();
    assert!(err.to_string().contains("no provider file"), "{err}");
    assert!(!dir.join("probes.rs").exists());
}

#[test]
fn includes_are_inputs() {
    let dir = scratch("includes");
    std::fs::write(
        dir.join("types.h"),
        "#define NAME_ARGS const char *name, int len\n",
    )
    .unwrap();
    let file = dir.join("inc.d");
    std::fs::write(
        &file,
        "#include \"types.h\"\nprovider inc {\n  probe hello(NAME_ARGS);\n};\n",
    )
    .unwrap();
    // `#include` alone turns the preprocessor on; `include_dir` is only
    // needed for other folders.
    let out = Build::new()
        .file(&file)
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    assert!(
        out.inputs.iter().any(|p| p.ends_with("types.h")),
        "{:?}",
        out.inputs
    );
    let module = std::fs::read_to_string(out.module).unwrap();
    assert!(
        module.contains(
            "pub fn hello<A0: super::__probe_support::ProbeStr>(name: A0, len: core::ffi::c_int)"
        ),
        "{module}"
    );
}

#[test]
fn c_header_is_written_next_to_the_module() {
    let dir = scratch("c-header");
    let out = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .c_header("kinds.h")
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let header = std::fs::read_to_string(out.c_header.unwrap()).unwrap();
    assert!(header.contains("KINDS_INTS"), "{header}");
    // The Rust module defines the semaphores the header only declares.
    let module = std::fs::read_to_string(out.module).unwrap();
    assert!(
        module.contains("\".globl kinds_ints_semaphore\""),
        "{module}"
    );
    assert!(
        module.contains("\".set kinds_ints_semaphore, {semaphore}\""),
        "{module}"
    );
    assert!(
        header.contains("extern unsigned short kinds_ints_semaphore"),
        "{header}"
    );
}

/// The module's `asm!` (notes, `.probes`, `.stapsdt.base`) leaves the
/// control-flow protection marks of a hardened Rust object alone: compiled
/// with nightly rustc's `-Z cf-protection=full`, the object is still marked
/// IBT and SHSTK, with every probe site.
#[test]
#[ignore = "system tier: nightly rustc"]
fn hardening_marks_survive_in_a_rust_object() {
    probe_test_support::require_tools!("nightly");
    let dir = scratch("cf-protection");
    let output = Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .target("x86_64-unknown-linux-gnu")
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let object = dir.join("hardened.o");
    run(Command::new("rustc")
        .env("PROBES_MODULE", &output.module)
        .args(["+nightly", "--edition", "2021", "--crate-type", "lib"])
        .args([
            "--emit",
            "obj",
            "-C",
            "opt-level=3",
            "-Z",
            "cf-protection=full",
            "-o",
        ])
        .arg(&object)
        .arg(fixture("uses_kinds.rs")));
    let notes = run(Command::new("readelf").args(["-nW"]).arg(&object));
    assert!(notes.contains("x86 feature: IBT, SHSTK"), "{notes}");
    assert_eq!(notes.matches("NT_STAPSDT").count(), 16, "{notes}");
}
