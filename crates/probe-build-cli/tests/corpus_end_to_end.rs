//! Every corpus file through the CLI, end to end: `dtrace -h` and `dtrace -G`
//! build a C program that fires every probe with distinct values; gdb reads
//! every argument back, and the bpftrace script from `probe-build bpftrace`
//! sees every probe fire with the same values.

mod common;

use std::collections::BTreeMap;
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
                        panic!("{}: no test value for type `{}`", file.path.display(), arg.ty.written)
                    })
                })
                .collect();
            fired.push(Fired {
                id: format!("{}:{}", provider.name, probe.name),
                macro_name: provider.macro_name(probe),
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

/// gdb: one breakpoint per probe printing `HIT id` and each argument.
fn gdb_hits(dir: &Path, fired: &[Fired]) -> Vec<(String, Vec<String>)> {
    let mut script = String::from("set pagination off\nset confirm off\n");
    for f in fired {
        let _ = writeln!(script, "break -probe-stap {}\ncommands\nsilent\nprintf \"HIT {}\\n\"", f.id, f.id);
        for (a, (value, _)) in f.values.iter().enumerate() {
            let _ = match value {
                Value::Str(_) => writeln!(script, "printf \"ARG %s\\n\", (char *) $_probe_arg{a}"),
                Value::Signed(_) => writeln!(script, "printf \"ARG %lld\\n\", (long long) $_probe_arg{a}"),
                Value::Unsigned(_) | Value::Pointer(_) => {
                    writeln!(script, "printf \"ARG %llu\\n\", (unsigned long long) $_probe_arg{a}")
                }
            };
        }
        script.push_str("continue\nend\n");
    }
    script.push_str("run\n");
    std::fs::write(dir.join("gdb.cmd"), script).unwrap();
    let out = run_ok(Command::new("gdb").current_dir(dir).args(["-batch", "-nx", "-x", "gdb.cmd", "./prog"]));
    let mut hits: Vec<(String, Vec<String>)> = Vec::new();
    for line in out.lines() {
        if let Some(id) = line.strip_prefix("HIT ") {
            hits.push((id.to_string(), Vec::new()));
        } else if let Some(arg) = line.strip_prefix("ARG ") {
            hits.last_mut().expect("ARG before HIT").1.push(arg.to_string());
        }
    }
    hits
}

/// bpftrace with the script `probe-build bpftrace` writes.
fn bpftrace_hits(dir: &Path, source: &Path, cpp: bool) -> Vec<(String, Vec<(String, String)>)> {
    let prog = dir.join("prog");
    let mut cmd = probe_build();
    cmd.current_dir(dir).arg("bpftrace").arg(source).arg("--binary").arg(&prog).args(["-o", "probes.bt"]);
    if cpp {
        cmd.arg("-C");
    }
    run_ok(&mut cmd);
    let out = run_ok(Command::new("bpftrace").current_dir(dir).arg("probes.bt").arg("-c").arg(&prog));
    out.lines()
        .filter(|line| !line.starts_with("Attaching") && !line.trim().is_empty())
        .map(|line| {
            let mut words = line.split(' ');
            let id = words.next().unwrap().to_string();
            let args = words
                .map(|w| {
                    let (name, value) = w.split_once('=').unwrap_or_else(|| panic!("bad bpftrace line: {line}"));
                    (name.to_string(), value.to_string())
                })
                .collect();
            (id, args)
        })
        .collect()
}

fn check_file(source: &Path) -> Result<String, String> {
    let name = source.file_name().unwrap().to_string_lossy().into_owned();
    let s = Scratch::new(&name.replace('.', "_"));
    let cpp = needs_cpp(source);
    let c_flag: &[&str] = if cpp { &["-C"] } else { &[] };
    for (mode, out) in [("-h", "probes.h"), ("-G", "probes.o")] {
        run_ok(probe_build().current_dir(&s.dir).arg("dtrace").args(c_flag).args([mode, "-s"]).arg(source).args(["-o", out]));
    }
    let file = if cpp {
        probe_provider::parse_file_with(source, Some(&probe_provider::preprocess::Preprocessor::new()))
    } else {
        probe_provider::parse_file(source)
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let fired = plan(&file);
    std::fs::write(s.path("main.c"), c_program(&fired)).unwrap();
    run_ok(Command::new("cc").current_dir(&s.dir).args(["-O2", "-Wall", "-Werror", "main.c", "probes.o", "-o", "prog"]));

    // gdb reads every argument of every hit.
    let hits = gdb_hits(&s.dir, &fired);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, args) in &hits {
        let f = fired.iter().find(|f| &f.id == id).ok_or(format!("{name}: gdb hit unknown probe {id}"))?;
        *counts.entry(&f.id).or_default() += 1;
        let expected: Vec<String> = f.values.iter().map(|(v, _)| expected_text(v)).collect();
        if args != &expected {
            return Err(format!("{name}: gdb read {id} as {args:?}, expected {expected:?}"));
        }
    }
    for f in &fired {
        let n = counts.get(f.id.as_str()).copied().unwrap_or(0);
        if n != FIRES {
            return Err(format!("{name}: gdb stopped {n} times at {}, expected {FIRES}", f.id));
        }
    }

    // bpftrace counts every probe and prints the same values.
    let seen = bpftrace_hits(&s.dir, source, cpp);
    for f in &fired {
        let lines: Vec<_> = seen.iter().filter(|(id, _)| id == &f.id).collect();
        if lines.len() != FIRES {
            return Err(format!("{name}: bpftrace saw {} fires of {}, expected {FIRES}: {seen:?}", lines.len(), f.id));
        }
        for (_, args) in lines {
            // The script reads the first six arguments (bpftrace 0.17's limit).
            let read = f.values.len().min(probe_gen::bpftrace_script::DEFAULT_MAX_ARGS);
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
            let expected: Vec<String> = f.values[..read].iter().map(|(v, _)| expected_text(v)).collect();
            if got != expected || args.len() != expected.len() {
                return Err(format!("{name}: bpftrace printed {} as {args:?}, expected {expected:?}", f.id));
            }
        }
    }
    Ok(format!("{name}: {} probes, gdb and bpftrace values right", fired.len()))
}

#[test]
fn every_corpus_file_works_end_to_end() {
    let mut failures = Vec::new();
    for source in corpus_files() {
        match check_file(&source) {
            Ok(summary) => eprintln!("ok   {summary}"),
            Err(why) => {
                eprintln!("FAIL {why}");
                failures.push(why);
            }
        }
    }
    assert!(failures.is_empty(), "{} corpus files failed:\n{}", failures.len(), failures.join("\n"));
}
