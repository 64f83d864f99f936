//! Reads the SystemTap SDT probes of ELF files: executables, shared objects
//! and relocatable objects.
//!
//! Each probe site is an `NT_STAPSDT` (type 3) note owned by `stapsdt` in a
//! `.note.stapsdt` section. Its descriptor holds three addresses, each 4 or 8
//! bytes by ELF class and in the file's byte order, then three NUL-terminated
//! strings:
//!
//! ```text
//! pc  base  semaphore  provider\0  name\0  arguments\0
//! ```
//!
//! `base` is the link-time address of the `.stapsdt.base` section; when a
//! file's sections moved after linking (prelink), readers add the difference
//! between the section's current address and `base` to `pc` and to a
//! non-zero `semaphore`, and so does [`read_bytes`] (as gdb does).
//!
//! In a relocatable object the three addresses are relocations. They are
//! reported the way `readelf -n` shows them: the relocations applied with
//! every section at address 0. So `pc` is an offset into the section named by
//! [`SdtProbe::pc_symbol`] (`.text`, `.text.startup`), and a semaphore, an
//! undefined symbol there, reads 0 with its name in
//! [`SdtProbe::semaphore_symbol`].
//!
//! ```no_run
//! let file = probe_inspect::read_file("./myprog")?;
//! print!("{}", probe_inspect::format_text(std::slice::from_ref(&file)));
//! # Ok::<(), probe_inspect::InspectError>(())
//! ```

mod check;
pub mod dof;
mod format;
mod note;
mod operand;

use std::fmt;
use std::path::{Path, PathBuf};

use object::{Object, ObjectKind, ObjectSection};

pub use check::{check, check_sites, declared_probe, MissingProbe, NameError};
pub use format::{format_json, format_text};
pub use operand::{parse_operand, MemoryOperand, Operand, OperandError};

/// The probes of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfProbes {
    /// The file as named by the caller.
    pub path: PathBuf,
    pub kind: FileKind,
    /// 4 or 8: the ELF class, which sizes the note's addresses.
    pub address_size: u8,
    pub big_endian: bool,
    /// The machine, in target-triple spelling (`x86_64`, `aarch64`, `arm`,
    /// `riscv64`, `powerpc64`, `s390x`, `i386`, ...).
    pub machine: String,
    /// The address of the `.stapsdt.base` section, when the file has one.
    pub stapsdt_base: Option<u64>,
    /// Probe sites in note order. A probe inlined or expanded several times
    /// has several sites.
    pub probes: Vec<SdtProbe>,
}

/// What kind of ELF file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `ET_EXEC`, or `ET_DYN` with an `.interp` section (a PIE).
    Executable,
    /// `ET_DYN` without an interpreter.
    SharedObject,
    /// `ET_REL`: a `.o` file.
    Relocatable,
    /// A core dump or anything else.
    Other,
}

/// One probe site: one `stapsdt` note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdtProbe {
    pub provider: String,
    pub name: String,
    /// The address of the probe's `nop`, adjusted for a moved
    /// `.stapsdt.base`; in a relocatable object, the offset into the section
    /// named by `pc_symbol`.
    pub pc: u64,
    /// The link-time address of `.stapsdt.base` recorded in the note.
    pub base: u64,
    /// The semaphore's address (adjusted like `pc`), 0 when the probe has
    /// none.
    pub semaphore: u64,
    /// Relocatable objects only, for an address with a relocation: what the
    /// address is relative to. For a target defined in the object, the name
    /// of its section (the value is then the offset into that section); for
    /// an undefined (or common) symbol, the symbol's name (the value is then
    /// the addend, usually 0).
    pub pc_symbol: Option<String>,
    pub base_symbol: Option<String>,
    pub semaphore_symbol: Option<String>,
    /// The arguments as written in the note, e.g. `8@%rdi -4@-20(%rbp)`.
    pub raw_arguments: String,
    pub arguments: Vec<SdtArgument>,
}

/// One argument of a probe site, decoded from `[-]SIZE[f]@LOCATION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdtArgument {
    /// Size in bytes; `None` for the old form without a size prefix.
    pub size: Option<u32>,
    /// A `-` before the size.
    pub signed: bool,
    /// An `f` after the size: a floating-point value (newer `<sys/sdt.h>`).
    pub float: bool,
    /// The assembler operand saying where the value is: `%rdi`, `-4(%rbp)`,
    /// `[sp, 8]`, `$42`, ...
    pub location: String,
    /// The argument as written in the note.
    pub spec: String,
}

/// Why a file's probes could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum InspectError {
    /// The file could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not ELF (a script, an archive, a Mach-O file, ...).
    NotElf {
        path: PathBuf,
        format: Option<String>,
    },
    /// An ELF file the reader rejects.
    BadElf { path: PathBuf, message: String },
    /// A `stapsdt` note that is cut short or missing its strings.
    BadNote {
        path: PathBuf,
        offset: u64,
        message: String,
    },
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InspectError::Io { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
            InspectError::NotElf {
                path,
                format: Some(format),
            } => {
                write!(f, "{}: not an ELF file ({format})", path.display())
            }
            InspectError::NotElf { path, format: None } => {
                write!(f, "{}: not an ELF file", path.display())
            }
            InspectError::BadElf { path, message } => {
                write!(f, "{}: malformed ELF file: {message}", path.display())
            }
            InspectError::BadNote {
                path,
                offset,
                message,
            } => write!(
                f,
                "{}: malformed stapsdt note at offset {offset:#x} of .note.stapsdt: {message}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for InspectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InspectError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads `path` and returns its probes. A file with no probes gives an
/// empty [`ElfProbes::probes`].
pub fn read_file(path: impl AsRef<Path>) -> Result<ElfProbes, InspectError> {
    let path = path.as_ref();
    read_bytes(path, &read_contents(path)?)
}

/// The bytes of the file at `path`, refusing devices, pipes and sockets
/// without reading them: they may never end (`/dev/zero`).
pub fn read_contents(path: impl AsRef<Path>) -> Result<Vec<u8>, InspectError> {
    let path = path.as_ref();
    let io = |source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file_type = std::fs::metadata(path).map_err(io)?.file_type();
    if !file_type.is_file() && !file_type.is_dir() {
        return Err(InspectError::NotElf {
            path: path.to_path_buf(),
            format: Some("device, pipe or socket".to_string()),
        });
    }
    std::fs::read(path).map_err(io)
}

/// Reads the probes of an ELF file already in memory; `path` names it in
/// the result and in errors.
pub fn read_bytes(path: impl AsRef<Path>, data: &[u8]) -> Result<ElfProbes, InspectError> {
    let path = path.as_ref();
    if !data.starts_with(b"\x7fELF") {
        return Err(InspectError::NotElf {
            path: path.to_path_buf(),
            format: sniff_format(data),
        });
    }
    let file = object::File::parse(data).map_err(|err| InspectError::BadElf {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    let kind = match file.kind() {
        ObjectKind::Executable => FileKind::Executable,
        ObjectKind::Dynamic if file.section_by_name(".interp").is_some() => FileKind::Executable,
        ObjectKind::Dynamic => FileKind::SharedObject,
        ObjectKind::Relocatable => FileKind::Relocatable,
        _ => FileKind::Other,
    };
    let stapsdt_base = file
        .section_by_name(".stapsdt.base")
        .map(|section| section.address());
    let probes = note::read_probes(path, &file, data.len(), kind, stapsdt_base)?;
    Ok(ElfProbes {
        path: path.to_path_buf(),
        kind,
        address_size: if file.is_64() { 8 } else { 4 },
        big_endian: !file.is_little_endian(),
        machine: machine_name(file.architecture()),
        stapsdt_base,
        probes,
    })
}

/// Names common non-ELF formats so the error says what the file is.
fn sniff_format(data: &[u8]) -> Option<String> {
    let name = if data.starts_with(b"!<arch>\n") || data.starts_with(b"!<thin>\n") {
        "ar archive"
    } else if data.starts_with(b"#!") {
        "script"
    } else if data.starts_with(b"BC\xc0\xde") || data.starts_with(b"\xde\xc0\x17\x0b") {
        "LLVM bitcode"
    } else if data.starts_with(b"MZ") {
        "PE/COFF"
    } else if [
        &b"\xfe\xed\xfa\xce"[..],
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ]
    .iter()
    .any(|magic| data.starts_with(magic))
    {
        "Mach-O"
    } else if data.is_empty() {
        "empty file"
    } else {
        return None;
    };
    Some(name.to_string())
}

fn machine_name(arch: object::Architecture) -> String {
    use object::Architecture as A;
    let name = match arch {
        A::X86_64 => "x86_64",
        A::X86_64_X32 => "x32",
        A::I386 => "i386",
        A::Aarch64 => "aarch64",
        A::Aarch64_Ilp32 => "aarch64_ilp32",
        A::Arm => "arm",
        A::Riscv32 => "riscv32",
        A::Riscv64 => "riscv64",
        A::PowerPc => "powerpc",
        A::PowerPc64 => "powerpc64",
        A::S390x => "s390x",
        A::Mips => "mips",
        A::Mips64 | A::Mips64_N32 => "mips64",
        A::LoongArch64 => "loongarch64",
        A::Sparc64 => "sparc64",
        other => return format!("{other:?}").to_ascii_lowercase(),
    };
    name.to_string()
}

/// Splits a note's argument string into arguments.
///
/// Arguments are separated by spaces, but a location may contain one
/// (AArch64 `[sp, 8]`, Arm `[r3, #4]`), so spaces inside brackets or
/// parentheses do not separate.
pub fn parse_arguments(text: &str) -> Vec<SdtArgument> {
    let mut specs = Vec::new();
    let mut depth = 0i32;
    let mut start = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth <= 0 {
            if let Some(s) = start.take() {
                specs.push(&text[s..i]);
            }
            depth = 0;
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        specs.push(&text[s..]);
    }
    specs.into_iter().map(parse_argument).collect()
}

fn parse_argument(spec: &str) -> SdtArgument {
    let (signed, rest) = match spec.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, spec),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (float, after) = match rest[digits..].strip_prefix('f') {
        Some(after) => (true, after),
        None => (false, &rest[digits..]),
    };
    match (
        digits > 0,
        after.strip_prefix('@'),
        rest[..digits].parse::<u32>(),
    ) {
        (true, Some(location), Ok(size)) => SdtArgument {
            size: Some(size),
            signed,
            float,
            location: location.to_string(),
            spec: spec.to_string(),
        },
        // The old form: a bare operand.
        _ => SdtArgument {
            size: None,
            signed: false,
            float: false,
            location: spec.to_string(),
            spec: spec.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let args =
            parse_arguments("8@%rdi -4@-20(%rbp) 8f@%xmm0 -1@$-3 2@[sp, 8] -4@[r3, #4] %eax");
        let got: Vec<_> = args
            .iter()
            .map(|a| {
                (
                    a.size,
                    a.signed,
                    a.float,
                    a.location.as_str(),
                    a.spec.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some(8), false, false, "%rdi", "8@%rdi"),
                (Some(4), true, false, "-20(%rbp)", "-4@-20(%rbp)"),
                (Some(8), false, true, "%xmm0", "8f@%xmm0"),
                (Some(1), true, false, "$-3", "-1@$-3"),
                (Some(2), false, false, "[sp, 8]", "2@[sp, 8]"),
                (Some(4), true, false, "[r3, #4]", "-4@[r3, #4]"),
                (None, false, false, "%eax", "%eax"),
            ]
        );
        assert!(parse_arguments("").is_empty());
        assert!(parse_arguments("  ").is_empty());
        // Unbalanced brackets must not swallow or panic.
        assert_eq!(parse_arguments("4@[x 4@y").len(), 1);
        assert_eq!(parse_arguments("4@x] 4@y").len(), 2);
        // Not a size: kept whole.
        assert_eq!(parse_arguments("-x@y")[0].location, "-x@y");
        assert_eq!(parse_arguments("99999999999@y")[0].size, None);
    }

    #[test]
    fn not_elf() {
        for (data, format) in [
            (&b"!<arch>\nfoo"[..], Some("ar archive")),
            (b"#!/bin/sh\n", Some("script")),
            (b"", Some("empty file")),
            (b"hello", None),
        ] {
            let err = read_bytes("f", data).unwrap_err();
            match &err {
                InspectError::NotElf { format: f, .. } => assert_eq!(f.as_deref(), format),
                other => panic!("{other:?}"),
            }
            assert!(err.to_string().starts_with("f: not an ELF file"), "{err}");
        }
        let err = read_bytes("g", b"\x7fELF\x02\x01").unwrap_err();
        assert!(matches!(err, InspectError::BadElf { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("g: malformed ELF file: "),
            "{err}"
        );
    }
}
