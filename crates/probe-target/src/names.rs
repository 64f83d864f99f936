//! The names each platform's tools expect: macros, semaphores, the symbols
//! linkers and `dtrace -G` look for, and Rust identifiers.
//!
//! A probe declared `probe function__entry(...)` in `provider python` is
//! `python:::function-entry` to DTrace ([`d_name`]), `PYTHON_FUNCTION_ENTRY`
//! to C code everywhere, and a different link-level symbol on each system.

use probe_provider::{CType, Probe, Provider, TypeClass};

/// The name DTrace shows: `function__entry` is `function-entry`.
pub fn d_name(probe: &Probe) -> String {
    probe.name.replace("__", "-")
}

/// Linux SystemTap SDT: the names `dtrace -h` (SystemTap's wrapper) writes.
pub mod sdt {
    use super::*;

    /// The public C macro for a probe: `PYTHON_FUNCTION_ENTRY`.
    pub fn macro_name(provider: &Provider, probe: &Probe) -> String {
        format!(
            "{}_{}",
            provider.name.to_ascii_uppercase(),
            probe.name.replace("__", "_").to_ascii_uppercase()
        )
    }

    /// The semaphore: `python_function__entry_semaphore`.
    pub fn semaphore_name(provider: &Provider, probe: &Probe) -> String {
        format!("{}_{}_semaphore", provider.name, probe.name)
    }
}

/// The forms libdtrace's `dt_program.c` gives D names in the headers of
/// every DTrace system (macOS, illumos, FreeBSD).
pub mod dtrace {
    use super::*;

    /// The macro form of a D name: upper case, `-` and `.` become `_`
    /// (`function-entry` is `FUNCTION_ENTRY`).
    pub fn macro_form(d_name: &str) -> String {
        d_name
            .chars()
            .map(|c| match c {
                '-' | '.' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect()
    }

    /// The function form of a D name: each `-` becomes `__`
    /// (`function-entry` is `function__entry`).
    pub fn function_form(d_name: &str) -> String {
        d_name.replace('-', "__")
    }

    /// The provider's part of the macro names: `PYTHON`.
    pub fn provider_macro(provider: &Provider) -> String {
        macro_form(&provider.name)
    }

    /// The provider's part of the function names.
    pub fn provider_function(provider: &Provider) -> String {
        function_form(&provider.name)
    }

    /// `PYTHON_FUNCTION_ENTRY`.
    pub fn probe_macro(provider: &Provider, probe: &Probe) -> String {
        format!(
            "{}_{}",
            provider_macro(provider),
            macro_form(&d_name(probe))
        )
    }

    /// The probe's part of the function names: `function__entry`.
    pub fn probe_function(probe: &Probe) -> String {
        function_form(&d_name(probe))
    }

    /// The include guard `dtrace -h` writes: `_` and the macro form of the
    /// output file's name (`probes.h` gives `_PROBES_H`).
    pub fn include_guard(output_name: &str) -> String {
        let base = output_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(output_name);
        let mut guard = String::from("_");
        for c in base.chars() {
            guard.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            });
        }
        guard
    }
}

/// macOS: the symbols Apple's `ld64` finds, checks and rewrites
/// (libdtrace's `dt_program.c` and `dt_ld.cpp`).
pub mod macos {
    use super::dtrace::{probe_function, provider_function};
    use super::*;

    /// The C name of the probe function (`__dtrace_probe$PROV$NAME$v1$...`,
    /// the hex-encoded argument types last); the linker symbol has one more
    /// leading underscore.
    pub fn probe_function_name(provider: &Provider, probe: &Probe) -> String {
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
    pub fn isenabled_function_name(provider: &Provider, probe: &Probe) -> String {
        format!(
            "__dtrace_isenabled${}${}$v1",
            provider_function(provider),
            probe_function(probe)
        )
    }

    /// The typedefs symbol of `provider`, as its `.reference` names it: the
    /// project's own type names under the probes' pointers, hex-encoded, in
    /// order of first use.
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

    /// The stability symbol of `provider`, as its `.reference` names it:
    /// `___dtrace_stability$PROV$v1$` and the fifteen numbers of the five
    /// attribute groups (from its `#pragma D attributes` lines).
    pub fn stability_symbol(provider: &Provider) -> String {
        let numbers: Vec<String> = provider
            .attributes
            .groups()
            .iter()
            .flat_map(|a| [a.name.code(), a.data.code(), a.class.code()])
            .map(|n| format!("{n:x}"))
            .collect();
        format!(
            "___dtrace_stability${}$v1${}",
            provider_function(provider),
            numbers.join("_")
        )
    }

    /// Lower-case hexadecimal of each byte, as Apple's `dt_ld_encode_string`.
    fn hex(text: &str) -> String {
        text.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// The type's name as libdtrace's CTF prints it (the native type, for
    /// the probe symbol's argument encoding). `string` is `char *`; `bool`
    /// is `_Bool`, the name D knows.
    pub fn ctf_name(ty: &CType) -> String {
        if ty.class == TypeClass::String && !ty.normalized.contains('*') {
            return "char *".to_string();
        }
        if ty.class == TypeClass::Bool {
            return ty.normalized.replacen("bool", "_Bool", 1);
        }
        ty.normalized.clone()
    }

    /// The type name under qualifiers and pointers, when it is a typedef
    /// name libdtrace does not define itself: a project's own type
    /// (`http_req_t *`) or a system one (`off_t`, `uid_t`). Apple's
    /// `dtrace -h` lists those in the typedefs symbol, and libdtrace
    /// declares each as `typedef int NAME` when it rebuilds the provider at
    /// link time.
    pub fn unknown_typedef_name(ty: &CType) -> Option<String> {
        let base = ty.normalized.split('*').next().unwrap_or("").trim();
        let words: Vec<&str> = base
            .split_whitespace()
            .filter(|w| !matches!(*w, "const" | "volatile" | "restrict"))
            .collect();
        match words.as_slice() {
            [name] if is_typedef_word(name) => Some((*name).to_string()),
            _ => None,
        }
    }

    fn is_typedef_word(word: &str) -> bool {
        let builtin = matches!(
            word,
            "void"
                | "char"
                | "short"
                | "int"
                | "long"
                | "float"
                | "double"
                | "signed"
                | "unsigned"
                | "bool"
                | "_Bool"
                | "string"
        );
        // libdtrace defines these itself (`_dtrace_typedefs_64` in dt_open.c),
        // so they are never encoded.
        let dtrace_builtin = matches!(
            word,
            "int8_t"
                | "int16_t"
                | "int32_t"
                | "int64_t"
                | "intptr_t"
                | "ssize_t"
                | "uint8_t"
                | "uint16_t"
                | "uint32_t"
                | "uint64_t"
                | "uchar_t"
                | "ushort_t"
                | "uint_t"
                | "ulong_t"
                | "u_longlong_t"
                | "ptrdiff_t"
                | "uintptr_t"
                | "size_t"
                | "id_t"
                | "pid_t"
        );
        !builtin && !dtrace_builtin
    }
}

/// illumos/Solaris and FreeBSD: the functions their `dtrace -G` finds and
/// rewrites in objects.
pub mod illumos {
    use super::dtrace::{probe_function, provider_function};
    use super::*;

    /// The probe function: `__dtrace_PROV___NAME`.
    pub fn probe_function_name(provider: &Provider, probe: &Probe) -> String {
        format!(
            "__dtrace_{}___{}",
            provider_function(provider),
            probe_function(probe)
        )
    }

    /// The is-enabled function: `__dtraceenabled_PROV___NAME`.
    pub fn isenabled_function_name(provider: &Provider, probe: &Probe) -> String {
        format!(
            "__dtraceenabled_{}___{}",
            provider_function(provider),
            probe_function(probe)
        )
    }
}

/// The C shim through which Rust code fires probes where `dtrace -G` must
/// see the sites in objects the build script compiles (illumos, FreeBSD).
pub mod shim {
    use super::*;

    /// The shim function that fires `probe`: `__probe_build_PROV___NAME`.
    pub fn probe_name(provider: &Provider, probe: &Probe) -> String {
        illumos::probe_function_name(provider, probe).replacen("__dtrace_", "__probe_build_", 1)
    }

    /// The shim function that tests `probe`: `__probe_build_enabled_PROV___NAME`.
    pub fn isenabled_name(provider: &Provider, probe: &Probe) -> String {
        illumos::isenabled_function_name(provider, probe).replacen(
            "__dtraceenabled_",
            "__probe_build_enabled_",
            1,
        )
    }
}

/// Rust: module and function names.
pub mod rust {
    /// Rust spelling of a DTrace name: `function__entry` becomes
    /// `function_entry`; keywords become raw identifiers (or get a `_`
    /// where Rust allows no raw form).
    pub fn ident(name: &str) -> String {
        let mut s = name.to_string();
        while s.contains("__") {
            s = s.replace("__", "_");
        }
        match s.as_str() {
            "self" | "Self" | "super" | "crate" | "_" => format!("{s}_"),
            "as" | "break" | "const" | "continue" | "else" | "enum" | "extern" | "false" | "fn"
            | "for" | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut"
            | "pub" | "ref" | "return" | "static" | "struct" | "trait" | "true" | "type"
            | "unsafe" | "use" | "where" | "while" | "async" | "await" | "dyn" | "abstract"
            | "become" | "box" | "do" | "final" | "macro" | "override" | "priv" | "typeof"
            | "unsized" | "virtual" | "yield" | "try" | "gen" => format!("r#{s}"),
            _ => s,
        }
    }

    /// The identifier without a raw prefix, for building derived names.
    pub fn bare(ident: &str) -> &str {
        ident.strip_prefix("r#").unwrap_or(ident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> probe_provider::ProviderFile {
        probe_provider::parse_str(
            "t.d",
            "provider py { probe function__entry(const char *, bool, string); };\n\
             #pragma D attributes Evolving/Evolving/ISA provider py args\n",
        )
        .unwrap()
    }

    #[test]
    fn every_platform_names_the_probe() {
        let file = file();
        let (provider, probe) = (&file.providers[0], &file.providers[0].probes[0]);
        assert_eq!(d_name(probe), "function-entry");
        assert_eq!(sdt::macro_name(provider, probe), "PY_FUNCTION_ENTRY");
        assert_eq!(
            sdt::semaphore_name(provider, probe),
            "py_function__entry_semaphore"
        );
        assert_eq!(dtrace::probe_macro(provider, probe), "PY_FUNCTION_ENTRY");
        assert_eq!(dtrace::include_guard("out/probes.h"), "_PROBES_H");
        assert_eq!(
            illumos::probe_function_name(provider, probe),
            "__dtrace_py___function__entry"
        );
        assert_eq!(
            shim::isenabled_name(provider, probe),
            "__probe_build_enabled_py___function__entry"
        );
        assert_eq!(
            macos::probe_function_name(provider, probe),
            format!(
                "__dtrace_probe$py$function__entry$v1${}${}${}",
                "636f6e73742063686172202a", "5f426f6f6c", "63686172202a"
            )
        );
        assert_eq!(
            macos::stability_symbol(provider),
            "___dtrace_stability$py$v1$1_1_0_1_1_0_1_1_0_1_1_0_5_5_4"
        );
        assert_eq!(rust::ident("function__entry"), "function_entry");
        assert_eq!(rust::ident("type"), "r#type");
        assert_eq!(rust::bare("r#type"), "type");
    }
}
