//! probe-inspect against `readelf -n`, on files built for real: programs,
//! shared libraries and relocatable objects compiled with SystemTap's
//! `dtrace -h` header and `<sys/sdt.h>` by the host and Debian's cross GCCs
//! (32-bit, big-endian and REL-relocation targets among them), plus system
//! files that carry probes. Every tool is required: a missing one fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use probe_inspect::{
    check, format_json, format_text, read_file, ElfProbes, FileKind, InspectError,
};

const PROVIDER: &str = "\
/* The test provider. */
provider hello {
    probe greet(const char *who, int times);
    probe bye__now();
    probe unused(long);
};
";

/// Probes with semaphores (through SystemTap's generated header).
const MAIN: &str = r#"
#include "hello.h"
#include <stdio.h>
#include <string.h>
void other(int);
int main(int argc, char **argv) {
    char who[32];
    strncpy(who, argv[0], sizeof who - 1);
    who[sizeof who - 1] = 0;
    if (HELLO_GREET_ENABLED())
        puts("enabled");
    HELLO_GREET(who, argc);
    other(argc);
    HELLO_BYE_NOW();
    return 0;
}
"#;

/// Probes without semaphores, straight from `<sys/sdt.h>`: a float, a
/// signed char, an unsigned 64-bit value, a stack slot.
const OTHER: &str = r#"
#include <sys/sdt.h>
void other(int argc) {
    double d = argc * 1.5;
    volatile long slot = argc;
    STAP_PROBE3(hello, floaty, d, (signed char)-argc, (unsigned long long)argc);
    STAP_PROBE1(other, stack, slot);
}
"#;

const LIBRARY: &str = r#"
#include "hello.h"
int lib_greet(const char *who, int n) {
    HELLO_GREET(who, n);
    return HELLO_GREET_ENABLED();
}
"#;

/// The notes as `readelf -n` prints them.
#[derive(Debug, PartialEq, Eq, Clone)]
struct ReadelfNote {
    provider: String,
    name: String,
    location: u64,
    base: u64,
    semaphore: u64,
    arguments: String,
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|err| panic!("cannot run {shown}: {err}"));
    assert!(
        out.status.success(),
        "{shown} failed ({})\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn readelf_notes(file: &Path) -> Vec<ReadelfNote> {
    let out = run(Command::new("readelf").arg("-n").arg(file));
    let hex = |s: &str| u64::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap();
    let mut notes = Vec::new();
    let mut lines = out.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.contains("NT_STAPSDT") {
            continue;
        }
        let mut field = |key: &str| {
            let line = lines.next().unwrap_or_default().trim_start();
            line.strip_prefix(key)
                .unwrap_or_else(|| panic!("expected {key} in {line:?}"))
                .to_string()
        };
        let provider = field("Provider: ");
        let name = field("Name: ");
        let location = field("Location: ");
        let arguments = field("Arguments:").trim().to_string();
        let parts: Vec<&str> = location.split(", ").collect();
        notes.push(ReadelfNote {
            provider,
            name,
            location: hex(parts[0]),
            base: hex(parts[1].trim_start_matches("Base: ")),
            semaphore: hex(parts[2].trim_start_matches("Semaphore: ")),
            arguments,
        });
    }
    notes
}

/// What probe-inspect read, in readelf's terms.
fn as_readelf(file: &ElfProbes) -> Vec<ReadelfNote> {
    file.probes
        .iter()
        .map(|p| {
            // The decoded arguments put back together give the note's text.
            let rejoined: Vec<&str> = p.arguments.iter().map(|a| a.spec.as_str()).collect();
            assert_eq!(rejoined.join(" "), p.raw_arguments.trim());
            ReadelfNote {
                provider: p.provider.clone(),
                name: p.name.clone(),
                location: p.pc,
                base: p.base,
                semaphore: p.semaphore,
                arguments: p.raw_arguments.clone(),
            }
        })
        .collect()
}

fn compare(path: &Path) -> ElfProbes {
    let ours = read_file(path).unwrap_or_else(|err| panic!("{err}"));
    let theirs = readelf_notes(path);
    assert_eq!(as_readelf(&ours), theirs, "{}", path.display());
    ours
}

struct Target {
    name: &'static str,
    gcc: &'static str,
    address_size: u8,
    big_endian: bool,
    machine: &'static str,
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("probe-inspect")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sys")).unwrap();
    dir
}

/// Writes the provider file, SystemTap's header for it, and a copy of the
/// host's `<sys/sdt.h>` (architecture-neutral) so cross compilers find it.
fn prepare(dir: &Path) {
    std::fs::write(dir.join("hello.d"), PROVIDER).unwrap();
    run(Command::new("/usr/bin/dtrace")
        .current_dir(dir)
        .args(["-h", "-s", "hello.d", "-o", "hello.h"]));
    for header in ["sdt.h", "sdt-config.h"] {
        let found = ["/usr/include/x86_64-linux-gnu/sys", "/usr/include/sys"]
            .iter()
            .map(|d| Path::new(d).join(header))
            .find(|p| p.exists())
            .unwrap_or_else(|| {
                panic!("<sys/{header}> missing (apt-get install systemtap-sdt-dev)")
            });
        std::fs::copy(found, dir.join("sys").join(header)).unwrap();
    }
}

fn stub_object(dir: &Path, like: &Path) -> PathBuf {
    let target = probe_target::ElfTarget::from_elf_header(&std::fs::read(like).unwrap()).unwrap();
    let file = probe_provider::parse_str(dir.join("hello.d"), PROVIDER).unwrap();
    let stub = dir.join("hello-stub.o");
    std::fs::write(
        &stub,
        probe_gen::stub_object::generate(&file, &target).unwrap(),
    )
    .unwrap();
    stub
}

fn check_target(t: &Target) {
    let dir = scratch(t.name);
    prepare(&dir);
    let gcc = |args: &[&str]| {
        run(Command::new(t.gcc)
            .current_dir(&dir)
            .args(["-O2", "-I."])
            .args(args));
    };
    std::fs::write(dir.join("main.c"), MAIN).unwrap();
    std::fs::write(dir.join("other.c"), OTHER).unwrap();
    std::fs::write(dir.join("lib.c"), LIBRARY).unwrap();
    gcc(&["-c", "main.c", "-o", "main.o"]);
    gcc(&["-c", "other.c", "-o", "other.o"]);
    gcc(&["-fPIC", "-c", "lib.c", "-o", "lib.o"]);
    let stub = stub_object(&dir, &dir.join("main.o"));
    let stub = stub.to_str().unwrap();
    gcc(&["main.o", "other.o", stub, "-o", "prog"]);
    gcc(&["-shared", "lib.o", stub, "-o", "libhello.so"]);

    let prog = compare(&dir.join("prog"));
    assert_eq!(prog.kind, FileKind::Executable);
    assert_eq!(
        (prog.address_size, prog.big_endian, prog.machine.as_str()),
        (t.address_size, t.big_endian, t.machine)
    );
    let names: Vec<String> = prog
        .probes
        .iter()
        .map(|p| format!("{}:{}", p.provider, p.name))
        .collect();
    assert_eq!(
        names,
        [
            "hello:greet",
            "hello:bye__now",
            "hello:floaty",
            "other:stack"
        ],
        "{}",
        t.name
    );
    let greet = &prog.probes[0];
    assert_ne!(greet.semaphore, 0, "greet has a semaphore");
    assert_eq!(greet.arguments.len(), 2);
    assert_eq!(greet.arguments[0].size, Some(u32::from(t.address_size)));
    assert_eq!(
        (greet.arguments[1].size, greet.arguments[1].signed),
        (Some(4), true)
    );
    let floaty = &prog.probes[2];
    assert_eq!(floaty.semaphore, 0);
    let sizes: Vec<_> = floaty
        .arguments
        .iter()
        .map(|a| (a.size, a.signed))
        .collect();
    assert_eq!(
        sizes,
        [(Some(8), false), (Some(1), true), (Some(8), false)],
        "{}",
        t.name
    );
    assert!(
        floaty.arguments[0].float,
        "{}: {:?}",
        t.name, floaty.arguments[0]
    );
    assert_eq!(prog.stapsdt_base, Some(greet.base));
    assert!(prog
        .probes
        .iter()
        .all(|p| p.pc_symbol.is_none() && p.semaphore_symbol.is_none()));

    let lib = compare(&dir.join("libhello.so"));
    assert_eq!(lib.kind, FileKind::SharedObject);
    assert_eq!(lib.probes.len(), 1);
    assert_ne!(lib.probes[0].semaphore, 0);

    // Relocatable objects: the values readelf shows (relocations applied,
    // sections at 0) plus what they are relative to.
    let main_o = compare(&dir.join("main.o"));
    assert_eq!(main_o.kind, FileKind::Relocatable);
    for probe in &main_o.probes {
        assert!(
            probe
                .pc_symbol
                .as_deref()
                .unwrap_or_default()
                .starts_with(".text"),
            "{probe:?}"
        );
        assert_eq!(
            probe.base_symbol.as_deref(),
            Some(".stapsdt.base"),
            "{probe:?}"
        );
        assert_eq!(
            probe.semaphore_symbol,
            Some(format!("hello_{}_semaphore", probe.name))
        );
    }
    let other_o = compare(&dir.join("other.o"));
    assert!(other_o
        .probes
        .iter()
        .all(|p| p.semaphore_symbol.is_none() && p.semaphore == 0));
    // Two probes in one function: the second's pc is past the first's.
    assert!(
        other_o.probes[1].pc > other_o.probes[0].pc,
        "{:?}",
        other_o.probes
    );

    // No probes: the stub object itself.
    let stub_probes = read_file(stub).unwrap();
    assert!(stub_probes.probes.is_empty());
    assert!(format_text(&[stub_probes]).contains(": no probes (relocatable"));
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn x86_64() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "x86_64",
        gcc: "gcc",
        address_size: 8,
        big_endian: false,
        machine: "x86_64",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn i386() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "i386",
        gcc: "i686-linux-gnu-gcc",
        address_size: 4,
        big_endian: false,
        machine: "i386",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn aarch64() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "aarch64",
        gcc: "aarch64-linux-gnu-gcc",
        address_size: 8,
        big_endian: false,
        machine: "aarch64",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn armhf() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "armhf",
        gcc: "arm-linux-gnueabihf-gcc",
        address_size: 4,
        big_endian: false,
        machine: "arm",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn riscv64() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "riscv64",
        gcc: "riscv64-linux-gnu-gcc",
        address_size: 8,
        big_endian: false,
        machine: "riscv64",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn ppc64le() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "ppc64le",
        gcc: "powerpc64le-linux-gnu-gcc",
        address_size: 8,
        big_endian: false,
        machine: "powerpc64",
    });
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn s390x() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    check_target(&Target {
        name: "s390x",
        gcc: "s390x-linux-gnu-gcc",
        address_size: 8,
        big_endian: true,
        machine: "s390x",
    });
}

/// Files shipped by Debian that carry probes.
#[test]
fn system_files() {
    for path in [
        "/usr/bin/python3",
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
    ] {
        let path = std::fs::canonicalize(path).unwrap_or_else(|err| panic!("{path}: {err}"));
        let probes = compare(&path);
        assert!(!probes.probes.is_empty(), "{}", path.display());
    }
}

/// Sections moved after linking (as prelink did): pc and semaphore follow
/// `.stapsdt.base`, as in gdb.
#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn base_adjustment() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    let dir = scratch("moved");
    prepare(&dir);
    std::fs::write(dir.join("main.c"), MAIN).unwrap();
    std::fs::write(dir.join("other.c"), OTHER).unwrap();
    run(Command::new("gcc")
        .current_dir(&dir)
        .args(["-O2", "-I.", "-c", "main.c", "other.c"]));
    let stub = stub_object(&dir, &dir.join("main.o"));
    run(Command::new("gcc")
        .current_dir(&dir)
        .arg("main.o")
        .arg("other.o")
        .arg(&stub)
        .args(["-o", "prog"]));
    let mut bytes = std::fs::read(dir.join("prog")).unwrap();
    let before = probe_inspect::read_bytes("prog", &bytes).unwrap();

    // Patch sh_addr of .stapsdt.base (ELF64 little-endian section header:
    // sh_addr at byte 16 of 64).
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let shoff = u64_at(&bytes, 0x28) as usize;
    let sections = run(Command::new("readelf")
        .args(["-S", "-W"])
        .arg(dir.join("prog")));
    let index: usize = sections
        .lines()
        .find(|l| l.contains(" .stapsdt.base "))
        .and_then(|l| {
            l.trim_start()
                .strip_prefix('[')?
                .split(']')
                .next()?
                .trim()
                .parse()
                .ok()
        })
        .expect("no .stapsdt.base");
    let at = shoff + index * 64 + 16;
    let moved = u64_at(&bytes, at) + 0x1000;
    bytes[at..at + 8].copy_from_slice(&moved.to_le_bytes());

    let after = probe_inspect::read_bytes("prog", &bytes).unwrap();
    assert_eq!(after.stapsdt_base, Some(moved));
    for (b, a) in before.probes.iter().zip(&after.probes) {
        assert_eq!(a.pc, b.pc + 0x1000);
        assert_eq!(a.base, b.base, "the note's base is reported as recorded");
        let expected = if b.semaphore == 0 {
            0
        } else {
            b.semaphore + 0x1000
        };
        assert_eq!(a.semaphore, expected, "{}", a.name);
    }
}

#[test]
fn not_elf_names_the_file() {
    let dir = scratch("not-elf");
    let script = dir.join("script.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    let err = read_file(&script).unwrap_err();
    assert!(matches!(err, InspectError::NotElf { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: not an ELF file (script)", script.display())
    );

    let missing = dir.join("missing");
    let err = read_file(&missing).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read: ", missing.display())),
        "{err}"
    );

    // Truncated ELF: a real program cut after its header.
    let elf = std::fs::read("/bin/sh").unwrap();
    let cut = dir.join("cut");
    std::fs::write(&cut, &elf[..200]).unwrap();
    let err = read_file(&cut).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}: malformed ELF file", cut.display())),
        "{err}"
    );
}

#[test]
fn file_without_probes() {
    let probes = read_file("/bin/true").unwrap();
    assert!(probes.probes.is_empty());
    assert!(readelf_notes(Path::new("/bin/true")).is_empty());
    let path = std::fs::canonicalize("/bin/true").unwrap();
    let probes = read_file(&path).unwrap();
    assert_eq!(
        format_text(std::slice::from_ref(&probes)),
        format!(
            "{}: no probes (executable, ELF64 little-endian x86_64)\n",
            path.display()
        )
    );
    assert!(format_json(&[probes]).contains("\"probes\": []"));
}

#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn check_finds_missing_probe() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    let dir = scratch("check");
    prepare(&dir);
    std::fs::write(dir.join("main.c"), MAIN).unwrap();
    std::fs::write(dir.join("other.c"), OTHER).unwrap();
    run(Command::new("gcc")
        .current_dir(&dir)
        .args(["-O2", "-I.", "-c", "main.c", "other.c"]));
    let stub = stub_object(&dir, &dir.join("main.o"));
    run(Command::new("gcc")
        .current_dir(&dir)
        .arg("main.o")
        .arg("other.o")
        .arg(&stub)
        .args(["-o", "prog"]));

    let declared = probe_provider::parse_file(dir.join("hello.d")).unwrap();
    let linked = read_file(dir.join("prog")).unwrap();
    let missing = check(&declared, &linked.probes);
    let names: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
    assert_eq!(names, ["probe hello:unused has no site"]);
    let diagnostic = missing[0].diagnostic(&dir.join("prog")).to_string();
    assert_eq!(
        diagnostic,
        format!(
            "{}:5:11: error: probe hello:unused has no site in {}\n     probe unused(long);\n           ^",
            dir.join("hello.d").display(),
            dir.join("prog").display()
        )
    );

    // Every probe has a site in a file that has them all.
    let complete = probe_provider::parse_str(
        "x.d",
        "provider hello { probe greet(); probe bye__now(); };",
    )
    .unwrap();
    assert!(check(&complete, &linked.probes).is_empty());
    // Names compare as written: `bye-now` is not `bye__now`... and providers matter.
    let other = probe_provider::parse_str("y.d", "provider other { probe greet(); };").unwrap();
    assert_eq!(check(&other, &linked.probes).len(), 1);
}

/// The JSON output parses as JSON (checked with python3, which the test
/// suite installs) and carries the probe data.
#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn json_is_json() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    let path = std::fs::canonicalize("/usr/bin/python3").unwrap();
    let probes = read_file(&path).unwrap();
    let json = format_json(&[probes.clone(), probes]);
    let dir = scratch("json");
    std::fs::write(dir.join("out.json"), &json).unwrap();
    let summary = run(Command::new("python3").arg("-c").arg(
        "import json,sys; d=json.load(open(sys.argv[1])); \
         print(len(d), d[0]['kind'], d[0]['probes'][0]['provider'], int(d[0]['probes'][0]['pc'], 16) > 0)",
    ).arg(dir.join("out.json")));
    assert_eq!(summary, "2 executable python True\n");
}

/// Damaged files give errors or probes, never a panic: every byte of the
/// note section and of the ELF and section headers, set to a few values.
#[test]
#[ignore = "system tier: cross compilers, SystemTap's dtrace, python3"]
fn damaged_files_do_not_panic() {
    probe_test_support::require_tools!(
        "python3",
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc"
    );
    let dir = scratch("damaged");
    prepare(&dir);
    std::fs::write(dir.join("main.c"), MAIN).unwrap();
    run(Command::new("i686-linux-gnu-gcc")
        .current_dir(&dir)
        .args(["-O2", "-I.", "-c", "main.c"]));
    run(Command::new("gcc")
        .current_dir(&dir)
        .args(["-O2", "-I.", "-c", "main.c", "-o", "main64.o"]));
    for name in ["main.o", "main64.o"] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let sections = run(Command::new("readelf").args(["-S", "-W"]).arg(&path));
        let mut ranges = Vec::new();
        ranges.push(0..bytes.len().min(64));
        for line in sections.lines().filter(|l| l.contains(".note.stapsdt")) {
            let fields: Vec<&str> = line.split(']').nth(1).unwrap().split_whitespace().collect();
            let offset = usize::from_str_radix(fields[3], 16).unwrap();
            let size = usize::from_str_radix(fields[4], 16).unwrap();
            ranges.push(offset..offset + size);
        }
        assert!(
            ranges.len() >= 3,
            "{name}: expected note and relocation sections:\n{sections}"
        );
        let mut tried = 0;
        for range in ranges {
            for at in range {
                for value in [0u8, 1, 0x7f, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[at] = value;
                    let _ = probe_inspect::read_bytes(name, &damaged);
                    tried += 1;
                }
            }
        }
        // Cut at every length too.
        for len in 0..bytes.len() {
            let _ = probe_inspect::read_bytes(name, &bytes[..len]);
        }
        assert!(tried > 500, "{tried}");
    }
}
