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
    /// macOS: calls to `__dtrace_probe$...` that the linker rewrites (no -G step).
    Macos,
    /// illumos and Solaris: calls to `__dtrace_PROV___NAME` for the system `dtrace -G`.
    Illumos,
    /// FreeBSD: as illumos, with <sys/sdt.h> for `_DTRACE_VERSION`.
    Freebsd,
    /// Oracle Linux (Oracle's DTrace): as illumos, with the is-enabled flag Oracle's `dtrace -G` expects.
    Oracle,
}

/// The header of `flavor`. `output_name` (the output's file name, when it
/// has one) names the include guard of the DTrace-format headers, as their
/// `dtrace -h` does.
pub fn header(
    file: &ProviderFile,
    flavor: HeaderFlavor,
    output_name: Option<&str>,
) -> Result<Vec<u8>> {
    use probe_gen::sdt_header::{SdtFlavor, SdtHeaderOptions};
    let text = match flavor {
        HeaderFlavor::Sdt => probe_gen::sdt_header::generate(file, &SdtHeaderOptions::default()),
        HeaderFlavor::SdtSystem => probe_gen::sdt_header::generate(
            file,
            &SdtHeaderOptions::new().flavor(SdtFlavor::SystemSdt),
        ),
        HeaderFlavor::Disabled => probe_gen::disabled_header::generate(file),
        HeaderFlavor::Macos => {
            use probe_gen::macos_header::MacosHeaderOptions;
            let mut options = MacosHeaderOptions::new();
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            probe_gen::macos_header::generate(file, &options)?
        }
        HeaderFlavor::Illumos | HeaderFlavor::Freebsd => {
            use probe_gen::illumos_header::{DtraceSystem, IllumosHeaderOptions};
            let system = if flavor == HeaderFlavor::Freebsd {
                DtraceSystem::FreeBsd
            } else {
                DtraceSystem::Illumos
            };
            let mut options = IllumosHeaderOptions::new().system(system);
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            probe_gen::illumos_header::generate(file, &options)
        }
        HeaderFlavor::Oracle => {
            use probe_gen::oracle_header::OracleHeaderOptions;
            let mut options = OracleHeaderOptions::new();
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            probe_gen::oracle_header::generate(file, &options)
        }
    };
    Ok(text.into_bytes())
}

pub fn stub_object(file: &ProviderFile, target: &ObjectTarget) -> Result<Vec<u8>> {
    probe_gen::stub_object::generate(file, target).map_err(|e| failed!("probe-build: error: {e}"))
}
