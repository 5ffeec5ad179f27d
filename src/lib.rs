//! # backprop: the forward pass and backpropagation, worked with real numbers
//!
//! The big picture: a network of dense layers takes a batch of samples, the forward pass
//! ([`Network::forward`]) keeps every weighted input z and activation a in a [`Trace`],
//! backprop ([`Network::backward`]) walks back through it to every error δ and returns the
//! [`Gradients`] shaped like the parameters, and one SGD step ([`Network::updated`]) moves the
//! parameters against them. The chapter's example is one such [`Step`], worked once from
//! checked [`Values`] ([`Values::step`]); everything that shows it reads it from there: the
//! printed program ([`walkthrough`], numpy's output digit for digit, through [`npformat`]),
//! the derivation in LaTeX ([`derivation`]) and the gradient check ([`gradcheck`]). Its exp,
//! tanh and log are numpy's own, chosen as numpy chooses them on the running CPU
//! ([`numpy_math`]), so that a saturated sigmoid or tanh prints numpy's last digits too.
//!
//! Training ([`train`], [`train_with`]) repeats the step over epochs on the allocation-free
//! [`Network::train_step`], which keeps its buffers in a [`Workspace`] and can cut large
//! layers across threads ([`Workspace::with_threads`]).
//!
//! Each rule has one home: the output error δ_L of each loss in [`Loss::output_error_at`],
//! softmax in [`softmax_row`], the update in [`sgd`]; the teaching path, the workspace and the
//! gradient check all call them. What a user hands in is checked once, where it enters.
//!
//! With the `cli` feature the crate also builds the `backprop` command line (walkthrough,
//! derivation, train, gradcheck).

//! ## Conventions (the chapter's)
//! - Samples are rows: the input `a_0 = x` is `(m, n_0)`, m samples of n_0 features.
//! - Layer l (1 to L) has weights `W_l` `(n_{l-1}, n_l)` and a bias column `b_l` `(n_l, 1)`:
//!   `z_l = a_{l-1} W_l + b_l^T` and `a_l = f_l(z_l)`, both `(m, n_l)`.
//! - The cost is MSE, `J = 1/(2m) Σ (a_L − y)²`, so `dJ/da_L = a_L − y`.
//! - `δ_L = (a_L − y) ⊙ f_L'(z_L)`, `δ_l = (δ_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)`.
//! - `dJ/dW_l = a_{l-1}^T δ_l` and `dJ/db_l` = the column sums of δ_l, as a column: both sum
//!   over the batch.
//! - The update with learning rate η: `W_l ← W_l − (η/m) dJ/dW_l`, and `b_l` likewise.
//! - Everything is `f64`. Accessors take the chapter's layer number: `trace.z(1)` is z1.
//!
//! `ndarray` is re-exported, so `:dep backprop` is the only dependency a notebook needs.

#![deny(missing_docs)]

mod activation;
pub mod chain_rule;
mod crew;
pub mod datasets;
pub mod derivation;
pub mod diagram;
mod error;
pub mod exercise;
pub mod gradcheck;
mod init;
mod json;
mod loss;
mod network;
pub mod npformat;
pub mod numpy_math;
mod persist;
mod plot;
mod rng;
mod simd;
mod step;
mod train;
mod values;
pub mod walkthrough;
pub mod worksheet;
mod workspace;

pub use ndarray;

/// Whether this crate was compiled with debug assertions: true in an unoptimized build (a plain
/// `cargo build`, or a notebook kernel that builds its dependencies as it builds its cells),
/// false where the crate is optimized (`--release`, or the notebooks' kernel as `make setup`
/// registers it, which builds every dependency at opt-level 3 and the cells at `:opt 0`).
///
/// ```
/// assert_eq!(backprop::built_with_debug_assertions(), cfg!(debug_assertions));
/// ```
pub fn built_with_debug_assertions() -> bool {
    cfg!(debug_assertions)
}

pub use activation::{
    d_leaky_relu, d_relu, d_sigmoid, d_tanh, leaky_relu, relu, sigmoid, softmax_row, tanh, Activation, LEAKY_SLOPE,
};
pub use error::{Error, Result};
pub use gradcheck::{gradient_check, GradCheck};
pub use init::Init;
pub use loss::{d_mse, mse, Loss};
pub use network::{
    bias_gradient, hidden_error, layer_forward, output_error, sgd, weight_gradient, Gradients, Network, Trace,
};
pub use npformat::{show, Dtype};
pub use plot::{decision_boundary, Chart, Picture, Series};
pub use rng::Rng;
pub use step::Step;
pub use train::{train, train_with, Epoch, History, Training};
pub use values::{Given, IntoGiven, Values, CHAPTER_JSON};
pub use workspace::{Workspace, SMALL};
