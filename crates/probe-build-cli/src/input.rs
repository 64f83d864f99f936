//! Reading a provider file, through the C preprocessor when asked (`-C`).

use std::path::{Path, PathBuf};

use probe_provider::ProviderFile;

use crate::failure::{failed, Result};

/// How to read a provider file: the `-C`, `-I`, `-D`, `-U` options.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Run the C preprocessor first (`-C`).
    pub preprocess: bool,
    /// `-I DIR`, in order.
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME` or `-D NAME=VALUE`, in order.
    pub defines: Vec<String>,
    /// `-U NAME`, in order.
    pub undefines: Vec<String>,
}

/// Parses `path`, printing the parser's warnings (skipped D clauses, ...)
/// to standard error. Errors carry the parser's `FILE:LINE:COL` diagnostics.
pub fn read_provider_file(path: &Path, options: &ReadOptions) -> Result<ProviderFile> {
    let parsed = if options.preprocess {
        preprocess_and_parse(path, options)
    } else {
        probe_provider::parse_file(path)
    };
    let file = parsed.map_err(|error| match error {
        probe_provider::Error::Io { path, source } => {
            failed!("probe-build: error: cannot read {}: {source}", path.display())
        }
        other => failed!("{other}"),
    })?;
    for warning in &file.warnings {
        eprintln!("{warning}");
    }
    Ok(file)
}

fn preprocess_and_parse(path: &Path, options: &ReadOptions) -> Result<ProviderFile, probe_provider::Error> {
    let mut cpp = probe_provider::preprocess::Preprocessor::new();
    for dir in &options.include_dirs {
        cpp.include_dir(dir);
    }
    for define in &options.defines {
        match define.split_once('=') {
            Some((name, value)) => cpp.define(name, Some(value)),
            None => cpp.define(define, None),
        };
    }
    for name in &options.undefines {
        cpp.undefine(name);
    }
    cpp.parse_file(path)
}
