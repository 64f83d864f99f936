//! Generators: one parsed [`probe_provider::ProviderFile`] in, one output
//! format per module out.
//!
//! Each module is one format and exposes a `generate` function; none of them
//! knows about the others, and none parses anything. What they share is
//! below them: the model (`probe-provider`) and the target vocabulary,
//! names included (`probe-target`); the DTrace-format headers also share
//! their C frame (`dtrace_frame`, private).

pub mod bpftrace_script;
pub mod disabled_header;
mod dtrace_frame;
pub mod dtrace_shim;
pub mod illumos_header;
pub mod macos_header;
pub mod oracle_header;
pub mod rust_module;
pub mod sdt_header;
#[cfg(feature = "stub-object")]
pub mod stub_object;
pub mod tapset;
