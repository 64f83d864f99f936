//! `probe-build list --check`: declared probes without a site.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use probe_provider::{Diagnostic, Probe, Provider, ProviderFile, Severity};

use crate::SdtProbe;

/// A probe the provider file declares that has no site in the linked file.
#[derive(Debug, Clone, Copy)]
pub struct MissingProbe<'a> {
    pub provider: &'a Provider,
    pub probe: &'a Probe,
}

/// Returns the probes `declared` declares that have no site among `found`
/// (the probes of one linked file, or of several concatenated), in
/// declaration order. Provider and probe names compare as written in the
/// provider file, which is how SDT notes spell them (`function__entry`).
pub fn check<'a>(declared: &'a ProviderFile, found: &[SdtProbe]) -> Vec<MissingProbe<'a>> {
    check_sites(
        declared,
        found.iter().map(|p| (p.provider.as_str(), p.name.as_str())),
    )
}

/// [`check`] over `(provider, probe)` names spelled as in the provider file,
/// from any source of sites (SDT notes, DOF).
pub fn check_sites<'a, 'n>(
    declared: &'a ProviderFile,
    found: impl IntoIterator<Item = (&'n str, &'n str)>,
) -> Vec<MissingProbe<'a>> {
    let sites: HashSet<(&str, &str)> = found.into_iter().collect();
    declared
        .providers
        .iter()
        .flat_map(|provider| {
            provider
                .probes
                .iter()
                .map(move |probe| MissingProbe { provider, probe })
        })
        .filter(|m| !sites.contains(&(m.provider.name.as_str(), m.probe.name.as_str())))
        .collect()
}

impl MissingProbe<'_> {
    /// An error at the probe's declaration:
    /// `FILE:LINE:COL: error: probe hello:greet has no site in PROG`.
    pub fn diagnostic(&self, linked_file: &Path) -> Diagnostic {
        let span = self.probe.span.clone();
        let source_line = std::fs::read(&span.file).ok().and_then(|bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            text.lines()
                .nth(span.line.checked_sub(1)? as usize)
                .map(str::to_string)
        });
        Diagnostic {
            severity: Severity::Error,
            message: format!("{self} in {}", linked_file.display()),
            span,
            source_line,
        }
    }
}

impl fmt::Display for MissingProbe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "probe {}:{} has no site",
            self.provider.name, self.probe.name
        )
    }
}
