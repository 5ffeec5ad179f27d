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
use std::str::FromStr;

use ndarray::{Array2, Axis, Zip};

use crate::activation::Activation;
use crate::diagram::short;
use crate::error::{shape_str, Error, Result};
use crate::loss::Loss;
use crate::step::Step;

/// Answers within this relative distance of the step's value are right.
pub const TOLERANCE: f64 = 1e-9;

/// One quantity of the worked step; layers are numbered from 1, as in the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// z_l = a_{l−1} W_l + b_lᵀ.
    Z(usize),
    /// a_l = f_l(z_l).
    A(usize),
    /// dJ/da_L = a_L − y.
    DjDa,
    /// f_l'(z_l).
    DfDz(usize),
    /// δ_l.
    Delta(usize),
    /// dJ/dW_l = a_{l−1}ᵀ δ_l.
    DW(usize),
    /// dJ/db_l = the column sums of δ_l, as a column.
    Db(usize),
    /// W_l after the update.
    NewW(usize),
    /// b_l after the update.
    NewB(usize),
}

impl Quantity {
    /// Every quantity of a network of `depth` layers, in the order the chapter computes them.
    pub fn all(depth: usize) -> Vec<Quantity> {
        let mut all: Vec<Quantity> = (1..=depth).flat_map(|l| [Quantity::Z(l), Quantity::A(l)]).collect();
        all.push(Quantity::DjDa);
        for l in (1..=depth).rev() {
            all.extend([Quantity::DfDz(l), Quantity::Delta(l)]);
        }
        all.extend((1..=depth).rev().flat_map(|l| [Quantity::DW(l), Quantity::Db(l)]));
        all.extend((1..=depth).flat_map(|l| [Quantity::NewW(l), Quantity::NewB(l)]));
        all
    }

    /// The name the chapter's program prints it under (`z1`, `dJda2`, `f2'(z2)`, `d1`,
    /// `dLdW1`, `dLdb2`), and `W1_new`, `b1_new` for the updated parameters; the answers file
    /// of [`mark`] uses these names. `depth` is L, for dJ/da_L.
    pub fn name(self, depth: usize) -> String {
        match self {
            Quantity::Z(l) => format!("z{l}"),
            Quantity::A(l) => format!("a{l}"),
            Quantity::DjDa => format!("dJda{depth}"),
            Quantity::DfDz(l) => format!("f{l}'(z{l})"),
            Quantity::Delta(l) => format!("d{l}"),
            Quantity::DW(l) => format!("dLdW{l}"),
            Quantity::Db(l) => format!("dLdb{l}"),
            Quantity::NewW(l) => format!("W{l}_new"),
            Quantity::NewB(l) => format!("b{l}_new"),
        }
    }

    fn layer(self) -> Option<usize> {
        match self {
            Quantity::DjDa => None,
            Quantity::Z(l)
            | Quantity::A(l)
            | Quantity::DfDz(l)
            | Quantity::Delta(l)
            | Quantity::DW(l)
            | Quantity::Db(l)
            | Quantity::NewW(l)
            | Quantity::NewB(l) => Some(l),
        }
    }
}

impl FromStr for Quantity {
    type Err = Error;

    /// Parses a name as [`Quantity::name`] writes it.
    ///
    /// ```
    /// use backprop::exercise::Quantity;
    /// assert_eq!("f2'(z2)".parse::<Quantity>().unwrap(), Quantity::DfDz(2));
    /// assert_eq!("W1_new".parse::<Quantity>().unwrap(), Quantity::NewW(1));
    /// assert!("q1".parse::<Quantity>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Quantity> {
        let bad = || Error::Value {
            name: "quantity".into(),
            problem: format!(
                "expected a name such as z1, a1, dJda2, f2'(z2), d2, dLdW1, dLdb1, W1_new or b1_new, got {s:?}"
            ),
        };
        let number = |t: &str| t.parse::<usize>().ok().filter(|l| *l >= 1).ok_or_else(bad);
        if let Some(rest) = s.strip_prefix("dJda") {
            number(rest)?;
            return Ok(Quantity::DjDa);
        }
        if let Some(rest) = s.strip_prefix("dLdW") {
            return Ok(Quantity::DW(number(rest)?));
        }
        if let Some(rest) = s.strip_prefix("dLdb") {
            return Ok(Quantity::Db(number(rest)?));
        }
        if let Some(rest) = s.strip_suffix("_new") {
            if let Some(l) = rest.strip_prefix('W') {
                return Ok(Quantity::NewW(number(l)?));
            }
            if let Some(l) = rest.strip_prefix('b') {
                return Ok(Quantity::NewB(number(l)?));
            }
        }
        if let Some(rest) = s.strip_prefix('f') {
            let (l, tail) = rest.split_once("'(z").ok_or_else(bad)?;
            if tail.strip_suffix(')') == Some(l) {
                return Ok(Quantity::DfDz(number(l)?));
            }
            return Err(bad());
        }
        match s.split_at(1.min(s.len())) {
            ("z", l) => Ok(Quantity::Z(number(l)?)),
            ("a", l) => Ok(Quantity::A(number(l)?)),
            ("d", l) => Ok(Quantity::Delta(number(l)?)),
            _ => Err(bad()),
        }
    }
}

/// One sentence of help for a quantity, without its solution.
///
/// ```
/// use backprop::exercise::{hint, Quantity};
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
            None => write!(f, "\n  Ask for a hint: backprop::exercise::hint(Quantity::...)"),
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

/// The known wrong versions of `q` in `step`, each with the sentence that names it.
fn mistakes(step: &Step, q: Quantity) -> Vec<(Array2<f64>, String)> {
    let (net, trace, grads, updated) = (step.network(), step.trace(), step.gradients(), step.updated());
    let depth = net.depth();
    let m = step.samples() as f64;
    let eta = step.values().learning_rate;
    let mse = net.loss() == Loss::Mse;
    let mut out: Vec<(Array2<f64>, String)> = Vec::new();
    let mut add = |a: Option<Array2<f64>>, why: String| {
        if let Some(a) = a {
            out.push((a, why));
        }
    };
    let f_at = |l: usize, z: &Array2<f64>| -> Array2<f64> { net.activation(l).backward(z) };
    match q {
        Quantity::Z(l) => {
            let aw = trace.a(l - 1).dot(net.w(l));
            add(plus_column(&aw, net.b(l)), format!("The bias was added as a column: b{l} is ({}, 1), and a column added to a{} W{l} broadcasts the wrong way; add b{l}ᵀ, a row, so that it adds to every sample.", net.b(l).nrows(), l - 1));
            add(Some(aw.clone()), format!("The bias is missing: z{l} = a{} W{l} + b{l}ᵀ.", l - 1));
        }
        Quantity::A(l) => {
            add(Some(trace.z(l).clone()), format!("The activation is missing: a{l} = f{l}(z{l}), not z{l} itself."));
            if net.activation(l) != Activation::Softmax {
                add(
                    Some(grads.df_dz(l).clone()),
                    format!(
                        "That is the activation's derivative f{l}'(z{l}); a{l} is the activation itself, f{l}(z{l})."
                    ),
                );
            }
        }
        Quantity::DjDa => {
            let a = trace.a(depth);
            add(
                Some(&step.values().y.data - a),
                format!("The sign is flipped: dJ/da{depth} = a{depth} − y, not y − a{depth}."),
            );
        }
        Quantity::DfDz(l) => {
            if net.activation(l) != Activation::Softmax {
                add(
                    Some(f_at(l, trace.a(l))),
                    format!("That is f{l}' taken at a{l}; the derivative is taken at z{l}: f{l}'(z{l})."),
                );
                add(
                    Some(trace.a(l).clone()),
                    format!("That is the activation's value a{l} = f{l}(z{l}); the derivative f{l}'(z{l}) is wanted."),
                );
            }
        }
        Quantity::Delta(l) => {
            let (df, a) = (grads.df_dz(l), trace.a(l));
            let back = if l == depth { grads.dj_da().clone() } else { grads.delta(l + 1).dot(&net.w(l + 1).t()) };
            let what = if l == depth { format!("dJ/da{depth}") } else { format!("δ{} W{}ᵀ", l + 1, l + 1) };
            if mse || l < depth {
                add(Some(back.clone()), format!("f{l}'(z{l}) is left out: δ{l} = {what} ⊙ f{l}'(z{l})."));
                if net.activation(l) != Activation::Softmax {
                    add(
                        Some(&back * &f_at(l, a)),
                        format!("f{l}' is taken at a{l}; it belongs at z{l}: δ{l} = {what} ⊙ f{l}'(z{l})."),
                    );
                }
                add(
                    Some(&back * a),
                    format!("The activation's value a{l} stands where its derivative f{l}'(z{l}) belongs."),
                );
                add(Some(back.dot(&df.t())), format!("A matrix product where the Hadamard product belongs: δ{l} = {what} ⊙ f{l}'(z{l}) multiplies entry by entry."));
            }
            if l < depth {
                let (d_next, w_next) = (grads.delta(l + 1), net.w(l + 1));
                if d_next.ncols() == w_next.nrows() {
                    add(
                        Some(d_next.dot(w_next) * df),
                        format!(
                            "The transpose is missing: δ{} is brought back through W{}ᵀ, not W{}.",
                            l + 1,
                            l + 1,
                            l + 1
                        ),
                    );
                }
                add(
                    Some(d_next.dot(&updated.w(l + 1).t()) * df),
                    format!(
                        "W{} was already updated: δ{l} uses the weights of the forward pass, before the update.",
                        l + 1
                    ),
                );
                let outer = (d_next.dot(&w_next.t())).dot(&df.t());
                add(Some(outer), format!("A matrix product where the Hadamard product belongs: (δ{} W{}ᵀ) ⊙ f{l}'(z{l}) multiplies entry by entry.", l + 1, l + 1));
            }
        }
        Quantity::DW(l) => {
            let (a_prev, d) = (trace.a(l - 1), grads.delta(l));
            add(
                Some(d.t().dot(a_prev)),
                format!("That is δ{l}ᵀ a{}, the transpose: dJ/dW{l} = a{}ᵀ δ{l}, shaped like W{l}.", l - 1, l - 1),
            );
            add(Some(trace.a(l).t().dot(d)), format!("a{l} stands where a{} belongs: a weight's gradient takes the activation at its start, dJ/dW{l} = a{}ᵀ δ{l}.", l - 1, l - 1));
            if a_prev.ncols() == d.nrows() {
                add(Some(a_prev.dot(d)), format!("The transpose is missing: dJ/dW{l} = a{}ᵀ δ{l}.", l - 1));
            }
        }
        Quantity::Db(l) => {
            let d = grads.delta(l);
            add(Some(d.sum_axis(Axis(1)).insert_axis(Axis(1))), format!("δ{l} was summed over the wrong axis: sum over the samples (axis 0, down the rows), one entry per unit."));
            add(
                Some(d.sum_axis(Axis(0)).insert_axis(Axis(0))),
                format!("dJ/db{l} is a row; b{l} is a column ({}, 1), so the gradient is stood up as one.", d.ncols()),
            );
            add(Some(d.clone()), format!("δ{l} itself is not summed over the samples and is a row; dJ/db{l} is its column sums, as a column."));
        }
        Quantity::NewW(l) | Quantity::NewB(l) => {
            let bias = matches!(q, Quantity::NewB(_));
            let (p, g) = if bias { (net.b(l), grads.db(l)) } else { (net.w(l), grads.dw(l)) };
            let name = if bias { format!("b{l}") } else { format!("W{l}") };
            let factor = eta / m;
            add(
                Some(p + &g.mapv(|g| factor * g)),
                format!("The update's sign is flipped: {name} − (η/m) dJ/d{name}, against the gradient."),
            );
            if m > 1.0 {
                add(Some(p - &g.mapv(|g| eta * g)), format!("η stands where η/m belongs (or 1/m is left out): dJ/d{name} sums over the {m} samples, so the step divides by m."));
            }
            add(Some(p - g), format!("The learning rate is left out: {name} − (η/m) dJ/d{name}."));
            add(
                Some(g.mapv(|g| -factor * g)),
                format!("That is only the change, −(η/m) dJ/d{name}; the new {name} is the old one plus it."),
            );
        }
    }
    out
}

/// The step's own value of `q`.
fn value(step: &Step, q: Quantity) -> Array2<f64> {
    let (trace, grads, updated) = (step.trace(), step.gradients(), step.updated());
    match q {
        Quantity::Z(l) => trace.z(l).clone(),
        Quantity::A(l) => trace.a(l).clone(),
        Quantity::DjDa => grads.dj_da().clone(),
        Quantity::DfDz(l) => grads.df_dz(l).clone(),
        Quantity::Delta(l) => grads.delta(l).clone(),
        Quantity::DW(l) => grads.dw(l).clone(),
        Quantity::Db(l) => grads.db(l).clone(),
        Quantity::NewW(l) => updated.w(l).clone(),
        Quantity::NewB(l) => updated.b(l).clone(),
    }
}

/// Checks `answer` against the step's value of `q`; see [`Step::check`].
pub(crate) fn check(step: &Step, q: Quantity, answer: &Array2<f64>) -> Result<Feedback> {
    let depth = step.depth();
    if let Some(l) = q.layer() {
        if l == 0 || l > depth {
            return Err(Error::Value {
                name: q.name(depth),
                problem: format!("no such layer: this network has layers 1 to {depth}"),
            });
        }
    }
    let want = value(step, q);
    // the wrong versions are worked out only for an answer that is wrong
    let mistake = || mistakes(step, q).into_iter().find(|(wrong, _)| same(wrong, answer)).map(|(_, why)| why);
    let name = q.name(depth);
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

/// The marks of an answers file against a values file: one feedback per answer, in the
/// chapter's order; see `backprop mark`.
pub fn mark(step: &Step, answers_json: &str, source: &str) -> Result<Vec<Feedback>> {
    let root = crate::json::any_object(answers_json, source)?;
    let mut marks = Vec::new();
    let order = Quantity::all(step.depth());
    let mut given: Vec<(Quantity, &serde_json::Value)> = Vec::new();
    for (key, v) in &root {
        let q = key.parse::<Quantity>().map_err(|e| Error::Field { path: key.clone(), problem: e.to_string() })?;
        given.push((q, v));
    }
    given.sort_by_key(|(q, _)| order.iter().position(|o| o == q).unwrap_or(usize::MAX));
    for (q, v) in given {
        let answer = crate::json::matrix(v, &q.name(step.depth()))?.data;
        marks.push(check(step, q, &answer)?);
    }
    Ok(marks)
}
