//! The target vocabulary: what StaticProbes knows about the platforms it
//! emits probes for, in one place.
//!
//! - [`Arch`]: an ELF architecture family member (machine and class), with
//!   its facts: [`Arch::max_page_size`], [`Arch::char_is_signed`],
//!   [`Arch::pointer_width`], its names in GNU triples and in Rust's
//!   `target_arch`.
//! - [`ElfTarget`]: what an object must agree on with the others of a link
//!   (architecture, byte order, `e_flags`, OS ABI), read from an ELF header
//!   or a target triple.
//! - [`Backend`] and [`DtraceSystem`]: how probes are emitted on a target
//!   OS (SDT notes, DTrace's linker-rewritten calls, a C shim for `dtrace
//!   -G`, or nothing).
//! - [`names`]: the symbol and macro names each platform's tools expect.
//!
//! Generators (`probe-gen`), readers (`probe-inspect`) and front doors use
//! these types; nothing here generates or reads a file.

mod arch;
mod backend;
mod elf;
pub mod names;

pub use arch::{Arch, ElfClass, Endian};
pub use backend::{Backend, DtraceSystem};
pub use elf::{ElfTarget, TargetError};
