//! The ELF files a process has mapped, read once per file: their probe
//! sites with each argument's operand parsed, their loadable segments (to
//! find where the file was loaded), and, for the dynamic linker, the two
//! symbols that tell when libraries come and go.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object::elf;
use object::read::elf::{ElfFile, FileHeader, ProgramHeader};
use object::{Object, ObjectSymbol, ReadCache};
use probe_inspect::{Operand, SdtArgument};

use crate::maps::Mapping;
use crate::ArgKind;

/// One probe site of a file, ready to decode.
#[derive(Debug)]
pub struct Site {
    pub provider: String,
    pub name: String,
    /// The `nop`'s address in the file's address space (before loading).
    pub pc: u64,
    /// The semaphore's address likewise, 0 for none.
    pub semaphore: u64,
    pub args: Vec<ArgPlan>,
}

/// How to fetch and show one argument.
#[derive(Debug)]
pub struct ArgPlan {
    /// As written in the note: `-4@-20(%rbp)`.
    pub spec: String,
    /// Bytes; the address size when the note gives none.
    pub size: u32,
    pub signed: bool,
    pub float: bool,
    pub operand: Result<Operand, String>,
    pub kind: ArgKind,
}

/// What the tracer needs of one ELF file.
#[derive(Debug)]
pub struct ObjectFile {
    pub path: PathBuf,
    pub machine: String,
    /// Executable `PT_LOAD` segments: (file offset, virtual address).
    exec_segments: Vec<(u64, u64)>,
    pub sites: Vec<Arc<Site>>,
    /// `_dl_debug_state`: the dynamic linker calls this empty function
    /// (`r_debug.r_brk`) before and after it changes the list of loaded
    /// objects.
    pub debug_state: Option<u64>,
    /// `_r_debug`, whose `r_state` says which of the two calls it is.
    pub r_debug: Option<u64>,
    /// Symbols named by argument operands (`gl(%rip)`), when any is.
    symbols: HashMap<String, u64>,
}

impl ObjectFile {
    /// Reads `path`. Files without probes (and that are not the dynamic
    /// linker, `interpreter`) give `Ok(None)` after reading only their
    /// headers.
    pub fn load(
        path: &Path,
        shown_as: &Path,
        interpreter: bool,
        kinds: &dyn Fn(&str, &str, usize) -> ArgKind,
    ) -> Result<Option<ObjectFile>, String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        let cache = ReadCache::new(file);
        let parsed = object::File::parse(&cache).map_err(|e| e.to_string())?;
        let has_notes = parsed.section_by_name(".note.stapsdt").is_some();
        if !has_notes && !interpreter {
            return Ok(None);
        }
        let exec_segments = match &parsed {
            object::File::Elf64(elf) => exec_segments(elf),
            object::File::Elf32(elf) => exec_segments(elf),
            _ => return Err("not an ELF file".to_string()),
        };
        let mut debug_state = None;
        let mut r_debug = None;
        if interpreter {
            for symbol in parsed.dynamic_symbols().chain(parsed.symbols()) {
                match symbol.name() {
                    Ok("_dl_debug_state") => debug_state = debug_state.or(Some(symbol.address())),
                    Ok("_r_debug") => r_debug = r_debug.or(Some(symbol.address())),
                    _ => {}
                }
            }
        }
        let mut sites = Vec::new();
        let mut machine = String::new();
        let mut symbols = HashMap::new();
        if has_notes {
            drop(parsed);
            let data = std::fs::read(path).map_err(|e| e.to_string())?;
            let probes = probe_inspect::read_bytes(shown_as, &data).map_err(|e| e.to_string())?;
            machine = probes.machine.clone();
            for probe in &probes.probes {
                let args = probe
                    .arguments
                    .iter()
                    .enumerate()
                    .map(|(index, arg)| {
                        plan(
                            arg,
                            &probes.machine,
                            probes.address_size,
                            kinds(&probe.provider, &probe.name, index),
                        )
                    })
                    .collect();
                sites.push(Arc::new(Site {
                    provider: probe.provider.clone(),
                    name: probe.name.clone(),
                    pc: probe.pc,
                    semaphore: probe.semaphore,
                    args,
                }));
            }
            let wanted: Vec<&str> = sites
                .iter()
                .flat_map(|site| &site.args)
                .filter_map(|arg| match &arg.operand {
                    Ok(Operand::Memory(m)) => m.symbol.as_deref(),
                    Ok(Operand::Address { symbol, .. }) => Some(symbol.as_str()),
                    _ => None,
                })
                .collect();
            if !wanted.is_empty() {
                let parsed = object::File::parse(&*data).map_err(|e| e.to_string())?;
                symbols = symbol_addresses(&parsed, &wanted);
            }
        }
        Ok(Some(ObjectFile {
            path: shown_as.to_path_buf(),
            machine,
            exec_segments,
            sites,
            debug_state,
            r_debug,
            symbols,
        }))
    }

    /// How far the file was moved when loaded (its load bias), from one of
    /// its executable mappings: the kernel maps each segment at its page
    /// of file offset and of address.
    pub fn bias(&self, mapping: &Mapping, page_size: u64) -> Option<u64> {
        let page = |value: u64| value & !(page_size - 1);
        self.exec_segments
            .iter()
            .find(|(offset, _)| page(*offset) == mapping.offset)
            .map(|(_, address)| mapping.start.wrapping_sub(page(*address)))
    }

    /// A symbol's address in the file, for operands that name one. A name
    /// defined several times (a `static` in two files) is ambiguous: `None`.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.symbols.get(name).copied().filter(|&a| a != u64::MAX)
    }
}

fn exec_segments<'data, Elf: FileHeader, R: object::ReadRef<'data>>(
    elf: &ElfFile<'data, Elf, R>,
) -> Vec<(u64, u64)> {
    let endian = elf.endian();
    elf.elf_program_headers()
        .iter()
        .filter(|ph| ph.p_type(endian) == elf::PT_LOAD && ph.p_flags(endian).0 & elf::PF_X.0 != 0)
        .map(|ph| (ph.p_offset(endian).into(), ph.p_vaddr(endian).into()))
        .collect()
}

fn symbol_addresses(file: &object::File<'_>, wanted: &[&str]) -> HashMap<String, u64> {
    let mut found: HashMap<String, u64> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    // .symtab has local symbols too (a `static` variable); .dynsym only
    // matters for stripped files.
    let table: Vec<_> = if file.symbols().next().is_some() {
        file.symbols().collect()
    } else {
        file.dynamic_symbols().collect()
    };
    for symbol in table {
        let Ok(name) = symbol.name() else { continue };
        if !wanted.contains(&name) || symbol.is_undefined() {
            continue;
        }
        if !seen.insert((name.to_string(), symbol.address())) {
            continue;
        }
        found
            .entry(name.to_string())
            .and_modify(|a| *a = u64::MAX)
            .or_insert(symbol.address());
    }
    found
}

fn plan(arg: &SdtArgument, machine: &str, address_size: u8, kind: ArgKind) -> ArgPlan {
    ArgPlan {
        spec: arg.spec.clone(),
        size: arg.size.unwrap_or(address_size.into()),
        signed: arg.signed,
        float: arg.float,
        operand: arg.operand(machine).map_err(|e| e.to_string()),
        kind,
    }
}

#[cfg(test)]
impl ObjectFile {
    pub(crate) fn for_test(exec_segments: Vec<(u64, u64)>) -> ObjectFile {
        ObjectFile {
            path: PathBuf::new(),
            machine: String::new(),
            exec_segments,
            sites: Vec::new(),
            debug_state: None,
            r_debug: None,
            symbols: HashMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bias_from_an_executable_mapping() {
        // A PIE: text at file offset 0x1000, address 0x1000.
        let file = ObjectFile::for_test(vec![(0x1000, 0x1000)]);
        let text = crate::maps::parse_maps("55b30d0a3000-55b30d0a8000 r-xp 00001000 fe:00 1 /p\n")
            .remove(0);
        assert_eq!(file.bias(&text, 4096), Some(0x55b30d0a2000));
        // Segment not page-aligned in the file (old linkers).
        let file = ObjectFile::for_test(vec![(0x5a0, 0x4005a0)]);
        let text = crate::maps::parse_maps("400000-401000 r-xp 00000000 fe:00 1 /p\n").remove(0);
        assert_eq!(file.bias(&text, 4096), Some(0));
        let other = crate::maps::parse_maps("400000-401000 r-xp 00003000 fe:00 1 /p\n").remove(0);
        assert_eq!(file.bias(&other, 4096), None);
    }
}
