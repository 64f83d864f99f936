//! The header for Oracle's DTrace for Linux (`dtrace-utils`, shipped by
//! Oracle Linux as `/usr/sbin/dtrace`), in the format of its `dtrace -h`.
//!
//! Probe sites are those of the illumos header: each calls an undefined
//! `__dtrace_PROV___NAME(...)`, which Oracle's `dtrace -G` (the illumos
//! `dt_link.c`) rewrites into `nop`s, recording the site in the DOF it writes.
//!
//! The is-enabled test is where the two part ways. illumos rewrites the call
//! `int __dtraceenabled_PROV___NAME(void)` into `xor %eax,%eax` and reads the
//! result from `%eax`. Oracle's `-G` turns it into `nop`s like any other site,
//! so `%eax` keeps whatever it held; instead, the call passes a pointer to a
//! flag the caller set to 0, `__dtraceenabled_PROV___NAME(uint32_t *)`, and a
//! tracer enabling the probe stores 1 through that pointer at the site. An
//! illumos header under Oracle's `-G` therefore reads garbage; this one reads
//! 0 until a tracer says otherwise.
//!
//! Differences from Oracle's own `dtrace -h`, all deliberate:
//! - `_DTRACE_VERSION` is defined only when the build has not defined it, so
//!   `-D_DTRACE_VERSION=0` compiles the probes out;
//! - a single-level pointer argument gets a `const` pointee in the
//!   prototypes, as in the other DTrace headers here;
//! - the is-enabled statement expression is marked `__extension__`, so
//!   `-Wpedantic` builds stay quiet (Oracle's header declares itself a system
//!   header for that);
//! - with `_DTRACE_VERSION` 0 a probe macro is `do { } while (0)`, not
//!   empty, so `if (...) PROBE(x);` stays free of `-Wempty-body` warnings;
//! - only the file's own providers are written (Oracle's `-h -xnolibs` adds an
//!   empty block for each provider its libraries would have defined).

use std::fmt::Write as _;

use probe_provider::{Provider, ProviderFile};
use probe_target::names::dtrace::probe_macro;
use probe_target::names::illumos::{isenabled_function_name, probe_function_name};

use crate::dtrace_frame::{
    default_output_name, macro_params, needs, prototype_params, write_header,
};

/// Options for [`generate`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OracleHeaderOptions {
    /// The header's file name, for the include guard (`probes.h` gives
    /// `_PROBES_H`); by default the provider file's stem and `.h`.
    pub output_name: Option<String>,
}

impl OracleHeaderOptions {
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
pub fn generate(file: &ProviderFile, options: &OracleHeaderOptions) -> String {
    let output_name = options
        .output_name
        .clone()
        .unwrap_or_else(|| default_output_name(file));
    // The is-enabled flag is a uint32_t, whatever the probes' types.
    let stdint: &[&str] = if needs(file).stdint {
        &[]
    } else {
        &["stdint.h"]
    };
    write_header(
        file,
        &output_name,
        "Oracle Linux dtrace -h; build the objects, then run dtrace -G over them.",
        stdint,
        |out| {
            out.push_str("#ifndef\t_DTRACE_VERSION\n#define\t_DTRACE_VERSION\t1\n#endif\n\n");
            for provider in &file.providers {
                write_provider(out, provider);
            }
        },
    )
}

fn write_provider(out: &mut String, provider: &Provider) {
    out.push_str("#if _DTRACE_VERSION\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let params = macro_params(probe.args.len());
        let _ = writeln!(
            out,
            "#define\t{macro_name}({params}) \\\n\t{}({params})",
            probe_function_name(provider, probe)
        );
        let _ = writeln!(
            out,
            "#define\t{macro_name}_ENABLED() \\\n\
             \t__extension__ ({{ uint32_t _dtrace_enabled = 0; \\\n\
             \t\t{}(&_dtrace_enabled); \\\n\
             \t\t_dtrace_enabled; }})",
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
            "extern void {}(uint32_t *);",
            isenabled_function_name(provider, probe)
        );
    }
    out.push_str("\n#else\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let _ = writeln!(
            out,
            "#define\t{macro_name}({}) do {{ }} while (0)",
            macro_params(probe.args.len())
        );
        let _ = writeln!(out, "#define\t{macro_name}_ENABLED() (0)");
    }
    out.push_str("\n#endif\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_enabled_goes_through_a_flag() {
        let file = probe_provider::parse_str(
            "p.d",
            "provider myapp { probe request__start(int, char *); probe tick(); };",
        )
        .unwrap();
        let header = generate(&file, &OracleHeaderOptions::new());
        for line in [
            "#define\t_DTRACE_VERSION\t1",
            "#define\tMYAPP_REQUEST_START(arg0, arg1) \\",
            "\t__dtrace_myapp___request__start(arg0, arg1)",
            "\t__extension__ ({ uint32_t _dtrace_enabled = 0; \\",
            "\t\t__dtraceenabled_myapp___request__start(&_dtrace_enabled); \\",
            "extern void __dtrace_myapp___request__start(int, const char *);",
            "extern void __dtraceenabled_myapp___request__start(uint32_t *);",
            "extern void __dtrace_myapp___tick(void);",
            "#define\tMYAPP_TICK_ENABLED() (0)",
            "#define\tMYAPP_TICK() do { } while (0)",
            "#include <stdint.h>",
            "#ifndef\t_P_H",
        ] {
            assert!(
                header.lines().any(|l| l == line),
                "missing {line:?} in\n{header}"
            );
        }
        assert!(!header.contains("int __dtraceenabled"), "{header}");
    }
}
