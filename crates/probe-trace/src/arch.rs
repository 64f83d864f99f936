//! What differs between the architectures the tracer runs on: the probe
//! site's `nop`, the trap written over it, where the program counter is
//! after the trap, and the names of the registers in argument operands.
//!
//! The register sets are plain data on every host, so that decoding an
//! AArch64 argument can be tested on x86_64; only [`read_registers`] and
//! [`write_registers`] talk to the kernel, for the host's own architecture.

use nix::unistd::Pid;

/// An architecture the tracer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Machine {
    X86_64,
    Aarch64,
}

impl Machine {
    /// The architecture this tracer was built for, when it can trace there.
    pub fn host() -> Option<Machine> {
        if cfg!(target_arch = "x86_64") {
            Some(Machine::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Machine::Aarch64)
        } else {
            None
        }
    }

    /// The name `probe_inspect` gives it (`ElfProbes::machine`).
    pub fn name(self) -> &'static str {
        match self {
            Machine::X86_64 => "x86_64",
            Machine::Aarch64 => "aarch64",
        }
    }

    /// The instruction at every probe site: what the breakpoint replaces
    /// and what detaching writes back.
    pub fn nop(self) -> &'static [u8] {
        match self {
            Machine::X86_64 => &[0x90],
            // d503201f, little-endian.
            Machine::Aarch64 => &[0x1f, 0x20, 0x03, 0xd5],
        }
    }

    /// The breakpoint: `int3`, or `brk #0`.
    pub fn trap(self) -> &'static [u8] {
        match self {
            Machine::X86_64 => &[0xcc],
            // d4200000
            Machine::Aarch64 => &[0x00, 0x00, 0x20, 0xd4],
        }
    }

    /// The address of the trap instruction, from the program counter the
    /// kernel reports after it: `int3` has executed (one byte), `brk` has not.
    pub fn trap_address(self, pc: u64) -> u64 {
        match self {
            Machine::X86_64 => pc.wrapping_sub(1),
            Machine::Aarch64 => pc,
        }
    }

    /// Where the program resumes after the `nop` at `site`: the trap took
    /// the nop's place, so moving the program counter past it is the whole
    /// of executing it; no single-stepping.
    pub fn after(self, site: u64) -> u64 {
        site + self.nop().len() as u64
    }

    /// Whether the program counter is already past the site after the trap
    /// (x86), so that resuming needs no register write.
    pub fn trap_moves_past(self) -> bool {
        self == Machine::X86_64
    }

    /// The first `ret` instruction of a function that does nothing but
    /// return (the dynamic linker's `_dl_debug_state`), as an offset into
    /// `code`, skipping the landing pads and padding compilers put first.
    /// A breakpoint there is resumed by doing the return by hand.
    pub fn leading_ret(self, code: &[u8]) -> Option<usize> {
        match self {
            Machine::X86_64 => {
                let mut at = 0;
                loop {
                    let rest = code.get(at..)?;
                    if rest.starts_with(&[0xf3, 0x0f, 0x1e, 0xfa]) {
                        at += 4; // endbr64
                    } else if rest.starts_with(&[0x66, 0x90]) {
                        at += 2;
                    } else if rest.starts_with(&[0x90]) {
                        at += 1;
                    } else if rest.starts_with(&[0xc3]) || rest.starts_with(&[0xf3, 0xc3]) {
                        return Some(at); // ret, rep ret
                    } else {
                        return None;
                    }
                }
            }
            Machine::Aarch64 => {
                let words = code
                    .chunks_exact(4)
                    .map(|w| u32::from_le_bytes(w.try_into().unwrap()));
                for (index, word) in words.enumerate() {
                    match word {
                        0xd503_201f => {}                      // nop
                        0xd503_245f => {}                      // bti c
                        0xd65f_03c0 => return Some(index * 4), // ret
                        _ => return None,
                    }
                }
                None
            }
        }
    }
}

/// The registers an argument operand can name, and the program counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registers {
    pub machine: Machine,
    /// x86_64: rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8 ... r15.
    /// AArch64: x0 ... x30, then sp.
    pub general: [u64; 32],
    pub pc: u64,
}

const X86_NAMES: [&str; 16] = [
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];

impl Registers {
    pub fn new(machine: Machine) -> Registers {
        Registers {
            machine,
            general: [0; 32],
            pc: 0,
        }
    }

    /// The value of a register named in an operand, narrowed to the
    /// register's width (`eax` is the low 32 bits of `rax`, `ah` bits 8 to
    /// 15, `w3` the low 32 bits of `x3`); `None` for an unknown name.
    pub fn value(&self, name: &str) -> Option<u64> {
        match self.machine {
            Machine::X86_64 => self.x86_64(name),
            Machine::Aarch64 => self.aarch64(name),
        }
    }

    /// The stack pointer.
    pub fn sp(&self) -> u64 {
        match self.machine {
            Machine::X86_64 => self.general[7],
            Machine::Aarch64 => self.general[31],
        }
    }

    pub fn set_sp(&mut self, value: u64) {
        match self.machine {
            Machine::X86_64 => self.general[7] = value,
            Machine::Aarch64 => self.general[31] = value,
        }
    }

    fn x86_64(&self, name: &str) -> Option<u64> {
        if name == "rip" {
            return Some(self.pc);
        }
        let (index, shift, bits) = x86_register(name)?;
        let value = self.general[index] >> shift;
        Some(if bits == 64 {
            value
        } else {
            value & ((1u64 << bits) - 1)
        })
    }

    fn aarch64(&self, name: &str) -> Option<u64> {
        match name {
            "sp" => return Some(self.general[31]),
            "wsp" => return Some(self.general[31] & 0xffff_ffff),
            "xzr" | "wzr" => return Some(0),
            "fp" => return Some(self.general[29]),
            "lr" => return Some(self.general[30]),
            "pc" => return Some(self.pc),
            _ => {}
        }
        let (wide, number) = match name.split_at(1) {
            ("x", number) => (true, number),
            ("w", number) => (false, number),
            _ => return None,
        };
        if number.len() > 1 && number.starts_with('0') {
            return None;
        }
        let index: usize = number.parse().ok().filter(|&n| n <= 30)?;
        let value = self.general[index];
        Some(if wide { value } else { value & 0xffff_ffff })
    }
}

/// Index into [`Registers::general`], right shift and width of an x86_64
/// register name.
fn x86_register(name: &str) -> Option<(usize, u32, u32)> {
    if let Some(index) = X86_NAMES.iter().position(|&n| n == name) {
        return Some((index, 0, 64));
    }
    // r8d, r8w, r8b (and r8l, as some assemblers spell it).
    if let Some(rest) = name.strip_prefix('r') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let number: usize = rest[..digits].parse().ok()?;
            let bits = match &rest[digits..] {
                "d" => 32,
                "w" => 16,
                "b" | "l" => 8,
                _ => return None,
            };
            return (8..=15).contains(&number).then_some((number, 0, bits));
        }
    }
    let legacy = |base: &str| X86_NAMES[..8].iter().position(|&n| &n[1..] == base);
    if let Some(base) = name.strip_prefix('e') {
        return legacy(base).map(|index| (index, 0, 32));
    }
    if name.len() == 2 {
        if let Some(index) = legacy(name) {
            return Some((index, 0, 16)); // ax, si, bp, ...
        }
    }
    match name {
        "al" => Some((0, 0, 8)),
        "bl" => Some((1, 0, 8)),
        "cl" => Some((2, 0, 8)),
        "dl" => Some((3, 0, 8)),
        "sil" => Some((4, 0, 8)),
        "dil" => Some((5, 0, 8)),
        "bpl" => Some((6, 0, 8)),
        "spl" => Some((7, 0, 8)),
        "ah" => Some((0, 8, 8)),
        "bh" => Some((1, 8, 8)),
        "ch" => Some((2, 8, 8)),
        "dh" => Some((3, 8, 8)),
        _ => None,
    }
}

/// Reads a stopped task's registers.
#[cfg(target_arch = "x86_64")]
pub fn read_registers(pid: Pid) -> nix::Result<Registers> {
    let r = nix::sys::ptrace::getregs(pid)?;
    let mut regs = Registers::new(Machine::X86_64);
    regs.general = [0; 32];
    regs.general[..16].copy_from_slice(&[
        r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8, r.r9, r.r10, r.r11, r.r12,
        r.r13, r.r14, r.r15,
    ]);
    regs.pc = r.rip;
    Ok(regs)
}

/// Writes back the program counter and stack pointer of `regs` (all the
/// tracer ever changes), leaving every other register as the task has it.
#[cfg(target_arch = "x86_64")]
pub fn write_registers(pid: Pid, regs: &Registers) -> nix::Result<()> {
    let mut r = nix::sys::ptrace::getregs(pid)?;
    r.rip = regs.pc;
    r.rsp = regs.sp();
    nix::sys::ptrace::setregs(pid, r)
}

#[cfg(target_arch = "aarch64")]
pub fn read_registers(pid: Pid) -> nix::Result<Registers> {
    let r = nix::sys::ptrace::getregs(pid)?;
    let mut regs = Registers::new(Machine::Aarch64);
    regs.general[..31].copy_from_slice(&r.regs);
    regs.general[31] = r.sp;
    regs.pc = r.pc;
    Ok(regs)
}

#[cfg(target_arch = "aarch64")]
pub fn write_registers(pid: Pid, regs: &Registers) -> nix::Result<()> {
    let mut r = nix::sys::ptrace::getregs(pid)?;
    r.pc = regs.pc;
    r.sp = regs.sp();
    nix::sys::ptrace::setregs(pid, r)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub fn read_registers(_pid: Pid) -> nix::Result<Registers> {
    Err(nix::errno::Errno::ENOSYS)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub fn write_registers(_pid: Pid, _regs: &Registers) -> nix::Result<()> {
    Err(nix::errno::Errno::ENOSYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_64_names_and_widths() {
        let mut regs = Registers::new(Machine::X86_64);
        for (index, value) in regs.general.iter_mut().enumerate().take(16) {
            // Distinct bytes in every lane: 0x..0403020100 + index.
            *value = 0x8877_6655_4433_2211u64.wrapping_add(index as u64 * 0x0101_0101_0101_0101);
        }
        regs.pc = 0x401000;
        let rax = regs.general[0];
        let rsi = regs.general[4];
        let r9 = regs.general[9];
        let cases = [
            ("rax", rax),
            ("eax", rax & 0xffff_ffff),
            ("ax", rax & 0xffff),
            ("al", rax & 0xff),
            ("ah", (rax >> 8) & 0xff),
            ("rsi", rsi),
            ("esi", rsi & 0xffff_ffff),
            ("si", rsi & 0xffff),
            ("sil", rsi & 0xff),
            ("r9", r9),
            ("r9d", r9 & 0xffff_ffff),
            ("r9w", r9 & 0xffff),
            ("r9b", r9 & 0xff),
            ("rsp", regs.general[7]),
            ("spl", regs.general[7] & 0xff),
            ("r15d", regs.general[15] & 0xffff_ffff),
            ("rip", 0x401000),
        ];
        for (name, want) in cases {
            assert_eq!(regs.value(name), Some(want), "{name}");
        }
        for bad in ["r7", "r16d", "r8q", "eip2", "xmm0", "x0"] {
            assert_eq!(regs.value(bad), None, "{bad}");
        }
    }

    #[test]
    fn aarch64_names_and_widths() {
        let mut regs = Registers::new(Machine::Aarch64);
        for (index, value) in regs.general.iter_mut().enumerate() {
            *value = 0xa000_0000_0000_0000 | (index as u64) << 32 | index as u64;
        }
        assert_eq!(regs.value("x0"), Some(0xa000_0000_0000_0000));
        assert_eq!(regs.value("w7"), Some(7));
        assert_eq!(regs.value("x30"), Some(regs.general[30]));
        assert_eq!(regs.value("lr"), Some(regs.general[30]));
        assert_eq!(regs.value("fp"), Some(regs.general[29]));
        assert_eq!(regs.value("sp"), Some(regs.general[31]));
        assert_eq!(regs.value("xzr"), Some(0));
        for bad in ["x31", "w01", "x", "r0", "rax"] {
            assert_eq!(regs.value(bad), None, "{bad}");
        }
    }

    #[test]
    fn leading_ret() {
        let x86 = Machine::X86_64;
        assert_eq!(x86.leading_ret(&[0xc3, 0x66, 0x90]), Some(0));
        assert_eq!(x86.leading_ret(&[0xf3, 0x0f, 0x1e, 0xfa, 0xc3]), Some(4));
        assert_eq!(x86.leading_ret(&[0x90, 0xf3, 0xc3]), Some(1));
        assert_eq!(x86.leading_ret(&[0x55, 0xc3]), None);
        assert_eq!(x86.leading_ret(&[0x90]), None);
        let arm = Machine::Aarch64;
        assert_eq!(arm.leading_ret(&[0xc0, 0x03, 0x5f, 0xd6]), Some(0));
        assert_eq!(
            arm.leading_ret(&[0x5f, 0x24, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6]),
            Some(4)
        );
        // paciasp: the return address is signed; not ours to emulate.
        assert_eq!(
            arm.leading_ret(&[0x3f, 0x23, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6]),
            None
        );
    }
}
