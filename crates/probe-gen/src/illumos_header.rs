//! The illumos/Solaris and FreeBSD header, in the format of their
//! `dtrace -h` (libdtrace's `dt_program.c`, which both systems share).
//!
//! Each probe site calls an undefined `__dtrace_PROV___NAME(...)` and each
//! is-enabled test `__dtraceenabled_PROV___NAME()`, under `#if
//! _DTRACE_VERSION`. The system's `dtrace -G` then rewrites those calls in the
//! objects into `nop`s / `xor eax,eax` and writes an object with the DOF
//! (`.SUNW_dof`), which the program links in.
//!
//! FreeBSD's `dt_program.c` differs from illumos' only in dropping the SPARC
//! variant of the is-enabled function (`__dtraceenabled_...(long)`).
//!
//! Two differences from the system tools, both deliberate:
//! - prototypes give a single-level pointer a `const` pointee, so call sites
//!   may pass `const char *` without the `sed` PostgreSQL runs over Solaris
//!   headers (the symbol names, which `-G` reads, are unchanged);
//! - the FreeBSD flavor includes `<sys/sdt.h>`, whose user-land part defines
//!   `_DTRACE_VERSION` (illumos' `<unistd.h>` defines it through
//!   `<sys/feature_tests.h>`).
//!
//! Probes are written in declaration order (libdtrace uses its hash order).

use std::fmt::Write as _;

use probe_provider::{Provider, ProviderFile};
use probe_target::names::dtrace::probe_macro;
use probe_target::names::illumos::{isenabled_function_name, probe_function_name};
use probe_target::DtraceSystem;

use crate::dtrace_frame::{default_output_name, macro_params, prototype_params, write_header};

/// Options for [`generate`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IllumosHeaderOptions {
    pub system: DtraceSystem,
    /// The header's file name, for the include guard (`probes.h` gives
    /// `_PROBES_H`); by default the provider file's stem and `.h`.
    pub output_name: Option<String>,
}

impl IllumosHeaderOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn system(mut self, system: DtraceSystem) -> Self {
        self.system = system;
        self
    }

    /// Names the header file (only its last path component is used).
    pub fn output_name(mut self, name: impl Into<String>) -> Self {
        self.output_name = Some(name.into());
        self
    }
}

/// Generates the header for every provider in `file`.
pub fn generate(file: &ProviderFile, options: &IllumosHeaderOptions) -> String {
    let output_name = options
        .output_name
        .clone()
        .unwrap_or_else(|| default_output_name(file));
    // FreeBSD's `dt_program.c` is illumos' without the SPARC variant.
    let (system, extra_includes): (&str, &[&str]) = if options.system == DtraceSystem::FreeBsd {
        ("FreeBSD", &["sys/sdt.h"])
    } else {
        ("illumos/Solaris", &[])
    };
    write_header(
        file,
        &output_name,
        &format!("{system} dtrace -h; build the objects, then run dtrace -G over them."),
        extra_includes,
        |out| {
            for provider in &file.providers {
                write_provider(out, provider, options.system);
            }
        },
    )
}

fn write_provider(out: &mut String, provider: &Provider, system: DtraceSystem) {
    out.push_str("#if _DTRACE_VERSION\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let params = macro_params(probe.args.len());
        let enabled = isenabled_function_name(provider, probe);
        let _ = writeln!(
            out,
            "#define\t{macro_name}({params}) \\\n\t{}({params})",
            probe_function_name(provider, probe)
        );
        if system == DtraceSystem::FreeBsd {
            let _ = writeln!(out, "#define\t{macro_name}_ENABLED() \\\n\t{enabled}()");
        } else {
            // SPARC passes a dummy argument so that `-G` can rewrite the
            // call into a move of 0 into the argument register.
            let _ = writeln!(
                out,
                "#ifndef\t__sparc\n#define\t{macro_name}_ENABLED() \\\n\t{enabled}()\n#else\n\
                 #define\t{macro_name}_ENABLED() \\\n\t{enabled}(0)\n#endif"
            );
        }
    }
    out.push_str("\n\n");
    for probe in &provider.probes {
        let enabled = isenabled_function_name(provider, probe);
        let _ = writeln!(
            out,
            "extern void {}({});",
            probe_function_name(provider, probe),
            prototype_params(probe)
        );
        if system == DtraceSystem::FreeBsd {
            let _ = writeln!(out, "extern int {enabled}(void);");
        } else {
            let _ = writeln!(
                out,
                "#ifndef\t__sparc\nextern int {enabled}(void);\n#else\nextern int {enabled}(long);\n#endif"
            );
        }
    }
    out.push_str("\n#else\n\n");
    for probe in &provider.probes {
        let macro_name = probe_macro(provider, probe);
        let _ = writeln!(
            out,
            "#define\t{macro_name}({})",
            macro_params(probe.args.len())
        );
        let _ = writeln!(out, "#define\t{macro_name}_ENABLED() (0)");
    }
    out.push_str("\n#endif\n\n");
}
