//! The one error type of the crate: every message names what was expected and what came.

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

/// Writes a 2-D shape the way numpy does: `(3, 2)`.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// Whether no value is NaN or ±inf. 0·v is ±0 for every finite v and NaN otherwise, so a
/// sum of them without a branch tells, in a loop the compiler vectorizes: 784 × 64 inputs
/// take a few microseconds, where stopping at the first bad value cannot be vectorized.
pub(crate) fn all_finite(values: &[f64]) -> bool {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|v| 0.0 * v).sum();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += 0.0 * v;
        }
    }
    lanes.iter().sum::<f64>() + tail == 0.0
}

/// Whether every entry is finite, vectorized where the array is contiguous: training asks
/// this on every step and every epoch.
pub(crate) fn is_finite(a: &ndarray::Array2<f64>) -> bool {
    match a.as_slice() {
        Some(values) => all_finite(values),
        None => a.iter().all(|v| v.is_finite()),
    }
}

/// Refuses NaN and infinities, naming the first offending element.
pub(crate) fn ensure_finite(name: &str, a: &ndarray::Array2<f64>) -> Result<()> {
    // the common case first, without index bookkeeping
    if is_finite(a) {
        return Ok(());
    }
    if let Some(((i, j), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::Value {
            name: format!("{name}[{i}][{j}]"),
            problem: format!("expected a finite number, got {v}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::all_finite;

    #[test]
    fn all_finite_finds_one_bad_value_wherever_it_is() {
        // 19 values: two chunks of 8 and a tail of 3
        let good: Vec<f64> = (0..19).map(|i| [1.5, -0.0, f64::MAX, -f64::MAX, 5e-324][i % 5]).collect();
        assert!(all_finite(&good));
        assert!(all_finite(&[]));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for at in 0..good.len() {
                let mut values = good.clone();
                values[at] = bad;
                assert!(!all_finite(&values), "{bad} at {at}");
            }
        }
    }
}
