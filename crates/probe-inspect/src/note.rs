//! Walking `.note.stapsdt` sections.

use std::collections::HashMap;
use std::path::Path;

use object::read::elf::{ElfFile, FileHeader, SectionHeader as _};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionIndex, SymbolSection};

use crate::{parse_arguments, FileKind, InspectError, SdtProbe};

const NT_STAPSDT: u32 = 3;
const OWNER: &[u8] = b"stapsdt";

/// The value a relocation gives a field, with every section at address 0,
/// and what it is relative to.
struct Relocated {
    value: u64,
    symbol: Option<String>,
}

/// `file_size` is the size of the whole file: see [`Budget`].
pub(crate) fn read_probes(
    path: &Path,
    file: &object::File<'_>,
    file_size: usize,
    kind: FileKind,
    stapsdt_base: Option<u64>,
) -> Result<Vec<SdtProbe>, InspectError> {
    let little = file.is_little_endian();
    let address_size = if file.is_64() { 8 } else { 4 };
    let mut budget = Budget {
        path,
        left: file_size,
    };
    let mut probes = Vec::new();
    for section in file.sections().filter(|s| s.name() == Ok(".note.stapsdt")) {
        let data = section.data().map_err(|err| InspectError::BadElf {
            path: path.to_path_buf(),
            message: format!(".note.stapsdt: {err}"),
        })?;
        budget.spend(data.len())?;
        let relocations = if kind == FileKind::Relocatable {
            relocations(file, &section, data, address_size, little, &mut budget)?
        } else {
            HashMap::new()
        };
        let align = if section.align() == 8 { 8 } else { 4 };
        let reader = Reader {
            path,
            data,
            little,
            address_size,
        };
        let mut offset = 0usize;
        while offset < data.len() {
            // Padding at the end of a section (some linkers align it).
            if data[offset..].iter().all(|&b| b == 0) {
                break;
            }
            let namesz = reader.u32(offset)? as usize;
            let descsz = reader.u32(offset + 4)? as usize;
            let n_type = reader.u32(offset + 8)?;
            let name_at = offset + 12;
            let desc_at = name_at.saturating_add(align_up(namesz, align));
            let next = desc_at.saturating_add(align_up(descsz, align));
            if desc_at.saturating_add(descsz) > data.len() {
                return Err(reader.bad(offset, "note runs past the end of the section"));
            }
            let name = &data[name_at..name_at + namesz];
            let owner = name.strip_suffix(b"\0").unwrap_or(name);
            if owner == OWNER && n_type == NT_STAPSDT {
                let desc = &data[desc_at..desc_at + descsz];
                let field = |index: usize| -> Relocated {
                    let at = desc_at + index * address_size;
                    relocations
                        .get(&at)
                        .map(|r| Relocated {
                            value: r.value,
                            symbol: r.symbol.clone(),
                        })
                        .unwrap_or(Relocated {
                            value: reader.address(at).unwrap_or(0),
                            symbol: None,
                        })
                };
                if desc.len() < 3 * address_size {
                    return Err(reader.bad(offset, "descriptor shorter than its three addresses"));
                }
                let mut strings = desc[3 * address_size..].split(|&b| b == 0);
                let provider = strings.next().filter(|s| !s.is_empty());
                let probe_name = strings.next().filter(|s| !s.is_empty());
                let (Some(provider), Some(probe_name)) = (provider, probe_name) else {
                    return Err(reader.bad(offset, "missing provider or probe name"));
                };
                if !desc.ends_with(b"\0") {
                    return Err(reader.bad(offset, "strings are not NUL-terminated"));
                }
                let raw_arguments =
                    String::from_utf8_lossy(strings.next().unwrap_or_default()).into_owned();
                let (pc, base, semaphore) = (field(0), field(1), field(2));
                let (mut pc_value, mut semaphore_value) = (pc.value, semaphore.value);
                // Sections moved after linking: follow .stapsdt.base, as
                // gdb and bpftrace do.
                if kind != FileKind::Relocatable {
                    if let Some(actual) = stapsdt_base {
                        let shift = actual.wrapping_sub(base.value);
                        pc_value = pc_value.wrapping_add(shift);
                        if semaphore_value != 0 {
                            semaphore_value = semaphore_value.wrapping_add(shift);
                        }
                    }
                    if address_size == 4 {
                        pc_value &= 0xffff_ffff;
                        semaphore_value &= 0xffff_ffff;
                    }
                }
                probes.push(SdtProbe {
                    provider: String::from_utf8_lossy(provider).into_owned(),
                    name: String::from_utf8_lossy(probe_name).into_owned(),
                    pc: pc_value,
                    base: base.value,
                    semaphore: semaphore_value,
                    pc_symbol: pc.symbol,
                    base_symbol: base.symbol,
                    semaphore_symbol: semaphore.symbol,
                    arguments: parse_arguments(&raw_arguments),
                    raw_arguments,
                });
            }
            offset = next;
        }
    }
    Ok(probes)
}

/// What the reader may still read, in bytes of the file. Note sections and
/// their relocations each take their own bytes of a well-formed file;
/// section headers that all point at the same bytes would let a small file
/// make the reader walk the same notes and relocations without end, so
/// reading more than the file holds is an error.
struct Budget<'a> {
    path: &'a Path,
    left: usize,
}

impl Budget<'_> {
    fn spend(&mut self, bytes: usize) -> Result<(), InspectError> {
        self.left = self
            .left
            .checked_sub(bytes)
            .ok_or_else(|| InspectError::BadElf {
                path: self.path.to_path_buf(),
                message: "its .note.stapsdt sections and their relocations overlap \
                          (they add up to more than the file's size)"
                    .to_string(),
            })?;
        Ok(())
    }
}

fn align_up(value: usize, align: usize) -> usize {
    value.saturating_add(align - 1) & !(align - 1)
}

struct Reader<'a> {
    path: &'a Path,
    data: &'a [u8],
    little: bool,
    address_size: usize,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&self, at: usize) -> Option<[u8; N]> {
        self.data.get(at..at.checked_add(N)?)?.try_into().ok()
    }

    fn u32(&self, at: usize) -> Result<u32, InspectError> {
        let bytes = self
            .bytes::<4>(at)
            .ok_or_else(|| self.bad(at, "note header cut short"))?;
        Ok(if self.little {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        })
    }

    fn address(&self, at: usize) -> Option<u64> {
        Some(match (self.address_size, self.little) {
            (8, true) => u64::from_le_bytes(self.bytes(at)?),
            (8, false) => u64::from_be_bytes(self.bytes(at)?),
            (_, true) => u32::from_le_bytes(self.bytes(at)?).into(),
            (_, false) => u32::from_be_bytes(self.bytes(at)?).into(),
        })
    }

    fn bad(&self, offset: usize, message: &str) -> InspectError {
        InspectError::BadNote {
            path: self.path.to_path_buf(),
            offset: offset as u64,
            message: message.to_string(),
        }
    }
}

/// The note section's relocations, by section offset: symbol value plus
/// addend (implicit addends, for REL, are read from the field), so that
/// values match what `readelf -n` prints for a `.o` file.
fn relocations(
    file: &object::File<'_>,
    section: &object::Section<'_, '_>,
    data: &[u8],
    address_size: usize,
    little: bool,
    budget: &mut Budget<'_>,
) -> Result<HashMap<usize, Relocated>, InspectError> {
    let reader = Reader {
        path: Path::new(""),
        data,
        little,
        address_size,
    };
    // object's iterator skips a relocation section it cannot read; a note
    // would then silently lose its addresses.
    let bytes =
        relocation_section_bytes(file, section.index()).map_err(|err| InspectError::BadElf {
            path: budget.path.to_path_buf(),
            message: format!("relocations of .note.stapsdt: {err}"),
        })?;
    budget.spend(bytes)?;
    let mut map = HashMap::new();
    for (offset, relocation) in section.relocations() {
        let Ok(offset) = usize::try_from(offset) else {
            continue;
        };
        let (base, symbol) = match relocation.target() {
            RelocationTarget::Symbol(index) => match file.symbol_by_index(index) {
                // A defined symbol (a section symbol, a local label as
                // RISC-V keeps them, a function, a semaphore defined in the
                // same object): name its section, the value being the
                // offset into it.
                Ok(symbol) => match symbol.section() {
                    SymbolSection::Section(section) => (
                        symbol.address(),
                        file.section_by_index(section)
                            .ok()
                            .and_then(|s| s.name().ok().map(str::to_string)),
                    ),
                    SymbolSection::Absolute => (symbol.address(), None),
                    // Undefined or common: only the name says what it is.
                    _ => (0, symbol.name().ok().map(str::to_string)),
                },
                Err(_) => (0, None),
            },
            RelocationTarget::Section(index) => (
                0,
                file.section_by_index(index)
                    .ok()
                    .and_then(|s| s.name().ok().map(str::to_string)),
            ),
            RelocationTarget::Absolute => (0, None),
            _ => (0, None),
        };
        let implicit = if relocation.has_implicit_addend() {
            reader.address(offset).unwrap_or(0)
        } else {
            0
        };
        let mut value = base
            .wrapping_add(implicit)
            .wrapping_add(relocation.addend() as u64);
        if address_size == 4 {
            value &= 0xffff_ffff;
        }
        map.insert(offset, Relocated { value, symbol });
    }
    Ok(map)
}

/// The size of the relocation sections that apply to section `target`, each
/// of which must be readable.
fn relocation_section_bytes(
    file: &object::File<'_>,
    target: SectionIndex,
) -> Result<usize, object::Error> {
    fn sum<Elf: FileHeader<Endian = object::Endianness>>(
        elf: &ElfFile<'_, Elf>,
        target: SectionIndex,
    ) -> Result<usize, object::Error> {
        let mut bytes = 0usize;
        let mut next = elf.elf_relocation_sections().get(target);
        while let Some(index) = next {
            let data = elf
                .elf_section_table()
                .section(index)?
                .data(elf.endian(), elf.data())?;
            bytes = bytes.saturating_add(data.len());
            next = elf.elf_relocation_sections().get(index);
        }
        Ok(bytes)
    }
    match file {
        object::File::Elf32(elf) => sum(elf, target),
        object::File::Elf64(elf) => sum(elf, target),
        _ => Ok(0),
    }
}
