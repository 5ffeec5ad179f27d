//! Proving the gradients right: backprop against central finite differences, for every weight
//! and bias, and against the chain rule written out weight by weight in loops.

use ndarray::{Array2, ArrayView1, ArrayViewMut1};

use super::network::{Gradients, Network, Trace};
use super::param::Param;
use super::step::Step;
use crate::error::{Error, Result};
use crate::io::check;
use crate::math::{softmax_row, Activation};

/// Gradients smaller than this are compared on this scale: below it, the finite differences'
/// rounding noise (about 1e-13 here) would dominate a relative error.
pub const FLOOR: f64 = 1e-4;

/// |a − b| / max(|a|, |b|, FLOOR).
pub fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(FLOOR)
}

/// What a gradient check found for one parameter matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamCheck {
    /// `W1`, `b2`, ...
    pub name: String,
    /// The largest relative error over its entries.
    pub max_relative_error: f64,
    /// Where it is: (row, column).
    pub at: (usize, usize),
}

/// The result of [`gradient_check`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    /// One entry per W_l and b_l, in the order W1, b1, W2, b2, ...
    pub params: Vec<ParamCheck>,
    /// How many weights and biases, when nudged, moved a ReLU-like pre-activation across its
    /// kink at 0: there finite differences straddle a corner and cannot agree with a
    /// derivative, so those entries are left out of the errors above.
    pub near_kinks: usize,
}

impl GradCheck {
    /// The largest relative error over every weight and bias.
    pub fn max_relative_error(&self) -> f64 {
        self.params.iter().map(|p| p.max_relative_error).fold(0.0, f64::max)
    }
}

/// Compares backprop's dJ/dW and dJ/db (divided by m: backprop sums over the samples, J
/// averages) with central finite differences of the network's loss J, refined by Richardson
/// extrapolation: D = (4 D(h/2) − D(h)) / 3 with h = 1e-3, accurate to O(h⁴).
///
/// ```
/// let v = backprop::Values::chapter();
/// let check = backprop::gradient_check(&v.network().unwrap(), v.x(), v.y()).unwrap();
/// assert!(check.max_relative_error() < 1e-6);
/// ```
pub fn gradient_check(net: &Network, x: &Array2<f64>, y: &Array2<f64>) -> Result<GradCheck> {
    net.check_batch(x, Some(y))?;
    let trace = net.pass(x);
    let grads = net.backprop(&trace, y);
    compare(net, x, y, &trace, &grads)
}

/// [`gradient_check`] on a pass and gradients already computed from checked input.
pub(crate) fn compare(
    net: &Network,
    x: &Array2<f64>,
    y: &Array2<f64>,
    trace: &Trace,
    grads: &Gradients,
) -> Result<GradCheck> {
    let (dw, db) = grads.parameters();
    compare_with(net, x, y, trace, &dw.iter().collect::<Vec<_>>(), &db.iter().collect::<Vec<_>>())
}

/// Compares the given gradients (dJ/dW_l and dJ/db_l summed over the samples, as
/// [`Network::backward`] gives them, perhaps changed since: see [`Gradients::dw_mut`]) with
/// finite differences, as [`gradient_check`] does for backprop's own.
///
/// ```
/// use backprop::{gradcheck::check_gradients, Values};
/// let v = Values::chapter();
/// let net = v.network().unwrap();
/// let mut grads = net.backward(&net.forward(v.x()).unwrap(), v.y()).unwrap();
/// assert!(check_gradients(&net, v.x(), v.y(), &grads).unwrap().max_relative_error() < 1e-6);
/// // a gradient 0.1% off is caught
/// grads.dw_mut(2).mapv_inplace(|g| g * 1.001);
/// assert!(check_gradients(&net, v.x(), v.y(), &grads).unwrap().max_relative_error() > 5e-4);
/// ```
pub fn check_gradients(net: &Network, x: &Array2<f64>, y: &Array2<f64>, grads: &Gradients) -> Result<GradCheck> {
    net.check_batch(x, Some(y))?;
    let shapes =
        |f: fn(&Network, usize) -> &Array2<f64>| (1..=net.depth()).map(|l| f(net, l).dim()).collect::<Vec<_>>();
    let (dw, db) = grads.parameters();
    check::gradients(&shapes(Network::w), &shapes(Network::b), dw, db)?;
    let trace = net.pass(x);
    compare_with(net, x, y, &trace, &dw.iter().collect::<Vec<_>>(), &db.iter().collect::<Vec<_>>())
}

/// The comparison itself, on checked input: each entry of each W_l and b_l nudged in place in
/// one copy of the network, J evaluated by a forward pass, and the entry put back.
fn compare_with(
    net: &Network,
    x: &Array2<f64>,
    y: &Array2<f64>,
    trace: &Trace,
    dw: &[&Array2<f64>],
    db: &[&Array2<f64>],
) -> Result<GradCheck> {
    let m = x.nrows() as f64;
    let depth = net.depth();
    let loss = net.loss();
    let kinked: Vec<bool> =
        (1..=depth).map(|l| matches!(net.activation(l), Activation::Relu | Activation::LeakyRelu)).collect();
    let signs = |t: &Trace| -> Vec<bool> {
        (1..=depth)
            .filter(|&l| kinked[l - 1])
            .flat_map(|l| t.z(l).iter().map(|z| *z > 0.0).collect::<Vec<_>>())
            .collect()
    };
    let base_signs = signs(trace);
    let mut near_kinks = 0;
    let mut nudged = net.clone();
    let mut params = Vec::new();
    for l in 0..depth {
        for is_bias in [false, true] {
            let analytic = if is_bias { db[l] } else { dw[l] };
            let name = format!("{}{}", if is_bias { "b" } else { "W" }, l + 1);
            let mut worst = ParamCheck { name, max_relative_error: 0.0, at: (0, 0) };
            for ((i, j), &g) in analytic.indexed_iter() {
                // J with entry (i, j) set to v, and whether any ReLU input changed side on the way
                let mut loss_at = |v: f64| -> (f64, bool) {
                    let layer = &mut nudged.layers[l];
                    let entry = if is_bias { &mut layer.b[[i, j]] } else { &mut layer.w[[i, j]] };
                    let original = std::mem::replace(entry, v);
                    let t = nudged.pass(x);
                    let layer = &mut nudged.layers[l];
                    *(if is_bias { &mut layer.b[[i, j]] } else { &mut layer.w[[i, j]] }) = original;
                    (loss.value(t.output(), y), signs(&t) != base_signs)
                };
                let original = if is_bias { net.b(l + 1)[[i, j]] } else { net.w(l + 1)[[i, j]] };
                let (numeric, crossed) = richardson(original, &mut loss_at);
                if crossed {
                    near_kinks += 1;
                    continue;
                }
                let err = relative_error(g / m, numeric);
                if !err.is_finite() {
                    return Err(Error::Value {
                        name: format!("{}[{i}][{j}]", worst.name),
                        problem: format!("the loss is not finite near it (numeric gradient {numeric})"),
                    });
                }
                if err > worst.max_relative_error {
                    worst.max_relative_error = err;
                    worst.at = (i, j);
                }
            }
            params.push(worst);
        }
    }
    Ok(GradCheck { params, near_kinks })
}

/// dJ/dW_l and dJ/db_l worked out in loops, by [`gradients_by_loops`].
#[derive(Clone, Debug, PartialEq)]
pub struct LoopGradients {
    dw: Vec<Array2<f64>>, // L of (n_{l-1}, n_l)
    db: Vec<Array2<f64>>, // L of (n_l, 1)
}

impl LoopGradients {
    /// dJ/dW_l, summed over the samples, for l from 1 to L.
    #[track_caller]
    pub fn dw(&self, l: usize) -> &Array2<f64> {
        &self.dw[check::layer_index(l, 1, self.dw.len(), "dJ/dW") - 1]
    }

    /// dJ/db_l, summed over the samples, for l from 1 to L.
    #[track_caller]
    pub fn db(&self, l: usize) -> &Array2<f64> {
        &self.db[check::layer_index(l, 1, self.db.len(), "dJ/db") - 1]
    }
}

/// Backprop without matrices: the chain rule written out neuron by neuron and weight by
/// weight, one sample at a time, as the chapter's "non-vectorized solution" does it.
/// Returns dJ/dW_l and dJ/db_l for l = 1..L, summed over the samples like
/// [`Network::backward`]'s.
///
/// ```
/// let v = backprop::Values::chapter();
/// let net = v.network().unwrap();
/// let loops = backprop::gradcheck::gradients_by_loops(&net, v.x(), v.y()).unwrap();
/// let grads = net.backward(&net.forward(v.x()).unwrap(), v.y()).unwrap();
/// assert!((loops.dw(1)[[2, 1]] - grads.dw(1)[[2, 1]]).abs() < 1e-15);
/// ```
pub fn gradients_by_loops(net: &Network, x: &Array2<f64>, y: &Array2<f64>) -> Result<LoopGradients> {
    // the same checks as the vectorized pass, so both refuse the same inputs
    net.check_batch(x, Some(y))?;
    let depth = net.depth();
    let sizes = net.sizes();
    let mut dw: Vec<Array2<f64>> = (1..=depth).map(|l| Array2::zeros(net.w(l).dim())).collect();
    let mut db: Vec<Array2<f64>> = (1..=depth).map(|l| Array2::zeros(net.b(l).dim())).collect();
    for s in 0..x.nrows() {
        // forward: z_j = b_j + Σ_i a_i w_ij, a_j = f(z_j), layer by layer
        let mut z: Vec<Vec<f64>> = vec![x.row(s).to_vec()];
        let mut a: Vec<Vec<f64>> = vec![x.row(s).to_vec()];
        for l in 1..=depth {
            let (w, b) = (net.w(l), net.b(l));
            let mut zl = vec![0.0; sizes[l]];
            for (j, zj) in zl.iter_mut().enumerate() {
                *zj = b[[j, 0]];
                for i in 0..sizes[l - 1] {
                    *zj += a[l - 1][i] * w[[i, j]];
                }
            }
            let al = if net.activation(l) == Activation::Softmax {
                let mut al = vec![0.0; zl.len()];
                softmax_row(ArrayView1::from(&zl[..]), ArrayViewMut1::from(&mut al[..]));
                al
            } else {
                zl.iter().map(|&v| net.activation(l).at(v)).collect()
            };
            z.push(zl);
            a.push(al);
        }
        // backward: the output neuron's error, then each hidden neuron's from the ones it feeds
        let mut delta: Vec<f64> = (0..sizes[depth])
            .map(|j| {
                // the loss's own rule: (a - y) f'(z) for MSE, a - y for a matched cross-entropy
                net.loss().delta_at(net.activation(depth), z[depth][j], a[depth][j], y[[s, j]])
            })
            .collect();
        for l in (1..=depth).rev() {
            // dJ/dw_ij = a_i δ_j and dJ/db_j = δ_j, for this sample
            for j in 0..sizes[l] {
                db[l - 1][[j, 0]] += delta[j];
                for i in 0..sizes[l - 1] {
                    dw[l - 1][[i, j]] += a[l - 1][i] * delta[j];
                }
            }
            if l > 1 {
                let w = net.w(l);
                delta = (0..sizes[l - 1])
                    .map(|i| {
                        let mut back = 0.0;
                        for j in 0..sizes[l] {
                            back += w[[i, j]] * delta[j];
                        }
                        back * net.activation(l - 1).df_from(z[l - 1][i], a[l - 1][i])
                    })
                    .collect();
            }
        }
    }
    Ok(LoopGradients { dw, db })
}

/// dJ/d(param) of `net` on the batch `x`, `y` (checked), by central finite differences of its
/// loss refined as in [`gradient_check`] (J averages over the samples: multiply by m to compare
/// with backprop's sums).
pub(crate) fn numeric_gradient(net: &Network, x: &Array2<f64>, y: &Array2<f64>, param: Param) -> f64 {
    let mut net = net.clone();
    let loss = net.loss();
    let (l, i, j) = (param.layer - 1, param.row, param.col);
    let original = if param.bias { net.layers[l].b[[i, 0]] } else { net.layers[l].w[[i, j]] };
    let at = |v: f64| -> (f64, bool) {
        let layer = &mut net.layers[l];
        *(if param.bias { &mut layer.b[[i, 0]] } else { &mut layer.w[[i, j]] }) = v;
        (loss.value(net.pass(x).output(), y), false)
    };
    richardson(original, at).0
}

/// The derivative at `original` of the function `j` (a loss, and whether a ReLU input crossed
/// its kink on the way): central differences with h and h/2, h = 1e-3, refined by Richardson
/// extrapolation, (4 D(h/2) − D(h)) / 3, accurate to O(h⁴); and whether any evaluation crossed.
fn richardson(original: f64, mut j: impl FnMut(f64) -> (f64, bool)) -> (f64, bool) {
    let mut diff = |h: f64| -> (f64, bool) {
        let (up, crossed_up) = j(original + h);
        let (down, crossed_down) = j(original - h);
        ((up - down) / (2.0 * h), crossed_up || crossed_down)
    };
    let h = 1e-3;
    let ((wide, crossed_wide), (narrow, crossed_narrow)) = (diff(h), diff(h / 2.0));
    ((4.0 * narrow - wide) / 3.0, crossed_wide || crossed_narrow)
}

impl Step {
    /// This step's gradients against central finite differences of the loss, for every
    /// weight and bias (see [`gradient_check`]).
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// assert!(step.gradient_check().unwrap().max_relative_error() < 1e-6);
    /// ```
    pub fn gradient_check(&self) -> Result<GradCheck> {
        let values = self.values();
        compare(self.network(), values.x(), values.y(), self.trace(), self.gradients())
    }
}
