//! Every check of what a user hands in, in one place: shapes that chain, numbers that are
//! finite, a learning rate that is positive, a layer that exists. Each refusal names the thing
//! (`W2`, `x`, `learning_rate`), what was expected and what came.
//!
//! What comes in is checked once, where it enters (the values, a network's constructors, the
//! batch of `forward` and `train`, the per-equation functions); what runs behind those checks
//! trusts its input.

use ndarray::Array2;

use crate::error::{shape_str, Error, Result};
use crate::math::{Activation, Loss};

/// Whether no value is NaN or ±inf. 0·v is ±0 for every finite v and NaN otherwise, so a
/// sum of them without a branch tells, in a loop the compiler vectorizes: 784 × 64 inputs
/// take a few microseconds, where stopping at the first bad value cannot be vectorized.
#[inline]
fn all_finite(values: &[f64]) -> bool {
    // a few values (the chapter's x and y): testing each is quicker than the chain of sums below
    if values.len() < 16 {
        return values.iter().all(|v| v.is_finite());
    }
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
#[inline]
pub(crate) fn is_finite(a: &Array2<f64>) -> bool {
    match a.as_slice() {
        Some(values) => all_finite(values),
        None => a.iter().all(|v| v.is_finite()),
    }
}

/// Refuses NaN and infinities, naming the first offending element. Inlined, with the error
/// out of line: a training step asks it twice, and the call cost 2 % of the 3-2-2 step.
#[inline]
pub(crate) fn finite(name: &str, a: &Array2<f64>) -> Result<()> {
    // the common case first, without index bookkeeping
    if is_finite(a) {
        Ok(())
    } else {
        not_finite(name, a)
    }
}

#[cold]
#[inline(never)]
fn not_finite(name: &str, a: &Array2<f64>) -> Result<()> {
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((i, j), v)) => Err(Error::Value {
            name: format!("{name}[{i}][{j}]"),
            problem: format!("expected a finite number, got {v}"),
        }),
        None => Ok(()),
    }
}

/// Refuses a learning rate that is not a positive finite number.
pub(crate) fn learning_rate(eta: f64) -> Result<()> {
    if eta.is_finite() && eta > 0.0 {
        Ok(())
    } else {
        Err(Error::Value {
            name: "learning_rate".into(),
            problem: format!("expected a positive finite number, got {eta}"),
        })
    }
}

/// Refuses a count of 0 where at least one is needed (samples, a batch size, threads).
pub(crate) fn at_least_one(name: &str, n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::Value { name: name.into(), problem: "expected at least 1, got 0".into() });
    }
    Ok(())
}

/// Layer `l` of an accessor (`trace.z(l)`, `net.w(l)`), from `first` to `last`: like an index
/// out of bounds, a layer that does not exist is a mistake in the calling code and panics,
/// naming the layers there are.
#[track_caller]
pub(crate) fn layer_index(l: usize, first: usize, last: usize, what: &str) -> usize {
    assert!((first..=last).contains(&l), "{what}: layer {l} does not exist; this network has layers {first} to {last}");
    l
}

/// A layer that a user names (a quantity to check, a weight to explain): refused with an
/// error when the network of `depth` layers has no layer `l`.
pub(crate) fn layer(name: &str, l: usize, depth: usize) -> Result<()> {
    if l == 0 || l > depth {
        return Err(Error::Value {
            name: name.into(),
            problem: format!("no such layer: this network has layers 1 to {depth}"),
        });
    }
    Ok(())
}

/// Refuses `a` unless it is `expected`, saying `why` that shape.
pub(crate) fn shape(name: &str, a: &Array2<f64>, expected: (usize, usize), why: &str) -> Result<()> {
    if a.dim() == expected {
        return Ok(());
    }
    Err(Error::Shape {
        name: name.into(),
        expected: format!("{}, {why}", shape_str(&[expected.0, expected.1])),
        actual: shape_str(a.shape()),
    })
}

/// A shape error that names both sides: `name` (shaped `a`) does not fit `other` (shaped
/// `b`); `expected` is `name`'s shape that fits, `None` for a free dimension.
pub(crate) fn mismatch(
    name: &str,
    a: &Array2<f64>,
    expected: (usize, Option<usize>),
    other: &str,
    b: &Array2<f64>,
    why: &str,
) -> Error {
    let cols = expected.1.map_or("n".to_string(), |c| c.to_string());
    Error::Shape {
        name: name.into(),
        expected: format!("({}, {cols}), {why} {other} {}", expected.0, shape_str(b.shape())),
        actual: shape_str(a.shape()),
    }
}

/// A network's parameters: at least one layer, as many biases and activations as weights,
/// each `W_l` `(n_{l-1}, n_l)` chained to the one before, each `b_l` a column `(n_l, 1)`, every
/// number finite, and the activations fit for the loss (softmax only as the output of the
/// cross-entropy, which needs it, and a sigmoid output for the binary cross-entropy).
pub(crate) fn parameters(
    weights: &[&Array2<f64>],
    biases: &[&Array2<f64>],
    activations: &[Activation],
    loss: Loss,
) -> Result<()> {
    let depth = weights.len();
    if depth == 0 {
        return Err(Error::Value { name: "W".into(), problem: "expected at least one weight matrix, got none".into() });
    }
    if biases.len() != depth {
        return Err(Error::Value {
            name: "b".into(),
            problem: format!("expected {depth} bias vectors, one per weight matrix, got {}", biases.len()),
        });
    }
    if activations.len() != depth {
        return Err(Error::Value {
            name: "activations".into(),
            problem: format!("expected {depth} activations, one per layer, got {}", activations.len()),
        });
    }
    for (i, (w, b)) in weights.iter().zip(biases).enumerate() {
        let l = i + 1;
        let (rows, cols) = w.dim();
        if rows == 0 || cols == 0 {
            return Err(Error::Shape {
                name: format!("W{l}"),
                expected: "at least one row and one column".into(),
                actual: shape_str(w.shape()),
            });
        }
        if i > 0 && rows != weights[i - 1].ncols() {
            return Err(Error::Shape {
                name: format!("W{l}"),
                expected: format!("({}, n), one row per column of W{i}", weights[i - 1].ncols()),
                actual: shape_str(w.shape()),
            });
        }
        shape(&format!("b{l}"), b, (cols, 1), &format!("a column with one entry per column of W{l}"))?;
        finite(&format!("W{l}"), w)?;
        finite(&format!("b{l}"), b)?;
    }
    let output = activations[depth - 1];
    if let Some(needed) = loss.output_activation().filter(|n| *n != output) {
        return Err(Error::Value {
            name: format!("activations[{}]", depth - 1),
            problem: format!("the {loss} loss needs a {needed} output layer, got {output}"),
        });
    }
    let misplaced =
        (1..=depth).find(|&l| activations[l - 1] == Activation::Softmax && (l != depth || loss != Loss::CrossEntropy));
    if let Some(l) = misplaced {
        return Err(Error::Value {
            name: format!("activations[{}]", l - 1),
            problem: format!(
                "softmax fits only the output layer with the cross_entropy loss, got it on layer {l} of {depth} with {loss}"
            ),
        });
    }
    Ok(())
}

/// A batch for a network whose first weights are `w1` and last `w_out` (layer `depth`):
/// `x` `(m, n_0)` with m ≥ 1, `y` (when given) `(m, n_L)`, every number finite. A mismatch
/// names both sides: x's columns against W1's rows, y's rows against x's, y's columns against
/// W_L's.
pub(crate) fn batch(
    w1: &Array2<f64>,
    w_out: &Array2<f64>,
    depth: usize,
    x: &Array2<f64>,
    y: Option<&Array2<f64>>,
) -> Result<()> {
    let n0 = w1.nrows();
    if x.nrows() == 0 || x.ncols() != n0 {
        let fix = if x.nrows() == 0 {
            "x has no samples".to_string()
        } else {
            format!("x has {} columns where W1 has {n0} rows; give x {n0} columns, or W1 {} rows", x.ncols(), x.ncols())
        };
        return Err(Error::Shape {
            name: "x".into(),
            expected: format!("(m, {n0}): m >= 1 samples in rows, one column per row of W1 {}", shape_str(w1.shape())),
            actual: format!("{}: {fix}", shape_str(x.shape())),
        });
    }
    finite("x", x)?;
    if let Some(y) = y {
        let (m, n_out) = (x.nrows(), w_out.ncols());
        if y.dim() != (m, n_out) {
            return Err(Error::Shape {
                name: "y".into(),
                expected: format!(
                    "({m}, {n_out}): one row per sample of x {}, one column per column of W{depth} {}",
                    shape_str(x.shape()),
                    shape_str(w_out.shape())
                ),
                actual: shape_str(y.shape()),
            });
        }
        finite("y", y)?;
    }
    Ok(())
}

/// Gradients for a network whose parameters have the shapes `w` and `b` (layer by layer):
/// one dJ/dW and one dJ/db per layer, each shaped like its parameter.
pub(crate) fn gradients(
    w: &[(usize, usize)],
    b: &[(usize, usize)],
    dw: &[Array2<f64>],
    db: &[Array2<f64>],
) -> Result<()> {
    let depth = w.len();
    if dw.len() != depth || db.len() != depth {
        return Err(Error::Value {
            name: "gradients".into(),
            problem: format!("expected {depth} of dJ/dW and of dJ/db, got {} and {}", dw.len(), db.len()),
        });
    }
    for l in 1..=depth {
        for (kind, given, param) in [("W", &dw[l - 1], w[l - 1]), ("b", &db[l - 1], b[l - 1])] {
            shape(&format!("gradient of {kind}{l}"), given, param, &format!("the shape of {kind}{l}"))?;
        }
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
        // and every shorter length, which is tested value by value
        for len in 1..good.len() {
            assert!(all_finite(&good[..len]));
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut values = good[..len].to_vec();
                values[len - 1] = bad;
                assert!(!all_finite(&values), "{bad} at the end of {len}");
            }
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for at in 0..good.len() {
                let mut values = good.clone();
                values[at] = bad;
                assert!(!all_finite(&values), "{bad} at {at}");
            }
        }
    }
}
