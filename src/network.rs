//! The network: dense layers, the forward pass that keeps its trace, backprop and the update.
//!
//! Layers are numbered as in the chapter, 1 to L; the accessors take that number, so
//! `trace.z(1)` is z1 and `grads.delta(2)` is δ2. Index 0 of `z` and `a` is the input x.
//!
//! Every method of [`Network`] is here, whichever module does the work (saving in `persist`,
//! the allocation-free step in `workspace`, the first weights in `init`). What comes in is
//! checked once where it enters (the constructors, `forward`'s x, `backward`'s trace and y,
//! the per-equation functions a notebook calls); the passes behind those checks trust it.

use std::path::Path;

use ndarray::{Array2, Axis, Zip};

use crate::activation::Activation;
use crate::error::{ensure_finite, shape_str, Error, Result};
use crate::init::Init;
use crate::loss::Loss;
use crate::workspace::Workspace;

/// One dense layer: `z_l = a_{l-1} W_l + b_l^T`, `a_l = f_l(z_l)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub(crate) w: Array2<f64>, // (n_{l-1}, n_l)
    pub(crate) b: Array2<f64>, // (n_l, 1)
    pub(crate) activation: Activation,
}

/// A network of dense layers over a batch of samples in rows, checked to chain.
///
/// ```
/// use backprop::{ndarray::array, Network};
/// # fn main() -> backprop::Result<()> {
/// let net = Network::sigmoid(
///     vec![array![[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], array![[0.7, 0.8], [0.9, 0.1]]],
///     vec![array![[0.5], [0.5]], array![[0.5], [0.5]]],
/// )?;
/// assert_eq!(net.sizes(), vec![3, 2, 2]);
/// let trace = net.forward(&array![[1.0, 4.0, 5.0]])?;
/// assert!((trace.z(1)[[0, 0]] - 4.3).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub(crate) layers: Vec<Layer>, // L layers, layers[l - 1] is layer l
    loss: Loss,
}

/// What the forward pass keeps for backprop: every z and a, input included.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    z: Vec<Array2<f64>>, // L + 1 of (m, n_l); z[0] = x
    a: Vec<Array2<f64>>, // L + 1 of (m, n_l); a[0] = x
}

/// What backprop returns: the output error, every delta, and dJ/dW, dJ/db shaped like W and b.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    dj_da: Array2<f64>,      // (m, n_L): dJ/da_L = a_L - y
    df_dz: Vec<Array2<f64>>, // L of (m, n_l): f_l'(z_l)
    delta: Vec<Array2<f64>>, // L of (m, n_l)
    dw: Vec<Array2<f64>>,    // L of (n_{l-1}, n_l)
    db: Vec<Array2<f64>>,    // L of (n_l, 1)
}

#[track_caller]
fn layer_index(l: usize, first: usize, last: usize, what: &str) -> usize {
    assert!((first..=last).contains(&l), "{what}: layer {l} does not exist; this network has layers {first} to {last}");
    l
}

/// One layer of the forward pass: `z_l = a_{l-1} W_l + b_l^T` and `a_l = f_l(z_l)`.
///
/// `a_prev` is `(m, n_{l-1})`, `w` `(n_{l-1}, n_l)`, `b` `(n_l, 1)`; returns `(z_l, a_l)`, both
/// `(m, n_l)`. Shapes that do not fit are refused, naming both.
pub fn layer_forward(
    a_prev: &Array2<f64>,
    w: &Array2<f64>,
    b: &Array2<f64>,
    f: Activation,
) -> Result<(Array2<f64>, Array2<f64>)> {
    if w.nrows() != a_prev.ncols() {
        return Err(mismatch("W", w, (a_prev.ncols(), None), "a_prev", a_prev, "one row per column of"));
    }
    expect_shape("b", b, (w.ncols(), 1), "a column with one entry per column of W")?;
    Ok(forward_layer(a_prev, w, b, f))
}

/// `z = a_prev W + b^T`, `a = f(z)` on shapes already checked.
fn forward_layer(a_prev: &Array2<f64>, w: &Array2<f64>, b: &Array2<f64>, f: Activation) -> (Array2<f64>, Array2<f64>) {
    // the bias row broadcasts over the m samples
    let z = a_prev.dot(w) + b.t();
    let a = f.forward(&z);
    (z, a)
}

/// The output layer's error with the chapter's MSE: `dJ/da_L = a_L − y`, `f_L'(z_L)`, and
/// `δ_L = dJ/da_L ⊙ f_L'(z_L)`, returned in that order, each `(m, n_L)`. The rule itself is
/// [`Loss::output_error_at`], for every loss.
pub fn output_error(
    a: &Array2<f64>,
    y: &Array2<f64>,
    z: &Array2<f64>,
    f: Activation,
) -> Result<(Array2<f64>, Array2<f64>, Array2<f64>)> {
    expect_shape("y", y, a.dim(), "the shape of a_L")?;
    expect_shape("z", z, a.dim(), "the shape of a_L")?;
    if f == Activation::Softmax {
        return Err(Error::Value {
            name: "f".into(),
            problem: "expected an elementwise activation for MSE, got softmax (it fits only cross_entropy)".into(),
        });
    }
    Ok(Loss::Mse.output_error(f, z, a, y))
}

/// A hidden layer's error: `f_l'(z_l)` and `δ_l = (δ_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)`.
///
/// z_{l+1} = a_l W_{l+1} + b^T, so the cost reaches a_l through W_{l+1}:
/// dJ/da_l = δ_{l+1} W_{l+1}^T, and f_l' turns that into dJ/dz_l.
pub fn hidden_error(
    delta_next: &Array2<f64>,
    w_next: &Array2<f64>,
    z: &Array2<f64>,
    f: Activation,
) -> Result<(Array2<f64>, Array2<f64>)> {
    if w_next.dim() != (z.ncols(), delta_next.ncols()) {
        return Err(Error::Shape {
            name: "W_next".into(),
            expected: format!(
                "{}, (n_l, n_{{l+1}}): one row per column of z {}, one column per column of delta_next {}",
                shape_str(&[z.ncols(), delta_next.ncols()]),
                shape_str(z.shape()),
                shape_str(delta_next.shape())
            ),
            actual: shape_str(w_next.shape()),
        });
    }
    if delta_next.nrows() != z.nrows() {
        return Err(mismatch(
            "delta_next",
            delta_next,
            (z.nrows(), Some(w_next.ncols())),
            "z",
            z,
            "one row per sample of",
        ));
    }
    let df_dz = f.backward(z);
    let delta = hidden_delta(delta_next, w_next, &df_dz);
    Ok((df_dz, delta))
}

/// `δ_l = (δ_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)` on shapes already checked.
fn hidden_delta(delta_next: &Array2<f64>, w_next: &Array2<f64>, df_dz: &Array2<f64>) -> Array2<f64> {
    delta_next.dot(&w_next.t()) * df_dz
}

/// `dJ/dW_l = a_{l-1}^T δ_l` `(n_{l-1}, n_l)`: the m samples' outer products, summed.
pub fn weight_gradient(a_prev: &Array2<f64>, delta: &Array2<f64>) -> Result<Array2<f64>> {
    if delta.nrows() != a_prev.nrows() {
        return Err(mismatch("delta", delta, (a_prev.nrows(), None), "a_prev", a_prev, "one row per sample of"));
    }
    Ok(a_prev.t().dot(delta))
}

/// `dJ/db_l`: the column sums of δ_l (the sum over the samples), as a column `(n_l, 1)`.
pub fn bias_gradient(delta: &Array2<f64>) -> Array2<f64> {
    delta.sum_axis(Axis(0)).insert_axis(Axis(1))
}

/// One SGD step for one parameter: `param − (eta/m) · grad`, m the number of samples the
/// gradient sums over. `eta` must be a positive finite number.
pub fn sgd(param: &Array2<f64>, grad: &Array2<f64>, eta: f64, m: usize) -> Result<Array2<f64>> {
    check_learning_rate(eta)?;
    expect_shape("grad", grad, param.dim(), "the shape of the parameter")?;
    if m == 0 {
        return Err(Error::Value { name: "m".into(), problem: "expected at least one sample, got 0".into() });
    }
    let factor = sgd_factor(eta, m);
    Ok(Zip::from(param).and(grad).map_collect(|&p, &g| sgd_entry(p, factor, g)))
}

/// η/m, the factor of every SGD update: the chapter's `(n/m)*dLdW` takes the factor first, so
/// the numbers match numpy's bit for bit.
pub(crate) fn sgd_factor(eta: f64, m: usize) -> f64 {
    eta / m as f64
}

/// The update of one parameter, the one place it is written: `p − (η/m) g`. (On large layers
/// the workspace folds the same subtraction into the product aᵀδ; see `workspace`.)
#[inline]
pub(crate) fn sgd_entry(param: f64, factor: f64, grad: f64) -> f64 {
    param - factor * grad
}

/// A shape error that names both sides: `name` (shaped `a`) does not fit `other` (shaped
/// `b`); `expected` is `name`'s shape that fits, `None` for a free dimension.
fn mismatch(
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

fn expect_shape(name: &str, a: &Array2<f64>, expected: (usize, usize), why: &str) -> Result<()> {
    if a.dim() == expected {
        Ok(())
    } else {
        Err(Error::Shape {
            name: name.into(),
            expected: format!("{}, {why}", shape_str(&[expected.0, expected.1])),
            actual: shape_str(a.shape()),
        })
    }
}

impl Network {
    /// Builds a network from its weights `W_l` `(n_{l-1}, n_l)`, biases `b_l` `(n_l, 1)` and
    /// one activation per layer, checking that they chain and hold finite numbers. Its cost is
    /// the chapter's MSE; see [`Network::with_loss`] for the others.
    pub fn new(weights: Vec<Array2<f64>>, biases: Vec<Array2<f64>>, activations: Vec<Activation>) -> Result<Network> {
        Network::with_loss(weights, biases, activations, Loss::Mse)
    }

    /// As [`Network::new`], trained against `loss`: [`Loss::CrossEntropy`] needs a softmax
    /// output layer, [`Loss::BinaryCrossEntropy`] a sigmoid one, and softmax fits nowhere else.
    pub fn with_loss(
        weights: Vec<Array2<f64>>,
        biases: Vec<Array2<f64>>,
        activations: Vec<Activation>,
        loss: Loss,
    ) -> Result<Network> {
        let depth = weights.len();
        if depth == 0 {
            return Err(Error::Value {
                name: "W".into(),
                problem: "expected at least one weight matrix, got none".into(),
            });
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
        let mut layers = Vec::with_capacity(depth);
        for (i, ((w, b), activation)) in weights.into_iter().zip(biases).zip(activations).enumerate() {
            let l = i + 1;
            let (rows, cols) = w.dim();
            if rows == 0 || cols == 0 {
                return Err(Error::Shape {
                    name: format!("W{l}"),
                    expected: "at least one row and one column".into(),
                    actual: shape_str(w.shape()),
                });
            }
            if let Some(prev) = layers.last() {
                let prev: &Layer = prev;
                let n_prev = prev.w.ncols();
                if rows != n_prev {
                    return Err(Error::Shape {
                        name: format!("W{l}"),
                        expected: format!("({n_prev}, n), one row per column of W{i}"),
                        actual: shape_str(w.shape()),
                    });
                }
            }
            if b.dim() != (cols, 1) {
                return Err(Error::Shape {
                    name: format!("b{l}"),
                    expected: format!("({cols}, 1), a column with one entry per column of W{l}"),
                    actual: shape_str(b.shape()),
                });
            }
            ensure_finite(&format!("W{l}"), &w)?;
            ensure_finite(&format!("b{l}"), &b)?;
            layers.push(Layer { w, b, activation });
        }
        let output = layers[depth - 1].activation;
        let needed = match loss {
            Loss::Mse => None,
            Loss::CrossEntropy => Some(Activation::Softmax),
            Loss::BinaryCrossEntropy => Some(Activation::Sigmoid),
        };
        if let Some(needed) = needed.filter(|n| *n != output) {
            return Err(Error::Value {
                name: format!("activations[{}]", depth - 1),
                problem: format!("the {loss} loss needs a {needed} output layer, got {output}"),
            });
        }
        if let Some(l) = (1..=depth)
            .find(|&l| layers[l - 1].activation == Activation::Softmax && (l != depth || loss != Loss::CrossEntropy))
        {
            return Err(Error::Value {
                name: format!("activations[{}]", l - 1),
                problem: format!(
                    "softmax fits only the output layer with the cross_entropy loss, got it on layer {l} of {depth} with {loss}"
                ),
            });
        }
        Ok(Network { layers, loss })
    }

    /// The cost this network is trained against.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// The chapter's network: every layer a sigmoid.
    pub fn sigmoid(weights: Vec<Array2<f64>>, biases: Vec<Array2<f64>>) -> Result<Network> {
        let depth = weights.len();
        Network::new(weights, biases, vec![Activation::Sigmoid; depth])
    }

    /// L, the number of layers with weights.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// The layer widths `[n_0, n_1, ..., n_L]`, n_0 being the input's.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.layers[0].w.nrows()).chain(self.layers.iter().map(|layer| layer.w.ncols())).collect()
    }

    /// W_l, for l from 1 to L.
    #[track_caller]
    pub fn w(&self, l: usize) -> &Array2<f64> {
        &self.layers[layer_index(l, 1, self.depth(), "W") - 1].w
    }

    /// b_l, for l from 1 to L.
    #[track_caller]
    pub fn b(&self, l: usize) -> &Array2<f64> {
        &self.layers[layer_index(l, 1, self.depth(), "b") - 1].b
    }

    /// f_l, for l from 1 to L.
    #[track_caller]
    pub fn activation(&self, l: usize) -> Activation {
        self.layers[layer_index(l, 1, self.depth(), "activation") - 1].activation
    }

    /// Checks a batch against this network where it enters, once: `x` `(m, n_0)` with
    /// m ≥ 1, `y` (when given) `(m, n_L)`, every number finite. A mismatch names both sides:
    /// x's columns against W1's rows, y's rows against x's, y's columns against W_L's.
    pub fn check_batch(&self, x: &Array2<f64>, y: Option<&Array2<f64>>) -> Result<()> {
        let w1 = &self.layers[0].w;
        let n0 = w1.nrows();
        if x.nrows() == 0 || x.ncols() != n0 {
            let fix = if x.nrows() == 0 {
                "x has no samples".to_string()
            } else {
                format!(
                    "x has {} columns where W1 has {n0} rows; give x {n0} columns, or W1 {} rows",
                    x.ncols(),
                    x.ncols()
                )
            };
            return Err(Error::Shape {
                name: "x".into(),
                expected: format!(
                    "(m, {n0}): m >= 1 samples in rows, one column per row of W1 {}",
                    shape_str(w1.shape())
                ),
                actual: format!("{}: {fix}", shape_str(x.shape())),
            });
        }
        ensure_finite("x", x)?;
        if let Some(y) = y {
            let (m, depth) = (x.nrows(), self.depth());
            let w_out = &self.layers[depth - 1].w;
            let n_out = w_out.ncols();
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
            ensure_finite("y", y)?;
        }
        Ok(())
    }

    /// The forward pass over a batch `x` `(m, n_0)`, keeping every z and a.
    pub fn forward(&self, x: &Array2<f64>) -> Result<Trace> {
        self.check_batch(x, None)?;
        Ok(self.pass(x))
    }

    /// The forward pass on an x already checked.
    pub(crate) fn pass(&self, x: &Array2<f64>) -> Trace {
        let mut z = vec![x.clone()];
        let mut a = vec![x.clone()];
        for layer in &self.layers {
            let (zl, al) = forward_layer(a.last().expect("a holds a0"), &layer.w, &layer.b, layer.activation);
            z.push(zl);
            a.push(al);
        }
        Trace { z, a }
    }

    /// The output a_L for a batch `x`, keeping nothing else.
    pub fn predict(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        self.check_batch(x, None)?;
        let mut a = x.clone();
        for layer in &self.layers {
            a = forward_layer(&a, &layer.w, &layer.b, layer.activation).1;
        }
        Ok(a)
    }

    /// Backprop with the network's cost: every delta, dJ/dW_l and dJ/db_l, from a trace of this
    /// network and the targets `y` `(m, n_L)`.
    pub fn backward(&self, trace: &Trace, y: &Array2<f64>) -> Result<Gradients> {
        let sizes = self.sizes();
        if trace.depth() != self.depth() || trace.z.iter().zip(&sizes).any(|(z, &n)| z.ncols() != n) {
            return Err(Error::Shape {
                name: "trace".into(),
                expected: format!("a forward pass of a network with layer sizes {sizes:?}"),
                actual: format!("one with layer sizes {:?}", trace.z.iter().map(|z| z.ncols()).collect::<Vec<_>>()),
            });
        }
        self.check_batch(trace.a(0), Some(y))?;
        Ok(self.backprop(trace, y))
    }

    /// Backprop on a trace of this network and a y already checked.
    pub(crate) fn backprop(&self, trace: &Trace, y: &Array2<f64>) -> Gradients {
        let depth = self.depth();
        // Walk back in the reverse order of the forward pass: delta_L from the cost (the
        // loss's rule, `Loss::output_error_at`), then each delta_l from delta_{l+1}.
        let mut df_dz = vec![Array2::zeros((0, 0)); depth];
        let mut delta = vec![Array2::zeros((0, 0)); depth];
        let out = self.layers[depth - 1].activation;
        let (dj_da, df, d) = self.loss.output_error(out, &trace.z[depth], trace.output(), y);
        (df_dz[depth - 1], delta[depth - 1]) = (df, d);
        for l in (1..depth).rev() {
            let df = self.layers[l - 1].activation.backward(&trace.z[l]);
            delta[l - 1] = hidden_delta(&delta[l], &self.layers[l].w, &df);
            df_dz[l - 1] = df;
        }
        let dw = (1..=depth).map(|l| trace.a[l - 1].t().dot(&delta[l - 1])).collect();
        let db = delta.iter().map(bias_gradient).collect();
        Gradients { dj_da, df_dz, delta, dw, db }
    }

    /// One SGD step, as a new network: `W_l - (eta/m) dJ/dW_l`, `b_l - (eta/m) dJ/db_l`.
    ///
    /// `eta` must be a positive finite number, and the gradients must be this network's.
    pub fn updated(&self, grads: &Gradients, eta: f64) -> Result<Network> {
        let mut next = self.clone();
        next.step(grads, eta)?;
        Ok(next)
    }

    /// One SGD step in place; see [`Network::updated`].
    pub fn step(&mut self, grads: &Gradients, eta: f64) -> Result<()> {
        check_learning_rate(eta)?;
        let shapes_match = grads.dw.len() == self.depth()
            && self
                .layers
                .iter()
                .zip(grads.dw.iter().zip(&grads.db))
                .all(|(layer, (dw, db))| dw.dim() == layer.w.dim() && db.dim() == layer.b.dim());
        if !shapes_match {
            return Err(Error::Shape {
                name: "gradients".into(),
                expected: format!("those of a network with layer sizes {:?}", self.sizes()),
                actual: format!("dJ/dW shapes {:?}", grads.dw.iter().map(|g| g.dim()).collect::<Vec<_>>()),
            });
        }
        self.descend(grads, eta);
        Ok(())
    }

    /// The update on gradients already checked to be this network's.
    pub(crate) fn descend(&mut self, grads: &Gradients, eta: f64) {
        let factor = sgd_factor(eta, grads.samples());
        for (layer, (dw, db)) in self.layers.iter_mut().zip(grads.dw.iter().zip(&grads.db)) {
            layer.w.zip_mut_with(dw, |p, &g| *p = sgd_entry(*p, factor, g));
            layer.b.zip_mut_with(db, |p, &g| *p = sgd_entry(*p, factor, g));
        }
    }

    /// One full training step on the batch `x` `(m, n_0)`, `y` `(m, n_L)`: forward, backprop
    /// and the update `W ← W − (η/m) dJ/dW` (and b), with every intermediate kept in `ws`, so
    /// that nothing is allocated. Returns the loss of the forward pass, before the update.
    /// The same numbers as `forward`, `backward` and `step`, up to the order of floating-point
    /// sums and, on large sigmoid layers, the last bits of e^x (see the `simd` module: within
    /// 4 units in the last place of σ). [`train`](crate::train) runs on it.
    ///
    /// ```
    /// use backprop::{Values, Workspace};
    /// let v = Values::chapter();
    /// let mut net = v.network().unwrap();
    /// let mut ws = Workspace::new(&net, 1);
    /// let loss = net.train_step(&v.x.data, &v.y.data, 0.01, &mut ws).unwrap();
    /// assert!((loss - 0.5932448719).abs() < 1e-9);
    /// assert!((net.w(1)[[0, 0]] - 0.09998016).abs() < 1e-8);
    /// ```
    pub fn train_step(&mut self, x: &Array2<f64>, y: &Array2<f64>, eta: f64, ws: &mut Workspace) -> Result<f64> {
        crate::workspace::train_step(self, x, y, eta, ws)
    }

    /// A network of layer widths `sizes` (`[n_0, n_1, ..., n_L]`) with weights drawn by `init`
    /// from `seed` (biases start at zero): the same seed gives the same network everywhere.
    ///
    /// ```
    /// use backprop::{Activation, Init, Loss, Network};
    /// let a = Network::init(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::Mse, Init::Xavier, 7).unwrap();
    /// let b = Network::init(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::Mse, Init::Xavier, 7).unwrap();
    /// assert_eq!(a, b);
    /// assert!(a.w(1).iter().all(|w| w.abs() <= (6.0f64 / 10.0).sqrt()));
    /// ```
    pub fn init(sizes: &[usize], activations: &[Activation], loss: Loss, init: Init, seed: u64) -> Result<Network> {
        let (weights, biases) = crate::init::draw(sizes, init, seed)?;
        Network::with_loss(weights, biases, activations.to_vec(), loss)
    }

    /// The parameters as JSON text: `{"W": [...], "b": [...], "activations": [...], "loss":
    /// "mse"}`, in the values file's layout, every number in the shortest form that reads back
    /// to the same f64.
    pub fn to_json(&self) -> String {
        crate::persist::to_json(self)
    }

    /// Reads parameters written by [`Network::to_json`]; `source` names the text in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Network> {
        crate::persist::from_json(text, source)
    }

    /// Saves the parameters to `path`, atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over `path`, so an interrupted save leaves the
    /// previous file whole.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::persist::save(self, path.as_ref())
    }

    /// Loads parameters saved by [`Network::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Network> {
        let (text, source) = crate::json::read_text(path.as_ref())?;
        Network::from_json(&text, &source)
    }
}

/// Refuses a learning rate that is not a positive finite number.
pub(crate) fn check_learning_rate(eta: f64) -> Result<()> {
    if eta.is_finite() && eta > 0.0 {
        Ok(())
    } else {
        Err(Error::Value {
            name: "learning_rate".into(),
            problem: format!("expected a positive finite number, got {eta}"),
        })
    }
}

impl Trace {
    /// L, the number of layers the pass went through.
    pub fn depth(&self) -> usize {
        self.z.len() - 1
    }

    /// m, the number of samples.
    pub fn samples(&self) -> usize {
        self.z[0].nrows()
    }

    /// z_l `(m, n_l)` for l from 0 (the input x) to L.
    #[track_caller]
    pub fn z(&self, l: usize) -> &Array2<f64> {
        &self.z[layer_index(l, 0, self.depth(), "z")]
    }

    /// a_l `(m, n_l)` for l from 0 (the input x) to L.
    #[track_caller]
    pub fn a(&self, l: usize) -> &Array2<f64> {
        &self.a[layer_index(l, 0, self.depth(), "a")]
    }

    /// a_L, the network's output.
    pub fn output(&self) -> &Array2<f64> {
        self.a.last().expect("a trace holds at least a0")
    }
}

impl Gradients {
    /// L, the number of layers.
    pub fn depth(&self) -> usize {
        self.delta.len()
    }

    /// m, the number of samples the gradients sum over.
    pub fn samples(&self) -> usize {
        self.dj_da.nrows()
    }

    /// dJ/da_L = a_L − y `(m, n_L)` for MSE; for the cross-entropies with their matching output
    /// layer, dJ/dz_L = a_L − y (and `df_dz(L)` is all ones).
    pub fn dj_da(&self) -> &Array2<f64> {
        &self.dj_da
    }

    /// f_l'(z_l) `(m, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn df_dz(&self, l: usize) -> &Array2<f64> {
        &self.df_dz[layer_index(l, 1, self.depth(), "f'(z)") - 1]
    }

    /// δ_l = dJ/dz_l `(m, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn delta(&self, l: usize) -> &Array2<f64> {
        &self.delta[layer_index(l, 1, self.depth(), "delta") - 1]
    }

    /// dJ/dW_l = a_{l-1}ᵀ δ_l `(n_{l-1}, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn dw(&self, l: usize) -> &Array2<f64> {
        &self.dw[layer_index(l, 1, self.depth(), "dJ/dW") - 1]
    }

    /// dJ/db_l, the column sums of δ_l as a column `(n_l, 1)`, for l from 1 to L.
    #[track_caller]
    pub fn db(&self, l: usize) -> &Array2<f64> {
        &self.db[layer_index(l, 1, self.depth(), "dJ/db") - 1]
    }
}
