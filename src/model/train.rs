//! Training: the chapter's update repeated over many epochs, full-batch or in seeded
//! mini-batches, with the loss of every epoch recorded. Every epoch runs on the
//! allocation-free step of a [`Workspace`], the same step `Network::train_batch` takes.

use std::ops::ControlFlow;

use ndarray::{Array2, ArrayView2};

use super::network::{update_factor, Network};
use super::rng::Rng;
use crate::error::{Error, Result};
use crate::fast::{self, Workspace};
use crate::io::check;

/// How to train.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Training {
    /// Passes over the whole data set.
    pub epochs: usize,
    /// η, as in the chapter's `W - (η/m) dJ/dW`.
    pub learning_rate: f64,
    /// Samples per update; `None` is the chapter's full batch (one update per epoch).
    pub batch_size: Option<usize>,
    /// Seeds the shuffle of the samples before each epoch's mini-batches.
    pub seed: u64,
}

impl Training {
    /// Full-batch training: the chapter's update, once per epoch.
    ///
    /// ```
    /// let t = backprop::Training::full_batch(100, 0.5);
    /// assert_eq!((t.epochs, t.batch_size), (100, None));
    /// ```
    pub fn full_batch(epochs: usize, learning_rate: f64) -> Training {
        Training { epochs, learning_rate, batch_size: None, seed: 0 }
    }

    /// Mini-batch SGD: the samples shuffled (seeded) before each epoch, one update per batch.
    pub fn mini_batch(epochs: usize, learning_rate: f64, batch_size: usize, seed: u64) -> Training {
        Training { epochs, learning_rate, batch_size: Some(batch_size), seed }
    }
}

/// The loss of every epoch, `losses[e - 1]` for epoch e.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The network's loss (the chapter's J = 1/(2m) Σ (a_L − y)² for MSE) over all m samples,
    /// from each epoch's forward passes, before that epoch's updates.
    pub losses: Vec<f64>,
}

impl History {
    /// The loss of the last epoch, if any epoch ran.
    pub fn last(&self) -> Option<f64> {
        self.losses.last().copied()
    }
}

/// What [`train_with`] tells its callback after each epoch.
#[derive(Clone, Copy, Debug)]
pub struct Epoch<'a> {
    /// The epoch just finished, from 1.
    pub number: usize,
    /// Its loss, from its forward passes before their updates (as [`History::losses`]).
    pub loss: f64,
    /// The network after the epoch's updates.
    pub network: &'a Network,
}

/// The first parameter that holds a NaN or an infinity, if any.
fn non_finite_parameter(net: &Network) -> Option<String> {
    (1..=net.depth()).find_map(|l| {
        if !check::is_finite(net.w(l)) {
            Some(format!("W{l}"))
        } else if !check::is_finite(net.b(l)) {
            Some(format!("b{l}"))
        } else {
            None
        }
    })
}

/// Trains `net` in place on samples `x` `(m, n_0)` and targets `y` `(m, n_L)`, with the
/// allocation-free step of a [`Workspace`] (see [`Network::train_batch`]).
///
/// Each epoch's loss is the network's loss (J = 1/(2m) Σ (a_L − y)² for MSE) over all m
/// samples, summed from the epoch's forward passes before their updates (for the full batch,
/// the one forward pass). Training stops with [`Error::Diverged`], naming the epoch and keeping
/// the losses so far, as soon as a loss or a parameter is NaN or infinite.
///
/// ```
/// use backprop::{train, Training, Values};
/// # fn main() -> backprop::Result<()> {
/// let v = Values::chapter();
/// let mut net = v.network()?;
/// let history = train(&mut net, v.x(), v.y(), &Training::full_batch(1000, 0.5))?;
/// assert!(history.losses[999] < history.losses[0] / 10.0);
/// # Ok(()) }
/// ```
pub fn train(net: &mut Network, x: &Array2<f64>, y: &Array2<f64>, training: &Training) -> Result<History> {
    train_with(net, x, y, training, |_| ControlFlow::Continue(()))
}

/// [`train`], calling `after_epoch` after every epoch: for a progress bar, for checkpoints,
/// or to stop early by returning `ControlFlow::Break(())` (the history then ends with that
/// epoch).
///
/// ```
/// use std::ops::ControlFlow;
/// use backprop::{train_with, Training, Values};
/// # fn main() -> backprop::Result<()> {
/// let v = Values::chapter();
/// let mut net = v.network()?;
/// // stop as soon as the loss is below 0.01
/// let history = train_with(&mut net, v.x(), v.y(), &Training::full_batch(10_000, 0.5), |epoch| {
///     if epoch.loss < 0.01 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
/// })?;
/// assert!(history.losses.len() < 10_000 && history.last().unwrap() < 0.01);
/// # Ok(()) }
/// ```
pub fn train_with(
    net: &mut Network,
    x: &Array2<f64>,
    y: &Array2<f64>,
    training: &Training,
    mut after_epoch: impl FnMut(Epoch<'_>) -> ControlFlow<()>,
) -> Result<History> {
    check::learning_rate(training.learning_rate)?;
    net.check_batch(x, Some(y))?;
    let m = x.nrows();
    if let Some(b) = training.batch_size {
        check::at_least_one("batch_size", b)?;
    }
    let batch = training.batch_size.map_or(m, |b| b.min(m));
    let eta = training.learning_rate;
    let mut history = History { losses: Vec::with_capacity(training.epochs) };
    let mut rng = Rng::new(training.seed);
    let mut order: Vec<usize> = (0..m).collect();
    // the full batch steps on x and y themselves, read as row-major slices by the small step
    // (a transposed view is copied once); mini-batches gather their rows into buffers of their
    // own, one of each size the epochs use: `batch` samples, and the remainder
    let (mut x_rows, mut y_rows) = (None, None);
    let mut plan = match training.batch_size {
        None => Plan::Whole(row_major(x, &mut x_rows), row_major(y, &mut y_rows), Workspace::new(net, m)),
        Some(_) => {
            let rest = (!m.is_multiple_of(batch)).then(|| Batch::new(net, m % batch, x.ncols(), y.ncols()));
            Plan::Batches(Batch::new(net, batch, x.ncols(), y.ncols()), rest)
        }
    };
    for epoch in 1..=training.epochs {
        let loss = match &mut plan {
            Plan::Whole(x, y, ws) => fast::run(net, x, y, update_factor(eta, m), ws),
            Plan::Batches(full, rest) => {
                rng.shuffle(&mut order);
                let mut total = 0.0; // the loss summed over the epoch's samples
                for chunk in order.chunks(batch) {
                    let b = if chunk.len() == batch { &mut *full } else { rest.as_mut().expect("a short last batch") };
                    b.gather(x.view(), y.view(), chunk);
                    // the loss averages over the batch: undo that to sum over the epoch
                    total +=
                        fast::run(net, &b.x, &b.y, update_factor(eta, chunk.len()), &mut b.ws) * chunk.len() as f64;
                }
                total / m as f64
            }
        };
        history.losses.push(loss);
        let what = if !loss.is_finite() {
            Some(format!("the loss became {loss}"))
        } else {
            non_finite_parameter(net).map(|p| format!("{p} holds a non-finite number after the update"))
        };
        if let Some(what) = what {
            return Err(Error::Diverged { epoch, what, losses: history.losses });
        }
        if after_epoch(Epoch { number: epoch, loss, network: net }).is_break() {
            break;
        }
    }
    Ok(history)
}

/// `a` itself when its rows lie one after another in memory, else a copy that does, kept in
/// `copy`.
fn row_major<'a>(a: &'a Array2<f64>, copy: &'a mut Option<Array2<f64>>) -> &'a Array2<f64> {
    if a.is_standard_layout() {
        a
    } else {
        copy.insert(a.as_standard_layout().into_owned())
    }
}

/// How the epochs step: on the whole batch, or on mini-batches (of `batch` samples, and the
/// shorter last one when m is not a multiple of it).
#[allow(clippy::large_enum_variant)] // one per training run, on the stack
enum Plan<'a> {
    Whole(&'a Array2<f64>, &'a Array2<f64>, Workspace),
    Batches(Batch, Option<Batch>),
}

/// A mini-batch's samples, gathered into buffers of their own, and the workspace of its size.
struct Batch {
    x: Array2<f64>, // (size, n_0)
    y: Array2<f64>, // (size, n_L)
    ws: Workspace,
}

impl Batch {
    fn new(net: &Network, size: usize, n0: usize, n_out: usize) -> Batch {
        Batch { x: Array2::zeros((size, n0)), y: Array2::zeros((size, n_out)), ws: Workspace::new(net, size) }
    }

    /// Copies the rows `chunk` of x and y into the buffers.
    fn gather(&mut self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, chunk: &[usize]) {
        for (i, &row) in chunk.iter().enumerate() {
            self.x.row_mut(i).assign(&x.row(row));
            self.y.row_mut(i).assign(&y.row(row));
        }
    }
}
