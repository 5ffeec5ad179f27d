//! The one error type of the crate: every message names what was expected and what came.
//!
//! It sits below everything else and imports nothing of the crate; the checks that make these
//! errors are in `io::check`.

use std::path::PathBuf;

/// Everything that can go wrong with what a user hands in: shapes, values, files, settings.
///
/// Each message names the thing (`W2`, `x`, `learning_rate`, a file), what was expected and
/// what came, so that it can be printed as it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An array has the wrong shape.
    #[error("{name}: expected shape {expected}, got {actual}")]
    Shape {
        /// Which array, as the chapter names it (`x`, `W2`, `b1`, ...).
        name: String,
        /// The shape that fits, with the reason where one helps.
        expected: String,
        /// The shape that came, written `(rows, columns)`.
        actual: String,
    },
    /// A value is not acceptable: NaN, infinite, a learning rate that is not positive, ...
    #[error("{name}: {problem}")]
    Value {
        /// Which value (`x[0][2]`, `learning_rate`, ...).
        name: String,
        /// What is wrong with it, and what was expected instead.
        problem: String,
    },
    /// A field of a values file is missing or is not what it must be.
    #[error("{path}: {problem}")]
    Field {
        /// Where in the file, as a path of keys and indices (`W[1][0]`).
        path: String,
        /// What was expected and what came.
        problem: String,
    },
    /// A file is not well-formed JSON.
    #[error("{file}: not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// The file.
        file: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// Training diverged: a loss or a parameter became NaN or infinite.
    #[error("training diverged at epoch {epoch}: {what}; the {} losses so far are kept", losses.len())]
    Diverged {
        /// The epoch (from 1) whose loss or update was not finite.
        epoch: usize,
        /// What became non-finite.
        what: String,
        /// The loss of every epoch up to and including this one.
        losses: Vec<f64>,
    },
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// The crate's `Result`, with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Writes a shape the way numpy does: `(3, 2)`, `(3,)`.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    }
}
