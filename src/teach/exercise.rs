//! Your turn: a learner's array for one quantity of a worked step, checked against the step,
//! with the differing entries shown and a known mistake named.
//!
//! [`Step::check`] compares an answer with the step's own value to 1e-9 relative. When it
//! differs, the feedback lists the entries that differ and by how much; when the answer
//! equals a known wrong version of the quantity (σ' left out, a missing transpose, the
//! update's sign flipped, ...), it names the mistake in one sentence. A wrong shape is
//! reported as shapes, expected and got. [`hint`] gives one sentence per quantity without
//! the solution.

use std::fmt;

use ndarray::{Array2, Axis, Zip};

use crate::error::{shape_str, Result};
use crate::math::Activation;
use crate::model::{Quantity, Step};
use crate::show::short;

/// Answers within this relative distance of the step's value are right.
pub const TOLERANCE: f64 = 1e-9;

/// One sentence of help for a quantity, without its solution.
///
/// ```
/// use backprop::{teach::hint, Quantity};
/// assert!(hint(Quantity::Delta(1)).contains("transpose"));
/// ```
pub fn hint(q: Quantity) -> &'static str {
    match q {
        Quantity::Z(_) => "Multiply the previous layer's activations by the weights (a matrix product, samples in rows), then add the bias as a row, so that it adds to every sample.",
        Quantity::A(_) => "Apply the layer's activation to every entry of z (ndarray's mapv takes a function of one number).",
        Quantity::DjDa => "For J = ½ Σ (a − y)², the derivative with respect to the output is the output minus the target, in that order.",
        Quantity::DfDz(_) => "The derivative of the activation is taken at z, the layer's weighted input; for the sigmoid, σ'(z) = σ(z)(1 − σ(z)).",
        Quantity::Delta(_) => "The output layer's δ multiplies dJ/da by f'(z) entry by entry; a hidden layer's δ brings the next δ back through the next weights, transposed, then multiplies entry by entry by f'(z), all with the weights before the update.",
        Quantity::DW(_) => "Each weight's gradient is the activation at its start times the δ at its end, summed over the samples: the previous layer's activations, transposed, times δ.",
        Quantity::Db(_) => "Sum δ over the samples (down the rows) and stand the result up as a column, shaped like b.",
        Quantity::NewW(_) | Quantity::NewB(_) => "Step against the gradient: subtract the learning rate over the number of samples times the gradient.",
    }
}

/// What a check found.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    /// The quantity's name, as the chapter prints it.
    pub name: String,
    /// Whether the answer matches to [`TOLERANCE`].
    pub right: bool,
    /// When the shape is wrong: (expected, got).
    pub shapes: Option<((usize, usize), (usize, usize))>,
    /// The entries that differ: (row, column, the answer's, the step's).
    pub differ: Vec<(usize, usize, f64, f64)>,
    /// The known mistake the answer equals, in one sentence.
    pub mistake: Option<String>,
}

impl fmt::Display for Feedback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.right {
            return write!(f, "✓ {}: right (within {TOLERANCE:e} relative)", self.name);
        }
        match self.shapes {
            Some((expected, got)) => write!(
                f,
                "✗ {}: expected shape {}, got {}",
                self.name,
                shape_str(&[expected.0, expected.1]),
                shape_str(&[got.0, got.1])
            )?,
            None => {
                write!(
                    f,
                    "✗ {}: {} entr{} differ",
                    self.name,
                    self.differ.len(),
                    if self.differ.len() == 1 { "y" } else { "ies" }
                )?;
                for (i, j, yours, want) in self.differ.iter().take(6) {
                    let off = yours - want;
                    let sign = if off >= 0.0 { "+" } else { "" };
                    write!(f, "\n  [{i}, {j}]: yours {}, off by {sign}{}", short(*yours), short(off))?;
                }
                if self.differ.len() > 6 {
                    write!(f, "\n  … and {} more", self.differ.len() - 6)?;
                }
            }
        }
        match &self.mistake {
            Some(m) => write!(f, "\n  {m}"),
            None => write!(f, "\n  Ask for a hint: hint(Quantity::...)"),
        }
    }
}

impl Feedback {
    /// Shows the feedback as text in a notebook on the Rust kernel.
    pub fn evcxr_display(&self) {
        println!("{self}");
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()) || (a - b).abs() <= 1e-300
}

fn same(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.dim() == b.dim() && Zip::from(a).and(b).all(|&x, &y| close(x, y))
}

/// `a + b` with b a column `(n, 1)` broadcast the way numpy would for `a (m, n) + b`, when it
/// can: what adding the bias as a column gives.
fn plus_column(a: &Array2<f64>, b: &Array2<f64>) -> Option<Array2<f64>> {
    let (m, n) = a.dim();
    let k = b.nrows();
    // numpy broadcasts (m, n) with (k, 1) to (max(m, k), n) when m == 1 or m == k
    if m != 1 && m != k {
        return None;
    }
    Some(Array2::from_shape_fn((k.max(m), n), |(i, j)| a[[if m == 1 { 0 } else { i }, j]] + b[[i, 0]]))
}

/// A wrong version of a quantity, with the sentence that names the mistake.
type Wrong = (Array2<f64>, String);

/// The known wrong versions of `q` in `step`, each with the sentence that names it.
fn mistakes(step: &Step, q: Quantity) -> Vec<Wrong> {
    match q {
        Quantity::Z(l) => z_mistakes(step, l),
        Quantity::A(l) => a_mistakes(step, l),
        Quantity::DjDa => {
            let depth = step.depth();
            let a = step.trace().a(depth);
            vec![(
                step.values().y() - a,
                format!("The sign is flipped: dJ/da{depth} = a{depth} − y, not y − a{depth}."),
            )]
        }
        Quantity::DfDz(l) => slope_mistakes(step, l),
        Quantity::Delta(l) => delta_mistakes(step, l),
        Quantity::DW(l) => weight_gradient_mistakes(step, l),
        Quantity::Db(l) => bias_gradient_mistakes(step, l),
        Quantity::NewW(l) => update_mistakes(step, l, false),
        Quantity::NewB(l) => update_mistakes(step, l, true),
    }
}

/// z_l with its bias added as a column, or without it.
fn z_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let (b, aw) = (step.network().b(l), step.trace().aw(l));
    let mut out = Vec::new();
    if let Some(column) = plus_column(aw, b) {
        out.push((column, format!("The bias was added as a column: b{l} is ({}, 1), and a column added to a{} W{l} broadcasts the wrong way; add b{l}ᵀ, a row, so that it adds to every sample.", b.nrows(), l - 1)));
    }
    out.push((aw.clone(), format!("The bias is missing: z{l} = a{} W{l} + b{l}ᵀ.", l - 1)));
    out
}

/// a_l as z_l itself, or as f'.
fn a_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let mut out =
        vec![(step.trace().z(l).clone(), format!("The activation is missing: a{l} = f{l}(z{l}), not z{l} itself."))];
    if step.network().activation(l) != Activation::Softmax {
        out.push((
            step.gradients().df_dz(l).clone(),
            format!("That is the activation's derivative f{l}'(z{l}); a{l} is the activation itself, f{l}(z{l})."),
        ));
    }
    out
}

/// f_l' taken at a_l, or a_l itself.
fn slope_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let (f, a) = (step.network().activation(l), step.trace().a(l));
    if f == Activation::Softmax {
        return Vec::new();
    }
    vec![
        (f.derivative(a), format!("That is f{l}' taken at a{l}; the derivative is taken at z{l}: f{l}'(z{l}).")),
        (a.clone(), format!("That is the activation's value a{l} = f{l}(z{l}); the derivative f{l}'(z{l}) is wanted.")),
    ]
}

/// δ_l with f' left out or taken wrong, a matrix product for the elementwise one, W without
/// its transpose or already updated.
fn delta_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let (net, trace, grads, updated) = (step.network(), step.trace(), step.gradients(), step.updated());
    let depth = net.depth();
    let (df, a, f) = (grads.df_dz(l), trace.a(l), net.activation(l));
    // what δ_l multiplies by f_l' entry by entry: dJ/da_l
    let back = grads.dj_da(l);
    let what = if l == depth { format!("dJ/da{depth}") } else { format!("δ{} W{}ᵀ", l + 1, l + 1) };
    let mut out = Vec::new();
    if l < depth || !net.loss().folds_output_derivative() {
        out.push((back.clone(), format!("f{l}'(z{l}) is left out: δ{l} = {what} ⊙ f{l}'(z{l}).")));
        if f != Activation::Softmax {
            out.push((
                back * &f.derivative(a),
                format!("f{l}' is taken at a{l}; it belongs at z{l}: δ{l} = {what} ⊙ f{l}'(z{l})."),
            ));
        }
        out.push((back * a, format!("The activation's value a{l} stands where its derivative f{l}'(z{l}) belongs.")));
        out.push((back.dot(&df.t()), format!("A matrix product where the Hadamard product belongs: δ{l} = {what} ⊙ f{l}'(z{l}) multiplies entry by entry.")));
    }
    if l < depth {
        let next = l + 1;
        let (d_next, w_next) = (grads.delta(next), net.w(next));
        if d_next.ncols() == w_next.nrows() {
            out.push((
                d_next.dot(w_next) * df,
                format!("The transpose is missing: δ{next} is brought back through W{next}ᵀ, not W{next}."),
            ));
        }
        out.push((
            d_next.dot(&updated.w(next).t()) * df,
            format!("W{next} was already updated: δ{l} uses the weights of the forward pass, before the update."),
        ));
    }
    out
}

/// dJ/dW_l transposed, with a_l for a_{l−1}, or without the transpose.
fn weight_gradient_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let (trace, grads) = (step.trace(), step.gradients());
    let (a_prev, d) = (trace.a(l - 1), grads.delta(l));
    let before = l - 1;
    let mut out = vec![
        (d.t().dot(a_prev), format!("That is δ{l}ᵀ a{before}, the transpose: dJ/dW{l} = a{before}ᵀ δ{l}, shaped like W{l}.")),
        (trace.a(l).t().dot(d), format!("a{l} stands where a{before} belongs: a weight's gradient takes the activation at its start, dJ/dW{l} = a{before}ᵀ δ{l}.")),
    ];
    if a_prev.ncols() == d.nrows() {
        out.push((a_prev.dot(d), format!("The transpose is missing: dJ/dW{l} = a{before}ᵀ δ{l}.")));
    }
    out
}

/// dJ/db_l summed over the wrong axis, as a row, or not summed.
fn bias_gradient_mistakes(step: &Step, l: usize) -> Vec<Wrong> {
    let d = step.gradients().delta(l);
    vec![
        (d.sum_axis(Axis(1)).insert_axis(Axis(1)), format!("δ{l} was summed over the wrong axis: sum over the samples (axis 0, down the rows), one entry per unit.")),
        (d.sum_axis(Axis(0)).insert_axis(Axis(0)), format!("dJ/db{l} is a row; b{l} is a column ({}, 1), so the gradient is stood up as one.", d.ncols())),
        (d.clone(), format!("δ{l} itself is not summed over the samples and is a row; dJ/db{l} is its column sums, as a column.")),
    ]
}

/// The update with its sign flipped, η for η/m, without η, or only the change.
fn update_mistakes(step: &Step, l: usize, bias: bool) -> Vec<Wrong> {
    let (net, grads) = (step.network(), step.gradients());
    let m = step.samples() as f64;
    let eta = step.values().learning_rate();
    let (p, g) = if bias { (net.b(l), grads.db(l)) } else { (net.w(l), grads.dw(l)) };
    let name = if bias { format!("b{l}") } else { format!("W{l}") };
    let factor = eta / m;
    let mut out = vec![(
        p + &g.mapv(|g| factor * g),
        format!("The update's sign is flipped: {name} − (η/m) dJ/d{name}, against the gradient."),
    )];
    if m > 1.0 {
        out.push((p - &g.mapv(|g| eta * g), format!("η stands where η/m belongs (or 1/m is left out): dJ/d{name} sums over the {m} samples, so the step divides by m.")));
    }
    out.push((p - g, format!("The learning rate is left out: {name} − (η/m) dJ/d{name}.")));
    out.push((
        g.mapv(|g| -factor * g),
        format!("That is only the change, −(η/m) dJ/d{name}; the new {name} is the old one plus it."),
    ));
    out
}

impl Step {
    /// Checks a learner's array for one quantity of this step: ✓ within 1e-9 relative, else
    /// the entries that differ and, when the array equals a known wrong version, the mistake
    /// named. A quantity of a layer the network does not have is refused.
    ///
    /// ```
    /// use backprop::{Quantity, Values};
    /// let step = Values::chapter().step().unwrap();
    /// // δ2 without f2'(z2): just dJ/da2
    /// let feedback = step.check(Quantity::Delta(2), step.gradients().dj_da(2)).unwrap();
    /// assert!(!feedback.right);
    /// assert!(feedback.to_string().contains("f2'(z2) is left out"));
    /// ```
    pub fn check(&self, q: Quantity, answer: &Array2<f64>) -> Result<Feedback> {
        self.check_layer(q)?;
        let want = self.value_of(q);
        // the wrong versions are worked out only for an answer that is wrong
        let mistake = || mistakes(self, q).into_iter().find(|(wrong, _)| same(wrong, answer)).map(|(_, why)| why);
        let name = q.name(self.depth());
        if answer.dim() != want.dim() {
            return Ok(Feedback {
                name,
                right: false,
                shapes: Some((want.dim(), answer.dim())),
                differ: vec![],
                mistake: mistake(),
            });
        }
        let differ: Vec<(usize, usize, f64, f64)> = want
            .indexed_iter()
            .filter(|(at, w)| !close(answer[*at], **w))
            .map(|((i, j), w)| (i, j, answer[[i, j]], *w))
            .collect();
        let right = differ.is_empty();
        Ok(Feedback { name, right, shapes: None, differ, mistake: if right { None } else { mistake() } })
    }
}
