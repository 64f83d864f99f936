//! The macOS header, in the format of Apple's `dtrace -h` (libdtrace's
//! `dt_program.c` and `dt_ld.cpp`).
//!
//! Each probe site calls an undefined function whose name carries the
//! provider, the probe and the hex-encoded argument types,
//! `__dtrace_probe$PROV$NAME$v1$<hex>...`, and each is-enabled test calls
//! `__dtrace_isenabled$PROV$NAME$v1`. Around each probe call the macro emits
//! `.reference` directives to two more undefined symbols per provider, its
//! stability (`___dtrace_stability$PROV$v1$...`, from `#pragma D attributes`)
//! and its typedefs (`___dtrace_typedefs$PROV$v2[$<hex name>...]`). Apple's
//! `ld64` (and LLVM's `ld64.lld`) rewrite the calls into `nop`s / `xor eax,eax`
//! and hand the names to libdtrace, which rebuilds the provider from them and
//! writes the DOF into `__TEXT,__dof_PROV`. No `dtrace -G` step exists.
//!
//! Each `_ENABLED()` also holds a probe site for its probe that never runs
//! (behind an empty `asm goto`): Apple's linker knows a probe, and its
//! argument types, only from probe sites, and fails the link for a probe that
//! is tested but never fired. The site costs code size, not time.
//!
//! `DTRACE_PROBES_DISABLED` set to a non-zero value turns every macro into a
//! no-op, as in Apple's headers.

use std::fmt::Write as _;

use probe_provider::{Provider, ProviderFile};
use probe_target::names::dtrace::{probe_macro, provider_macro};
use probe_target::names::macos::{
    isenabled_function_name, probe_function_name, stability_symbol, typedefs_symbol,
};

use crate::dtrace_frame::{default_output_name, macro_params, prototype_params, write_header};

/// Options for [`generate`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacosHeaderOptions {
    /// The header's file name, for the include guard (`probes.h` gives
    /// `_PROBES_H`); by default the provider file's stem and `.h`.
    pub output_name: Option<String>,
}

impl MacosHeaderOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the header file (only its last path component is used).
    pub fn output_name(mut self, name: impl Into<String>) -> Self {
        self.output_name = Some(name.into());
        self
    }
}

/// Generates the header for every provider in `file`.
pub fn generate(file: &ProviderFile, options: &MacosHeaderOptions) -> String {
    let output_name = options
        .output_name
        .clone()
        .unwrap_or_else(|| default_output_name(file));
    write_header(file, &output_name, "macOS dtrace -h.", &[], |out| {
        for provider in &file.providers {
            write_provider(out, provider, &stability_symbol(provider));
        }
    })
}

fn write_provider(out: &mut String, provider: &Provider, stability: &str) {
    let pm = provider_macro(provider);
    let _ = writeln!(out, "#define {pm}_STABILITY \"{stability}\"\n");
    let _ = writeln!(
        out,
        "#define {pm}_TYPEDEFS \"{}\"\n",
        typedefs_symbol(provider)
    );
    out.push_str("#if !defined(DTRACE_PROBES_DISABLED) || !DTRACE_PROBES_DISABLED\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let params = macro_params(probe.args.len());
        let _ = write!(
            out,
            "#define\t{macro_name}({params}) \\\ndo {{ \\\n\
             \t__asm__ volatile(\".reference \" {pm}_TYPEDEFS); \\\n\
             \t{}({params}); \\\n\
             \t__asm__ volatile(\".reference \" {pm}_STABILITY); \\\n\
             }} while (0)\n",
            probe_function_name(provider, probe)
        );
        // The `_site` block is a probe site that never runs: an empty
        // `asm goto` may jump there as far as the compiler knows, so the call
        // stays (out of line, no instruction on the taken path). Apple's
        // linker builds a probe from its probe sites only, and fails the link
        // ("probe ... doesn't exist", dt_ld.cpp) for a probe that is tested
        // with _ENABLED() but never fired.
        let zeros = vec!["0"; probe.args.len()].join(", ");
        let _ = write!(
            out,
            "#define\t{macro_name}_ENABLED() \\\n\
             \t({{ __label__ _site; \\\n\
             \t\tint _r = {}(); \\\n\
             \t\t__asm__ goto(\"\" : : : : _site); \\\n\
             \t\tif (0) {{ _site: {macro_name}({zeros}); }} \\\n\
             \t\t_r; }})\n",
            isenabled_function_name(provider, probe)
        );
    }
    out.push_str("\n\n");
    for probe in &provider.probes {
        let _ = writeln!(
            out,
            "extern void {}({});",
            probe_function_name(provider, probe),
            prototype_params(probe)
        );
        let _ = writeln!(
            out,
            "extern int {}(void);",
            isenabled_function_name(provider, probe)
        );
    }
    out.push_str("\n#else\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let params = macro_params(probe.args.len());
        let _ = writeln!(
            out,
            "#define\t{macro_name}({params}) \\\ndo {{ \\\n\t}} while (0)"
        );
        let _ = writeln!(out, "#define\t{macro_name}_ENABLED() (0)");
    }
    out.push_str("\n#endif /* !defined(DTRACE_PROBES_DISABLED) || !DTRACE_PROBES_DISABLED */\n\n");
}
