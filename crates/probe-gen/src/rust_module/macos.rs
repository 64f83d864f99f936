//! macOS: each site is an `asm!` call to the symbols Apple's `ld64`
//! rewrites into `nop`s (`__dtrace_probe$PROV$NAME$v1$...`,
//! `__dtrace_isenabled$PROV$NAME$v1`), with the `.reference`s to the
//! provider's stability and typedefs symbols the C header's macros make.

use probe_provider::Provider;
use probe_target::names::macos::{
    isenabled_function_name, probe_function_name, stability_symbol, typedefs_symbol,
};
use probe_target::Arch;

use super::template::fill;
use super::{close_str_closures, open_str_closures, widened_value, Emitter, ProbeCode};

pub(super) struct Macos {
    arch: Arch,
}

impl Macos {
    pub(super) fn new(arch: Arch) -> Result<Macos, String> {
        match arch {
            Arch::X86_64 | Arch::Aarch64 => Ok(Macos { arch }),
            other => Err(format!(
                "no DTrace probe support for macOS on {} (x86_64 and aarch64 are supported)",
                other.name()
            )),
        }
    }

    /// The C ABI's integer argument registers, in order.
    fn arg_registers(&self) -> &'static [&'static str] {
        match self.arch {
            Arch::X86_64 => &["rdi", "rsi", "rdx", "rcx", "r8", "r9"],
            _ => &["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"],
        }
    }

    fn call(&self) -> &'static str {
        match self.arch {
            Arch::X86_64 => "call",
            _ => "bl",
        }
    }
}

// The link names drop the Mach-O `_` the symbols carry.
const PRELUDE: &str = "    unsafe extern \"C\" {
        #[link_name = \"@typedefs@\"]
        static __TYPEDEFS: u8;
        #[link_name = \"@stability@\"]
        static __STABILITY: u8;
    }

";

const ENABLED: &str = "    /// Whether a tracer is attached to `@signature@` (the linker makes
    /// the call a `xor eax, eax` / `mov x0, #0`, which DTrace patches).
    #[inline(always)]
    pub fn @bare@_enabled() -> bool {
        let enabled: u32;
        // SAFETY: a call the linker rewrites; it clobbers what a C call does.
        unsafe {
            core::arch::asm!(
                \"@call@ {f}\",
                f = sym __@bare@_isenabled,
                lateout(\"@result@\") enabled,
                clobber_abi(\"C\"),
            );
        }
        enabled != 0
    }

    unsafe extern \"C\" {
        #[link_name = \"@probe_symbol@\"]
        fn __@bare@_probe();
        #[link_name = \"@isenabled_symbol@\"]
        fn __@bare@_isenabled();
    }

";

const SITE: &str =
    "@pad@// SAFETY: a call the linker rewrites into `nop`s; it clobbers what a C call does.
@pad@unsafe {
@pad@    core::arch::asm!(
@lines@@pad@    );
@pad@}
";

impl Emitter for Macos {
    fn description(&self) -> String {
        format!("DTrace on macOS, {:?}", self.arch)
    }

    fn c_abi(&self) -> (u8, bool) {
        // Plain `char` is signed on macOS (arm64 included); values are
        // widened to 64 bits, so this only names the Rust type's signedness.
        (8, true)
    }

    fn provider_prelude(&self, provider: &Provider) -> String {
        // libdtrace checks the provider's stability and typedefs through the
        // `.reference`s next to each site.
        fill(
            PRELUDE,
            &[
                ("typedefs", &typedefs_symbol(provider)[1..]),
                ("stability", &stability_symbol(provider)[1..]),
            ],
        )
    }

    fn enabled_items(&self, code: &ProbeCode) -> String {
        let result = match self.arch {
            Arch::X86_64 => "eax",
            _ => "w0",
        };
        fill(
            ENABLED,
            &[
                ("signature", &code.signature),
                ("bare", &code.bare),
                ("call", self.call()),
                ("result", result),
                (
                    "probe_symbol",
                    &probe_function_name(code.provider, code.probe),
                ),
                (
                    "isenabled_symbol",
                    &isenabled_function_name(code.provider, code.probe),
                ),
            ],
        )
    }

    /// The arguments where the C ABI puts them, then one `asm!` that refers
    /// to the typedefs symbol, calls the probe symbol and refers to the
    /// stability symbol, as the C macro does. The asm block keeps it a call
    /// (a plain Rust call at the end of a function may become a tail jump,
    /// and the rewritten site would fall through). Arguments past the
    /// registers go on the stack in 8-byte slots, the first at the stack
    /// pointer, where DTrace reads them.
    fn fire_body(&self, code: &ProbeCode) -> String {
        let indent = "        ";
        let (mut out, depth) = open_str_closures(&code.args, indent);
        let pad = format!("{indent}{}", "    ".repeat(depth));
        let registers = self.arg_registers();
        let mut operands: Vec<String> = code
            .args
            .iter()
            .zip(registers)
            .map(|(a, register)| format!("in(\"{register}\") {}", widened_value(a)))
            .collect();
        let stacked: Vec<String> = code
            .args
            .iter()
            .skip(registers.len())
            .map(widened_value)
            .collect();
        let call = format!("{} {{probe}}", self.call());
        let mut asm: Vec<String> = vec![".reference {typedefs}".into()];
        if stacked.is_empty() {
            asm.push(call);
        } else {
            out.push_str(&format!(
                "{pad}let stacked: [u64; {}] = [{}];\n",
                stacked.len(),
                stacked.join(", ")
            ));
            operands.push("stacked = in(reg) stacked.as_ptr()".into());
            // The stack pointer stays 16-byte aligned, as at any call.
            let bytes = stacked.len().div_ceil(2) * 16;
            match self.arch {
                Arch::X86_64 => {
                    if stacked.len() % 2 == 1 {
                        asm.push("sub rsp, 8".into());
                    }
                    for k in (0..stacked.len()).rev() {
                        asm.push(format!("push qword ptr [{{stacked}} + {}]", k * 8));
                    }
                    asm.push(call);
                    asm.push(format!("add rsp, {bytes}"));
                }
                _ => {
                    // An explicit register: `clobber_abi` admits no generic
                    // outputs. x9 is caller-saved and no argument register.
                    operands.push("out(\"x9\") _".into());
                    asm.push(format!("sub sp, sp, #{bytes}"));
                    for k in 0..stacked.len() {
                        asm.push(format!("ldr x9, [{{stacked}}, #{}]", k * 8));
                        asm.push(format!("str x9, [sp, #{}]", k * 8));
                    }
                    asm.push(call);
                    asm.push(format!("add sp, sp, #{bytes}"));
                }
            }
        }
        asm.push(".reference {stability}".into());
        operands.push(format!("probe = sym __{}_probe", code.bare));
        operands.push("typedefs = sym __TYPEDEFS".into());
        operands.push("stability = sym __STABILITY".into());
        operands.push("clobber_abi(\"C\")".into());
        let mut lines = String::new();
        for line in &asm {
            lines.push_str(&format!("{pad}        {line:?},\n"));
        }
        for operand in &operands {
            lines.push_str(&format!("{pad}        {operand},\n"));
        }
        out.push_str(&fill(SITE, &[("pad", &pad), ("lines", &lines)]));
        close_str_closures(&mut out, depth, indent);
        out
    }
}
