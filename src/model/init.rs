//! Seeded initialization: the same seed gives the same network everywhere.

use ndarray::Array2;

use super::rng::Rng;
use crate::error::{Error, Result};

/// How to draw the first weights (biases start at zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Xavier/Glorot uniform: U(−r, r) with r = √(6 / (n_in + n_out)); suits sigmoid and tanh.
    Xavier,
    /// He normal: N(0, 2 / n_in); suits ReLU.
    He,
}

/// W_1..W_L and b_1..b_L.
type Parameters = (Vec<Array2<f64>>, Vec<Array2<f64>>);

/// The weights and zero biases of layers of widths `sizes`, drawn by `init` from `seed`, for
/// [`Network::init`](super::Network::init).
pub(crate) fn draw(sizes: &[usize], init: Init, seed: u64) -> Result<Parameters> {
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
    Ok((weights, biases))
}
