/// A machine objects are built for: an ELF machine with its class.
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
    Powerpc,
    Powerpc64,
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

/// Byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

impl ElfClass {
    /// 32 or 64.
    pub fn bits(self) -> u32 {
        match self {
            ElfClass::Elf32 => 32,
            ElfClass::Elf64 => 64,
        }
    }
}

// ELF machine numbers (`e_machine`) of the architectures above.
pub(crate) const EM_SPARC: u16 = 2;
pub(crate) const EM_386: u16 = 3;
pub(crate) const EM_MIPS: u16 = 8;
pub(crate) const EM_SPARC32PLUS: u16 = 18;
pub(crate) const EM_PPC: u16 = 20;
pub(crate) const EM_PPC64: u16 = 21;
pub(crate) const EM_S390: u16 = 22;
pub(crate) const EM_ARM: u16 = 40;
pub(crate) const EM_SPARCV9: u16 = 43;
pub(crate) const EM_X86_64: u16 = 62;
pub(crate) const EM_AARCH64: u16 = 183;
pub(crate) const EM_RISCV: u16 = 243;
pub(crate) const EM_LOONGARCH: u16 = 258;
/// MIPS n32 in `e_flags`.
pub(crate) const EF_MIPS_ABI2: u32 = 0x20;

impl Arch {
    /// The architecture's usual name (as in GNU target triples).
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
            Arch::Powerpc => "powerpc",
            Arch::Powerpc64 => "powerpc64",
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

    /// The architecture for a Rust `target_arch` value (`CARGO_CFG_TARGET_ARCH`).
    pub fn from_rust_target_arch(arch: &str) -> Option<Arch> {
        Some(match arch {
            "x86_64" => Arch::X86_64,
            "x86" => Arch::I386,
            "aarch64" => Arch::Aarch64,
            "arm" => Arch::Arm,
            "riscv32" => Arch::Riscv32,
            "riscv64" => Arch::Riscv64,
            "powerpc" => Arch::Powerpc,
            "powerpc64" => Arch::Powerpc64,
            "s390x" => Arch::S390x,
            "mips" => Arch::Mips,
            "mips64" => Arch::Mips64,
            "loongarch64" => Arch::LoongArch64,
            "sparc" => Arch::Sparc,
            "sparc64" => Arch::Sparc64,
            _ => return None,
        })
    }

    /// The ELF class objects for this architecture have.
    pub fn elf_class(self) -> ElfClass {
        match self {
            Arch::X86_64
            | Arch::Aarch64
            | Arch::Riscv64
            | Arch::Powerpc64
            | Arch::S390x
            | Arch::Mips64
            | Arch::LoongArch64
            | Arch::Sparc64 => ElfClass::Elf64,
            Arch::X32
            | Arch::I386
            | Arch::Aarch64Ilp32
            | Arch::Arm
            | Arch::Riscv32
            | Arch::Powerpc
            | Arch::Mips
            | Arch::Mips64N32
            | Arch::LoongArch32
            | Arch::Sparc
            | Arch::Sparc32Plus => ElfClass::Elf32,
        }
    }

    /// The size of a pointer (and of C's `long` on Linux), in bytes.
    pub fn pointer_width(self) -> u8 {
        match self.elf_class() {
            ElfClass::Elf32 => 4,
            ElfClass::Elf64 => 8,
        }
    }

    /// The ELF machine number (`e_machine`).
    pub fn elf_machine(self) -> u16 {
        match self {
            Arch::X86_64 | Arch::X32 => EM_X86_64,
            Arch::I386 => EM_386,
            Arch::Aarch64 | Arch::Aarch64Ilp32 => EM_AARCH64,
            Arch::Arm => EM_ARM,
            Arch::Riscv32 | Arch::Riscv64 => EM_RISCV,
            Arch::Powerpc => EM_PPC,
            Arch::Powerpc64 => EM_PPC64,
            Arch::S390x => EM_S390,
            Arch::Mips | Arch::Mips64 | Arch::Mips64N32 => EM_MIPS,
            Arch::LoongArch32 | Arch::LoongArch64 => EM_LOONGARCH,
            Arch::Sparc => EM_SPARC,
            Arch::Sparc32Plus => EM_SPARC32PLUS,
            Arch::Sparc64 => EM_SPARCV9,
        }
    }

    /// The architecture of an ELF machine number in a class (`e_flags`
    /// tells MIPS n32 from o32).
    pub fn from_elf_machine(machine: u16, class: ElfClass, e_flags: u32) -> Option<Arch> {
        use ElfClass::{Elf32, Elf64};
        Some(match (machine, class) {
            (EM_X86_64, Elf64) => Arch::X86_64,
            (EM_X86_64, Elf32) => Arch::X32,
            (EM_386, Elf32) => Arch::I386,
            (EM_AARCH64, Elf64) => Arch::Aarch64,
            (EM_AARCH64, Elf32) => Arch::Aarch64Ilp32,
            (EM_ARM, Elf32) => Arch::Arm,
            (EM_RISCV, Elf32) => Arch::Riscv32,
            (EM_RISCV, Elf64) => Arch::Riscv64,
            (EM_PPC, Elf32) => Arch::Powerpc,
            (EM_PPC64, Elf64) => Arch::Powerpc64,
            (EM_S390, Elf64) => Arch::S390x,
            (EM_MIPS, Elf32) if e_flags & EF_MIPS_ABI2 != 0 => Arch::Mips64N32,
            (EM_MIPS, Elf32) => Arch::Mips,
            (EM_MIPS, Elf64) => Arch::Mips64,
            (EM_LOONGARCH, Elf32) => Arch::LoongArch32,
            (EM_LOONGARCH, Elf64) => Arch::LoongArch64,
            (EM_SPARC, Elf32) => Arch::Sparc,
            (EM_SPARC32PLUS, Elf32) => Arch::Sparc32Plus,
            (EM_SPARCV9, Elf64) => Arch::Sparc64,
            _ => return None,
        })
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
            | Arch::Powerpc
            | Arch::Powerpc64
            | Arch::Mips
            | Arch::Mips64
            | Arch::Mips64N32
            | Arch::LoongArch32
            | Arch::LoongArch64 => 0x10000,
        }
    }

    /// Whether plain C `char` is signed in the Linux ABI of the architecture
    /// (x86, MIPS, SPARC, LoongArch); it is unsigned on Arm, POWER, s390x
    /// and RISC-V.
    pub fn char_is_signed(self) -> bool {
        matches!(
            self,
            Arch::X86_64
                | Arch::X32
                | Arch::I386
                | Arch::Mips
                | Arch::Mips64
                | Arch::Mips64N32
                | Arch::LoongArch32
                | Arch::LoongArch64
                | Arch::Sparc
                | Arch::Sparc32Plus
                | Arch::Sparc64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elf_machine_round_trips() {
        for arch in [
            Arch::X86_64,
            Arch::X32,
            Arch::I386,
            Arch::Aarch64,
            Arch::Aarch64Ilp32,
            Arch::Arm,
            Arch::Riscv32,
            Arch::Riscv64,
            Arch::Powerpc,
            Arch::Powerpc64,
            Arch::S390x,
            Arch::Mips,
            Arch::Mips64,
            Arch::LoongArch32,
            Arch::LoongArch64,
            Arch::Sparc,
            Arch::Sparc32Plus,
            Arch::Sparc64,
        ] {
            assert_eq!(
                Arch::from_elf_machine(arch.elf_machine(), arch.elf_class(), 0),
                Some(arch)
            );
        }
        assert_eq!(
            Arch::from_elf_machine(EM_MIPS, ElfClass::Elf32, EF_MIPS_ABI2),
            Some(Arch::Mips64N32)
        );
    }

    #[test]
    fn facts() {
        assert_eq!(Arch::X86_64.max_page_size(), 4096);
        assert_eq!(Arch::Aarch64.max_page_size(), 65536);
        assert!(Arch::X86_64.char_is_signed());
        assert!(!Arch::Aarch64.char_is_signed());
        assert_eq!(Arch::I386.pointer_width(), 4);
        assert_eq!(Arch::from_rust_target_arch("x86"), Some(Arch::I386));
        assert_eq!(Arch::from_rust_target_arch("wasm32"), None);
    }
}
