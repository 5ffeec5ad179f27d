//! The chapter's one worked step as one plain value: the given values, the network they
//! describe, the forward pass, the cost, backprop and the update, computed once.
//!
//! Everything that shows the step reads it from here and computes nothing of its own: the
//! printed program, the derivation, the diagram and the chain rule (in `show`), and the checks
//! of a learner's answers (in `teach`). Each of those adds its own method to [`Step`]
//! (`step.walkthrough()`, `step.diagram(View::Forward)`, `step.check(...)`) where it is
//! written, so this module imports none of them.

use ndarray::{Array2, Axis};

use super::network::{Gradients, Network, Trace};
use super::quantity::Quantity;
use crate::error::Result;
use crate::io::{check, IntoGiven, Values};

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
    cost: f64,            // J of the forward pass
    gradients: Gradients, // every dJ/da_l, f'(z_l), δ_l, dJ/dW_l, dJ/db_l
    updated: Network,     // W_l − (η/m) dJ/dW_l and b_l − (η/m) dJ/db_l
}

impl Step {
    /// Works the step through for `values` (checked when they were made); the passes run once.
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
        let depth = network.depth();
        let values = Values::from_parts(
            x.given(),
            y.given(),
            (1..=depth).map(|l| network.w(l).given()).collect(),
            (1..=depth).map(|l| network.b(l).given()).collect(),
            learning_rate,
            (1..=depth).map(|l| network.activation(l)).collect(),
            network.loss(),
        )?;
        Ok(Step::work(values, network.clone()))
    }

    /// The forward pass, the cost, backprop and the update of a network already checked
    /// against the values' x and y.
    fn work(values: Values, network: Network) -> Step {
        let trace = network.pass(values.x());
        let cost = network.loss().value(trace.output(), values.y());
        let gradients = network.backprop(&trace, values.y());
        let mut updated = network.clone();
        updated.update_checked(&gradients, values.learning_rate());
        Step { values, network, trace, cost, gradients, updated }
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

    /// J, the cost of the forward pass (the network's loss, averaged over the samples).
    pub fn cost(&self) -> f64 {
        self.cost
    }

    /// Backprop: every dJ/da_l, f_l'(z_l) and δ_l, dJ/dW_l and dJ/db_l.
    pub fn gradients(&self) -> &Gradients {
        &self.gradients
    }

    /// The network after one SGD update with the values' learning rate.
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

    /// One sample's share of dJ/dW_l `(n_{l-1}, n_l)`: the outer product `a_{l-1}[s]ᵀ δ_l[s]`,
    /// for l from 1 to L and s from 0; dJ/dW_l is their sum over the samples.
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// // one sample: its share is the whole gradient
    /// assert_eq!(&step.sample_dw(2, 0), step.gradients().dw(2));
    /// ```
    #[track_caller]
    pub fn sample_dw(&self, l: usize, s: usize) -> Array2<f64> {
        let a = self.trace.a(l - 1).row(s).insert_axis(Axis(1));
        let delta = self.gradients.delta(l).row(s).insert_axis(Axis(0));
        a.dot(&delta)
    }

    /// The step's own value of `q`, as a new array to work with: `step.value(Quantity::Z(1))`
    /// is z1. `Quantity::A(0)` and `Quantity::Z(0)` are the input x, as floats. A quantity of a
    /// layer the network does not have is refused.
    ///
    /// ```
    /// use backprop::{Quantity, Values};
    /// let step = Values::chapter().step().unwrap();
    /// assert_eq!(step.value(Quantity::Z(1)).unwrap(), step.trace().z(1));
    /// assert!(step.value(Quantity::Delta(3)).is_err());
    /// ```
    pub fn value(&self, q: Quantity) -> Result<Array2<f64>> {
        self.check_layer(q)?;
        Ok(self.value_of(q).to_owned())
    }

    /// Refuses a quantity of a layer this step's network does not have.
    pub(crate) fn check_layer(&self, q: Quantity) -> Result<()> {
        match (q, q.layer()) {
            (Quantity::Z(0) | Quantity::A(0), _) | (_, None) => Ok(()),
            (_, Some(l)) => check::layer(&q.name(self.depth()), l, self.depth()),
        }
    }

    /// The step's value of a quantity of a layer it has.
    pub(crate) fn value_of(&self, q: Quantity) -> &Array2<f64> {
        let (trace, grads, updated) = (&self.trace, &self.gradients, &self.updated);
        match q {
            Quantity::Z(l) => trace.z(l),
            Quantity::A(l) => trace.a(l),
            Quantity::DjDa => grads.dj_da(self.depth()),
            Quantity::DfDz(l) => grads.df_dz(l),
            Quantity::Delta(l) => grads.delta(l),
            Quantity::DW(l) => grads.dw(l),
            Quantity::Db(l) => grads.db(l),
            Quantity::NewW(l) => updated.w(l),
            Quantity::NewB(l) => updated.b(l),
        }
    }
}

impl Values {
    /// The chapter's one worked step for these values: the forward pass, backprop and the
    /// update, computed once (see [`Step`]).
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// assert!((step.trace().z(1)[[0, 0]] - 4.3).abs() < 1e-12);
    /// ```
    pub fn step(&self) -> Result<Step> {
        Step::new(self)
    }
}
