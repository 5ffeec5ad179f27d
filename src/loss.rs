//! The cost J and its derivative dJ/da_L, side by side.

use std::fmt;

use ndarray::Array2;

/// The cost J the network is trained against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Loss {
    /// The chapter's: J = 1/(2m) Σ (a_L − y)², dJ/da_L = a_L − y, any output activation.
    #[default]
    Mse,
    /// J = −(1/m) Σ y ln a_L, with a softmax output: δ_L = a_L − y.
    CrossEntropy,
    /// J = −(1/m) Σ [y ln a_L + (1 − y) ln(1 − a_L)], with a sigmoid output: δ_L = a_L − y.
    BinaryCrossEntropy,
}

impl Loss {
    /// The name used in files: `"mse"`, `"cross_entropy"`, `"binary_cross_entropy"`.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::CrossEntropy => "cross_entropy",
            Loss::BinaryCrossEntropy => "binary_cross_entropy",
        }
    }

    /// Every loss.
    pub const ALL: [Loss; 3] = [Loss::Mse, Loss::CrossEntropy, Loss::BinaryCrossEntropy];

    /// J for outputs `a` and targets `y`, averaged over the m samples (rows).
    ///
    /// ```
    /// use backprop::{ndarray::array, Loss};
    /// assert_eq!(Loss::Mse.value(&array![[1.5, 1.0]], &array![[1.0, 0.0]]), 0.625);
    /// let ce = Loss::CrossEntropy.value(&array![[0.25, 0.75]], &array![[0.0, 1.0]]);
    /// assert!((ce + 0.75f64.ln()).abs() < 1e-15);
    /// ```
    pub fn value(self, a: &Array2<f64>, y: &Array2<f64>) -> f64 {
        let m = a.nrows() as f64;
        // y ln a with 0 ln 0 = 0, as the limit
        let y_ln = |y: f64, a: f64| if y == 0.0 { 0.0 } else { y * a.ln() };
        match self {
            Loss::Mse => mse(a, y),
            Loss::CrossEntropy => -ndarray::Zip::from(a).and(y).fold(0.0, |s, &a, &y| s + y_ln(y, a)) / m,
            Loss::BinaryCrossEntropy => {
                -ndarray::Zip::from(a).and(y).fold(0.0, |s, &a, &y| s + y_ln(y, a) + y_ln(1.0 - y, 1.0 - a)) / m
            }
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
    // summed in place: training calls this every step, and a temporary would allocate
    ndarray::Zip::from(a).and(y).fold(0.0, |s, &a, &y| s + (a - y) * (a - y)) / (2.0 * m)
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
