use std::fmt;
use std::path::PathBuf;

use crate::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A message about a place in a provider file.
///
/// Displays as `FILE:LINE:COL: error: MESSAGE`, then the source line and a
/// caret under the column, the way C compilers do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// The text of the line the span points at, when it could be read.
    pub source_line: Option<String>,
}

/// Why a provider file could not be turned into a model.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a valid provider file; at least one diagnostic.
    Syntax(Vec<Diagnostic>),
    /// The C preprocessor could not be run or failed.
    Preprocessor { command: String, message: String },
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.span.file.display(),
            self.span.line,
            self.span.column,
            level,
            self.message
        )?;
        if let Some(line) = &self.source_line {
            let line = line.trim_end_matches(['\r', '\n']);
            // The caret goes under the column; tabs are kept so it lines up.
            let pad: String = line
                .chars()
                .take(self.span.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {line}\n {pad}^")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Syntax(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Preprocessor { command, message } => {
                write!(f, "C preprocessor `{command}` failed: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
