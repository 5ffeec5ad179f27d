//! What a notebook's first cell needs, in one line: `use backprop::prelude::*;`.
//!
//! The given values and their worked step, the network and its training, every function of
//! the chapter's equations, numpy's printing, the pictures and the exercises' checks, and
//! ndarray's `array!`, `Array2` and `Axis`.

pub use crate::io::{Dtype, Values};
pub use crate::math::{d_sigmoid, sigmoid, Activation, Loss};
pub use crate::model::{
    bias_gradient, datasets, gradcheck, gradient_check, hidden_error, layer_forward, output_error, train, train_with,
    update, weight_gradient, Init, Network, Quantity, Rng, Step, Training,
};
pub use crate::show::{decision_boundary, round, Chart, NpStr, View};
pub use crate::teach::hint;
pub use ndarray::{array, Array2, Axis};
