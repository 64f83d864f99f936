//! The program: C and Rust fire the probes of one provider file (`probes.d`).
//!
//! Usage: `rust-and-c [ROUNDS]` (default 1). Every round fires every probe
//! of the `mixed` provider at least once, with fixed argument values that
//! the tests read back through gdb and bpftrace.

mod probes {
    include!(concat!(env!("OUT_DIR"), "/probes.rs"));
}

use core::ffi::{c_int, c_long, c_ulong};
use probes::mixed;

unsafe extern "C" {
    fn c_side(round: c_int);
}

/// Runs the example; the binaries differ only in how they are linked.
pub fn run() {
    let rounds: c_int = match std::env::args().nth(1) {
        Some(arg) => match arg.parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("usage: rust-and-c [ROUNDS]");
                std::process::exit(2);
            }
        },
        None => 1,
    };
    // A `String` has no NUL: the module copies it, only when traced.
    let who = String::from("rust-side");
    let bytes = [7u8; 16];
    println!("rust side: {who}");
    for round in 0..rounds {
        mixed::rust_start(who.as_str(), round);
        for n in 1..=3 as c_ulong {
            mixed::rust_tick(n, -(n as c_long) * 1000, -3, n % 2 == 1);
        }
        // Arguments computed only when a tracer is attached.
        mixed::rust_bytes_if_enabled(|| {
            (
                bytes.as_ptr(),
                bytes.len(),
                bytes[0].wrapping_add(193),
                -100i8 as core::ffi::c_char,
            )
        });
        mixed::shared(c"rust", 10);
        // SAFETY: c_side only fires probes and prints.
        unsafe { c_side(round) };
    }
    println!("rust side: enabled now: {}", mixed::rust_tick_enabled());
}
