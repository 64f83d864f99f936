//! How a run fails, and the exit code each kind of failure maps to.

use std::fmt;

/// Exit code of a successful run.
pub const EXIT_OK: i32 = 0;
/// Exit code for bad input, a failed `list --check`, or an I/O error.
pub const EXIT_FAILED: i32 = 1;
/// Exit code for a command line that could not be understood.
pub const EXIT_USAGE: i32 = 2;

/// Why a command did not succeed. The message is printed as is, so parser
/// diagnostics keep their `FILE:LINE:COL: error: MESSAGE` shape.
#[derive(Debug)]
pub enum Failure {
    /// The command line is wrong (exit 2).
    Usage(String),
    /// The input is bad, a check failed or a file could not be written (exit 1).
    Failed(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Failed(_) => EXIT_FAILED,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Failed(message) => f.write_str(message),
        }
    }
}

impl From<probe_provider::Error> for Failure {
    fn from(error: probe_provider::Error) -> Self {
        Failure::Failed(error.to_string())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// Shorthand for a [`Failure::Failed`] with a formatted message.
macro_rules! failed {
    ($($arg:tt)*) => { $crate::failure::Failure::Failed(format!($($arg)*)) };
}
pub(crate) use failed;
