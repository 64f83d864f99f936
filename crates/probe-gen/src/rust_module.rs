//! A Rust module that fires a provider file's probes, for `include!` from
//! `OUT_DIR` (written by `probe-build` in a build script).
//!
//! The generated code needs nothing but `core`: it compiles in `no_std`
//! crates, under `#![deny(warnings)]`, with edition 2021 and 2024.
//!
//! For every probe `P` of provider `prov` the module `prov` gets:
//! - `P(args..)`: fires the probe (one `nop` when nobody traces it; on
//!   illumos/FreeBSD a call into the C shim);
//! - `P_enabled() -> bool`: whether a tracer is attached (reads the
//!   semaphore on Linux; the rewritten is-enabled call under DTrace);
//! - `P_if_enabled(|| args)`: evaluates the arguments only when enabled.
//!
//! Backends are separate emitter functions selected by [`Backend`]: SDT
//! notes (Linux), DTrace's linker-rewritten calls (macOS), calls into a C
//! shim that the system `dtrace -G` rewrites (illumos, FreeBSD), or nothing.

use std::fmt::Write as _;

use probe_provider::{
    Diagnostic, IntType, Probe, Provider, ProviderFile, Severity, Span, TypeClass,
};

/// How the generated module fires probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SystemTap SDT notes and semaphores (Linux), emitted by `asm!`.
    Sdt(SdtArch),
    /// DTrace on macOS: each site is an `asm!` call to the symbols Apple's
    /// `ld64` rewrites (`__dtrace_probe$PROV$NAME$v1$...`,
    /// `__dtrace_isenabled$PROV$NAME$v1`), as the C header's macros make.
    Macos(MacosArch),
    /// DTrace on illumos/Solaris and FreeBSD: each site calls a C function of
    /// the shim `probe_gen::dtrace_shim` writes, whose call to
    /// `__dtrace_PROV___NAME` the system `dtrace -G` rewrites.
    DtraceShim(crate::illumos_header::DtraceSystem),
    /// Probes compiled out: the same API, and no code at all.
    Disabled,
}

/// Architectures of the macOS backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacosArch {
    X86_64,
    /// arm64 (`target_arch = "aarch64"`).
    Aarch64,
}

impl MacosArch {
    /// The architecture for a Rust `target_arch` value, if supported.
    pub fn from_target_arch(arch: &str) -> Option<MacosArch> {
        match arch {
            "x86_64" => Some(MacosArch::X86_64),
            "aarch64" => Some(MacosArch::Aarch64),
            _ => None,
        }
    }

    /// The C ABI's integer argument registers, in order.
    fn arg_registers(self) -> &'static [&'static str] {
        match self {
            MacosArch::X86_64 => &["rdi", "rsi", "rdx", "rcx", "r8", "r9"],
            MacosArch::Aarch64 => &["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"],
        }
    }
}

/// Architectures whose SDT argument syntax the generator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdtArch {
    X86_64,
    Aarch64,
    /// 64-bit POWER, either byte order (`target_arch = "powerpc64"`).
    Powerpc64,
    S390x,
    Riscv64,
}

impl SdtArch {
    /// The architecture for a Rust `target_arch` value, if supported.
    pub fn from_target_arch(arch: &str) -> Option<SdtArch> {
        match arch {
            "x86_64" => Some(SdtArch::X86_64),
            "aarch64" => Some(SdtArch::Aarch64),
            "powerpc64" => Some(SdtArch::Powerpc64),
            "s390x" => Some(SdtArch::S390x),
            "riscv64" => Some(SdtArch::Riscv64),
            _ => None,
        }
    }

    fn pointer_width(self) -> u8 {
        8
    }

    /// The largest page size Linux uses on the architecture.
    fn max_page_size(self) -> u32 {
        match self {
            SdtArch::X86_64 | SdtArch::S390x | SdtArch::Riscv64 => 4096,
            SdtArch::Aarch64 | SdtArch::Powerpc64 => 65536,
        }
    }

    /// The no-op instruction of a probe site (what `<sys/sdt.h>` uses).
    fn nop(self) -> &'static str {
        match self {
            SdtArch::S390x => "nop 0",
            _ => "nop",
        }
    }

    /// Whether plain C `char` is signed on this architecture.
    fn char_is_signed(self) -> bool {
        matches!(self, SdtArch::X86_64)
    }
}

/// Options for [`generate`].
#[derive(Debug, Clone)]
pub struct RustModuleOptions {
    pub backend: Backend,
    /// Size of the stack buffer a `&str` argument is copied into (with its
    /// terminating NUL) when its probe is enabled; longer strings are
    /// truncated. At least 1.
    pub str_buffer_len: usize,
    /// Rust types for C type names the provider language does not know
    /// (project typedefs): `("my_id_t", "u32")`. The Rust type must be a
    /// primitive integer, `bool`, or a raw pointer type.
    pub type_map: Vec<(String, String)>,
}

impl RustModuleOptions {
    pub fn new(backend: Backend) -> RustModuleOptions {
        RustModuleOptions {
            backend,
            str_buffer_len: 256,
            type_map: Vec::new(),
        }
    }
}

/// What a probe argument becomes in Rust.
#[derive(Debug, Clone)]
enum ArgKind {
    /// A primitive integer: the Rust type as written in the signature, and
    /// its size and signedness for the note.
    Int {
        rust: String,
        size: u8,
        signed: bool,
    },
    Bool,
    /// `char *` / `string`: generic over the support module's `ProbeStr`.
    Str,
    /// Any other pointer: generic over the support module's `ProbePtr`.
    Ptr,
    /// `float` / `double`: passed to tracers as their bit pattern.
    Float {
        size: u8,
    },
}

impl ArgKind {
    fn note_size(&self, pointer_width: u8) -> (u8, bool) {
        match self {
            ArgKind::Int { size, signed, .. } => (*size, *signed),
            ArgKind::Bool => (1, false),
            ArgKind::Str | ArgKind::Ptr => (pointer_width, false),
            ArgKind::Float { size } => (*size, false),
        }
    }
}

struct Arg {
    /// The Rust parameter name.
    name: String,
    kind: ArgKind,
    /// The C type, for docs.
    c_type: String,
}

/// Generates the module text for every provider of `file`.
///
/// Fails with diagnostics (pointing into the provider file) when a probe
/// argument has a type that cannot be passed from Rust, or when two probes
/// map to the same Rust name.
pub fn generate(
    file: &ProviderFile,
    options: &RustModuleOptions,
) -> Result<String, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by probe-gen from {} ({}). Do not edit.\n\
         // Include it with `include!(concat!(env!(\"OUT_DIR\"), \"/...\"));`.\n",
        file.path.display(),
        match options.backend {
            Backend::Sdt(arch) => format!("SystemTap SDT, {arch:?}"),
            Backend::Macos(arch) => format!("DTrace on macOS, {arch:?}"),
            Backend::DtraceShim(_) => "DTrace through a C shim and dtrace -G".to_string(),
            Backend::Disabled => "probes compiled out".to_string(),
        }
    );
    out.push_str(&support_module(options));

    let mut module_names: Vec<(String, Span)> = Vec::new();
    for provider in &file.providers {
        let module = rust_ident(&provider.name);
        if let Some((_, first)) = module_names.iter().find(|(m, _)| *m == module) {
            diagnostics.push(error(
                &provider.span,
                format!(
                    "provider `{}` maps to the Rust module `{module}`, like the provider at {}:{}",
                    provider.name, first.line, first.column
                ),
            ));
            continue;
        }
        module_names.push((module.clone(), provider.span.clone()));
        // macOS sites refer to the provider's stability symbol, which the
        // `#pragma D attributes` lines give.
        let stability = match options.backend {
            Backend::Macos(_) => {
                match crate::macos_header::stability_symbol(provider, &file.pragmas) {
                    Ok(s) => Some(s),
                    Err(probe_provider::Error::Syntax(mut d)) => {
                        diagnostics.append(&mut d);
                        continue;
                    }
                    Err(e) => {
                        diagnostics.push(error(&provider.span, e.to_string()));
                        continue;
                    }
                }
            }
            _ => None,
        };
        match provider_module(provider, &module, stability.as_deref(), options) {
            Ok(text) => out.push_str(&text),
            Err(mut d) => diagnostics.append(&mut d),
        }
    }
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(diagnostics)
    }
}

fn error(span: &Span, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        span: span.clone(),
        message,
        source_line: None,
    }
}

const SUPPORT: &str = "__probe_support";

fn support_module(options: &RustModuleOptions) -> String {
    let len = options.str_buffer_len.max(1);
    format!(
        r#"/// Argument conversions shared by the probe modules below.
#[doc(hidden)]
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code, missing_docs, clippy::all)]
pub mod {SUPPORT} {{
    /// A string a probe can carry: `&CStr` and raw `*const c_char` are
    /// passed as they are; `&str` is copied, NUL-terminated, into a stack
    /// buffer of {len} bytes (truncated to fit), and only when the probe is
    /// enabled.
    pub trait ProbeStr {{
        /// Whether passing the string costs a copy (and so an is-enabled check).
        const NEEDS_COPY: bool;
        /// Calls `f` with a pointer to a NUL-terminated string (or null).
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R;
    }}

    impl ProbeStr for &core::ffi::CStr {{
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {{
            f(self.as_ptr().cast())
        }}
    }}

    impl ProbeStr for Option<&core::ffi::CStr> {{
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {{
            match self {{
                Some(s) => f(s.as_ptr().cast()),
                None => f(core::ptr::null()),
            }}
        }}
    }}

    impl ProbeStr for *const core::ffi::c_char {{
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {{
            f(self.cast())
        }}
    }}

    impl ProbeStr for *mut core::ffi::c_char {{
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {{
            f(self.cast_const().cast())
        }}
    }}

    impl ProbeStr for &str {{
        const NEEDS_COPY: bool = true;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {{
            // A tracer reads up to a NUL, and a Rust string has none.
            let mut buffer = [0u8; {len}];
            let n = if self.len() < {len} {{ self.len() }} else {{ {len} - 1 }};
            buffer[..n].copy_from_slice(&self.as_bytes()[..n]);
            f(buffer.as_ptr())
        }}
    }}

    /// A pointer a probe can carry: raw pointers and references.
    pub trait ProbePtr {{
        /// The address.
        fn addr(self) -> usize;
    }}

    impl<T: ?Sized> ProbePtr for *const T {{
        #[inline(always)]
        fn addr(self) -> usize {{
            self.cast::<u8>() as usize
        }}
    }}

    impl<T: ?Sized> ProbePtr for *mut T {{
        #[inline(always)]
        fn addr(self) -> usize {{
            self.cast::<u8>() as usize
        }}
    }}

    impl<T: ?Sized> ProbePtr for &T {{
        #[inline(always)]
        fn addr(self) -> usize {{
            (self as *const T).cast::<u8>() as usize
        }}
    }}

    impl<T: ?Sized> ProbePtr for &mut T {{
        #[inline(always)]
        fn addr(self) -> usize {{
            (self as *const T).cast::<u8>() as usize
        }}
    }}
}}

"#
    )
}

/// Rust spelling of a DTrace name: `function__entry` becomes
/// `function_entry`; keywords become raw identifiers.
pub fn rust_ident(name: &str) -> String {
    let mut s = name.to_string();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    match s.as_str() {
        "self" | "Self" | "super" | "crate" | "_" => format!("{s}_"),
        "as" | "break" | "const" | "continue" | "else" | "enum" | "extern" | "false" | "fn"
        | "for" | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut"
        | "pub" | "ref" | "return" | "static" | "struct" | "trait" | "true" | "type" | "unsafe"
        | "use" | "where" | "while" | "async" | "await" | "dyn" | "abstract" | "become" | "box"
        | "do" | "final" | "macro" | "override" | "priv" | "typeof" | "unsized" | "virtual"
        | "yield" | "try" | "gen" => format!("r#{s}"),
        _ => s,
    }
}

/// The identifier without a raw prefix, for building derived names.
fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

fn int_kind(int: IntType, pointer_width: u8, char_signed: bool) -> ArgKind {
    use IntType::*;
    let size = int.size(pointer_width);
    let signed = int.is_signed().unwrap_or(char_signed);
    let rust = match int {
        Char => "core::ffi::c_char".to_string(),
        SignedChar => "core::ffi::c_schar".to_string(),
        UnsignedChar => "core::ffi::c_uchar".to_string(),
        Short => "core::ffi::c_short".to_string(),
        UnsignedShort => "core::ffi::c_ushort".to_string(),
        Int => "core::ffi::c_int".to_string(),
        UnsignedInt => "core::ffi::c_uint".to_string(),
        Long => "core::ffi::c_long".to_string(),
        UnsignedLong => "core::ffi::c_ulong".to_string(),
        LongLong => "core::ffi::c_longlong".to_string(),
        UnsignedLongLong => "core::ffi::c_ulonglong".to_string(),
        Size | UIntPtr => "usize".to_string(),
        SSize | IntPtr | PtrDiff => "isize".to_string(),
        _ => format!("{}{}", if signed { 'i' } else { 'u' }, size as u32 * 8),
    };
    ArgKind::Int { rust, size, signed }
}

/// Reads a user-mapped Rust type: primitive integers, `bool`, raw pointers.
fn mapped_kind(rust: &str, pointer_width: u8) -> Option<ArgKind> {
    let rust = rust.trim();
    if rust == "bool" {
        return Some(ArgKind::Bool);
    }
    if rust.starts_with("*const ") || rust.starts_with("*mut ") {
        return Some(ArgKind::Ptr);
    }
    let (signed, bits) = match rust {
        "usize" => (false, pointer_width as u32 * 8),
        "isize" => (true, pointer_width as u32 * 8),
        _ => {
            let signed = match rust.chars().next()? {
                'i' => true,
                'u' => false,
                _ => return None,
            };
            (signed, rust[1..].parse::<u32>().ok()?)
        }
    };
    if !matches!(bits, 8 | 16 | 32 | 64) || bits > pointer_width as u32 * 8 {
        return None;
    }
    Some(ArgKind::Int {
        rust: rust.to_string(),
        size: (bits / 8) as u8,
        signed,
    })
}

fn probe_args(
    probe: &Probe,
    options: &RustModuleOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Arg> {
    let (pointer_width, char_signed) = match options.backend {
        Backend::Sdt(arch) => (arch.pointer_width(), arch.char_is_signed()),
        // Plain `char` is signed on macOS (arm64 included) and on illumos
        // and FreeBSD x86; the DTrace backends pass every value widened to
        // 64 bits, so this only names the Rust type's signedness.
        Backend::Macos(_) | Backend::DtraceShim(_) => (8, true),
        // Compiled out, the sizes only shape the signature: use the ones
        // `core::ffi` gives the target.
        Backend::Disabled => (std::mem::size_of::<usize>() as u8, true),
    };
    let mut args = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (i, a) in probe.args.iter().enumerate() {
        let kind = match a.ty.class {
            TypeClass::Integer(int) => int_kind(int, pointer_width, char_signed),
            TypeClass::Bool => ArgKind::Bool,
            TypeClass::String => ArgKind::Str,
            TypeClass::Pointer => ArgKind::Ptr,
            TypeClass::Float => ArgKind::Float {
                size: if a.ty.normalized == "float" { 4 } else { 8 },
            },
            TypeClass::Other => {
                let mapped = options
                    .type_map
                    .iter()
                    .find(|(c, _)| *c == a.ty.normalized || *c == a.ty.written)
                    .map(|(_, r)| r.as_str());
                match mapped.map(|r| (r, mapped_kind(r, pointer_width))) {
                    Some((_, Some(kind))) => kind,
                    Some((r, None)) => {
                        diagnostics.push(error(
                            &a.span,
                            format!(
                                "the Rust type `{r}` given for `{}` is not a primitive integer, `bool` or raw pointer of at most {pointer_width} bytes",
                                a.ty.normalized
                            ),
                        ));
                        continue;
                    }
                    None => {
                        diagnostics.push(error(
                            &a.span,
                            format!(
                                "probe `{}`: no Rust type for the C type `{}`; map it with `Build::rust_type(\"{}\", \"u32\")` (an integer, bool or raw pointer type)",
                                probe.name, a.ty.normalized, a.ty.normalized
                            ),
                        ));
                        continue;
                    }
                }
            }
        };
        // Parameter names from the file when they are usable and distinct.
        let mut name = match &a.name {
            Some(n) => rust_ident(n),
            None => format!("arg{i}"),
        };
        if name.starts_with("r#")
            || name.ends_with('_')
            || used.contains(&name)
            || name.starts_with("__")
        {
            name = format!("arg{i}");
        }
        used.push(name.clone());
        args.push(Arg {
            name,
            kind,
            c_type: a.ty.written.clone(),
        });
    }
    args
}

fn provider_module(
    provider: &Provider,
    module: &str,
    stability: Option<&str>,
    options: &RustModuleOptions,
) -> Result<String, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Probes of the `{}` provider.\n\
         #[allow(dead_code, unused_imports, unused_unsafe, unsafe_code, unreachable_pub, non_upper_case_globals, non_snake_case, missing_docs, clippy::all)]\n\
         pub mod {module} {{",
        provider.name
    );
    if let (Backend::Macos(_), Some(stability)) = (options.backend, stability) {
        // The `.reference`s next to each site, as the C header's macros make:
        // libdtrace checks the provider's stability and typedefs through them.
        // The link names drop the Mach-O `_` the symbols carry.
        let typedefs = crate::macos_header::typedefs_symbol(provider);
        let _ = writeln!(
            out,
            "    unsafe extern \"C\" {{\n\
             \x20       #[link_name = {:?}]\n\
             \x20       static __TYPEDEFS: u8;\n\
             \x20       #[link_name = {:?}]\n\
             \x20       static __STABILITY: u8;\n\
             \x20   }}\n",
            &typedefs[1..],
            &stability[1..]
        );
    }
    // Every function name the module defines, to catch collisions.
    let mut names: Vec<(String, &Probe)> = Vec::new();
    for probe in &provider.probes {
        let ident = rust_ident(&probe.name);
        let b = bare(&ident).to_string();
        let fns = [
            ident.clone(),
            format!("{b}_enabled"),
            format!("{b}_if_enabled"),
        ];
        if let Some((_, other)) = names.iter().find(|(n, _)| fns.contains(n)) {
            diagnostics.push(error(
                &probe.span,
                format!(
                    "probe `{}` and probe `{}` (line {}) both need the Rust name `{}`",
                    probe.name, other.name, other.span.line, ident
                ),
            ));
            continue;
        }
        for f in fns {
            names.push((f, probe));
        }
        let args = probe_args(probe, options, &mut diagnostics);
        if args.len() != probe.args.len() {
            continue;
        }
        out.push_str(&probe_items(provider, probe, &ident, &args, options));
    }
    out.push_str("}\n\n");
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(diagnostics)
    }
}

fn probe_items(
    provider: &Provider,
    probe: &Probe,
    ident: &str,
    args: &[Arg],
    options: &RustModuleOptions,
) -> String {
    let b = bare(ident);
    let mut out = String::new();
    let generics: Vec<String> = args
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a.kind {
            ArgKind::Str => Some(format!("A{i}: super::{SUPPORT}::ProbeStr")),
            ArgKind::Ptr => Some(format!("A{i}: super::{SUPPORT}::ProbePtr")),
            _ => None,
        })
        .collect();
    let generics = if generics.is_empty() {
        String::new()
    } else {
        format!("<{}>", generics.join(", "))
    };
    let param_type = |i: usize, a: &Arg| -> String {
        match &a.kind {
            ArgKind::Int { rust, .. } => rust.clone(),
            ArgKind::Bool => "bool".into(),
            ArgKind::Str | ArgKind::Ptr => format!("A{i}"),
            ArgKind::Float { size: 4 } => "f32".into(),
            ArgKind::Float { .. } => "f64".into(),
        }
    };
    let params: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}: {}", a.name, param_type(i, a)))
        .collect();
    let names: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
    let types: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| param_type(i, a))
        .collect();
    let (tuple_type, tuple_pattern) = match args.len() {
        1 => (types[0].clone(), names[0].to_string()),
        _ => (
            format!("({})", types.join(", ")),
            format!("({})", names.join(", ")),
        ),
    };
    let signature = format!(
        "{}:::{}({})",
        provider.name,
        probe.name,
        args.iter()
            .map(|a| a.c_type.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let any_copy = args.iter().any(|a| matches!(a.kind, ArgKind::Str));
    let copy_check = args
        .iter()
        .enumerate()
        .filter(|(_, a)| matches!(a.kind, ArgKind::Str))
        .map(|(i, _)| format!("<A{i} as super::{SUPPORT}::ProbeStr>::NEEDS_COPY"))
        .collect::<Vec<_>>()
        .join(" || ");
    let semaphore = provider.semaphore_name(probe);
    let rust_semaphore = format!("__{b}_SEMAPHORE");

    // Fire.
    let _ = writeln!(
        out,
        "    /// Fires `{signature}`.\n\
         \x20   ///\n\
         \x20   /// {}{}.\n\
         \x20   #[inline(always)]\n\
         \x20   pub fn {ident}{generics}({}) {{",
        match options.backend {
            Backend::DtraceShim(_) =>
                "Costs a call to the C shim (whose site is `nop`s) when nobody traces the probe",
            _ => "Costs one `nop` when nobody traces the probe",
        },
        if any_copy {
            "; a `&str` argument is copied only when the probe is enabled"
        } else {
            ""
        },
        params.join(", ")
    );
    if any_copy {
        let _ = writeln!(
            out,
            "        if ({copy_check}) && !{b}_enabled() {{\n            return;\n        }}"
        );
    }
    let _ = writeln!(out, "        __{b}_fire({});\n    }}\n", names.join(", "));

    // Is-enabled.
    match options.backend {
        Backend::Disabled => {
            let _ = writeln!(
                out,
                "    /// Whether a tracer is attached to `{signature}`: never, probes are compiled out.\n\
                 \x20   #[inline(always)]\n\
                 \x20   pub const fn {b}_enabled() -> bool {{\n        false\n    }}\n"
            );
        }
        Backend::Sdt(_) => {
            let _ = writeln!(
                out,
                "    /// Whether a tracer is attached to `{signature}` (reads its semaphore).\n\
                 \x20   #[inline(always)]\n\
                 \x20   pub fn {b}_enabled() -> bool {{\n\
                 \x20       // SAFETY: the semaphore is only ever written by tracers (the kernel).\n\
                 \x20       unsafe {{ core::ptr::read_volatile(&raw const {rust_semaphore}) != 0 }}\n    }}\n\n\
                 \x20   /// The semaphore, counted up by each attached tracer. C code and\n\
                 \x20   /// the note know it as `{semaphore}`, an alias: Rust reaches a\n\
                 \x20   /// `#[no_mangle]` static through the GOT, and this one directly.\n\
                 \x20   #[unsafe(link_section = \".probes\")]\n\
                 \x20   #[used]\n\
                 \x20   static mut {rust_semaphore}: u16 = 0;\n\n\
                 \x20   core::arch::global_asm!(\n\
                 \x20       \".globl {semaphore}\",\n\
                 \x20       \".hidden {semaphore}\",\n\
                 \x20       \".set {semaphore}, {{semaphore}}\",\n\
                 \x20       semaphore = sym {rust_semaphore},\n\
                 \x20   );\n"
            );
        }
        Backend::Macos(arch) => {
            let (call, result) = match arch {
                MacosArch::X86_64 => ("call", "eax"),
                MacosArch::Aarch64 => ("bl", "w0"),
            };
            let _ = writeln!(
                out,
                "    /// Whether a tracer is attached to `{signature}` (the linker makes\n\
                 \x20   /// the call a `xor eax, eax` / `mov x0, #0`, which DTrace patches).\n\
                 \x20   #[inline(always)]\n\
                 \x20   pub fn {b}_enabled() -> bool {{\n\
                 \x20       let enabled: u32;\n\
                 \x20       // SAFETY: a call the linker rewrites; it clobbers what a C call does.\n\
                 \x20       unsafe {{\n\
                 \x20           core::arch::asm!(\n\
                 \x20               \"{call} {{f}}\",\n\
                 \x20               f = sym __{b}_isenabled,\n\
                 \x20               lateout(\"{result}\") enabled,\n\
                 \x20               clobber_abi(\"C\"),\n\
                 \x20           );\n\
                 \x20       }}\n\
                 \x20       enabled != 0\n    }}\n\n\
                 \x20   unsafe extern \"C\" {{\n\
                 \x20       #[link_name = {:?}]\n\
                 \x20       fn __{b}_probe();\n\
                 \x20       #[link_name = {:?}]\n\
                 \x20       fn __{b}_isenabled();\n\
                 \x20   }}\n",
                crate::macos_header::probe_function_name(provider, probe),
                crate::macos_header::isenabled_function_name(provider, probe),
            );
        }
        Backend::DtraceShim(_) => {
            let _ = writeln!(
                out,
                "    /// Whether a tracer is attached to `{signature}` (`dtrace -G` made\n\
                 \x20   /// the shim's call a `xor eax, eax`, which DTrace patches).\n\
                 \x20   #[inline(always)]\n\
                 \x20   pub fn {b}_enabled() -> bool {{\n\
                 \x20       // SAFETY: a C function of the shim, without arguments.\n\
                 \x20       unsafe {{ __{b}_isenabled() != 0 }}\n    }}\n\n\
                 \x20   unsafe extern \"C\" {{\n\
                 \x20       #[link_name = {:?}]\n\
                 \x20       fn __{b}_probe({});\n\
                 \x20       #[link_name = {:?}]\n\
                 \x20       fn __{b}_isenabled() -> core::ffi::c_int;\n\
                 \x20   }}\n",
                crate::dtrace_shim::shim_probe_name(provider, probe),
                (0..args.len())
                    .map(|i| format!("a{i}: usize"))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::dtrace_shim::shim_isenabled_name(provider, probe),
            );
        }
    }

    // Guarded fire.
    let closure_doc = match args.len() {
        0 => "`args` runs only when the probe is enabled".to_string(),
        1 => "`args` returns the argument and runs only when the probe is enabled".to_string(),
        _ => "`args` returns the arguments as a tuple and runs only when the probe is enabled"
            .to_string(),
    };
    let _ = writeln!(
        out,
        "    /// Fires `{signature}` if a tracer is attached; {closure_doc}.\n\
         \x20   #[inline(always)]\n\
         \x20   pub fn {b}_if_enabled{}(args: impl FnOnce() -> {}) {{\n\
         \x20       if {b}_enabled() {{\n\
         \x20           let {} = args();\n\
         \x20           __{b}_fire({});\n\
         \x20       }}\n    }}\n",
        if generics.is_empty() {
            String::new()
        } else {
            generics.clone()
        },
        if args.is_empty() {
            "()".to_string()
        } else {
            tuple_type
        },
        if args.is_empty() {
            "()".to_string()
        } else {
            tuple_pattern
        },
        names.join(", ")
    );

    // The firing site itself.
    let _ = writeln!(
        out,
        "    #[doc(hidden)]\n    #[inline(always)]\n    fn __{b}_fire{generics}({}) {{",
        params.join(", ")
    );
    match options.backend {
        Backend::Disabled => {
            if !names.is_empty() {
                let _ = writeln!(out, "        let _ = ({},);", names.join(", "));
            }
        }
        Backend::Sdt(arch) => out.push_str(&sdt_fire_body(provider, probe, args, arch)),
        Backend::Macos(arch) => out.push_str(&macos_fire_body(probe, args, arch)),
        Backend::DtraceShim(_) => out.push_str(&shim_fire_body(probe, args)),
    }
    out.push_str("    }\n\n");
    out
}

/// The body of an SDT firing function: converts the arguments to
/// register-sized values and emits the `nop` and its `.note.stapsdt`.
fn sdt_fire_body(provider: &Provider, probe: &Probe, args: &[Arg], arch: SdtArch) -> String {
    let mut out = String::new();
    let indent = "        ";
    // Strings are passed inside nested closures so their buffers live
    // until the asm has run.
    let mut depth = 0;
    for a in args {
        if let ArgKind::Str = a.kind {
            let _ = writeln!(
                out,
                "{indent}{}{}.with_c_ptr(|{}: *const u8| {{",
                "    ".repeat(depth),
                a.name,
                a.name
            );
            depth += 1;
        }
    }
    let mut operands = Vec::new();
    let mut note_args = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let (size, signed) = a.kind.note_size(arch.pointer_width());
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
            ArgKind::Float { size: 4 } => format!("{}.to_bits()", a.name),
            ArgKind::Float { .. } => format!("{}.to_bits()", a.name),
        };
        let (class, modifier) = match arch {
            SdtArch::X86_64 => match size {
                1 => ("reg_byte", ""),
                2 => ("reg", ":x"),
                4 => ("reg", ":e"),
                _ => ("reg", ":r"),
            },
            // Tracers cast a register to the argument's size, so the full
            // `x` register is right for every size.
            SdtArch::Aarch64 => ("reg", ":x"),
            // rustc prints the full register (`3` on POWER, `%r3` on s390x,
            // `a0` on RISC-V), which is what tracers expect there.
            SdtArch::Powerpc64 | SdtArch::S390x | SdtArch::Riscv64 => ("reg", ""),
        };
        operands.push(format!("a{i} = in({class}) {value}"));
        note_args.push(format!(
            "{}{}@{{a{i}{modifier}}}",
            if signed { "-" } else { "" },
            size
        ));
    }
    let text = sdt_asm_text(provider, probe, &note_args.join(" "), arch);
    let pad = "    ".repeat(depth);
    let _ = writeln!(
        out,
        "{indent}{pad}// SAFETY: a `nop` and a note section; no register or memory is changed."
    );
    let _ = writeln!(
        out,
        "{indent}{pad}unsafe {{\n{indent}{pad}    core::arch::asm!("
    );
    for line in text {
        let _ = writeln!(out, "{indent}{pad}        {line:?},");
    }
    for op in operands {
        let _ = writeln!(out, "{indent}{pad}        {op},");
    }
    let _ = writeln!(
        out,
        "{indent}{pad}        semaphore = sym __{}_SEMAPHORE,",
        bare(&rust_ident(&probe.name))
    );
    let opts = match arch {
        SdtArch::X86_64 => "att_syntax, readonly, nostack, preserves_flags",
        _ => "readonly, nostack, preserves_flags",
    };
    let _ = writeln!(
        out,
        "{indent}{pad}        options({opts}),\n{indent}{pad}    );\n{indent}{pad}}}"
    );
    for d in (0..depth).rev() {
        let _ = writeln!(out, "{indent}{}}});", "    ".repeat(d));
    }
    out
}

/// The assembler lines of one probe site, with `{aN}` operand and
/// `{semaphore}` placeholders. `nop`, then the note that points at it.
fn sdt_asm_text(provider: &Provider, probe: &Probe, note_args: &str, arch: SdtArch) -> Vec<String> {
    let addr = match arch.pointer_width() {
        8 => ".8byte",
        _ => ".4byte",
    };
    // Names and the argument string go into `.asciz`: escape for the
    // assembler, and braces for `asm!`'s format syntax.
    let asciz = |s: &str| {
        format!(
            ".asciz \"{}\"",
            s.replace('\\', "\\\\").replace('"', "\\\"")
        )
    };
    let brace = |s: String| s.replace('{', "{{").replace('}', "}}");
    vec![
        format!("990: {}", arch.nop()),
        // One `.stapsdt.base` per object, merged across objects by the
        // comdat group and kept by `R` (SHF_GNU_RETAIN): tracers use it to
        // find how far the object was moved after linking.
        ".ifndef _.stapsdt.base".into(),
        ".pushsection .stapsdt.base, \"aGR\", \"progbits\", .stapsdt.base, comdat".into(),
        ".weak _.stapsdt.base".into(),
        ".hidden _.stapsdt.base".into(),
        "_.stapsdt.base: .space 1".into(),
        ".size _.stapsdt.base, 1".into(),
        ".popsection".into(),
        ".endif".into(),
        // The semaphores must not share a file page with the RELRO
        // segment: rust-lld starts the writable segment after RELRO on the
        // same file page, and the kernel, looking for the semaphore's file
        // offset, would increment the copy in the (still writable at exec)
        // RELRO mapping instead. An empty, retained, page-aligned piece of
        // `.probes` starts the section on a page of its own.
        ".ifndef .L.probes.page".into(),
        ".pushsection .probes, \"awR\", \"progbits\"".into(),
        format!(".balign {}", arch.max_page_size()),
        ".L.probes.page:".into(),
        ".popsection".into(),
        ".endif".into(),
        ".pushsection .note.stapsdt, \"?\", \"note\"".into(),
        ".balign 4".into(),
        ".4byte 992f-991f, 994f-993f, 3".into(),
        "991: .asciz \"stapsdt\"".into(),
        "992: .balign 4".into(),
        format!("993: {addr} 990b"),
        format!("{addr} _.stapsdt.base"),
        format!("{addr} {{semaphore}}"),
        brace(asciz(&provider.name)),
        brace(asciz(&probe.name)),
        asciz(note_args),
        "994: .balign 4".into(),
        ".popsection".into(),
    ]
}

/// Opens one closure per `&str` argument (its buffer must live until the
/// site has run); returns the text and the nesting depth.
fn open_str_closures(args: &[Arg], indent: &str) -> (String, usize) {
    let mut out = String::new();
    let mut depth = 0;
    for a in args {
        if let ArgKind::Str = a.kind {
            let _ = writeln!(
                out,
                "{indent}{}{}.with_c_ptr(|{}: *const u8| {{",
                "    ".repeat(depth),
                a.name,
                a.name
            );
            depth += 1;
        }
    }
    (out, depth)
}

fn close_str_closures(out: &mut String, depth: usize, indent: &str) {
    for d in (0..depth).rev() {
        let _ = writeln!(out, "{indent}{}}});", "    ".repeat(d));
    }
}

/// The value a DTrace backend passes for an argument, widened to 64 bits
/// (signed C types sign-extended) as DTrace reads a whole register or
/// stack slot and casts it to the probe's declared type.
fn widened_value(a: &Arg) -> String {
    match &a.kind {
        ArgKind::Int { .. } | ArgKind::Bool => format!("{} as u64", a.name),
        ArgKind::Str => format!("{} as usize as u64", a.name),
        ArgKind::Ptr => format!("super::{SUPPORT}::ProbePtr::addr({}) as u64", a.name),
        ArgKind::Float { .. } => format!("{}.to_bits() as u64", a.name),
    }
}

/// The body of a macOS firing function: the arguments where the C ABI puts
/// them, then one `asm!` that refers to the typedefs symbol, calls the
/// probe symbol and refers to the stability symbol, as the C macro does.
/// `ld64` rewrites the call into `nop`s; the asm block keeps it a call (a
/// plain Rust call at the end of a function may become a tail jump, and the
/// rewritten site would fall through). Arguments past the registers go on
/// the stack in 8-byte slots, the first at the stack pointer, where DTrace
/// reads them.
fn macos_fire_body(probe: &Probe, args: &[Arg], arch: MacosArch) -> String {
    let indent = "        ";
    let (mut out, depth) = open_str_closures(args, indent);
    let pad = format!("{indent}{}", "    ".repeat(depth));
    let registers = arch.arg_registers();
    let b = bare(&rust_ident(&probe.name)).to_string();
    let mut operands = Vec::new();
    for (i, a) in args.iter().enumerate().take(registers.len()) {
        operands.push(format!("in(\"{}\") {}", registers[i], widened_value(a)));
    }
    let stacked: Vec<String> = args
        .iter()
        .skip(registers.len())
        .map(widened_value)
        .collect();
    let mut lines: Vec<String> = vec![".reference {typedefs}".into()];
    let call = match arch {
        MacosArch::X86_64 => "call {probe}",
        MacosArch::Aarch64 => "bl {probe}",
    };
    if stacked.is_empty() {
        lines.push(call.into());
    } else {
        let _ = writeln!(
            out,
            "{pad}let stacked: [u64; {}] = [{}];",
            stacked.len(),
            stacked.join(", ")
        );
        operands.push("stacked = in(reg) stacked.as_ptr()".into());
        // The stack pointer stays 16-byte aligned, as at any call.
        let bytes = stacked.len().div_ceil(2) * 16;
        match arch {
            MacosArch::X86_64 => {
                if stacked.len() % 2 == 1 {
                    lines.push("sub rsp, 8".into());
                }
                for k in (0..stacked.len()).rev() {
                    lines.push(format!("push qword ptr [{{stacked}} + {}]", k * 8));
                }
                lines.push(call.into());
                lines.push(format!("add rsp, {bytes}"));
            }
            MacosArch::Aarch64 => {
                // An explicit register: `clobber_abi` admits no generic
                // outputs. x9 is caller-saved and no argument register.
                operands.push("out(\"x9\") _".into());
                lines.push(format!("sub sp, sp, #{bytes}"));
                for k in 0..stacked.len() {
                    lines.push(format!("ldr x9, [{{stacked}}, #{}]", k * 8));
                    lines.push(format!("str x9, [sp, #{}]", k * 8));
                }
                lines.push(call.into());
                lines.push(format!("add sp, sp, #{bytes}"));
            }
        }
    }
    lines.push(".reference {stability}".into());
    let _ = writeln!(
        out,
        "{pad}// SAFETY: a call the linker rewrites into `nop`s; it clobbers what a C call does."
    );
    let _ = writeln!(out, "{pad}unsafe {{\n{pad}    core::arch::asm!(");
    for line in lines {
        let _ = writeln!(out, "{pad}        {line:?},");
    }
    operands.push(format!("probe = sym __{b}_probe"));
    operands.push("typedefs = sym __TYPEDEFS".into());
    operands.push("stability = sym __STABILITY".into());
    operands.push("clobber_abi(\"C\")".into());
    for op in operands {
        let _ = writeln!(out, "{pad}        {op},");
    }
    let _ = writeln!(out, "{pad}    );\n{pad}}}");
    close_str_closures(&mut out, depth, indent);
    out
}

/// The body of an illumos/FreeBSD firing function: a call into the C shim,
/// every argument as a `usize` (`uintptr_t`).
fn shim_fire_body(probe: &Probe, args: &[Arg]) -> String {
    let indent = "        ";
    let (mut out, depth) = open_str_closures(args, indent);
    let pad = format!("{indent}{}", "    ".repeat(depth));
    let b = bare(&rust_ident(&probe.name)).to_string();
    // One `uintptr_t` per argument: one register or stack slot, as DTrace reads them.
    let values: Vec<String> = args
        .iter()
        .map(|a| {
            widened_value(a)
                .replace(" as usize as u64", " as usize")
                .replace(" as u64", " as usize")
        })
        .collect();
    let _ = writeln!(
        out,
        "{pad}// SAFETY: a C function of the shim taking {} `uintptr_t`s.",
        args.len()
    );
    let _ = writeln!(out, "{pad}unsafe {{ __{b}_probe({}) }}", values.join(", "));
    close_str_closures(&mut out, depth, indent);
    out
}
