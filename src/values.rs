//! The values file: a network's given values, as JSON.
//!
//! ```json
//! {
//!   "x": [[1, 4, 5]],
//!   "y": [[0.1, 0.05]],
//!   "W": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8], [0.9, 0.1]]],
//!   "b": [[[0.5], [0.5]], [[0.5], [0.5]]],
//!   "learning_rate": 0.01,
//!   "activations": ["sigmoid", "sigmoid"]
//! }
//! ```
//!
//! `x` and `y` hold the samples in rows; `W` lists the weight matrices `(n_{l-1}, n_l)`, `b` the
//! bias columns `(n_l, 1)`; `activations` is optional (all `"sigmoid"`), and so is `loss`
//! (`"mse"`, the chapter's; `"binary_cross_entropy"` after a sigmoid output, `"cross_entropy"`
//! after a softmax one). A matrix written only
//! with integer literals (`4`, not `4.0`) prints as numpy prints an integer array, as
//! `np.array([[1, 4, 5]])` would make it.

use std::fmt;
use std::path::Path;

use ndarray::Array2;
use serde_json::Value;

use crate::activation::Activation;
use crate::error::Result;
use crate::json::{
    activations, field_err, finite_number, json_object, kind, loss, matrices, matrix, read_text, required, rows,
};
use crate::loss::Loss;
use crate::network::{check_learning_rate, Network};
use crate::npformat::{show, Dtype};
use crate::step::Step;

/// The chapter's values, the crate's `src/chapter.json`.
pub const CHAPTER_JSON: &str = include_str!("chapter.json");

const NEEDS: &str = "a values file needs x, y, W, b and learning_rate";

const FIELDS: [&str; 7] = ["x", "y", "W", "b", "learning_rate", "activations", "loss"];

/// A matrix as given, with the dtype numpy would give it.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    /// The numbers.
    pub data: Array2<f64>,
    /// `Int` when every number was written as an integer.
    pub dtype: Dtype,
}

/// Everything the chapter gives: the sample, the parameters and the learning rate, checked to
/// fit together (shapes chain, numbers finite, learning rate positive).
#[derive(Clone, Debug, PartialEq)]
pub struct Values {
    /// The input, `(m, n_0)`.
    pub x: Given,
    /// The targets, `(m, n_L)`.
    pub y: Given,
    /// W_1 ... W_L, each `(n_{l-1}, n_l)`; `weights[0]` is W1.
    pub weights: Vec<Given>,
    /// b_1 ... b_L, each `(n_l, 1)`; `biases[0]` is b1.
    pub biases: Vec<Given>,
    /// η.
    pub learning_rate: f64,
    /// f_1 ... f_L.
    pub activations: Vec<Activation>,
    /// The cost J: the chapter's MSE unless the values name another.
    pub loss: Loss,
}

impl fmt::Display for Given {
    /// What numpy's `print` shows for this array.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&show(&self.data, self.dtype))
    }
}

/// Turns an ndarray matrix as written in a notebook into a [`Given`]: `array![[1, 4, 5]]`
/// (integers) prints as numpy's integer arrays do, `array![[1.0, 4.0, 5.0]]` as floats.
///
/// ```
/// use backprop::{ndarray::array, IntoGiven};
/// assert_eq!(array![[1, 4, 5]].given().to_string(), "[[1 4 5]]");
/// assert_eq!(array![[1.0, 4.0, 5.0]].given().to_string(), "[[1. 4. 5.]]");
/// ```
pub trait IntoGiven {
    /// The matrix as f64, with the dtype numpy would give it.
    fn given(&self) -> Given;
}

impl IntoGiven for Given {
    fn given(&self) -> Given {
        self.clone()
    }
}

impl<T: IntoGiven + ?Sized> IntoGiven for &T {
    fn given(&self) -> Given {
        (**self).given()
    }
}

impl IntoGiven for Array2<f64> {
    fn given(&self) -> Given {
        Given { data: self.clone(), dtype: Dtype::Float }
    }
}

impl IntoGiven for Array2<i32> {
    fn given(&self) -> Given {
        Given { data: self.mapv(f64::from), dtype: Dtype::Int }
    }
}

impl IntoGiven for Array2<i64> {
    fn given(&self) -> Given {
        // i64 beyond 2^53 would round; numpy's int64 would not, so such values are not for f64 math anyway
        Given { data: self.mapv(|v| v as f64), dtype: Dtype::Int }
    }
}

impl Values {
    /// The chapter's values.
    pub fn chapter() -> Values {
        Values::from_json(CHAPTER_JSON, "chapter.json").expect("the chapter's values are valid")
    }

    /// Values for a network of sigmoid layers (the chapter's), checked to fit together. Each
    /// matrix may be an ndarray of integers or floats (kept with the dtype numpy would give
    /// it, see [`IntoGiven`]), or a reference to one:
    ///
    /// ```
    /// use backprop::{ndarray::array, Values};
    /// let (x, y) = (array![[1, 4, 5]], array![[0.1, 0.05]]);
    /// let (w1, w2) = (array![[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], array![[0.7, 0.8], [0.9, 0.1]]);
    /// let (b1, b2) = (array![[0.5], [0.5]], array![[0.5], [0.5]]);
    /// let given = Values::new(&x, &y, [&w1, &w2], [&b1, &b2], 0.01).unwrap();
    /// assert_eq!(given, Values::chapter());
    /// ```
    pub fn new<W: IntoGiven, B: IntoGiven>(
        x: impl IntoGiven,
        y: impl IntoGiven,
        weights: impl IntoIterator<Item = W>,
        biases: impl IntoIterator<Item = B>,
        learning_rate: impl Into<f64>,
    ) -> Result<Values> {
        let weights: Vec<Given> = weights.into_iter().map(|w| w.given()).collect();
        let activations = vec![Activation::Sigmoid; weights.len()];
        Values::with_activations(x, y, weights, biases, learning_rate, activations)
    }

    /// Values with one activation per layer, checked to fit together; the matrices as for
    /// [`Values::new`].
    pub fn with_activations<W: IntoGiven, B: IntoGiven>(
        x: impl IntoGiven,
        y: impl IntoGiven,
        weights: impl IntoIterator<Item = W>,
        biases: impl IntoIterator<Item = B>,
        learning_rate: impl Into<f64>,
        activations: Vec<Activation>,
    ) -> Result<Values> {
        let values = Values {
            x: x.given(),
            y: y.given(),
            weights: weights.into_iter().map(|w| w.given()).collect(),
            biases: biases.into_iter().map(|b| b.given()).collect(),
            learning_rate: learning_rate.into(),
            activations,
            loss: Loss::Mse,
        };
        values.check()?;
        Ok(values)
    }

    /// L, the number of layers.
    pub fn depth(&self) -> usize {
        self.weights.len()
    }

    /// W_l for l from 1 to L.
    #[track_caller]
    pub fn w(&self, l: usize) -> &Array2<f64> {
        &self.weights[layer(l, self.depth())].data
    }

    /// b_l for l from 1 to L.
    #[track_caller]
    pub fn b(&self, l: usize) -> &Array2<f64> {
        &self.biases[layer(l, self.depth())].data
    }

    /// m, the number of samples: the chapter's `m = y.shape[0]`.
    pub fn samples(&self) -> usize {
        self.y.data.nrows()
    }

    /// The dtype numpy gives z_l (l from 0, z0 = x): `a_{l-1} @ W_l + b_l.T` stays integer
    /// only when all three are.
    #[track_caller]
    pub fn z_dtype(&self, l: usize) -> Dtype {
        self.dtypes(l).0
    }

    /// The dtype numpy gives a_l (l from 0, a0 = x): integer only when z_l is and f_l keeps
    /// integers (ReLU, identity).
    #[track_caller]
    pub fn a_dtype(&self, l: usize) -> Dtype {
        self.dtypes(l).1
    }

    #[track_caller]
    fn dtypes(&self, l: usize) -> (Dtype, Dtype) {
        assert!(l <= self.depth(), "layer {l} does not exist; these values have layers 0 to {}", self.depth());
        let (mut z, mut a) = (self.x.dtype, self.x.dtype);
        for i in 0..l {
            z = a.promote(self.weights[i].dtype).promote(self.biases[i].dtype);
            a = if self.activations[i].keeps_integers() { z } else { Dtype::Float };
        }
        (z, a)
    }

    /// Reads a values file.
    pub fn load(path: impl AsRef<Path>) -> Result<Values> {
        let (text, source) = read_text(path.as_ref())?;
        Values::from_json(&text, &source)
    }

    /// Parses the JSON of a values file; `source` names it in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Values> {
        let root = json_object(text, source, &FIELDS)?;
        let x = matrix(required(&root, "x", NEEDS)?, "x")?;
        let y = matrix(required(&root, "y", NEEDS)?, "y")?;
        let weights = matrices(required(&root, "W", NEEDS)?, "W")?;
        let biases = matrices(required(&root, "b", NEEDS)?, "b")?;
        let learning_rate = match required(&root, "learning_rate", NEEDS)? {
            Value::Number(n) => finite_number(n, "learning_rate")?,
            other => return Err(field_err("learning_rate", format!("expected a number, got {}", kind(other)))),
        };
        let activations = match root.get("activations") {
            None => vec![Activation::Sigmoid; weights.len()],
            Some(v) => activations(v)?,
        };
        let loss = root.get("loss").map_or(Ok(Loss::Mse), loss)?;
        let values = Values { x, y, weights, biases, learning_rate, activations, loss };
        values.check()?;
        Ok(values)
    }

    /// Checks that the values fit together: shapes chain, numbers are finite, η is positive.
    /// Nothing is computed: the shapes and numbers are looked at, no pass is run.
    pub fn check(&self) -> Result<()> {
        self.network().map(|_| ())
    }

    /// The network these values describe, after every check of [`Values::check`] (the fields
    /// are public, so the checks are made again here, where the values enter the network).
    pub fn network(&self) -> Result<Network> {
        let network = Network::with_loss(
            self.weights.iter().map(|g| g.data.clone()).collect(),
            self.biases.iter().map(|g| g.data.clone()).collect(),
            self.activations.clone(),
            self.loss,
        )?;
        check_learning_rate(self.learning_rate)?;
        network.check_batch(&self.x.data, Some(&self.y.data))?;
        Ok(network)
    }

    /// The values as a values file's JSON, which [`Values::from_json`] reads back: integer
    /// matrices as integers, every float in its shortest form that reads back the same.
    ///
    /// ```
    /// let v = backprop::Values::chapter();
    /// assert_eq!(backprop::Values::from_json(&v.to_json(), "back.json").unwrap(), v);
    /// ```
    pub fn to_json(&self) -> String {
        let matrix = |g: &Given| rows(&g.data, g.dtype == Dtype::Int);
        let mut doc = serde_json::json!({
            "x": matrix(&self.x),
            "y": matrix(&self.y),
            "W": self.weights.iter().map(matrix).collect::<Vec<_>>(),
            "b": self.biases.iter().map(matrix).collect::<Vec<_>>(),
            "learning_rate": self.learning_rate,
            "activations": self.activations.iter().map(|a| a.name()).collect::<Vec<_>>(),
        });
        if self.loss != Loss::Mse {
            doc["loss"] = self.loss.name().into();
        }
        serde_json::to_string_pretty(&doc).expect("JSON of numbers and strings serializes") + "\n"
    }

    /// The chapter's one worked step for these values: the forward pass, backprop and the
    /// update, computed once (see [`Step`]).
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// assert!((step.trace().z(1)[[0, 0]] - 4.3).abs() < 1e-12);
    /// ```
    pub fn step(&self) -> Result<Step> {
        Step::new(self)
    }
}

#[track_caller]
fn layer(l: usize, depth: usize) -> usize {
    assert!((1..=depth).contains(&l), "layer {l} does not exist; these values have layers 1 to {depth}");
    l - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        Values::from_json(json, "v.json").unwrap_err().to_string()
    }

    #[test]
    fn reads_the_chapters_values_with_numpys_dtypes() {
        let v = Values::chapter();
        assert_eq!(v.x.dtype, Dtype::Int);
        assert_eq!(v.y.dtype, Dtype::Float);
        assert_eq!(v.w(1).dim(), (3, 2));
        assert_eq!(v.activations, vec![Activation::Sigmoid; 2]);
        assert_eq!(v.learning_rate, 0.01);
    }

    #[test]
    fn a_single_float_makes_the_whole_matrix_float() {
        let v = Values::from_json(CHAPTER_JSON.replace("[[1, 4, 5]]", "[[1.0, 4, 5]]").as_str(), "v.json").unwrap();
        assert_eq!(v.x.dtype, Dtype::Float);
    }

    #[test]
    fn rejects_an_unknown_field_so_a_typo_is_not_ignored() {
        let e = err(&CHAPTER_JSON.replace("\"learning_rate\"", "\"learning rate\""));
        assert!(e.starts_with("learning rate: unknown field"), "{e}");
    }

    #[test]
    fn rejects_an_empty_batch_and_a_flat_list() {
        assert!(
            err(&CHAPTER_JSON.replace("[[1, 4, 5]]", "[]")).contains("x: expected a non-empty list, got an empty list")
        );
        let e = err(&CHAPTER_JSON.replace("[[1, 4, 5]]", "[1, 4, 5]"));
        assert!(e.contains("x[0]: expected a row (a list of numbers), got the number 1"), "{e}");
    }

    #[test]
    fn rejects_an_integer_too_large_for_numpy() {
        let e = err(&CHAPTER_JSON.replace("[[1, 4, 5]]", "[[1, 4, 100000000000000000000]]"));
        assert!(e.contains("x[0][2]: the integer 100000000000000000000 does not fit in 64 bits"), "{e}");
    }

    #[test]
    fn rejects_a_top_level_that_is_not_an_object() {
        assert!(err("[1, 2]").contains("expected an object with fields x, y, W, b"));
    }

    #[test]
    fn rejects_activations_of_the_wrong_count() {
        let e =
            err(&CHAPTER_JSON
                .replace("\"learning_rate\": 0.01", "\"learning_rate\": 0.01, \"activations\": [\"tanh\"]"));
        assert!(e.contains("activations: expected 2 activations, one per layer, got 1"), "{e}");
    }

    #[test]
    fn reads_a_loss_writes_it_back_and_refuses_one_that_does_not_fit() {
        let bce = CHAPTER_JSON
            .replace("\"learning_rate\": 0.01", "\"learning_rate\": 0.01, \"loss\": \"binary_cross_entropy\"");
        let v = Values::from_json(&bce, "v.json").unwrap();
        assert_eq!(v.loss, Loss::BinaryCrossEntropy);
        assert_eq!(Values::from_json(&v.to_json(), "back.json").unwrap(), v);
        assert!(!Values::chapter().to_json().contains("loss"), "MSE, the chapter's, is not written");
        let e = err(&bce.replace("binary_cross_entropy", "hinge"));
        assert!(
            e.contains("loss: expected one of \"mse\", \"cross_entropy\", \"binary_cross_entropy\", got \"hinge\""),
            "{e}"
        );
        let e = err(&bce.replace("\"binary_cross_entropy\"", "3"));
        assert!(e.contains("loss: expected a name such as \"mse\", got the number 3"), "{e}");
        // softmax outputs need the cross-entropy, and the cross-entropy a softmax output
        let e = err(&bce.replace("binary_cross_entropy", "cross_entropy"));
        assert!(e.contains("softmax"), "{e}");
    }
}
