//! Seeded initialization: the same seed gives the same network everywhere.

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
