//! Names and C types shared by the DTrace-system headers (macOS, illumos,
//! FreeBSD), spelled the way libdtrace's `dt_program.c` spells them.

use probe_provider::{Argument, CType, IntType, Probe, Provider, ProviderFile, TypeClass};

/// The macro form of a D name: upper case, `-` and `.` become `_`
/// (`function-entry` is `FUNCTION_ENTRY`).
pub(crate) fn macro_form(d_name: &str) -> String {
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
pub(crate) fn function_form(d_name: &str) -> String {
    d_name.replace('-', "__")
}

/// The provider's part of the macro names: `PYTHON`.
pub(crate) fn provider_macro(provider: &Provider) -> String {
    macro_form(&provider.name)
}

/// The provider's part of the function names.
pub(crate) fn provider_function(provider: &Provider) -> String {
    function_form(&provider.name)
}

/// `PYTHON_FUNCTION_ENTRY`.
pub(crate) fn probe_macro(provider: &Provider, probe: &Probe) -> String {
    format!(
        "{}_{}",
        provider_macro(provider),
        macro_form(&probe.dtrace_name())
    )
}

/// The probe's part of the function names: `function__entry`.
pub(crate) fn probe_function(probe: &Probe) -> String {
    function_form(&probe.dtrace_name())
}

/// The include guard `dtrace -h` writes: `_` and the macro form of the
/// output file's name (`probes.h` gives `_PROBES_H`).
pub(crate) fn include_guard(output_name: &str) -> String {
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

/// The header's default output name: the provider file's stem and `.h`.
pub(crate) fn default_output_name(file: &ProviderFile) -> String {
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    format!("{}.h", stem.unwrap_or_else(|| "probes".to_string()))
}

/// How many `*` a type has.
fn pointer_rank(ty: &CType) -> usize {
    ty.normalized.matches('*').count()
}

/// The parameter type in the generated prototypes.
///
/// A pointer to one level of data gets a `const` pointee, as Apple's
/// `dtrace -h` writes it, so call sites may pass `const char *` (or any
/// `const T *`) without casts or the `sed` projects run over Solaris headers.
/// `string` is `const char *`.
pub(crate) fn prototype_type(arg: &Argument) -> String {
    let ty = &arg.ty;
    if ty.class == TypeClass::String && !ty.normalized.contains('*') {
        return "const char *".to_string();
    }
    if pointer_rank(ty) == 1 && !ty.normalized.starts_with("const ") {
        return format!("const {}", ty.normalized);
    }
    ty.normalized.clone()
}

/// The type's name as libdtrace's CTF prints it (the native type, for the
/// probe symbol's argument encoding on macOS).
/// `string` is `char *`; `bool` is `_Bool`, the name D knows.
pub(crate) fn ctf_name(ty: &CType) -> String {
    if ty.class == TypeClass::String && !ty.normalized.contains('*') {
        return "char *".to_string();
    }
    if ty.class == TypeClass::Bool {
        return ty.normalized.replacen("bool", "_Bool", 1);
    }
    ty.normalized.clone()
}

/// The type name under qualifiers and pointers, when it is a typedef name
/// libdtrace does not define itself: a project's own type (`http_req_t *`)
/// or a system one (`off_t`, `uid_t`). Apple's `dtrace -h` lists those in
/// the typedefs symbol, and libdtrace declares each as `typedef int NAME`
/// when it rebuilds the provider at link time.
pub(crate) fn unknown_typedef_name(ty: &CType) -> Option<String> {
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

/// The frame every DTrace-format header shares: the generated-file comment
/// (`format_note` says whose `dtrace -h` it follows), the include guard, the
/// system headers the prototypes need, `extern "C"` and the struct tags.
/// `write_providers` fills in the per-provider part.
pub(crate) fn write_header(
    file: &ProviderFile,
    output_name: &str,
    format_note: &str,
    extra_includes: &[&str],
    write_providers: impl FnOnce(&mut String),
) -> String {
    use std::fmt::Write as _;
    let guard = include_guard(output_name);
    let needs = needs(file);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/*\n * Generated by StaticProbes (probe-build) from {}, in the format of\n * \
         {format_note}\n * Do not edit.\n */\n",
        comment_safe(&file.path.display().to_string())
    );
    let _ = writeln!(out, "#ifndef\t{guard}\n#define\t{guard}\n");
    out.push_str("#include <unistd.h>\n");
    for include in extra_includes {
        let _ = writeln!(out, "#include <{include}>");
    }
    if needs.stdint {
        out.push_str("#include <stdint.h>\n");
    }
    if needs.stdbool {
        out.push_str("#ifndef __cplusplus\n#include <stdbool.h>\n#endif\n");
    }
    out.push_str("\n#ifdef\t__cplusplus\nextern \"C\" {\n#endif\n\n");
    let tags = tag_declarations(file);
    if !tags.is_empty() {
        out.push_str(&tags);
        out.push('\n');
    }
    write_providers(&mut out);
    out.push_str("\n#ifdef\t__cplusplus\n}\n#endif\n");
    let _ = writeln!(out, "\n#endif\t/* {guard} */");
    out
}

/// What the prototypes need from headers beyond `<unistd.h>`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Needs {
    /// `int8_t`, `uintptr_t`, ...: `<stdint.h>`.
    pub stdint: bool,
    /// `bool` in C: `<stdbool.h>`.
    pub stdbool: bool,
}

pub(crate) fn needs(file: &ProviderFile) -> Needs {
    let mut needs = Needs::default();
    for arg in file
        .providers
        .iter()
        .flat_map(|p| &p.probes)
        .flat_map(|p| &p.args)
    {
        match arg.ty.class {
            TypeClass::Bool => needs.stdbool = true,
            TypeClass::Integer(int) => {
                use IntType::*;
                if matches!(
                    int,
                    I8 | U8 | I16 | U16 | I32 | U32 | I64 | U64 | IntPtr | UIntPtr
                ) {
                    needs.stdint = true;
                }
            }
            _ => {}
        }
    }
    needs
}

/// `struct conn;` for each struct or union the probes point at, so that the
/// prototypes name the same type as the caller's code (a tag first seen in
/// a parameter list would be local to that prototype).
pub(crate) fn tag_declarations(file: &ProviderFile) -> String {
    let mut tags: Vec<String> = Vec::new();
    for arg in file
        .providers
        .iter()
        .flat_map(|p| &p.probes)
        .flat_map(|p| &p.args)
    {
        let base = arg.ty.normalized.split('*').next().unwrap_or("");
        let words: Vec<&str> = base
            .split_whitespace()
            .filter(|w| !matches!(*w, "const" | "volatile" | "restrict"))
            .collect();
        if let [keyword @ ("struct" | "union"), tag] = words.as_slice() {
            let decl = format!("{keyword} {tag};\n");
            if !tags.contains(&decl) {
                tags.push(decl);
            }
        }
    }
    tags.concat()
}

/// Lower-case hexadecimal of each byte, as Apple's `dt_ld_encode_string`.
pub(crate) fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// `arg0, arg1, ...` for `n` arguments.
pub(crate) fn macro_params(n: usize) -> String {
    (0..n)
        .map(|i| format!("arg{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The prototype's parameter list; `void` when there are none.
pub(crate) fn prototype_params(probe: &Probe) -> String {
    if probe.args.is_empty() {
        return "void".to_string();
    }
    probe
        .args
        .iter()
        .map(prototype_type)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file name fit for a C comment.
pub(crate) fn comment_safe(text: &str) -> String {
    text.replace("*/", "* /")
}
