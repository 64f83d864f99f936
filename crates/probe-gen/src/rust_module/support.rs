//! The support module every generated file starts with: how strings and
//! pointers become probe arguments.

use super::template::fill;

/// The module, with `&str` arguments copied into a stack buffer of
/// `str_buffer_len` bytes.
pub(super) fn module(str_buffer_len: usize) -> String {
    fill(SUPPORT, &[("len", &str_buffer_len.to_string())])
}

const SUPPORT: &str = r#"/// Argument conversions shared by the probe modules below.
#[doc(hidden)]
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code, missing_docs, clippy::all)]
pub mod __probe_support {
    /// A string a probe can carry: `&CStr` and raw `*const c_char` are
    /// passed as they are; `&str` is copied, NUL-terminated, into a stack
    /// buffer of @len@ bytes (truncated to fit), and only when the probe is
    /// enabled.
    pub trait ProbeStr {
        /// Whether passing the string costs a copy (and so an is-enabled check).
        const NEEDS_COPY: bool;
        /// Calls `f` with a pointer to a NUL-terminated string (or null).
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R;
    }

    impl ProbeStr for &core::ffi::CStr {
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {
            f(self.as_ptr().cast())
        }
    }

    impl ProbeStr for Option<&core::ffi::CStr> {
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {
            match self {
                Some(s) => f(s.as_ptr().cast()),
                None => f(core::ptr::null()),
            }
        }
    }

    impl ProbeStr for *const core::ffi::c_char {
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {
            f(self.cast())
        }
    }

    impl ProbeStr for *mut core::ffi::c_char {
        const NEEDS_COPY: bool = false;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {
            f(self.cast_const().cast())
        }
    }

    impl ProbeStr for &str {
        const NEEDS_COPY: bool = true;
        #[inline(always)]
        fn with_c_ptr<R, F: FnOnce(*const u8) -> R>(self, f: F) -> R {
            // A tracer reads up to a NUL, and a Rust string has none.
            let mut buffer = [0u8; @len@];
            let n = if self.len() < @len@ { self.len() } else { @len@ - 1 };
            buffer[..n].copy_from_slice(&self.as_bytes()[..n]);
            f(buffer.as_ptr())
        }
    }

    /// A pointer a probe can carry: raw pointers and references.
    pub trait ProbePtr {
        /// The address.
        fn addr(self) -> usize;
    }

    impl<T: ?Sized> ProbePtr for *const T {
        #[inline(always)]
        fn addr(self) -> usize {
            self.cast::<u8>() as usize
        }
    }

    impl<T: ?Sized> ProbePtr for *mut T {
        #[inline(always)]
        fn addr(self) -> usize {
            self.cast::<u8>() as usize
        }
    }

    impl<T: ?Sized> ProbePtr for &T {
        #[inline(always)]
        fn addr(self) -> usize {
            (self as *const T).cast::<u8>() as usize
        }
    }

    impl<T: ?Sized> ProbePtr for &mut T {
        #[inline(always)]
        fn addr(self) -> usize {
            (self as *const T).cast::<u8>() as usize
        }
    }
}

"#;
