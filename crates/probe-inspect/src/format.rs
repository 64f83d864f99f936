//! Output for `probe-build list`: text for people, JSON for scripts.

use std::fmt::Write;

use crate::{ElfProbes, FileKind, SdtArgument, SdtProbe};

/// One block per file, separated by blank lines:
///
/// ```text
/// prog: 2 probes (executable, ELF64 little-endian x86_64)
/// hello:greet pc=0x1139 base=0x2004 semaphore=0x4010
///   arg1: u64 %rdi
///   arg2: i32 -20(%rbp)
/// hello:bye pc=0x1150 base=0x2004 semaphore=none
/// ```
///
/// A file without probes prints `FILE: no probes (...)`. Argument types are
/// `i`/`u`/`f` (signed, unsigned, floating point) and the size in bits, `?`
/// when the note gives no size. In a relocatable object, addresses are
/// written relative to their symbol: `pc=.text+0x1c`,
/// `semaphore=hello_greet_semaphore`.
pub fn format_text(files: &[ElfProbes]) -> String {
    let mut out = String::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let count = match file.probes.len() {
            0 => "no probes".to_string(),
            1 => "1 probe".to_string(),
            n => format!("{n} probes"),
        };
        let _ = writeln!(
            out,
            "{}: {count} ({}, ELF{} {}-endian {})",
            file.path.display(),
            kind_name(file.kind).replace('_', " "),
            u32::from(file.address_size) * 8,
            if file.big_endian { "big" } else { "little" },
            file.machine
        );
        for probe in &file.probes {
            let _ = writeln!(
                out,
                "{}:{} pc={} base={} semaphore={}",
                probe.provider,
                probe.name,
                text_address(probe.pc, probe.pc_symbol.as_deref()),
                text_address(probe.base, probe.base_symbol.as_deref()),
                match (probe.semaphore, probe.semaphore_symbol.as_deref()) {
                    (0, None) => "none".to_string(),
                    (value, symbol) => text_address(value, symbol),
                }
            );
            for (n, arg) in probe.arguments.iter().enumerate() {
                let _ = writeln!(out, "  arg{}: {} {}", n + 1, type_name(arg), arg.location);
            }
        }
    }
    out
}

fn text_address(value: u64, symbol: Option<&str>) -> String {
    match symbol {
        Some(symbol) if value == 0 => symbol.to_string(),
        Some(symbol) => format!("{symbol}+{value:#x}"),
        None => format!("{value:#x}"),
    }
}

fn type_name(arg: &SdtArgument) -> String {
    let kind = if arg.float {
        'f'
    } else if arg.signed {
        'i'
    } else {
        'u'
    };
    match arg.size {
        Some(size) => format!("{kind}{}", u64::from(size) * 8),
        None => "?".to_string(),
    }
}

pub(crate) fn kind_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Executable => "executable",
        FileKind::SharedObject => "shared_object",
        FileKind::Relocatable => "relocatable",
        FileKind::Other => "other",
    }
}

/// A JSON array with one object per file. Addresses are hex strings
/// (`"0x1139"`), since 64-bit values do not fit a JSON number exactly;
/// `*_symbol` fields are `null` except in relocatable objects.
///
/// ```text
/// [
///   {"file": "prog", "kind": "executable", "class": 64, "endian": "little",
///    "machine": "x86_64", "stapsdt_base": "0x2004", "probes": [
///     {"provider": "hello", "name": "greet", "pc": "0x1139", "base": "0x2004",
///      "semaphore": "0x4010", "pc_symbol": null, "base_symbol": null,
///      "semaphore_symbol": null, "arguments_raw": "8@%rdi",
///      "arguments": [{"size": 8, "signed": false, "float": false,
///                     "location": "%rdi", "spec": "8@%rdi"}]}]}
/// ]
/// ```
///
/// (Whitespace differs: each probe is on one line.)
pub fn format_json(files: &[ElfProbes]) -> String {
    let mut out = String::from("[");
    for (i, file) in files.iter().enumerate() {
        out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
        let _ = write!(
            out,
            "\"file\": {}, \"kind\": {}, \"class\": {}, \"endian\": {}, \"machine\": {}, \
             \"stapsdt_base\": {}, \"probes\": [",
            json_string(&file.path.to_string_lossy()),
            json_string(kind_name(file.kind)),
            u32::from(file.address_size) * 8,
            json_string(if file.big_endian { "big" } else { "little" }),
            json_string(&file.machine),
            file.stapsdt_base
                .map_or("null".to_string(), |a| json_string(&format!("{a:#x}"))),
        );
        for (j, probe) in file.probes.iter().enumerate() {
            out.push_str(if j == 0 { "\n    " } else { ",\n    " });
            json_probe(&mut out, probe);
        }
        out.push_str(if file.probes.is_empty() {
            "]}"
        } else {
            "\n  ]}"
        });
    }
    out.push_str(if files.is_empty() { "]\n" } else { "\n]\n" });
    out
}

fn json_probe(out: &mut String, probe: &SdtProbe) {
    let opt = |s: &Option<String>| s.as_deref().map_or("null".to_string(), json_string);
    let _ = write!(
        out,
        "{{\"provider\": {}, \"name\": {}, \"pc\": \"{:#x}\", \"base\": \"{:#x}\", \
         \"semaphore\": \"{:#x}\", \"pc_symbol\": {}, \"base_symbol\": {}, \
         \"semaphore_symbol\": {}, \"arguments_raw\": {}, \"arguments\": [",
        json_string(&probe.provider),
        json_string(&probe.name),
        probe.pc,
        probe.base,
        probe.semaphore,
        opt(&probe.pc_symbol),
        opt(&probe.base_symbol),
        opt(&probe.semaphore_symbol),
        json_string(&probe.raw_arguments),
    );
    for (k, arg) in probe.arguments.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{{\"size\": {}, \"signed\": {}, \"float\": {}, \"location\": {}, \"spec\": {}}}",
            arg.size.map_or("null".to_string(), |s| s.to_string()),
            arg.signed,
            arg.float,
            json_string(&arg.location),
            json_string(&arg.spec),
        );
    }
    out.push_str("]}");
}

pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sample() -> ElfProbes {
        ElfProbes {
            path: PathBuf::from("dir/pr\"og"),
            kind: FileKind::Relocatable,
            address_size: 4,
            big_endian: true,
            machine: "s390x".into(),
            stapsdt_base: None,
            probes: vec![SdtProbe {
                provider: "hello".into(),
                name: "greet".into(),
                pc: 0x1c,
                base: 0,
                semaphore: 0,
                pc_symbol: Some(".text".into()),
                base_symbol: Some("_.stapsdt.base".into()),
                semaphore_symbol: Some("hello_greet_semaphore".into()),
                raw_arguments: "-4@%r2 8f@\t".into(),
                arguments: crate::parse_arguments("-4@%r2 8f@%f0 %r3"),
            }],
        }
    }

    #[test]
    fn text() {
        let empty = ElfProbes {
            probes: vec![],
            kind: FileKind::SharedObject,
            ..sample()
        };
        assert_eq!(
            format_text(&[sample(), empty]),
            "dir/pr\"og: 1 probe (relocatable, ELF32 big-endian s390x)\n\
             hello:greet pc=.text+0x1c base=_.stapsdt.base semaphore=hello_greet_semaphore\n\
             \x20 arg1: i32 %r2\n\
             \x20 arg2: f64 %f0\n\
             \x20 arg3: ? %r3\n\
             \n\
             dir/pr\"og: no probes (shared object, ELF32 big-endian s390x)\n"
        );
    }

    #[test]
    fn json() {
        let empty = ElfProbes {
            probes: vec![],
            stapsdt_base: Some(0x2004),
            ..sample()
        };
        assert_eq!(
            format_json(&[sample(), empty]),
            "[\n  {\"file\": \"dir/pr\\\"og\", \"kind\": \"relocatable\", \"class\": 32, \
             \"endian\": \"big\", \"machine\": \"s390x\", \"stapsdt_base\": null, \"probes\": [\n    \
             {\"provider\": \"hello\", \"name\": \"greet\", \"pc\": \"0x1c\", \"base\": \"0x0\", \
             \"semaphore\": \"0x0\", \"pc_symbol\": \".text\", \"base_symbol\": \"_.stapsdt.base\", \
             \"semaphore_symbol\": \"hello_greet_semaphore\", \"arguments_raw\": \"-4@%r2 8f@\\t\", \
             \"arguments\": [{\"size\": 4, \"signed\": true, \"float\": false, \"location\": \"%r2\", \
             \"spec\": \"-4@%r2\"}, {\"size\": 8, \"signed\": false, \"float\": true, \"location\": \
             \"%f0\", \"spec\": \"8f@%f0\"}, {\"size\": null, \"signed\": false, \"float\": false, \
             \"location\": \"%r3\", \"spec\": \"%r3\"}]}\n  ]},\n  \
             {\"file\": \"dir/pr\\\"og\", \"kind\": \"relocatable\", \"class\": 32, \"endian\": \"big\", \
             \"machine\": \"s390x\", \"stapsdt_base\": \"0x2004\", \"probes\": []}\n]\n"
        );
        assert_eq!(format_json(&[]), "[]\n");
        assert_eq!(json_string("a\u{1}b"), "\"a\\u0001b\"");
    }
}
