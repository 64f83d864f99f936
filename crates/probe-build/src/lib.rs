//! Static tracing markers for Rust (and C) from a DTrace provider file, in
//! `build.rs`.
