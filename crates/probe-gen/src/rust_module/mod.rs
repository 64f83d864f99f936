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
//! The frame of each function is written here; what a site is depends on the
//! [`Backend`], one file each: SDT notes (`sdt.rs`, Linux), DTrace's
//! linker-rewritten calls (`macos.rs`), calls into a C shim that the system
//! `dtrace -G` rewrites (`shim.rs`, illumos and FreeBSD), or nothing
//! (`disabled.rs`). Templates (`template.rs`) read like the code they make.

mod disabled;
mod macos;
mod sdt;
mod shim;
mod support;
mod template;

use probe_provider::{
    Diagnostic, IntType, Probe, Provider, ProviderFile, Severity, Span, TypeClass,
};
use probe_target::names::rust::{bare, ident as rust_ident};
use probe_target::Backend;

use template::fill;

/// Options for [`generate`].
#[derive(Debug, Clone)]
#[non_exhaustive]
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

/// What a backend writes for each probe. One implementation per file.
trait Emitter {
    /// The backend, as the module's first line names it.
    fn description(&self) -> String;
    /// What firing costs when nobody traces the probe, for the docs.
    fn untraced_cost(&self) -> &'static str {
        "Costs one `nop` when nobody traces the probe"
    }
    /// The size of C's `long` (and pointers), and whether plain `char` is
    /// signed, for mapping C integer types.
    fn c_abi(&self) -> (u8, bool);
    /// Items at the top of each provider's module.
    fn provider_prelude(&self, _provider: &Provider) -> String {
        String::new()
    }
    /// `P_enabled()` and what it needs.
    fn enabled_items(&self, probe: &ProbeCode) -> String;
    /// The body of the hidden `__P_fire` function: the probe site.
    fn fire_body(&self, probe: &ProbeCode) -> String;
}

fn emitter(backend: Backend) -> Result<Box<dyn Emitter>, String> {
    Ok(match backend {
        Backend::Sdt(arch) => Box::new(sdt::Sdt::new(arch)?),
        Backend::Macos(arch) => Box::new(macos::Macos::new(arch)?),
        Backend::DtraceShim(_) => Box::new(shim::Shim),
        Backend::Disabled => Box::new(disabled::Disabled),
        other => return Err(format!("no Rust code generator for the {other:?} backend")),
    })
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
    /// The argument's size and signedness in an SDT note.
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

/// A probe as the generated code names it.
struct ProbeCode<'a> {
    provider: &'a Provider,
    probe: &'a Probe,
    /// The name of the firing function (maybe a raw identifier).
    ident: String,
    /// `ident` without `r#`, the stem of every other name.
    bare: String,
    args: Vec<Arg>,
    /// `prov:::name(C types)`, for docs.
    signature: String,
}

const SUPPORT: &str = "__probe_support";

/// Generates the module text for every provider of `file`.
///
/// Fails with diagnostics (pointing into the provider file) when a probe
/// argument has a type that cannot be passed from Rust, or when two probes
/// map to the same Rust name.
pub fn generate(
    file: &ProviderFile,
    options: &RustModuleOptions,
) -> Result<String, Vec<Diagnostic>> {
    let emitter = emitter(options.backend).map_err(|message| {
        let span = file.providers.first().map_or_else(
            || Span {
                file: file.path.as_path().into(),
                line: 1,
                column: 1,
            },
            |p| p.span.clone(),
        );
        vec![error(&span, message)]
    })?;
    let emitter = emitter.as_ref();
    let mut diagnostics = Vec::new();
    let mut out = fill(
        "// Generated by probe-gen from @file@ (@backend@). Do not edit.\n\
         // Include it with `include!(concat!(env!(\"OUT_DIR\"), \"/...\"));`.\n\n",
        &[
            ("file", &file.path.display().to_string()),
            ("backend", &emitter.description()),
        ],
    );
    out.push_str(&support::module(options.str_buffer_len.max(1)));

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
        match provider_module(provider, &module, emitter, options) {
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

const PROVIDER_MODULE: &str = "\
/// Probes of the `@provider@` provider.
#[allow(dead_code, unused_imports, unused_unsafe, unsafe_code, unreachable_pub, non_upper_case_globals, non_snake_case, missing_docs, clippy::all)]
pub mod @module@ {
";

fn provider_module(
    provider: &Provider,
    module: &str,
    emitter: &dyn Emitter,
    options: &RustModuleOptions,
) -> Result<String, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut out = fill(
        PROVIDER_MODULE,
        &[("provider", &provider.name), ("module", module)],
    );
    out.push_str(&emitter.provider_prelude(provider));
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
        let args = probe_args(probe, emitter, options, &mut diagnostics);
        if args.len() != probe.args.len() {
            continue;
        }
        let signature = format!(
            "{}:::{}({})",
            provider.name,
            probe.name,
            args.iter()
                .map(|a| a.c_type.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let code = ProbeCode {
            provider,
            probe,
            ident,
            bare: b,
            args,
            signature,
        };
        out.push_str(&probe_items(&code, emitter));
    }
    out.push_str("}\n\n");
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(diagnostics)
    }
}

const FIRE: &str = "    /// Fires `@signature@`.
    ///
    /// @cost@.
    #[inline(always)]
    pub fn @ident@@generics@(@params@) {
@copy_guard@        __@bare@_fire(@names@);
    }

";

const COPY_GUARD: &str = "        if (@needs_copy@) && !@bare@_enabled() {
            return;
        }
";

const IF_ENABLED: &str = "    /// Fires `@signature@` if a tracer is attached; @closure_doc@.
    #[inline(always)]
    pub fn @bare@_if_enabled@generics@(args: impl FnOnce() -> @tuple_type@) {
        if @bare@_enabled() {
            let @tuple_pattern@ = args();
            __@bare@_fire(@names@);
        }
    }

    #[doc(hidden)]
    #[inline(always)]
    fn __@bare@_fire@generics@(@params@) {
@body@    }

";

/// The three functions of a probe; the backend fills in `P_enabled` and the
/// site.
fn probe_items(code: &ProbeCode, emitter: &dyn Emitter) -> String {
    let args = &code.args;
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
    let types: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| match &a.kind {
            ArgKind::Int { rust, .. } => rust.clone(),
            ArgKind::Bool => "bool".into(),
            ArgKind::Str | ArgKind::Ptr => format!("A{i}"),
            ArgKind::Float { size: 4 } => "f32".into(),
            ArgKind::Float { .. } => "f64".into(),
        })
        .collect();
    let names: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
    let params: Vec<String> = names
        .iter()
        .zip(&types)
        .map(|(name, ty)| format!("{name}: {ty}"))
        .collect();
    let (tuple_type, tuple_pattern) = match args.len() {
        0 => ("()".to_string(), "()".to_string()),
        1 => (types[0].clone(), names[0].to_string()),
        _ => (
            format!("({})", types.join(", ")),
            format!("({})", names.join(", ")),
        ),
    };
    let string_args: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| matches!(a.kind, ArgKind::Str))
        .map(|(i, _)| format!("<A{i} as super::{SUPPORT}::ProbeStr>::NEEDS_COPY"))
        .collect();
    let (cost, copy_guard) = if string_args.is_empty() {
        (emitter.untraced_cost().to_string(), String::new())
    } else {
        (
            format!(
                "{}; a `&str` argument is copied only when the probe is enabled",
                emitter.untraced_cost()
            ),
            fill(
                COPY_GUARD,
                &[
                    ("needs_copy", &string_args.join(" || ")),
                    ("bare", &code.bare),
                ],
            ),
        )
    };
    let closure_doc = match args.len() {
        0 => "`args` runs only when the probe is enabled",
        1 => "`args` returns the argument and runs only when the probe is enabled",
        _ => "`args` returns the arguments as a tuple and runs only when the probe is enabled",
    };
    let names = names.join(", ");
    let params = params.join(", ");
    let values = [
        ("signature", code.signature.as_str()),
        ("cost", &cost),
        ("ident", &code.ident),
        ("bare", &code.bare),
        ("generics", &generics),
        ("params", &params),
        ("names", &names),
        ("copy_guard", &copy_guard),
        ("closure_doc", closure_doc),
        ("tuple_type", &tuple_type),
        ("tuple_pattern", &tuple_pattern),
    ];
    let mut out = fill(FIRE, &values);
    out.push_str(&emitter.enabled_items(code));
    let body = emitter.fire_body(code);
    let mut values = values.to_vec();
    values.push(("body", &body));
    out.push_str(&fill(IF_ENABLED, &values));
    out
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
    emitter: &dyn Emitter,
    options: &RustModuleOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Arg> {
    let (pointer_width, char_signed) = emitter.c_abi();
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

/// Opens one closure per `&str` argument (its buffer must live until the
/// site has run); returns the text and the nesting depth.
fn open_str_closures(args: &[Arg], indent: &str) -> (String, usize) {
    let mut out = String::new();
    let mut depth = 0;
    for a in args.iter().filter(|a| matches!(a.kind, ArgKind::Str)) {
        let pad = "    ".repeat(depth);
        out.push_str(&format!(
            "{indent}{pad}{name}.with_c_ptr(|{name}: *const u8| {{\n",
            name = a.name
        ));
        depth += 1;
    }
    (out, depth)
}

fn close_str_closures(out: &mut String, depth: usize, indent: &str) {
    for d in (0..depth).rev() {
        out.push_str(&format!("{indent}{}}});\n", "    ".repeat(d)));
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
