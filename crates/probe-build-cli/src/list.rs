//! `probe-build list`: the probes in ELF files, via `probe-inspect`.

use crate::cli::ListArgs;
use crate::failure::{failed, Result};

pub fn run(args: &ListArgs) -> Result<()> {
    let _ = args;
    Err(failed!("probe-build: error: list is not available yet"))
}
