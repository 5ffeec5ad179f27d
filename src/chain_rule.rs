//! The chain rule for one weight or bias, written out with a worked step's numbers: every path
//! from the parameter to the cost, the product of the factors along each, their sum, the same
//! number as the entry of a_{l−1}ᵀ δ_l, and the finite-difference estimate beside it.

use std::fmt::Write;

use crate::derivation::{significant_plain, significant_power};
use crate::diagram::Param;
use crate::error::Result;
use crate::gradcheck;
use crate::loss::Loss;
use crate::step::Step;

/// `v` with `digits` significant digits, trailing zeros trimmed, as LaTeX (a power of ten
/// where the number is very small or large).
fn latex(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return crate::derivation::number(v);
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-5..6).contains(&magnitude) {
        let (mantissa, exp) = significant_power(v, digits);
        return format!(r"{mantissa} \times 10^{{{exp}}}");
    }
    significant_plain(v, digits)
}

/// Paths written out one by one, at most; beyond, only their count and sum.
const SHOWN: usize = 12;

/// The chain rule for one parameter, as Markdown with LaTeX. Its `Display` is the Markdown; in
/// a notebook on the Rust kernel it shows rendered.
///
/// ```
/// let step = backprop::Values::chapter().step().unwrap();
/// let rule = step.chain_rule("W1[2,1]").unwrap();
/// assert_eq!(rule.paths(), 2);
/// assert!((rule.total() - step.gradients().dw(1)[[2, 1]]).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct ChainRule {
    markdown: String,
    paths: usize,
    total: f64,
    numeric: f64,
}

impl ChainRule {
    /// The Markdown.
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// How many paths lead from the parameter to the cost, per sample.
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// The sum over every path and sample: the parameter's dJ/dW (or dJ/db) as backprop gives it.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The same, estimated by central finite differences of J (times m, as backprop sums over
    /// the samples where J averages).
    pub fn numeric(&self) -> f64 {
        self.numeric
    }

    /// Shows the Markdown rendered in a notebook on the Rust kernel.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/markdown\n{}\nEVCXR_END_CONTENT", self.markdown);
    }
}

impl std::fmt::Display for ChainRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.markdown)
    }
}

/// A factor of a path: its LaTeX name and its value.
type Factor = (String, f64);

/// Every path's factors for sample `s`: from unit `j` of layer `l` to each output.
fn paths(step: &Step, param: Param, s: usize) -> Vec<Vec<Factor>> {
    let (net, trace, grads) = (step.network(), step.trace(), step.gradients());
    let depth = net.depth();
    let (l, j) = (param.layer, if param.bias { param.row } else { param.col });
    // with a matched cross-entropy the output's f' is folded into dJ/dz_L = a_L - y
    let folded = net.loss() != Loss::Mse;
    let slope = |t: usize, v: usize| -> Option<Factor> {
        (t < depth || !folded).then(|| (format!("f_{{{t}}}'(z_{{{t}}}[{v}])"), grads.df_dz(t)[[s, v]]))
    };
    let mut start: Vec<Factor> = Vec::new();
    if !param.bias {
        start.push((format!("a_{{{}}}[{}]", l - 1, param.row), trace.a(l - 1)[[s, param.row]]));
    }
    start.extend(slope(l, j));
    let mut partial = vec![(j, start)];
    for t in l + 1..=depth {
        let mut next = Vec::new();
        for (u, factors) in &partial {
            for v in 0..net.w(t).ncols() {
                let mut f = factors.clone();
                f.push((format!("W_{{{t}}}[{u},{v}]"), net.w(t)[[*u, v]]));
                f.extend(slope(t, v));
                next.push((v, f));
            }
        }
        partial = next;
    }
    let last = if folded { "z" } else { "a" };
    partial
        .into_iter()
        .map(|(k, mut f)| {
            f.push((format!(r"\frac{{\partial J}}{{\partial {last}_{{{depth}}}[{k}]}}"), grads.dj_da()[[s, k]]));
            f
        })
        .collect()
}

/// `param`'s chain rule in `step`; see [`Step::chain_rule`].
pub(crate) fn explain(step: &Step, param: Param) -> Result<ChainRule> {
    let net = step.network();
    param.check(&net.sizes())?;
    let (l, depth, m) = (param.layer, net.depth(), step.samples());
    let j = if param.bias { param.row } else { param.col };
    let name = if param.bias { format!("b_{{{l}}}[{j}]") } else { format!("W_{{{l}}}[{},{j}]", param.row) };
    let mut out = String::new();
    let joins = if param.bias {
        format!("is the bias of unit {j} of layer {l}")
    } else {
        format!("joins unit {} of layer {} to unit {j} of layer {l}", param.row, l - 1)
    };
    let per_sample = paths(step, param, 0).len();
    let via = if l == depth {
        "and with it the cost".to_string()
    } else {
        format!("and the cost through every unit that $a_{{{l}}}[{j}]$ feeds")
    };
    writeln!(
        out,
        "### The chain rule for ${name}$\n\n${name}$ {joins}. A change in it moves $z_{{{l}}}[{j}]$, then $a_{{{l}}}[{j}]$, {via}: {per_sample} path{} to the cost{}. Along each path the factors multiply; the paths add up.\n",
        if per_sample == 1 { "" } else { "s" },
        if m > 1 { format!(" for each of the {m} samples") } else { String::new() }
    )
    .expect("writing to a String");
    let mut total = 0.0;
    let mut shown = 0;
    for s in 0..m {
        let mut sample_total = 0.0;
        for path in paths(step, param, s) {
            let product: f64 = path.iter().map(|(_, v)| v).product();
            sample_total += product;
            if shown < SHOWN {
                let names: Vec<&str> = path.iter().map(|(n, _)| n.as_str()).collect();
                let values: Vec<String> = path
                    .iter()
                    .map(|(_, v)| if *v < 0.0 { format!("({})", latex(*v, 4)) } else { latex(*v, 4) })
                    .collect();
                let sample = if m > 1 { format!(r"\text{{sample {s}: }} ") } else { String::new() };
                writeln!(
                    out,
                    "$$\n{sample}{} = {} = {}\n$$\n",
                    names.join(r" \cdot "),
                    values.join(r" \cdot "),
                    latex(product, 4)
                )
                .expect("writing to a String");
            }
            shown += 1;
        }
        total += sample_total;
    }
    if shown > SHOWN {
        writeln!(out, "… and {} more paths, each a product of the same kind.\n", shown - SHOWN).expect("writing");
    }
    let grads = step.gradients();
    let entry = if param.bias { grads.db(l)[[j, 0]] } else { grads.dw(l)[[param.row, j]] };
    let matrix =
        if param.bias { format!(r"\sum \delta_{{{l}}}") } else { format!(r"(a_{{{}}}^T \delta_{{{l}}})", l - 1) };
    let numeric = gradcheck::numeric_gradient(step, param) * m as f64;
    writeln!(
        out,
        "Their sum{}, to 10 digits:\n\n$$\n\\frac{{\\partial J}}{{\\partial {name}}} = {}\n$$\n\nthe same number as entry $[{}{}]$ of ${matrix}$, which backprop computes for every weight at once: ${}$. Nudging ${name}$ by $\\pm h$ and watching $J$ (central finite differences, Richardson-refined{}) gives ${}$.\n",
        if m > 1 { format!(" over every path and all {m} samples") } else { String::new() },
        latex(total, 10),
        if param.bias { j.to_string() } else { param.row.to_string() },
        if param.bias { String::new() } else { format!(",{j}") },
        latex(entry, 10),
        if m > 1 { format!(", times m = {m} since J averages over the samples") } else { String::new() },
        latex(numeric, 10)
    )
    .expect("writing to a String");
    Ok(ChainRule { markdown: out.trim_end().to_string() + "\n", paths: per_sample, total, numeric })
}
