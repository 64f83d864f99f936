//! The `-G` stub object: a relocatable ELF object defining the semaphores.
//!
//! SystemTap's `dtrace -G` compiles a small C file with one definition per
//! probe:
//!
//! ```c
//! unsigned short prov_probe_semaphore __attribute__((section(".probes")))
//!     __attribute__((visibility("hidden")));
//! ```
//!
//! This module writes the equivalent object directly, without a C compiler:
//! section `.probes` (`PROGBITS`, writable and allocated) holding one zeroed `unsigned short` per probe, each named by a global,
//! hidden, `STT_OBJECT` symbol of size 2, plus an empty `.note.GNU-stack` so
//! linkers do not ask for an executable stack. Unlike SystemTap's, the
//! section is aligned to the architecture's largest page size
//! ([`Arch::max_page_size`](probe_target::Arch::max_page_size)): see
//! [`generate`]. The header the program is
//! compiled with declares the same names, so the program links against them;
//! tracers raise the semaphore to enable a probe.
//!
//! The object must match the other objects of the link: same machine, ELF
//! class, byte order and ABI flags, which a [`probe_target::ElfTarget`]
//! describes.

use std::collections::HashSet;
use std::fmt;

use object::elf;
use object::write::{Object, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, FileFlags, SectionFlags, SectionKind, SymbolFlags,
    SymbolKind, SymbolScope,
};
use probe_provider::ProviderFile;
use probe_target::names::sdt::semaphore_name;
use probe_target::{Arch, ElfTarget, Endian};

/// Why a stub object could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StubObjectError {
    /// The object writer failed.
    Write(String),
}

impl fmt::Display for StubObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubObjectError::Write(why) => write!(f, "cannot write the stub object: {why}"),
        }
    }
}

impl std::error::Error for StubObjectError {}

fn object_architecture(arch: Arch) -> Architecture {
    match arch {
        Arch::X86_64 => Architecture::X86_64,
        Arch::X32 => Architecture::X86_64_X32,
        Arch::I386 => Architecture::I386,
        Arch::Aarch64 => Architecture::Aarch64,
        Arch::Aarch64Ilp32 => Architecture::Aarch64_Ilp32,
        Arch::Arm => Architecture::Arm,
        Arch::Riscv32 => Architecture::Riscv32,
        Arch::Riscv64 => Architecture::Riscv64,
        Arch::Powerpc => Architecture::PowerPc,
        Arch::Powerpc64 => Architecture::PowerPc64,
        Arch::S390x => Architecture::S390x,
        Arch::Mips => Architecture::Mips,
        Arch::Mips64 => Architecture::Mips64,
        Arch::Mips64N32 => Architecture::Mips64_N32,
        Arch::LoongArch32 => Architecture::LoongArch32,
        Arch::LoongArch64 => Architecture::LoongArch64,
        Arch::Sparc => Architecture::Sparc,
        Arch::Sparc32Plus => Architecture::Sparc32Plus,
        Arch::Sparc64 => Architecture::Sparc64,
        _ => Architecture::Unknown,
    }
}

/// Writes the stub object for `file`: one hidden `unsigned short`
/// `PROVIDER_PROBE_semaphore`, zero, in section `.probes`, per probe.
///
/// `.probes` is aligned to the largest page size of the architecture, so
/// the semaphores never share a file page with the RELRO segment (which
/// lld allows, and which makes the kernel raise a copy of the semaphore the
/// program never reads). Cost: up to one such page of padding per binary.
///
/// Two probes whose semaphore names coincide (provider `a_b` probe `c` and
/// provider `a` probe `b_c`) share one definition, as the C declarations
/// of the header make them share one variable anyway.
pub fn generate(file: &ProviderFile, target: &ElfTarget) -> Result<Vec<u8>, StubObjectError> {
    let endian = match target.endian {
        Endian::Little => Endianness::Little,
        Endian::Big => Endianness::Big,
    };
    let mut obj = Object::new(BinaryFormat::Elf, object_architecture(target.arch), endian);
    obj.flags = FileFlags::Elf {
        os_abi: elf::OsAbi(target.os_abi),
        abi_version: 0,
        e_flags: elf::FileFlags(target.e_flags),
    };

    // Names the provider file in `nm`, link maps and error messages, as the
    // compiled C file's name does in SystemTap's object.
    if let Some(name) = file.path.file_name() {
        obj.add_file_symbol(name.to_string_lossy().as_bytes().to_vec());
    }

    let mut defined = HashSet::new();
    let mut probes_section = None;
    for provider in &file.providers {
        for probe in &provider.probes {
            let name = semaphore_name(provider, probe);
            if !defined.insert(name.clone()) {
                continue;
            }
            let section = *probes_section.get_or_insert_with(|| {
                let id = obj.add_section(Vec::new(), b".probes".to_vec(), SectionKind::Data);
                let section = obj.section_mut(id);
                section.flags = SectionFlags::Elf {
                    sh_type: elf::SHT_PROGBITS,
                    sh_flags: elf::SHF_WRITE | elf::SHF_ALLOC,
                };
                // Page alignment keeps the semaphores off the file page
                // where the RELRO segment ends. lld starts the writable
                // segment on that page; the kernel, finding a semaphore by
                // file offset, takes the first writable mapping of it -- at
                // exec, the not yet protected RELRO mapping -- and raises a
                // copy the program never reads (bpftrace's probes would never
                // be enabled). The output `.probes` takes the largest input
                // alignment, so this also covers other objects' `.probes`.
                section.set_data(Vec::new(), target.arch.max_page_size());
                id
            });
            let symbol = obj.add_symbol(Symbol {
                name: name.into_bytes(),
                value: 0,
                size: 0,
                kind: SymbolKind::Data,
                // Linkage scope is a global symbol with hidden visibility.
                scope: SymbolScope::Linkage,
                weak: false,
                section: SymbolSection::Undefined,
                flags: SymbolFlags::None,
            });
            obj.add_symbol_data(symbol, section, &0u16.to_ne_bytes(), 2);
        }
    }

    // Without this note GNU ld warns that the object implies an executable
    // stack (and older linkers make the stack executable).
    let stack = obj.add_section(Vec::new(), b".note.GNU-stack".to_vec(), SectionKind::Other);
    obj.section_mut(stack).flags = SectionFlags::Elf {
        sh_type: elf::SHT_PROGBITS,
        sh_flags: elf::SectionFlags(0),
    };

    obj.write()
        .map_err(|err| StubObjectError::Write(err.to_string()))
}
