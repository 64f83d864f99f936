//! Linux: SystemTap SDT notes. Each site is a `nop` with a `.note.stapsdt`
//! entry that names it, the semaphore and where each argument is (an
//! `asm!` operand, which the compiler puts in a register).

use probe_target::names::sdt::semaphore_name;
use probe_target::Arch;

use super::template::fill;
use super::{close_str_closures, open_str_closures, ArgKind, Emitter, ProbeCode, SUPPORT};

pub(super) struct Sdt {
    arch: Arch,
}

impl Sdt {
    /// The backend for `arch`, when the generator knows its operand syntax.
    pub(super) fn new(arch: Arch) -> Result<Sdt, String> {
        match arch {
            Arch::X86_64 | Arch::Aarch64 | Arch::Powerpc64 | Arch::S390x | Arch::Riscv64 => {
                Ok(Sdt { arch })
            }
            other => Err(format!(
                "no SDT probe support in Rust for {} yet (x86_64, aarch64, powerpc64, s390x \
                 and riscv64 are supported)",
                other.name()
            )),
        }
    }

    /// The no-op instruction of a probe site (what `<sys/sdt.h>` uses).
    fn nop(&self) -> &'static str {
        match self.arch {
            Arch::S390x => "nop 0",
            _ => "nop",
        }
    }

    /// The operand's register class and the template modifier that prints
    /// the register of the argument's size.
    fn operand(&self, size: u8) -> (&'static str, &'static str) {
        match self.arch {
            Arch::X86_64 => match size {
                1 => ("reg_byte", ""),
                2 => ("reg", ":x"),
                4 => ("reg", ":e"),
                _ => ("reg", ":r"),
            },
            // Tracers cast a register to the argument's size, so the full
            // `x` register is right for every size.
            Arch::Aarch64 => ("reg", ":x"),
            // rustc prints the full register (`3` on POWER, `%r3` on s390x,
            // `a0` on RISC-V), which is what tracers expect there.
            _ => ("reg", ""),
        }
    }
}

const ENABLED: &str = "    /// Whether a tracer is attached to `@signature@` (reads its semaphore).
    #[inline(always)]
    pub fn @bare@_enabled() -> bool {
        // SAFETY: the semaphore is only ever written by tracers (the kernel).
        unsafe { core::ptr::read_volatile(&raw const __@bare@_SEMAPHORE) != 0 }
    }

    /// The semaphore, counted up by each attached tracer. C code and
    /// the note know it as `@semaphore@`, an alias: Rust reaches a
    /// `#[no_mangle]` static through the GOT, and this one directly.
    #[unsafe(link_section = \".probes\")]
    #[used]
    static mut __@bare@_SEMAPHORE: u16 = 0;

    core::arch::global_asm!(
        \".globl @semaphore@\",
        \".hidden @semaphore@\",
        \".set @semaphore@, {semaphore}\",
        semaphore = sym __@bare@_SEMAPHORE,
    );

";

/// The assembler lines of one site: the `nop`, then the note that points at
/// it. `{aN}` and `{semaphore}` are `asm!` operands.
const SITE_ASM: &[&str] = &[
    "990: @nop@",
    // One `.stapsdt.base` per object, merged across objects by the comdat
    // group and kept by `R` (SHF_GNU_RETAIN): tracers use it to find how far
    // the object was moved after linking.
    ".ifndef _.stapsdt.base",
    ".pushsection .stapsdt.base, \"aGR\", \"progbits\", .stapsdt.base, comdat",
    ".weak _.stapsdt.base",
    ".hidden _.stapsdt.base",
    "_.stapsdt.base: .space 1",
    ".size _.stapsdt.base, 1",
    ".popsection",
    ".endif",
    // The semaphores must not share a file page with the RELRO segment:
    // rust-lld starts the writable segment after RELRO on the same file
    // page, and the kernel, looking for the semaphore's file offset, would
    // increment the copy in the (still writable at exec) RELRO mapping
    // instead. An empty, retained, page-aligned piece of `.probes` starts
    // the section on a page of its own.
    ".ifndef .L.probes.page",
    ".pushsection .probes, \"awR\", \"progbits\"",
    ".balign @page_size@",
    ".L.probes.page:",
    ".popsection",
    ".endif",
    ".pushsection .note.stapsdt, \"?\", \"note\"",
    ".balign 4",
    ".4byte 992f-991f, 994f-993f, 3",
    "991: .asciz \"stapsdt\"",
    "992: .balign 4",
    "993: @address@ 990b",
    "@address@ _.stapsdt.base",
    "@address@ {semaphore}",
    ".asciz \"@provider@\"",
    ".asciz \"@probe@\"",
    ".asciz \"@arguments@\"",
    "994: .balign 4",
    ".popsection",
];

const SITE: &str = "@pad@// SAFETY: a `nop` and a note section; no register or memory is changed.
@pad@unsafe {
@pad@    core::arch::asm!(
@lines@@pad@        semaphore = sym __@bare@_SEMAPHORE,
@pad@        options(@options@),
@pad@    );
@pad@}
";

/// Text for an `.asciz` string inside `asm!`: escaped for the assembler,
/// and braces doubled for `asm!`'s format syntax when `braces` is set.
fn asciz_text(s: &str, braces: bool) -> String {
    let s = s.replace('\\', "\\\\").replace('"', "\\\"");
    if braces {
        s.replace('{', "{{").replace('}', "}}")
    } else {
        s
    }
}

impl Emitter for Sdt {
    fn description(&self) -> String {
        format!("SystemTap SDT, {:?}", self.arch)
    }

    fn c_abi(&self) -> (u8, bool) {
        (self.arch.pointer_width(), self.arch.char_is_signed())
    }

    fn enabled_items(&self, code: &ProbeCode) -> String {
        fill(
            ENABLED,
            &[
                ("signature", &code.signature),
                ("bare", &code.bare),
                ("semaphore", &semaphore_name(code.provider, code.probe)),
            ],
        )
    }

    fn fire_body(&self, code: &ProbeCode) -> String {
        let indent = "        ";
        // Strings are passed inside nested closures so their buffers live
        // until the asm has run.
        let (mut out, depth) = open_str_closures(&code.args, indent);
        let pad = format!("{indent}{}", "    ".repeat(depth));
        let mut operands = Vec::new();
        let mut note_args = Vec::new();
        for (i, a) in code.args.iter().enumerate() {
            let (size, signed) = a.kind.note_size(self.arch.pointer_width());
            let value = match &a.kind {
                ArgKind::Int { .. } => format!(
                    "{} as {}{}",
                    a.name,
                    if signed { 'i' } else { 'u' },
                    size as u32 * 8
                ),
                ArgKind::Bool => format!("{} as u8", a.name),
                ArgKind::Str => format!("{} as usize", a.name),
                ArgKind::Ptr => format!("super::{SUPPORT}::ProbePtr::addr({})", a.name),
                ArgKind::Float { .. } => format!("{}.to_bits()", a.name),
            };
            let (class, modifier) = self.operand(size);
            operands.push(format!("a{i} = in({class}) {value}"));
            // `f` marks a floating-point value (its bits, in an integer
            // register), as <sys/sdt.h> and the C header write it.
            let float = if matches!(a.kind, ArgKind::Float { .. }) {
                "f"
            } else {
                ""
            };
            note_args.push(format!(
                "{}{size}{float}@{{a{i}{modifier}}}",
                if signed { "-" } else { "" }
            ));
        }
        let address = match self.arch.pointer_width() {
            8 => ".8byte",
            _ => ".4byte",
        };
        let page_size = self.arch.max_page_size().to_string();
        let provider = asciz_text(&code.provider.name, true);
        let probe = asciz_text(&code.probe.name, true);
        let arguments = asciz_text(&note_args.join(" "), false);
        let values = [
            ("nop", self.nop()),
            ("page_size", &page_size),
            ("address", address),
            ("provider", &provider),
            ("probe", &probe),
            ("arguments", &arguments),
        ];
        let mut lines = String::new();
        for line in SITE_ASM {
            lines.push_str(&format!("{pad}        {:?},\n", fill(line, &values)));
        }
        for operand in operands {
            lines.push_str(&format!("{pad}        {operand},\n"));
        }
        let options = match self.arch {
            Arch::X86_64 => "att_syntax, readonly, nostack, preserves_flags",
            _ => "readonly, nostack, preserves_flags",
        };
        out.push_str(&fill(
            SITE,
            &[
                ("pad", &pad),
                ("lines", &lines),
                ("bare", &code.bare),
                ("options", options),
            ],
        ));
        close_str_closures(&mut out, depth, indent);
        out
    }
}
