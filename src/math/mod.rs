//! The math at the bottom of everything: each activation beside its derivative, each cost beside
//! its derivative, and numpy's own exp, tanh and log, which they compute with. It imports
//! nothing of the crate but the error type.

mod activation;
mod loss;
pub mod numpy_math;

pub use activation::{
    d_leaky_relu, d_relu, d_sigmoid, d_tanh, leaky_relu, relu, sigmoid, softmax_row, tanh, Activation, LEAKY_SLOPE,
};
pub use loss::{d_mse, mse, Loss};
