//! C and Rust fire the probes of one provider file (`probes.d`).
//!
//! Usage: `rust-and-c [ROUNDS]` (default 1). Every round fires every probe
//! of the `mixed` provider at least once, with fixed argument values that
//! the tests read back through gdb and bpftrace.
#![deny(warnings)]

mod app;

fn main() {
    app::run();
}
