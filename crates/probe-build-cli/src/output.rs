//! Where outputs go: a file, written atomically by the shared pipeline, or
//! standard output for `-`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use probe_pipeline::write_atomically;

use crate::failure::{failed, Result};

/// Where an output goes: a file, or standard output for `-`.
#[derive(Debug, Clone)]
pub enum Destination {
    File(PathBuf),
    Stdout,
}

impl Destination {
    /// `-` means standard output; anything else is a path.
    pub fn from_arg(arg: &Path) -> Destination {
        if arg == Path::new("-") {
            Destination::Stdout
        } else {
            Destination::File(arg.to_path_buf())
        }
    }
}

/// Writes `contents` to `destination`, atomically for files.
pub fn write_output(destination: &Destination, contents: &[u8]) -> Result<()> {
    match destination {
        Destination::Stdout => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(contents)
                .and_then(|()| stdout.flush())
                .map_err(|e| failed!("probe-build: error: cannot write to standard output: {e}"))
        }
        Destination::File(path) => write_atomically(path, contents)
            .map_err(|e| failed!("probe-build: error: cannot write {}: {e}", path.display())),
    }
}
