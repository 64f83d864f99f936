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
//!
//! Entry points:
//! - [`parse_str`]`(path, &str)`: text already in memory (`path` is only
//!   used in diagnostics); preprocessor line markers are followed.
//! - [`parse_bytes`]`(path, &[u8])`: like `parse_str`, rejecting non-UTF-8 input.
//! - [`parse_file`]`(path)`: reads the file, no preprocessing.
//! - [`parse_file_with`]`(path, Option<&Preprocessor>)`: `dtrace -C`; runs
//!   the [`preprocess::Preprocessor`] first when given.
//! - [`CType::parse`]`(&str)`: one C type on its own.
//!
//! All return [`Error`]; its `Syntax` variant holds [`Diagnostic`]s that
//! display as `FILE:LINE:COL: error: MESSAGE`, the source line and a caret.
//! Accepted oddities (skipped D clauses, directives ignored without `-C`)
//! are [`ProviderFile::warnings`]. See `docs/provider-language.md`.

mod attributes;
mod diagnostic;
mod lex;
mod model;
mod parse;
pub mod preprocess;
mod types;

pub use attributes::{Attributes, DependencyClass, ProviderAttributes, Stability};
pub use diagnostic::{Diagnostic, Error, Severity};
pub use model::{Argument, Pragma, Probe, Provider, ProviderFile, Span};
pub use parse::{parse_bytes, parse_file, parse_file_with, parse_str};
pub use preprocess::Preprocessor;
pub use types::{CType, IntType, TypeClass, MAX_PROBE_ARGS};
