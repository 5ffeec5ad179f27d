//! The network: dense layers, the forward pass that keeps its trace, backprop and the update,
//! each written once for the teaching path, and one function per equation of the chapter.
//!
//! Layers are numbered as in the chapter, 1 to L; the accessors take that number, so
//! `trace.z(1)` is z1 and `grads.delta(2)` is δ2. Index 0 of `z` and `a` is the input x.
//!
//! What comes in is checked once where it enters (the constructors, `forward`'s x,
//! `backward`'s trace and y, the per-equation functions a notebook calls; every check is in
//! `io::check`); the passes behind those checks trust it. The training step runs on its own
//! allocation-free code (`fast`), held to these passes by the tests.

use ndarray::{Array2, Axis, Zip};

use super::init::{self, Init};
use crate::error::{shape_str, Error, Result};
use crate::io::{check, Values};
use crate::math::{Activation, Loss};

/// One dense layer: `z_l = a_{l-1} W_l + b_l^T`, `a_l = f_l(z_l)`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layer {
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

/// What the forward pass keeps for backprop: every z and a, input included, and each layer's
/// product a_{l-1} W_l before its bias is added.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    aw: Vec<Array2<f64>>, // L of (m, n_l): a_{l-1} W_l
    z: Vec<Array2<f64>>,  // L + 1 of (m, n_l); z[0] = x
    a: Vec<Array2<f64>>,  // L + 1 of (m, n_l); a[0] = x
}

/// What backprop returns: for every layer dJ/da, f'(z) and δ = dJ/dz, and dJ/dW, dJ/db shaped
/// like W and b.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    dj_da: Vec<Array2<f64>>, // L of (m, n_l): dJ/da_l
    df_dz: Vec<Array2<f64>>, // L of (m, n_l): f_l'(z_l)
    delta: Vec<Array2<f64>>, // L of (m, n_l): δ_l = dJ/dz_l
    dw: Vec<Array2<f64>>,    // L of (n_{l-1}, n_l)
    db: Vec<Array2<f64>>,    // L of (n_l, 1)
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
        return Err(check::mismatch("W", w, (a_prev.ncols(), None), "a_prev", a_prev, "one row per column of"));
    }
    check::shape("b", b, (w.ncols(), 1), "a column with one entry per column of W")?;
    let (_, z, a) = forward_layer(a_prev, w, b, f);
    Ok((z, a))
}

/// `a_prev W`, `z = a_prev W + b^T` and `a = f(z)` on shapes already checked.
fn forward_layer(
    a_prev: &Array2<f64>,
    w: &Array2<f64>,
    b: &Array2<f64>,
    f: Activation,
) -> (Array2<f64>, Array2<f64>, Array2<f64>) {
    let aw = a_prev.dot(w);
    // the bias row broadcasts over the m samples
    let z = &aw + &b.t();
    let a = f.apply(&z);
    (aw, z, a)
}

/// The output layer's error with the chapter's MSE: `dJ/da_L = a_L − y`, `f_L'(z_L)`, and
/// `δ_L = dJ/da_L ⊙ f_L'(z_L)`, returned in that order, each `(m, n_L)`. The rule itself is
/// the loss's ([`Loss::dj_da`]), for every loss.
pub fn output_error(
    a: &Array2<f64>,
    y: &Array2<f64>,
    z: &Array2<f64>,
    f: Activation,
) -> Result<(Array2<f64>, Array2<f64>, Array2<f64>)> {
    check::shape("y", y, a.dim(), "the shape of a_L")?;
    check::shape("z", z, a.dim(), "the shape of a_L")?;
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
    let shape = |a: &Array2<f64>| shape_str(a.shape());
    check::shape(
        "W_next",
        w_next,
        (z.ncols(), delta_next.ncols()),
        &format!(
            "(n_l, n_{{l+1}}): one row per column of z {}, one column per column of delta_next {}",
            shape(z),
            shape(delta_next)
        ),
    )?;
    if delta_next.nrows() != z.nrows() {
        return Err(check::mismatch(
            "delta_next",
            delta_next,
            (z.nrows(), Some(w_next.ncols())),
            "z",
            z,
            "one row per sample of",
        ));
    }
    let df_dz = f.derivative(z);
    let (_, delta) = hidden_delta(delta_next, w_next, &df_dz);
    Ok((df_dz, delta))
}

/// `dJ/da_l = δ_{l+1} W_{l+1}^T` and `δ_l = dJ/da_l ⊙ f_l'(z_l)` on shapes already checked.
fn hidden_delta(delta_next: &Array2<f64>, w_next: &Array2<f64>, df_dz: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let dj_da = delta_next.dot(&w_next.t());
    let delta = &dj_da * df_dz;
    (dj_da, delta)
}

/// `dJ/dW_l = a_{l-1}^T δ_l` `(n_{l-1}, n_l)`: the m samples' outer products, summed.
pub fn weight_gradient(a_prev: &Array2<f64>, delta: &Array2<f64>) -> Result<Array2<f64>> {
    if delta.nrows() != a_prev.nrows() {
        return Err(check::mismatch("delta", delta, (a_prev.nrows(), None), "a_prev", a_prev, "one row per sample of"));
    }
    Ok(a_prev.t().dot(delta))
}

/// `dJ/db_l`: the column sums of δ_l (the sum over the samples), as a column `(n_l, 1)`.
pub fn bias_gradient(delta: &Array2<f64>) -> Array2<f64> {
    delta.sum_axis(Axis(0)).insert_axis(Axis(1))
}

/// The SGD update of one parameter: `param − (eta/m) · grad`, m the number of samples the
/// gradient sums over. `eta` must be a positive finite number.
pub fn update(param: &Array2<f64>, grad: &Array2<f64>, eta: f64, m: usize) -> Result<Array2<f64>> {
    check::learning_rate(eta)?;
    check::shape("grad", grad, param.dim(), "the shape of the parameter")?;
    check::at_least_one("m", m)?;
    let factor = update_factor(eta, m);
    Ok(Zip::from(param).and(grad).map_collect(|&p, &g| update_entry(p, factor, g)))
}

/// η/m, the factor of every SGD update: the chapter's `(n/m)*dLdW` takes the factor first, so
/// the numbers match numpy's bit for bit.
pub(crate) fn update_factor(eta: f64, m: usize) -> f64 {
    eta / m as f64
}

/// The update of one parameter, the one place it is written: `p − (η/m) g`. (On large layers
/// the training step folds the same subtraction into the product aᵀδ; see `fast`.)
#[inline]
pub(crate) fn update_entry(param: f64, factor: f64, grad: f64) -> f64 {
    param - factor * grad
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
        check::parameters(&weights.iter().collect::<Vec<_>>(), &biases.iter().collect::<Vec<_>>(), &activations, loss)?;
        let layers = weights
            .into_iter()
            .zip(biases)
            .zip(activations)
            .map(|((w, b), activation)| Layer { w, b, activation })
            .collect();
        Ok(Network { layers, loss })
    }

    /// The chapter's network: every layer a sigmoid.
    pub fn sigmoid(weights: Vec<Array2<f64>>, biases: Vec<Array2<f64>>) -> Result<Network> {
        let depth = weights.len();
        Network::new(weights, biases, vec![Activation::Sigmoid; depth])
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
        let (weights, biases) = init::draw(sizes, init, seed)?;
        Network::with_loss(weights, biases, activations.to_vec(), loss)
    }

    /// The cost this network is trained against.
    pub fn loss(&self) -> Loss {
        self.loss
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
        &self.layers[check::layer_index(l, 1, self.depth(), "W") - 1].w
    }

    /// b_l, for l from 1 to L.
    #[track_caller]
    pub fn b(&self, l: usize) -> &Array2<f64> {
        &self.layers[check::layer_index(l, 1, self.depth(), "b") - 1].b
    }

    /// f_l, for l from 1 to L.
    #[track_caller]
    pub fn activation(&self, l: usize) -> Activation {
        self.layers[check::layer_index(l, 1, self.depth(), "activation") - 1].activation
    }

    /// Checks a batch against this network where it enters (see `io::check::batch`).
    pub(crate) fn check_batch(&self, x: &Array2<f64>, y: Option<&Array2<f64>>) -> Result<()> {
        let depth = self.depth();
        check::batch(&self.layers[0].w, &self.layers[depth - 1].w, depth, x, y)
    }

    /// The forward pass over a batch `x` `(m, n_0)`, keeping every z and a.
    pub fn forward(&self, x: &Array2<f64>) -> Result<Trace> {
        self.check_batch(x, None)?;
        Ok(self.pass(x))
    }

    /// The forward pass on an x already checked.
    pub(crate) fn pass(&self, x: &Array2<f64>) -> Trace {
        let mut aw = Vec::with_capacity(self.depth());
        let mut z = vec![x.clone()];
        let mut a = vec![x.clone()];
        for layer in &self.layers {
            let (awl, zl, al) = forward_layer(a.last().expect("a holds a0"), &layer.w, &layer.b, layer.activation);
            aw.push(awl);
            z.push(zl);
            a.push(al);
        }
        Trace { aw, z, a }
    }

    /// The output a_L for a batch `x`, keeping nothing else.
    pub fn predict(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        self.check_batch(x, None)?;
        let mut a = x.clone();
        for layer in &self.layers {
            a = forward_layer(&a, &layer.w, &layer.b, layer.activation).2;
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
        // loss's rule), then each delta_l from delta_{l+1}.
        let empty = || vec![Array2::zeros((0, 0)); depth];
        let (mut dj_da, mut df_dz, mut delta) = (empty(), empty(), empty());
        let out = self.layers[depth - 1].activation;
        (dj_da[depth - 1], df_dz[depth - 1], delta[depth - 1]) =
            self.loss.output_error(out, &trace.z[depth], trace.output(), y);
        for l in (1..depth).rev() {
            df_dz[l - 1] = self.layers[l - 1].activation.derivative(&trace.z[l]);
            (dj_da[l - 1], delta[l - 1]) = hidden_delta(&delta[l], &self.layers[l].w, &df_dz[l - 1]);
        }
        let dw = (1..=depth).map(|l| trace.a[l - 1].t().dot(&delta[l - 1])).collect();
        let db = delta.iter().map(bias_gradient).collect();
        Gradients { dj_da, df_dz, delta, dw, db }
    }

    /// One SGD update in place: `W_l ← W_l − (eta/m) dJ/dW_l`, `b_l ← b_l − (eta/m) dJ/db_l`.
    ///
    /// `eta` must be a positive finite number, and the gradients must be shaped like this
    /// network's parameters.
    ///
    /// ```
    /// use backprop::Values;
    /// let v = Values::chapter();
    /// let mut net = v.network().unwrap();
    /// let grads = net.backward(&net.forward(v.x()).unwrap(), v.y()).unwrap();
    /// net.update(&grads, 0.01).unwrap();
    /// assert!((net.w(1)[[0, 0]] - 0.09998016).abs() < 1e-8);
    /// ```
    pub fn update(&mut self, grads: &Gradients, eta: f64) -> Result<()> {
        check::learning_rate(eta)?;
        let shapes = |f: fn(&Layer) -> (usize, usize)| self.layers.iter().map(f).collect::<Vec<_>>();
        check::gradients(&shapes(|l| l.w.dim()), &shapes(|l| l.b.dim()), &grads.dw, &grads.db)?;
        self.update_checked(grads, eta);
        Ok(())
    }

    /// The update on gradients already checked to be this network's.
    pub(crate) fn update_checked(&mut self, grads: &Gradients, eta: f64) {
        let factor = update_factor(eta, grads.samples());
        for (layer, (dw, db)) in self.layers.iter_mut().zip(grads.dw.iter().zip(&grads.db)) {
            layer.w.zip_mut_with(dw, |p, &g| *p = update_entry(*p, factor, g));
            layer.b.zip_mut_with(db, |p, &g| *p = update_entry(*p, factor, g));
        }
    }
}

impl Values {
    /// The network these values describe (checked when the values were made).
    pub fn network(&self) -> Result<Network> {
        let depth = self.depth();
        Network::with_loss(
            (1..=depth).map(|l| self.w(l).to_owned()).collect(),
            (1..=depth).map(|l| self.b(l).to_owned()).collect(),
            (1..=depth).map(|l| self.activation(l)).collect(),
            self.loss(),
        )
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
        &self.z[check::layer_index(l, 0, self.depth(), "z")]
    }

    /// a_l `(m, n_l)` for l from 0 (the input x) to L.
    #[track_caller]
    pub fn a(&self, l: usize) -> &Array2<f64> {
        &self.a[check::layer_index(l, 0, self.depth(), "a")]
    }

    /// a_{l-1} W_l `(m, n_l)`, layer l's product before its bias, for l from 1 to L.
    #[track_caller]
    pub fn aw(&self, l: usize) -> &Array2<f64> {
        &self.aw[check::layer_index(l, 1, self.depth(), "a W") - 1]
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
        self.delta[0].nrows()
    }

    /// dJ/da_l `(m, n_l)` for l from 1 to L: δ_{l+1} W_{l+1}ᵀ for a hidden layer, and for the
    /// output layer the loss's own derivative ([`Loss::dj_da`]), a_L − y for MSE.
    #[track_caller]
    pub fn dj_da(&self, l: usize) -> &Array2<f64> {
        &self.dj_da[check::layer_index(l, 1, self.depth(), "dJ/da") - 1]
    }

    /// f_l'(z_l) `(m, n_l)` for l from 1 to L (for a softmax output, the diagonal of its
    /// Jacobian).
    #[track_caller]
    pub fn df_dz(&self, l: usize) -> &Array2<f64> {
        &self.df_dz[check::layer_index(l, 1, self.depth(), "f'(z)") - 1]
    }

    /// δ_l = dJ/dz_l `(m, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn delta(&self, l: usize) -> &Array2<f64> {
        &self.delta[check::layer_index(l, 1, self.depth(), "delta") - 1]
    }

    /// dJ/dW_l = a_{l-1}ᵀ δ_l `(n_{l-1}, n_l)` for l from 1 to L.
    #[track_caller]
    pub fn dw(&self, l: usize) -> &Array2<f64> {
        &self.dw[check::layer_index(l, 1, self.depth(), "dJ/dW") - 1]
    }

    /// dJ/db_l, the column sums of δ_l as a column `(n_l, 1)`, for l from 1 to L.
    #[track_caller]
    pub fn db(&self, l: usize) -> &Array2<f64> {
        &self.db[check::layer_index(l, 1, self.depth(), "dJ/db") - 1]
    }

    /// dJ/dW_l to change in place, for l from 1 to L: to see what the gradient check says of a
    /// gradient that is wrong.
    #[track_caller]
    pub fn dw_mut(&mut self, l: usize) -> &mut Array2<f64> {
        let depth = self.depth();
        &mut self.dw[check::layer_index(l, 1, depth, "dJ/dW") - 1]
    }

    /// Every dJ/dW_l and dJ/db_l, layer 1 first.
    pub(crate) fn parameters(&self) -> (&[Array2<f64>], &[Array2<f64>]) {
        (&self.dw, &self.db)
    }
}
