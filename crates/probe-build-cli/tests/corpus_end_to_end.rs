//! Every corpus file through the CLI, end to end: `dtrace -h` and `dtrace -G`
//! build a C program that fires every probe with distinct values;
//! `probe-build trace` reads every argument of every hit back (quick tier:
//! no root). In the system tier, the bpftrace script from `probe-build
//! bpftrace` sees every probe fire with the same values, and SystemTap
//! resolves the tapset from `probe-build tapset` against the program (`stap
//! -p2`: its aliases, markers and argument variables; this kernel cannot run
//! stap's modules, and its BPF backend cannot compile `$argN` of markers).

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::*;
use probe_provider::{ProviderFile, TypeClass};

/// How many times the program fires each probe.
const FIRES: usize = 2;

/// One argument's value, as the C program passes it and as tracers print it.
#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Signed(i64),
    Unsigned(u64),
    Pointer(u64),
}

/// A probe the program fires: `provider:name` and its argument values.
struct Fired {
    id: String,
    macro_name: String,
    values: Vec<(Value, String)>, // value and its C type for the cast
}

fn value_for(class: TypeClass, probe: usize, arg: usize) -> Option<(Value, String)> {
    let k = (probe * 13 + arg + 1) as i64;
    Some(match class {
        TypeClass::String => (Value::Str(format!("s{probe}_{arg}")), "const char *".into()),
        TypeClass::Pointer => (Value::Pointer(0x10000 + 0x10 * k as u64), "void *".into()),
        TypeClass::Bool => (Value::Unsigned(1), "_Bool".into()),
        TypeClass::Integer(int) => {
            let size = int.size(8);
            // Plain char is signed on x86_64, where this test runs.
            let signed = int.is_signed().unwrap_or(true);
            let value = match (size, signed) {
                (1, true) => Value::Signed(-(k % 27) - 100),
                (1, false) => Value::Unsigned(200 + (k as u64 % 50)),
                (2, true) => Value::Signed(-30000 - k),
                (2, false) => Value::Unsigned(60000 + k as u64),
                (4, true) => Value::Signed(-2_000_000_000 - k),
                (4, false) => Value::Unsigned(4_000_000_000 + k as u64),
                (_, true) => Value::Signed(-5_000_000_000_000 - k),
                (_, false) => Value::Unsigned(0xF000_0000_0000_0000 + k as u64),
            };
            (value, int.c_name().to_string())
        }
        TypeClass::Float | TypeClass::Other => return None,
    })
}

fn plan(file: &ProviderFile) -> Vec<Fired> {
    let mut fired = Vec::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            let index = fired.len();
            let values = probe
                .args
                .iter()
                .enumerate()
                .map(|(a, arg)| {
                    value_for(arg.ty.class, index, a).unwrap_or_else(|| {
                        panic!(
                            "{}: no test value for type `{}`",
                            file.path.display(),
                            arg.ty.written
                        )
                    })
                })
                .collect();
            fired.push(Fired {
                id: format!("{}:{}", provider.name, probe.name),
                macro_name: probe_target::names::sdt::macro_name(provider, probe),
                values,
            });
        }
    }
    fired
}

fn c_program(fired: &[Fired]) -> String {
    let mut c = String::from(
        "#include <stdint.h>\n#include <stddef.h>\n#include <string.h>\n#include <sys/types.h>\n#include \"probes.h\"\n\n",
    );
    // Strings live in global buffers filled at run time: their pages are
    // touched before a tracer reads them, and the compiler cannot drop the
    // copies (a probe's asm only takes the address).
    let mut fill = String::new();
    for (p, f) in fired.iter().enumerate() {
        for (a, (value, _)) in f.values.iter().enumerate() {
            if let Value::Str(s) = value {
                let _ = writeln!(c, "char s{p}_{a}[32];");
                let _ = writeln!(fill, "  strcpy(s{p}_{a}, \"{s}\");");
            }
        }
    }
    c.push_str("\nint main(void)\n{\n");
    c.push_str(&fill);
    let _ = writeln!(c, "  for (int round = 0; round < {FIRES}; round++) {{");
    for (p, f) in fired.iter().enumerate() {
        let args: Vec<String> = f
            .values
            .iter()
            .enumerate()
            .map(|(a, (value, ty))| match value {
                Value::Str(_) => format!("s{p}_{a}"),
                Value::Signed(v) => format!("({ty})({v}LL)"),
                Value::Unsigned(v) => format!("({ty})({v}ULL)"),
                Value::Pointer(v) => format!("(void *)(uintptr_t){v}ULL"),
            })
            .collect();
        let _ = writeln!(c, "    {}({});", f.macro_name, args.join(", "));
    }
    c.push_str("  }\n  return 0;\n}\n");
    c
}

fn expected_text(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        Value::Signed(v) => v.to_string(),
        Value::Unsigned(v) => v.to_string(),
        Value::Pointer(v) => v.to_string(),
    }
}

/// What `probe-build trace` prints for one hit of `f`.
fn trace_line(f: &Fired) -> String {
    let args: Vec<String> = f
        .values
        .iter()
        .map(|(value, _)| match value {
            Value::Str(s) => format!("{s:?}"),
            Value::Signed(v) => v.to_string(),
            Value::Unsigned(v) => v.to_string(),
            Value::Pointer(v) => format!("{v:#x}"),
        })
        .collect();
    format!("{}({})", f.id, args.join(", "))
}

/// bpftrace with the script `probe-build bpftrace` writes.
fn bpftrace_hits(dir: &Path, source: &Path, cpp: bool) -> Vec<(String, Vec<(String, String)>)> {
    let prog = dir.join("prog");
    let mut cmd = probe_build();
    cmd.current_dir(dir)
        .arg("bpftrace")
        .arg(source)
        .arg("--binary")
        .arg(&prog)
        .args(["-o", "probes.bt"]);
    if cpp {
        cmd.arg("-C");
    }
    run_ok(&mut cmd);
    let out = run_ok(
        Command::new("bpftrace")
            .current_dir(dir)
            .arg("probes.bt")
            .arg("-c")
            .arg(&prog),
    );
    out.lines()
        .filter(|line| !line.starts_with("Attaching") && !line.trim().is_empty())
        .map(|line| {
            let mut words = line.split(' ');
            let id = words.next().unwrap().to_string();
            let args = words
                .map(|w| {
                    let (name, value) = w
                        .split_once('=')
                        .unwrap_or_else(|| panic!("bad bpftrace line: {line}"));
                    (name.to_string(), value.to_string())
                })
                .collect();
            (id, args)
        })
        .collect()
}

/// SystemTap's pass 2 over a script using every alias and variable of the
/// tapset. stap insists on a kernel build tree even for its BPF runtime; a
/// stand-in with the configuration it checks is enough for pass 2.
fn stap_resolves_tapset(
    dir: &Path,
    source: &Path,
    cpp: bool,
    file: &ProviderFile,
) -> Result<(), String> {
    let kernel = dir.join("kernel-build");
    std::fs::create_dir_all(kernel.join("include/config")).unwrap();
    std::fs::write(
        kernel.join(".config"),
        "CONFIG_UPROBES=y\nCONFIG_ARCH_SUPPORTS_UPROBES=y\nCONFIG_TRACEPOINTS=y\nCONFIG_BPF=y\nCONFIG_BPF_SYSCALL=y\n",
    )
    .unwrap();
    let release = run_ok(Command::new("uname").arg("-r"));
    std::fs::write(kernel.join("include/config/kernel.release"), release).unwrap();
    std::fs::write(kernel.join("Module.symvers"), "").unwrap();

    let tapsets = dir.join("tapsets");
    std::fs::create_dir_all(&tapsets).unwrap();
    let mut cmd = probe_build();
    cmd.current_dir(dir)
        .arg("tapset")
        .arg(source)
        .arg("--binary")
        .arg(dir.join("prog"));
    cmd.arg("-o").arg(tapsets.join("probes.stp"));
    if cpp {
        cmd.arg("-C");
    }
    run_ok(&mut cmd);
    let text = std::fs::read_to_string(tapsets.join("probes.stp")).unwrap();

    let mut script = String::new();
    let mut expected_locals = Vec::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            let _ = write!(script, "probe {}.{} {{ ", provider.name, probe.name);
            for (i, arg) in probe.args.iter().enumerate() {
                let name = arg.name.clone().unwrap_or_else(|| format!("arg{}", i + 1));
                let _ = write!(script, "print({name}); ");
                let ty = if arg.ty.class == TypeClass::String {
                    "string"
                } else {
                    "long"
                };
                expected_locals.push(format!("{name}:{ty}"));
            }
            script.push_str("}\n");
        }
    }
    let out = run(Command::new("stap")
        .current_dir(dir)
        .args(["--runtime=bpf", "-p2", "-u", "-r"])
        .arg(&kernel)
        .arg("-I")
        .arg(&tapsets)
        .arg("-e")
        .arg(&script));
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "stap -p2 rejected the tapset:\n{text}\nscript:\n{script}\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let sites = stdout.matches(".statement(0x").count() / 2;
    let probes: usize = file.providers.iter().map(|p| p.probes.len()).sum();
    if sites < probes {
        return Err(format!(
            "stap resolved {sites} marker sites for {probes} probes:\n{stdout}"
        ));
    }
    for local in expected_locals {
        if !stdout.contains(&format!("  {local}\n")) {
            return Err(format!("stap did not type `{local}`:\n{stdout}"));
        }
    }
    Ok(())
}

/// A corpus file's program, built in its own folder.
struct Built {
    name: String,
    s: Scratch,
    cpp: bool,
    file: ProviderFile,
    fired: Vec<Fired>,
}

fn build_file(source: &Path) -> Result<Built, String> {
    let name = source.file_name().unwrap().to_string_lossy().into_owned();
    let s = Scratch::new(&name.replace('.', "_"));
    let cpp = needs_cpp(source);
    let c_flag: &[&str] = if cpp { &["-C"] } else { &[] };
    for (mode, out) in [("-h", "probes.h"), ("-G", "probes.o")] {
        run_ok(
            probe_build()
                .current_dir(&s.dir)
                .arg("dtrace")
                .args(c_flag)
                .args([mode, "-s"])
                .arg(source)
                .args(["-o", out]),
        );
    }
    let file = if cpp {
        probe_provider::parse_file_with(
            source,
            Some(&probe_provider::preprocess::Preprocessor::new()),
        )
    } else {
        probe_provider::parse_file(source)
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let fired = plan(&file);
    std::fs::write(s.path("main.c"), c_program(&fired)).unwrap();
    run_ok(Command::new("cc").current_dir(&s.dir).args([
        "-O2", "-Wall", "-Werror", "main.c", "probes.o", "-o", "prog",
    ]));
    Ok(Built {
        name,
        s,
        cpp,
        file,
        fired,
    })
}

/// `probe-build trace`, typed by the provider file, reads every argument
/// of every hit, in firing order.
fn check_trace(b: &Built, source: &Path) -> Result<String, String> {
    let name = &b.name;
    let c_flag: &[&str] = if b.cpp { &["-C"] } else { &[] };
    let out = run_ok(
        probe_build()
            .current_dir(&b.s.dir)
            .arg("trace")
            .args(c_flag)
            .arg("--provider")
            .arg(source)
            .args(["--", "./prog"]),
    );
    let seen: Vec<&str> = out.lines().collect();
    let expected: Vec<String> = (0..FIRES)
        .flat_map(|_| b.fired.iter().map(trace_line))
        .collect();
    if seen != expected {
        return Err(format!(
            "{name}: probe-build trace printed\n{out}expected\n{}",
            expected.join("\n")
        ));
    }
    Ok(format!(
        "{name}: {} probes, every argument of {} hits right",
        b.fired.len(),
        seen.len()
    ))
}

/// bpftrace reads the same values; stap resolves the tapset.
fn check_system_tracers(b: &Built, source: &Path) -> Result<String, String> {
    let name = &b.name;
    let fired = &b.fired;
    // bpftrace counts every probe and prints the same values.
    let seen = bpftrace_hits(&b.s.dir, source, b.cpp);
    for f in fired {
        let lines: Vec<_> = seen.iter().filter(|(id, _)| id == &f.id).collect();
        if lines.len() != FIRES {
            return Err(format!(
                "{name}: bpftrace saw {} fires of {}, expected {FIRES}: {seen:?}",
                lines.len(),
                f.id
            ));
        }
        for (_, args) in lines {
            // The script reads the first six arguments (bpftrace 0.17's limit).
            let read = f
                .values
                .len()
                .min(probe_gen::bpftrace_script::DEFAULT_MAX_ARGS);
            let got: Vec<String> = args
                .iter()
                .zip(&f.values)
                .map(|((_, text), (value, _))| match value {
                    // %p prints hex.
                    Value::Pointer(_) => u64::from_str_radix(text.trim_start_matches("0x"), 16)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|_| text.clone()),
                    _ => text.clone(),
                })
                .collect();
            let expected: Vec<String> = f.values[..read]
                .iter()
                .map(|(v, _)| expected_text(v))
                .collect();
            if got != expected || args.len() != expected.len() {
                return Err(format!(
                    "{name}: bpftrace printed {} as {args:?}, expected {expected:?}",
                    f.id
                ));
            }
        }
    }
    stap_resolves_tapset(&b.s.dir, source, b.cpp, &b.file).map_err(|e| format!("{name}: {e}"))?;
    Ok(format!(
        "{name}: {} probes, bpftrace values right, stap resolves the tapset",
        fired.len()
    ))
}

fn for_every_corpus_file(check: fn(&Built, &Path) -> Result<String, String>) {
    let mut failures = Vec::new();
    for source in corpus_files() {
        match build_file(&source).and_then(|built| check(&built, &source)) {
            Ok(summary) => eprintln!("ok   {summary}"),
            Err(why) => {
                eprintln!("FAIL {why}");
                failures.push(why);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_corpus_file_fires_under_probe_build_trace() {
    for_every_corpus_file(check_trace);
}

#[test]
#[ignore = "system tier: bpftrace as root, SystemTap"]
fn every_corpus_file_works_with_bpftrace_and_systemtap() {
    probe_test_support::require_tools!("root", "tracefs", "bpftrace", "stap");
    for_every_corpus_file(check_system_tracers);
}
