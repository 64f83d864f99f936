//! The disabled header: every probe macro is a no-op, `_ENABLED()` is 0.
