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
            failed!(
                "probe-build: error: cannot read {}: {source}",
                path.display()
            )
        }
        other => failed!("{other}"),
    })?;
    for warning in &file.warnings {
        eprintln!("{warning}");
    }
    Ok(file)
}

fn preprocess_and_parse(
    path: &Path,
    options: &ReadOptions,
) -> Result<ProviderFile, probe_provider::Error> {
    let mut cpp = probe_provider::preprocess::Preprocessor::new();
    // `$CPP` wins inside the preprocessor module. Otherwise run `$CC -E`
    // (else `cc -E`) directly: finding the compiler through the `cc` crate
    // compiles a probe file first, which would triple the cost of `-C`.
    if std::env::var_os("CPP").is_none_or(|cpp| cpp.to_string_lossy().trim().is_empty()) {
        let cc = std::env::var("CC").ok().filter(|cc| !cc.trim().is_empty());
        let mut command: Vec<String> = match cc {
            Some(cc) => cc.split_whitespace().map(String::from).collect(),
            None => vec!["cc".to_string()],
        };
        command.push("-E".to_string());
        cpp.command(command);
    }
    for dir in &options.include_dirs {
        cpp.include_dir(dir);
    }
    for define in &options.defines {
        cpp.define_arg(define);
    }
    for name in &options.undefines {
        cpp.undefine(name);
    }
    probe_provider::parse_file_with(path, Some(&cpp))
}
