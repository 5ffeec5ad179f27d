//! # backprop: the forward pass and backpropagation, worked with real numbers
//!
//! The big picture: a network of dense layers takes a batch of samples, the forward pass
//! ([`Network::forward`]) keeps every weighted input z and activation a in a [`Trace`],
//! backprop ([`Network::backward`]) walks back through it to every error δ and returns the
//! [`Gradients`] shaped like the parameters, and one SGD update ([`Network::update`]) moves the
//! parameters against them. The chapter's example is one such [`Step`], worked once from
//! checked [`Values`] ([`Values::step`]); everything that shows it reads it from there: the
//! printed program ([`Step::walkthrough`], numpy's output digit for digit), the derivation in
//! LaTeX ([`Step::derivation`]), the network drawn with its numbers ([`Step::diagram`]), the
//! chain rule for one weight ([`Step::chain_rule`]) and the checks of a learner's answers
//! ([`Step::check`]). Training ([`train`]) repeats the update over epochs.
//!
//! ## How the crate is laid out: data flows one way
//!
//! ```text
//! io       values in: Values from arrays or a values file, every check in one place (io::check)
//!   ↓
//! model    the network, the worked Step, training, the gradient check, the chain rule worked out
//!   ↓  ↘
//!   ↓   fast   the allocation-free training step behind `train` (nothing above training reads it)
//!   ↓
//! show     renderers: numpy's printing, the walkthrough, the derivation, the diagram, charts
//!   ↓
//! teach    exercises and their feedback, marking, worksheets; the notebooks and the command line
//!
//! math     at the bottom, under all of them: activations, losses, numpy's exp, tanh and log
//! ```
//!
//! A module imports only from the layers below it, and no two modules import each other
//! (`tests/module_graph.rs` holds the crate to it). The [`Step`] is a plain value: each
//! renderer and teaching module adds its own method to it (`step.diagram(View::Forward)` is
//! written in `show/diagram.rs`), so the model never imports what shows it.
//!
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
//! `ndarray` is re-exported, and [`prelude`] holds what a notebook uses, so a notebook's first
//! cell is `:dep backprop = { path = ".." }` and `use backprop::prelude::*;`.
//!
//! With the `cli` feature the crate also builds the `backprop` command line (walkthrough,
//! derivation, train, diagram, chain-rule, worksheet, mark, gradcheck).

#![deny(missing_docs)]

mod error;
pub mod fast;
pub mod io;
pub mod math;
pub mod model;
pub mod prelude;
pub mod show;
pub mod teach;

pub use ndarray;

pub use error::{Error, Result};
pub use fast::Workspace;
pub use io::{Dtype, Given, IntoGiven, Values};
pub use math::{Activation, Loss};
pub use model::{
    datasets, gradcheck, gradient_check, train, train_with, Epoch, GradCheck, Gradients, History, Init, Network, Param,
    Quantity, Rng, Step, Trace, Training,
};
pub use show::{Chart, Picture};

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
