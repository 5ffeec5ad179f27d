//! The cost J and its derivative dJ/da_L, side by side.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, Zip};

use super::activation::Activation;
use super::numpy_math;
use crate::error::{Error, Result};

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
        // y ln a with 0 ln 0 = 0, as the limit; ln is numpy's
        let y_ln = |y: f64, a: f64| if y == 0.0 { 0.0 } else { y * numpy_math::ln(a) };
        match self {
            Loss::Mse => mse(a, y),
            Loss::CrossEntropy => -sum_of_terms(a, y, |a, y| y_ln(y, a)) / m,
            Loss::BinaryCrossEntropy => -sum_of_terms(a, y, |a, y| y_ln(y, a) + y_ln(1.0 - y, 1.0 - a)) / m,
        }
    }
}

/// Σ term(a, y) over the entries, added as np.sum adds them (numpy's pairwise order), so that a
/// cross-entropy is numpy's to the last bit.
fn sum_of_terms(a: &Array2<f64>, y: &Array2<f64>, term: impl Fn(f64, f64) -> f64) -> f64 {
    let (a, y) = (a.as_standard_layout(), y.as_standard_layout());
    let (a, y) = (a.as_slice().expect("standard layout"), y.as_slice().expect("standard layout"));
    numpy_math::sum_by(a.len(), |i| term(a[i], y[i]))
}

impl Loss {
    /// The output activation this loss needs, if any: softmax for the cross-entropy, a sigmoid
    /// for the binary one (MSE takes any).
    pub fn output_activation(self) -> Option<Activation> {
        match self {
            Loss::Mse => None,
            Loss::CrossEntropy => Some(Activation::Softmax),
            Loss::BinaryCrossEntropy => Some(Activation::Sigmoid),
        }
    }

    /// Whether δ_L is a_L − y itself: for the cross-entropies after their own output activation,
    /// the loss's derivative dJ/da_L and the activation's f_L' cancel into it, so δ_L is not
    /// computed as their product (for softmax it could not be: its f' is a Jacobian). For MSE,
    /// δ_L = (a_L − y) ⊙ f_L'(z_L). Every renderer asks this, never the loss's name.
    ///
    /// ```
    /// use backprop::Loss;
    /// assert!(!Loss::Mse.folds_output_derivative());
    /// assert!(Loss::CrossEntropy.folds_output_derivative());
    /// ```
    pub fn folds_output_derivative(self) -> bool {
        self != Loss::Mse
    }

    /// dJ/da_L for one entry, per sample (the gradients sum over the samples): a − y for MSE,
    /// −y/a for the cross-entropy (0 where y is 0, as 0 ln a is), (a − y) / (a (1 − a)) for the
    /// binary cross-entropy.
    ///
    /// ```
    /// use backprop::Loss;
    /// assert_eq!(Loss::Mse.dj_da(0.75, 0.25), 0.5);
    /// assert_eq!(Loss::CrossEntropy.dj_da(0.25, 1.0), -4.0);
    /// assert_eq!(Loss::CrossEntropy.dj_da(0.25, 0.0), 0.0);
    /// assert_eq!(Loss::BinaryCrossEntropy.dj_da(0.5, 1.0), -2.0);
    /// ```
    pub fn dj_da(self, a: f64, y: f64) -> f64 {
        match self {
            Loss::Mse => a - y,
            Loss::CrossEntropy if y == 0.0 => 0.0,
            Loss::CrossEntropy => -y / a,
            Loss::BinaryCrossEntropy => (a - y) / (a * (1.0 - a)),
        }
    }

    /// δ_L = dJ/dz_L for one entry, the one place it is written: (a − y) f_L'(z) for MSE (f'
    /// from z and a), and a − y itself where the loss folds f_L' in
    /// ([`Loss::folds_output_derivative`]).
    pub(crate) fn delta_at(self, f: Activation, z: f64, a: f64, y: f64) -> f64 {
        if self.folds_output_derivative() {
            a - y
        } else {
            self.dj_da(a, y) * f.df_from(z, a)
        }
    }

    /// The output layer's error over whole matrices, each `(m, n_L)`: dJ/da_L, f_L'(z_L) and
    /// δ_L (see [`Loss::delta_at`]), in that order. The shapes are the caller's to check.
    pub(crate) fn output_error(
        self,
        f: Activation,
        z: &Array2<f64>,
        a: &Array2<f64>,
        y: &Array2<f64>,
    ) -> (Array2<f64>, Array2<f64>, Array2<f64>) {
        let dj_da = Zip::from(a).and(y).map_collect(|&a, &y| self.dj_da(a, y));
        let df_dz = match f {
            // softmax's f' needs the whole row; the diagonal of its Jacobian from a alone
            Activation::Softmax => a.mapv(|a| a * (1.0 - a)),
            _ => Zip::from(z).and(a).map_collect(|&z, &a| f.df_from(z, a)),
        };
        let delta = Zip::from(z).and(a).and(y).map_collect(|&z, &a, &y| self.delta_at(f, z, a, y));
        (dj_da, df_dz, delta)
    }
}

impl FromStr for Loss {
    type Err = Error;

    /// Parses a loss's name as files write it.
    ///
    /// ```
    /// use backprop::Loss;
    /// assert_eq!("cross_entropy".parse::<Loss>().unwrap(), Loss::CrossEntropy);
    /// assert!("hinge".parse::<Loss>().unwrap_err().to_string().contains("expected one of \"mse\""));
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        Loss::ALL.into_iter().find(|l| l.name() == s).ok_or_else(|| Error::Value {
            name: "loss".into(),
            problem: format!("expected one of {}, got {s:?}", Loss::ALL.map(|l| format!("{:?}", l.name())).join(", ")),
        })
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
/// assert_eq!(backprop::math::mse(&array![[1.5, 1.0]], &array![[1.0, 0.0]]), 0.625);
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
/// assert_eq!(backprop::math::d_mse(&array![[0.75, 0.5]], &array![[0.25, 0.125]]), array![[0.5, 0.375]]);
/// ```
pub fn d_mse(a: &Array2<f64>, y: &Array2<f64>) -> Array2<f64> {
    a - y
}
