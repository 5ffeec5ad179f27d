//! The fast path behind training: one training step on buffers kept from step to step, small
//! layers in plain loops, large ones through a GEMM cut across threads, and a sigmoid that
//! runs eight values to an instruction. Only training and `Network::train_batch` reach it;
//! nothing that shows or teaches reads it. Its numbers are the teaching path's up to the order
//! of sums and the sigmoid's last bits, which the tests hold to 1e-12.

mod crew;
mod simd;
mod workspace;

pub(crate) use workspace::run;
pub use workspace::{Workspace, SMALL};
