//! Reading a provider file, through the C preprocessor when asked (`-C`).

use std::path::{Path, PathBuf};

use probe_pipeline::{Preprocess, ReadOptions as PipelineOptions};
use probe_provider::{Preprocessor, ProviderFile};

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
    // The preprocessor is `$CPP`, else `$CC -E`, else `cc -E`: no compiler
    // search, which would cost more than the whole run.
    let mut preprocessor = Preprocessor::new();
    for dir in &options.include_dirs {
        preprocessor.include_dir(dir);
    }
    for define in &options.defines {
        preprocessor.define_arg(define);
    }
    for name in &options.undefines {
        preprocessor.undefine(name);
    }
    let pipeline = PipelineOptions {
        preprocess: if options.preprocess {
            Preprocess::Always
        } else {
            Preprocess::Never
        },
        preprocessor,
        dependency_dir: None,
    };
    let file = probe_pipeline::read(&[path], &pipeline)
        .map_err(|error| match error {
            probe_provider::Error::Io { path, source } => {
                failed!(
                    "probe-build: error: cannot read {}: {source}",
                    path.display()
                )
            }
            other => failed!("{other}"),
        })?
        .merged;
    for warning in &file.warnings {
        eprintln!("{warning}");
    }
    Ok(file)
}
