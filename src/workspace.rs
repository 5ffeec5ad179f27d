//! The training step without allocation: forward, backprop and the SGD update into buffers
//! kept from step to step, for training loops and benchmarks.
//!
//! [`Network::forward`], [`Network::backward`] and [`Network::updated`] return fresh arrays,
//! which suits teaching (every intermediate can be printed) but allocates on every step; for
//! the 3-2-2 network that allocation is most of the time, and on large layers fresh
//! temporaries page-fault. [`Network::train_step`] computes the same numbers into a
//! [`Workspace`]: small products (up to [`SMALL`] multiply-adds) run in plain loops, where
//! a general GEMM's set-up would dominate, larger ones through ndarray's `general_mat_mul`.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::activation::Activation;
use crate::error::{ensure_finite, shape_str, Error, Result};
use crate::loss::Loss;
use crate::network::{check_learning_rate, Network};

/// Products of at most this many multiply-adds (m · k · n) run in plain loops.
pub const SMALL: usize = 4096;

/// Buffers for one training step of a network on batches of m samples.
#[derive(Clone, Debug)]
pub struct Workspace {
    m: usize,
    z: Vec<Array2<f64>>,     // L of (m, n_l)
    a: Vec<Array2<f64>>,     // L of (m, n_l); a_0 is the caller's x
    delta: Vec<Array2<f64>>, // L of (m, n_l)
    dw: Vec<Array2<f64>>,    // L of (n_{l-1}, n_l)
    db: Vec<Array2<f64>>,    // L of (n_l, 1)
}

impl Workspace {
    /// Buffers for `net` on batches of `m` samples.
    pub fn new(net: &Network, m: usize) -> Workspace {
        let sizes = net.sizes();
        let per_layer = |rows: usize| (1..sizes.len()).map(|l| Array2::zeros((rows, sizes[l]))).collect::<Vec<_>>();
        Workspace {
            m,
            z: per_layer(m),
            a: per_layer(m),
            delta: per_layer(m),
            dw: (1..sizes.len()).map(|l| Array2::zeros((sizes[l - 1], sizes[l]))).collect(),
            db: (1..sizes.len()).map(|l| Array2::zeros((sizes[l], 1))).collect(),
        }
    }

    /// dJ/dW_l of the last step (l from 1), before the update.
    pub fn dw(&self, l: usize) -> &Array2<f64> {
        &self.dw[l - 1]
    }

    /// dJ/db_l of the last step (l from 1), before the update.
    pub fn db(&self, l: usize) -> &Array2<f64> {
        &self.db[l - 1]
    }
}

/// C = A · B, or with `transpose_a` C = Aᵀ · B; `b` may be a transposed view.
fn gemm(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>, c: &mut ArrayViewMut2<'_, f64>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m * k * n > SMALL {
        general_mat_mul(1.0, &a, &b, 0.0, c);
        return;
    }
    for i in 0..m {
        for j in 0..n {
            let mut sum = 0.0;
            for p in 0..k {
                sum += a[[i, p]] * b[[p, j]];
            }
            c[[i, j]] = sum;
        }
    }
}

impl Network {
    /// One full training step on the batch `x` `(m, n_0)`, `y` `(m, n_L)`: forward, backprop
    /// and the update `W ← W − (η/m) dJ/dW` (and b), with every intermediate kept in `ws`.
    /// Returns the loss of the forward pass, before the update. The same numbers as
    /// `forward`, `backward` and `step`, up to the order of floating-point sums.
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
        check_learning_rate(eta)?;
        let depth = self.depth();
        let m = ws.m;
        // checked without allocating: this runs on every step
        let fits = ws.z.len() == depth && (1..=depth).all(|l| ws.z[l - 1].dim() == (m, self.w(l).ncols()));
        if !fits {
            return Err(Error::Shape {
                name: "workspace".into(),
                expected: format!("one made by Workspace::new for layer sizes {:?}", self.sizes()),
                actual: format!("one for layer sizes {:?}", ws.z.iter().map(|z| z.ncols()).collect::<Vec<_>>()),
            });
        }
        let (n0, n_out) = (self.w(1).nrows(), self.w(depth).ncols());
        if x.dim() != (m, n0) {
            return Err(Error::Shape {
                name: "x".into(),
                expected: format!("({m}, {n0}), the workspace's batch and W1's rows"),
                actual: shape_str(x.shape()),
            });
        }
        if y.dim() != (m, n_out) {
            return Err(Error::Shape {
                name: "y".into(),
                expected: format!("({m}, {n_out}), one row per sample, one column per output"),
                actual: shape_str(y.shape()),
            });
        }
        let small = self.layers.iter().all(|layer| m * layer.w.len() <= SMALL)
            && self.layers[depth - 1].activation != Activation::Softmax;
        let finite = |v: &[f64]| v.iter().all(|v| v.is_finite());
        if let (true, Some(xs), Some(ys)) = (small, x.as_slice(), y.as_slice()) {
            if !(finite(xs) && finite(ys)) {
                // name the first bad element
                ensure_finite("x", x)?;
                ensure_finite("y", y)?;
            }
            let loss = self.small_step(xs, y, ys, eta / m as f64, ws);
            if !loss.is_finite() {
                return Err(Error::Value {
                    name: "loss".into(),
                    problem: format!("expected a finite loss, got {loss}"),
                });
            }
            return Ok(loss);
        }
        ensure_finite("x", x)?;
        ensure_finite("y", y)?;

        // forward: z_l = a_{l-1} W_l + b_l^T, a_l = f_l(z_l)
        for l in 1..=depth {
            let (before, rest) = ws.a.split_at_mut(l - 1);
            let a_prev = if l == 1 { x.view() } else { before[l - 2].view() };
            let z = &mut ws.z[l - 1];
            gemm(a_prev, self.w(l).view(), &mut z.view_mut());
            let b = self.b(l);
            for mut row in z.rows_mut() {
                row.zip_mut_with(&b.column(0), |zj, bj| *zj += bj);
            }
            self.activation(l).forward_into(z, &mut rest[0]);
        }
        let loss = self.loss().value(&ws.a[depth - 1], y);

        // backward, in the reverse order of the forward pass
        let out = &mut ws.delta[depth - 1];
        let f = self.activation(depth);
        match self.loss() {
            Loss::Mse => ndarray::Zip::from(&mut *out)
                .and(&ws.a[depth - 1])
                .and(y)
                .and(&ws.z[depth - 1])
                .for_each(|d, &a, &y, &z| *d = (a - y) * f.derivative_at(z, a)),
            _ => ndarray::Zip::from(&mut *out).and(&ws.a[depth - 1]).and(y).for_each(|d, &a, &y| *d = a - y),
        }
        for l in (1..depth).rev() {
            // delta_l = (delta_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)
            let (lower, upper) = ws.delta.split_at_mut(l);
            gemm(upper[0].view(), self.w(l + 1).t(), &mut lower[l - 1].view_mut());
            let f = self.activation(l);
            ndarray::Zip::from(&mut lower[l - 1])
                .and(&ws.z[l - 1])
                .and(&ws.a[l - 1])
                .for_each(|d, &z, &a| *d *= f.derivative_at(z, a));
        }
        for l in 1..=depth {
            // dJ/dW_l = a_{l-1}^T delta_l, dJ/db_l = column sums of delta_l
            let a_prev = if l == 1 { x.view() } else { ws.a[l - 2].view() };
            gemm(a_prev.t(), ws.delta[l - 1].view(), &mut ws.dw[l - 1].view_mut());
            let mut db = ws.db[l - 1].column_mut(0);
            db.fill(0.0);
            for row in ws.delta[l - 1].rows() {
                db += &row;
            }
        }

        // the update, as the chapter writes it: the factor first
        let factor = eta / m as f64;
        self.apply_update(&ws.dw, &ws.db, factor);
        if !loss.is_finite() {
            return Err(Error::Value { name: "loss".into(), problem: format!("expected a finite loss, got {loss}") });
        }
        Ok(loss)
    }
}

/// A buffer or parameter as its row-major slice (all are standard layout: made here, or
/// checked before the small path is taken).
fn slice(a: &Array2<f64>) -> &[f64] {
    a.as_slice().expect("standard layout")
}

impl Network {
    /// The whole step on flat row-major slices, for small layers: no views, no dispatch, so
    /// that the 3-2-2 network's step costs little more than its four `exp`s.
    fn small_step(&mut self, x: &[f64], y_arr: &Array2<f64>, y: &[f64], factor: f64, ws: &mut Workspace) -> f64 {
        let depth = self.layers.len();
        let m = ws.m;
        // forward: z = a_prev W + b^T, a = f(z)
        for l in 0..depth {
            let layer = &self.layers[l];
            let (k, n) = layer.w.dim();
            let (w, b) = (slice(&layer.w), slice(&layer.b));
            let (before, rest) = ws.a.split_at_mut(l);
            let a_prev = if l == 0 { x } else { slice(&before[l - 1]) };
            let z = ws.z[l].as_slice_mut().expect("standard layout");
            let a = rest[0].as_slice_mut().expect("standard layout");
            for i in 0..m {
                for j in 0..n {
                    let mut sum = 0.0;
                    for p in 0..k {
                        sum += a_prev[i * k + p] * w[p * n + j];
                    }
                    z[i * n + j] = sum + b[j];
                    a[i * n + j] = layer.activation.apply(z[i * n + j]);
                }
            }
        }
        // the loss, and delta_L
        let out = &self.layers[depth - 1];
        let (a, z) = (slice(&ws.a[depth - 1]), slice(&ws.z[depth - 1]));
        let mut squared = 0.0;
        let delta = ws.delta[depth - 1].as_slice_mut().expect("standard layout");
        for (e, d) in delta.iter_mut().enumerate() {
            let error = a[e] - y[e];
            squared += error * error;
            *d = match self.loss() {
                Loss::Mse => error * out.activation.derivative_at(z[e], a[e]),
                _ => error,
            };
        }
        let loss = match self.loss() {
            Loss::Mse => squared / (2.0 * m as f64),
            other => other.value(&ws.a[depth - 1], y_arr),
        };
        // delta_l = (delta_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)
        for l in (0..depth - 1).rev() {
            let next = &self.layers[l + 1];
            let (k, n) = next.w.dim();
            let w = slice(&next.w);
            let (lower, upper) = ws.delta.split_at_mut(l + 1);
            let (d_next, d) = (slice(&upper[0]), lower[l].as_slice_mut().expect("standard layout"));
            let (z, a) = (slice(&ws.z[l]), slice(&ws.a[l]));
            let f = self.layers[l].activation;
            for i in 0..m {
                for p in 0..k {
                    let mut sum = 0.0;
                    for j in 0..n {
                        sum += d_next[i * n + j] * w[p * n + j];
                    }
                    d[i * k + p] = sum * f.derivative_at(z[i * k + p], a[i * k + p]);
                }
            }
        }
        // dJ/dW = a_prev^T delta, dJ/db = column sums of delta, and the update
        for l in 0..depth {
            let (k, n) = self.layers[l].w.dim();
            let a_prev = if l == 0 { x } else { slice(&ws.a[l - 1]) };
            let d = slice(&ws.delta[l]);
            let dw = ws.dw[l].as_slice_mut().expect("standard layout");
            let db = ws.db[l].as_slice_mut().expect("standard layout");
            for p in 0..k {
                for j in 0..n {
                    let mut sum = 0.0;
                    for i in 0..m {
                        sum += a_prev[i * k + p] * d[i * n + j];
                    }
                    dw[p * n + j] = sum;
                }
            }
            for (j, g) in db.iter_mut().enumerate() {
                *g = (0..m).map(|i| d[i * n + j]).sum();
            }
            // the update fused into this layer's pass: calling Network::apply_update after the
            // loop, as the general path does, measured 0.12 us per 3-2-2 step against 0.11
            let layer = &mut self.layers[l];
            layer
                .w
                .as_slice_mut()
                .expect("standard layout")
                .iter_mut()
                .zip(dw.iter())
                .for_each(|(w, g)| *w -= factor * g);
            layer
                .b
                .as_slice_mut()
                .expect("standard layout")
                .iter_mut()
                .zip(db.iter())
                .for_each(|(b, g)| *b -= factor * g);
        }
        loss
    }
}
