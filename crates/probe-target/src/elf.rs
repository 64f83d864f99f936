use std::fmt;

use crate::arch::{Arch, ElfClass, Endian};

/// What an object must agree on with the other objects of a link: machine,
/// ELF class, byte order and ABI flags (`e_flags`: Arm EABI version, RISC-V
/// float ABI, PowerPC64 ELF ABI version).
///
/// Taken from an object file ([`ElfTarget::from_elf_header`]), a target
/// triple ([`ElfTarget::from_triple`]) or the host ([`ElfTarget::host`]);
/// [`ElfTarget::with_class`] applies `dtrace -32`/`-64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElfTarget {
    pub arch: Arch,
    pub endian: Endian,
    /// The ELF header's `e_flags`. Linkers refuse to mix some values (the
    /// RISC-V float ABI, the PowerPC64 ELF ABI version, MIPS ABIs).
    pub e_flags: u32,
    /// The ELF header's `EI_OSABI` byte (0, System V, almost always).
    pub os_abi: u8,
}

/// Why a target could not be determined.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetError {
    /// The bytes given to [`ElfTarget::from_elf_header`] are not an ELF file.
    NotElf,
    /// An ELF file whose header is cut short or inconsistent.
    BadElfHeader(String),
    /// An ELF machine (`e_machine`, with its class) not known here.
    UnsupportedMachine { machine: u16, class: ElfClass },
    /// A target triple whose architecture is not known here.
    UnsupportedTriple(String),
    /// `-32`/`-64` asked for a class the architecture has no counterpart in.
    UnsupportedClass { arch: Arch, class: ElfClass },
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::NotElf => f.write_str("not an ELF file"),
            TargetError::BadElfHeader(why) => write!(f, "bad ELF header: {why}"),
            TargetError::UnsupportedMachine { machine, class } => write!(
                f,
                "unsupported ELF machine {machine} ({}-bit) for the stub object",
                class.bits()
            ),
            TargetError::UnsupportedTriple(triple) => write!(
                f,
                "unsupported target `{triple}` for the stub object (name an object file of the \
                 target on the command line instead)"
            ),
            TargetError::UnsupportedClass { arch, class } => {
                write!(f, "no {}-bit variant of {}", class.bits(), arch.name())
            }
        }
    }
}

impl std::error::Error for TargetError {}

// e_flags values as GCC and GNU as write them for Linux targets.
const EF_ARM_EABI_VER5: u32 = 0x0500_0000;
const EF_RISCV_RVC: u32 = 0x0001;
const EF_RISCV_FLOAT_ABI_SOFT: u32 = 0x0000;
const EF_RISCV_FLOAT_ABI_SINGLE: u32 = 0x0002;
const EF_RISCV_FLOAT_ABI_DOUBLE: u32 = 0x0004;
const EF_PPC64_ABI_V2: u32 = 2;

impl ElfTarget {
    /// The ELF class of the target's objects.
    pub fn elf_class(&self) -> ElfClass {
        self.arch.elf_class()
    }

    /// The target of an ELF file, usually an object file named on the `-G`
    /// command line: machine, class, byte order, `e_flags` and OS ABI are
    /// copied, so an object written for it links with that file. Only the
    /// first 52 (ELF32) or 64 (ELF64) bytes are read.
    ///
    /// Returns [`TargetError::NotElf`] for anything else (an archive, LLVM
    /// bitcode from `clang -flto`, a libtool `.lo` text file): callers then
    /// look at the next object or fall back to `-32`/`-64` or the C
    /// compiler's target.
    pub fn from_elf_header(bytes: &[u8]) -> Result<ElfTarget, TargetError> {
        if bytes.len() < 16 || &bytes[..4] != b"\x7fELF" {
            return Err(TargetError::NotElf);
        }
        // e_ident: class at 4, data encoding at 5, OS ABI at 7.
        let class = match bytes[4] {
            1 => ElfClass::Elf32,
            2 => ElfClass::Elf64,
            other => {
                return Err(TargetError::BadElfHeader(format!(
                    "unknown ELF class {other}"
                )))
            }
        };
        let endian = match bytes[5] {
            1 => Endian::Little,
            2 => Endian::Big,
            other => {
                return Err(TargetError::BadElfHeader(format!(
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
            return Err(TargetError::BadElfHeader(
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
            .ok_or(TargetError::UnsupportedMachine { machine, class })?;
        Ok(ElfTarget {
            arch,
            endian,
            e_flags,
            os_abi: bytes[7],
        })
    }

    /// The target named by a GNU triple as `cc -dumpmachine` prints it
    /// (`x86_64-linux-gnu`, `i686-linux-gnu`, `arm-linux-gnueabihf`,
    /// `powerpc64le-linux-gnu`, ...), or a Rust target triple
    /// (`x86_64-unknown-linux-gnu`, `riscv64gc-unknown-linux-gnu`, ...).
    ///
    /// The `e_flags` are those GCC's default configuration for the triple
    /// writes. Triples of other architectures (MIPS, SPARC, LoongArch, whose
    /// ABI flags depend on compiler options) are refused: name an object file.
    pub fn from_triple(triple: &str) -> Result<ElfTarget, TargetError> {
        let unsupported = || TargetError::UnsupportedTriple(triple.to_string());
        let mut parts = triple.trim().split('-');
        let cpu = parts
            .next()
            .filter(|cpu| !cpu.is_empty())
            .ok_or_else(unsupported)?;
        let rest: Vec<&str> = parts.collect();
        let environment = rest.last().copied().unwrap_or("");
        let little = |arch| ElfTarget::new(arch, Endian::Little, 0);
        let target = match cpu {
            "x86_64" | "amd64" if environment.ends_with("x32") => little(Arch::X32),
            "x86_64" | "amd64" => little(Arch::X86_64),
            "i386" | "i486" | "i586" | "i686" | "x86" => little(Arch::I386),
            "aarch64" | "arm64" if environment.ends_with("ilp32") => little(Arch::Aarch64Ilp32),
            "aarch64" | "arm64" => little(Arch::Aarch64),
            "aarch64_be" => ElfTarget::new(Arch::Aarch64, Endian::Big, 0),
            "riscv64" | "riscv64gc" => {
                ElfTarget::new(Arch::Riscv64, Endian::Little, riscv_flags(environment))
            }
            "riscv32" | "riscv32gc" => {
                ElfTarget::new(Arch::Riscv32, Endian::Little, riscv_flags(environment))
            }
            "powerpc64le" | "ppc64le" => {
                ElfTarget::new(Arch::Powerpc64, Endian::Little, EF_PPC64_ABI_V2)
            }
            // Big-endian PowerPC64 objects from GCC leave the ABI version
            // unset (0), which links with either version.
            "powerpc64" | "ppc64" => ElfTarget::new(Arch::Powerpc64, Endian::Big, 0),
            "powerpc" | "ppc" => ElfTarget::new(Arch::Powerpc, Endian::Big, 0),
            "powerpcle" | "ppcle" => ElfTarget::new(Arch::Powerpc, Endian::Little, 0),
            "s390x" => ElfTarget::new(Arch::S390x, Endian::Big, 0),
            cpu if cpu.starts_with("arm") || cpu.starts_with("thumb") => {
                let endian = if cpu.ends_with("eb") {
                    Endian::Big
                } else {
                    Endian::Little
                };
                // GCC's objects carry only the EABI version; the float ABI is
                // in .ARM.attributes, which linkers treat as compatible when
                // absent.
                ElfTarget::new(Arch::Arm, endian, EF_ARM_EABI_VER5)
            }
            _ => return Err(unsupported()),
        };
        Ok(target)
    }

    /// The target this program runs on.
    pub fn host() -> Result<ElfTarget, TargetError> {
        let triple = match std::env::consts::ARCH {
            "x86_64" if cfg!(target_pointer_width = "32") => "x86_64-linux-gnux32",
            "x86" => "i686-linux-gnu",
            "arm" if cfg!(target_abi = "eabihf") => "arm-linux-gnueabihf",
            "arm" => "arm-linux-gnueabi",
            "aarch64" if cfg!(target_endian = "big") => "aarch64_be-linux-gnu",
            "powerpc64" if cfg!(target_endian = "little") => "powerpc64le-linux-gnu",
            arch => arch,
        };
        ElfTarget::from_triple(triple)
    }

    /// Applies `-32` or `-64`: the same family in the other ELF class
    /// (x86_64 and x32 become i386 with `-32`, i386 becomes x86_64 with
    /// `-64`; likewise PowerPC, SPARC, RISC-V, LoongArch). A target already
    /// in that class is returned unchanged. Byte order and OS ABI are kept;
    /// `e_flags` are kept where they mean the same in both classes.
    pub fn with_class(self, class: ElfClass) -> Result<ElfTarget, TargetError> {
        if self.elf_class() == class {
            return Ok(self);
        }
        let (arch, e_flags) = match (self.arch, class) {
            (Arch::X86_64 | Arch::X32, ElfClass::Elf32) => (Arch::I386, 0),
            (Arch::I386, ElfClass::Elf64) => (Arch::X86_64, 0),
            (Arch::Powerpc64, ElfClass::Elf32) => (Arch::Powerpc, 0),
            (Arch::Powerpc, ElfClass::Elf64) => {
                let flags = if self.endian == Endian::Little {
                    EF_PPC64_ABI_V2
                } else {
                    0
                };
                (Arch::Powerpc64, flags)
            }
            (Arch::Sparc64, ElfClass::Elf32) => (Arch::Sparc, 0),
            (Arch::Sparc | Arch::Sparc32Plus, ElfClass::Elf64) => (Arch::Sparc64, 0),
            (Arch::Riscv64, ElfClass::Elf32) => (Arch::Riscv32, self.e_flags),
            (Arch::Riscv32, ElfClass::Elf64) => (Arch::Riscv64, self.e_flags),
            (Arch::LoongArch64, ElfClass::Elf32) => (Arch::LoongArch32, self.e_flags),
            (Arch::LoongArch32, ElfClass::Elf64) => (Arch::LoongArch64, self.e_flags),
            (arch, class) => return Err(TargetError::UnsupportedClass { arch, class }),
        };
        Ok(ElfTarget {
            arch,
            e_flags,
            ..self
        })
    }

    fn new(arch: Arch, endian: Endian, e_flags: u32) -> ElfTarget {
        ElfTarget {
            arch,
            endian,
            e_flags,
            os_abi: 0,
        }
    }
}

impl fmt::Display for ElfTarget {
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
