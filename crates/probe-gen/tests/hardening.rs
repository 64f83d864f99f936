#![cfg(feature = "stub-object")]
//! Nothing we emit weakens a hardened build: control-flow protection marks
//! (`.note.gnu.property`: x86 IBT/SHSTK, AArch64 BTI/PAC) survive `ld -r`
//! and a full link with the `-G` stub object, and code compiled with the
//! SDT header and the illumos/FreeBSD shim keeps them; none is added when
//! the user's own objects lack it (the linker ANDs the marks of all inputs).
//!
//! The full links are freestanding (`-nostdlib -static`, a `_start` of our
//! own): Debian 12's C runtime objects carry no marks, so a program linked
//! with them has none whatever its other objects say.

use std::path::{Path, PathBuf};
use std::process::Command;

use probe_gen::{dtrace_shim, sdt_header, stub_object};
use probe_provider::{parse_str, ProviderFile};
use probe_target::ElfTarget;

fn provider() -> ProviderFile {
    parse_str(
        "hard.d",
        "provider hard { probe start(int n, const char *what); probe stop(); };",
    )
    .unwrap()
}

struct Machine {
    name: &'static str,
    triple: &'static str,
    gcc: &'static str,
    ld: &'static str,
    /// Flags that turn the protection on, and the ones that turn it off.
    on: &'static [&'static str],
    off: &'static [&'static str],
    /// What `readelf -n` prints for the marks.
    marks: &'static str,
    /// `_start` ending the program with exit status 0.
    exit: &'static str,
    qemu: Option<&'static str>,
}

const X86_64: Machine = Machine {
    name: "x86_64",
    triple: "x86_64-linux-gnu",
    gcc: "gcc",
    ld: "ld",
    on: &["-fcf-protection=full"],
    off: &["-fcf-protection=none"],
    marks: "x86 feature: IBT, SHSTK",
    exit: "mov $60, %eax\n\txor %edi, %edi\n\tsyscall",
    qemu: None,
};

const I386: Machine = Machine {
    name: "i386",
    triple: "i686-linux-gnu",
    gcc: "i686-linux-gnu-gcc",
    ld: "i686-linux-gnu-ld",
    on: &["-fcf-protection=full"],
    off: &["-fcf-protection=none"],
    marks: "x86 feature: IBT, SHSTK",
    exit: "mov $1, %eax\n\txor %ebx, %ebx\n\tint $0x80",
    qemu: Some("qemu-i386"),
};

const AARCH64: Machine = Machine {
    name: "aarch64",
    triple: "aarch64-linux-gnu",
    gcc: "aarch64-linux-gnu-gcc",
    ld: "aarch64-linux-gnu-ld",
    on: &["-mbranch-protection=standard"],
    off: &["-mbranch-protection=none"],
    marks: "AArch64 feature: BTI, PAC",
    exit: "mov x8, #93\n\tmov x0, #0\n\tsvc #0",
    qemu: Some("qemu-aarch64"),
};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hardening")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({})\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn notes(file: &Path) -> String {
    run(Command::new("readelf").arg("-nW").arg(file))
}

/// A program that fires a probe through the SDT header and exits.
fn program(machine: &Machine) -> String {
    format!(
        "#include \"hard.h\"\n\
         static char what[] = \"go\";\n\
         void _start(void)\n{{\n\
         \tHARD_START(1, what);\n\
         \tif (HARD_STOP_ENABLED())\n\t\tHARD_STOP();\n\
         \t__asm__ volatile(\"{}\");\n\
         \tfor (;;) ;\n}}\n",
        machine.exit.replace('\n', "\\n").replace('\t', "\\t")
    )
}

/// Compiles the program with `flags`, then checks `ld -r` with the stub
/// object and a full static link: the marks are in every output exactly
/// when `expect_marks`, and the program runs.
fn link_with_stub(machine: &Machine, dir: &Path, flags: &[&str], expect_marks: bool) {
    std::fs::write(
        dir.join("hard.h"),
        sdt_header::generate(&provider(), &sdt_header::SdtHeaderOptions::new()),
    )
    .unwrap();
    std::fs::write(dir.join("user.c"), program(machine)).unwrap();
    let stub = dir.join("hard-probes.o");
    let target = ElfTarget::from_triple(machine.triple).unwrap();
    std::fs::write(&stub, stub_object::generate(&provider(), &target).unwrap()).unwrap();
    assert!(
        notes(&stub).contains(machine.marks),
        "{}: the stub object carries no marks:\n{}",
        machine.name,
        notes(&stub)
    );

    let user = dir.join("user.o");
    run(Command::new(machine.gcc)
        .args(["-O2", "-ffreestanding", "-fno-pic", "-c"])
        .args(flags)
        .arg(dir.join("user.c"))
        .arg("-o")
        .arg(&user));
    assert_eq!(
        notes(&user).contains(machine.marks),
        expect_marks,
        "{}: the compiler's own object with {flags:?}:\n{}",
        machine.name,
        notes(&user)
    );

    let relocatable = dir.join("both.o");
    run(Command::new(machine.ld)
        .arg("-r")
        .arg(&user)
        .arg(&stub)
        .arg("-o")
        .arg(&relocatable));
    let program = dir.join("prog");
    run(Command::new(machine.gcc)
        .args(["-nostdlib", "-static", "-no-pie"])
        .args(flags)
        .arg(&user)
        .arg(&stub)
        .arg("-o")
        .arg(&program));
    for output in [&relocatable, &program] {
        let text = notes(output);
        assert_eq!(
            text.contains(machine.marks),
            expect_marks,
            "{}: {} after linking the stub object with {flags:?}:\n{text}",
            machine.name,
            output.display()
        );
    }
    let status = match machine.qemu {
        None => Command::new(&program).status(),
        Some(qemu) => Command::new(qemu).arg(&program).status(),
    }
    .unwrap();
    assert!(
        status.success(),
        "{}: the program failed: {status}",
        machine.name
    );
}

fn marks_survive(machine: &Machine) {
    let dir = scratch(machine.name);
    for (mode, flags, marked) in [("on", machine.on, true), ("off", machine.off, false)] {
        std::fs::create_dir_all(dir.join(mode)).unwrap();
        link_with_stub(machine, &dir.join(mode), flags, marked);
    }
}

#[test]
fn x86_64_marks_survive_the_stub_object() {
    marks_survive(&X86_64);
}

#[test]
#[ignore = "system tier: i686 cross compiler, qemu-user"]
fn i386_marks_survive_the_stub_object() {
    probe_test_support::require_tools!("i686-linux-gnu-gcc", "qemu-i386");
    marks_survive(&I386);
}

#[test]
#[ignore = "system tier: aarch64 cross compiler, qemu-user"]
fn aarch64_marks_survive_the_stub_object() {
    probe_test_support::require_tools!("aarch64-linux-gnu-gcc", "qemu-aarch64");
    marks_survive(&AARCH64);
}

/// The C shim through which Rust fires probes on illumos/FreeBSD, compiled
/// with the protection on, keeps the marks (it is plain C; `dtrace -G`
/// rewrites bytes in place, not notes).
#[test]
fn the_shim_compiles_with_the_marks() {
    let dir = scratch("shim");
    let source = dir.join("shim.c");
    std::fs::write(&source, dtrace_shim::generate(&provider())).unwrap();
    let object = dir.join("shim.o");
    run(Command::new("gcc")
        .args(["-O2", "-fcf-protection=full", "-c"])
        .arg(&source)
        .arg("-o")
        .arg(&object));
    assert!(notes(&object).contains(X86_64.marks), "{}", notes(&object));
}
