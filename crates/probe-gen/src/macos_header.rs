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

use probe_provider::{Diagnostic, Error, Pragma, Provider, ProviderFile, Severity};

use crate::dtrace_names::{
    ctf_name, default_output_name, hex, macro_params, probe_function, probe_macro,
    prototype_params, provider_function, provider_macro, unknown_typedef_name, write_header,
};

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
///
/// Fails only on a `#pragma D attributes` line this module cannot read (an
/// unknown stability level or class, or an unknown attribute group), with a
/// diagnostic pointing at the pragma.
pub fn generate(file: &ProviderFile, options: &MacosHeaderOptions) -> Result<String, Error> {
    let mut stabilities = Vec::new();
    for provider in &file.providers {
        stabilities.push(stability_symbol(provider, &file.pragmas)?);
    }
    let output_name = options
        .output_name
        .clone()
        .unwrap_or_else(|| default_output_name(file));
    Ok(write_header(
        file,
        &output_name,
        "macOS dtrace -h.",
        &[],
        |out| {
            for (provider, stability) in file.providers.iter().zip(&stabilities) {
                write_provider(out, provider, stability);
            }
        },
    ))
}

/// The typedefs symbol of `provider`, as its `.reference` names it: the
/// project's own type names under the probes' pointers, hex-encoded, in order
/// of first use.
pub fn typedefs_symbol(provider: &Provider) -> String {
    let mut names: Vec<String> = Vec::new();
    for arg in provider.probes.iter().flat_map(|p| &p.args) {
        if let Some(name) = unknown_typedef_name(&arg.ty) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let mut symbol = format!("___dtrace_typedefs${}$v2", provider_function(provider));
    for name in names {
        symbol.push('$');
        symbol.push_str(&hex(&name));
    }
    symbol
}

/// The C name of the probe function (`__dtrace_probe$PROV$NAME$v1$...`); the
/// linker symbol has one more leading underscore.
pub fn probe_function_name(provider: &Provider, probe: &probe_provider::Probe) -> String {
    let mut name = format!(
        "__dtrace_probe${}${}$v1",
        provider_function(provider),
        probe_function(probe)
    );
    for arg in &probe.args {
        name.push('$');
        name.push_str(&hex(&ctf_name(&arg.ty)));
    }
    name
}

/// The C name of the is-enabled function (`__dtrace_isenabled$PROV$NAME$v1`).
pub fn isenabled_function_name(provider: &Provider, probe: &probe_provider::Probe) -> String {
    format!(
        "__dtrace_isenabled${}${}$v1",
        provider_function(provider),
        probe_function(probe)
    )
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

/// One attribute triple: name stability, data stability, dependency class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attribute {
    name: u8,
    data: u8,
    class: u8,
}

/// What a provider gets without pragmas: Private/Private/Unknown for every
/// group (libdtrace's `_dtrace_prvdesc`).
const DEFAULT_ATTRIBUTE: Attribute = Attribute {
    name: 1,
    data: 1,
    class: 0,
};

const STABILITY_LEVELS: [&str; 8] = [
    "internal", "private", "obsolete", "external", "unstable", "evolving", "stable", "standard",
];
const CLASSES: [&str; 6] = ["unknown", "cpu", "platform", "group", "isa", "common"];
const GROUPS: [&str; 5] = ["provider", "module", "function", "name", "args"];

/// The stability symbol of `provider`, as its `.reference` names it:
/// `___dtrace_stability$PROV$v1$` and the fifteen numbers of the five
/// attribute groups, from the `#pragma D attributes ... provider PROV GROUP`
/// lines among `pragmas`.
pub fn stability_symbol(provider: &Provider, pragmas: &[Pragma]) -> Result<String, Error> {
    let mut groups = [DEFAULT_ATTRIBUTE; 5];
    for pragma in pragmas {
        let words: Vec<&str> = pragma.text.split_whitespace().collect();
        // attributes ATTR provider NAME GROUP
        if words.first() != Some(&"attributes") || words.get(2) != Some(&"provider") {
            continue;
        }
        if words.get(3) != Some(&provider.name.as_str()) {
            continue;
        }
        let Some(group) = words.get(4) else {
            return Err(pragma_error(
                pragma,
                "`#pragma D attributes` for a provider needs a group: provider, module, \
                 function, name or args"
                    .to_string(),
            ));
        };
        let Some(index) = GROUPS.iter().position(|g| g == group) else {
            return Err(pragma_error(
                pragma,
                format!(
                    "unknown attribute group `{group}`: expected provider, module, function, \
                     name or args"
                ),
            ));
        };
        let attr = words.get(1).copied().unwrap_or("");
        groups[index] = parse_attribute(attr).map_err(|why| pragma_error(pragma, why))?;
    }
    let mut symbol = format!("___dtrace_stability${}$v1$", provider_function(provider));
    let numbers: Vec<String> = groups
        .iter()
        .flat_map(|a| [a.name, a.data, a.class])
        .map(|n| format!("{n:x}"))
        .collect();
    symbol.push_str(&numbers.join("_"));
    Ok(symbol)
}

/// `Evolving/Evolving/Common`; parts left out are Standard/Standard/Common,
/// as libdtrace's `dtrace_str2attr` reads them. Case does not matter.
fn parse_attribute(text: &str) -> Result<Attribute, String> {
    let mut attr = Attribute {
        name: 7,
        data: 7,
        class: 5,
    };
    let parts: Vec<&str> = text.split('/').collect();
    if text.is_empty() || parts.len() > 3 {
        return Err(format!(
            "bad attributes `{text}`: expected NAME/DATA/CLASS, e.g. Evolving/Evolving/Common"
        ));
    }
    let level = |word: &str| {
        STABILITY_LEVELS
            .iter()
            .position(|l| l.eq_ignore_ascii_case(word))
            .map(|i| i as u8)
            .ok_or_else(|| {
                format!(
                    "unknown stability `{word}`: expected Internal, Private, Obsolete, External, \
                     Unstable, Evolving, Stable or Standard"
                )
            })
    };
    attr.name = level(parts[0])?;
    if let Some(data) = parts.get(1) {
        attr.data = level(data)?;
    }
    if let Some(class) = parts.get(2) {
        attr.class = CLASSES
            .iter()
            .position(|c| c.eq_ignore_ascii_case(class))
            .map(|i| i as u8)
            .ok_or_else(|| {
                format!(
                    "unknown dependency class `{class}`: expected Unknown, CPU, Platform, Group, \
                     ISA or Common"
                )
            })?;
    }
    Ok(attr)
}

fn pragma_error(pragma: &Pragma, message: String) -> Error {
    Error::Syntax(vec![Diagnostic {
        severity: Severity::Error,
        span: pragma.span.clone(),
        message,
        source_line: None,
    }])
}
