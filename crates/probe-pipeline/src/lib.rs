//! The pipeline every front door runs: read the provider files, generate,
//! write. The `probe-build` command and the `probe-build` library for
//! `build.rs` both use it, so they read, preprocess, merge and write files
//! the same way.
//!
//! - [`read`]: provider files into one model, through the C preprocessor
//!   when asked or when a file needs it, with the list of files read.
//! - [`header`]: the C header of a [`HeaderFlavor`], or the one matching a
//!   Rust module's backend.
//! - [`write`]: outputs written to a temporary file and renamed, so nothing
//!   half-written is ever left.

pub mod header;
pub mod read;
pub mod write;

pub use header::{header, header_for_backend, HeaderFlavor};
pub use read::{read, Preprocess, ReadOptions, Sources};
pub use write::{write_atomically, write_if_changed};
