use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::attributes::ProviderAttributes;
use crate::types::CType;
use crate::Diagnostic;

/// A position in an original source file (1-based line and column).
///
/// After preprocessing, spans still point into the file the user wrote,
/// following the preprocessor's line markers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: Arc<Path>,
    pub line: u32,
    pub column: u32,
}

/// Everything a provider file declares.
#[derive(Debug, Clone)]
pub struct ProviderFile {
    /// The file as named by the caller.
    pub path: PathBuf,
    /// Providers in the order they appear.
    pub providers: Vec<Provider>,
    /// `#pragma D ...` lines, in order (attributes, depends_on, option).
    pub pragmas: Vec<Pragma>,
    /// Things accepted but worth telling the user (skipped D clauses, ...).
    pub warnings: Vec<Diagnostic>,
}

/// `provider NAME { ... };`
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub span: Span,
    /// Probes in declaration order.
    pub probes: Vec<Probe>,
    /// From the file's `#pragma D attributes ... provider NAME GROUP` lines.
    pub attributes: ProviderAttributes,
}

/// `probe NAME(ARGS)` or `probe NAME(NATIVE) : (TRANSLATED)`.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The name as written, e.g. `function__entry`.
    pub name: String,
    pub span: Span,
    /// The native argument list: it shapes the C macros and the SDT note.
    pub args: Vec<Argument>,
    /// The translated list after `:`, when present (DTrace-only metadata).
    pub translated_args: Option<Vec<Argument>>,
}

/// One parameter of a probe.
#[derive(Debug, Clone)]
pub struct Argument {
    pub ty: CType,
    /// The parameter name, when the file gives one.
    pub name: Option<String>,
    pub span: Span,
}

/// A `#pragma D ...` line, kept verbatim (without the `#pragma D` prefix).
#[derive(Debug, Clone)]
pub struct Pragma {
    pub text: String,
    pub span: Span,
}
