//! Project typedefs used as probe arguments, resolved from C headers through
//! bindgen (the opt-in `bindgen` feature; libclang is loaded at run time).
//!
//! A provider file may name a C typedef the provider language does not know
//! (`probe txn__start(TxnId);`). The Rust module needs a Rust type for it:
//! [`Build::rust_type`] gives one by hand; [`Build::c_types_header`] asks
//! bindgen to read the project's header for every such name and follows the
//! typedef chain down to an integer, `bool` or pointer. Explicit mappings
//! win. Structs, unions and arrays by value cannot be probe arguments.

use std::env;

use probe_provider::{Diagnostic, ProviderFile, Severity, Span, TypeClass};

use crate::{Arch, Build, Error};

/// Where a C type is used as a probe argument.
struct Use {
    /// The normalized spelling, the key of the type map.
    key: String,
    /// The name to look up in the headers (`TxnId`; `color` for `enum color`).
    name: String,
    /// Every argument using it.
    spans: Vec<(Span, String)>,
}

/// The Rust type of each argument type the model could not classify and no
/// [`Build::rust_type`] maps, read from the headers given to
/// [`Build::c_types_header`]. Empty when no header was given.
pub(crate) fn resolve(build: &Build, file: &ProviderFile) -> Result<Vec<(String, String)>, Error> {
    if build.c_types_headers.is_empty() {
        return Ok(Vec::new());
    }
    if build.cargo_metadata {
        for header in &build.c_types_headers {
            println!("cargo:rerun-if-changed={}", header.display());
        }
    }
    let uses = unmapped_uses(build, file);
    let declarations = read_declarations(build, &uses)?;
    let target = Target::of(build);
    let mut map = Vec::new();
    let mut diagnostics = Vec::new();
    for u in &uses {
        // (A struct or union by value never gets here: the provider reader
        // refuses it.)
        let resolved = declarations.resolve(&u.name, &target);
        match resolved {
            Ok(rust) => map.push((u.key.clone(), rust)),
            Err(why) => {
                for (span, probe) in &u.spans {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        span: span.clone(),
                        message: format!("probe `{probe}`: argument type `{}`: {why}", u.key),
                        source_line: source_line(span),
                    });
                }
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(map)
    } else {
        diagnostics.sort_by(|a, b| {
            (&a.span.file, a.span.line, a.span.column).cmp(&(
                &b.span.file,
                b.span.line,
                b.span.column,
            ))
        });
        Err(Error::Generate(diagnostics))
    }
}

fn source_line(span: &Span) -> Option<String> {
    let text = std::fs::read_to_string(&*span.file).ok()?;
    text.lines()
        .nth(span.line.checked_sub(1)? as usize)
        .map(str::to_string)
}

/// The argument types left for the headers, in the order of first use.
fn unmapped_uses(build: &Build, file: &ProviderFile) -> Vec<Use> {
    let mut uses: Vec<Use> = Vec::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            for arg in &probe.args {
                if arg.ty.class != TypeClass::Other {
                    continue;
                }
                let ty = &arg.ty;
                if build
                    .type_map
                    .iter()
                    .any(|(c, _)| *c == ty.normalized || *c == ty.written)
                {
                    continue;
                }
                let site = (arg.span.clone(), probe.name.clone());
                if let Some(u) = uses.iter_mut().find(|u| u.key == ty.normalized) {
                    u.spans.push(site);
                    continue;
                }
                let words: Vec<&str> = ty
                    .normalized
                    .split_whitespace()
                    .filter(|w| !matches!(*w, "const" | "volatile"))
                    .collect();
                let name = match words.as_slice() {
                    ["enum", name] => name.to_string(),
                    _ => words.join(" "),
                };
                uses.push(Use {
                    key: ty.normalized.clone(),
                    name,
                    spans: vec![site],
                });
            }
        }
    }
    uses
}

/// What the headers declare for the names asked about (and what those
/// depend on), read from bindgen's output.
#[derive(Debug, Default)]
struct Declarations {
    /// `pub type NAME = RUST;`, the Rust type with white space removed.
    aliases: Vec<(String, String)>,
    /// Struct and union names (`pub struct NAME`, `pub union NAME`).
    records: Vec<(String, &'static str)>,
    /// The headers, for messages.
    headers: String,
}

impl Declarations {
    /// Reads the items of bindgen's unformatted output (a token stream's
    /// text: tokens separated by spaces).
    #[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
    fn parse(text: &str, headers: String) -> Declarations {
        let mut d = Declarations {
            headers,
            ..Declarations::default()
        };
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let mut i = 0;
        while i + 2 < tokens.len() {
            match (tokens[i], tokens[i + 1]) {
                ("pub", "type") => {
                    let name = tokens[i + 2].to_string();
                    // `pub type NAME = ... ;`, the `;` at bracket depth 0.
                    let mut j = i + 4;
                    let mut depth = 0i32;
                    let mut rust = String::new();
                    while j < tokens.len() {
                        let t = tokens[j];
                        if t == ";" && depth == 0 {
                            break;
                        }
                        depth += t.matches(['[', '(', '<', '{']).count() as i32;
                        depth -= t.matches([']', ')', '>', '}']).count() as i32;
                        rust.push_str(t);
                        j += 1;
                    }
                    d.aliases.push((name, rust));
                    i = j;
                }
                // `typedef enum level Level;` comes out as `pub use self :: level as Level ;`.
                ("pub", "use")
                    if tokens.get(i + 3) == Some(&"::") && tokens.get(i + 5) == Some(&"as") =>
                {
                    if let Some(alias) = tokens.get(i + 6) {
                        d.aliases
                            .push((alias.to_string(), tokens[i + 4].to_string()));
                    }
                }
                ("pub", "struct") => d.records.push((tokens[i + 2].to_string(), "struct")),
                ("pub", "union") => d.records.push((tokens[i + 2].to_string(), "union")),
                _ => {}
            }
            i += 1;
        }
        d
    }

    /// Follows `name`'s typedef chain to a Rust type the module accepts.
    fn resolve(&self, name: &str, target: &Target) -> Result<String, String> {
        let mut current = name.to_string();
        for _ in 0..64 {
            if let Some((_, tag)) = self.records.iter().find(|(n, _)| *n == current) {
                return Err(if current == name {
                    format!("`{name}` is a {tag}; a {tag} passed by value cannot be a probe argument (pass a pointer to it)")
                } else {
                    format!("`{name}` is the {tag} `{current}`; a {tag} passed by value cannot be a probe argument (pass a pointer to it)")
                });
            }
            let Some((_, rust)) = self.aliases.iter().find(|(n, _)| *n == current) else {
                return Err(if current == name {
                    if name == "long double" {
                        "`long double` has no Rust type".to_string()
                    } else {
                        format!("no declaration of `{name}` in {}", self.headers)
                    }
                } else {
                    format!(
                        "`{name}` names `{current}`, which {} does not declare",
                        self.headers
                    )
                });
            };
            let rust = rust.as_str();
            if rust.starts_with('*') || rust.contains("fn(") {
                // Raw pointers and (nullable) function pointers: an address.
                return Ok("*const core::ffi::c_void".to_string());
            }
            if rust.starts_with('[') {
                return Err(format!(
                    "`{name}` is an array type; arrays cannot be passed by value"
                ));
            }
            let last = rust.rsplit("::").next().unwrap_or(rust);
            if let Some(primitive) = primitive(last, target) {
                return Ok(primitive);
            }
            match last {
                "f32" | "f64" => {
                    return Err(format!(
                    "`{name}` is a floating-point type; write `{}` in the provider file instead",
                    if last == "f32" { "float" } else { "double" }
                ))
                }
                "c_void" => return Err(format!("`{name}` is `void`")),
                _ => current = last.to_string(),
            }
        }
        Err(format!("the typedef chain of `{name}` does not end"))
    }
}

/// What the C integer names of `core::ffi` are on the target.
struct Target {
    pointer_bits: u32,
    char_signed: bool,
}

impl Target {
    fn of(build: &Build) -> Target {
        let (os, arch) = build.target_os_and_arch();
        let arch = Arch::from_rust_target_arch(&arch);
        let pointer_bits = match (&build.target, env::var("CARGO_CFG_TARGET_POINTER_WIDTH")) {
            (None, Ok(w)) => w.parse().unwrap_or(64),
            _ => arch.map_or(64, |a| a.pointer_width() as u32 * 8),
        };
        // Apple's ABIs make plain `char` signed everywhere; elsewhere it
        // follows the architecture's Linux ABI.
        let char_signed =
            matches!(os.as_str(), "macos" | "ios") || arch.is_none_or(Arch::char_is_signed);
        Target {
            pointer_bits,
            char_signed,
        }
    }
}

/// The Rust primitive for a bindgen type name (`u32`, `c_ulong`, `bool`).
fn primitive(name: &str, target: &Target) -> Option<String> {
    let long = target.pointer_bits; // LP64 / ILP32: every Unix target here
    let (signed, bits) = match name {
        "bool" => return Some("bool".to_string()),
        "usize" | "isize" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" => {
            return Some(name.to_string())
        }
        "c_char" => (target.char_signed, 8),
        "c_schar" => (true, 8),
        "c_uchar" => (false, 8),
        "c_short" => (true, 16),
        "c_ushort" => (false, 16),
        "c_int" => (true, 32),
        "c_uint" => (false, 32),
        "c_long" => (true, long),
        "c_ulong" => (false, long),
        "c_longlong" => (true, 64),
        "c_ulonglong" => (false, 64),
        _ => return None,
    };
    Some(format!("{}{bits}", if signed { 'i' } else { 'u' }))
}

#[cfg(feature = "bindgen")]
fn read_declarations(build: &Build, uses: &[Use]) -> Result<Declarations, Error> {
    let headers: Vec<String> = build
        .c_types_headers
        .iter()
        .map(|h| h.display().to_string())
        .collect();
    let shown = headers.join(", ");
    let names: Vec<&str> = uses.iter().map(|u| u.name.as_str()).collect();
    if names.is_empty() {
        return Ok(Declarations {
            headers: shown,
            ..Declarations::default()
        });
    }
    let mut builder = bindgen::Builder::default()
        .use_core()
        .formatter(bindgen::Formatter::None)
        .layout_tests(false)
        .generate_comments(false);
    for header in &headers {
        builder = builder.header(header.as_str());
    }
    for name in &names {
        // bindgen anchors the pattern; names are C identifiers (no regex syntax).
        builder = builder.allowlist_type(*name);
    }
    for dir in &build.include_dirs {
        builder = builder.clang_arg(format!("-I{}", dir.display()));
    }
    for (name, value) in &build.defines {
        builder = builder.clang_arg(match value {
            Some(v) => format!("-D{name}={v}"),
            None => format!("-D{name}"),
        });
    }
    if build.cargo_metadata {
        builder = builder.parse_callbacks(Box::new(bindgen::CargoCallbacks::new()));
    }
    let command = format!("bindgen {shown}");
    // bindgen panics when libclang cannot be loaded; report it as an error.
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.generate()))
        .map_err(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Error::Tool {
                command: command.clone(),
                message: format!("{why} (install libclang, e.g. Debian's libclang1-16, or set LIBCLANG_PATH to its folder)"),
            }
        })?
        .map_err(|e| Error::Tool { command: command.clone(), message: e.to_string() })?;
    Ok(Declarations::parse(&generated.to_string(), shown))
}

#[cfg(not(feature = "bindgen"))]
fn read_declarations(build: &Build, _uses: &[Use]) -> Result<Declarations, Error> {
    let _ = build;
    Err(Error::Tool {
        command: "Build::c_types_header".to_string(),
        message: "reading C types from headers needs probe-build's `bindgen` feature: \
                  `probe-build = { version = \"0.1\", features = [\"bindgen\"] }` in [build-dependencies] \
                  (or map each type with Build::rust_type)"
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LP64_X86: Target = Target {
        pointer_bits: 64,
        char_signed: true,
    };

    #[test]
    fn follows_typedef_chains() {
        let text = "pub type uint32_t = :: core :: ffi :: c_uint ; pub type TxnId = uint32_t ; \
                    pub type Flag = bool ; pub type Len = :: core :: ffi :: c_ulong ; \
                    # [repr (C)] # [derive (Debug , Copy , Clone)] pub struct conn { pub fd : :: core :: ffi :: c_int , } \
                    pub type conn_t = conn ; pub type handle = * mut conn ; \
                    pub type cb = :: core :: option :: Option < unsafe extern \"C\" fn (x : :: core :: ffi :: c_int) > ; \
                    pub type arr = [:: core :: ffi :: c_int ; 4usize] ; \
                    pub const level_LOW : level = 0 ; pub type level = :: core :: ffi :: c_uint ; pub use self :: level as Level ; pub type Real = f64 ; pub type Dangling = missing ;";
        let d = Declarations::parse(text, "t.h".to_string());
        assert_eq!(d.resolve("TxnId", &LP64_X86), Ok("u32".to_string()));
        assert_eq!(d.resolve("Flag", &LP64_X86), Ok("bool".to_string()));
        assert_eq!(d.resolve("Len", &LP64_X86), Ok("u64".to_string()));
        assert_eq!(
            d.resolve(
                "Len",
                &Target {
                    pointer_bits: 32,
                    char_signed: true
                }
            ),
            Ok("u32".to_string())
        );
        assert_eq!(
            d.resolve("handle", &LP64_X86),
            Ok("*const core::ffi::c_void".to_string())
        );
        assert_eq!(
            d.resolve("cb", &LP64_X86),
            Ok("*const core::ffi::c_void".to_string())
        );
        assert!(d
            .resolve("conn_t", &LP64_X86)
            .unwrap_err()
            .contains("struct `conn`"));
        assert_eq!(d.resolve("Level", &LP64_X86), Ok("u32".to_string()));
        assert!(d.resolve("arr", &LP64_X86).unwrap_err().contains("array"));
        assert!(d.resolve("Real", &LP64_X86).unwrap_err().contains("double"));
        assert!(d
            .resolve("Dangling", &LP64_X86)
            .unwrap_err()
            .contains("`missing`"));
        assert!(d
            .resolve("Nope", &LP64_X86)
            .unwrap_err()
            .contains("no declaration of `Nope` in t.h"));
    }
}
