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
//! ([`Arch::max_page_size`]): see [`generate`]. The header the program is
//! compiled with declares the same names, so the program links against them;
//! tracers raise the semaphore to enable a probe.
//!
//! The object must match the other objects of the link: same machine, ELF
//! class, byte order and ABI flags (`e_flags`: Arm EABI version, RISC-V float
//! ABI, PowerPC64 ELF ABI version). [`ObjectTarget`] describes that and can be
//! taken from an object file ([`ObjectTarget::from_elf_object`]), a target
//! triple ([`ObjectTarget::from_triple`]) or the host ([`ObjectTarget::host`]);
//! [`ObjectTarget::with_class`] applies `-32`/`-64`.

use std::collections::HashSet;
use std::fmt;

use object::elf;
use object::write::{Object, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, FileFlags, SectionFlags, SectionKind, SymbolFlags,
    SymbolKind, SymbolScope,
};
use probe_provider::ProviderFile;

/// The machine an object is for.
///
/// The variant fixes the ELF machine and class (`X32` is `EM_X86_64` with
/// 32-bit ELF; `I386` is `EM_386`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Arch {
    X86_64,
    /// The x32 ABI: x86-64 instructions, 32-bit ELF.
    X32,
    I386,
    Aarch64,
    /// AArch64 ILP32: 32-bit ELF.
    Aarch64Ilp32,
    Arm,
    Riscv32,
    Riscv64,
    PowerPc,
    PowerPc64,
    S390x,
    Mips,
    Mips64,
    /// MIPS n32: 32-bit ELF, 64-bit instructions.
    Mips64N32,
    LoongArch32,
    LoongArch64,
    Sparc,
    Sparc32Plus,
    Sparc64,
}

/// ELF file class: the size of addresses in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElfClass {
    Elf32,
    Elf64,
}

/// Byte order of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

/// What the stub object must agree on with the other objects of the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectTarget {
    pub arch: Arch,
    pub endian: Endian,
    /// The ELF header's `e_flags`. Linkers refuse to mix some values (the
    /// RISC-V float ABI, the PowerPC64 ELF ABI version, MIPS ABIs).
    pub e_flags: u32,
    /// The ELF header's `EI_OSABI` byte (0, System V, almost always).
    pub os_abi: u8,
}

/// Why a stub object or a target could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StubObjectError {
    /// The bytes given to [`ObjectTarget::from_elf_object`] are not an ELF file.
    NotElf,
    /// An ELF file whose header is cut short or inconsistent.
    BadElfHeader(String),
    /// An ELF machine (`e_machine`, with its class) this writer cannot produce.
    UnsupportedMachine { machine: u16, class: ElfClass },
    /// A target triple whose architecture is not known here.
    UnsupportedTriple(String),
    /// `-32`/`-64` asked for a class the architecture has no counterpart in.
    UnsupportedClass { arch: Arch, class: ElfClass },
    /// The object writer failed.
    Write(String),
}

impl fmt::Display for StubObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubObjectError::NotElf => f.write_str("not an ELF file"),
            StubObjectError::BadElfHeader(why) => write!(f, "bad ELF header: {why}"),
            StubObjectError::UnsupportedMachine { machine, class } => write!(
                f,
                "unsupported ELF machine {machine} ({}-bit) for the stub object",
                class.bits()
            ),
            StubObjectError::UnsupportedTriple(triple) => write!(
                f,
                "unsupported target `{triple}` for the stub object (name an object file of the \
                 target on the command line instead)"
            ),
            StubObjectError::UnsupportedClass { arch, class } => {
                write!(f, "no {}-bit variant of {}", class.bits(), arch.name())
            }
            StubObjectError::Write(why) => write!(f, "cannot write the stub object: {why}"),
        }
    }
}

impl std::error::Error for StubObjectError {}

impl ElfClass {
    /// 32 or 64.
    pub fn bits(self) -> u32 {
        match self {
            ElfClass::Elf32 => 32,
            ElfClass::Elf64 => 64,
        }
    }
}

// e_flags values as GCC and GNU as write them for Linux targets.
const EF_ARM_EABI_VER5: u32 = 0x0500_0000;
const EF_RISCV_RVC: u32 = 0x0001;
const EF_RISCV_FLOAT_ABI_SOFT: u32 = 0x0000;
const EF_RISCV_FLOAT_ABI_SINGLE: u32 = 0x0002;
const EF_RISCV_FLOAT_ABI_DOUBLE: u32 = 0x0004;
const EF_PPC64_ABI_V2: u32 = 2;

impl Arch {
    /// The architecture's usual name (as in target triples).
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::X32 => "x32",
            Arch::I386 => "i386",
            Arch::Aarch64 => "aarch64",
            Arch::Aarch64Ilp32 => "aarch64_ilp32",
            Arch::Arm => "arm",
            Arch::Riscv32 => "riscv32",
            Arch::Riscv64 => "riscv64",
            Arch::PowerPc => "powerpc",
            Arch::PowerPc64 => "powerpc64",
            Arch::S390x => "s390x",
            Arch::Mips => "mips",
            Arch::Mips64 => "mips64",
            Arch::Mips64N32 => "mips64_n32",
            Arch::LoongArch32 => "loongarch32",
            Arch::LoongArch64 => "loongarch64",
            Arch::Sparc => "sparc",
            Arch::Sparc32Plus => "sparc32plus",
            Arch::Sparc64 => "sparc64",
        }
    }

    /// The ELF class objects for this architecture have.
    pub fn elf_class(self) -> ElfClass {
        match self {
            Arch::X86_64
            | Arch::Aarch64
            | Arch::Riscv64
            | Arch::PowerPc64
            | Arch::S390x
            | Arch::Mips64
            | Arch::LoongArch64
            | Arch::Sparc64 => ElfClass::Elf64,
            Arch::X32
            | Arch::I386
            | Arch::Aarch64Ilp32
            | Arch::Arm
            | Arch::Riscv32
            | Arch::PowerPc
            | Arch::Mips
            | Arch::Mips64N32
            | Arch::LoongArch32
            | Arch::Sparc
            | Arch::Sparc32Plus => ElfClass::Elf32,
        }
    }

    /// The largest page size a Linux kernel for the architecture may use:
    /// the alignment that puts the semaphores on a page of their own in
    /// any build of the program.
    pub fn max_page_size(self) -> u64 {
        match self {
            Arch::X86_64 | Arch::X32 | Arch::I386 => 0x1000,
            // 32-bit Arm Linux has 4 KiB pages only.
            Arch::Arm => 0x1000,
            Arch::Riscv32 | Arch::Riscv64 | Arch::S390x => 0x1000,
            // sparc64 kernels use 8 KiB pages, also for 32-bit programs.
            Arch::Sparc | Arch::Sparc32Plus | Arch::Sparc64 => 0x2000,
            // 16 or 64 KiB pages are kernel configuration options.
            Arch::Aarch64
            | Arch::Aarch64Ilp32
            | Arch::PowerPc
            | Arch::PowerPc64
            | Arch::Mips
            | Arch::Mips64
            | Arch::Mips64N32
            | Arch::LoongArch32
            | Arch::LoongArch64 => 0x10000,
        }
    }

    fn to_object(self) -> Architecture {
        match self {
            Arch::X86_64 => Architecture::X86_64,
            Arch::X32 => Architecture::X86_64_X32,
            Arch::I386 => Architecture::I386,
            Arch::Aarch64 => Architecture::Aarch64,
            Arch::Aarch64Ilp32 => Architecture::Aarch64_Ilp32,
            Arch::Arm => Architecture::Arm,
            Arch::Riscv32 => Architecture::Riscv32,
            Arch::Riscv64 => Architecture::Riscv64,
            Arch::PowerPc => Architecture::PowerPc,
            Arch::PowerPc64 => Architecture::PowerPc64,
            Arch::S390x => Architecture::S390x,
            Arch::Mips => Architecture::Mips,
            Arch::Mips64 => Architecture::Mips64,
            Arch::Mips64N32 => Architecture::Mips64_N32,
            Arch::LoongArch32 => Architecture::LoongArch32,
            Arch::LoongArch64 => Architecture::LoongArch64,
            Arch::Sparc => Architecture::Sparc,
            Arch::Sparc32Plus => Architecture::Sparc32Plus,
            Arch::Sparc64 => Architecture::Sparc64,
        }
    }

    fn from_elf_machine(machine: u16, class: ElfClass, e_flags: u32) -> Option<Arch> {
        use ElfClass::{Elf32, Elf64};
        Some(match (elf::Machine(machine), class) {
            (elf::EM_X86_64, Elf64) => Arch::X86_64,
            (elf::EM_X86_64, Elf32) => Arch::X32,
            (elf::EM_386, Elf32) => Arch::I386,
            (elf::EM_AARCH64, Elf64) => Arch::Aarch64,
            (elf::EM_AARCH64, Elf32) => Arch::Aarch64Ilp32,
            (elf::EM_ARM, Elf32) => Arch::Arm,
            (elf::EM_RISCV, Elf32) => Arch::Riscv32,
            (elf::EM_RISCV, Elf64) => Arch::Riscv64,
            (elf::EM_PPC, Elf32) => Arch::PowerPc,
            (elf::EM_PPC64, Elf64) => Arch::PowerPc64,
            (elf::EM_S390, Elf64) => Arch::S390x,
            // The writer sets EF_MIPS_ABI2 itself for n32; keep the rest.
            (elf::EM_MIPS, Elf32) if e_flags & elf::EF_MIPS_ABI2.0 != 0 => Arch::Mips64N32,
            (elf::EM_MIPS, Elf32) => Arch::Mips,
            (elf::EM_MIPS, Elf64) => Arch::Mips64,
            (elf::EM_LOONGARCH, Elf32) => Arch::LoongArch32,
            (elf::EM_LOONGARCH, Elf64) => Arch::LoongArch64,
            (elf::EM_SPARC, Elf32) => Arch::Sparc,
            (elf::EM_SPARC32PLUS, Elf32) => Arch::Sparc32Plus,
            (elf::EM_SPARCV9, Elf64) => Arch::Sparc64,
            _ => return None,
        })
    }
}

impl ObjectTarget {
    /// The ELF class the object will have.
    pub fn elf_class(&self) -> ElfClass {
        self.arch.elf_class()
    }

    /// The target of an ELF file, usually an object file named on the `-G`
    /// command line: machine, class, byte order, `e_flags` and OS ABI are
    /// copied, so the stub links with it.
    ///
    /// Returns [`StubObjectError::NotElf`] for anything else (an archive,
    /// LLVM bitcode from `clang -flto`, a libtool `.lo` text file): callers
    /// then look at the next object or fall back to `-32`/`-64` or the C
    /// compiler's target.
    pub fn from_elf_object(bytes: &[u8]) -> Result<ObjectTarget, StubObjectError> {
        if bytes.len() < 16 || &bytes[..4] != b"\x7fELF" {
            return Err(StubObjectError::NotElf);
        }
        // e_ident: class at 4, data encoding at 5, OS ABI at 7.
        let class = match bytes[4] {
            1 => ElfClass::Elf32,
            2 => ElfClass::Elf64,
            other => {
                return Err(StubObjectError::BadElfHeader(format!(
                    "unknown ELF class {other}"
                )))
            }
        };
        let endian = match bytes[5] {
            1 => Endian::Little,
            2 => Endian::Big,
            other => {
                return Err(StubObjectError::BadElfHeader(format!(
                    "unknown ELF data encoding {other}"
                )))
            }
        };
        // e_machine is at offset 18 in both classes; e_flags follows e_entry,
        // e_phoff and e_shoff, which are address-sized.
        let flags_offset = match class {
            ElfClass::Elf32 => 36,
            ElfClass::Elf64 => 48,
        };
        if bytes.len() < flags_offset + 4 {
            return Err(StubObjectError::BadElfHeader(
                "file ends inside the ELF header".into(),
            ));
        }
        let machine = [bytes[18], bytes[19]];
        let flags = [
            bytes[flags_offset],
            bytes[flags_offset + 1],
            bytes[flags_offset + 2],
            bytes[flags_offset + 3],
        ];
        let (machine, e_flags) = match endian {
            Endian::Little => (u16::from_le_bytes(machine), u32::from_le_bytes(flags)),
            Endian::Big => (u16::from_be_bytes(machine), u32::from_be_bytes(flags)),
        };
        let arch = Arch::from_elf_machine(machine, class, e_flags)
            .ok_or(StubObjectError::UnsupportedMachine { machine, class })?;
        Ok(ObjectTarget {
            arch,
            endian,
            e_flags,
            os_abi: bytes[7],
        })
    }

    /// The target named by a GNU triple as `cc -dumpmachine` prints it:
    /// `x86_64-linux-gnu`, `x86_64-unknown-linux-gnu`, `i686-linux-gnu`,
    /// `aarch64-linux-gnu`, `arm-linux-gnueabihf`, `riscv64-linux-gnu`,
    /// `powerpc64le-linux-gnu`, `s390x-linux-gnu`, ...
    ///
    /// The `e_flags` are those GCC's default configuration for the triple
    /// writes. Triples of other architectures (MIPS, SPARC, LoongArch, whose
    /// ABI flags depend on compiler options) are refused: name an object file.
    pub fn from_triple(triple: &str) -> Result<ObjectTarget, StubObjectError> {
        let unsupported = || StubObjectError::UnsupportedTriple(triple.to_string());
        let mut parts = triple.trim().split('-');
        let cpu = parts
            .next()
            .filter(|cpu| !cpu.is_empty())
            .ok_or_else(unsupported)?;
        let rest: Vec<&str> = parts.collect();
        let environment = rest.last().copied().unwrap_or("");
        let little = |arch| ObjectTarget::new(arch, Endian::Little, 0);
        let target = match cpu {
            "x86_64" | "amd64" if environment.ends_with("x32") => little(Arch::X32),
            "x86_64" | "amd64" => little(Arch::X86_64),
            "i386" | "i486" | "i586" | "i686" | "x86" => little(Arch::I386),
            "aarch64" | "arm64" if environment.ends_with("ilp32") => little(Arch::Aarch64Ilp32),
            "aarch64" | "arm64" => little(Arch::Aarch64),
            "aarch64_be" => ObjectTarget::new(Arch::Aarch64, Endian::Big, 0),
            "riscv64" | "riscv64gc" => {
                ObjectTarget::new(Arch::Riscv64, Endian::Little, riscv_flags(environment))
            }
            "riscv32" | "riscv32gc" => {
                ObjectTarget::new(Arch::Riscv32, Endian::Little, riscv_flags(environment))
            }
            "powerpc64le" | "ppc64le" => {
                ObjectTarget::new(Arch::PowerPc64, Endian::Little, EF_PPC64_ABI_V2)
            }
            // Big-endian PowerPC64 objects from GCC leave the ABI version
            // unset (0), which links with either version.
            "powerpc64" | "ppc64" => ObjectTarget::new(Arch::PowerPc64, Endian::Big, 0),
            "powerpc" | "ppc" => ObjectTarget::new(Arch::PowerPc, Endian::Big, 0),
            "powerpcle" | "ppcle" => ObjectTarget::new(Arch::PowerPc, Endian::Little, 0),
            "s390x" => ObjectTarget::new(Arch::S390x, Endian::Big, 0),
            cpu if cpu.starts_with("arm") || cpu.starts_with("thumb") => {
                let endian = if cpu.ends_with("eb") {
                    Endian::Big
                } else {
                    Endian::Little
                };
                // GCC's objects carry only the EABI version; the float ABI is
                // in .ARM.attributes, which linkers treat as compatible when
                // absent.
                ObjectTarget::new(Arch::Arm, endian, EF_ARM_EABI_VER5)
            }
            _ => return Err(unsupported()),
        };
        Ok(target)
    }

    /// The target this program runs on.
    pub fn host() -> Result<ObjectTarget, StubObjectError> {
        let triple = match std::env::consts::ARCH {
            "x86_64" if cfg!(target_pointer_width = "32") => "x86_64-linux-gnux32",
            "x86" => "i686-linux-gnu",
            "arm" if cfg!(target_abi = "eabihf") => "arm-linux-gnueabihf",
            "arm" => "arm-linux-gnueabi",
            "aarch64" if cfg!(target_endian = "big") => "aarch64_be-linux-gnu",
            "powerpc64" if cfg!(target_endian = "little") => "powerpc64le-linux-gnu",
            arch => arch,
        };
        ObjectTarget::from_triple(triple)
    }

    /// Applies `-32` or `-64`: the same family in the other ELF class
    /// (x86_64 and x32 become i386 with `-32`, i386 becomes x86_64 with
    /// `-64`; likewise PowerPC, SPARC, RISC-V, LoongArch). A target already
    /// in that class is returned unchanged. Byte order and OS ABI are kept;
    /// `e_flags` are kept where they mean the same in both classes.
    pub fn with_class(self, class: ElfClass) -> Result<ObjectTarget, StubObjectError> {
        if self.elf_class() == class {
            return Ok(self);
        }
        let (arch, e_flags) = match (self.arch, class) {
            (Arch::X86_64 | Arch::X32, ElfClass::Elf32) => (Arch::I386, 0),
            (Arch::I386, ElfClass::Elf64) => (Arch::X86_64, 0),
            (Arch::PowerPc64, ElfClass::Elf32) => (Arch::PowerPc, 0),
            (Arch::PowerPc, ElfClass::Elf64) => {
                let flags = if self.endian == Endian::Little {
                    EF_PPC64_ABI_V2
                } else {
                    0
                };
                (Arch::PowerPc64, flags)
            }
            (Arch::Sparc64, ElfClass::Elf32) => (Arch::Sparc, 0),
            (Arch::Sparc | Arch::Sparc32Plus, ElfClass::Elf64) => (Arch::Sparc64, 0),
            (Arch::Riscv64, ElfClass::Elf32) => (Arch::Riscv32, self.e_flags),
            (Arch::Riscv32, ElfClass::Elf64) => (Arch::Riscv64, self.e_flags),
            (Arch::LoongArch64, ElfClass::Elf32) => (Arch::LoongArch32, self.e_flags),
            (Arch::LoongArch32, ElfClass::Elf64) => (Arch::LoongArch64, self.e_flags),
            (arch, class) => return Err(StubObjectError::UnsupportedClass { arch, class }),
        };
        Ok(ObjectTarget {
            arch,
            e_flags,
            ..self
        })
    }

    fn new(arch: Arch, endian: Endian, e_flags: u32) -> ObjectTarget {
        ObjectTarget {
            arch,
            endian,
            e_flags,
            os_abi: 0,
        }
    }
}

impl fmt::Display for ObjectTarget {
    /// `x86_64 (ELF64 little-endian, e_flags 0x0)`, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (ELF{} {}-endian, e_flags {:#x})",
            self.arch.name(),
            self.elf_class().bits(),
            if self.endian == Endian::Big {
                "big"
            } else {
                "little"
            },
            self.e_flags
        )
    }
}

/// The RISC-V e_flags GCC writes by default: compressed instructions, and the
/// float ABI the triple implies (Debian's riscv64 uses lp64d).
fn riscv_flags(environment: &str) -> u32 {
    let float_abi = if environment.ends_with("sf") || environment.contains("soft") {
        EF_RISCV_FLOAT_ABI_SOFT
    } else if environment.ends_with("_f") {
        EF_RISCV_FLOAT_ABI_SINGLE
    } else {
        EF_RISCV_FLOAT_ABI_DOUBLE
    };
    EF_RISCV_RVC | float_abi
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
pub fn generate(file: &ProviderFile, target: &ObjectTarget) -> Result<Vec<u8>, StubObjectError> {
    let endian = match target.endian {
        Endian::Little => Endianness::Little,
        Endian::Big => Endianness::Big,
    };
    let mut obj = Object::new(BinaryFormat::Elf, target.arch.to_object(), endian);
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
            let name = provider.semaphore_name(probe);
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
