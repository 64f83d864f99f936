//! [`Sites`]: every declared probe has a site in the linked file.

use std::path::{Path, PathBuf};

use probe_inspect::NameError;
use probe_pipeline::{Preprocess, ReadOptions};
use probe_provider::ProviderFile;

use crate::{Error, MissingSite};

/// The post-link check: every probe the provider files declare has a
/// site (an SDT note) in the final program or library.
///
/// ```no_run
/// # macro_rules! env { ($name:literal) => { "target/debug/myapp" } }
/// probe_check::Sites::new()
///     .file("probes.d")
///     .unused("debug__dump") // declared for later: no site yet
///     .check(env!("CARGO_BIN_EXE_myapp"));
/// ```
///
/// Check each linked file against the provider files whose module it
/// links: a `cdylib` against its own, a program against its own and those
/// of the library crates it links statically.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    files: Vec<PathBuf>,
    unused: Vec<String>,
}

impl Sites {
    pub fn new() -> Sites {
        Sites::default()
    }

    /// A provider file (`probes.d`). Files with preprocessor directives
    /// are run through the C preprocessor (`$CPP`, else `$CC -E`, else
    /// `cc -E`), as `probe-build` reads them.
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Sites {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// A probe declared but left without a site on purpose:
    /// `"provider:name"`, or the name alone when one provider declares it.
    /// Naming a probe the files do not declare is an error, so the list
    /// cannot go stale unseen.
    pub fn unused(&mut self, probe: &str) -> &mut Sites {
        self.unused.push(probe.to_string());
        self
    }

    /// Panics, naming each declared probe without a site (at its line in
    /// the provider file) and `linked`, unless every probe has one.
    #[track_caller]
    pub fn check(&self, linked: impl AsRef<Path>) {
        if let Err(error) = self.try_check(linked) {
            panic!("{error}");
        }
    }

    /// [`check`](Sites::check), returning the problem instead.
    pub fn try_check(&self, linked: impl AsRef<Path>) -> Result<(), Error> {
        let linked = linked.as_ref();
        let declared = self.read()?;
        let mut excused = Vec::new();
        for name in &self.unused {
            let (provider, probe) =
                probe_inspect::declared_probe(&declared, name).map_err(|error| Error::Unused {
                    name: name.clone(),
                    reason: match error {
                        NameError::NotDeclared => format!(
                            "{} declare{} no such probe",
                            self.named_files(),
                            if self.files.len() == 1 { "s" } else { "" }
                        ),
                        NameError::Ambiguous => {
                            format!("several providers declare it; write \"PROVIDER:{name}\"")
                        }
                    },
                })?;
            excused.push((provider.name.as_str(), probe.name.as_str()));
        }
        let found = probe_inspect::read_file(linked).map_err(Error::Linked)?;
        let missing: Vec<MissingSite> = probe_inspect::check(&declared, &found.probes)
            .into_iter()
            .filter(|m| !excused.contains(&(m.provider.name.as_str(), m.probe.name.as_str())))
            .map(|m| MissingSite {
                provider: m.provider.name.clone(),
                probe: m.probe.name.clone(),
                message: m.diagnostic(linked).to_string(),
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::NoSite {
            linked: linked.to_path_buf(),
            no_probes_at_all: found.probes.is_empty(),
            missing,
        })
    }

    /// `probes.d`, `probes.d and helper/probes.d`.
    fn named_files(&self) -> String {
        let names: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    fn read(&self) -> Result<ProviderFile, Error> {
        if self.files.is_empty() {
            return Err(Error::NoProviderFile);
        }
        let options = ReadOptions {
            preprocess: Preprocess::WhenNeeded,
            ..ReadOptions::default()
        };
        let sources = probe_pipeline::read(&self.files, &options).map_err(Error::Provider)?;
        Ok(sources.merged)
    }
}
