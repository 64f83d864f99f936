//! A `no_std` library with its own provider.
#![no_std]
#![deny(warnings, missing_docs)]

mod probes {
    include!(concat!(env!("OUT_DIR"), "/probes.rs"));
}

/// Sums `data`, firing `helper:::checksum__start` and, when traced,
/// `helper:::checksum__done`.
pub fn checksum(data: &[u8]) -> u32 {
    probes::helper::checksum_start(data, data.len());
    let sum = data.iter().map(|&b| b as u32).sum();
    // A `&str` label: copied to a NUL-terminated stack buffer when traced.
    probes::helper::checksum_done_if_enabled(|| (sum, "sum of bytes"));
    sum
}

/// Whether a tracer watches `helper:::checksum__done`.
pub fn traced() -> bool {
    probes::helper::checksum_done_enabled()
}
