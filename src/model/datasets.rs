//! Small data sets made in code, for training deeper networks: nothing to download.

use ndarray::Array2;

use super::rng::Rng;

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
