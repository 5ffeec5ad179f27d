//! The given values: a network's input, targets, parameters and learning rate, checked once
//! where they enter, from a notebook's arrays or from a values file (JSON).
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
//! after a softmax one). A matrix written only with integer literals (`4`, not `4.0`) keeps
//! numpy's integer dtype, as `np.array([[1, 4, 5]])` would make it, and prints as numpy prints
//! an integer array.

use std::path::Path;

use ndarray::Array2;
use serde_json::Value;

use super::check;
use super::files::read_text;
use super::json::{self, field_err, finite_number, json_object, kind, required};
use crate::error::Result;
use crate::math::{Activation, Loss};

/// The chapter's values, the crate's `src/io/chapter.json`.
pub const CHAPTER_JSON: &str = include_str!("chapter.json");

const NEEDS: &str = "a values file needs x, y, W, b and learning_rate";

const FIELDS: [&str; 7] = ["x", "y", "W", "b", "learning_rate", "activations", "loss"];

/// How numpy would store an array, which decides how it prints: `[[1 4 5]]` or `[[1. 4. 5.]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `int64`: what `np.array` makes when every given value is an integer.
    Int,
    /// `float64`.
    Float,
}

impl Dtype {
    /// The dtype of the result of `+`, `-`, `@` on two arrays: integer only if both are.
    pub fn promote(self, other: Dtype) -> Dtype {
        if self == Dtype::Int && other == Dtype::Int {
            Dtype::Int
        } else {
            Dtype::Float
        }
    }
}

/// A matrix as given, with the dtype numpy would give it: its numbers, and how it prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    data: Array2<f64>,
    dtype: Dtype,
}

impl Given {
    /// The numbers, held as `dtype`.
    pub fn new(data: Array2<f64>, dtype: Dtype) -> Given {
        Given { data, dtype }
    }

    /// How numpy would hold it.
    pub fn dtype(&self) -> Dtype {
        self.dtype
    }

    /// The numbers.
    pub fn array(&self) -> &Array2<f64> {
        &self.data
    }
}

/// Turns an ndarray matrix as written in a notebook into a [`Given`]: `array![[1, 4, 5]]`
/// (integers) keeps numpy's integer dtype, `array![[1.0, 4.0, 5.0]]` is float.
///
/// ```
/// use backprop::{ndarray::array, Dtype, IntoGiven};
/// assert_eq!(array![[1, 4, 5]].given().dtype(), Dtype::Int);
/// assert_eq!(array![[1.0, 4.0, 5.0]].given().dtype(), Dtype::Float);
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

/// The matrices of the layers, one per layer: a tuple `(&w1, &w2)` whose matrices may be of
/// different kinds (one of integers, one of floats), or an array or a `Vec` of one kind.
pub trait IntoLayers {
    /// One [`Given`] per layer, from layer 1.
    fn into_layers(self) -> Vec<Given>;
}

impl<T: IntoGiven, const N: usize> IntoLayers for [T; N] {
    fn into_layers(self) -> Vec<Given> {
        self.iter().map(IntoGiven::given).collect()
    }
}

impl<T: IntoGiven> IntoLayers for Vec<T> {
    fn into_layers(self) -> Vec<Given> {
        self.iter().map(IntoGiven::given).collect()
    }
}

macro_rules! tuple_layers {
    ($($t:ident $v:ident),+) => {
        impl<$($t: IntoGiven),+> IntoLayers for ($($t,)+) {
            fn into_layers(self) -> Vec<Given> {
                let ($($v,)+) = self;
                vec![$($v.given()),+]
            }
        }
    };
}

tuple_layers!(A a);
tuple_layers!(A a, B b);
tuple_layers!(A a, B b, C c);
tuple_layers!(A a, B b, C c, D d);
tuple_layers!(A a, B b, C c, D d, E e);
tuple_layers!(A a, B b, C c, D d, E e, F f);
tuple_layers!(A a, B b, C c, D d, E e, F f, G g);
tuple_layers!(A a, B b, C c, D d, E e, F f, G g, H h);

/// Everything the chapter gives: the samples, the parameters and the learning rate, checked to
/// fit together (shapes chain, numbers finite, the learning rate positive, the activations fit
/// for the loss), each matrix with the dtype numpy would give it. Layers are numbered from 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Values {
    x: Given,            // (m, n_0)
    y: Given,            // (m, n_L)
    weights: Vec<Given>, // L of (n_{l-1}, n_l)
    biases: Vec<Given>,  // L of (n_l, 1)
    learning_rate: f64,  // η
    activations: Vec<Activation>,
    loss: Loss,
}

impl Values {
    /// The chapter's values.
    pub fn chapter() -> Values {
        Values::from_json(CHAPTER_JSON, "chapter.json").expect("the chapter's values are valid")
    }

    /// Values for a network of sigmoid layers with the chapter's MSE, checked to fit together.
    /// Each matrix may be an ndarray of integers or of floats, kept with the dtype numpy would
    /// give it, or a reference to one; the layers' matrices come as a tuple (which may mix the
    /// two) or an array:
    ///
    /// ```
    /// use backprop::{ndarray::array, Values};
    /// let (x, y) = (array![[1, 4, 5]], array![[0.1, 0.05]]);
    /// let (w1, w2) = (array![[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], array![[0.7, 0.8], [0.9, 0.1]]);
    /// let (b1, b2) = (array![[0.5], [0.5]], array![[0.5], [0.5]]);
    /// let given = Values::new(&x, &y, (&w1, &w2), (&b1, &b2), 0.01).unwrap();
    /// assert_eq!(given, Values::chapter());
    /// // an integer W2 beside a float W1
    /// let w2 = array![[1, 0], [0, 1]];
    /// assert!(Values::new(&x, &y, (&w1, &w2), (&b1, &b2), 0.01).is_ok());
    /// ```
    pub fn new(
        x: impl IntoGiven,
        y: impl IntoGiven,
        weights: impl IntoLayers,
        biases: impl IntoLayers,
        learning_rate: impl Into<f64>,
    ) -> Result<Values> {
        let weights = weights.into_layers();
        let values = Values {
            x: x.given(),
            y: y.given(),
            activations: vec![Activation::Sigmoid; weights.len()],
            weights,
            biases: biases.into_layers(),
            learning_rate: learning_rate.into(),
            loss: Loss::Mse,
        };
        values.check()?;
        Ok(values)
    }

    /// The same values with one activation per layer, checked again.
    ///
    /// ```
    /// use backprop::{Activation, Values};
    /// let v = Values::chapter().with_activations(vec![Activation::Tanh, Activation::Sigmoid]).unwrap();
    /// assert_eq!(v.activation(1), Activation::Tanh);
    /// let err = Values::chapter().with_activations(vec![Activation::Tanh]).unwrap_err();
    /// assert!(err.to_string().contains("expected 2 activations, one per layer, got 1"));
    /// ```
    pub fn with_activations(mut self, activations: Vec<Activation>) -> Result<Values> {
        self.activations = activations;
        self.check()?;
        Ok(self)
    }

    /// The same values trained against `loss`, checked again: the cross-entropy needs a
    /// softmax output, the binary cross-entropy a sigmoid one.
    pub fn with_loss(mut self, loss: Loss) -> Result<Values> {
        self.loss = loss;
        self.check()?;
        Ok(self)
    }

    /// The values from their parts, checked: what a network and its batch give (see
    /// `Step::of`).
    pub(crate) fn from_parts(
        x: Given,
        y: Given,
        weights: Vec<Given>,
        biases: Vec<Given>,
        learning_rate: f64,
        activations: Vec<Activation>,
        loss: Loss,
    ) -> Result<Values> {
        let values = Values { x, y, weights, biases, learning_rate, activations, loss };
        values.check()?;
        Ok(values)
    }

    /// The one check of the values, made wherever they are built: the parameters chain and fit
    /// the loss, x and y fit them, every number is finite, η is a positive number.
    fn check(&self) -> Result<()> {
        let (weights, biases): (Vec<&Array2<f64>>, Vec<&Array2<f64>>) =
            (self.weights.iter().map(|g| &g.data).collect(), self.biases.iter().map(|g| &g.data).collect());
        check::parameters(&weights, &biases, &self.activations, self.loss)?;
        check::learning_rate(self.learning_rate)?;
        let depth = self.depth();
        check::batch(&self.weights[0].data, &self.weights[depth - 1].data, depth, &self.x.data, Some(&self.y.data))
    }

    /// x `(m, n_0)`, the input a_0.
    pub fn x(&self) -> &Array2<f64> {
        &self.x.data
    }

    /// y `(m, n_L)`, the targets.
    pub fn y(&self) -> &Array2<f64> {
        &self.y.data
    }

    /// W_l `(n_{l-1}, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn w(&self, l: usize) -> &Array2<f64> {
        &self.w_given(l).data
    }

    /// b_l `(n_l, 1)` for l from 1 to L.
    #[track_caller]
    pub fn b(&self, l: usize) -> &Array2<f64> {
        &self.b_given(l).data
    }

    /// x as given, with the dtype numpy would give it (what prints `[[1 4 5]]`).
    pub fn x_given(&self) -> &Given {
        &self.x
    }

    /// y as given, with its dtype.
    pub fn y_given(&self) -> &Given {
        &self.y
    }

    /// W_l as given, with its dtype, for l from 1 to L.
    #[track_caller]
    pub fn w_given(&self, l: usize) -> &Given {
        &self.weights[check::layer_index(l, 1, self.depth(), "W") - 1]
    }

    /// b_l as given, with its dtype, for l from 1 to L.
    #[track_caller]
    pub fn b_given(&self, l: usize) -> &Given {
        &self.biases[check::layer_index(l, 1, self.depth(), "b") - 1]
    }

    /// f_l for l from 1 to L.
    #[track_caller]
    pub fn activation(&self, l: usize) -> Activation {
        self.activations[check::layer_index(l, 1, self.depth(), "activation") - 1]
    }

    /// η, the learning rate.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The cost J: the chapter's MSE unless the values name another.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// L, the number of layers.
    pub fn depth(&self) -> usize {
        self.weights.len()
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
        check::layer_index(l, 0, self.depth(), "dtype");
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
        let given = |(data, integers): json::Read| Given::new(data, if integers { Dtype::Int } else { Dtype::Float });
        let x = given(json::matrix(required(&root, "x", NEEDS)?, "x")?);
        let y = given(json::matrix(required(&root, "y", NEEDS)?, "y")?);
        let weights: Vec<Given> = json::matrices(required(&root, "W", NEEDS)?, "W")?.into_iter().map(given).collect();
        let biases = json::matrices(required(&root, "b", NEEDS)?, "b")?.into_iter().map(given).collect();
        let learning_rate = match required(&root, "learning_rate", NEEDS)? {
            Value::Number(n) => finite_number(n, "learning_rate")?,
            other => return Err(field_err("learning_rate", format!("expected a number, got {}", kind(other)))),
        };
        let activations = match root.get("activations") {
            None => vec![Activation::Sigmoid; weights.len()],
            Some(v) => json::activations(v)?,
        };
        let loss = root.get("loss").map_or(Ok(Loss::Mse), json::loss)?;
        Values::from_parts(x, y, weights, biases, learning_rate, activations, loss)
    }

    /// The values as a values file's JSON, which [`Values::from_json`] reads back: integer
    /// matrices as integers, every float in its shortest form that reads back the same.
    ///
    /// ```
    /// let v = backprop::Values::chapter();
    /// assert_eq!(backprop::Values::from_json(&v.to_json(), "back.json").unwrap(), v);
    /// ```
    pub fn to_json(&self) -> String {
        fn matrix(g: &Given) -> (&Array2<f64>, bool) {
            (g.array(), g.dtype == Dtype::Int)
        }
        let weights: Vec<_> = self.weights.iter().map(matrix).collect();
        let biases: Vec<_> = self.biases.iter().map(matrix).collect();
        let mut doc = json::parameters(&weights, &biases, &self.activations);
        doc.insert("x".into(), json::rows(&self.x.data, self.x.dtype == Dtype::Int));
        doc.insert("y".into(), json::rows(&self.y.data, self.y.dtype == Dtype::Int));
        doc.insert("learning_rate".into(), self.learning_rate.into());
        if self.loss != Loss::Mse {
            doc.insert("loss".into(), self.loss.name().into());
        }
        json::text(doc)
    }
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
        assert_eq!(v.x_given().dtype(), Dtype::Int);
        assert_eq!(v.y_given().dtype(), Dtype::Float);
        assert_eq!(v.w(1).dim(), (3, 2));
        assert_eq!([v.activation(1), v.activation(2)], [Activation::Sigmoid; 2]);
        assert_eq!(v.learning_rate(), 0.01);
    }

    #[test]
    fn a_single_float_makes_the_whole_matrix_float() {
        let v = Values::from_json(CHAPTER_JSON.replace("[[1, 4, 5]]", "[[1.0, 4, 5]]").as_str(), "v.json").unwrap();
        assert_eq!(v.x_given().dtype(), Dtype::Float);
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
        assert_eq!(v.loss(), Loss::BinaryCrossEntropy);
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
