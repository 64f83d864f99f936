//! illumos/Solaris and FreeBSD: each site calls a C function of the shim
//! (`probe_gen::dtrace_shim`), whose own site the system `dtrace -G`
//! rewrites. Every argument travels as a `uintptr_t`.

use probe_target::names::shim::{isenabled_name, probe_name};

use super::template::fill;
use super::{close_str_closures, open_str_closures, widened_value, Emitter, ProbeCode};

pub(super) struct Shim;

const ENABLED: &str = "    /// Whether a tracer is attached to `@signature@` (`dtrace -G` made
    /// the shim's call a `xor eax, eax`, which DTrace patches).
    #[inline(always)]
    pub fn @bare@_enabled() -> bool {
        // SAFETY: a C function of the shim, without arguments.
        unsafe { __@bare@_isenabled() != 0 }
    }

    unsafe extern \"C\" {
        #[link_name = \"@probe_symbol@\"]
        fn __@bare@_probe(@params@);
        #[link_name = \"@isenabled_symbol@\"]
        fn __@bare@_isenabled() -> core::ffi::c_int;
    }

";

const SITE: &str = "@pad@// SAFETY: a C function of the shim taking @count@ `uintptr_t`s.
@pad@unsafe { __@bare@_probe(@values@) }
";

impl Emitter for Shim {
    fn description(&self) -> String {
        "DTrace through a C shim and dtrace -G".to_string()
    }

    fn untraced_cost(&self) -> &'static str {
        "Costs a call to the C shim (whose site is `nop`s) when nobody traces the probe"
    }

    fn c_abi(&self) -> (u8, bool) {
        // Values are widened to 64 bits, so only the Rust type's signedness
        // matters: plain `char` is signed on illumos and FreeBSD x86.
        (8, true)
    }

    fn enabled_items(&self, code: &ProbeCode) -> String {
        let params: Vec<String> = (0..code.args.len())
            .map(|i| format!("a{i}: usize"))
            .collect();
        fill(
            ENABLED,
            &[
                ("signature", &code.signature),
                ("bare", &code.bare),
                ("probe_symbol", &probe_name(code.provider, code.probe)),
                (
                    "isenabled_symbol",
                    &isenabled_name(code.provider, code.probe),
                ),
                ("params", &params.join(", ")),
            ],
        )
    }

    fn fire_body(&self, code: &ProbeCode) -> String {
        let indent = "        ";
        let (mut out, depth) = open_str_closures(&code.args, indent);
        // One `uintptr_t` per argument: one register or stack slot, as
        // DTrace reads them.
        let values: Vec<String> = code
            .args
            .iter()
            .map(|a| {
                widened_value(a)
                    .replace(" as usize as u64", " as usize")
                    .replace(" as u64", " as usize")
            })
            .collect();
        out.push_str(&fill(
            SITE,
            &[
                ("pad", &format!("{indent}{}", "    ".repeat(depth))),
                ("count", &code.args.len().to_string()),
                ("bare", &code.bare),
                ("values", &values.join(", ")),
            ],
        ));
        close_str_closures(&mut out, depth, indent);
        out
    }
}
