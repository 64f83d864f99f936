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

/// The probe `name` names in `declared`: `provider:probe`, or a probe name
/// alone when exactly one provider declares it. Names are spelled as in the
/// provider file (`function__entry`).
pub fn declared_probe<'a>(
    declared: &'a ProviderFile,
    name: &str,
) -> Result<(&'a Provider, &'a Probe), NameError> {
    let (provider, probe) = match name.split_once(':') {
        Some((provider, probe)) => (Some(provider), probe),
        None => (None, name),
    };
    let matches: Vec<(&Provider, &Probe)> = declared
        .providers
        .iter()
        .filter(|p| provider.is_none_or(|wanted| p.name == wanted))
        .flat_map(|p| p.probes.iter().map(move |probe| (p, probe)))
        .filter(|(_, p)| p.name == probe)
        .collect();
    match matches.as_slice() {
        [] => Err(NameError::NotDeclared),
        [one] => Ok(*one),
        _ => Err(NameError::Ambiguous),
    }
}

/// Why [`declared_probe`] found no probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// No provider declares it.
    NotDeclared,
    /// A name alone, which several providers declare.
    Ambiguous,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_by_name() {
        let file = probe_provider::parse_str(
            "p.d",
            "provider a { probe go(); probe both(); };\nprovider b { probe both(); };",
        )
        .unwrap();
        let found = |name| declared_probe(&file, name).map(|(p, n)| (&*p.name, &*n.name));
        assert_eq!(found("go"), Ok(("a", "go")));
        assert_eq!(found("a:go"), Ok(("a", "go")));
        assert_eq!(found("b:both"), Ok(("b", "both")));
        assert_eq!(found("both"), Err(NameError::Ambiguous));
        assert_eq!(found("b:go"), Err(NameError::NotDeclared));
        assert_eq!(found("gone"), Err(NameError::NotDeclared));
    }
}
