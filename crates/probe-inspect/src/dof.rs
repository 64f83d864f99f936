//! Reads the DTrace probes a file carries as DOF (the DTrace Object Format):
//! the `.SUNW_dof` section of an object made by `dtrace -G` (illumos,
//! Solaris, FreeBSD, Oracle Linux) and of the programs and libraries that
//! link it, and the `__TEXT,__dof_PROVIDER` sections Apple's `ld64` writes
//! into macOS programs.
//!
//! DOF is libdtrace's container (`<sys/dtrace.h>`): a 64-byte header (magic
//! `\x7fDOF`, data model, byte order, version), a table of typed sections,
//! then their contents. A provider is a `PROVIDER` section naming its string
//! table, its `PROBES` (one 48-byte record per probe and function: the
//! function's address and name, the probe's name, its native and translated
//! argument types, and indices into the offset tables), `PRARGS` (the
//! argument mapping), `PROFFS` (probe-site offsets) and `PRENOFFS`
//! (is-enabled-site offsets, DOF version 2 and later).
//!
//! Where a site is, by file:
//! - an ELF relocatable object (the `-G` output): the record's address is a
//!   relocation against the function, so a site is the function's name and
//!   the offset, `main+0x34`;
//! - an ELF program or library: the linker filled in the function's address,
//!   so a site is that address plus the offset;
//! - a Mach-O program: `ld64` records each offset from the start of the DOF
//!   section (a signed 32-bit value: the code comes first), pointing at the
//!   call's 32-bit operand on x86_64 (one byte into
//!   the rewritten instruction: xnu takes it back) and at the instruction on
//!   arm64. Sites are given at the start of the rewritten instruction.
//!
//! A linked ELF file may hold several DOF blobs back to back in `.SUNW_dof`
//! (one per `-G` object it links); each is read.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use object::{BinaryFormat, Object, ObjectKind, ObjectSection};

use crate::{FileKind, InspectError};

/// The DOF probes of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofFile {
    /// The file as named by the caller.
    pub path: PathBuf,
    pub kind: FileKind,
    /// `ELF` or `Mach-O`.
    pub format: &'static str,
    /// 4 or 8.
    pub address_size: u8,
    pub big_endian: bool,
    /// The machine, in target-triple spelling (`x86_64`, `aarch64`, ...).
    pub machine: String,
    /// Every DOF blob found, in file order.
    pub dofs: Vec<Dof>,
}

/// One decoded DOF blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dof {
    /// The section that holds it (`.SUNW_dof`, `__dof_myapp`).
    pub section: String,
    /// Offset of the blob in that section.
    pub offset: u64,
    /// `dofh_ident[DOF_ID_MODEL]`: 1 ILP32, 2 LP64.
    pub model: u8,
    /// `dofh_ident[DOF_ID_ENCODING]`: 1 little-endian, 2 big-endian.
    pub encoding: u8,
    /// `dofh_ident[DOF_ID_VERSION]`.
    pub version: u8,
    pub providers: Vec<DofProvider>,
}

/// A provider and its probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofProvider {
    pub name: String,
    /// The five attribute triples (provider, module, function, name,
    /// arguments), each `(name stability, data stability, class)`.
    pub attributes: [(u8, u8, u8); 5],
    /// One entry per probe and function holding its sites, in DOF order.
    pub probes: Vec<DofProbe>,
}

/// A probe's sites in one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofProbe {
    /// The probe's D name (`request-start`).
    pub name: String,
    /// The function holding the sites.
    pub function: String,
    /// The argument types as the program passes them.
    pub native_types: Vec<String>,
    /// The argument types a D script sees (after translators).
    pub translated_types: Vec<String>,
    /// For each translated argument, the native argument it comes from.
    pub mapping: Vec<u8>,
    /// `dofpr_addr`: the function's address in a linked ELF file, 0 in a
    /// relocatable object and in Mach-O.
    pub function_address: u64,
    /// Offsets of the probe sites, as recorded.
    pub offsets: Vec<u32>,
    /// Offsets of the is-enabled sites, as recorded.
    pub enabled_offsets: Vec<u32>,
    /// Where each probe site is (see the module documentation).
    pub sites: Vec<Site>,
    /// Where each is-enabled site is.
    pub enabled_sites: Vec<Site>,
}

/// Where a site is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Site {
    /// An address in a linked file.
    Address(u64),
    /// A function and an offset into it, in a relocatable object.
    InFunction(String, u32),
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Site::Address(address) => write!(f, "{address:#x}"),
            Site::InFunction(function, offset) => write!(f, "{function}+{offset:#x}"),
        }
    }
}

impl DofFile {
    /// Every probe of every blob, with its provider's name.
    pub fn probes(&self) -> impl Iterator<Item = (&DofProvider, &DofProbe)> {
        self.dofs
            .iter()
            .flat_map(|dof| &dof.providers)
            .flat_map(|provider| provider.probes.iter().map(move |probe| (provider, probe)))
    }

    /// `(provider, probe)` for each probe with at least one site, the probe
    /// spelled as in a provider file (`request__start`), as `check` wants.
    pub fn probe_names(&self) -> HashSet<(String, String)> {
        self.probes()
            .filter(|(_, probe)| !probe.sites.is_empty() || !probe.enabled_sites.is_empty())
            .map(|(provider, probe)| (provider.name.clone(), probe.name.replace('-', "__")))
            .collect()
    }
}

/// Why a DOF blob could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofError {
    /// Offset into the blob where decoding failed.
    pub offset: u64,
    pub message: String,
}

impl std::fmt::Display for DofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at offset {:#x}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DofError {}

const MAGIC: &[u8; 4] = b"\x7fDOF";
const HEADER_SIZE: usize = 64;
const SECTION_SIZE: usize = 32;
const PROBE_SIZE: usize = 48;

const SECT_STRTAB: u32 = 8;
const SECT_PROVIDER: u32 = 15;
const SECT_PROBES: u32 = 16;
const SECT_PRARGS: u32 = 17;
const SECT_PROFFS: u32 = 18;
const SECT_PRENOFFS: u32 = 26;
/// `DOF_SECIDX_NONE`.
const NO_SECTION: u32 = u32::MAX;

/// Reads the DOF of an ELF or Mach-O file. A file without DOF gives an
/// empty [`DofFile::dofs`]; a file that is neither ELF nor Mach-O, or whose
/// DOF is malformed, is an error.
pub fn read_file(path: impl AsRef<Path>) -> Result<DofFile, InspectError> {
    let path = path.as_ref();
    let data = std::fs::read(path).map_err(|source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_bytes(path, &data)
}

/// [`read_file`] over a file already in memory; `path` names it.
pub fn read_bytes(path: impl AsRef<Path>, data: &[u8]) -> Result<DofFile, InspectError> {
    let path = path.as_ref();
    let bad = |message: String| InspectError::BadElf {
        path: path.to_path_buf(),
        message,
    };
    let parsed = object::File::parse(data);
    let file = match parsed {
        Ok(file) if matches!(file.format(), BinaryFormat::Elf | BinaryFormat::MachO) => file,
        Err(err) if data.starts_with(b"\x7fELF") => return Err(bad(err.to_string())),
        _ => {
            return Err(InspectError::NotElf {
                path: path.to_path_buf(),
                format: crate::sniff_format(data),
            })
        }
    };
    let macho = file.format() == BinaryFormat::MachO;
    let kind = match file.kind() {
        ObjectKind::Executable => FileKind::Executable,
        ObjectKind::Dynamic if macho => FileKind::SharedObject,
        ObjectKind::Dynamic if file.section_by_name(".interp").is_some() => FileKind::Executable,
        ObjectKind::Dynamic => FileKind::SharedObject,
        ObjectKind::Relocatable => FileKind::Relocatable,
        _ => FileKind::Other,
    };
    let x86 = matches!(
        file.architecture(),
        object::Architecture::X86_64 | object::Architecture::I386
    );
    let mut dofs = Vec::new();
    for section in file.sections() {
        let Ok(name) = section.name() else { continue };
        let is_dof = if macho {
            name.starts_with("__dof_")
        } else {
            name == ".SUNW_dof"
        };
        if !is_dof {
            continue;
        }
        let bytes = section
            .data()
            .map_err(|err| bad(format!("section {name}: {err}")))?;
        let locate = |probe: &DofProbe, offset: u32| -> Site {
            if macho {
                // A signed offset: the sites come before the section.
                let from_section = offset as i32 as i64 as u64;
                Site::Address(
                    section
                        .address()
                        .wrapping_add(from_section)
                        .wrapping_sub(u64::from(x86)),
                )
            } else if kind == FileKind::Relocatable {
                Site::InFunction(probe.function.clone(), offset)
            } else {
                Site::Address(probe.function_address.wrapping_add(u64::from(offset)))
            }
        };
        let mut at = 0usize;
        while at + HEADER_SIZE <= bytes.len() && bytes[at..].starts_with(MAGIC) {
            let (mut dof, size) = parse(&bytes[at..]).map_err(|err| InspectError::BadElf {
                path: path.to_path_buf(),
                message: format!("malformed DOF in {name} at offset {at:#x}: {err}"),
            })?;
            dof.section = name.to_string();
            dof.offset = at as u64;
            for probe in dof.providers.iter_mut().flat_map(|p| &mut p.probes) {
                probe.sites = probe.offsets.iter().map(|&o| locate(probe, o)).collect();
                probe.enabled_sites = probe
                    .enabled_offsets
                    .iter()
                    .map(|&o| locate(probe, o))
                    .collect();
            }
            dofs.push(dof);
            // The next blob starts at the next 8-byte boundary.
            at += size.max(HEADER_SIZE).div_ceil(8) * 8;
        }
    }
    Ok(DofFile {
        path: path.to_path_buf(),
        kind,
        format: if macho { "Mach-O" } else { "ELF" },
        address_size: if file.is_64() { 8 } else { 4 },
        big_endian: !file.is_little_endian(),
        machine: crate::machine_name(file.architecture()),
        dofs,
    })
}

/// Decodes one DOF blob at the start of `data`; returns it (with empty
/// [`Dof::section`], and sites left for the caller to place) and its size
/// (`dofh_filesz`).
pub fn parse(data: &[u8]) -> Result<(Dof, usize), DofError> {
    let fail = |offset: usize, message: String| DofError {
        offset: offset as u64,
        message,
    };
    if data.len() < HEADER_SIZE || !data.starts_with(MAGIC) {
        return Err(fail(0, "no DOF header (magic \\x7fDOF)".to_string()));
    }
    let (model, encoding, version) = (data[4], data[5], data[6]);
    let big = match encoding {
        1 => false,
        2 => true,
        other => return Err(fail(5, format!("unknown byte order {other}"))),
    };
    let r = Reader { data, big };
    let secsize = r.u32(24)? as usize;
    let secnum = r.u32(28)? as usize;
    let secoff = r.u64(32)? as usize;
    let filesz = r.u64(48)? as usize;
    if secsize < SECTION_SIZE {
        return Err(fail(24, format!("section headers of {secsize} bytes")));
    }
    if filesz > data.len() {
        return Err(fail(
            48,
            format!("{filesz} bytes long but only {} are there", data.len()),
        ));
    }
    let data = &data[..filesz];
    let r = Reader { data, big };
    let mut sections = Vec::with_capacity(secnum.min(1024));
    for i in 0..secnum {
        let at = secoff.saturating_add(i.saturating_mul(secsize));
        let section = Section {
            kind: r.u32(at)?,
            entsize: r.u32(at + 12)?,
            offset: r.u64(at + 16)? as usize,
            size: r.u64(at + 24)? as usize,
        };
        if section
            .offset
            .checked_add(section.size)
            .is_none_or(|end| end > data.len())
        {
            return Err(fail(
                at,
                format!("section {i} (type {}) runs past the end", section.kind),
            ));
        }
        sections.push(section);
    }
    let section = |index: u32, kind: u32, at: usize| -> Result<&Section, DofError> {
        match sections.get(index as usize) {
            Some(s) if s.kind == kind => Ok(s),
            Some(s) => Err(fail(
                at,
                format!("section {index} has type {}, not {kind}", s.kind),
            )),
            None => Err(fail(at, format!("no section {index}"))),
        }
    };
    let mut providers = Vec::new();
    for provider_section in sections.iter().filter(|s| s.kind == SECT_PROVIDER) {
        let at = provider_section.offset;
        let field = |n: usize| r.u32(at + 4 * n);
        let strtab = section(field(0)?, SECT_STRTAB, at)?;
        let probes = section(field(1)?, SECT_PROBES, at + 4)?;
        let prargs = section(field(2)?, SECT_PRARGS, at + 8)?;
        let proffs = section(field(3)?, SECT_PROFFS, at + 12)?;
        // DOF version 1 providers end before the is-enabled offsets.
        let prenoffs = if provider_section.size >= 44 && field(10)? != NO_SECTION {
            let index = field(10)?;
            // Some writers leave 0 (the string table) for "none".
            match sections.get(index as usize) {
                Some(s) if s.kind == SECT_PRENOFFS => Some(s),
                _ => None,
            }
        } else {
            None
        };
        let strings = Strings {
            data: &data[strtab.offset..strtab.offset + strtab.size],
            base: strtab.offset,
        };
        let mut attributes = [(0u8, 0u8, 0u8); 5];
        for (n, attribute) in attributes.iter_mut().enumerate() {
            let value = field(5 + n)?;
            *attribute = ((value >> 24) as u8, (value >> 16) as u8, (value >> 8) as u8);
        }
        let entsize = match probes.entsize as usize {
            0 => PROBE_SIZE,
            n if n < PROBE_SIZE => {
                return Err(fail(at + 4, format!("probe records of {n} bytes")));
            }
            n => n,
        };
        let mut list = Vec::new();
        for k in 0..probes.size / entsize {
            let p = probes.offset + k * entsize;
            let nargc = usize::from(r.u8(p + 32)?);
            let xargc = usize::from(r.u8(p + 33)?);
            let noffs = usize::from(r.u16(p + 34)?);
            let nenoffs = usize::from(r.u16(p + 40)?);
            let offsets = |table: &Section, first: usize, count: usize, field_at: usize| {
                (0..count)
                    .map(|j| {
                        let index = first + j;
                        if (index + 1) * 4 > table.size {
                            return Err(fail(
                                field_at,
                                format!("offset {index} is past the offset table"),
                            ));
                        }
                        r.u32(table.offset + 4 * index)
                    })
                    .collect::<Result<Vec<u32>, DofError>>()
            };
            let enabled_offsets = match (prenoffs, nenoffs) {
                (_, 0) => Vec::new(),
                (Some(table), n) => offsets(table, r.u32(p + 36)? as usize, n, p + 36)?,
                (None, _) => {
                    return Err(fail(
                        p + 40,
                        "is-enabled offsets but no is-enabled offset table".to_string(),
                    ))
                }
            };
            let argidx = r.u32(p + 24)? as usize;
            if argidx + xargc > prargs.size {
                return Err(fail(p + 24, "argument mapping past its table".to_string()));
            }
            list.push(DofProbe {
                function_address: r.u64(p)?,
                function: strings.get(r.u32(p + 8)?, p + 8)?,
                name: strings.get(r.u32(p + 12)?, p + 12)?,
                native_types: strings.list(r.u32(p + 16)?, nargc, p + 16)?,
                translated_types: strings.list(r.u32(p + 20)?, xargc, p + 20)?,
                mapping: data[prargs.offset + argidx..prargs.offset + argidx + xargc].to_vec(),
                offsets: offsets(proffs, r.u32(p + 28)? as usize, noffs, p + 28)?,
                enabled_offsets,
                sites: Vec::new(),
                enabled_sites: Vec::new(),
            });
        }
        providers.push(DofProvider {
            name: strings.get(field(4)?, at + 16)?,
            attributes,
            probes: list,
        });
    }
    Ok((
        Dof {
            section: String::new(),
            offset: 0,
            model,
            encoding,
            version,
            providers,
        },
        filesz,
    ))
}

struct Section {
    kind: u32,
    entsize: u32,
    offset: usize,
    size: usize,
}

struct Reader<'a> {
    data: &'a [u8],
    big: bool,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N], DofError> {
        at.checked_add(N)
            .and_then(|end| self.data.get(at..end))
            .map(|b| b.try_into().unwrap())
            .ok_or_else(|| DofError {
                offset: at as u64,
                message: format!("cut short: {N} bytes wanted, {} there", self.data.len()),
            })
    }
    fn u8(&self, at: usize) -> Result<u8, DofError> {
        Ok(self.bytes::<1>(at)?[0])
    }
    fn u16(&self, at: usize) -> Result<u16, DofError> {
        let b = self.bytes(at)?;
        Ok(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn u32(&self, at: usize) -> Result<u32, DofError> {
        let b = self.bytes(at)?;
        Ok(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    fn u64(&self, at: usize) -> Result<u64, DofError> {
        let b = self.bytes(at)?;
        Ok(if self.big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }
}

/// A DOF string table: NUL-terminated strings, indexed by byte offset.
struct Strings<'a> {
    data: &'a [u8],
    /// Where the table starts in the blob, for errors.
    base: usize,
}

impl Strings<'_> {
    fn get(&self, index: u32, field_at: usize) -> Result<String, DofError> {
        let start = index as usize;
        let rest = self.data.get(start..).ok_or_else(|| DofError {
            offset: field_at as u64,
            message: format!("string {index} is past the string table"),
        })?;
        let end = rest.iter().position(|&b| b == 0).ok_or_else(|| DofError {
            offset: (self.base + start) as u64,
            message: "unterminated string".to_string(),
        })?;
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    /// `count` strings one after the other, from `index`.
    fn list(&self, index: u32, count: usize, field_at: usize) -> Result<Vec<String>, DofError> {
        let mut out = Vec::with_capacity(count.min(256));
        let mut at = index as usize;
        for _ in 0..count {
            let s = self.get(at as u32, field_at)?;
            at += s.len() + 1;
            out.push(s);
        }
        Ok(out)
    }
}

/// One block per file with DOF, separated by blank lines:
///
/// ```text
/// app: 3 DOF probes in 1 provider (executable, ELF64 little-endian x86_64)
/// myapp:main:request-start(int, char *) sites=0x401154 enabled=0x401141
/// myapp:main:tick() sites=0x40116b
/// ```
///
/// Translated argument types, when they differ, follow as
/// `-> (type, ...)`; in a relocatable object sites read `main+0x34`.
pub fn format_text(files: &[DofFile]) -> String {
    let mut out = String::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // A probe with sites in several functions has one record for each.
        let probes = file
            .probes()
            .map(|(p, q)| (p.name.as_str(), q.name.as_str()))
            .collect::<HashSet<_>>()
            .len();
        let providers: HashSet<&str> = file.probes().map(|(p, _)| p.name.as_str()).collect();
        let _ = writeln!(
            out,
            "{}: {probes} DOF probe{} in {} provider{} ({}, {}{} {}-endian {})",
            file.path.display(),
            if probes == 1 { "" } else { "s" },
            providers.len(),
            if providers.len() == 1 { "" } else { "s" },
            crate::format::kind_name(file.kind).replace('_', " "),
            if file.format == "ELF" {
                "ELF"
            } else {
                "Mach-O "
            },
            u32::from(file.address_size) * 8,
            if file.big_endian { "big" } else { "little" },
            file.machine
        );
        for (provider, probe) in file.probes() {
            let _ = write!(
                out,
                "{}:{}:{}({})",
                provider.name,
                probe.function,
                probe.name,
                probe.native_types.join(", ")
            );
            if probe.translated_types != probe.native_types {
                let _ = write!(out, " -> ({})", probe.translated_types.join(", "));
            }
            let list = |sites: &[Site]| {
                sites
                    .iter()
                    .map(Site::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            if !probe.sites.is_empty() {
                let _ = write!(out, " sites={}", list(&probe.sites));
            }
            if !probe.enabled_sites.is_empty() {
                let _ = write!(out, " enabled={}", list(&probe.enabled_sites));
            }
            out.push('\n');
        }
    }
    out
}

/// JSON objects, one per file with DOF, for the array `probe-build list
/// --json` prints (they carry `"format": "dof"`):
///
/// ```text
/// {"file": "app", "format": "dof", "kind": "executable", "class": 64,
///  "endian": "little", "machine": "x86_64", "providers": [
///   {"name": "myapp", "probes": [{"name": "tick", "function": "main",
///    "native": [], "translated": [], "mapping": [], "sites": ["0x40116b"],
///    "enabled_sites": []}]}]}
/// ```
pub fn format_json_objects(files: &[DofFile]) -> Vec<String> {
    use crate::format::json_string;
    let strings = |list: &[String]| {
        list.iter()
            .map(|s| json_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sites = |list: &[Site]| {
        list.iter()
            .map(|s| json_string(&s.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    files
        .iter()
        .map(|file| {
            let mut out = format!(
                "{{\"file\": {}, \"format\": \"dof\", \"kind\": {}, \"class\": {}, \"endian\": {}, \
                 \"machine\": {}, \"providers\": [",
                json_string(&file.path.to_string_lossy()),
                json_string(crate::format::kind_name(file.kind)),
                u32::from(file.address_size) * 8,
                json_string(if file.big_endian { "big" } else { "little" }),
                json_string(&file.machine),
            );
            let providers: Vec<&DofProvider> =
                file.dofs.iter().flat_map(|d| &d.providers).collect();
            for (i, provider) in providers.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"name\": {}, \"probes\": [",
                    json_string(&provider.name)
                );
                for (j, probe) in provider.probes.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(
                        out,
                        "{{\"name\": {}, \"function\": {}, \"native\": [{}], \"translated\": [{}], \
                         \"mapping\": [{}], \"sites\": [{}], \"enabled_sites\": [{}]}}",
                        json_string(&probe.name),
                        json_string(&probe.function),
                        strings(&probe.native_types),
                        strings(&probe.translated_types),
                        probe
                            .mapping
                            .iter()
                            .map(u8::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                        sites(&probe.sites),
                        sites(&probe.enabled_sites),
                    );
                }
                out.push_str("]}");
            }
            out.push_str("]}");
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DOF blob as libdtrace lays one out, for one provider:
    /// `provider p { probe go(int, char *) : (int, string); }` with two
    /// sites and one is-enabled site in `main`.
    pub(crate) fn sample(big: bool) -> Vec<u8> {
        let put32 = |v: u32| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let put64 = |v: u64| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let put16 = |v: u16| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let strtab = b"\0p\0main\0go\0int\0char *\0int\0string\0";
        // Sections: 0 STRTAB, 1 PROBES, 2 PRARGS, 3 PROFFS, 4 PRENOFFS, 5 PROVIDER.
        let secnum = 6usize;
        let data_start = HEADER_SIZE + secnum * SECTION_SIZE;
        let mut probes = Vec::new();
        probes.extend(put64(0x1000)); // addr
        probes.extend(put32(3)); // func "main"
        probes.extend(put32(8)); // name "go"
        probes.extend(put32(11)); // nargv "int", "char *"
        probes.extend(put32(22)); // xargv "int", "string"
        probes.extend(put32(0)); // argidx
        probes.extend(put32(0)); // offidx
        probes.push(2); // nargc
        probes.push(2); // xargc
        probes.extend(put16(2)); // noffs
        probes.extend(put32(0)); // enoffidx
        probes.extend(put16(1)); // nenoffs
        probes.extend(put16(0));
        probes.extend(put32(0));
        assert_eq!(probes.len(), PROBE_SIZE);
        let prargs = vec![0u8, 1];
        let mut proffs = Vec::new();
        proffs.extend(put32(0x34));
        proffs.extend(put32(0x50));
        let prenoffs = put32(0x21).to_vec();
        let mut provider = Vec::new();
        for v in [
            0u32,
            1,
            2,
            3,
            1,
            0x0505_0500,
            0x0101_0000,
            0x0101_0000,
            0x0505_0500,
            0x0505_0500,
            4,
        ] {
            provider.extend(put32(v));
        }
        let contents: Vec<(u32, u32, Vec<u8>)> = vec![
            (SECT_STRTAB, 0, strtab.to_vec()),
            (SECT_PROBES, PROBE_SIZE as u32, probes),
            (SECT_PRARGS, 1, prargs),
            (SECT_PROFFS, 4, proffs),
            (SECT_PRENOFFS, 4, prenoffs),
            (SECT_PROVIDER, 0, provider),
        ];
        let mut body = Vec::new();
        let mut headers = Vec::new();
        for (kind, entsize, bytes) in contents {
            while body.len() % 8 != 0 {
                body.push(0);
            }
            headers.extend(put32(kind));
            headers.extend(put32(8));
            headers.extend(put32(1));
            headers.extend(put32(entsize));
            headers.extend(put64((data_start + body.len()) as u64));
            headers.extend(put64(bytes.len() as u64));
            body.extend(bytes);
        }
        let filesz = data_start + body.len();
        let mut out = Vec::new();
        out.extend(MAGIC);
        out.extend([2, if big { 2 } else { 1 }, 2, 2, 8, 8, 0, 0, 0, 0, 0, 0]);
        out.extend(put32(0));
        out.extend(put32(HEADER_SIZE as u32));
        out.extend(put32(SECTION_SIZE as u32));
        out.extend(put32(secnum as u32));
        out.extend(put64(HEADER_SIZE as u64));
        out.extend(put64(filesz as u64));
        out.extend(put64(filesz as u64));
        out.extend(put64(0));
        out.extend(headers);
        out.extend(body);
        out
    }

    #[test]
    fn decodes_a_provider_in_either_byte_order() {
        for big in [false, true] {
            let blob = sample(big);
            let (dof, size) = parse(&blob).unwrap();
            assert_eq!(size, blob.len());
            assert_eq!((dof.model, dof.version), (2, 2));
            assert_eq!(dof.providers.len(), 1);
            let provider = &dof.providers[0];
            assert_eq!(provider.name, "p");
            assert_eq!(provider.attributes[0], (5, 5, 5));
            assert_eq!(provider.attributes[1], (1, 1, 0));
            let probe = &provider.probes[0];
            assert_eq!(probe.name, "go");
            assert_eq!(probe.function, "main");
            assert_eq!(probe.function_address, 0x1000);
            assert_eq!(probe.native_types, ["int", "char *"]);
            assert_eq!(probe.translated_types, ["int", "string"]);
            assert_eq!(probe.mapping, [0, 1]);
            assert_eq!(probe.offsets, [0x34, 0x50]);
            assert_eq!(probe.enabled_offsets, [0x21]);
        }
    }

    #[test]
    fn text_and_json() {
        let (mut dof, _) = parse(&sample(false)).unwrap();
        dof.section = ".SUNW_dof".into();
        let probe = &mut dof.providers[0].probes[0];
        probe.sites = vec![Site::Address(0x1034), Site::Address(0x1050)];
        probe.enabled_sites = vec![Site::InFunction("main".into(), 0x21)];
        let file = DofFile {
            path: PathBuf::from("prog"),
            kind: FileKind::Executable,
            format: "ELF",
            address_size: 8,
            big_endian: false,
            machine: "x86_64".into(),
            dofs: vec![dof],
        };
        assert_eq!(
            format_text(std::slice::from_ref(&file)),
            "prog: 1 DOF probe in 1 provider (executable, ELF64 little-endian x86_64)\n\
             p:main:go(int, char *) -> (int, string) sites=0x1034,0x1050 enabled=main+0x21\n"
        );
        assert_eq!(
            format_json_objects(std::slice::from_ref(&file)),
            ["{\"file\": \"prog\", \"format\": \"dof\", \"kind\": \"executable\", \"class\": 64, \
              \"endian\": \"little\", \"machine\": \"x86_64\", \"providers\": [{\"name\": \"p\", \
              \"probes\": [{\"name\": \"go\", \"function\": \"main\", \"native\": [\"int\", \"char *\"], \
              \"translated\": [\"int\", \"string\"], \"mapping\": [0, 1], \"sites\": [\"0x1034\", \
              \"0x1050\"], \"enabled_sites\": [\"main+0x21\"]}]}]}"]
        );
        let names: Vec<_> = file.probe_names().into_iter().collect();
        assert_eq!(names, [("p".to_string(), "go".to_string())]);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let blob = sample(false);
        // Every truncation and every single-byte change either decodes or
        // fails cleanly.
        for len in 0..blob.len() {
            let _ = parse(&blob[..len]);
        }
        for at in 0..blob.len() {
            for value in [0u8, 0x7f, 0xff] {
                let mut damaged = blob.clone();
                damaged[at] = value;
                let _ = parse(&damaged);
            }
        }
        let err = parse(&blob[..100]).unwrap_err();
        assert!(err.message.contains("only 100 are there"), "{err}");
        assert!(parse(b"\x7fELF").is_err());
    }
}
