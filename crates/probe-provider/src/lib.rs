//! The DTrace provider-file language, as real projects write it.
//!
//! This crate is the bottom layer of StaticProbes: it turns the text of a
//! `.d` provider file into a [`ProviderFile`] model. Generators (the
//! `probe-gen` crate) read only this model; nothing here knows about any
//! output format.
//!
//! ```
//! let file = probe_provider::parse_str(
//!     "example.d",
//!     "provider hello { probe greet(const char *who, int times); };",
//! ).unwrap();
//! let probe = &file.providers[0].probes[0];
//! assert_eq!(probe.name, "greet");
//! assert_eq!(probe.args[1].ty.normalized, "int");
//! ```

mod diagnostic;
mod model;
mod parse;
pub mod preprocess;
mod types;

pub use diagnostic::{Diagnostic, Error, Severity};
pub use model::{Argument, Pragma, Probe, Provider, ProviderFile, Span};
pub use parse::{parse_file, parse_str};
pub use types::{CType, IntType, TypeClass, MAX_PROBE_ARGS};
