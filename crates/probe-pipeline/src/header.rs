//! Which C header to write.

use std::fmt;
use std::str::FromStr;

use probe_gen::{
    disabled_header, dtrace_shim, illumos_header, macos_header, oracle_header, sdt_header,
};
use probe_provider::ProviderFile;
use probe_target::{Backend, DtraceSystem};

/// The kinds of C header a user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderFlavor {
    /// Linux SDT notes emitted by the header itself; needs no `<sys/sdt.h>`.
    Sdt,
    /// Linux SDT notes through the system's `<sys/sdt.h>` (systemtap-sdt-dev).
    SdtSystem,
    /// Every probe a no-op, every `_ENABLED()` 0; arguments are not evaluated.
    Disabled,
    /// macOS: calls to `__dtrace_probe$...` that the linker rewrites (no `-G` step).
    Macos,
    /// illumos and Solaris: calls to `__dtrace_PROV___NAME` for the system `dtrace -G`.
    Illumos,
    /// FreeBSD: as illumos, with `<sys/sdt.h>` for `_DTRACE_VERSION`.
    Freebsd,
    /// Oracle Linux (Oracle's DTrace): as illumos, with the is-enabled flag
    /// Oracle's `dtrace -G` expects.
    Oracle,
}

impl HeaderFlavor {
    /// Every flavor with its name (as `--flavor` takes it) and a line of help.
    pub const ALL: [(HeaderFlavor, &'static str, &'static str); 7] = [
        (
            HeaderFlavor::Sdt,
            "sdt",
            "Linux SDT notes emitted by the header itself; needs no <sys/sdt.h>",
        ),
        (
            HeaderFlavor::SdtSystem,
            "sdt-system",
            "Linux SDT notes through the system's <sys/sdt.h> (systemtap-sdt-dev)",
        ),
        (
            HeaderFlavor::Disabled,
            "disabled",
            "Every probe a no-op, every _ENABLED() 0; arguments are not evaluated",
        ),
        (
            HeaderFlavor::Macos,
            "macos",
            "macOS: calls to `__dtrace_probe$...` that the linker rewrites (no -G step)",
        ),
        (
            HeaderFlavor::Illumos,
            "illumos",
            "illumos and Solaris: calls to `__dtrace_PROV___NAME` for the system `dtrace -G`",
        ),
        (
            HeaderFlavor::Freebsd,
            "freebsd",
            "FreeBSD: as illumos, with <sys/sdt.h> for `_DTRACE_VERSION`",
        ),
        (
            HeaderFlavor::Oracle,
            "oracle",
            "Oracle Linux (Oracle's DTrace): as illumos, is-enabled through the flag its `dtrace -G` expects",
        ),
    ];

    /// The name `--flavor` takes.
    pub fn name(self) -> &'static str {
        HeaderFlavor::ALL
            .iter()
            .find(|(flavor, _, _)| *flavor == self)
            .map(|(_, name, _)| *name)
            .unwrap_or("?")
    }
}

impl fmt::Display for HeaderFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HeaderFlavor {
    type Err = String;

    fn from_str(s: &str) -> Result<HeaderFlavor, String> {
        HeaderFlavor::ALL
            .iter()
            .find(|(_, name, _)| *name == s)
            .map(|(flavor, _, _)| *flavor)
            .ok_or_else(|| {
                let names: Vec<&str> = HeaderFlavor::ALL.iter().map(|(_, n, _)| *n).collect();
                format!("unknown header flavor `{s}` (one of {})", names.join(", "))
            })
    }
}

/// The header of `flavor`. `output_name` (the output's file name, when it
/// has one) names the include guard of the DTrace-format headers, as their
/// `dtrace -h` does.
pub fn header(file: &ProviderFile, flavor: HeaderFlavor, output_name: Option<&str>) -> String {
    use sdt_header::{SdtFlavor, SdtHeaderOptions};
    match flavor {
        HeaderFlavor::Sdt => sdt_header::generate(file, &SdtHeaderOptions::new()),
        HeaderFlavor::SdtSystem => {
            sdt_header::generate(file, &SdtHeaderOptions::new().flavor(SdtFlavor::SystemSdt))
        }
        HeaderFlavor::Disabled => disabled_header::generate(file),
        HeaderFlavor::Macos => {
            let mut options = macos_header::MacosHeaderOptions::new();
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            macos_header::generate(file, &options)
        }
        HeaderFlavor::Illumos | HeaderFlavor::Freebsd => {
            let system = if flavor == HeaderFlavor::Freebsd {
                DtraceSystem::FreeBsd
            } else {
                DtraceSystem::Illumos
            };
            let mut options = illumos_header::IllumosHeaderOptions::new().system(system);
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            illumos_header::generate(file, &options)
        }
        HeaderFlavor::Oracle => {
            let mut options = oracle_header::OracleHeaderOptions::new();
            if let Some(name) = output_name {
                options = options.output_name(name);
            }
            oracle_header::generate(file, &options)
        }
    }
}

/// The C header for C code built beside a Rust module of `backend`, firing
/// the same probes: SDT macros using the semaphores the Rust module defines,
/// the macOS header, the shim's header (C code calls the shim too, so its
/// sites need no `-G` run of their own), or no-op macros.
pub fn header_for_backend(file: &ProviderFile, backend: Backend, output_name: &str) -> String {
    match backend {
        Backend::Sdt(_) => header(file, HeaderFlavor::Sdt, Some(output_name)),
        Backend::Macos(_) => header(file, HeaderFlavor::Macos, Some(output_name)),
        Backend::DtraceShim(_) => dtrace_shim::generate_header(file, output_name),
        _ => header(file, HeaderFlavor::Disabled, Some(output_name)),
    }
}
