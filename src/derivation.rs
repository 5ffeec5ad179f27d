//! The chapter's derivation written out with the numbers: every equation of the forward pass,
//! backprop and the update, filled in with the values at hand, as Markdown with LaTeX.
//!
//! The chapter works its example by hand: `z1 = [1 4 5] W1 + b1ᵀ = [3.8 4.8] + [0.5 0.5] =
//! [4.3 5.3]`, and so on to the updated parameters. [`Derivation`] does the same for any
//! values, any number of layers and samples: matrices as `bmatrix`, numbers rounded to 4
//! decimals with trailing zeros trimmed, `⊙` for the elementwise product.

use std::fmt::Write;

use ndarray::Array2;

use crate::loss::Loss;
use crate::network::{Gradients, Network, Trace};
use crate::step::Step;
use crate::values::Values;

/// A number as the derivation writes it: rounded to 4 decimals, trailing zeros trimmed, no
/// negative zero; a number too small for 4 decimals keeps 4 significant digits instead of
/// showing as 0, so that a small gradient is still seen (below 1e-12, as a power of ten).
///
/// ```
/// use backprop::derivation::number;
/// assert_eq!(number(0.98661308), "0.9866");
/// assert_eq!(number(0.9950332), "0.995");
/// assert_eq!(number(3.8), "3.8");
/// assert_eq!(number(-0.0000123456), "-0.00001235");
/// assert_eq!(number(2.5e-15), r"2.5 \times 10^{-15}");
/// assert_eq!(number(0.0), "0");
/// ```
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            r"\text{NaN}".into()
        } else if v > 0.0 {
            r"\infty".into()
        } else {
            r"-\infty".into()
        };
    }
    if v != 0.0 && v.abs() < 0.00005 {
        if v.abs() < 1e-12 {
            let (mantissa, exp) = significant_power(v, 4);
            return format!(r"{mantissa} \times 10^{{{exp}}}");
        }
        return significant_plain(v, 4);
    }
    decimals_trimmed(v, 4)
}

/// `v` (finite, not 0) to `digits` significant digits as plain decimals, trailing zeros
/// trimmed; the derivation, the diagram and the chain rule all write small numbers this way.
pub(crate) fn significant_plain(v: f64, digits: usize) -> String {
    let magnitude = v.abs().log10().floor() as i32;
    decimals_trimmed(v, (digits as i32 - 1 - magnitude).max(0) as usize)
}

/// `v` (finite, not 0) as a mantissa of `digits` significant digits, trailing zeros trimmed,
/// and its power of ten: `("-1.5", "-7")` for −1.5e-7.
pub(crate) fn significant_power(v: f64, digits: usize) -> (String, String) {
    let text = format!("{v:.*e}", digits - 1);
    let (mantissa, exp) = text.split_once('e').expect("{:e} writes an e");
    (mantissa.trim_end_matches('0').trim_end_matches('.').to_string(), exp.to_string())
}

/// `v` to `decimals` decimals, trailing zeros trimmed, no negative zero.
fn decimals_trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// An updated value, with as many decimals as it takes to differ from the value it replaces
/// (at least [`number`]'s), so that an update smaller than the rounding still shows:
///
/// ```
/// use backprop::derivation::updated_number;
/// // the chapter's b1: 0.5 − 0.01 · 0.00198 writes 0.49998, not 0.5
/// assert_eq!(updated_number(0.5, 0.49998016), "0.49998");
/// assert_eq!(updated_number(0.5, 0.49999596), "0.499996");
/// assert_eq!(updated_number(0.7, 0.69922), "0.6992");
/// assert_eq!(updated_number(0.5, 0.5), "0.5");
/// ```
pub fn updated_number(old: f64, new: f64) -> String {
    if old == new || !new.is_finite() || !old.is_finite() {
        return number(new);
    }
    let plain = number(new);
    if plain != number(old) {
        return plain;
    }
    (5..=17)
        .map(|d| (decimals_trimmed(old, d), decimals_trimmed(new, d)))
        .find(|(o, n)| o != n)
        .map_or(plain, |(_, n)| n)
}

/// The updated matrix, each entry written by [`updated_number`] against the old one.
fn bmatrix_updated(old: &Array2<f64>, new: &Array2<f64>) -> String {
    let rows: Vec<String> = old
        .rows()
        .into_iter()
        .zip(new.rows())
        .map(|(o, n)| o.iter().zip(n.iter()).map(|(o, n)| updated_number(*o, *n)).collect::<Vec<_>>().join(" & "))
        .collect();
    format!(r"\begin{{bmatrix}} {} \end{{bmatrix}}", rows.join(r" \\ "))
}

/// A matrix as LaTeX: `\begin{bmatrix} 1 & 4 & 5 \end{bmatrix}`.
///
/// ```
/// use backprop::{derivation::bmatrix, ndarray::array};
/// assert_eq!(bmatrix(&array![[0.5], [0.25]]), r"\begin{bmatrix} 0.5 \\ 0.25 \end{bmatrix}");
/// ```
pub fn bmatrix(a: &Array2<f64>) -> String {
    let rows: Vec<String> =
        a.rows().into_iter().map(|row| row.iter().map(|v| number(*v)).collect::<Vec<_>>().join(" & ")).collect();
    format!(r"\begin{{bmatrix}} {} \end{{bmatrix}}", rows.join(r" \\ "))
}

/// The worked derivation of one forward pass, backprop and update.
///
/// Its `Display` is the Markdown; in a notebook on the Rust kernel, a cell whose value is a
/// `Derivation` shows it rendered.
#[derive(Clone, Debug)]
pub struct Derivation {
    markdown: String,
}

impl Derivation {
    /// Writes the derivation out with the numbers of a worked step.
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// let d = backprop::derivation::Derivation::new(&step);
    /// assert!(d.markdown().contains(r"\begin{bmatrix} 4.3 & 5.3 \end{bmatrix}"));
    /// ```
    pub fn new(step: &Step) -> Derivation {
        Derivation { markdown: render(step.values(), step.network(), step.trace(), step.gradients(), step.updated()) }
    }

    /// The Markdown text, with LaTeX in `$$ … $$` blocks.
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// Shows the derivation rendered in a Jupyter notebook on the Rust kernel.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/markdown\n{}\nEVCXR_END_CONTENT", self.markdown);
    }
}

impl std::fmt::Display for Derivation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.markdown)
    }
}

fn transpose(a: &Array2<f64>) -> Array2<f64> {
    a.t().to_owned()
}

/// One display equation.
pub(crate) fn eq(out: &mut String, latex: String) {
    writeln!(out, "$$\n{latex}\n$$\n").expect("writing to a String");
}

/// `f'_l(z_l) = f'_l(z) = [numbers]`, for the output layer and each hidden one alike.
fn derivative_line(l: usize, trace: &Trace, grads: &Gradients) -> String {
    format!(r"f'_{{{l}}}(z_{{{l}}}) = f'_{{{l}}}\left({}\right) = {}", bmatrix(trace.z(l)), bmatrix(grads.df_dz(l)))
}

fn render(values: &Values, net: &Network, trace: &Trace, grads: &Gradients, updated: &Network) -> String {
    let depth = net.depth();
    let m = trace.samples();
    let mut out = String::new();
    let samples = if m == 1 { "one sample".to_string() } else { format!("{m} samples, one per row") };
    writeln!(out, "## Forward propagation\n\nFor the input layer ($l=0$), with {samples}:\n").unwrap();
    eq(&mut out, format!("z_0 = a_0 = x = {}", bmatrix(trace.a(0))));
    for l in 1..=depth {
        let kind = if l == depth { "the output layer" } else { "the hidden layer" };
        writeln!(out, "For {kind} ($l={l}$), with $f_{{{l}}}$ = {}:\n", net.activation(l)).unwrap();
        eq(&mut out, format!("z_{{{l}}} = a_{{{}}} W_{{{l}}} + b_{{{l}}}^T", l - 1));
        eq(
            &mut out,
            format!(
                r"\therefore z_{{{l}}} = {} {} + {}",
                bmatrix(trace.a(l - 1)),
                bmatrix(net.w(l)),
                bmatrix(&transpose(net.b(l)))
            ),
        );
        let product = trace.a(l - 1).dot(net.w(l));
        let broadcast = if m > 1 { r" \quad \text{(added to every row)}" } else { "" };
        eq(
            &mut out,
            format!(r"\therefore z_{{{l}}} = {} + {}{broadcast}", bmatrix(&product), bmatrix(&transpose(net.b(l)))),
        );
        eq(&mut out, format!(r"\therefore z_{{{l}}} = {}", bmatrix(trace.z(l))));
        eq(
            &mut out,
            format!(
                r"a_{{{l}}} = f_{{{l}}}(z_{{{l}}}) = f_{{{l}}}\left({}\right) = {}",
                bmatrix(trace.z(l)),
                bmatrix(trace.a(l))
            ),
        );
    }

    let big_l = depth;
    writeln!(out, "## Backpropagation\n\n### Output layer error ($\\delta_{{{big_l}}}$)\n").unwrap();
    // `lhs = a_L - y = [a_L] - [y] = [difference]`
    let minus_y = |lhs: String, difference: &Array2<f64>| {
        format!(
            r"{lhs} = a_{{{big_l}}} - y = {} - {} = {}",
            bmatrix(trace.a(big_l)),
            bmatrix(&values.y.data),
            bmatrix(difference)
        )
    };
    if net.loss() == Loss::Mse {
        eq(&mut out, minus_y(format!(r"\frac{{\partial J(W, b)}}{{\partial a_{{{big_l}}}}}"), grads.dj_da()));
        eq(&mut out, derivative_line(big_l, trace, grads));
        eq(
            &mut out,
            format!(
                r"\delta_{{{big_l}}} = \frac{{\partial J(W, b)}}{{\partial a_{{{big_l}}}}} \odot f'_{{{big_l}}}(z_{{{big_l}}})"
            ),
        );
        eq(
            &mut out,
            format!(
                r"\delta_{{{big_l}}} = {} \odot {} = {}",
                bmatrix(grads.dj_da()),
                bmatrix(grads.df_dz(big_l)),
                bmatrix(grads.delta(big_l))
            ),
        );
    } else {
        // the loss's derivative and its own output activation's cancel into a_L - y
        let (loss, output) = if net.loss() == Loss::BinaryCrossEntropy {
            ("binary cross-entropy", "sigmoid")
        } else {
            ("cross-entropy", "softmax")
        };
        writeln!(
            out,
            "With the {loss} after a {output} output, $\\frac{{\\partial J}}{{\\partial a_{{{big_l}}}}} \\odot f'_{{{big_l}}}(z_{{{big_l}}})$ simplifies to $a_{{{big_l}}} - y$:\n"
        )
        .unwrap();
        eq(
            &mut out,
            minus_y(
                format!(r"\delta_{{{big_l}}} = \frac{{\partial J(W, b)}}{{\partial z_{{{big_l}}}}}"),
                grads.delta(big_l),
            ),
        );
    }
    for l in (1..depth).rev() {
        writeln!(out, "### Hidden layer error ($\\delta_{{{l}}}$)\n").unwrap();
        eq(&mut out, format!(r"\delta_{{{l}}} = (\delta_{{{}}} W_{{{}}}^T) \odot f'_{{{l}}}(z_{{{l}}})", l + 1, l + 1));
        eq(&mut out, derivative_line(l, trace, grads));
        eq(
            &mut out,
            format!(
                r"\delta_{{{l}}} = {} {} \odot {} = {}",
                bmatrix(grads.delta(l + 1)),
                bmatrix(&transpose(net.w(l + 1))),
                bmatrix(grads.df_dz(l)),
                bmatrix(grads.delta(l))
            ),
        );
    }

    let summed = if m > 1 { format!(", summed over the {m} samples") } else { String::new() };
    writeln!(out, "## Rate of change of the cost with respect to the weights\n").unwrap();
    for l in 1..=depth {
        writeln!(out, "For $l={l}${summed}:\n").unwrap();
        eq(
            &mut out,
            format!(
                r"\frac{{\partial J(W, b)}}{{\partial W_{{{l}}}}} = a_{{{}}}^T \delta_{{{l}}} = {} {} = {}",
                l - 1,
                bmatrix(&transpose(trace.a(l - 1))),
                bmatrix(grads.delta(l)),
                bmatrix(grads.dw(l))
            ),
        );
    }
    writeln!(out, "## Rate of change of the cost with respect to the biases\n").unwrap();
    for l in 1..=depth {
        writeln!(out, "For $l={l}${summed}:\n").unwrap();
        eq(
            &mut out,
            format!(
                r"\frac{{\partial J(W, b)}}{{\partial b_{{{l}}}}} = \sum \delta_{{{l}}} = {}",
                bmatrix(grads.db(l))
            ),
        );
    }

    let eta = number(values.learning_rate);
    let factor = if m == 1 { eta.clone() } else { format!(r"\frac{{{eta}}}{{{m}}}") };
    writeln!(out, "## Update the parameters\n\nWith the learning rate $\\eta = {eta}$ and $m = {m}$:\n").unwrap();
    for (name, param, grad, next) in (1..=depth)
        .map(|l| (format!("W_{{{l}}}"), net.w(l), grads.dw(l), updated.w(l)))
        .chain((1..=depth).map(|l| (format!("b_{{{l}}}"), net.b(l), grads.db(l), updated.b(l))))
    {
        eq(&mut out, format!(r"{name} := {name} - \frac{{\eta}}{{m}} \frac{{\partial J(W, b)}}{{\partial {name}}}"));
        eq(
            &mut out,
            format!(
                r"\therefore {name} = {} - {factor} {} = {}",
                bmatrix(param),
                bmatrix(grad),
                bmatrix_updated(param, next)
            ),
        );
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
