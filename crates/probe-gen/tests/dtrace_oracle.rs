//! The Oracle header against Oracle's real DTrace for Linux (dtrace-utils,
//! the illumos libdtrace lineage), whose `dtrace` binary
//! `$STATIC_PROBES_ORACLE_DTRACE` names (`scripts/real-dtrace-tools` builds
//! it from `../shared/tools`; without it these tests skip, saying so).
//!
//! - Every corpus file: a program firing every probe, built with the oracle
//!   header, goes through Oracle's `dtrace -G`; every call site is rewritten
//!   into `nop`s, and the DOF it writes (read back with `probe_inspect::dof`)
//!   names every probe with its argument types and exactly one offset per
//!   site; the program links (without PIE, and as a PIE after an `objcopy`
//!   pass, see below) and runs, and its DOF points at the rewritten sites.
//! - A program's probes fire under `dtrace -c` with the right values, strings
//!   included; `_ENABLED()` is false untraced, and true once something stores
//!   1 through the flag pointer at the is-enabled site, which is what Oracle's
//!   tracer does (here gdb does it: this kernel's lockdown forbids the
//!   `bpf_probe_write_user` helper Oracle's is-enabled probes need, so they
//!   cannot be enabled with DTrace itself).
//!
//! PIE: `dtrace -G` turns each site's call relocation into `R_X86_64_NONE`
//! but leaves it pointing at the probe symbol, which it moves to section
//! `SHN_SUNW_IGNORE` (0xff3f). GNU ld takes that for an absolute symbol, and
//! in a PIE (where such a symbol cannot be preempted) allows only a few
//! relocation types against absolute symbols, NONE not among them
//! (`_bfd_elf_x86_valid_reloc_p`): "relocation R_X86_64_NONE against
//! absolute symbol ... is disallowed". Any `objcopy` pass over the rewritten
//! object makes BFD write those relocations against symbol 0, which GNU ld
//! accepts; the program is then a PIE whose probes fire as well.

mod dtrace_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dtrace_support::{corpus, program, run, run_failing, work_dir, write};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SymbolKind};
use probe_gen::oracle_header::{self, OracleHeaderOptions};
use probe_inspect::dof::{self, DofFile, Site};
use probe_provider::{parse_str, ProviderFile, TypeClass};
use probe_target::names::illumos::{isenabled_function_name, probe_function_name};

/// Set for programs run outside `dtrace -c`: `drti.o` then does not hand
/// their DOF to `dtprobed`. The daemon here (a FUSE fallback for a kernel
/// without CUSE) never hears of a process's exit and keeps its probes, so a
/// later process with the same pid may not get its own registered.
const NO_REGISTRATION: &str = "DTRACE_DOF_INIT_DISABLE";

/// Oracle's `dtrace`, or `None` (after saying why) when it is not there.
fn oracle_dtrace() -> Option<PathBuf> {
    probe_test_support::oracle_dtrace()
}

/// A call site of a probe function in a relocatable object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CallSite {
    /// The probe function or is-enabled function called.
    symbol: String,
    /// The function holding the call, and the call's offset in it.
    function: String,
    offset: u32,
    /// The call's offset in its section, and that section's index.
    section_offset: u64,
    section: usize,
}

/// The calls to `__dtrace*` functions in `object`, found through their
/// relocations (as `dtrace -G` finds them).
fn call_sites(object: &[u8]) -> Vec<CallSite> {
    let file = object::File::parse(object).unwrap();
    let mut sites = Vec::new();
    for section in file.sections() {
        for (offset, relocation) in section.relocations() {
            let RelocationTarget::Symbol(index) = relocation.target() else {
                continue;
            };
            let symbol = file.symbol_by_index(index).unwrap();
            let name = symbol.name().unwrap();
            if !name.starts_with("__dtrace") {
                continue;
            }
            // The relocation is on the call's operand, one byte in.
            let call = offset - 1;
            let function = file
                .symbols()
                .filter(|s| {
                    s.kind() == SymbolKind::Text
                        && s.section_index() == Some(section.index())
                        && s.address() <= call
                        && call < s.address() + s.size()
                })
                .max_by_key(|s| s.address())
                .unwrap_or_else(|| panic!("no function holds the call to {name} at {call:#x}"));
            sites.push(CallSite {
                symbol: name.to_string(),
                function: function.name().unwrap().to_string(),
                offset: (call - function.address()) as u32,
                section_offset: call,
                section: section.index().0,
            });
        }
    }
    sites.sort();
    sites
}

/// The bytes of `len` at `offset` in section `index`.
fn section_bytes(object: &[u8], index: usize, offset: u64, len: usize) -> Vec<u8> {
    let file = object::File::parse(object).unwrap();
    let data = file
        .section_by_index(object::SectionIndex(index))
        .unwrap()
        .data()
        .unwrap();
    data[offset as usize..offset as usize + len].to_vec()
}

/// The bytes of `len` at virtual address `address` of a linked file.
fn bytes_at(file: &[u8], address: u64, len: usize) -> Vec<u8> {
    let file = object::File::parse(file).unwrap();
    for section in file.sections() {
        if section.address() <= address
            && address + len as u64 <= section.address() + section.size()
        {
            let data = section.data().unwrap();
            let at = (address - section.address()) as usize;
            return data[at..at + len].to_vec();
        }
    }
    panic!("no section holds {address:#x}");
}

/// The type as Oracle's libdtrace names it in the DOF: C spelling without
/// top-level or pointee qualifiers.
fn dof_type_name(ty: &probe_provider::CType) -> String {
    if ty.class == TypeClass::String && !ty.normalized.contains('*') {
        return "string".to_string();
    }
    let spaced = ty.normalized.replace('*', " * ");
    let mut out = String::new();
    for token in spaced
        .split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile" | "restrict"))
    {
        match token {
            "*" if out.ends_with('*') => out.push('*'),
            "*" => out.push_str(" *"),
            word => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
    }
    out
}

/// Compiles `file`'s program with the oracle header in `dir`: `prog.o`.
fn build_object(dir: &Path, file: &ProviderFile, extra: &[&str]) -> Vec<u8> {
    let header = oracle_header::generate(file, &OracleHeaderOptions::new().output_name("probes.h"));
    write(&dir.join("probes.h"), &header);
    write(&dir.join("prog.c"), &program(file, "probes.h"));
    run(Command::new("gcc")
        .args([
            "-O2",
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Werror",
            "-c",
            "prog.c",
            "-o",
            "prog.o",
        ])
        .args(extra)
        .current_dir(dir));
    std::fs::read(dir.join("prog.o")).unwrap()
}

struct Counts {
    probes: usize,
    sites: usize,
    enabled_sites: usize,
}

/// One corpus file through Oracle's `-G`, its DOF checked site by site.
fn check_corpus_file(dtrace: &Path, path: &Path, file: &ProviderFile) -> Counts {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = work_dir(&format!("oracle-{name}"));
    let before = build_object(&dir, file, &[]);
    let calls = call_sites(&before);

    run(Command::new(dtrace)
        .args(["-G", "-C", "-s"])
        .arg(path)
        .args(["-o", "dof.o", "prog.o"])
        .current_dir(&dir));
    let after = std::fs::read(dir.join("prog.o")).unwrap();

    // Every call became five nops (a tail jump: ret and four nops).
    for call in &calls {
        let was = section_bytes(&before, call.section, call.section_offset, 5);
        let now = section_bytes(&after, call.section, call.section_offset, 5);
        let want: &[u8] = match was[0] {
            0xe8 => &[0x90; 5],
            0xe9 => &[0xc3, 0x90, 0x90, 0x90, 0x90],
            other => panic!("{name}: {} is called by opcode {other:#x}", call.symbol),
        };
        assert_eq!(now, want, "{name}: {call:?} not rewritten");
    }

    let dof = dof::read_file(dir.join("dof.o")).unwrap();
    assert_eq!(dof.dofs.len(), 1, "{name}: one DOF blob");
    let mut counts = Counts {
        probes: 0,
        sites: 0,
        enabled_sites: 0,
    };
    for provider in &file.providers {
        for probe in &provider.probes {
            let entries: Vec<_> = dof
                .probes()
                .filter(|(p, q)| {
                    p.name == provider.name && q.name == probe_target::names::d_name(probe)
                })
                .map(|(_, q)| q)
                .collect();
            assert!(
                !entries.is_empty(),
                "{name}: {}:{} not in the DOF",
                provider.name,
                probe_target::names::d_name(probe)
            );
            let native: Vec<String> = probe.args.iter().map(|a| dof_type_name(&a.ty)).collect();
            let translated: Vec<String> = probe
                .translated_args
                .as_ref()
                .unwrap_or(&probe.args)
                .iter()
                .map(|a| dof_type_name(&a.ty))
                .collect();
            let mut sites = Vec::new();
            let mut enabled = Vec::new();
            for entry in &entries {
                assert_eq!(entry.native_types, native, "{name}: {}", probe.name);
                assert_eq!(entry.translated_types, translated, "{name}: {}", probe.name);
                sites.extend(entry.sites.iter().cloned());
                enabled.extend(entry.enabled_sites.iter().cloned());
            }
            // One offset per call site, and no other.
            let expect = |symbol: String| -> Vec<Site> {
                let mut v: Vec<Site> = calls
                    .iter()
                    .filter(|c| c.symbol == symbol)
                    .map(|c| Site::InFunction(c.function.clone(), c.offset))
                    .collect();
                v.sort_by_key(|s| s.to_string());
                v
            };
            sites.sort_by_key(|s| s.to_string());
            enabled.sort_by_key(|s| s.to_string());
            let want_sites = expect(probe_function_name(provider, probe));
            let want_enabled = expect(isenabled_function_name(provider, probe));
            assert!(want_sites.len() >= 2, "{name}: {} calls", want_sites.len());
            assert_eq!(sites, want_sites, "{name}: sites of {}", probe.name);
            assert_eq!(
                enabled, want_enabled,
                "{name}: is-enabled sites of {}",
                probe.name
            );
            counts.probes += 1;
            counts.sites += sites.len();
            counts.enabled_sites += enabled.len();
        }
    }
    let declared: usize = file.providers.iter().map(|p| p.probes.len()).sum();
    assert_eq!(dof.probes().count(), declared, "{name}: DOF probes");

    // Links without PIE, and as a PIE after an objcopy pass; runs; the
    // linked DOF points at the rewritten sites.
    run(Command::new("gcc")
        .args(["-no-pie", "-o", "prog", "prog.o", "dof.o"])
        .current_dir(&dir));
    run(Command::new("objcopy")
        .args(["prog.o", "prog-pie.o"])
        .current_dir(&dir));
    run(Command::new("gcc")
        .args(["-pie", "-o", "prog-pie", "prog-pie.o", "dof.o"])
        .current_dir(&dir));
    for exe in ["prog", "prog-pie"] {
        run(Command::new(dir.join(exe)).env(NO_REGISTRATION, "1"));
        let linked = dof::read_file(dir.join(exe)).unwrap();
        let bytes = std::fs::read(dir.join(exe)).unwrap();
        let mut seen = 0;
        for (_, probe) in linked.probes() {
            for site in probe.sites.iter().chain(&probe.enabled_sites) {
                let Site::Address(address) = site else {
                    panic!("{name} {exe}: {site}")
                };
                let at = bytes_at(&bytes, *address, 5);
                assert!(
                    at == [0x90; 5] || at == [0xc3, 0x90, 0x90, 0x90, 0x90],
                    "{name} {exe}: site {address:#x} holds {at:02x?}"
                );
                seen += 1;
            }
        }
        assert_eq!(seen, calls.len(), "{name} {exe}: sites in the linked DOF");
        let names = linked.probe_names();
        let missing =
            probe_inspect::check_sites(file, names.iter().map(|(p, n)| (p.as_str(), n.as_str())));
        assert!(
            missing.is_empty(),
            "{name} {exe}: {} missing",
            missing.len()
        );
    }
    counts
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_ORACLE_DTRACE"]
fn corpus_through_oracle_dtrace_g() {
    let Some(dtrace) = oracle_dtrace() else {
        return;
    };
    let mut files = 0;
    let mut totals = Counts {
        probes: 0,
        sites: 0,
        enabled_sites: 0,
    };
    for (path, file) in corpus() {
        let c = check_corpus_file(&dtrace, &path, &file);
        files += 1;
        totals.probes += c.probes;
        totals.sites += c.sites;
        totals.enabled_sites += c.enabled_sites;
    }
    eprintln!(
        "Oracle dtrace -G: {files} corpus files, {} probes, {} probe sites and {} is-enabled \
         sites in the DOF, one offset per site",
        totals.probes, totals.sites, totals.enabled_sites
    );
    assert!(files >= 10);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_ORACLE_DTRACE"]
fn a_pie_links_only_after_an_objcopy_pass() {
    let Some(dtrace) = oracle_dtrace() else {
        return;
    };
    let file = parse_str("p.d", "provider p { probe tick(int); };").unwrap();
    let dir = work_dir("oracle-pie");
    write(&dir.join("p.d"), "provider p { probe tick(int); };\n");
    build_object(&dir, &file, &["-fPIE"]);
    run(Command::new(&dtrace)
        .args(["-G", "-s", "p.d", "-o", "dof.o", "prog.o"])
        .current_dir(&dir));
    // The cause, as GNU ld 2.40 words it.
    let err = run_failing(
        Command::new("gcc")
            .args(["-pie", "-o", "prog", "prog.o", "dof.o"])
            .current_dir(&dir),
    );
    assert!(
        err.contains("relocation R_X86_64_NONE against absolute symbol `__dtrace")
            && err.contains("is disallowed"),
        "{err}"
    );
    run(Command::new("objcopy")
        .args(["prog.o", "prog-pie.o"])
        .current_dir(&dir));
    run(Command::new("gcc")
        .args(["-pie", "-o", "prog", "prog-pie.o", "dof.o"])
        .current_dir(&dir));
    let header = run(Command::new("readelf").args(["-hW"]).arg(dir.join("prog")));
    assert!(
        header.contains("DYN (Position-Independent Executable"),
        "{header}"
    );
}

const FIRING_PROVIDER: &str = "\
provider oratest {
	probe start(int, const char *);
	probe wide(long long, unsigned long long, short, signed char, unsigned int);
	probe strings(const char *, const char *, int);
	probe many(long, long, long, long, long, long, long, long);
	probe gated(int);
};
";

const FIRING_PROGRAM: &str = r#"#include <stdio.h>
#include "probes.h"

int main(void)
{
	const char *words[] = { "alpha", "beta" };
	ORATEST_START(42, "hello, world");
	ORATEST_WIDE(-5000000000LL, 18000000000000000000ULL, -7, -3, 4000000000u);
	ORATEST_STRINGS(words[0], words[1], -1);
	ORATEST_MANY(1, -2, 3, -4, 5, -6, 7, -8);
	if (ORATEST_GATED_ENABLED()) {
		ORATEST_GATED(1);
		puts("gated enabled");
	} else {
		puts("gated disabled");
	}
	return 0;
}
"#;

/// What the D script prints for each probe it traces, one line each.
const FIRING_SCRIPT: &str = r#"
oratest$target:::start { printf("start %d %s\n", (int)arg0, copyinstr(arg1)); }
oratest$target:::wide {
	printf("wide %d %u %d %d %u\n", (long long)arg0, (unsigned long long)arg1,
	    (short)arg2, (signed char)arg3, (unsigned int)arg4);
}
oratest$target:::strings { printf("strings %s %s %d\n", copyinstr(arg0), copyinstr(arg1), (int)arg2); }
oratest$target:::many {
	printf("many %d %d %d %d %d %d %d %d\n", arg0, arg1, arg2, arg3, arg4, arg5, arg6, arg7);
}
"#;

const FIRED: [&str; 4] = [
    "start 42 hello, world",
    "wide -5000000000 18000000000000000000 -7 -3 4000000000",
    "strings alpha beta -1",
    "many 1 -2 3 -4 5 -6 7 -8",
];

/// The firing program, `-G`-ed and linked as `prog` (no PIE) and
/// `prog-pie` (a PIE, after an objcopy pass).
fn build_firing_program(dtrace: &Path, name: &str) -> PathBuf {
    let dir = work_dir(name);
    write(&dir.join("p.d"), FIRING_PROVIDER);
    let file = parse_str("p.d", FIRING_PROVIDER).unwrap();
    write(
        &dir.join("probes.h"),
        &oracle_header::generate(&file, &OracleHeaderOptions::new().output_name("probes.h")),
    );
    write(&dir.join("prog.c"), FIRING_PROGRAM);
    run(Command::new("gcc")
        .args(["-O2", "-Wall", "-Werror", "-c", "prog.c", "-o", "prog.o"])
        .current_dir(&dir));
    run(Command::new(dtrace)
        .args(["-G", "-s", "p.d", "-o", "dof.o", "prog.o"])
        .current_dir(&dir));
    run(Command::new("gcc")
        .args(["-no-pie", "-o", "prog", "prog.o", "dof.o"])
        .current_dir(&dir));
    run(Command::new("objcopy")
        .args(["prog.o", "prog-pie.o"])
        .current_dir(&dir));
    run(Command::new("gcc")
        .args(["-pie", "-o", "prog-pie", "prog-pie.o", "dof.o"])
        .current_dir(&dir));
    dir
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_ORACLE_DTRACE and Oracle's runtime (dtrace-runtime-setup)"]
fn probes_fire_under_oracle_dtrace_with_their_arguments() {
    let Some(dtrace) = oracle_dtrace() else {
        return;
    };
    let dir = build_firing_program(&dtrace, "oracle-fire");
    let mut fired = 0;
    for exe in ["prog", "prog-pie"] {
        // Untraced, the is-enabled test is false.
        let plain = run(Command::new(dir.join(exe)).env(NO_REGISTRATION, "1"));
        assert_eq!(plain, "gated disabled\n", "{exe}");
        let out = Command::new("timeout")
            .arg("120")
            .arg(&dtrace)
            .arg("-c")
            .arg(dir.join(exe))
            .args(["-q", "-n", FIRING_SCRIPT])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "dtrace -c {exe} failed ({}); is the runtime up (dtrace-runtime-setup)?\n{stdout}\n{stderr}",
            out.status
        );
        // The program's own line comes whenever it flushes; traced (other
        // probes), `gated` still reads disabled.
        let (program, traced): (Vec<&str>, Vec<&str>) = stdout
            .lines()
            .filter(|l| !l.is_empty())
            .partition(|l| l.starts_with("gated"));
        assert_eq!(program, ["gated disabled"], "{exe}: stderr:\n{stderr}");
        assert_eq!(traced, FIRED, "{exe}: stderr:\n{stderr}");
        fired += FIRED.len();
    }
    eprintln!("Oracle dtrace -c: {fired} probe firings read back (no PIE and PIE)");
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_ORACLE_DTRACE and gdb"]
fn is_enabled_reads_the_flag_the_tracer_sets() {
    probe_test_support::require_tools!("gdb");
    let Some(dtrace) = oracle_dtrace() else {
        return;
    };
    let dir = build_firing_program(&dtrace, "oracle-enabled");
    let linked: DofFile = dof::read_file(dir.join("prog")).unwrap();
    let (_, gated) = linked
        .probes()
        .find(|(_, p)| p.name == "gated")
        .expect("gated in the DOF");
    let [Site::Address(site)] = gated.enabled_sites.as_slice() else {
        panic!("one is-enabled site: {:?}", gated.enabled_sites)
    };
    // What Oracle's is-enabled probe does at the site: store 1 through the
    // pointer in the first argument register.
    let out = run(Command::new("gdb")
        .env(NO_REGISTRATION, "1")
        .args(["-nx", "-batch", "-ex"])
        .arg(format!("break *{site:#x}"))
        .args([
            "-ex",
            "run",
            "-ex",
            "set *(unsigned int *)$rdi = 1",
            "-ex",
            "continue",
        ])
        .arg(dir.join("prog")));
    assert!(out.contains("gated enabled"), "{out}");
    let out = run(Command::new("gdb")
        .env(NO_REGISTRATION, "1")
        .args(["-nx", "-batch", "-ex"])
        .arg(format!("break *{site:#x}"))
        .args(["-ex", "run", "-ex", "continue"])
        .arg(dir.join("prog")));
    assert!(out.contains("gated disabled"), "{out}");
}

#[test]
fn dtrace_version_0_compiles_the_probes_out() {
    let file = parse_str("p.d", "provider p { probe tick(int); };").unwrap();
    let dir = work_dir("oracle-version-0");
    build_object(
        &dir,
        &file,
        &["-D_DTRACE_VERSION=0", "-Wno-unused-variable"],
    );
    let sites = call_sites(&std::fs::read(dir.join("prog.o")).unwrap());
    assert!(sites.is_empty(), "{sites:?}");
    let dir = work_dir("oracle-version-1");
    build_object(&dir, &file, &[]);
    let by_symbol: BTreeMap<String, usize> =
        call_sites(&std::fs::read(dir.join("prog.o")).unwrap())
            .into_iter()
            .fold(BTreeMap::new(), |mut m, c| {
                *m.entry(c.symbol).or_default() += 1;
                m
            });
    assert!(by_symbol["__dtrace_p___tick"] >= 2, "{by_symbol:?}");
    assert_eq!(by_symbol["__dtraceenabled_p___tick"], 1);
}
