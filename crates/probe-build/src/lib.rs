//! Static tracing markers for Rust (and C) from a DTrace provider file, in
//! `build.rs`.
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     probe_build::Build::new()
//!         .file("probes.d")
//!         .c_header("probes.h") // only when C code fires the probes too
//!         .compile();
//! }
//! ```
//!
//! The build writes `probes.rs` into `OUT_DIR`; include it in a module of
//! its own. For `provider myapp { probe request__start(const char *, int); };`
//! it holds a module `myapp` with `request_start`, `request_start_enabled`
//! and `request_start_if_enabled` (`__` becomes `_`):
//!
//! ```
//! // src/main.rs
//! mod probes {
//! #   /*
//!     include!(concat!(env!("OUT_DIR"), "/probes.rs"));
//! #   */
//! #   include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/myapp_probes.rs"));
//! }
//!
//! fn handle(path: &str, id: i32) {
//!     probes::myapp::request_start(path, id);
//!     // The closure runs only while a tracer is attached.
//!     probes::myapp::request_done_if_enabled(|| (id, 42));
//! }
//! # handle("/", 1);
//! ```
//!
//! The backend follows the *target* (`CARGO_CFG_TARGET_OS`,
//! `CARGO_CFG_TARGET_ARCH`, or [`Build::target`]): SystemTap SDT notes on
//! 64-bit Linux (x86_64, aarch64, powerpc64, s390x, riscv64); DTrace's
//! linker-rewritten calls on macOS (x86_64, arm64); on illumos/Solaris and
//! FreeBSD a C shim compiled with `cc` and rewritten by the system `dtrace
//! -G` (see [`Build::dtrace`]); and elsewhere the same API compiled to
//! nothing, with a `cargo:warning` that says so. Set `PROBE_BUILD_DISABLE=1`
//! in the environment (or call [`Build::enabled`]`(false)`) to compile
//! probes out. See `docs/rust.md`.

// The examples are build scripts, and a build script is a `fn main`.
#![allow(clippy::needless_doctest_main)]

use std::env;
use std::fmt;
use std::path::{Path, PathBuf};

use probe_gen::rust_module::{self, RustModuleOptions};
use probe_pipeline::{Preprocess, ReadOptions};
pub use probe_target::{Arch, Backend, DtraceSystem};

mod c_types;
mod compiler;
mod dtrace_shim;

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
    target: Option<String>,
    cargo_metadata: bool,
    dtrace: Option<PathBuf>,
    dtrace_args: Vec<String>,
}

/// What [`Build::try_compile`] wrote.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Output {
    /// The folder everything was written to (`OUT_DIR`, or [`Build::out_dir`]).
    pub out_dir: PathBuf,
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

impl Output {
    /// The folder to add to a C compiler's include path for the header
    /// [`Build::c_header`] wrote (the output folder).
    ///
    /// ```no_run
    /// let probes = probe_build::Build::new()
    ///     .file("probes.d")
    ///     .c_header("probes.h")
    ///     .compile();
    /// cc::Build::new()
    ///     .file("src/side.c")
    ///     .include(probes.include_dir())
    ///     .compile("side");
    /// ```
    pub fn include_dir(&self) -> &Path {
        &self.out_dir
    }
}

/// Why a build failed.
#[derive(Debug)]
#[non_exhaustive]
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
    ///
    /// ```no_run
    /// probe_build::Build::new().file("probes.d").compile();
    /// ```
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

    /// Adds a provider file (`.d`). All files of one build go into one
    /// module; `cargo:rerun-if-changed` is printed for each.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("src/server.d")
    ///     .file("src/storage.d")
    ///     .compile();
    /// ```
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Build {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds several provider files.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .files(["src/server.d", "src/storage.d"])
    ///     .compile();
    /// ```
    pub fn files<P: AsRef<Path>>(&mut self, paths: impl IntoIterator<Item = P>) -> &mut Build {
        for p in paths {
            self.file(p);
        }
        self
    }

    /// The file name of the Rust module in `OUT_DIR` (default `probes.rs`).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .module_name("tracing_probes.rs")
    ///     .compile();
    /// // include!(concat!(env!("OUT_DIR"), "/tracing_probes.rs"));
    /// ```
    pub fn module_name(&mut self, name: &str) -> &mut Build {
        self.module_name = name.to_string();
        self
    }

    /// Also writes a C header with this file name into `OUT_DIR`, for C
    /// code compiled by `cc` in the same build script (add
    /// [`Output::include_dir`] to its include path). C and Rust then fire
    /// the same probes; the semaphores are defined once, by the Rust module,
    /// so include the module in the crate that links the C code.
    ///
    /// ```no_run
    /// let probes = probe_build::Build::new()
    ///     .file("probes.d")
    ///     .c_header("probes.h")
    ///     .compile();
    /// cc::Build::new()
    ///     .file("c/side.c")
    ///     .include(probes.include_dir())
    ///     .compile("side");
    /// // cc does not print rerun-if-changed for its sources.
    /// println!("cargo:rerun-if-changed=c/side.c");
    /// ```
    pub fn c_header(&mut self, name: &str) -> &mut Build {
        self.c_header = Some(name.to_string());
        self
    }

    /// Compiles the probes in (`true`, the default) or out (`false`).
    /// Compiled out, the API stays and costs nothing.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .enabled(std::env::var_os("CARGO_FEATURE_PROBES").is_some())
    ///     .compile();
    /// ```
    pub fn enabled(&mut self, enabled: bool) -> &mut Build {
        self.enabled = enabled;
        self
    }

    /// Runs the provider files through the C preprocessor first (what
    /// `dtrace -C` does), for `#include` and `#define`. Files that use
    /// preprocessor directives are preprocessed even without this. The
    /// preprocessor is the target's C compiler, found as the `cc` crate
    /// finds it, with `-E` (or `$CPP`).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .preprocess(true)
    ///     .compile();
    /// ```
    pub fn preprocess(&mut self, preprocess: bool) -> &mut Build {
        self.preprocess = preprocess;
        self
    }

    /// Adds `-I DIR` for the preprocessor (and turns preprocessing on).
    /// Files included get `cargo:rerun-if-changed` too.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .include_dir("include")
    ///     .compile();
    /// ```
    pub fn include_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.include_dirs.push(dir.as_ref().to_path_buf());
        self.preprocess = true;
        self
    }

    /// Adds `-D NAME[=VALUE]` for the preprocessor (and turns preprocessing on).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .define("HAVE_JIT", "1")
    ///     .define("NDEBUG", None)
    ///     .compile();
    /// ```
    pub fn define<'a>(&mut self, name: &str, value: impl Into<Option<&'a str>>) -> &mut Build {
        self.defines
            .push((name.to_string(), value.into().map(str::to_string)));
        self.preprocess = true;
        self
    }

    /// The Rust type for a C type the provider language does not know (a
    /// project typedef). Primitive integers, `bool` and raw pointer types
    /// are accepted.
    ///
    /// ```no_run
    /// // probes.d: probe txn__start(TxnId id);
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .rust_type("TxnId", "u32")
    ///     .compile();
    /// ```
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
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .c_types_header("src/types.h")
    ///     .compile();
    /// ```
    pub fn c_types_header(&mut self, path: impl AsRef<Path>) -> &mut Build {
        self.c_types_headers.push(path.as_ref().to_path_buf());
        self
    }

    /// Size of the stack buffer a `&str` argument is copied into when its
    /// probe is enabled, NUL included (default 256; longer strings are
    /// truncated).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .str_buffer_len(1024)
    ///     .compile();
    /// ```
    pub fn str_buffer_len(&mut self, len: usize) -> &mut Build {
        self.str_buffer_len = len.max(1);
        self
    }

    /// Writes into this folder instead of `OUT_DIR` (outside build scripts,
    /// and in tests).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .out_dir("target/generated")
    ///     .target("x86_64-unknown-linux-gnu")
    ///     .cargo_metadata(false)
    ///     .try_compile()
    ///     .unwrap();
    /// ```
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Builds for this Rust target triple instead of Cargo's `TARGET`
    /// (as `cc::Build::target` does): it chooses the backend and the C
    /// compiler used to preprocess provider files.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .target("aarch64-unknown-linux-gnu")
    ///     .compile();
    /// ```
    pub fn target(&mut self, triple: &str) -> &mut Build {
        self.target = Some(triple.to_string());
        self
    }

    /// Whether to print `cargo:` lines (default `true`).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .cargo_metadata(false)
    ///     .compile();
    /// ```
    pub fn cargo_metadata(&mut self, print: bool) -> &mut Build {
        self.cargo_metadata = print;
        self
    }

    /// The `dtrace` program for illumos, Solaris and FreeBSD targets (default:
    /// `$DTRACE`, else `dtrace` on the `PATH`). There, each provider file's
    /// probe sites are compiled into a C shim with `cc`, `dtrace -G` rewrites
    /// them and writes the DOF object, and both are linked into the crate.
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .dtrace("/usr/sbin/dtrace")
    ///     .compile();
    /// ```
    pub fn dtrace(&mut self, program: impl AsRef<Path>) -> &mut Build {
        self.dtrace = Some(program.as_ref().to_path_buf());
        self
    }

    /// An extra argument for `dtrace -G` (e.g. `-xnolibs` where the D
    /// libraries cannot be loaded, as on some FreeBSD build hosts).
    ///
    /// ```no_run
    /// probe_build::Build::new()
    ///     .file("probes.d")
    ///     .dtrace_arg("-xnolibs")
    ///     .compile();
    /// ```
    pub fn dtrace_arg(&mut self, arg: &str) -> &mut Build {
        self.dtrace_args.push(arg.to_string());
        self
    }

    /// Runs the build; on failure prints the error and exits the build
    /// script with status 1 (the way a compiler fails), without a panic.
    ///
    /// ```no_run
    /// let output = probe_build::Build::new().file("probes.d").compile();
    /// assert!(output.module.ends_with("probes.rs"));
    /// ```
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
    ///
    /// ```no_run
    /// match probe_build::Build::new().file("probes.d").try_compile() {
    ///     Ok(output) => println!("probes: {:?}", output.backend),
    ///     Err(e) => panic!("{e}"),
    /// }
    /// ```
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

        let sources = probe_pipeline::read(&self.files, &self.read_options(&out_dir))
            .map_err(Error::Provider)?;
        let file = &sources.merged;
        if self.cargo_metadata {
            for input in sources.inputs.iter().filter(|i| !self.files.contains(i)) {
                println!("cargo:rerun-if-changed={}", input.display());
            }
            for w in &file.warnings {
                println!("cargo:warning={w}");
            }
        }

        let mut options = RustModuleOptions::new(backend);
        options.str_buffer_len = self.str_buffer_len;
        options.type_map = self.type_map.clone();
        options.type_map.extend(c_types::resolve(self, file)?);
        let module_text = rust_module::generate(file, &options).map_err(Error::Generate)?;
        let module = out_dir.join(&self.module_name);
        write(&module, module_text.as_bytes())?;

        let c_header = match &self.c_header {
            None => None,
            Some(name) => {
                let text = probe_pipeline::header_for_backend(file, backend, name);
                let path = out_dir.join(name);
                write(&path, text.as_bytes())?;
                Some(path)
            }
        };
        let dtrace_libraries = match backend {
            Backend::DtraceShim(system) => {
                dtrace_shim::build(self, &sources.files, system, &out_dir)?
            }
            _ => Vec::new(),
        };
        Ok(Output {
            out_dir,
            module,
            c_header,
            backend,
            disabled_reason,
            inputs: sources.inputs,
            dtrace_libraries,
        })
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
        let (os, arch) = self.target_os_and_arch();
        match Backend::for_rust_target(&os, &arch) {
            Ok(b) => (b, None),
            Err(reason) => (Backend::Disabled, Some(reason)),
        }
    }

    /// Rust's `target_os` and `target_arch` of the target.
    fn target_os_and_arch(&self) -> (String, String) {
        match &self.target {
            Some(triple) => Backend::rust_os_and_arch(triple),
            None => (
                env::var("CARGO_CFG_TARGET_OS").unwrap_or_default(),
                env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default(),
            ),
        }
    }

    /// The target triple for the C compiler: [`Build::target`], else Cargo's.
    fn target_triple(&self) -> Option<String> {
        self.target.clone().or_else(|| env::var("TARGET").ok())
    }

    /// How the shared pipeline reads the files: through the target's C
    /// preprocessor when asked, or when a file uses directives.
    fn read_options(&self, out_dir: &Path) -> ReadOptions {
        let mut preprocessor = compiler::preprocessor(self.target_triple().as_deref());
        for dir in &self.include_dirs {
            preprocessor.include_dir(dir);
        }
        for (name, value) in &self.defines {
            preprocessor.define(name, value.as_deref());
        }
        ReadOptions {
            preprocess: if self.preprocess {
                Preprocess::Always
            } else {
                Preprocess::WhenNeeded
            },
            preprocessor,
            dependency_dir: Some(out_dir.to_path_buf()),
        }
    }
}

/// Writes an output through the shared pipeline: atomically, and not at all
/// when unchanged (Cargo then sees nothing new).
fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    probe_pipeline::write_if_changed(path, bytes)
        .map(|_| ())
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}
