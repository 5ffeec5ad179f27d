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
//! bias columns `(n_l, 1)`; `activations` is optional (all `"sigmoid"`). A matrix written only
//! with integer literals (`4`, not `4.0`) prints as numpy prints an integer array, as
//! `np.array([[1, 4, 5]])` would make it.

use std::fmt;
use std::path::Path;

use ndarray::Array2;
use serde_json::{Map, Value};

use crate::activation::Activation;
use crate::error::{shape_str, Error, Result};
use crate::network::{check_learning_rate, Network};
use crate::npformat::{show, Dtype};

/// The chapter's values, `examples/chapter.json`.
pub const CHAPTER_JSON: &str = include_str!("../examples/chapter.json");

const FIELDS: [&str; 6] = ["x", "y", "W", "b", "learning_rate", "activations"];

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
        Values::from_json(CHAPTER_JSON, "examples/chapter.json").expect("the chapter's values are valid")
    }

    /// Values for a network of sigmoid layers (the chapter's), checked to fit together.
    pub fn new(x: Given, y: Given, weights: Vec<Given>, biases: Vec<Given>, learning_rate: f64) -> Result<Values> {
        let activations = vec![Activation::Sigmoid; weights.len()];
        Values::with_activations(x, y, weights, biases, learning_rate, activations)
    }

    /// Values with one activation per layer, checked to fit together.
    pub fn with_activations(
        x: Given,
        y: Given,
        weights: Vec<Given>,
        biases: Vec<Given>,
        learning_rate: f64,
        activations: Vec<Activation>,
    ) -> Result<Values> {
        let values = Values { x, y, weights, biases, learning_rate, activations };
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
        let x = matrix(required(&root, "x")?, "x")?;
        let y = matrix(required(&root, "y")?, "y")?;
        let weights = list(required(&root, "W")?, "W")?
            .iter()
            .enumerate()
            .map(|(i, v)| matrix(v, &format!("W[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let biases = list(required(&root, "b")?, "b")?
            .iter()
            .enumerate()
            .map(|(i, v)| matrix(v, &format!("b[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let learning_rate = match required(&root, "learning_rate")? {
            Value::Number(n) => finite_number(n, "learning_rate")?,
            other => return Err(field_err("learning_rate", format!("expected a number, got {}", kind(other)))),
        };
        let activations = match root.get("activations") {
            None => vec![Activation::Sigmoid; weights.len()],
            Some(v) => activations(v)?,
        };
        let values = Values { x, y, weights, biases, learning_rate, activations };
        values.check()?;
        Ok(values)
    }

    /// Checks that the values fit together: shapes chain, numbers are finite, η is positive.
    pub fn check(&self) -> Result<()> {
        self.network().map(|_| ())
    }

    /// The network these values describe, after every check of [`Values::check`].
    pub fn network(&self) -> Result<Network> {
        let network = Network::new(
            self.weights.iter().map(|g| g.data.clone()).collect(),
            self.biases.iter().map(|g| g.data.clone()).collect(),
            self.activations.clone(),
        )?;
        check_learning_rate(self.learning_rate)?;
        // the forward and backward passes check x and y against the network
        let trace = network.forward(&self.x.data)?;
        network.backward(&trace, &self.y.data)?;
        Ok(network)
    }
}

/// A file's text, and its name for error messages.
pub(crate) fn read_text(path: &Path) -> Result<(String, String)> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { file: path.to_path_buf(), source })?;
    Ok((text, path.display().to_string()))
}

/// Parses JSON text that must be an object with only the given fields; `source` names it.
pub(crate) fn json_object(text: &str, source: &str, fields: &[&str]) -> Result<Map<String, Value>> {
    let root: Value = serde_json::from_str(text).map_err(|e| Error::Json {
        file: source.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    })?;
    let Value::Object(root) = root else {
        return Err(field_err(
            "(top level)",
            format!("expected an object with fields {}, got {}", fields.join(", "), kind(&root)),
        ));
    };
    if let Some(unknown) = root.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(field_err(unknown, format!("unknown field; expected only {}", fields.join(", "))));
    }
    Ok(root)
}

/// A list of activation names, one per layer.
pub(crate) fn activations(v: &Value) -> Result<Vec<Activation>> {
    list(v, "activations")?
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => {
                s.parse::<Activation>().map_err(|e| field_err(&format!("activations[{i}]"), problem_of(e)))
            }
            other => Err(field_err(
                &format!("activations[{i}]"),
                format!("expected a name such as \"sigmoid\", got {}", kind(other)),
            )),
        })
        .collect()
}

#[track_caller]
fn layer(l: usize, depth: usize) -> usize {
    assert!((1..=depth).contains(&l), "layer {l} does not exist; these values have layers 1 to {depth}");
    l - 1
}

/// A JSON number as f64, refusing what f64 cannot hold (1e400 would become infinity).
fn finite_number(n: &serde_json::Number, path: &str) -> Result<f64> {
    match n.as_f64() {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(field_err(path, format!("expected a number within f64's range (about ±1.8e308), got {n}"))),
    }
}

pub(crate) fn field_err(path: &str, problem: String) -> Error {
    Error::Field { path: path.to_string(), problem }
}

fn problem_of(e: Error) -> String {
    match e {
        Error::Value { problem, .. } => problem,
        other => other.to_string(),
    }
}

pub(crate) fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) if a.is_empty() => "an empty list".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub(crate) fn required<'a>(root: &'a Map<String, Value>, name: &str) -> Result<&'a Value> {
    root.get(name).ok_or_else(|| field_err(name, "missing; a values file needs x, y, W, b and learning_rate".into()))
}

pub(crate) fn list<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    match v {
        Value::Array(items) if !items.is_empty() => Ok(items),
        other => Err(field_err(path, format!("expected a non-empty list, got {}", kind(other)))),
    }
}

/// A 2-D matrix: a non-empty list of equally long, non-empty rows of numbers.
pub(crate) fn matrix(v: &Value, path: &str) -> Result<Given> {
    let rows = list(v, path)?;
    let mut data = Vec::new();
    let mut all_int = true;
    let mut width = None;
    for (i, row) in rows.iter().enumerate() {
        let row_path = format!("{path}[{i}]");
        let cells = match row {
            Value::Array(cells) if !cells.is_empty() => cells,
            Value::Number(_) => {
                return Err(field_err(
                    &row_path,
                    format!(
                    "expected a row (a list of numbers), got {}; write a matrix as a list of rows, like [[1, 4, 5]]",
                    kind(row)
                ),
                ))
            }
            other => {
                return Err(field_err(&row_path, format!("expected a non-empty row of numbers, got {}", kind(other))))
            }
        };
        match width {
            None => width = Some(cells.len()),
            Some(w) if w != cells.len() => {
                return Err(field_err(
                    &row_path,
                    format!("ragged matrix: expected {w} numbers like row 0, got {}", cells.len()),
                ))
            }
            Some(_) => {}
        }
        for (j, cell) in cells.iter().enumerate() {
            let Value::Number(n) = cell else {
                return Err(field_err(&format!("{row_path}[{j}]"), format!("expected a number, got {}", kind(cell))));
            };
            // numpy makes an integer array only when every literal is an integer (no `.`, no exponent)
            let literal = n.to_string();
            if literal.contains(['.', 'e', 'E']) {
                all_int = false;
            } else if n.as_i64().is_none() {
                return Err(field_err(
                    &format!("{row_path}[{j}]"),
                    format!("the integer {n} does not fit in 64 bits; write it as a float, like {n}.0"),
                ));
            }
            data.push(finite_number(n, &format!("{row_path}[{j}]"))?);
        }
    }
    let shape = (rows.len(), width.expect("rows is not empty"));
    let data = Array2::from_shape_vec(shape, data)
        .map_err(|e| field_err(path, format!("expected shape {}: {e}", shape_str(&[shape.0, shape.1]))))?;
    Ok(Given { data, dtype: if all_int { Dtype::Int } else { Dtype::Float } })
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
}
