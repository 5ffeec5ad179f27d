//! Working out the mistake in a wrong answer, by search rather than by lookup.
//!
//! Each quantity of the worked step is written as the expression the chapter builds it by:
//! δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f_l'(z_l), dJ/dW_l = a_{l−1}ᵀ δ_l, and so on, over the step's parts
//! (z, a, δ, W, b, y). The search changes that expression the ways a learner slips: an operand
//! swapped for its neighbour (a for z, the updated W for the old, another layer's), a factor or
//! a term left out, a transpose missing or added, a matrix product for an elementwise one and
//! back, a sign, a constant factor (2, ½, m, 1/m, η), the wrong axis or no sum, the bias
//! broadcast the wrong way, a number rounded. It tries each slip alone and every pair, evaluates
//! each, and keeps those that give the answer. The fewest slips win; when different slips give
//! the same array, it says so rather than choose.
//!
//! Where a quantity's parts are a learner's own earlier answers (an answers file, a printed
//! program), the same expressions built from those tell whether a wrong answer follows from an
//! earlier mistake: the error carried forward.

use std::collections::HashMap;

use ndarray::{Array2, Axis, Zip};

use crate::math::{Activation, Loss};
use crate::model::{Quantity, Step};

/// A matrix a quantity is built from: a given value, or a quantity of the step (a learner's
/// own answer for it, where one is given). `Q(Quantity::A(0))` is x.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Y,
    W(usize),
    B(usize),
    Q(Quantity),
}

/// A constant a learner may multiply by, or leave out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coef {
    EtaOverM,
    Eta,
    OneOverM,
    M,
    Two,
    Half,
    MinusOne,
}

/// An expression over the step's parts, evaluated as numpy would (broadcasting included).
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Leaf(Part),
    /// A part as a learner copies it from a printed page: rounded to this many decimals.
    Rounded(Part, i32),
    T(Box<Expr>),
    Dot(Box<Expr>, Box<Expr>),
    Had(Box<Expr>, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    /// f_l applied.
    F(usize, Box<Expr>),
    /// f_l' applied.
    DF(usize, Box<Expr>),
    /// Summed down the rows (over the samples): a row.
    SumRows(Box<Expr>),
    /// Summed across each row (over the units): a column.
    SumCols(Box<Expr>),
    Scale(Coef, Box<Expr>),
    /// The whole result rounded to this many decimals.
    RoundAll(Box<Expr>, i32),
}

use Expr::*;

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn leaf(p: Part) -> Expr {
    Leaf(p)
}

fn q(quantity: Quantity) -> Expr {
    Leaf(Part::Q(quantity))
}

/// One slip, as it is named to the learner. A slip of the whole result (a sign, a factor, a
/// transpose, rounding) is `generic`: where a slip inside the formula gives the same array,
/// that one is named, as it says more.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Slip {
    generic: bool,
    text: String,
}

/// The parts an expression is evaluated over: the step's, with a learner's own answers in
/// place of the step's quantities where given.
pub(crate) struct Parts<'a> {
    pub(crate) step: &'a Step,
    pub(crate) own: &'a HashMap<Quantity, Array2<f64>>,
    /// When set, every part comes with each entry nudged by a fixed pseudo-random factor: two
    /// explanations that still agree then are one mistake in two wordings, not two mistakes
    /// these numbers cannot tell apart.
    pub(crate) nudged: bool,
}

impl Parts<'_> {
    fn get(&self, part: Part) -> Option<Array2<f64>> {
        if !self.nudged {
            return self.unnudged(part);
        }
        // nudged: the given values each entry by a fixed pseudo-random factor, and every
        // quantity computed from them by its recipe, so that formulas equal as algebra stay
        // equal
        let seed = match part {
            Part::Y => 1,
            Part::W(l) => 10 + l as u64,
            Part::B(l) => 100 + l as u64,
            Part::Q(Quantity::A(0) | Quantity::Z(0)) => 1000,
            Part::Q(quantity) => return recipe(self.step, quantity)?.eval(self),
        };
        let mut rng = crate::model::Rng::new(seed);
        Some(self.unnudged(part)?.mapv(|v| v * (1.0 + 0.1 * rng.next_f64()) + 0.01 * rng.next_f64()))
    }

    fn unnudged(&self, part: Part) -> Option<Array2<f64>> {
        let v = self.step.values();
        let depth = self.step.depth();
        let layer = |l: usize| (1..=depth).contains(&l);
        Some(match part {
            Part::Y => v.y().to_owned(),
            Part::W(l) if layer(l) => v.w(l).to_owned(),
            Part::B(l) if layer(l) => v.b(l).to_owned(),
            Part::Q(quantity) => {
                if let Some(own) = self.own.get(&quantity) {
                    return Some(own.clone());
                }
                self.step.check_layer(quantity).ok()?;
                if matches!(quantity, Quantity::Z(0) | Quantity::A(0)) || quantity.layer().is_none_or(layer) {
                    self.step.value_of(quantity).to_owned()
                } else {
                    return None;
                }
            }
            _ => return None,
        })
    }

    fn coef(&self, c: Coef) -> f64 {
        let m = self.step.samples() as f64;
        let eta = self.step.values().learning_rate();
        match c {
            Coef::EtaOverM => eta / m,
            Coef::Eta => eta,
            Coef::OneOverM => 1.0 / m,
            Coef::M => m,
            Coef::Two => 2.0,
            Coef::Half => 0.5,
            Coef::MinusOne => -1.0,
        }
    }
}

/// numpy's broadcasting of two shapes, if they broadcast.
fn broadcast(a: (usize, usize), b: (usize, usize)) -> Option<(usize, usize)> {
    let one = |x: usize, y: usize| match (x, y) {
        (x, y) if x == y => Some(x),
        (1, y) => Some(y),
        (x, 1) => Some(x),
        _ => None,
    };
    Some((one(a.0, b.0)?, one(a.1, b.1)?))
}

fn elementwise(x: &Array2<f64>, y: &Array2<f64>, op: impl Fn(f64, f64) -> f64) -> Option<Array2<f64>> {
    let shape = broadcast(x.dim(), y.dim())?;
    let (x, y) = (x.broadcast(shape)?, y.broadcast(shape)?);
    Some(Zip::from(&x).and(&y).map_collect(|&a, &b| op(a, b)))
}

fn round(a: &Array2<f64>, decimals: i32) -> Array2<f64> {
    crate::show::round(a, decimals)
}

impl Expr {
    fn eval(&self, parts: &Parts<'_>) -> Option<Array2<f64>> {
        Some(match self {
            Leaf(p) => parts.get(*p)?,
            Rounded(p, k) => round(&parts.get(*p)?, *k),
            T(x) => x.eval(parts)?.reversed_axes(),
            Dot(x, y) => {
                let (x, y) = (x.eval(parts)?, y.eval(parts)?);
                if x.ncols() != y.nrows() {
                    return None;
                }
                x.dot(&y)
            }
            Had(x, y) => elementwise(&x.eval(parts)?, &y.eval(parts)?, |a, b| a * b)?,
            Add(x, y) => elementwise(&x.eval(parts)?, &y.eval(parts)?, |a, b| a + b)?,
            Sub(x, y) => elementwise(&x.eval(parts)?, &y.eval(parts)?, |a, b| a - b)?,
            F(l, x) => activation(parts, *l)?.apply(&x.eval(parts)?),
            DF(l, x) => activation(parts, *l)?.derivative(&x.eval(parts)?),
            SumRows(x) => x.eval(parts)?.sum_axis(Axis(0)).insert_axis(Axis(0)),
            SumCols(x) => x.eval(parts)?.sum_axis(Axis(1)).insert_axis(Axis(1)),
            Scale(c, x) => {
                let c = parts.coef(*c);
                x.eval(parts)?.mapv(|v| c * v)
            }
            RoundAll(x, k) => round(&x.eval(parts)?, *k),
        })
    }

    /// The quantities the expression reads (for the error carried forward).
    fn quantities(&self, out: &mut Vec<Quantity>) {
        match self {
            Leaf(Part::Q(q)) | Rounded(Part::Q(q), _) => out.push(*q),
            Leaf(_) | Rounded(..) => {}
            T(x) | F(_, x) | DF(_, x) | SumRows(x) | SumCols(x) | Scale(_, x) | RoundAll(x, _) => x.quantities(out),
            Dot(x, y) | Had(x, y) | Add(x, y) | Sub(x, y) => {
                x.quantities(out);
                y.quantities(out);
            }
        }
    }
}

fn activation(parts: &Parts<'_>, l: usize) -> Option<Activation> {
    (1..=parts.step.depth()).contains(&l).then(|| parts.step.network().activation(l))
}

/// How the step builds `q`, from its parts.
fn recipe(step: &Step, quantity: Quantity) -> Option<Expr> {
    let depth = step.depth();
    let folds = step.network().loss().folds_output_derivative();
    Some(match quantity {
        Quantity::Z(l) if l >= 1 => {
            Add(b(Dot(b(q(Quantity::A(l - 1))), b(leaf(Part::W(l))))), b(T(b(leaf(Part::B(l))))))
        }
        Quantity::A(l) if l >= 1 => F(l, b(q(Quantity::Z(l)))),
        Quantity::DjDa if !folds => Sub(b(q(Quantity::A(depth))), b(leaf(Part::Y))),
        Quantity::DfDz(l) => DF(l, b(q(Quantity::Z(l)))),
        Quantity::Delta(l) if l == depth && folds => Sub(b(q(Quantity::A(depth))), b(leaf(Part::Y))),
        Quantity::Delta(l) if l == depth => Had(b(q(Quantity::DjDa)), b(q(Quantity::DfDz(l)))),
        Quantity::Delta(l) => {
            Had(b(Dot(b(q(Quantity::Delta(l + 1))), b(T(b(leaf(Part::W(l + 1))))))), b(q(Quantity::DfDz(l))))
        }
        Quantity::DW(l) => Dot(b(T(b(q(Quantity::A(l - 1))))), b(q(Quantity::Delta(l)))),
        Quantity::Db(l) => T(b(SumRows(b(q(Quantity::Delta(l)))))),
        Quantity::NewW(l) => Sub(b(leaf(Part::W(l))), b(Scale(Coef::EtaOverM, b(q(Quantity::DW(l)))))),
        Quantity::NewB(l) => Sub(b(leaf(Part::B(l))), b(Scale(Coef::EtaOverM, b(q(Quantity::Db(l)))))),
        _ => return None,
    })
}

/// The chapter's name of a part: `a1`, `W2`, `δ2`, `f2'(z2)`, `dJ/da2`.
fn name(step: &Step, part: Part) -> String {
    match part {
        Part::Y => "y".into(),
        Part::W(l) => format!("W{l}"),
        Part::B(l) => format!("b{l}"),
        Part::Q(quantity) => match quantity {
            Quantity::Z(l) => format!("z{l}"),
            Quantity::A(l) => format!("a{l}"),
            Quantity::DjDa => format!("dJ/da{}", step.depth()),
            Quantity::DfDz(l) => format!("f{l}'(z{l})"),
            Quantity::Delta(l) => format!("δ{l}"),
            Quantity::DW(l) => format!("dJ/dW{l}"),
            Quantity::Db(l) => format!("dJ/db{l}"),
            Quantity::NewW(l) => format!("the updated W{l}"),
            Quantity::NewB(l) => format!("the updated b{l}"),
        },
    }
}

/// A short name for an expression, in the chapter's notation.
fn show(step: &Step, e: &Expr) -> String {
    match e {
        Leaf(p) => name(step, *p),
        Rounded(p, _) => name(step, *p),
        T(x) => format!("{}ᵀ", show(step, x)),
        Dot(x, y) => format!("{} {}", show(step, x), show(step, y)),
        Had(x, y) => format!("{} ⊙ {}", show(step, x), show(step, y)),
        Add(x, y) => format!("{} + {}", show(step, x), show(step, y)),
        Sub(x, y) => format!("{} − {}", show(step, x), show(step, y)),
        F(l, x) => format!("f{l}({})", show(step, x)),
        DF(l, x) => format!("f{l}'({})", show(step, x)),
        SumRows(x) | SumCols(x) => format!("Σ {}", show(step, x)),
        Scale(c, x) => format!("{} {}", coef_name(*c), show(step, x)),
        RoundAll(x, _) => show(step, x),
    }
}

fn coef_name(c: Coef) -> &'static str {
    match c {
        Coef::EtaOverM => "(η/m)",
        Coef::Eta => "η",
        Coef::OneOverM => "1/m",
        Coef::M => "m",
        Coef::Two => "2",
        Coef::Half => "½",
        Coef::MinusOne => "−1",
    }
}

/// The neighbours a learner mistakes a part for, with the sentence that names each mistake.
fn neighbours(step: &Step, part: Part, inside_derivative: bool, quantity: Quantity) -> Vec<(Part, String)> {
    let depth = step.depth();
    let mut out = Vec::new();
    let n = |p: Part| name(step, p);
    match part {
        Part::Q(Quantity::Z(l)) => {
            let a = Part::Q(Quantity::A(l));
            if inside_derivative {
                out.push((a, format!("f{l}' is taken at a{l}; it belongs at z{l}, the layer's weighted input.")));
            } else {
                out.push((
                    a,
                    format!("a{l} stands where z{l} belongs (z{l} is before the activation, a{l} = f{l}(z{l}) after)."),
                ));
            }
        }
        Part::Q(Quantity::A(l)) => {
            if l >= 1 {
                out.push((
                    Part::Q(Quantity::Z(l)),
                    format!("z{l} stands where a{l} belongs: a{l} = f{l}(z{l}) is the activation, after f{l}."),
                ));
            }
            for k in [l.wrapping_sub(1), l + 1] {
                if k <= depth && k != l {
                    let why = match quantity {
                        Quantity::DW(w) => {
                            format!(
                                "a weight's gradient takes the activation at its start, dJ/dW{w} = a{}ᵀ δ{w}",
                                w - 1
                            )
                        }
                        _ => "the layer is off by one".to_string(),
                    };
                    out.push((
                        Part::Q(Quantity::A(k)),
                        format!("{} stands where {} belongs: {why}.", n(Part::Q(Quantity::A(k))), n(part)),
                    ));
                }
            }
        }
        Part::W(l) => {
            out.push((
                Part::Q(Quantity::NewW(l)),
                format!("W{l} was already updated: backprop uses the weights of the forward pass, before the update."),
            ));
            for k in [l.wrapping_sub(1), l + 1] {
                if (1..=depth).contains(&k) && k != l {
                    out.push((Part::W(k), format!("W{k} stands where W{l} belongs: the layer is off by one.")));
                }
            }
        }
        Part::B(l) => out.push((
            Part::Q(Quantity::NewB(l)),
            format!("b{l} was already updated: the update starts from the b{l} of the forward pass."),
        )),
        Part::Q(Quantity::Delta(l)) => {
            for k in [l.wrapping_sub(1), l + 1] {
                if (1..=depth).contains(&k) && k != l {
                    out.push((
                        Part::Q(Quantity::Delta(k)),
                        format!("δ{k} stands where δ{l} belongs: the layer is off by one."),
                    ));
                }
            }
        }
        Part::Q(Quantity::DfDz(l)) => {
            for k in [l.wrapping_sub(1), l + 1] {
                if (1..=depth).contains(&k) && k != l {
                    out.push((
                        Part::Q(Quantity::DfDz(k)),
                        format!("f{k}'(z{k}) stands where f{l}'(z{l}) belongs: the layer is off by one."),
                    ));
                }
            }
            out.push((
                Part::Q(Quantity::A(l)),
                format!("The activation's value a{l} stands where its derivative f{l}'(z{l}) belongs."),
            ));
        }
        Part::Q(Quantity::DW(l)) => {
            out.push((Part::Q(Quantity::Db(l)), format!("dJ/db{l} stands where dJ/dW{l} belongs.")))
        }
        _ => {}
    }
    out
}

/// Every change of `e` by one slip, each with its sentence. `whole` is the quantity's own
/// name, for the sentences.
fn slips(step: &Step, e: &Expr, inside_derivative: bool, quantity: Quantity, root: bool) -> Vec<(Expr, Slip)> {
    let s = |text: String| Slip { generic: false, text };
    // the whole equation, `δ2 = dJ/da2 ⊙ f2'(z2)`, where `e` is all of it
    let equation = |e: &Expr| {
        if root {
            format!("{} = {}", name(step, Part::Q(quantity)), show(step, e))
        } else {
            show(step, e)
        }
    };
    let mut out: Vec<(Expr, Slip)> = Vec::new();
    // changes of a child, the rest kept
    let within = |child: &Expr, inside: bool, rebuild: &dyn Fn(Expr) -> Expr, out: &mut Vec<(Expr, Slip)>| {
        for (changed, slip) in slips(step, child, inside, quantity, false) {
            out.push((rebuild(changed), slip));
        }
    };
    match e {
        Leaf(p) => {
            for (other, text) in neighbours(step, *p, inside_derivative, quantity) {
                out.push((Leaf(other), s(text)));
            }
            // dJ/da and f'(z) are often written out inside δ: their slips there too
            if let Part::Q(written @ (Quantity::DjDa | Quantity::DfDz(_))) = p {
                if let Some(inline) = recipe(step, *written) {
                    out.extend(slips(step, &inline, false, quantity, false));
                }
            }
            if let Part::Q(quantity) = p {
                if !matches!(quantity, Quantity::A(0)) {
                    for k in [2, 4, 8] {
                        out.push((Rounded(*p, k), s(format!("{} was rounded to {k} decimals before use, as a printed page shows it; use every digit.", name(step, *p)))));
                    }
                }
            }
        }
        Rounded(..) | RoundAll(..) => {}
        T(x) => {
            // the bias added as a column, and dJ/db left a row, are mistakes of their own
            if !matches!(**x, Leaf(Part::B(_)) | SumRows(_)) {
                out.push((
                    (**x).clone(),
                    s(format!("The transpose is missing: {}ᵀ, not {}.", show(step, x), show(step, x))),
                ));
            }
            if !matches!(**x, SumRows(_)) {
                within(x, false, &|c| T(b(c)), &mut out);
            } else if let SumRows(inner) = &**x {
                // dJ/db: Σ over the samples, stood up as a column
                let delta = show(step, inner);
                let (l, n) = match **inner {
                    Leaf(Part::Q(Quantity::Delta(l))) => (l, step.network().b(l).nrows()),
                    _ => (0, 0),
                };
                out.push(((**x).clone(), s(format!("dJ/db{l} is a row; b{l} is a column ({n}, 1): sum {delta} down the rows, then stand the result up as a column."))));
                out.push((SumCols(inner.clone()), s(format!("{delta} was summed over the wrong axis: sum over the samples (axis 0, down the rows), one entry per unit."))));
                out.push(((**inner).clone(), s(format!("{delta} itself is not summed over the samples and is a row; dJ/db{l} is its column sums, as a column."))));
                within(inner, false, &|c| T(b(SumRows(b(c)))), &mut out);
            }
        }
        Dot(x, y) => {
            out.push((
                Had(x.clone(), y.clone()),
                s(format!("A Hadamard (entry by entry) product where the matrix product {} belongs.", show(step, e))),
            ));
            out.push((
                Dot(y.clone(), x.clone()),
                s(format!(
                    "The factors of the matrix product are in the wrong order: {}, not {} {}.",
                    show(step, e),
                    show(step, y),
                    show(step, x)
                )),
            ));
            for (x2, text) in transposed(step, x) {
                out.push((Dot(b(x2), y.clone()), s(text)));
            }
            for (y2, text) in transposed(step, y) {
                out.push((Dot(x.clone(), b(y2)), s(text)));
            }
            within(x, false, &|c| Dot(b(c), y.clone()), &mut out);
            within(y, false, &|c| Dot(x.clone(), b(c)), &mut out);
        }
        Had(x, y) => {
            out.push(((**x).clone(), s(format!("{} is left out: {}.", show(step, y), equation(e)))));
            out.push(((**y).clone(), s(format!("{} is left out: {}.", show(step, x), equation(e)))));
            let hadamard = format!(
                "A matrix product where the Hadamard product belongs: {} multiplies entry by entry.",
                show(step, e)
            );
            out.push((Dot(x.clone(), b(T(y.clone()))), s(hadamard.clone())));
            out.push((Dot(x.clone(), y.clone()), s(hadamard)));
            within(x, false, &|c| Had(b(c), y.clone()), &mut out);
            within(y, false, &|c| Had(x.clone(), b(c)), &mut out);
        }
        Add(x, y) => {
            if let T(bias) = &**y {
                if let Leaf(Part::B(l)) = **bias {
                    let l2 = l - 1;
                    out.push(((**x).clone(), s(format!("The bias is missing: z{l} = a{l2} W{l} + b{l}ᵀ."))));
                    out.push((Add(x.clone(), bias.clone()), s(format!("The bias was added as a column: b{l} is ({}, 1), and a column added to a{l2} W{l} broadcasts the wrong way; add b{l}ᵀ, a row, so that it adds to every sample.", step.network().b(l).nrows()))));
                    out.push((
                        Sub(x.clone(), y.clone()),
                        s(format!("The bias is subtracted: z{l} = a{l2} W{l} + b{l}ᵀ.")),
                    ));
                }
            }
            within(x, false, &|c| Add(b(c), y.clone()), &mut out);
            within(y, false, &|c| Add(x.clone(), b(c)), &mut out);
        }
        Sub(x, y) => {
            let (xs, ys) = (show(step, x), show(step, y));
            let update = matches!(**y, Scale(..));
            if update {
                out.push((
                    Add(x.clone(), y.clone()),
                    s(format!("The update's sign is flipped: {xs} − {ys}, against the gradient.")),
                ));
                out.push((
                    Scale(Coef::MinusOne, y.clone()),
                    s(format!("That is only the change, −{ys}; the new {xs} is the old one plus it.")),
                ));
            } else {
                let lhs = if root { format!("{} = ", name(step, Part::Q(quantity))) } else { String::new() };
                out.push((
                    Sub(y.clone(), x.clone()),
                    s(format!("The sign is flipped: {lhs}{xs} − {ys}, not {ys} − {xs}.")),
                ));
                out.push(((**x).clone(), s(format!("{ys} is left out: {lhs}{xs} − {ys}."))));
            }
            within(x, false, &|c| Sub(b(c), y.clone()), &mut out);
            within(y, false, &|c| Sub(x.clone(), b(c)), &mut out);
        }
        F(l, x) => {
            out.push(((**x).clone(), s(format!("The activation is missing: a{l} = f{l}(z{l}), not z{l} itself."))));
            if step.network().activation(*l) != Activation::Softmax {
                out.push((
                    DF(*l, x.clone()),
                    s(format!(
                        "That is the activation's derivative f{l}'(z{l}); a{l} is the activation itself, f{l}(z{l})."
                    )),
                ));
            }
            within(x, false, &|c| F(*l, b(c)), &mut out);
        }
        DF(l, x) => {
            out.push((
                F(*l, x.clone()),
                s(format!("That is the activation's value a{l} = f{l}(z{l}); the derivative f{l}'(z{l}) is wanted.")),
            ));
            within(x, true, &|c| DF(*l, b(c)), &mut out);
        }
        SumRows(x) | SumCols(x) => within(x, false, &|c| SumRows(b(c)), &mut out),
        Scale(c, x) => {
            if *c == Coef::EtaOverM {
                let update = match quantity {
                    Quantity::NewW(l) => format!("W{l} − (η/m) dJ/dW{l}"),
                    Quantity::NewB(l) => format!("b{l} − (η/m) dJ/db{l}"),
                    _ => "a step of (η/m) times the gradient".into(),
                };
                out.push(((**x).clone(), s(format!("The learning rate is left out: {update}."))));
                if step.samples() > 1 {
                    out.push((Scale(Coef::Eta, x.clone()), s(format!("η stands where η/m belongs (or 1/m is left out): the gradient sums over the {} samples, so the step divides by m.", step.samples()))));
                }
            }
            within(x, false, &|inner| Scale(*c, b(inner)), &mut out);
        }
    }
    out
}

/// What `quantity` is shaped like, in words: `W2`, `b1`, `z1`.
fn shaped_like(step: &Step, quantity: Quantity) -> String {
    match quantity {
        Quantity::DW(l) | Quantity::NewW(l) => format!("W{l}"),
        Quantity::Db(l) | Quantity::NewB(l) => format!("b{l}"),
        other => format!("{:?}", step.value_of(other).dim()),
    }
}

/// A matrix product's operand with a transpose added or taken away.
fn transposed(step: &Step, x: &Expr) -> Vec<(Expr, String)> {
    match x {
        T(inner) => {
            let text = match **inner {
                Leaf(Part::W(l)) => format!("The transpose is missing: δ{l} is brought back through W{l}ᵀ, not W{l}."),
                _ => format!("The transpose is missing: {}ᵀ, not {}.", show(step, inner), show(step, inner)),
            };
            vec![((**inner).clone(), text)]
        }
        other => vec![(T(b(other.clone())), format!("{} is transposed where it should not be.", show(step, other)))],
    }
}

/// A slip of the whole result: a constant factor, a transpose, rounding.
fn whole_slips(step: &Step, quantity: Quantity) -> Vec<(Coef, String)> {
    let name = name(step, Part::Q(quantity));
    let m = step.samples();
    let mut out = vec![
        (Coef::MinusOne, format!("Every entry of {name} has the wrong sign.")),
        (Coef::Two, format!("Every entry of {name} is twice the right one: a factor 2 too many (J = ½ Σ (a − y)², whose ½ cancels the 2 of the square).")),
        (Coef::Half, format!("Every entry of {name} is half the right one: a factor ½ too many (the ½ of J cancels against the 2 of the square).")),
    ];
    if m > 1 {
        out.push((Coef::OneOverM, format!("Every entry of {name} is divided by m = {m}: backprop's gradients sum over the samples, and 1/m comes in only with the update.")));
        out.push((Coef::M, format!("Every entry of {name} is m = {m} times the right one.")));
    }
    if matches!(quantity, Quantity::DW(_) | Quantity::Db(_) | Quantity::Delta(_)) {
        out.push((
            Coef::Eta,
            format!("{name} is multiplied by the learning rate η, which belongs only in the update."),
        ));
        out.push((Coef::EtaOverM, format!("{name} is multiplied by η/m, which belongs only in the update.")));
    }
    out
}

/// How an answer is compared: to 1e-9 relative (an array from Rust), or to the precision each
/// number was printed with (half a unit of its last digit).
pub(crate) enum Tolerance {
    Relative(f64),
    /// For each entry, the largest difference its printed digits allow; and whether the value
    /// rounded to 4 decimals fits too, as the chapter's program prints dJ/dW and dJ/db
    /// (`np.round(dLdW1, 4)`).
    Printed(Array2<f64>, bool),
}

impl Tolerance {
    pub(crate) fn fits(&self, answer: &Array2<f64>, value: &Array2<f64>) -> bool {
        if answer.dim() != value.dim() {
            return false;
        }
        match self {
            Tolerance::Relative(rel) => Zip::from(answer)
                .and(value)
                .all(|&a, &v| (a - v).abs() <= rel * a.abs().max(v.abs()) || (a - v).abs() <= 1e-300),
            Tolerance::Printed(tol, rounded) => {
                let within =
                    |value: &Array2<f64>| Zip::from(answer).and(value).and(tol).all(|&a, &v, &t| (a - v).abs() <= t);
                within(value) || *rounded && within(&round(value, 4))
            }
        }
    }

    /// The same, loosened to 1e-6 relative: for a value rebuilt from the learner's own printed
    /// (rounded) answers, whose rounding errors grow through the formula.
    fn loosened(&self) -> Tolerance {
        match self {
            Tolerance::Relative(rel) => Tolerance::Relative(rel.max(1e-6)),
            Tolerance::Printed(tol, rounded) => Tolerance::Printed(tol.mapv(|t| t.max(1e-6)), *rounded),
        }
    }
}

/// What the search found for one wrong answer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Found {
    /// One explanation: its slips, one sentence each.
    Slips(Vec<String>),
    /// Several explanations that give the same array.
    Either(Vec<Vec<String>>),
    /// No slip found.
    Nothing,
}

/// Every way up to two slips turn `quantity`'s recipe into `answer`; the fewest slips win. Of
/// explanations that give the same array, those that still agree on nudged parts are one
/// mistake in other words (the first, in the order slips are tried, is kept); those that part
/// there are mistakes these numbers cannot tell apart, and all are returned.
pub(crate) fn search(
    step: &Step,
    quantity: Quantity,
    answer: &Array2<f64>,
    tolerance: &Tolerance,
    parts: &Parts<'_>,
) -> Found {
    let Some(base) = recipe(step, quantity) else { return Found::Nothing };
    let whole = whole_slips(step, quantity);
    let name = name(step, Part::Q(quantity));
    let mut level: Vec<(Expr, Vec<Slip>)> = vec![(base.clone(), Vec::new())];
    let mut found: Vec<(Vec<Slip>, Expr)> = Vec::new();
    for depth in 0..=2 {
        let mut next = Vec::new();
        for (expr, taken) in &level {
            let Some(value) = expr.eval(parts) else { continue };
            if depth == 0 && !matches!(base, T(_)) && value.dim() != (1, 1) {
                // a constant factor and a transpose, both of the whole result
                let transpose_text = format!(
                    "That is the transpose of {name}: {name} = {}, shaped like {}.",
                    show(step, &base),
                    shaped_like(step, quantity)
                );
                for (c, text) in &whole {
                    let c_value = parts.coef(*c);
                    if tolerance.fits(answer, &value.t().mapv(|v| c_value * v)) {
                        let both = T(b(Scale(*c, b(expr.clone()))));
                        let mut pair = vec![Slip { generic: true, text: transpose_text.clone() }];
                        pair.push(Slip { generic: true, text: text.clone() });
                        pair.sort();
                        if !found.iter().any(|(f, _)| *f == pair) {
                            found.push((pair, both));
                        }
                    }
                }
            }
            let mut fits = |extra: Option<(Slip, Expr)>| {
                let mut all = taken.clone();
                let expr = match extra {
                    Some((slip, whole_expr)) => {
                        all.push(slip);
                        whole_expr
                    }
                    None => expr.clone(),
                };
                all.sort();
                all.dedup();
                if !found.iter().any(|(f, _)| *f == all) {
                    found.push((all, expr));
                }
            };
            if !taken.is_empty() && tolerance.fits(answer, &value) {
                fits(None);
            }
            if depth < 2 {
                // one more slip of the whole result: a constant factor, a transpose, rounding
                let generic = |text: String| Slip { generic: true, text };
                for (c, text) in &whole {
                    let c_value = parts.coef(*c);
                    if tolerance.fits(answer, &value.mapv(|v| c_value * v)) {
                        fits(Some((generic(text.clone()), Scale(*c, b(expr.clone())))));
                    }
                }
                let transpose_text = format!(
                    "That is the transpose of {name}: {name} = {}, shaped like {}.",
                    show(step, &base),
                    shaped_like(step, quantity)
                );
                let can_transpose = !matches!(base, T(_)) && value.dim() != (1, 1);
                if can_transpose && tolerance.fits(answer, &value.t().to_owned()) {
                    fits(Some((generic(transpose_text.clone()), T(b(expr.clone())))));
                }
                for k in 1..=6 {
                    let rounded = round(&value, k);
                    if tolerance.fits(answer, &rounded) && !tolerance.fits(&rounded, &value) {
                        let text = format!("{name} is rounded to {k} decimals; give every digit.");
                        fits(Some((generic(text), RoundAll(b(expr.clone()), k))));
                    }
                }
                for (changed, slip) in slips(step, expr, false, quantity, true) {
                    if !taken.contains(&slip) {
                        let mut more = taken.clone();
                        more.push(slip);
                        next.push((changed, more));
                    }
                }
            }
        }
        if found.iter().any(|(f, _)| f.len() <= depth) {
            // nothing with more slips is looked for once fewer explain the answer
            break;
        }
        level = next;
    }
    let Some(fewest) = found.iter().map(|(f, _)| f.len()).min() else { return Found::Nothing };
    // one explanation per mistake: those whose expressions agree on nudged parts are one
    let nudged = Parts { step: parts.step, own: parts.own, nudged: true };
    let mut kept: Vec<(Vec<String>, Option<Array2<f64>>)> = Vec::new();
    let mut fewest_found: Vec<(Vec<Slip>, Expr)> = found.into_iter().filter(|(f, _)| f.len() == fewest).collect();
    // the slips inside the formula before those of the whole result, which say less
    fewest_found.sort_by_key(|(f, _)| f.iter().filter(|s| s.generic).count());
    for (slips, expr) in fewest_found {
        let value = expr.eval(&nudged);
        let same = |other: &Option<Array2<f64>>| match (&value, other) {
            (Some(a), Some(b)) => Tolerance::Relative(1e-9).fits(a, b),
            _ => false,
        };
        if !kept.iter().any(|(_, other)| same(other)) {
            kept.push((slips.into_iter().map(|s| s.text).collect(), value));
        }
    }
    let mut ways: Vec<Vec<String>> = kept.into_iter().map(|(w, _)| w).collect();
    match ways.len() {
        1 => Found::Slips(ways.remove(0)),
        _ => Found::Either(ways),
    }
}

/// Whether `answer` is what `quantity`'s recipe gives from the learner's own earlier answers
/// (and not from the step's): the first of those earlier answers that differs from the step's,
/// if so.
pub(crate) fn carried_forward(
    step: &Step,
    quantity: Quantity,
    answer: &Array2<f64>,
    tolerance: &Tolerance,
    own: &HashMap<Quantity, Array2<f64>>,
    wrong: &[Quantity],
) -> Option<Quantity> {
    let base = recipe(step, quantity)?;
    let mut read = Vec::new();
    base.quantities(&mut read);
    let first = read.iter().copied().find(|q| wrong.contains(q))?;
    let parts = Parts { step, own, nudged: false };
    let value = base.eval(&parts)?;
    tolerance.loosened().fits(answer, &value).then_some(first)
}

/// What the differences say where no slip explains them: one column (a unit), one row (a
/// sample), every entry off by the same factor, or by the same amount.
pub(crate) fn pattern(
    step: &Step,
    quantity: Quantity,
    answer: &Array2<f64>,
    want: &Array2<f64>,
    differ: &[(usize, usize)],
) -> Option<String> {
    if answer.dim() != want.dim() || differ.is_empty() {
        return None;
    }
    let (rows, cols) = want.dim();
    let unit_columns = !matches!(quantity, Quantity::Db(_) | Quantity::NewB(_));
    let count = differ.len();
    if count == rows * cols && count > 1 {
        let ratios: Vec<f64> = Zip::from(answer)
            .and(want)
            .map_collect(|&a, &w| if w != 0.0 { a / w } else { f64::NAN })
            .into_iter()
            .collect();
        if ratios.iter().all(|r| r.is_finite())
            && ratios.iter().all(|r| (r - ratios[0]).abs() <= 1e-9 * ratios[0].abs())
        {
            let r = ratios[0];
            return Some(if (r + 1.0).abs() < 1e-9 {
                "Every entry has the wrong sign.".to_string()
            } else {
                format!("Every entry is {} times the right one: a constant factor is wrong.", crate::show::short(r))
            });
        }
        let offsets: Vec<f64> = Zip::from(answer).and(want).map_collect(|&a, &w| a - w).into_iter().collect();
        if offsets.iter().all(|d| (d - offsets[0]).abs() <= 1e-9 * offsets[0].abs().max(1e-12)) {
            return Some(format!(
                "Every entry is off by the same amount, {}: a term added to all of them is wrong.",
                crate::show::short(offsets[0])
            ));
        }
    }
    let layer = quantity.layer().unwrap_or(step.depth());
    if cols > 1 && differ.iter().all(|(_, j)| *j == differ[0].1) {
        let j = differ[0].1;
        return Some(match (quantity, unit_columns) {
            (Quantity::DW(l) | Quantity::NewW(l), _) => format!(
                "Only column {j} differs: the weights into unit {j} of layer {l}; look at δ{l}[{j}] and what feeds it."
            ),
            (_, true) => {
                format!("Only column {j} differs: unit {j} of layer {layer}; look at what that unit alone computes.")
            }
            _ => format!("Only column {j} differs."),
        });
    }
    if rows > 1 && differ.iter().all(|(i, _)| *i == differ[0].0) {
        let i = differ[0].0;
        return Some(match quantity {
            Quantity::DW(l) | Quantity::NewW(l) => {
                format!("Only row {i} differs: the weights out of unit {i} of layer {}.", l - 1)
            }
            Quantity::Db(_) | Quantity::NewB(_) => format!("Only entry {i} differs: unit {i} of layer {layer}."),
            _ => format!("Only row {i} differs: sample {i}; the other samples are right."),
        });
    }
    None
}

/// Whether `loss` leaves `quantity` without a recipe here (the cross-entropy's dJ/da).
pub(crate) fn searchable(loss: Loss, quantity: Quantity) -> bool {
    !(quantity == Quantity::DjDa && loss.folds_output_derivative())
}
