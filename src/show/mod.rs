//! Showing a worked step and a training run: arrays printed exactly as numpy prints them, the
//! chapter's program, its derivation in LaTeX, the chain rule for one weight, the network drawn
//! with its numbers, and charts. Each renderer reads the model and computes nothing of its own;
//! every short number goes through one rule (`numbers`) and every matrix in LaTeX through one
//! helper (`latex`).

mod boundary;
mod chain_rule;
mod chart;
mod derivation;
mod diagram;
pub(crate) mod latex;
mod npformat;
mod numbers;
mod picture;
mod walkthrough;

pub use boundary::decision_boundary;
pub use chain_rule::ChainRule;
pub use chart::Chart;
pub use derivation::Derivation;
pub use diagram::{Diagram, Sample, View, NUMBERED};
pub use latex::{bmatrix, latex_number};
pub use npformat::{array_str, round, scalar_str, NpStr};
pub use numbers::{changed, short};
pub use picture::Picture;
