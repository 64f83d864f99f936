//! The support module every generated file starts with: how strings and
//! pointers become probe arguments.

use super::template::fill;

/// The module: `&str` arguments are copied into a stack buffer of
/// `str_buffer_len` bytes, or onto the heap when longer and `alloc` is
/// available; without it they are cut to fit the buffer.
pub(super) fn module(str_buffer_len: usize, alloc: bool) -> String {
    let (copy_doc, long_str, heap) = if alloc {
        (HEAP_DOC, HEAP_COPY, HEAP_HELPER)
    } else {
        (CUT_DOC, CUT_COPY, "")
    };
    let text = fill(
        SUPPORT,
        &[
            ("copy_doc", copy_doc),
            ("long_str", long_str),
            ("heap_helper", heap),
        ],
    );
    fill(&text, &[("len", &str_buffer_len.to_string())])
}

const HEAP_DOC: &str = "    /// passed as they are; `&str` is copied, NUL-terminated, into a stack
    /// buffer of @len@ bytes, or onto the heap when it is longer, and only
    /// when the probe is enabled.";

const CUT_DOC: &str = "    /// passed as they are; `&str` is copied, NUL-terminated, into a stack
    /// buffer of @len@ bytes, and only when the probe is enabled. Without
    /// `alloc` a longer string is cut to @len@ - 1 bytes.";

// One call of `f` whichever the copy: `f` holds the probe site, inlined.
// `black_box` keeps LLVM from duplicating that site into both branches
// (two notes for one call); it costs a store, only while a tracer is
// attached (only then is a `&str` copied).
const HEAP_COPY: &str = "            let mut buffer = [0u8; @len@];
            let heap;
            let string = if self.len() < @len@ {
                buffer[..self.len()].copy_from_slice(self.as_bytes());
                buffer.as_ptr()
            } else {
                heap = heap_c_string(self);
                heap.as_ptr()
            };
            f(core::hint::black_box(string))
";
const HEAP_HELPER: &str = "
    extern crate alloc;

    /// A string too long for the stack buffer, copied onto the heap (kept
    /// out of line: the probe sites stay small).
    #[cold]
    #[inline(never)]
    fn heap_c_string(s: &str) -> alloc::vec::Vec<u8> {
        let mut copy = alloc::vec::Vec::with_capacity(s.len() + 1);
        copy.extend_from_slice(s.as_bytes());
        copy.push(0);
        copy
    }
";
const CUT_COPY: &str = "            let mut buffer = [0u8; @len@];
            let n = if self.len() < @len@ { self.len() } else { @len@ - 1 };
            buffer[..n].copy_from_slice(&self.as_bytes()[..n]);
            f(buffer.as_ptr())
";
const SUPPORT: &str = r#"/// Argument conversions shared by the probe modules below.
#[doc(hidden)]
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code, missing_docs, clippy::all)]
pub mod __probe_support {
    /// A string a probe can carry: `&CStr` and raw `*const c_char` are
@copy_doc@
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
@long_str@        }
    }
@heap_helper@
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
