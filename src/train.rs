//! Training: the chapter's update repeated over many epochs, full-batch or in seeded
//! mini-batches, with the loss of every epoch recorded.

use ndarray::{Array2, Axis};

use crate::error::{Error, Result};
use crate::network::{check_learning_rate, Network};

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

/// A small seeded generator (SplitMix64): the same seed gives the same shuffles everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in [0, 1), from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform index below `n` (n ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn check_finite(epoch: usize, history: &History, net: &Network) -> Result<()> {
    let loss = history.losses[epoch - 1];
    let bad_param = (1..=net.depth()).find_map(|l| {
        if net.w(l).iter().any(|v| !v.is_finite()) {
            Some(format!("W{l}"))
        } else if net.b(l).iter().any(|v| !v.is_finite()) {
            Some(format!("b{l}"))
        } else {
            None
        }
    });
    let what = if !loss.is_finite() {
        Some(format!("the loss became {loss}"))
    } else {
        bad_param.map(|p| format!("{p} holds a non-finite number after the update"))
    };
    match what {
        None => Ok(()),
        Some(what) => Err(Error::Diverged { epoch, what, losses: history.losses.clone() }),
    }
}

/// Trains `net` in place on samples `x` `(m, n_0)` and targets `y` `(m, n_L)`.
///
/// Each epoch's loss is J = 1/(2m) Σ (a_L − y)² over all m samples, summed from the epoch's
/// forward passes before their updates (for the full batch, the one forward pass). Training
/// stops with [`Error::Diverged`], naming the epoch and keeping the losses so far, as soon as
/// a loss or a parameter is NaN or infinite.
///
/// ```
/// use backprop::{train, Training, Values};
/// # fn main() -> backprop::Result<()> {
/// let v = Values::chapter();
/// let mut net = v.network()?;
/// let history = train(&mut net, &v.x.data, &v.y.data, &Training::full_batch(1000, 0.5))?;
/// assert!(history.losses[999] < history.losses[0] / 10.0);
/// # Ok(()) }
/// ```
pub fn train(net: &mut Network, x: &Array2<f64>, y: &Array2<f64>, training: &Training) -> Result<History> {
    check_learning_rate(training.learning_rate)?;
    // the checks of one pass, made once before the first epoch
    net.backward(&net.forward(x)?, y)?;
    let m = x.nrows();
    let batch = match training.batch_size {
        None => m,
        Some(0) => {
            return Err(Error::Value { name: "batch_size".into(), problem: "expected at least 1, got 0".into() })
        }
        Some(b) => b.min(m),
    };
    let mut history = History { losses: Vec::with_capacity(training.epochs) };
    let mut rng = Rng::new(training.seed);
    let mut order: Vec<usize> = (0..m).collect();
    for epoch in 1..=training.epochs {
        if training.batch_size.is_none() {
            let trace = net.forward(x)?;
            history.losses.push(net.loss().value(trace.output(), y));
            let grads = net.backward(&trace, y)?;
            net.step(&grads, training.learning_rate)?;
        } else {
            rng.shuffle(&mut order);
            let mut squared_error = 0.0; // summed over the epoch's samples
            for chunk in order.chunks(batch) {
                let xb = x.select(Axis(0), chunk);
                let yb = y.select(Axis(0), chunk);
                let trace = net.forward(&xb)?;
                // the loss averages over the batch: undo that to sum over the epoch
                squared_error += net.loss().value(trace.output(), &yb) * chunk.len() as f64;
                let grads = net.backward(&trace, &yb)?;
                net.step(&grads, training.learning_rate)?;
            }
            history.losses.push(squared_error / m as f64);
        }
        check_finite(epoch, &history, net)?;
    }
    Ok(history)
}
