//! The model: the network, its forward pass, backprop and update; the chapter's worked step as
//! one plain value; training over epochs; the gradient check and the chain rule worked out.
//! It reads checked values from `io` and computes with `math`; training runs on `fast`. It
//! prints nothing: everything shown is read from here by `show`.

mod chain;
pub mod datasets;
pub mod gradcheck;
mod init;
mod network;
mod param;
mod quantity;
mod rng;
mod saved;
mod step;
mod train;

pub use chain::{ChainPaths, Factor, Path};
pub use gradcheck::{gradient_check, GradCheck, ParamCheck};
pub use init::Init;
pub use network::{
    bias_gradient, hidden_error, layer_forward, output_error, update, weight_gradient, Gradients, Network, Trace,
};
pub(crate) use network::{update_entry, update_factor};
pub use param::Param;
pub use quantity::Quantity;
pub use rng::Rng;
pub use step::Step;
pub use train::{train, train_with, Epoch, History, Training};
