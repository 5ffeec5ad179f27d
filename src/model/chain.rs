//! The chain rule for one weight or bias of a worked step, worked out path by path: every path
//! from the parameter to the cost, the factors along it, their products and their sum, beside
//! backprop's entry and a finite-difference estimate. `show::chain_rule` writes it out.

use super::gradcheck::numeric_gradient;
use super::param::Param;
use super::step::Step;
use crate::error::Result;

/// One factor of a path, named by what it is in the chapter's notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    /// a_l[unit]: the activation a weight starts from.
    Activation {
        /// l.
        layer: usize,
        /// The unit, from 0.
        unit: usize,
    },
    /// f_l'(z_l[unit]): the slope of a unit's activation.
    Slope {
        /// l.
        layer: usize,
        /// The unit, from 0.
        unit: usize,
    },
    /// W_l[from, to]: a weight the change travels through.
    Weight {
        /// l.
        layer: usize,
        /// Its row, the unit of layer l − 1 it comes from.
        from: usize,
        /// Its column, the unit of layer l it goes to.
        to: usize,
    },
    /// ∂J/∂a_L[unit], or ∂J/∂z_L[unit] where the loss folds f_L' in
    /// ([`Loss::folds_output_derivative`](crate::Loss::folds_output_derivative)).
    Cost {
        /// L.
        layer: usize,
        /// The output, from 0.
        unit: usize,
        /// Whether it is the derivative with respect to z_L (the folded output error).
        of_z: bool,
    },
}

/// One path from the parameter to the cost: its factors with their values, and their product.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The factors in the order the change meets them, each with its value.
    pub factors: Vec<(Factor, f64)>,
    /// Their product.
    pub product: f64,
}

/// The chain rule for one parameter of a step; see [`Step::chain_paths`].
#[derive(Clone, Debug, PartialEq)]
pub struct ChainPaths {
    /// The parameter.
    pub param: Param,
    /// L, the layer of the cost.
    pub depth: usize,
    /// For each sample, every path from the parameter to the cost.
    pub samples: Vec<Vec<Path>>,
    /// The sum of every path's product over every sample: dJ/d(param) as backprop sums it.
    pub total: f64,
    /// Backprop's own entry for the parameter, of a_{l−1}ᵀ δ_l or of Σ δ_l.
    pub backprop: f64,
    /// The same, estimated by central finite differences of J (times m, as backprop sums over
    /// the samples where J averages).
    pub numeric: f64,
}

impl ChainPaths {
    /// How many paths lead from the parameter to the cost, per sample.
    pub fn per_sample(&self) -> usize {
        self.samples[0].len()
    }
}

impl Step {
    /// The chain rule for one weight or bias, `"W1[2,1]"` or `"b2[0]"` (numpy's indices, from
    /// 0): every path to the cost with its factors, their products and sum, backprop's entry and
    /// the finite-difference estimate. A parameter the network does not have is refused.
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// let chain = step.chain_paths("W1[2,1]").unwrap();
    /// assert_eq!(chain.per_sample(), 2);
    /// assert!((chain.total - step.gradients().dw(1)[[2, 1]]).abs() < 1e-15);
    /// ```
    pub fn chain_paths(&self, param: &str) -> Result<ChainPaths> {
        let param = Param::parse(param)?;
        param.check(&self.network().sizes())?;
        let samples: Vec<Vec<Path>> = (0..self.samples()).map(|s| self.paths(param, s)).collect();
        let mut total = 0.0;
        for paths in &samples {
            let sample_total: f64 = paths.iter().map(|path| path.product).sum();
            total += sample_total;
        }
        let (l, j) = (param.layer, if param.bias { param.row } else { param.col });
        let grads = self.gradients();
        let backprop = if param.bias { grads.db(l)[[j, 0]] } else { grads.dw(l)[[param.row, j]] };
        let values = self.values();
        let numeric = numeric_gradient(self.network(), values.x(), values.y(), param) * self.samples() as f64;
        Ok(ChainPaths { param, depth: self.depth(), samples, total, backprop, numeric })
    }

    /// Every path's factors for sample `s`: from unit j of the parameter's layer to each output.
    fn paths(&self, param: Param, s: usize) -> Vec<Path> {
        let (net, trace, grads) = (self.network(), self.trace(), self.gradients());
        let depth = net.depth();
        let (l, j) = (param.layer, if param.bias { param.row } else { param.col });
        let folded = net.loss().folds_output_derivative();
        // with a folding loss the output's f' is inside dJ/dz_L = δ_L
        let slope = |t: usize, v: usize| -> Option<(Factor, f64)> {
            (t < depth || !folded).then(|| (Factor::Slope { layer: t, unit: v }, grads.df_dz(t)[[s, v]]))
        };
        let mut start = Vec::new();
        if !param.bias {
            start.push((Factor::Activation { layer: l - 1, unit: param.row }, trace.a(l - 1)[[s, param.row]]));
        }
        start.extend(slope(l, j));
        let mut partial = vec![(j, start)];
        for t in l + 1..=depth {
            let mut next = Vec::new();
            for (u, factors) in &partial {
                for v in 0..net.w(t).ncols() {
                    let mut f = factors.clone();
                    f.push((Factor::Weight { layer: t, from: *u, to: v }, net.w(t)[[*u, v]]));
                    f.extend(slope(t, v));
                    next.push((v, f));
                }
            }
            partial = next;
        }
        let last = |k: usize| if folded { grads.delta(depth)[[s, k]] } else { grads.dj_da(depth)[[s, k]] };
        partial
            .into_iter()
            .map(|(k, mut factors)| {
                factors.push((Factor::Cost { layer: depth, unit: k, of_z: folded }, last(k)));
                let product = factors.iter().map(|(_, v)| v).product();
                Path { factors, product }
            })
            .collect()
    }
}
