//! Activation functions, each beside its derivative.
//!
//! All act elementwise on `z`, the layer's weighted input, and the derivatives are taken with
//! respect to `z`: `f'(z)` in the chapter's `delta_l = (delta_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)`.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView1, ArrayViewMut1};

use super::numpy_math;
use crate::error::{Error, Result};

/// σ(z) = 1 / (1 + e^(−z)), written as the chapter writes it, with numpy's e^x
/// ([`numpy_math::exp`](super::numpy_math::exp)).
///
/// ```
/// assert!((backprop::math::sigmoid(0.0) - 0.5).abs() < 1e-15);
/// // the chapter's a1 = f1(4.3)
/// assert!((backprop::math::sigmoid(4.3) - 0.98661308).abs() < 1e-8);
/// ```
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + numpy_math::exp(-z))
}

/// σ'(z) = σ(z) (1 − σ(z)).
///
/// ```
/// // the chapter's f2'(z2) for z2 = 2.08615904...
/// assert!((backprop::math::d_sigmoid(2.0861590400) - 0.09825032).abs() < 1e-8);
/// assert_eq!(backprop::math::d_sigmoid(0.0), 0.25);
/// ```
pub fn d_sigmoid(z: f64) -> f64 {
    sigmoid(z) * (1.0 - sigmoid(z))
}

/// tanh(z), as `np.tanh` computes it ([`numpy_math::tanh()`](super::numpy_math::tanh())).
///
/// ```
/// assert_eq!(backprop::math::tanh(0.0), 0.0);
/// assert!((backprop::math::tanh(0.5) - 0.46211715726000974).abs() < 1e-16);
/// ```
pub fn tanh(z: f64) -> f64 {
    numpy_math::tanh(z)
}

/// tanh'(z) = 1 − tanh²(z).
///
/// ```
/// assert_eq!(backprop::math::d_tanh(0.0), 1.0);
/// ```
pub fn d_tanh(z: f64) -> f64 {
    1.0 - tanh(z).powi(2)
}

/// ReLU(z) = max(0, z).
///
/// ```
/// assert_eq!(backprop::math::relu(-2.0), 0.0);
/// assert_eq!(backprop::math::relu(3.0), 3.0);
/// ```
pub fn relu(z: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        0.0
    }
}

/// ReLU'(z) = 1 where z > 0, else 0 (0 at z = 0 itself).
///
/// ```
/// assert_eq!(backprop::math::d_relu(0.0), 0.0);
/// assert_eq!(backprop::math::d_relu(1e-9), 1.0);
/// ```
pub fn d_relu(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// The slope of [`leaky_relu`] for z ≤ 0.
pub const LEAKY_SLOPE: f64 = 0.01;

/// Leaky ReLU(z) = z where z > 0, else 0.01 z.
///
/// ```
/// assert_eq!(backprop::math::leaky_relu(-2.0), -0.02);
/// ```
pub fn leaky_relu(z: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        LEAKY_SLOPE * z
    }
}

/// Leaky ReLU'(z) = 1 where z > 0, else 0.01.
///
/// ```
/// assert_eq!(backprop::math::d_leaky_relu(-2.0), 0.01);
/// ```
pub fn d_leaky_relu(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else {
        LEAKY_SLOPE
    }
}

/// Softmax of one row (one sample), the one place it is written: `a_j = e^{z_j − max z} /
/// Σ_k e^{z_k − max z}`. Shifting by the row's largest value changes nothing but keeps e^z
/// finite.
///
/// ```
/// use backprop::{math::softmax_row, ndarray::{array, Array1}};
/// let mut a = Array1::zeros(2);
/// softmax_row(array![0.0, 2f64.ln()].view(), a.view_mut());
/// assert!((a[0] - 1.0 / 3.0).abs() < 1e-15 && (a[1] - 2.0 / 3.0).abs() < 1e-15);
/// ```
pub fn softmax_row(z: ArrayView1<'_, f64>, mut a: ArrayViewMut1<'_, f64>) {
    let top = z.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    a.zip_mut_with(&z, |a, &z| *a = numpy_math::exp(z - top));
    // added as numpy's `np.sum(e, axis=1)` adds them
    let total = numpy_math::sum_by(a.len(), |i| a[i]);
    a.mapv_inplace(|v| v / total);
}

/// The activation of one layer, `f_l` in the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Activation {
    /// [`sigmoid`], the chapter's choice for both layers.
    Sigmoid,
    /// [`tanh`], with [`d_tanh`].
    Tanh,
    /// [`relu`], with [`d_relu`].
    Relu,
    /// [`leaky_relu`], with [`d_leaky_relu`].
    LeakyRelu,
    /// f(z) = z, f'(z) = 1.
    Identity,
    /// softmax over each row (each sample): `a_j = e^{z_j} / Σ_k e^{z_k}`. Only for the output
    /// layer with [`Loss::CrossEntropy`](crate::Loss), where δ_L = a_L − y; not elementwise,
    /// so [`Activation::derivative`] gives only its Jacobian's diagonal a (1 − a).
    Softmax,
}

impl Activation {
    /// Every activation, in the order the values file documents them.
    pub const ALL: [Activation; 6] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Identity,
        Activation::Softmax,
    ];

    /// The name used in files: `"sigmoid"`, `"tanh"`, `"relu"`, `"leaky_relu"`, `"identity"`,
    /// `"softmax"`.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Identity => "identity",
            Activation::Softmax => "softmax",
        }
    }

    /// f(z) for one value, for the elementwise activations; softmax, which normalizes a
    /// whole row, is refused (use [`Activation::apply`] on the row).
    ///
    /// ```
    /// use backprop::Activation;
    /// assert_eq!(Activation::Relu.f(-2.0).unwrap(), 0.0);
    /// let err = Activation::Softmax.f(1.0).unwrap_err().to_string();
    /// assert!(err.starts_with("softmax: expected a whole row"), "{err}");
    /// ```
    pub fn f(self, z: f64) -> Result<f64> {
        self.elementwise("f(z)")?;
        Ok(self.at(z))
    }

    /// f'(z) for one value, for the elementwise activations; softmax is refused as by
    /// [`Activation::f`] (its derivative is a Jacobian over the row).
    ///
    /// ```
    /// use backprop::Activation;
    /// assert_eq!(Activation::Sigmoid.df(0.0).unwrap(), 0.25);
    /// assert!(Activation::Softmax.df(0.0).is_err());
    /// ```
    pub fn df(self, z: f64) -> Result<f64> {
        self.elementwise("f'(z)")?;
        Ok(self.slope(z))
    }

    fn elementwise(self, what: &str) -> Result<()> {
        if self == Activation::Softmax {
            return Err(Error::Value {
                name: "softmax".into(),
                problem: format!(
                    "expected a whole row to normalize (Activation::apply or derivative on a matrix), got one number for {what}: softmax is not elementwise"
                ),
            });
        }
        Ok(())
    }

    /// f(z) of an elementwise activation; softmax is applied by rows before this is reached.
    pub(crate) fn at(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => tanh(z),
            Activation::Relu => relu(z),
            Activation::LeakyRelu => leaky_relu(z),
            Activation::Identity => z,
            Activation::Softmax => unreachable!("softmax is applied by rows, never one value at a time"),
        }
    }

    /// f'(z) of an elementwise activation.
    fn slope(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => d_sigmoid(z),
            Activation::Tanh => d_tanh(z),
            Activation::Relu => d_relu(z),
            Activation::LeakyRelu => d_leaky_relu(z),
            Activation::Identity => 1.0,
            Activation::Softmax => unreachable!("softmax's derivative is taken by rows, never one value at a time"),
        }
    }

    /// f'(z) from z and a = f(z) both: sigmoid's a (1 − a) and tanh's 1 − a² need no second
    /// `exp`. Bit for bit the same as [`Activation::df`], which recomputes f(z) the same way.
    /// For softmax, a (1 − a) is the diagonal of its Jacobian.
    pub(crate) fn df_from(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a.powi(2),
            Activation::Softmax => a * (1.0 - a),
            other => other.slope(z),
        }
    }

    /// f(z) elementwise (softmax: over each row): `a_l = f_l(z_l)`.
    pub fn apply(self, z: &Array2<f64>) -> Array2<f64> {
        let mut a = Array2::zeros(z.dim());
        self.apply_into(z, &mut a);
        a
    }

    /// f(z) into `a`, which has z's shape: [`Activation::apply`] without allocating.
    pub(crate) fn apply_into(self, z: &Array2<f64>, a: &mut Array2<f64>) {
        if self == Activation::Softmax {
            for (a_row, z_row) in a.rows_mut().into_iter().zip(z.rows()) {
                softmax_row(z_row, a_row);
            }
        } else {
            a.zip_mut_with(z, |a, &z| *a = self.at(z));
        }
    }

    /// f'(z) elementwise (softmax: the diagonal a (1 − a) of its Jacobian): `f_l'(z_l)`.
    ///
    /// ```
    /// use backprop::{ndarray::array, Activation};
    /// let z = array![[0.0, 2.0861590400]];
    /// let df = Activation::Sigmoid.derivative(&z);
    /// assert_eq!(df[[0, 0]], 0.25);
    /// // the same as from z and a = f(z) together, as backprop takes it
    /// assert_eq!(df[[0, 1]], Activation::Sigmoid.df(2.0861590400).unwrap());
    /// ```
    pub fn derivative(self, z: &Array2<f64>) -> Array2<f64> {
        if self == Activation::Softmax {
            return self.apply(z).mapv(|a| a * (1.0 - a));
        }
        z.mapv(|v| self.slope(v))
    }

    /// Whether f maps integers to integers in numpy: `np.maximum(0, z)` and `z` itself keep an
    /// integer array's dtype, the others give floats. Only printing cares.
    pub fn keeps_integers(self) -> bool {
        matches!(self, Activation::Relu | Activation::Identity)
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = Error;

    /// Parses a values file's name for an activation.
    ///
    /// ```
    /// use backprop::Activation;
    /// assert_eq!("tanh".parse::<Activation>().unwrap(), Activation::Tanh);
    /// let err = "softplus".parse::<Activation>().unwrap_err().to_string();
    /// assert!(err.contains("expected one of"), "{err}");
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        Activation::ALL.into_iter().find(|a| a.name() == s).ok_or_else(|| Error::Value {
            name: "activation".into(),
            problem: format!(
                "expected one of {}, got {s:?}",
                Activation::ALL.map(|a| format!("{:?}", a.name())).join(", ")
            ),
        })
    }
}
