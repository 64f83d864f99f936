//! Static tracing markers for Rust (and C) from a DTrace provider file, in
//! `build.rs`.
//!
//! ```no_run
//! // build.rs
//! probe_build::Build::new()
//!     .file("probes.d")
//!     .c_header("probes.h") // only when C code fires the probes too
//!     .compile();
//! ```
//!
//! ```ignore
//! // src/main.rs
//! mod probes {
//!     include!(concat!(env!("OUT_DIR"), "/probes.rs"));
//! }
//!
//! probes::myapp::request__start(c"GET", 42); // `request__start` is `request_start`
//! ```
//!
//! The backend follows the *target* (`CARGO_CFG_TARGET_OS`,
//! `CARGO_CFG_TARGET_ARCH`): SystemTap SDT notes on 64-bit Linux (x86_64,
//! aarch64, powerpc64, s390x, riscv64); DTrace's linker-rewritten calls on
//! macOS (x86_64, arm64); on illumos/Solaris and FreeBSD a C shim compiled
//! with `cc` and rewritten by the system `dtrace -G` (see [`Build::dtrace`]);
//! and elsewhere the same API compiled to nothing, with a `cargo:warning`
//! that says so. Set `PROBE_BUILD_DISABLE=1` in the environment (or call
//! [`Build::enabled`]`(false)`) to compile probes out. See `docs/rust.md`.

use std::env;
use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub use probe_gen::illumos_header::DtraceSystem;
use probe_gen::rust_module::{self, RustModuleOptions};
pub use probe_gen::rust_module::{Backend, MacosArch, SdtArch};
use probe_provider::preprocess::Preprocessor;
use probe_provider::ProviderFile;

mod c_types;

/// The environment variable that compiles probes out when set to anything
/// but empty or `0` (for packagers).
pub const DISABLE_ENV: &str = "PROBE_BUILD_DISABLE";

/// The environment variable naming the `dtrace` program used on illumos,
/// Solaris and FreeBSD targets (default `dtrace`).
pub const DTRACE_ENV: &str = "DTRACE";

/// A probe build: provider files in, a Rust module (and optionally a C
/// header) in `OUT_DIR` out.
#[derive(Debug, Clone)]
pub struct Build {
    files: Vec<PathBuf>,
    module_name: String,
    c_header: Option<String>,
    enabled: bool,
    preprocess: bool,
    include_dirs: Vec<PathBuf>,
    defines: Vec<(String, Option<String>)>,
    type_map: Vec<(String, String)>,
    c_types_headers: Vec<PathBuf>,
    str_buffer_len: usize,
    out_dir: Option<PathBuf>,
    target: Option<(String, String)>,
    cargo_metadata: bool,
    dtrace: Option<PathBuf>,
    dtrace_args: Vec<String>,
}

/// What [`Build::try_compile`] wrote.
#[derive(Debug, Clone)]
pub struct Output {
    /// The Rust module, for `include!`.
    pub module: PathBuf,
    /// The C header, when [`Build::c_header`] asked for one.
    pub c_header: Option<PathBuf>,
    /// The backend the generated code uses.
    pub backend: Backend,
    /// Why probes are compiled out, when they are.
    pub disabled_reason: Option<String>,
    /// Every file read (provider files and the files they include).
    pub inputs: Vec<PathBuf>,
    /// illumos/Solaris/FreeBSD: the static libraries linked into the crate
    /// (each holds a provider file's shim object, rewritten by `dtrace -G`,
    /// and the DOF object `dtrace -G` wrote).
    pub dtrace_libraries: Vec<PathBuf>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum Error {
    /// No provider file was given.
    NoFiles,
    /// `OUT_DIR` is not set and no [`Build::out_dir`] was given.
    NoOutDir,
    /// A provider file could not be read, preprocessed or parsed.
    Provider(probe_provider::Error),
    /// The provider files declare something Rust cannot express.
    Generate(Vec<probe_provider::Diagnostic>),
    /// An output could not be written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// illumos/Solaris/FreeBSD: compiling the shim, `dtrace -G` or the
    /// archiver failed.
    Tool { command: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoFiles => write!(f, "probe-build: no provider file given (Build::file)"),
            Error::NoOutDir => write!(
                f,
                "probe-build: OUT_DIR is not set (run from a build script, or call Build::out_dir)"
            ),
            Error::Provider(e) => write!(f, "{e}"),
            Error::Generate(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Tool { command, message } => {
                write!(f, "probe-build: error: {command}: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

impl Default for Build {
    fn default() -> Self {
        Build::new()
    }
}

impl Build {
    /// A build with no files; the module is written as `probes.rs`.
    pub fn new() -> Build {
        Build {
            files: Vec::new(),
            module_name: "probes.rs".to_string(),
            c_header: None,
            enabled: true,
            preprocess: false,
            include_dirs: Vec::new(),
            defines: Vec::new(),
            type_map: Vec::new(),
            c_types_headers: Vec::new(),
            str_buffer_len: 256,
            out_dir: None,
            target: None,
            cargo_metadata: true,
            dtrace: None,
            dtrace_args: Vec::new(),
        }
    }

    /// Adds a provider file (`.d`). All files of one build go into one module.
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Build {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds several provider files.
    pub fn files<P: AsRef<Path>>(&mut self, paths: impl IntoIterator<Item = P>) -> &mut Build {
        for p in paths {
            self.file(p);
        }
        self
    }

    /// The file name of the Rust module in `OUT_DIR` (default `probes.rs`).
    pub fn module_name(&mut self, name: &str) -> &mut Build {
        self.module_name = name.to_string();
        self
    }

    /// Also writes a C header with this file name into `OUT_DIR`, for C
    /// code compiled by `cc` in the same build script (add `OUT_DIR` to its
    /// include path). C and Rust then fire the same probes; the semaphores
    /// are defined once, by the Rust module, so include the module in the
    /// crate that links the C code.
    pub fn c_header(&mut self, name: &str) -> &mut Build {
        self.c_header = Some(name.to_string());
        self
    }

    /// Compiles the probes in (`true`, the default) or out (`false`).
    /// Compiled out, the API stays and costs nothing.
    pub fn enabled(&mut self, enabled: bool) -> &mut Build {
        self.enabled = enabled;
        self
    }

    /// Runs the provider files through the C preprocessor first (what
    /// `dtrace -C` does), for `#include` and `#define`. Files that use
    /// preprocessor directives are preprocessed even without this.
    pub fn preprocess(&mut self, preprocess: bool) -> &mut Build {
        self.preprocess = preprocess;
        self
    }

    /// Adds `-I DIR` for the preprocessor (and turns preprocessing on).
    pub fn include_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.include_dirs.push(dir.as_ref().to_path_buf());
        self.preprocess = true;
        self
    }

    /// Adds `-D NAME[=VALUE]` for the preprocessor (and turns preprocessing on).
    pub fn define<'a>(&mut self, name: &str, value: impl Into<Option<&'a str>>) -> &mut Build {
        self.defines
            .push((name.to_string(), value.into().map(str::to_string)));
        self.preprocess = true;
        self
    }

    /// The Rust type for a C type the provider language does not know (a
    /// project typedef): `rust_type("my_id_t", "u32")`. Primitive integers,
    /// `bool` and raw pointer types are accepted.
    pub fn rust_type(&mut self, c_type: &str, rust_type: &str) -> &mut Build {
        self.type_map
            .push((c_type.to_string(), rust_type.to_string()));
        self
    }

    /// A C header declaring the project typedefs that probe arguments name
    /// (`typedef uint32_t TxnId;` for `probe txn__start(TxnId);`). bindgen
    /// reads it (with the [`Build::include_dir`]s and [`Build::define`]s)
    /// and each typedef without a [`Build::rust_type`] becomes the integer,
    /// `bool` or pointer type it names. Needs the `bindgen` feature (and
    /// libclang at build time); without it [`Build::try_compile`] fails and
    /// says so. See `docs/rust.md`.
    pub fn c_types_header(&mut self, path: impl AsRef<Path>) -> &mut Build {
        self.c_types_headers.push(path.as_ref().to_path_buf());
        self
    }

    /// Size of the stack buffer a `&str` argument is copied into when its
    /// probe is enabled, NUL included (default 256; longer strings are
    /// truncated).
    pub fn str_buffer_len(&mut self, len: usize) -> &mut Build {
        self.str_buffer_len = len.max(1);
        self
    }

    /// Writes into this folder instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Uses this target OS and architecture (Rust's `target_os` and
    /// `target_arch` values) instead of Cargo's `CARGO_CFG_TARGET_*`.
    pub fn target(&mut self, os: &str, arch: &str) -> &mut Build {
        self.target = Some((os.to_string(), arch.to_string()));
        self
    }

    /// Whether to print `cargo:` lines (default `true`).
    pub fn cargo_metadata(&mut self, print: bool) -> &mut Build {
        self.cargo_metadata = print;
        self
    }

    /// The `dtrace` program for illumos, Solaris and FreeBSD targets (default:
    /// `$DTRACE`, else `dtrace` on the `PATH`). There, each provider file's
    /// probe sites are compiled into a C shim with `cc`, `dtrace -G` rewrites
    /// them and writes the DOF object, and both are linked into the crate.
    pub fn dtrace(&mut self, program: impl AsRef<Path>) -> &mut Build {
        self.dtrace = Some(program.as_ref().to_path_buf());
        self
    }

    /// An extra argument for `dtrace -G` (e.g. `-xnolibs` where the D
    /// libraries cannot be loaded, as on some FreeBSD build hosts).
    pub fn dtrace_arg(&mut self, arg: &str) -> &mut Build {
        self.dtrace_args.push(arg.to_string());
        self
    }

    /// Runs the build; on failure prints the error and exits the build
    /// script with status 1 (the way a compiler fails), without a panic.
    pub fn compile(&self) -> Output {
        match self.try_compile() {
            Ok(output) => output,
            Err(e) => {
                eprintln!("{e}");
                if self.cargo_metadata {
                    // Cargo shows warnings even when the script's stderr is cut.
                    for line in e.to_string().lines().filter(|l| l.contains("error")) {
                        println!("cargo:warning={line}");
                    }
                }
                std::process::exit(1);
            }
        }
    }

    /// Runs the build and returns what was written.
    pub fn try_compile(&self) -> Result<Output, Error> {
        if self.files.is_empty() {
            return Err(Error::NoFiles);
        }
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        if self.cargo_metadata {
            println!("cargo:rerun-if-env-changed={DISABLE_ENV}");
            for f in &self.files {
                println!("cargo:rerun-if-changed={}", f.display());
            }
        }

        let (backend, disabled_reason) = self.choose_backend();
        if let (Some(reason), true) = (&disabled_reason, self.cargo_metadata) {
            println!("cargo:warning=probes compiled out: {reason}");
        }

        let (file, per_file, inputs) = self.parse(&out_dir)?;
        if self.cargo_metadata {
            for input in inputs.iter().filter(|i| !self.files.contains(i)) {
                println!("cargo:rerun-if-changed={}", input.display());
            }
            for w in &file.warnings {
                println!("cargo:warning={w}");
            }
        }

        let mut options = RustModuleOptions::new(backend);
        options.str_buffer_len = self.str_buffer_len;
        options.type_map = self.type_map.clone();
        options.type_map.extend(c_types::resolve(self, &file)?);
        let module_text = rust_module::generate(&file, &options).map_err(Error::Generate)?;
        let module = out_dir.join(&self.module_name);
        write_atomic(&module, module_text.as_bytes())?;

        let c_header = match &self.c_header {
            None => None,
            Some(name) => {
                let text = c_header_text(&file, backend, name)?;
                let path = out_dir.join(name);
                write_atomic(&path, text.as_bytes())?;
                Some(path)
            }
        };
        let dtrace_libraries = match backend {
            Backend::DtraceShim(system) => self.dtrace_shims(&per_file, system, &out_dir)?,
            _ => Vec::new(),
        };
        Ok(Output {
            module,
            c_header,
            backend,
            disabled_reason,
            inputs,
            dtrace_libraries,
        })
    }

    /// illumos/Solaris/FreeBSD: for each provider file, writes the shim's C
    /// source, compiles it with `cc`, runs `dtrace -G` over the object (once,
    /// on fresh output: a second run would find no sites), archives the
    /// rewritten object with the DOF object, and links the archive whole
    /// (nothing refers to the DOF object; its constructor registers it).
    fn dtrace_shims(
        &self,
        files: &[ProviderFile],
        system: DtraceSystem,
        out_dir: &Path,
    ) -> Result<Vec<PathBuf>, Error> {
        let dtrace = self
            .dtrace
            .clone()
            .or_else(|| {
                env::var_os(DTRACE_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from("dtrace"));
        if self.cargo_metadata {
            println!("cargo:rerun-if-env-changed={DTRACE_ENV}");
        }
        let width = env::var("CARGO_CFG_TARGET_POINTER_WIDTH").unwrap_or_else(|_| "64".to_string());
        let crate_name: String = env::var("CARGO_PKG_NAME")
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut libraries = Vec::new();
        for (i, file) in files.iter().enumerate() {
            if file.providers.iter().all(|p| p.probes.is_empty()) {
                continue;
            }
            let stem = format!("probe-build-dtrace-{i}");
            let source = out_dir.join(format!("{stem}.c"));
            write_atomic(&source, probe_gen::dtrace_shim::generate(file).as_bytes())?;
            let objects_dir = out_dir.join(&stem);
            fs::create_dir_all(&objects_dir).map_err(|source| Error::Io {
                path: objects_dir.clone(),
                source,
            })?;
            let mut cc = cc::Build::new();
            cc.file(&source)
                .out_dir(&objects_dir)
                .cargo_metadata(self.cargo_metadata)
                .warnings(false);
            let objects = cc.try_compile_intermediates().map_err(|e| Error::Tool {
                command: format!("cc {}", source.display()),
                message: e.to_string(),
            })?;

            let dof = out_dir.join(format!("{stem}-dof.o"));
            let _ = fs::remove_file(&dof);
            let mut command = std::process::Command::new(&dtrace);
            command
                .arg("-G")
                .arg(if width == "32" { "-32" } else { "-64" });
            command.args(&self.dtrace_args);
            if self.preprocess || has_cpp_directives(&file.path) {
                command.arg("-C");
                // dtrace feeds the file to cpp on stdin: a quoted #include is
                // found next to the file only through -I.
                if let Some(dir) = file.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    command.arg("-I").arg(dir);
                }
                for dir in &self.include_dirs {
                    command.arg("-I").arg(dir);
                }
                for (name, value) in &self.defines {
                    match value {
                        Some(v) => command.arg("-D").arg(format!("{name}={v}")),
                        None => command.arg("-D").arg(name),
                    };
                }
            }
            command
                .arg("-s")
                .arg(&file.path)
                .arg("-o")
                .arg(&dof)
                .args(&objects);
            run_tool(&mut command)?;

            let name = format!("probe_build_dtrace_{crate_name}_{i}");
            let library = out_dir.join(format!("lib{name}.a"));
            let _ = fs::remove_file(&library);
            let mut ar = cc.try_get_archiver().map_err(|e| Error::Tool {
                command: "ar".to_string(),
                message: e.to_string(),
            })?;
            ar.arg("crs").arg(&library).args(&objects).arg(&dof);
            run_tool(&mut ar)?;
            if self.cargo_metadata {
                println!("cargo:rustc-link-search=native={}", out_dir.display());
                println!("cargo:rustc-link-lib=static:+whole-archive={name}");
            }
            libraries.push(library);
        }
        // FreeBSD's drti.o, which `dtrace -G` links into the DOF object, needs libelf.
        if system == DtraceSystem::FreeBsd && !libraries.is_empty() && self.cargo_metadata {
            println!("cargo:rustc-link-lib=elf");
        }
        Ok(libraries)
    }

    /// The backend for the target, or why probes are compiled out.
    fn choose_backend(&self) -> (Backend, Option<String>) {
        if !self.enabled {
            return (
                Backend::Disabled,
                Some("switched off by Build::enabled(false) in build.rs".to_string()),
            );
        }
        if let Some(v) = env::var_os(DISABLE_ENV) {
            let v = v.to_string_lossy();
            if !v.is_empty() && v != "0" {
                return (
                    Backend::Disabled,
                    Some(format!("switched off by {DISABLE_ENV}={v}")),
                );
            }
        }
        let (os, arch) = match &self.target {
            Some(t) => t.clone(),
            None => (
                env::var("CARGO_CFG_TARGET_OS").unwrap_or_default(),
                env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default(),
            ),
        };
        match backend_for_target(&os, &arch) {
            Ok(b) => (b, None),
            Err(reason) => (Backend::Disabled, Some(reason)),
        }
    }

    /// Parses every file (through the preprocessor when asked) into one
    /// model; returns it with the list of files read.
    fn parse(
        &self,
        out_dir: &Path,
    ) -> Result<(ProviderFile, Vec<ProviderFile>, Vec<PathBuf>), Error> {
        let mut merged: Option<ProviderFile> = None;
        let mut per_file = Vec::new();
        let mut inputs: Vec<PathBuf> = self.files.clone();
        for (i, path) in self.files.iter().enumerate() {
            let file = if self.preprocess || has_cpp_directives(path) {
                let mut cpp = Preprocessor::new();
                if let Ok(target) = env::var("TARGET") {
                    cpp.target(target);
                }
                for dir in &self.include_dirs {
                    cpp.include_dir(dir);
                }
                for (name, value) in &self.defines {
                    cpp.define(name, value.as_deref());
                }
                // The preprocessor lists the (non-system) files it includes, for
                // `rerun-if-changed`.
                let deps = out_dir.join(format!("probe-build-{i}.deps"));
                cpp.arg("-MMD").arg("-MF").arg(&deps);
                let parsed = probe_provider::parse_file_with(path, Some(&cpp));
                // Even a failed run lists what it read: a fix there reruns us.
                if let Ok(text) = fs::read_to_string(&deps) {
                    for dep in parse_make_deps(&text) {
                        if !inputs.contains(&dep) {
                            inputs.push(dep);
                        }
                    }
                }
                let _ = fs::remove_file(&deps);
                parsed.map_err(Error::Provider)?
            } else {
                probe_provider::parse_file(path).map_err(Error::Provider)?
            };
            per_file.push(file.clone());
            match &mut merged {
                None => merged = Some(file),
                Some(m) => {
                    m.providers.extend(file.providers);
                    m.pragmas.extend(file.pragmas);
                    m.warnings.extend(file.warnings);
                }
            }
        }
        Ok((merged.expect("at least one file"), per_file, inputs))
    }
}

/// The C header matching the Rust module: SDT macros that use the
/// semaphores the module defines, or no-op macros when compiled out.
fn c_header_text(file: &ProviderFile, backend: Backend, name: &str) -> Result<String, Error> {
    match backend {
        Backend::Macos(_) => probe_gen::macos_header::generate(
            file,
            &probe_gen::macos_header::MacosHeaderOptions::new().output_name(name),
        )
        .map_err(Error::Provider),
        // C code calls the shim too, so its sites need no `-G` run of their own.
        Backend::DtraceShim(_) => Ok(probe_gen::dtrace_shim::generate_header(file, name)),
        Backend::Sdt(_) => Ok(probe_gen::sdt_header::generate(
            file,
            &probe_gen::sdt_header::SdtHeaderOptions::new(),
        )),
        Backend::Disabled => Ok(probe_gen::disabled_header::generate(file)),
    }
}

/// The backend for a Rust `target_os` / `target_arch` pair, or why there is
/// none. New platforms plug in here.
pub fn backend_for_target(os: &str, arch: &str) -> Result<Backend, String> {
    match os {
        "linux" | "android" => match SdtArch::from_target_arch(arch) {
            Some(a) => Ok(Backend::Sdt(a)),
            None => Err(format!("no SDT probe support for target architecture `{arch}` yet (x86_64, aarch64, powerpc64, s390x and riscv64 are supported)")),
        },
        "macos" => match MacosArch::from_target_arch(arch) {
            Some(a) => Ok(Backend::Macos(a)),
            None => Err(format!("no DTrace probe support for macOS on `{arch}` (x86_64 and aarch64 are supported)")),
        },
        "illumos" | "solaris" => Ok(Backend::DtraceShim(DtraceSystem::Illumos)),
        "freebsd" => Ok(Backend::DtraceShim(DtraceSystem::FreeBsd)),
        "ios" | "tvos" | "watchos" | "visionos" => Err(format!("no DTrace on `{os}` devices")),
        "" => Err("the target OS is unknown (CARGO_CFG_TARGET_OS is not set)".to_string()),
        _ => Err(format!("no probe mechanism for target OS `{os}`")),
    }
}

/// Runs a tool, turning a failure into an error that shows its output.
fn run_tool(command: &mut std::process::Command) -> Result<(), Error> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| Error::Tool {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if message.is_empty() {
        message = String::from_utf8_lossy(&output.stdout).trim().to_string();
    }
    Err(Error::Tool {
        command: shown,
        message: format!("{} ({})", message, output.status),
    })
}

/// Whether a provider file uses the C preprocessor (`#include`, `#define`,
/// `#if`...; `#pragma D` lines belong to the D language).
fn has_cpp_directives(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    text.lines().any(|line| {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            return false;
        };
        let word: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        matches!(
            word.as_str(),
            "include"
                | "define"
                | "undef"
                | "if"
                | "ifdef"
                | "ifndef"
                | "elif"
                | "else"
                | "endif"
                | "error"
                | "line"
        )
    })
}

/// The prerequisites of a Make rule written by `cc -MD`.
fn parse_make_deps(text: &str) -> Vec<PathBuf> {
    let joined = text.replace("\\\n", " ");
    let mut deps = Vec::new();
    for line in joined.lines() {
        // Skip the target, up to the first unescaped `: `.
        let Some(pos) = line.find(": ") else { continue };
        let mut word = String::new();
        let mut chars = line[pos + 2..].chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    word.push(' ');
                    chars.next();
                }
                ' ' | '\t' => {
                    if !word.is_empty() {
                        deps.push(PathBuf::from(std::mem::take(&mut word)));
                    }
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            deps.push(PathBuf::from(word));
        }
    }
    deps
}

/// Writes through a temporary file in the same folder, renamed on success,
/// so a failed build never leaves half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // Unchanged output keeps its time stamp, so Cargo does not rebuild.
    if fs::read(path).map(|old| old == bytes).unwrap_or(false) {
        return Ok(());
    }
    let tmp = path.with_extension("tmp-probe-build");
    let mut f = fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    drop(f);
    fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_target() {
        assert_eq!(
            backend_for_target("linux", "x86_64"),
            Ok(Backend::Sdt(SdtArch::X86_64))
        );
        assert_eq!(
            backend_for_target("linux", "aarch64"),
            Ok(Backend::Sdt(SdtArch::Aarch64))
        );
        assert!(backend_for_target("linux", "mips")
            .unwrap_err()
            .contains("mips"));
        assert!(backend_for_target("windows", "x86_64")
            .unwrap_err()
            .contains("windows"));
        assert_eq!(
            backend_for_target("macos", "aarch64"),
            Ok(Backend::Macos(MacosArch::Aarch64))
        );
        assert_eq!(
            backend_for_target("macos", "x86_64"),
            Ok(Backend::Macos(MacosArch::X86_64))
        );
        assert!(backend_for_target("macos", "powerpc")
            .unwrap_err()
            .contains("powerpc"));
        assert!(backend_for_target("ios", "aarch64")
            .unwrap_err()
            .contains("ios"));
        assert_eq!(
            backend_for_target("illumos", "x86_64"),
            Ok(Backend::DtraceShim(DtraceSystem::Illumos))
        );
        assert_eq!(
            backend_for_target("solaris", "x86_64"),
            Ok(Backend::DtraceShim(DtraceSystem::Illumos))
        );
        assert_eq!(
            backend_for_target("freebsd", "aarch64"),
            Ok(Backend::DtraceShim(DtraceSystem::FreeBsd))
        );
    }

    #[test]
    fn make_deps() {
        let deps = parse_make_deps("x.o: a.d inc/b.h \\\n  with\\ space.h\n");
        assert_eq!(
            deps,
            vec![
                PathBuf::from("a.d"),
                PathBuf::from("inc/b.h"),
                PathBuf::from("with space.h")
            ]
        );
    }
}
