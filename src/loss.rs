//! The cost J and its derivative dJ/da_L, side by side.

use ndarray::Array2;

/// J = 1/(2m) · Σ (a_L − y)², summed over every sample and output, m the number of samples.
///
/// The ½ is the one whose derivative is the chapter's `a − y`: per sample, dJ/da_L = a_L − y.
///
/// ```
/// use backprop::ndarray::array;
/// // one sample, errors 0.5 and 1: (0.25 + 1) / 2
/// assert_eq!(backprop::mse(&array![[1.5, 1.0]], &array![[1.0, 0.0]]), 0.625);
/// ```
pub fn mse(a: &Array2<f64>, y: &Array2<f64>) -> f64 {
    let m = a.nrows() as f64;
    (a - y).mapv(|e| e * e).sum() / (2.0 * m)
}

/// dJ/da_L = a_L − y, the chapter's `d_mse`.
///
/// ```
/// use backprop::ndarray::array;
/// assert_eq!(backprop::d_mse(&array![[0.75, 0.5]], &array![[0.25, 0.125]]), array![[0.5, 0.375]]);
/// ```
pub fn d_mse(a: &Array2<f64>, y: &Array2<f64>) -> Array2<f64> {
    a - y
}
