//! The macOS header, proved from Linux: for every corpus file, a program
//! firing every probe is compiled for x86_64 and arm64 macOS with clang-16
//! (no SDK: a stub `<unistd.h>`) and linked with `ld64.lld-16`, which rewrites
//! each probe call and each is-enabled call as Apple's ld64 does. Every site
//! is then read back from the executable with llvm-objdump-16, and the
//! stability and typedefs references checked in the object with llvm-nm-16
//! (lld builds no DOF and ignores them).
//!
//! With `$STATIC_PROBES_LD64` (the folder Apple's ld64 is installed in, with
//! the libdtrace stand-in and libSystem stubs; `scripts/real-dtrace-tools`
//! builds it from `../shared/tools`), the corpus is linked with Apple's ld64
//! as well, and each program's DOF is checked too: one `__dof_` section per
//! provider, and one offset per rewritten site, each at that site.

mod dtrace_support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use dtrace_support::{corpus, program, run, run_failing, work_dir, write};
use probe_gen::macos_header::{self, MacosHeaderOptions};
use probe_provider::{parse_str, ProviderFile};
use probe_target::names::macos;

const CLANG: &str = "clang-16";
const LD64: &str = "ld64.lld-16";
const OBJDUMP: &str = "llvm-objdump-16";
const NM: &str = "llvm-nm-16";

/// What `<unistd.h>` gives on macOS, for the prototypes' types.
const STUB_UNISTD: &str = "#include <stddef.h>\n\
typedef long ssize_t;\ntypedef int pid_t;\ntypedef long long off_t;\n\
typedef unsigned int uid_t;\ntypedef unsigned int gid_t;\n";

#[derive(Clone, Copy, Debug)]
enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
    /// The bytes ld64 leaves at a probe site and at an is-enabled site.
    fn rewritten(self, enabled: bool) -> Vec<u8> {
        match (self, enabled) {
            (Arch::X86_64, false) => vec![0x90, 0x0f, 0x1f, 0x40, 0x00],
            (Arch::X86_64, true) => vec![0x33, 0xc0, 0x90, 0x90, 0x90],
            (Arch::Arm64, false) => 0xd503201fu32.to_le_bytes().to_vec(),
            (Arch::Arm64, true) => 0xd2800000u32.to_le_bytes().to_vec(),
        }
    }
}

fn stub_dir(dir: &Path) -> std::path::PathBuf {
    let stub = dir.join("stub");
    std::fs::create_dir_all(&stub).unwrap();
    write(&stub.join("unistd.h"), STUB_UNISTD);
    stub
}

fn compile(dir: &Path, arch: Arch, source: &Path, object: &Path, extra: &[&str]) {
    let stub = stub_dir(dir);
    run(Command::new(CLANG)
        .args([
            "-target",
            &format!("{}-apple-macos11", arch.name()),
            "-nostdlibinc",
            "-isystem",
        ])
        .arg(&stub)
        .args(["-O2", "-Wall", "-Wextra", "-Werror", "-c"])
        .args(extra)
        .arg(source)
        .arg("-o")
        .arg(object));
}

/// Which linker rewrites the sites.
#[derive(Clone, Debug)]
enum Linker {
    /// LLVM's ld64.lld-16.
    Lld,
    /// Apple's ld64, installed in this folder (bin/ld64, lib/...).
    Apple(PathBuf),
}

/// Apple's ld64 from `$STATIC_PROBES_LD64`, or `None` after saying why not.
fn apple_ld64() -> Option<Linker> {
    probe_test_support::apple_ld64().map(Linker::Apple)
}

/// Links like `ld64.lld-16 -arch ARCH -platform_version macos 11.0 11.0 -e
/// _main -o EXE OBJECT`. Apple's ld64 gets the libdtrace stand-in (its DOF
/// pass loads libdtrace) and the libSystem stub a dynamic program needs.
fn link_with(linker: &Linker, arch: Arch, object: &Path, exe: &Path) {
    let Linker::Apple(prefix) = linker else {
        return link(arch, object, exe);
    };
    run(Command::new(prefix.join("bin/ld64"))
        .env("LD_PRELOAD", prefix.join("lib/libdtrace-shim.so"))
        .args([
            "-w",
            "-arch",
            arch.name(),
            "-platform_version",
            "macos",
            "11.0",
            "11.0",
            "-e",
            "_main",
        ])
        .arg("-o")
        .arg(exe)
        .arg(object)
        .arg(prefix.join(format!("lib/libSystem-{}.dylib", arch.name()))));
}

fn link(arch: Arch, object: &Path, exe: &Path) {
    run(Command::new(LD64)
        .args([
            "-arch",
            arch.name(),
            "-platform_version",
            "macos",
            "11.0",
            "11.0",
            "-e",
            "_main",
        ])
        .arg("-o")
        .arg(exe)
        .arg(object));
}

/// `(offset, symbol)` of each relocation in `__text`.
fn relocations(object: &Path) -> Vec<(u64, String)> {
    let text = run(Command::new(OBJDUMP).arg("-r").arg(object));
    let mut out = Vec::new();
    let mut in_text = false;
    for line in text.lines() {
        if line.starts_with("RELOCATION RECORDS FOR") {
            in_text = line.contains("[__text]");
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if in_text && fields.len() == 3 {
            if let Ok(offset) = u64::from_str_radix(fields[0], 16) {
                out.push((offset, fields[2].to_string()));
            }
        }
    }
    out
}

/// Defined text symbols: name to address.
fn text_symbols(file: &Path) -> HashMap<String, u64> {
    let text = run(Command::new(NM).args(["--defined-only"]).arg(file));
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [addr, "T" | "t", name] => {
                    Some((name.to_string(), u64::from_str_radix(addr, 16).ok()?))
                }
                _ => None,
            }
        })
        .collect()
}

fn undefined_symbols(file: &Path) -> Vec<String> {
    let text = run(Command::new(NM).arg("-u").arg(file));
    text.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every byte of `__text`, by address, as llvm-objdump disassembles it.
fn text_bytes(file: &Path) -> BTreeMap<u64, u8> {
    let text = run(Command::new(OBJDUMP)
        .args(["-d", "--no-print-imm-hex"])
        .arg(file));
    let mut bytes = BTreeMap::new();
    for line in text.lines() {
        let Some((addr, rest)) = line.split_once(':') else {
            continue;
        };
        let Ok(addr) = u64::from_str_radix(addr.trim(), 16) else {
            continue;
        };
        let raw = rest
            .split('\t')
            .find(|s| !s.trim().is_empty())
            .unwrap_or("");
        let mut at = addr;
        for token in raw.split_whitespace() {
            match token.len() {
                2 => {
                    bytes.insert(at, u8::from_str_radix(token, 16).unwrap());
                    at += 1;
                }
                8 => {
                    for b in u32::from_str_radix(token, 16).unwrap().to_le_bytes() {
                        bytes.insert(at, b);
                        at += 1;
                    }
                }
                _ => break,
            }
        }
    }
    bytes
}

fn read(bytes: &BTreeMap<u64, u8>, addr: u64, len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| *bytes.get(&(addr + i)).unwrap_or(&0xee))
        .collect()
}

struct SiteReport {
    probes: usize,
    enabled: usize,
}

/// Builds `file`'s program for `arch`, links it and checks every site (and,
/// linked by Apple's ld64, the DOF).
fn check_file(name: &str, file: &ProviderFile, arch: Arch, linker: &Linker) -> SiteReport {
    let dir = work_dir(&format!(
        "macos-{}-{}-{name}",
        arch.name(),
        if matches!(linker, Linker::Lld) {
            "lld"
        } else {
            "ld64"
        }
    ));
    let header = macos_header::generate(file, &MacosHeaderOptions::new().output_name("probes.h"));
    write(&dir.join("probes.h"), &header);
    write(&dir.join("prog.c"), &program(file, "probes.h"));
    let object = dir.join("prog.o");
    let exe = dir.join("prog");
    compile(&dir, arch, &dir.join("prog.c"), &object, &[]);

    // The object refers to each provider's stability and typedefs symbols.
    let undefined = undefined_symbols(&object);
    for provider in file.providers.iter().filter(|p| !p.probes.is_empty()) {
        let stability = macos::stability_symbol(provider);
        let typedefs = macos::typedefs_symbol(provider);
        assert!(
            undefined.contains(&stability),
            "{name}: {stability} not in {undefined:?}"
        );
        assert!(
            undefined.contains(&typedefs),
            "{name}: {typedefs} not in {undefined:?}"
        );
        for probe in &provider.probes {
            let p = format!("_{}", macos::probe_function_name(provider, probe));
            let e = format!("_{}", macos::isenabled_function_name(provider, probe));
            assert!(undefined.contains(&p), "{name}: {p} not referenced");
            assert!(undefined.contains(&e), "{name}: {e} not referenced");
        }
    }

    link_with(linker, arch, &object, &exe);
    let left: Vec<String> = undefined_symbols(&exe)
        .into_iter()
        .filter(|s| s.contains("dtrace"))
        .collect();
    assert!(
        left.is_empty(),
        "{name}: the executable still refers to {left:?}"
    );

    let obj_syms = text_symbols(&object);
    let exe_syms = text_symbols(&exe);
    let obj_bytes = text_bytes(&object);
    let exe_bytes = text_bytes(&exe);
    let mut report = SiteReport {
        probes: 0,
        enabled: 0,
    };
    // Rewritten sites by address: (is-enabled, provider, D probe name).
    let mut rewritten: BTreeMap<u64, (bool, String, String)> = BTreeMap::new();
    for (offset, symbol) in relocations(&object) {
        let enabled = symbol.starts_with("___dtrace_isenabled$");
        if !enabled && !symbol.starts_with("___dtrace_probe$") {
            continue;
        }
        // The site starts at the call instruction.
        let site = match arch {
            Arch::X86_64 => offset - 1,
            Arch::Arm64 => offset,
        };
        let original = read(&obj_bytes, site, 4);
        match arch {
            Arch::X86_64 => assert_eq!(original[0], 0xe8, "{name}: site {site:#x} is not a call"),
            Arch::Arm64 => assert_eq!(
                original[3] & 0xfc,
                0x94,
                "{name}: site {site:#x} is not a bl"
            ),
        }
        let (func, func_addr) = obj_syms
            .iter()
            .filter(|(n, a)| **a <= site && exe_syms.contains_key(*n))
            .max_by_key(|(_, a)| **a)
            .unwrap_or_else(|| panic!("{name}: no function holds site {site:#x}"));
        let addr = exe_syms[func] + (site - func_addr);
        let want = arch.rewritten(enabled);
        let got = read(&exe_bytes, addr, want.len());
        assert_eq!(
            got,
            want,
            "{name} {}: site {symbol} in {func} at {addr:#x}",
            arch.name()
        );
        if enabled {
            report.enabled += 1;
        } else {
            report.probes += 1;
        }
        let mut parts = symbol.split('$').skip(1);
        let provider = parts.next().unwrap().to_string();
        let probe = parts.next().unwrap().replace("__", "-");
        rewritten.insert(addr, (enabled, provider, probe));
    }
    if matches!(linker, Linker::Apple(_)) {
        check_dof(name, file, &exe, &rewritten);
    }
    let declared: usize = file.providers.iter().map(|p| p.probes.len()).sum();
    assert!(
        report.probes >= 2 * declared,
        "{name}: {} probe sites for {declared} probes",
        report.probes
    );
    assert!(
        report.enabled >= declared,
        "{name}: {} is-enabled sites for {declared} probes",
        report.enabled
    );
    report
}

/// The DOF Apple's ld64 wrote into `exe`: one `__dof_` section per provider
/// with probes (named after its first 9 characters), and exactly one offset
/// for each rewritten site, at that site, under the right probe.
fn check_dof(
    name: &str,
    file: &ProviderFile,
    exe: &Path,
    rewritten: &BTreeMap<u64, (bool, String, String)>,
) {
    let dof = probe_inspect::dof::read_file(exe).unwrap();
    let mut sections: Vec<String> = dof.dofs.iter().map(|d| d.section.clone()).collect();
    sections.sort();
    let mut want: Vec<String> = file
        .providers
        .iter()
        .filter(|p| !p.probes.is_empty())
        .map(|p| format!("__dof_{}", p.name.chars().take(9).collect::<String>()))
        .collect();
    want.sort();
    assert_eq!(sections, want, "{name}: DOF sections");
    for d in &dof.dofs {
        assert_eq!(
            d.providers.len(),
            1,
            "{name}: one provider in {}",
            d.section
        );
    }
    let mut seen: BTreeMap<u64, (bool, String, String)> = BTreeMap::new();
    for (provider, probe) in dof.probes() {
        for (enabled, sites) in [(false, &probe.sites), (true, &probe.enabled_sites)] {
            for site in sites {
                let probe_inspect::dof::Site::Address(address) = site else {
                    panic!("{name}: {site}")
                };
                let entry = (enabled, provider.name.clone(), probe.name.clone());
                assert!(
                    seen.insert(*address, entry).is_none(),
                    "{name}: two DOF offsets for the site at {address:#x}"
                );
            }
        }
    }
    assert_eq!(
        &seen, rewritten,
        "{name}: DOF sites against rewritten sites"
    );
}

fn check_corpus(arch: Arch, linker: &Linker) -> usize {
    let (mut probes, mut enabled) = (0, 0);
    for (path, file) in corpus() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let r = check_file(&name, &file, arch, linker);
        probes += r.probes;
        enabled += r.enabled;
    }
    let total = probes + enabled;
    eprintln!(
        "{}, {linker:?}: {total} sites rewritten and checked ({probes} probe sites, {enabled} \
         is-enabled sites)",
        arch.name()
    );
    assert!(total > 100);
    total
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn corpus_links_and_every_site_is_rewritten_x86_64() {
    probe_test_support::require_tools!(
        "clang-16",
        "clang++-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    check_corpus(Arch::X86_64, &Linker::Lld);
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn corpus_links_and_every_site_is_rewritten_arm64() {
    probe_test_support::require_tools!(
        "clang-16",
        "clang++-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    check_corpus(Arch::Arm64, &Linker::Lld);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64, clang-16, llvm-16"]
fn corpus_links_with_apples_ld64_x86_64() {
    probe_test_support::require_tools!("clang-16", "llvm-nm-16", "llvm-objdump-16");
    let Some(ld64) = apple_ld64() else { return };
    check_corpus(Arch::X86_64, &ld64);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64, clang-16, llvm-16"]
fn corpus_links_with_apples_ld64_arm64() {
    probe_test_support::require_tools!("clang-16", "llvm-nm-16", "llvm-objdump-16");
    let Some(ld64) = apple_ld64() else { return };
    check_corpus(Arch::Arm64, &ld64);
}

/// A probe only ever tested with `_ENABLED()`: Apple's linker builds probes
/// from probe sites, so `_ENABLED()` carries one that never runs.
fn check_enabled_only(linker: &Linker) {
    let file = parse_str(
        "e.d",
        "provider vm { probe tick(int); probe only__tested(const char *, long); };",
    )
    .unwrap();
    for arch in [Arch::X86_64, Arch::Arm64] {
        let dir = work_dir(&format!("macos-enabled-only-{}", arch.name()));
        let header =
            macos_header::generate(&file, &MacosHeaderOptions::new().output_name("probes.h"));
        write(&dir.join("probes.h"), &header);
        write(
            &dir.join("prog.c"),
            "#include \"probes.h\"\nint g;\nint main(void)\n{\n\tVM_TICK(1);\n\
             \tif (VM_ONLY_TESTED_ENABLED())\n\t\tg = 1;\n\treturn g;\n}\n",
        );
        let object = dir.join("prog.o");
        compile(&dir, arch, &dir.join("prog.c"), &object, &[]);
        let exe = dir.join("prog");
        link_with(linker, arch, &object, &exe);
        let bytes = text_bytes(&exe);
        let probe = arch.rewritten(false);
        // VM_TICK's site and the one in _ENABLED(), both rewritten.
        let sites = bytes
            .keys()
            .filter(|&&a| read(&bytes, a, probe.len()) == probe)
            .count();
        assert!(sites >= 2, "{}: {sites} probe sites", arch.name());
        if matches!(linker, Linker::Apple(_)) {
            let dof = probe_inspect::dof::read_file(&exe).unwrap();
            let (_, tested) = dof
                .probes()
                .find(|(_, p)| p.name == "only-tested")
                .expect("the probe is in the DOF");
            assert_eq!(tested.native_types, ["const char *", "long"]);
            assert_eq!((tested.sites.len(), tested.enabled_sites.len()), (1, 1));
        }
    }
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16"]
fn a_probe_only_tested_with_enabled_links() {
    probe_test_support::require_tools!("clang-16", "ld64.lld-16", "llvm-objdump-16");
    check_enabled_only(&Linker::Lld);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64, clang-16, llvm-16"]
fn a_probe_only_tested_with_enabled_links_with_apples_ld64() {
    probe_test_support::require_tools!("clang-16", "llvm-objdump-16");
    let Some(ld64) = apple_ld64() else { return };
    check_enabled_only(&ld64);
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn corpus_compiles_as_cplusplus() {
    probe_test_support::require_tools!(
        "clang-16",
        "clang++-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    for (path, file) in corpus() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = work_dir(&format!("macos-cxx-{name}"));
        let header = macos_header::generate(&file, &MacosHeaderOptions::new());
        write(&dir.join("probes.h"), &header);
        write(&dir.join("prog.cc"), &program(&file, "probes.h"));
        compile(
            &dir,
            Arch::X86_64,
            &dir.join("prog.cc"),
            &dir.join("prog.o"),
            &["-x", "c++"],
        );
    }
}

#[test]
fn system_typedefs_are_listed_and_bool_is_encoded_as_c_bool() {
    // System typedefs libdtrace does not define are listed too; bool is _Bool.
    let file = parse_str(
        "s.d",
        "provider sys { probe io(off_t, uid_t, size_t, pid_t *, bool); };",
    )
    .unwrap();
    let provider = &file.providers[0];
    assert_eq!(
        macos::typedefs_symbol(provider),
        format!(
            "___dtrace_typedefs$sys$v2${}${}",
            hex("off_t"),
            hex("uid_t")
        )
    );
    assert!(macos::probe_function_name(provider, &provider.probes[0])
        .ends_with(&format!("${}", hex("_Bool"))));
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn probes_disabled_leaves_no_dtrace_references() {
    probe_test_support::require_tools!(
        "clang-16",
        "clang++-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    for (path, file) in corpus() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = work_dir(&format!("macos-disabled-{name}"));
        let header = macos_header::generate(&file, &MacosHeaderOptions::new());
        write(&dir.join("probes.h"), &header);
        write(&dir.join("prog.c"), &program(&file, "probes.h"));
        let object = dir.join("prog.o");
        compile(
            &dir,
            Arch::Arm64,
            &dir.join("prog.c"),
            &object,
            &["-DDTRACE_PROBES_DISABLED=1", "-Wno-unused-variable"],
        );
        let refs: Vec<String> = undefined_symbols(&object)
            .into_iter()
            .filter(|s| s.contains("dtrace"))
            .collect();
        assert!(refs.is_empty(), "{name}: {refs:?}");
    }
}

#[test]
fn names_match_apples_encoding() {
    // The names Apple's dtrace -h gives `provider Foo { probe added(int); };`
    // (as in LLVM's ld64.lld DTrace tests).
    let file = parse_str("foo.d", "provider Foo { probe added(int); };").unwrap();
    let provider = &file.providers[0];
    let probe = &provider.probes[0];
    assert_eq!(
        macos::probe_function_name(provider, probe),
        "__dtrace_probe$Foo$added$v1$696e74"
    );
    assert_eq!(
        macos::isenabled_function_name(provider, probe),
        "__dtrace_isenabled$Foo$added$v1"
    );
    assert_eq!(
        macos::stability_symbol(provider),
        "___dtrace_stability$Foo$v1$1_1_0_1_1_0_1_1_0_1_1_0_1_1_0"
    );
    assert_eq!(
        macos::typedefs_symbol(provider),
        "___dtrace_typedefs$Foo$v2"
    );

    // Dashes in probe names, strings, pointers and project typedefs.
    let file = parse_str(
        "t.d",
        "typedef struct conn conn_t;\n\
         provider srv { probe req__start(conn_t *c, const char *path, void *p, size_t n); };\n\
         #pragma D attributes Evolving/Stable/Common provider srv provider\n\
         #pragma D attributes unstable provider srv args\n",
    )
    .unwrap();
    let provider = &file.providers[0];
    let probe = &provider.probes[0];
    assert_eq!(
        macos::probe_function_name(provider, probe),
        format!(
            "__dtrace_probe$srv$req__start$v1${}${}${}${}",
            hex("conn_t *"),
            hex("const char *"),
            hex("void *"),
            hex("size_t")
        )
    );
    assert_eq!(
        macos::stability_symbol(provider),
        "___dtrace_stability$srv$v1$5_6_5_1_1_0_1_1_0_1_1_0_4_7_5"
    );
    assert_eq!(
        macos::typedefs_symbol(provider),
        format!("___dtrace_typedefs$srv$v2${}", hex("conn_t"))
    );

    let header = macos_header::generate(
        &file,
        &MacosHeaderOptions::new().output_name("out/srv-probes.h"),
    );
    for line in [
        "#ifndef\t_SRV_PROBES_H",
        "#define SRV_STABILITY \"___dtrace_stability$srv$v1$5_6_5_1_1_0_1_1_0_1_1_0_4_7_5\"",
        "#if !defined(DTRACE_PROBES_DISABLED) || !DTRACE_PROBES_DISABLED",
        "#define\tSRV_REQ_START(arg0, arg1, arg2, arg3) \\",
        "\t__asm__ volatile(\".reference \" SRV_TYPEDEFS); \\",
        "\t__asm__ volatile(\".reference \" SRV_STABILITY); \\",
        "#define\tSRV_REQ_START_ENABLED() \\",
        "\t\tint _r = __dtrace_isenabled$srv$req__start$v1(); \\",
        "\t\tif (0) { _site: SRV_REQ_START(0, 0, 0, 0); } \\",
        "extern int __dtrace_isenabled$srv$req__start$v1(void);",
        "#define\tSRV_REQ_START_ENABLED() (0)",
    ] {
        assert!(
            header.lines().any(|l| l == line),
            "missing {line:?} in\n{header}"
        );
    }
    let proto = header
        .lines()
        .find(|l| l.starts_with("extern void __dtrace_probe$srv"))
        .unwrap();
    assert!(
        proto.ends_with("(const conn_t *, const char *, const void *, size_t);"),
        "{proto}"
    );
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, llvm-16, nightly rustc"]
fn tools_are_installed() {
    probe_test_support::require_tools!(
        "clang-16",
        "clang++-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    // A missing tool must fail the suite, not skip it.
    for tool in [CLANG, LD64, OBJDUMP, NM] {
        run(Command::new(tool).arg("--version"));
    }
    let _ = run_failing(Command::new(LD64).arg("--no-such-option"));
}
