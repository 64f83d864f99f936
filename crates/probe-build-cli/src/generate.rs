//! The stub object, with the target the command line chose.

use probe_provider::ProviderFile;
use probe_target::ElfTarget;

use crate::failure::{failed, Result};

pub fn stub_object(file: &ProviderFile, target: &ElfTarget) -> Result<Vec<u8>> {
    probe_gen::stub_object::generate(file, target).map_err(|e| failed!("probe-build: error: {e}"))
}
