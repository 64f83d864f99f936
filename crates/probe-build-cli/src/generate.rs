//! The generators, called with the options the command line chose.

use probe_gen::stub_object::ObjectTarget;
use probe_provider::ProviderFile;

use crate::failure::{failed, Result};

/// Which header to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HeaderFlavor {
    /// Linux SDT notes emitted by the header itself; needs no <sys/sdt.h>.
    Sdt,
    /// Linux SDT notes through the system's <sys/sdt.h> (systemtap-sdt-dev).
    SdtSystem,
    /// Every probe a no-op, every _ENABLED() 0; arguments are not evaluated.
    Disabled,
}

pub fn sdt_header(file: &ProviderFile, flavor: HeaderFlavor) -> Result<Vec<u8>> {
    use probe_gen::sdt_header::{SdtHeaderOptions, SdtFlavor};
    let text = match flavor {
        HeaderFlavor::Sdt => probe_gen::sdt_header::generate(file, &SdtHeaderOptions::default()),
        HeaderFlavor::SdtSystem => probe_gen::sdt_header::generate(
            file,
            &SdtHeaderOptions { flavor: SdtFlavor::SystemSdt, ..SdtHeaderOptions::default() },
        ),
        HeaderFlavor::Disabled => probe_gen::disabled_header::generate(file),
    };
    Ok(text.into_bytes())
}

pub fn stub_object(file: &ProviderFile, target: &ObjectTarget) -> Result<Vec<u8>> {
    probe_gen::stub_object::generate(file, target).map_err(|e| failed!("probe-build: error: {e}"))
}
