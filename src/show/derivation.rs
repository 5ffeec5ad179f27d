//! The chapter's derivation written out with the numbers: every equation of the forward pass,
//! backprop and the update, filled in with the values at hand, as Markdown with LaTeX.
//!
//! The chapter works its example by hand: `z1 = [1 4 5] W1 + b1ᵀ = [3.8 4.8] + [0.5 0.5] =
//! [4.3 5.3]`, and so on to the updated parameters. [`Derivation`] does the same for any
//! values, any number of layers and samples: matrices as `bmatrix`, numbers short (4
//! significant digits, see [`short`](super::short)), an updated number with the digits it
//! takes to differ from the old, `⊙` for the elementwise product. It reads every number from
//! the worked [`Step`] and computes none.

use std::fmt::Write;

use super::latex::{bmatrix, bmatrix_changed, eq, latex_number};
use crate::model::Step;

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
    /// let d = backprop::show::Derivation::new(&step);
    /// assert!(d.markdown().contains(r"\begin{bmatrix} 4.3 & 5.3 \end{bmatrix}"));
    /// ```
    pub fn new(step: &Step) -> Derivation {
        let mut out = String::new();
        forward(&mut out, step);
        output_error(&mut out, step);
        hidden_errors(&mut out, step);
        gradients(&mut out, step);
        update(&mut out, step);
        out.truncate(out.trim_end().len());
        out.push('\n');
        Derivation { markdown: out }
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

impl Step {
    /// The chapter's derivation with this step's numbers, as Markdown with LaTeX; in a
    /// notebook it shows rendered.
    pub fn derivation(&self) -> Derivation {
        Derivation::new(self)
    }
}

/// `, with m samples, one per row` and the like: how many samples the equations hold.
fn samples(step: &Step) -> String {
    match step.samples() {
        1 => "one sample".into(),
        m => format!("{m} samples, one per row"),
    }
}

/// The forward pass: z_l from a_{l−1}, W_l and b_l, then a_l, layer by layer.
fn forward(out: &mut String, step: &Step) {
    let (net, trace) = (step.network(), step.trace());
    let (depth, m) = (step.depth(), step.samples());
    writeln!(out, "## Forward propagation\n\nFor the input layer ($l=0$), with {}:\n", samples(step)).unwrap();
    eq(out, format!("z_0 = a_0 = x = {}", bmatrix(trace.a(0).view())));
    for l in 1..=depth {
        let kind = if l == depth { "the output layer" } else { "the hidden layer" };
        writeln!(out, "For {kind} ($l={l}$), with $f_{{{l}}}$ = {}:\n", net.activation(l)).unwrap();
        eq(out, format!("z_{{{l}}} = a_{{{}}} W_{{{l}}} + b_{{{l}}}^T", l - 1));
        let bias_row = bmatrix(net.b(l).t());
        eq(
            out,
            format!(
                r"\therefore z_{{{l}}} = {} {} + {bias_row}",
                bmatrix(trace.a(l - 1).view()),
                bmatrix(net.w(l).view())
            ),
        );
        let broadcast = if m > 1 { r" \quad \text{(added to every row)}" } else { "" };
        eq(out, format!(r"\therefore z_{{{l}}} = {} + {bias_row}{broadcast}", bmatrix(trace.aw(l).view())));
        eq(out, format!(r"\therefore z_{{{l}}} = {}", bmatrix(trace.z(l).view())));
        eq(
            out,
            format!(
                r"a_{{{l}}} = f_{{{l}}}(z_{{{l}}}) = f_{{{l}}}\left({}\right) = {}",
                bmatrix(trace.z(l).view()),
                bmatrix(trace.a(l).view())
            ),
        );
    }
}

/// `f'_l(z_l) = f'_l(z) = [numbers]`, for the output layer and each hidden one alike.
fn derivative_line(step: &Step, l: usize) -> String {
    let (trace, grads) = (step.trace(), step.gradients());
    format!(
        r"f'_{{{l}}}(z_{{{l}}}) = f'_{{{l}}}\left({}\right) = {}",
        bmatrix(trace.z(l).view()),
        bmatrix(grads.df_dz(l).view())
    )
}

/// δ_L: dJ/da_L ⊙ f_L'(z_L), or a_L − y itself where the loss folds f_L' in.
fn output_error(out: &mut String, step: &Step) {
    let (trace, grads) = (step.trace(), step.gradients());
    let big_l = step.depth();
    let loss = step.network().loss();
    writeln!(out, "## Backpropagation\n\n### Output layer error ($\\delta_{{{big_l}}}$)\n").unwrap();
    // `lhs = a_L - y = [a_L] - [y] = [difference]`
    let minus_y = |lhs: String, difference: ndarray::ArrayView2<'_, f64>| {
        format!(
            r"{lhs} = a_{{{big_l}}} - y = {} - {} = {}",
            bmatrix(trace.a(big_l).view()),
            bmatrix(step.values().y().view()),
            bmatrix(difference)
        )
    };
    if !loss.folds_output_derivative() {
        eq(out, minus_y(format!(r"\frac{{\partial J(W, b)}}{{\partial a_{{{big_l}}}}}"), grads.dj_da(big_l).view()));
        eq(out, derivative_line(step, big_l));
        eq(
            out,
            format!(
                r"\delta_{{{big_l}}} = \frac{{\partial J(W, b)}}{{\partial a_{{{big_l}}}}} \odot f'_{{{big_l}}}(z_{{{big_l}}})"
            ),
        );
        eq(
            out,
            format!(
                r"\delta_{{{big_l}}} = {} \odot {} = {}",
                bmatrix(grads.dj_da(big_l).view()),
                bmatrix(grads.df_dz(big_l).view()),
                bmatrix(grads.delta(big_l).view())
            ),
        );
    } else {
        // the loss's derivative and its own output activation's cancel into a_L - y
        let output = step.network().activation(big_l);
        let name = loss.name().replace('_', " ").replace("cross entropy", "cross-entropy");
        writeln!(
            out,
            "With the {name} after a {output} output, $\\frac{{\\partial J}}{{\\partial a_{{{big_l}}}}} \\odot f'_{{{big_l}}}(z_{{{big_l}}})$ simplifies to $a_{{{big_l}}} - y$:\n"
        )
        .unwrap();
        eq(
            out,
            minus_y(
                format!(r"\delta_{{{big_l}}} = \frac{{\partial J(W, b)}}{{\partial z_{{{big_l}}}}}"),
                grads.delta(big_l).view(),
            ),
        );
    }
}

/// δ_l for each hidden layer, from the output back.
fn hidden_errors(out: &mut String, step: &Step) {
    let (net, grads) = (step.network(), step.gradients());
    for l in (1..step.depth()).rev() {
        writeln!(out, "### Hidden layer error ($\\delta_{{{l}}}$)\n").unwrap();
        eq(out, format!(r"\delta_{{{l}}} = (\delta_{{{}}} W_{{{}}}^T) \odot f'_{{{l}}}(z_{{{l}}})", l + 1, l + 1));
        eq(out, derivative_line(step, l));
        eq(
            out,
            format!(
                r"\delta_{{{l}}} = {} {} \odot {} = {}",
                bmatrix(grads.delta(l + 1).view()),
                bmatrix(net.w(l + 1).t()),
                bmatrix(grads.df_dz(l).view()),
                bmatrix(grads.delta(l).view())
            ),
        );
    }
}

/// dJ/dW_l = a_{l−1}ᵀ δ_l and dJ/db_l = Σ δ_l for every layer.
fn gradients(out: &mut String, step: &Step) {
    let (trace, grads) = (step.trace(), step.gradients());
    let (depth, m) = (step.depth(), step.samples());
    let summed = if m > 1 { format!(", summed over the {m} samples") } else { String::new() };
    writeln!(out, "## Rate of change of the cost with respect to the weights\n").unwrap();
    for l in 1..=depth {
        writeln!(out, "For $l={l}${summed}:\n").unwrap();
        eq(
            out,
            format!(
                r"\frac{{\partial J(W, b)}}{{\partial W_{{{l}}}}} = a_{{{}}}^T \delta_{{{l}}} = {} {} = {}",
                l - 1,
                bmatrix(trace.a(l - 1).t()),
                bmatrix(grads.delta(l).view()),
                bmatrix(grads.dw(l).view())
            ),
        );
    }
    writeln!(out, "## Rate of change of the cost with respect to the biases\n").unwrap();
    for l in 1..=depth {
        writeln!(out, "For $l={l}${summed}:\n").unwrap();
        eq(
            out,
            format!(
                r"\frac{{\partial J(W, b)}}{{\partial b_{{{l}}}}} = \sum \delta_{{{l}}} = {}",
                bmatrix(grads.db(l).view())
            ),
        );
    }
}

/// W_l and b_l after the update, each entry with the digits it takes to differ from the old.
fn update(out: &mut String, step: &Step) {
    let (net, grads, updated) = (step.network(), step.gradients(), step.updated());
    let (depth, m) = (step.depth(), step.samples());
    let eta = latex_number(step.values().learning_rate());
    let factor = if m == 1 { eta.clone() } else { format!(r"\frac{{{eta}}}{{{m}}}") };
    writeln!(out, "## Update the parameters\n\nWith the learning rate $\\eta = {eta}$ and $m = {m}$:\n").unwrap();
    for (name, param, grad, next) in (1..=depth)
        .map(|l| (format!("W_{{{l}}}"), net.w(l), grads.dw(l), updated.w(l)))
        .chain((1..=depth).map(|l| (format!("b_{{{l}}}"), net.b(l), grads.db(l), updated.b(l))))
    {
        eq(out, format!(r"{name} := {name} - \frac{{\eta}}{{m}} \frac{{\partial J(W, b)}}{{\partial {name}}}"));
        eq(
            out,
            format!(
                r"\therefore {name} = {} - {factor} {} = {}",
                bmatrix(param.view()),
                bmatrix(grad.view()),
                bmatrix_changed(param.view(), next.view())
            ),
        );
    }
}
