use std::path::Path;

use crate::{Error, ProviderFile};

/// Parses provider-file text. `path` names the file in diagnostics.
///
/// The text may come from the C preprocessor: `# LINE "FILE"` markers are
/// followed, so spans point into the original files.
pub fn parse_str(path: impl AsRef<Path>, text: &str) -> Result<ProviderFile, Error> {
    let _ = (path, text);
    unimplemented!("parser not written yet")
}

/// Reads and parses a provider file without preprocessing.
pub fn parse_file(path: impl AsRef<Path>) -> Result<ProviderFile, Error> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let text = String::from_utf8_lossy(&bytes);
    parse_str(path, &text)
}
