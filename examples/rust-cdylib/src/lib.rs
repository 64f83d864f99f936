//! A shared library whose probes fire when C code calls it.
#![deny(warnings)]

mod probes {
    include!(concat!(env!("OUT_DIR"), "/probes.rs"));
}

use core::ffi::{c_char, c_int, c_long, CStr};

/// Squares `n`, firing `rustlib:::call` and (when traced) `rustlib:::result`.
///
/// # Safety
/// `name` must point to a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rustlib_square(n: c_int, name: *const c_char) -> c_long {
    // SAFETY: the caller passes a C string.
    let name = unsafe { CStr::from_ptr(name) };
    probes::rustlib::call(n, name);
    let value = n as c_long * n as c_long;
    probes::rustlib::result_if_enabled(|| value);
    value
}

/// Whether a tracer watches `rustlib:::result`.
#[unsafe(no_mangle)]
pub extern "C" fn rustlib_result_enabled() -> c_int {
    probes::rustlib::result_enabled() as c_int
}
