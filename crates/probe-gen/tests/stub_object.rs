//! The `-G` stub object, linked for real: for each architecture Debian can
//! cross-build here, a C program referencing the semaphores is compiled by
//! the matching GCC, linked with the stub object by GNU ld (and lld, mold),
//! run under qemu-user, and the result inspected with readelf.
//!
//! Every tool is required: a missing one fails the test (scripts/install-deps
//! installs them).
#![cfg(feature = "stub-object")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use probe_gen::stub_object;
use probe_provider::{Probe, Provider, ProviderFile, Span};
use probe_target::{Arch, ElfClass, ElfTarget, Endian, TargetError};

fn span(path: &Path) -> Span {
    Span {
        file: Arc::from(path),
        line: 1,
        column: 1,
    }
}

/// A provider file as the parser would give it (built by hand so these tests
/// do not depend on the parser): two providers, three probes.
fn provider_file() -> ProviderFile {
    let path = PathBuf::from("hello.d");
    let probe = |name: &str| Probe {
        name: name.to_string(),
        span: span(&path),
        args: Vec::new(),
        translated_args: None,
    };
    ProviderFile {
        path: path.clone(),
        providers: vec![
            Provider {
                name: "hello".into(),
                span: span(&path),
                probes: vec![probe("greet"), probe("bye__now")],
                attributes: Default::default(),
            },
            Provider {
                name: "other".into(),
                span: span(&path),
                probes: vec![probe("tick")],
                attributes: Default::default(),
            },
        ],
        pragmas: Vec::new(),
        warnings: Vec::new(),
    }
}

const SEMAPHORES: [&str; 3] = [
    "hello_greet_semaphore",
    "hello_bye__now_semaphore",
    "other_tick_semaphore",
];

/// Declares the semaphores as SystemTap's `dtrace -h` header does and prints
/// their values, which must be 0.
const PROGRAM: &str = r#"
#include <stdio.h>
#define SEM(name) __extension__ extern unsigned short name \
    __attribute__ ((unused)) __attribute__ ((section (".probes")));
SEM(hello_greet_semaphore)
SEM(hello_bye__now_semaphore)
SEM(other_tick_semaphore)
int main(void) {
    printf("semaphores %u %u %u\n", hello_greet_semaphore, hello_bye__now_semaphore,
           other_tick_semaphore);
    return 0;
}
"#;

/// For `gcc -m32` on the x86_64 host: Debian's gcc-multilib (32-bit libc
/// for the host compiler) conflicts with the cross compilers, so this program
/// needs no libc: it exits with 42 plus the semaphores' values.
const FREESTANDING_I386: &str = r#"
#define SEM(name) __extension__ extern unsigned short name \
    __attribute__ ((unused)) __attribute__ ((section (".probes")));
SEM(hello_greet_semaphore)
SEM(hello_bye__now_semaphore)
SEM(other_tick_semaphore)
void _start(void) {
    int code = 42 + hello_greet_semaphore + hello_bye__now_semaphore + other_tick_semaphore;
    __asm__ volatile ("int $0x80" : : "a"(1), "b"(code));
    __builtin_unreachable();
}
"#;

const LIBRARY: &str = r#"
__extension__ extern unsigned short hello_greet_semaphore __attribute__ ((section (".probes")));
__extension__ extern unsigned short other_tick_semaphore __attribute__ ((section (".probes")));
int probes_enabled(void) { return hello_greet_semaphore + other_tick_semaphore; }
"#;

struct Cross {
    /// The GNU triple (`cc -dumpmachine`), also the GCC prefix.
    triple: &'static str,
    /// `gcc` for the host, else `TRIPLE-gcc`.
    gcc: String,
    /// The qemu-user binary to run programs with; `None` runs natively.
    qemu: Option<&'static str>,
    arch: Arch,
    class: ElfClass,
    endian: Endian,
    /// Extra flags for the compiler (`-m32`).
    cflags: &'static [&'static str],
    /// Build without libc (see [`FREESTANDING_I386`]).
    freestanding: bool,
}

fn cross(triple: &'static str, qemu: Option<&'static str>, arch: Arch, endian: Endian) -> Cross {
    Cross {
        triple,
        gcc: if qemu.is_none() {
            "gcc".into()
        } else {
            format!("{triple}-gcc")
        },
        qemu,
        arch,
        class: arch.elf_class(),
        endian,
        cflags: &[],
        freestanding: false,
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("stub_object")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|err| panic!("cannot run {shown}: {err}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{shown} failed ({})\n{stdout}\n{stderr}",
        out.status
    );
    // Warnings from the linker (executable stack, ABI mismatch) count as failures.
    assert!(
        !stderr.contains("warning"),
        "{shown} printed a warning:\n{stderr}"
    );
    stdout
}

/// A directory holding `ld.lld` and `ld.mold`, passed to GCC with `-B`:
/// the `ld.lld` is LLVM 16's (Debian's unversioned `lld` package may put an
/// older one on `PATH`), and cross GCCs look for linkers in their own
/// program path, not in `PATH`.
fn linker_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stub_object-linkers");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, candidates) in [
        // LLVM 16's lld, never whichever `ld.lld` is first on PATH.
        (
            "ld.lld",
            &["/usr/lib/llvm-16/bin/ld.lld", "/usr/bin/ld.lld-16"][..],
        ),
        ("ld.mold", &["/usr/bin/ld.mold", "/usr/bin/mold"][..]),
    ] {
        let real = candidates
            .iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or_else(|| panic!("{name} is missing (scripts/install-deps installs it)"));
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        let _ = std::os::unix::fs::symlink(real, &link);
    }
    dir
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Linker {
    Gnu,
    Lld,
    Mold,
}

impl Cross {
    fn compile(&self, dir: &Path, name: &str, source: &str, extra: &[&str]) -> PathBuf {
        let c = dir.join(format!("{name}.c"));
        let o = dir.join(format!("{name}.o"));
        std::fs::write(&c, source).unwrap();
        run(Command::new(&self.gcc)
            .args(self.cflags)
            .args(extra)
            .arg("-c")
            .arg(&c)
            .arg("-o")
            .arg(&o));
        o
    }

    fn link(&self, linker: Linker, objects: &[&Path], output: &Path, extra: &[&str]) {
        let mut cmd = Command::new(&self.gcc);
        cmd.args(self.cflags)
            .args(extra)
            .args(objects)
            .arg("-o")
            .arg(output);
        if self.freestanding {
            cmd.arg("-nostdlib");
            if !extra.contains(&"-shared") {
                // No 32-bit dynamic loader on the host either.
                cmd.arg("-static");
            }
        }
        cmd.arg(format!("-B{}", linker_dir().display()));
        cmd.arg(match linker {
            Linker::Gnu => "-fuse-ld=bfd",
            Linker::Mold => "-fuse-ld=mold",
            Linker::Lld => "-fuse-ld=lld",
        });
        run(&mut cmd);
    }

    fn run_program(&self, exe: &Path) -> String {
        if self.freestanding {
            let status = Command::new(exe).status().unwrap();
            assert_eq!(status.code(), Some(42), "{}", exe.display());
            return "semaphores 0 0 0\n".into();
        }
        match self.qemu {
            None => run(&mut Command::new(exe)),
            Some(qemu) => run(Command::new(qemu)
                .arg("-L")
                .arg(format!("/usr/{}", self.triple))
                .arg(exe)),
        }
    }
}

/// The ELF header fields the stub object must share with the compiler's
/// objects, as readelf prints them.
fn header_fields(file: &Path) -> Vec<String> {
    let out = run(Command::new("readelf").arg("-h").arg(file));
    out.lines()
        .filter(|l| {
            let l = l.trim_start();
            ["Class:", "Data:", "Machine:", "Flags:", "OS/ABI:"]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The index of section `name` per `readelf -S -W`, and its flags and alignment.
fn section(file: &Path, name: &str) -> Option<(String, String, String)> {
    let out = run(Command::new("readelf").arg("-S").arg("-W").arg(file));
    out.lines().find_map(|line| {
        let line = line.trim_start().strip_prefix('[')?;
        let (index, rest) = line.split_once(']')?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // Name Type Address Off Size ES [Flg] Lk Inf Al
        if fields.first() != Some(&name) {
            return None;
        }
        let align = fields.last()?.to_string();
        let flags = if fields.len() == 10 {
            fields[6].to_string()
        } else {
            String::new()
        };
        Some((index.trim().to_string(), flags, align))
    })
}

/// The symbol `name` per `readelf -s -W`: (size, type, bind, visibility, section index).
fn symbol(file: &Path, name: &str) -> Option<[String; 5]> {
    let out = run(Command::new("readelf").arg("-s").arg("-W").arg(file));
    out.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        // Num: Value Size Type Bind Vis Ndx Name
        if f.len() == 8 && f[7] == name {
            Some([f[2], f[3], f[4], f[5], f[6]].map(String::from))
        } else {
            None
        }
    })
}

/// `.probes` of a linked file starts on a page boundary (address and file
/// offset), after the file page where the RELRO segment ends: the kernel
/// finds a semaphore by file offset and must not find it in RELRO's mapping.
fn check_probes_page(file: &Path, page: u64) {
    let hex = |w: &str| u64::from_str_radix(w.trim_start_matches("0x"), 16).unwrap();
    let sections = run(Command::new("readelf").arg("-S").arg("-W").arg(file));
    let (addr, offset) = sections
        .lines()
        .filter_map(|l| l.split_once(']'))
        .map(|(_, rest)| rest.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.first() == Some(&".probes"))
        .map(|f| (hex(f[2]), hex(f[3])))
        .expect("no .probes");
    let shown = file.display();
    assert_eq!(addr % page, 0, "{shown}: .probes at {addr:#x}");
    assert_eq!(
        offset % page,
        0,
        "{shown}: .probes at file offset {offset:#x}"
    );
    let segments = run(Command::new("readelf").arg("-l").arg("-W").arg(file));
    let relro_end = segments
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"GNU_RELRO"))
        .map(|f| hex(f[1]) + hex(f[4]));
    if let Some(end) = relro_end {
        assert!(
            offset >= end,
            "{shown}: .probes (file offset {offset:#x}) before the end of RELRO ({end:#x})"
        );
    }
}

/// Builds the stub object for `cross`, checks it matches the compiler's
/// objects, links programs with each linker, runs them and checks the
/// semaphores landed in `.probes`.
fn check_arch(cross: &Cross, name: &str, linkers: &[Linker]) {
    let dir = scratch(name);
    let program = if cross.freestanding {
        FREESTANDING_I386
    } else {
        PROGRAM
    };
    let main_o = cross.compile(&dir, "main", program, &[]);

    // The two ways the `-G` wrapper finds the target agree.
    let from_object = ElfTarget::from_elf_header(&std::fs::read(&main_o).unwrap()).unwrap();
    let triple = run(Command::new(&cross.gcc).arg("-dumpmachine"))
        .trim()
        .to_string();
    let mut from_triple = ElfTarget::from_triple(&triple).unwrap();
    if from_triple.elf_class() != cross.class {
        from_triple = from_triple.with_class(cross.class).unwrap();
    }
    assert_eq!(from_object.arch, cross.arch);
    assert_eq!(from_object.elf_class(), cross.class);
    assert_eq!(from_object.endian, cross.endian);
    assert_eq!(
        from_object, from_triple,
        "target from {triple} differs from the object's"
    );

    let stub = dir.join("hello.o");
    std::fs::write(
        &stub,
        stub_object::generate(&provider_file(), &from_object).unwrap(),
    )
    .unwrap();
    assert_eq!(
        header_fields(&stub),
        header_fields(&main_o),
        "ELF header of the stub object"
    );
    let (_, flags, align) = section(&stub, ".probes").expect("no .probes section in stub");
    // Page-aligned, so the semaphores never share a file page with RELRO.
    let page = cross.arch.max_page_size();
    assert_eq!(
        (flags.as_str(), align.as_str()),
        ("WA", page.to_string().as_str()),
        ".probes flags and alignment"
    );
    let (probes_index, _, _) = section(&stub, ".probes").unwrap();
    for sem in SEMAPHORES {
        let [size, kind, bind, vis, index] =
            symbol(&stub, sem).unwrap_or_else(|| panic!("{sem} missing"));
        assert_eq!(
            [size.as_str(), &kind, &bind, &vis, &index],
            ["2", "OBJECT", "GLOBAL", "HIDDEN", probes_index.as_str()],
            "{sem} in the stub object"
        );
    }
    assert!(
        section(&stub, ".note.GNU-stack").is_some(),
        "no .note.GNU-stack"
    );

    for &linker in linkers {
        let exe = dir.join(format!("prog-{linker:?}"));
        cross.link(linker, &[&main_o, &stub], &exe, &[]);
        assert_eq!(cross.run_program(&exe), "semaphores 0 0 0\n", "{linker:?}");
        let (exe_probes, _, _) = section(&exe, ".probes").expect("no .probes in the program");
        check_probes_page(&exe, page);
        for sem in SEMAPHORES {
            let [size, kind, _, _, index] =
                symbol(&exe, sem).unwrap_or_else(|| panic!("{sem} missing in {linker:?} link"));
            assert_eq!(
                [size.as_str(), &kind, &index],
                ["2", "OBJECT", exe_probes.as_str()],
                "{sem}"
            );
        }

        // A shared library (PIC) using the semaphores links too.
        let lib_o = cross.compile(&dir, &format!("lib-{linker:?}"), LIBRARY, &["-fPIC"]);
        let lib = dir.join(format!("libhello-{linker:?}.so"));
        cross.link(linker, &[&lib_o, &stub], &lib, &["-shared"]);
        let (lib_probes, _, _) = section(&lib, ".probes").expect("no .probes in the library");
        check_probes_page(&lib, page);
        let [_, _, bind, _, index] =
            symbol(&lib, "hello_greet_semaphore").expect("semaphore in .so");
        assert_eq!(index, lib_probes);
        // Hidden: each library has its own semaphores, none exported.
        assert_eq!(bind, "LOCAL");
        let dynsyms = run(Command::new("readelf").args(["--dyn-syms", "-W"]).arg(&lib));
        assert!(
            !dynsyms.contains("semaphore"),
            "semaphore exported:\n{dynsyms}"
        );
    }
}

const ALL_LINKERS: &[Linker] = &[Linker::Gnu, Linker::Lld, Linker::Mold];

#[test]
fn x86_64() {
    check_arch(
        &cross("x86_64-linux-gnu", None, Arch::X86_64, Endian::Little),
        "x86_64",
        ALL_LINKERS,
    );
}

#[test]
fn x86_64_m32() {
    // `gcc -m32` on the x86_64 host: the object says i386; so does -32 applied
    // to the host's triple.
    let mut host = cross("x86_64-linux-gnu", None, Arch::I386, Endian::Little);
    host.class = ElfClass::Elf32;
    host.cflags = &["-m32"];
    host.freestanding = true;
    check_arch(&host, "x86_64-m32", ALL_LINKERS);
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn i386() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        &cross(
            "i686-linux-gnu",
            Some("qemu-i386"),
            Arch::I386,
            Endian::Little,
        ),
        "i386",
        ALL_LINKERS,
    );
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn aarch64() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        &cross(
            "aarch64-linux-gnu",
            Some("qemu-aarch64"),
            Arch::Aarch64,
            Endian::Little,
        ),
        "aarch64",
        ALL_LINKERS,
    );
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn armhf() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        &cross(
            "arm-linux-gnueabihf",
            Some("qemu-arm"),
            Arch::Arm,
            Endian::Little,
        ),
        "armhf",
        ALL_LINKERS,
    );
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn riscv64() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        &cross(
            "riscv64-linux-gnu",
            Some("qemu-riscv64"),
            Arch::Riscv64,
            Endian::Little,
        ),
        "riscv64",
        ALL_LINKERS,
    );
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn ppc64le() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    check_arch(
        &cross(
            "powerpc64le-linux-gnu",
            Some("qemu-ppc64le"),
            Arch::Powerpc64,
            Endian::Little,
        ),
        "ppc64le",
        ALL_LINKERS,
    );
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn s390x() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    // lld 16 has no s390x support (it arrived in LLVM 18).
    check_arch(
        &cross(
            "s390x-linux-gnu",
            Some("qemu-s390x"),
            Arch::S390x,
            Endian::Big,
        ),
        "s390x",
        &[Linker::Gnu, Linker::Mold],
    );
}

/// The stub object's own flags decide whether it links: an object written
/// with the wrong RISC-V float ABI is refused by lld (GNU ld and mold let a
/// data-only object through). This is what makes copying e_flags from the
/// command line's objects necessary.
#[test]
#[ignore = "system tier: cross compilers, qemu-user"]
fn wrong_riscv_float_abi_does_not_link() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64"
    );
    let riscv = cross(
        "riscv64-linux-gnu",
        Some("qemu-riscv64"),
        Arch::Riscv64,
        Endian::Little,
    );
    let dir = scratch("riscv64-soft-float");
    let main_o = riscv.compile(&dir, "main", PROGRAM, &[]);
    let soft = ElfTarget::from_triple("riscv64-linux-gnusf").unwrap();
    assert_ne!(
        soft,
        ElfTarget::from_elf_header(&std::fs::read(&main_o).unwrap()).unwrap()
    );
    let stub = dir.join("hello.o");
    std::fs::write(
        &stub,
        stub_object::generate(&provider_file(), &soft).unwrap(),
    )
    .unwrap();
    let out = Command::new(&riscv.gcc)
        .arg(format!("-B{}", linker_dir().display()))
        .arg("-fuse-ld=lld")
        .arg(&main_o)
        .arg(&stub)
        .arg("-o")
        .arg(dir.join("prog"))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "linking soft-float with double-float objects succeeded"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("floating-point ABI"), "{stderr}");
}

#[test]
fn m32_and_m64_switch_class() {
    let host = ElfTarget::from_triple("x86_64-linux-gnu").unwrap();
    let i386 = host.with_class(ElfClass::Elf32).unwrap();
    assert_eq!(i386.arch, Arch::I386);
    assert_eq!(i386, ElfTarget::from_triple("i686-linux-gnu").unwrap());
    assert_eq!(i386.with_class(ElfClass::Elf64).unwrap(), host);
    assert_eq!(host.with_class(ElfClass::Elf64).unwrap(), host);
    let ppc = ElfTarget::from_triple("powerpc64-linux-gnu").unwrap();
    assert_eq!(
        ppc.with_class(ElfClass::Elf32).unwrap(),
        ElfTarget::from_triple("powerpc-linux-gnu").unwrap()
    );
    let aarch64 = ElfTarget::from_triple("aarch64-linux-gnu").unwrap();
    assert_eq!(
        aarch64.with_class(ElfClass::Elf32),
        Err(TargetError::UnsupportedClass {
            arch: Arch::Aarch64,
            class: ElfClass::Elf32
        })
    );
    assert!(aarch64
        .with_class(ElfClass::Elf32)
        .unwrap_err()
        .to_string()
        .contains("no 32-bit variant of aarch64"));
}

#[test]
fn triples() {
    for (triple, arch, endian, flags) in [
        ("x86_64-unknown-linux-gnu", Arch::X86_64, Endian::Little, 0),
        ("x86_64-linux-gnux32", Arch::X32, Endian::Little, 0),
        ("i386-pc-linux-gnu", Arch::I386, Endian::Little, 0),
        (
            "aarch64-unknown-linux-gnu",
            Arch::Aarch64,
            Endian::Little,
            0,
        ),
        (
            "arm-linux-gnueabihf",
            Arch::Arm,
            Endian::Little,
            0x0500_0000,
        ),
        (
            "armv7-unknown-linux-gnueabihf",
            Arch::Arm,
            Endian::Little,
            0x0500_0000,
        ),
        ("riscv64-linux-gnu", Arch::Riscv64, Endian::Little, 0x5),
        (
            "riscv64gc-unknown-linux-gnu",
            Arch::Riscv64,
            Endian::Little,
            0x5,
        ),
        ("powerpc64le-linux-gnu", Arch::Powerpc64, Endian::Little, 2),
        ("s390x-linux-gnu", Arch::S390x, Endian::Big, 0),
        ("s390x-ibm-linux-gnu\n", Arch::S390x, Endian::Big, 0),
    ] {
        let target = ElfTarget::from_triple(triple).unwrap();
        assert_eq!(
            (target.arch, target.endian, target.e_flags),
            (arch, endian, flags),
            "{triple}"
        );
    }
    for bad in ["", "mips-linux-gnu", "wasm32-unknown-unknown", "-linux"] {
        let err = ElfTarget::from_triple(bad).unwrap_err();
        assert!(
            matches!(err, TargetError::UnsupportedTriple(_)),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains("unsupported target"), "{err}");
    }
    assert_eq!(ElfTarget::host().unwrap().arch, Arch::X86_64);
    assert_eq!(
        ElfTarget::from_triple("riscv64-linux-gnu")
            .unwrap()
            .to_string(),
        "riscv64 (ELF64 little-endian, e_flags 0x5)"
    );
}

#[test]
fn not_an_object() {
    assert_eq!(
        ElfTarget::from_elf_header(b"!<arch>\n"),
        Err(TargetError::NotElf)
    );
    assert_eq!(ElfTarget::from_elf_header(b""), Err(TargetError::NotElf));
    // LLVM bitcode, as `clang -flto -c` writes.
    assert_eq!(
        ElfTarget::from_elf_header(b"BC\xc0\xde\x35\x14\x00\x00\x05\x00\x00\x00\x62\x0c\x30\x24"),
        Err(TargetError::NotElf)
    );
    let truncated = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x3e";
    assert!(matches!(
        ElfTarget::from_elf_header(truncated),
        Err(TargetError::BadElfHeader(_))
    ));
    let mut bad_class = truncated.to_vec();
    bad_class[4] = 9;
    assert!(matches!(
        ElfTarget::from_elf_header(&bad_class),
        Err(TargetError::BadElfHeader(_))
    ));
}

/// The stub object round-trips through from_elf_header for architectures
/// not linked above.
#[test]
fn other_architectures_round_trip() {
    for target in [
        ElfTarget {
            arch: Arch::Mips,
            endian: Endian::Big,
            e_flags: 0x7000_1007,
            os_abi: 0,
        },
        ElfTarget {
            arch: Arch::Mips64,
            endian: Endian::Little,
            e_flags: 0x8000_0007,
            os_abi: 0,
        },
        ElfTarget {
            arch: Arch::LoongArch64,
            endian: Endian::Little,
            e_flags: 0x43,
            os_abi: 0,
        },
        ElfTarget {
            arch: Arch::Sparc64,
            endian: Endian::Big,
            e_flags: 0,
            os_abi: 0,
        },
        ElfTarget {
            arch: Arch::X32,
            endian: Endian::Little,
            e_flags: 0,
            os_abi: 0,
        },
        ElfTarget::from_triple("powerpc-linux-gnu").unwrap(),
        ElfTarget {
            os_abi: 3,
            ..ElfTarget::from_triple("aarch64-linux-gnu").unwrap()
        },
    ] {
        let bytes = stub_object::generate(&provider_file(), &target).unwrap();
        assert_eq!(ElfTarget::from_elf_header(&bytes).unwrap(), target);
    }
}

/// A provider file without probes still gives a valid, linkable object.
#[test]
fn empty_provider_file() {
    let mut file = provider_file();
    for provider in &mut file.providers {
        provider.probes.clear();
    }
    let host = cross("x86_64-linux-gnu", None, Arch::X86_64, Endian::Little);
    let dir = scratch("empty");
    let stub = dir.join("empty.o");
    std::fs::write(
        &stub,
        stub_object::generate(&file, &ElfTarget::host().unwrap()).unwrap(),
    )
    .unwrap();
    assert!(section(&stub, ".probes").is_none());
    let main_o = host.compile(&dir, "main", "int main(void) { return 0; }", &[]);
    host.link(Linker::Gnu, &[&main_o, &stub], &dir.join("prog"), &[]);
}

/// Colliding semaphore names are defined once, so the object links.
#[test]
fn colliding_semaphore_names_defined_once() {
    let mut file = provider_file();
    let path = file.path.clone();
    file.providers.push(Provider {
        name: "hello_greet".into(),
        span: span(&path),
        probes: vec![],
        attributes: Default::default(),
    });
    file.providers.push(Provider {
        name: "hello".into(),
        span: span(&path),
        probes: vec![file.providers[0].probes[0].clone()],
        attributes: Default::default(),
    });
    let stub_bytes = stub_object::generate(&file, &ElfTarget::host().unwrap()).unwrap();
    let dir = scratch("collide");
    let stub = dir.join("c.o");
    std::fs::write(&stub, stub_bytes).unwrap();
    let syms = run(Command::new("readelf").arg("-s").arg("-W").arg(&stub));
    assert_eq!(
        syms.matches(" hello_greet_semaphore\n").count(),
        1,
        "{syms}"
    );
}
