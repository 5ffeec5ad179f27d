//! Seeded initialization and small data sets made in code.

use ndarray::Array2;

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::network::Network;
use crate::train::Rng;

/// How to draw the first weights (biases start at zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Xavier/Glorot uniform: U(−r, r) with r = √(6 / (n_in + n_out)); suits sigmoid and tanh.
    Xavier,
    /// He normal: N(0, 2 / n_in); suits ReLU.
    He,
}

impl Rng {
    /// A standard normal number (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.next_f64(); // in (0, 1]: ln stays finite
        let v = self.next_f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

impl Network {
    /// A network of layer widths `sizes` (`[n_0, n_1, ..., n_L]`) with weights drawn by `init`
    /// from `seed`: the same seed gives the same network everywhere.
    ///
    /// ```
    /// use backprop::{Activation, Init, Loss, Network};
    /// let a = Network::init(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::Mse, Init::Xavier, 7).unwrap();
    /// let b = Network::init(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::Mse, Init::Xavier, 7).unwrap();
    /// assert_eq!(a, b);
    /// assert!(a.w(1).iter().all(|w| w.abs() <= (6.0f64 / 10.0).sqrt()));
    /// ```
    pub fn init(sizes: &[usize], activations: &[Activation], loss: Loss, init: Init, seed: u64) -> Result<Network> {
        if sizes.len() < 2 || sizes.contains(&0) {
            return Err(Error::Value {
                name: "sizes".into(),
                problem: format!("expected at least two widths, none zero, got {sizes:?}"),
            });
        }
        let mut rng = Rng::new(seed);
        let mut weights = Vec::new();
        let mut biases = Vec::new();
        for pair in sizes.windows(2) {
            let (n_in, n_out) = (pair[0], pair[1]);
            let w = match init {
                Init::Xavier => {
                    let r = (6.0 / (n_in + n_out) as f64).sqrt();
                    Array2::from_shape_fn((n_in, n_out), |_| (2.0 * rng.next_f64() - 1.0) * r)
                }
                Init::He => {
                    let sd = (2.0 / n_in as f64).sqrt();
                    Array2::from_shape_fn((n_in, n_out), |_| rng.normal() * sd)
                }
            };
            weights.push(w);
            biases.push(Array2::zeros((n_out, 1)));
        }
        Network::with_loss(weights, biases, activations.to_vec(), loss)
    }
}

/// XOR: the four corners of the unit square, labelled 1 where exactly one input is 1.
///
/// ```
/// let (x, y) = backprop::datasets::xor();
/// assert_eq!((x.dim(), y.dim()), ((4, 2), (4, 1)));
/// ```
pub fn xor() -> (Array2<f64>, Array2<f64>) {
    let x = Array2::from_shape_vec((4, 2), vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]).expect("4 x 2");
    let y = Array2::from_shape_vec((4, 1), vec![0.0, 1.0, 1.0, 0.0]).expect("4 x 1");
    (x, y)
}

/// Two interleaving half circles ("two moons"), `n` points (half of each class), with
/// normal noise of standard deviation `noise`; `y` is 0 for the upper moon, 1 for the lower.
///
/// ```
/// let (x, y) = backprop::datasets::two_moons(100, 0.1, 3);
/// assert_eq!((x.dim(), y.sum()), ((100, 2), 50.0));
/// ```
pub fn two_moons(n: usize, noise: f64, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = Rng::new(seed);
    let mut x = Array2::zeros((n, 2));
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        let lower = i >= n / 2;
        let t = std::f64::consts::PI * rng.next_f64();
        let (px, py) = if lower { (1.0 - t.cos(), 0.5 - t.sin()) } else { (t.cos(), t.sin()) };
        x[[i, 0]] = px + noise * rng.normal();
        x[[i, 1]] = py + noise * rng.normal();
        y[[i, 0]] = lower as u8 as f64;
    }
    (x, y)
}
