//! Checks, in a project's own `cargo test`, that its static probes are
//! there and fire with the right arguments, without root: no bpftrace, no
//! kernel tracer, nothing beyond what `cargo test` already needs.
//!
//! - [`Sites`]: every probe a provider file declares has a site in the
//!   linked program or library (a probe whose only call was deleted, or
//!   compiled out, fails the test with `probes.d:4:11: error: probe
//!   myapp:request__done has no site in target/debug/myapp`). A probe left
//!   without a site on purpose is listed with [`Sites::unused`].
//! - [`Trace`]: runs the program under the `probe-build trace` tracer
//!   (ptrace, as gdb does; [`probe_trace`]) and returns every hit with its
//!   arguments, `myapp:request__start("/index", 1)`, to assert on.
//!   `*_enabled()` is true while traced, so guarded probes fire too.
//!
//! ```no_run
//! # macro_rules! env { ($name:literal) => { "target/debug/myapp" } }
//! // tests/probes.rs
//! #[test]
//! fn every_declared_probe_has_a_site() {
//!     probe_check::Sites::new()
//!         .file("probes.d")
//!         .unused("myapp:debug__dump")
//!         .check(env!("CARGO_BIN_EXE_myapp"));
//! }
//!
//! #[test]
//! fn probes_fire_with_their_arguments() {
//!     let hits = probe_check::Trace::new(env!("CARGO_BIN_EXE_myapp"))
//!         .provider("probes.d")
//!         .arg("--once")
//!         .run();
//!     assert_eq!(
//!         hits.lines(),
//!         [r#"myapp:request__start("/index", 1)"#, "myapp:request__done(1, 200)"]
//!     );
//! }
//! ```
//!
//! Relative paths are relative to the current folder, which `cargo test`
//! sets to the package's root. Linux only (x86_64 and aarch64), as the
//! tracer: elsewhere, declare it under
//! `[target.'cfg(target_os = "linux")'.dev-dependencies]`.

mod sites;
mod trace;

use std::fmt;
use std::path::PathBuf;

pub use probe_trace::{Outcome, Value};
pub use sites::Sites;
pub use trace::{Hit, Hits, Trace};

/// Why a check could not pass.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// [`Sites::check`] was given no provider file.
    NoProviderFile,
    /// A provider file could not be read, preprocessed or parsed.
    Provider(probe_provider::Error),
    /// [`Sites::unused`] names a probe the provider files do not declare,
    /// or one that several providers declare.
    Unused { name: String, reason: String },
    /// The linked file could not be read, or is not ELF.
    Linked(probe_inspect::InspectError),
    /// Declared probes have no site in the linked file.
    NoSite {
        linked: PathBuf,
        /// The linked file has no probe at all (compiled out?).
        no_probes_at_all: bool,
        missing: Vec<MissingSite>,
    },
    /// Tracing could not start, or had to stop.
    Trace(probe_trace::TraceError),
}

/// A declared probe without a site.
#[derive(Debug, Clone)]
pub struct MissingSite {
    pub provider: String,
    pub probe: String,
    /// `probes.d:4:11: error: probe myapp:request__done has no site in
    /// PROGRAM`, with the declaration's line under it.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoProviderFile => {
                f.write_str("probe-check: no provider file given (Sites::file)")
            }
            Error::Provider(error) => write!(f, "{error}"),
            Error::Unused { name, reason } => {
                write!(f, "probe-check: Sites::unused(\"{name}\"): {reason}")
            }
            Error::Linked(error) => write!(f, "probe-check: {error}"),
            Error::NoSite {
                linked,
                no_probes_at_all,
                missing,
            } => {
                for site in missing {
                    writeln!(f, "{}", site.message)?;
                }
                write!(
                    f,
                    "probe-check: {} declared probe{} no site in {}",
                    missing.len(),
                    if missing.len() == 1 { " has" } else { "s have" },
                    linked.display()
                )?;
                if *no_probes_at_all {
                    write!(
                        f,
                        "; it has no probe at all: were probes compiled out \
                         (PROBE_BUILD_DISABLE, Build::enabled(false))?"
                    )
                } else {
                    write!(
                        f,
                        "; a probe left without a site on purpose goes in \
                         Sites::unused(\"{}:{}\")",
                        missing[0].provider, missing[0].probe
                    )
                }
            }
            Error::Trace(error) => write!(f, "probe-check: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Provider(error) => Some(error),
            Error::Linked(error) => Some(error),
            Error::Trace(error) => Some(error),
            _ => None,
        }
    }
}
