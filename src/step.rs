//! The chapter's one worked step as one value: the given values, the network they describe,
//! the forward pass, backprop and the update, computed once.
//!
//! Everything that shows the step reads it from here: the printed program
//! ([`Step::walkthrough`]), the derivation in LaTeX ([`Step::derivation`]) and the gradient
//! check ([`Step::gradient_check`]).

use crate::derivation::Derivation;
use crate::error::Result;
use crate::gradcheck::{self, GradCheck};
use crate::network::{Gradients, Network, Trace};
use crate::values::Values;

/// One forward pass, backprop and SGD update of the given values, with every intermediate.
///
/// ```
/// use backprop::Values;
/// # fn main() -> backprop::Result<()> {
/// let step = Values::chapter().step()?;
/// // the chapter's z1, δ2 and updated W1
/// assert!((step.trace().z(1)[[0, 1]] - 5.3).abs() < 1e-12);
/// assert!((step.gradients().delta(2)[[0, 0]] - 0.0775736).abs() < 1e-7);
/// assert!((step.updated().w(1)[[0, 0]] - 0.09998016).abs() < 1e-8);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    values: Values,
    network: Network,     // the parameters before the update
    trace: Trace,         // every z_l and a_l, l = 0..L
    gradients: Gradients, // dJ/da_L, every f'(z_l), δ_l, dJ/dW_l, dJ/db_l
    updated: Network,     // W_l − (η/m) dJ/dW_l and b_l − (η/m) dJ/db_l
}

impl Step {
    /// Works the step through for `values`, checked where they enter (see
    /// [`Values::network`]); the passes themselves run once, on checked input.
    pub fn new(values: &Values) -> Result<Step> {
        let network = values.network()?;
        let trace = network.pass(&values.x.data);
        let gradients = network.backprop(&trace, &values.y.data);
        let mut updated = network.clone();
        updated.descend(&gradients, values.learning_rate);
        Ok(Step { values: values.clone(), network, trace, gradients, updated })
    }

    /// The values as given, with the dtypes numpy would give them.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// The network before the update.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The forward pass: every z_l and a_l.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Backprop: dJ/da_L, every f_l'(z_l) and δ_l, dJ/dW_l and dJ/db_l.
    pub fn gradients(&self) -> &Gradients {
        &self.gradients
    }

    /// The network after one SGD step with the values' learning rate.
    pub fn updated(&self) -> &Network {
        &self.updated
    }

    /// L, the number of layers.
    pub fn depth(&self) -> usize {
        self.network.depth()
    }

    /// m, the number of samples.
    pub fn samples(&self) -> usize {
        self.trace.samples()
    }

    /// What the chapter's complete program prints for this step (see
    /// [`walkthrough::complete_program`](crate::walkthrough::complete_program)).
    pub fn walkthrough(&self) -> String {
        crate::walkthrough::complete_program(self)
    }

    /// The chapter's derivation with this step's numbers, as Markdown with LaTeX.
    pub fn derivation(&self) -> Derivation {
        Derivation::new(self)
    }

    /// This step's gradients against central finite differences of the loss, for every
    /// weight and bias (see [`gradient_check`](crate::gradient_check)).
    pub fn gradient_check(&self) -> Result<GradCheck> {
        gradcheck::compare(&self.network, &self.values.x.data, &self.values.y.data, &self.trace, &self.gradients)
    }
}
