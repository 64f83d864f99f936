//! Probes compiled out: the same functions, and no code at all.

use super::template::fill;
use super::{Emitter, ProbeCode};

pub(super) struct Disabled;

const ENABLED: &str =
    "    /// Whether a tracer is attached to `@signature@`: never, probes are compiled out.
    #[inline(always)]
    pub const fn @bare@_enabled() -> bool {
        false
    }

";

impl Emitter for Disabled {
    fn description(&self) -> String {
        "probes compiled out".to_string()
    }

    fn c_abi(&self) -> (u8, bool) {
        // Only the signature's types remain: the sizes `core::ffi` gives the
        // target are the ones that matter.
        (std::mem::size_of::<usize>() as u8, true)
    }

    fn enabled_items(&self, code: &ProbeCode) -> String {
        fill(
            ENABLED,
            &[("signature", &code.signature), ("bare", &code.bare)],
        )
    }

    fn fire_body(&self, code: &ProbeCode) -> String {
        if code.args.is_empty() {
            return String::new();
        }
        let names: Vec<&str> = code.args.iter().map(|a| a.name.as_str()).collect();
        format!("        let _ = ({},);\n", names.join(", "))
    }
}
