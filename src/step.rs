//! The chapter's one worked step as one value: the given values, the network they describe,
//! the forward pass, backprop and the update, computed once.
//!
//! Everything that shows the step reads it from here: the printed program
//! ([`Step::walkthrough`]), the derivation in LaTeX ([`Step::derivation`]) and the gradient
//! check ([`Step::gradient_check`]).

use crate::chain_rule::{self, ChainRule};
use ndarray::Array2;

use crate::derivation::Derivation;
use crate::diagram::{Diagram, Param, View};
use crate::error::Result;
use crate::exercise::{self, Feedback, Quantity};
use crate::gradcheck::{self, GradCheck};
use crate::network::{check_learning_rate, Gradients, Network, Trace};
use crate::values::{IntoGiven, Values};

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
        Ok(Step::work(values.clone(), network))
    }

    /// The step of any network on a batch `x` `(m, n_0)`, `y` `(m, n_L)` with learning rate
    /// η, for a network that training made (its values hold x, y and the parameters as
    /// floats; its loss is the network's own).
    ///
    /// ```
    /// use backprop::{datasets::xor, Activation, Init, Loss, Network, Step};
    /// let (x, y) = xor();
    /// let net = Network::init(&[2, 3, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::BinaryCrossEntropy, Init::Xavier, 1).unwrap();
    /// let step = Step::of(&net, &x, &y, 0.5).unwrap();
    /// assert_eq!(step.samples(), 4);
    /// assert_eq!(step.gradients().delta(2), &(step.trace().a(2) - &y));
    /// ```
    pub fn of(network: &Network, x: &Array2<f64>, y: &Array2<f64>, learning_rate: f64) -> Result<Step> {
        check_learning_rate(learning_rate)?;
        network.check_batch(x, Some(y))?;
        let depth = network.depth();
        let values = Values {
            x: x.given(),
            y: y.given(),
            weights: (1..=depth).map(|l| network.w(l).given()).collect(),
            biases: (1..=depth).map(|l| network.b(l).given()).collect(),
            learning_rate,
            activations: (1..=depth).map(|l| network.activation(l)).collect(),
            loss: network.loss(),
        };
        Ok(Step::work(values, network.clone()))
    }

    /// The forward pass, backprop and the update of a network already checked against the
    /// values' x and y.
    fn work(values: Values, network: Network) -> Step {
        let trace = network.pass(&values.x.data);
        let gradients = network.backprop(&trace, &values.y.data);
        let mut updated = network.clone();
        updated.descend(&gradients, values.learning_rate);
        Step { values, network, trace, gradients, updated }
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

    /// A picture of the network with this step's numbers, in `view` (see [`Diagram`]): it
    /// shows inline in a notebook, and [`Diagram::picture`] gives its SVG and PNG.
    pub fn diagram(&self, view: View) -> Diagram<'_> {
        Diagram::new(self, view)
    }

    /// The chain rule for one weight or bias, `"W1[2,1]"` or `"b2[0]"` (numpy's indices,
    /// from 0), written out with this step's numbers: every path to the cost, their products
    /// and sum, and the finite-difference estimate beside it.
    pub fn chain_rule(&self, param: &str) -> Result<ChainRule> {
        chain_rule::explain(self, Param::parse(param)?)
    }

    /// Checks a learner's array for one quantity of this step: ✓ within 1e-9 relative, else
    /// the entries that differ and, when the array equals a known wrong version, the mistake
    /// named (see [`exercise`](crate::exercise)). A quantity of a layer the network does not
    /// have is refused.
    ///
    /// ```
    /// use backprop::{exercise::Quantity, ndarray::array, Values};
    /// let step = Values::chapter().step().unwrap();
    /// // δ2 without f2'(z2): just dJ/da2
    /// let feedback = step.check(Quantity::Delta(2), step.gradients().dj_da()).unwrap();
    /// assert!(!feedback.right);
    /// assert!(feedback.to_string().contains("f2'(z2) is left out"));
    /// ```
    pub fn check(&self, quantity: Quantity, answer: &Array2<f64>) -> Result<Feedback> {
        exercise::check(self, quantity, answer)
    }

    /// This step's gradients against central finite differences of the loss, for every
    /// weight and bias (see [`gradient_check`](crate::gradient_check)).
    pub fn gradient_check(&self) -> Result<GradCheck> {
        gradcheck::compare(&self.network, &self.values.x.data, &self.values.y.data, &self.trace, &self.gradients)
    }
}
