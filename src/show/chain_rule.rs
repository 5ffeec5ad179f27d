//! The chain rule for one weight or bias, written out with a worked step's numbers: every path
//! from the parameter to the cost, the product of the factors along each, their sum, the same
//! number as the entry of a_{l−1}ᵀ δ_l, and the finite-difference estimate beside it. The
//! numbers are the model's ([`ChainPaths`]); this writes them.

use std::fmt::Write;

use super::latex::significant;
use crate::error::Result;
use crate::model::{ChainPaths, Factor, Step};

/// Paths written out one by one, at most; beyond, only their count and sum.
const SHOWN: usize = 12;

/// The chain rule for one parameter, as Markdown with LaTeX. Its `Display` is the Markdown; in
/// a notebook on the Rust kernel it shows rendered.
///
/// ```
/// let step = backprop::Values::chapter().step().unwrap();
/// let rule = step.chain_rule("W1[2,1]").unwrap();
/// assert_eq!(rule.chain().per_sample(), 2);
/// assert!((rule.chain().total - step.gradients().dw(1)[[2, 1]]).abs() < 1e-15);
/// assert!(rule.markdown().contains(r"\frac{\partial J}{\partial W_{1}[2,1]}"));
/// ```
#[derive(Clone, Debug)]
pub struct ChainRule {
    markdown: String,
    paths: ChainPaths,
}

impl ChainRule {
    /// The Markdown.
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// The numbers it writes out: every path's factors, their sum, backprop's entry and the
    /// finite-difference estimate.
    pub fn chain(&self) -> &ChainPaths {
        &self.paths
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

impl Step {
    /// The chain rule for one weight or bias, `"W1[2,1]"` or `"b2[0]"` (numpy's indices, from
    /// 0), written out with this step's numbers: every path to the cost, their products and
    /// sum, and the finite-difference estimate beside it (see [`Step::chain_paths`]).
    pub fn chain_rule(&self, param: &str) -> Result<ChainRule> {
        let paths = self.chain_paths(param)?;
        Ok(ChainRule { markdown: write(&paths, self.samples()), paths })
    }
}

/// A factor's name in LaTeX.
fn name(factor: Factor) -> String {
    match factor {
        Factor::Activation { layer, unit } => format!("a_{{{layer}}}[{unit}]"),
        Factor::Slope { layer, unit } => format!("f_{{{layer}}}'(z_{{{layer}}}[{unit}])"),
        Factor::Weight { layer, from, to } => format!("W_{{{layer}}}[{from},{to}]"),
        Factor::Cost { layer, unit, of_z } => {
            format!(r"\frac{{\partial J}}{{\partial {}_{{{layer}}}[{unit}]}}", if of_z { "z" } else { "a" })
        }
    }
}

/// The Markdown of `chain` for a step of `m` samples.
fn write(chain: &ChainPaths, m: usize) -> String {
    let param = chain.param;
    let l = param.layer;
    let depth = chain.depth;
    let j = if param.bias { param.row } else { param.col };
    let name_of_param = if param.bias { format!("b_{{{l}}}[{j}]") } else { format!("W_{{{l}}}[{},{j}]", param.row) };
    let mut out = String::new();
    let joins = if param.bias {
        format!("is the bias of unit {j} of layer {l}")
    } else {
        format!("joins unit {} of layer {} to unit {j} of layer {l}", param.row, l - 1)
    };
    let per_sample = chain.per_sample();
    let via = if l == depth {
        "and with it the cost".to_string()
    } else {
        format!("and the cost through every unit that $a_{{{l}}}[{j}]$ feeds")
    };
    writeln!(
        out,
        "### The chain rule for ${name_of_param}$\n\n${name_of_param}$ {joins}. A change in it moves $z_{{{l}}}[{j}]$, then $a_{{{l}}}[{j}]$, {via}: {per_sample} path{} to the cost{}. Along each path the factors multiply; the paths add up.\n",
        if per_sample == 1 { "" } else { "s" },
        if m > 1 { format!(" for each of the {m} samples") } else { String::new() }
    )
    .expect("writing to a String");
    let mut shown = 0;
    for (s, paths) in chain.samples.iter().enumerate() {
        for path in paths {
            if shown < SHOWN {
                let names: Vec<String> = path.factors.iter().map(|(f, _)| name(*f)).collect();
                let values: Vec<String> = path
                    .factors
                    .iter()
                    .map(|(_, v)| if *v < 0.0 { format!("({})", significant(*v, 4)) } else { significant(*v, 4) })
                    .collect();
                let sample = if m > 1 { format!(r"\text{{sample {s}: }} ") } else { String::new() };
                writeln!(
                    out,
                    "$$\n{sample}{} = {} = {}\n$$\n",
                    names.join(r" \cdot "),
                    values.join(r" \cdot "),
                    significant(path.product, 4)
                )
                .expect("writing to a String");
            }
            shown += 1;
        }
    }
    if shown > SHOWN {
        writeln!(out, "… and {} more paths, each a product of the same kind.\n", shown - SHOWN).expect("writing");
    }
    let matrix =
        if param.bias { format!(r"\sum \delta_{{{l}}}") } else { format!(r"(a_{{{}}}^T \delta_{{{l}}})", l - 1) };
    writeln!(
        out,
        "Their sum{}, to 10 digits:\n\n$$\n\\frac{{\\partial J}}{{\\partial {name_of_param}}} = {}\n$$\n\nthe same number as entry $[{}{}]$ of ${matrix}$, which backprop computes for every weight at once: ${}$. Nudging ${name_of_param}$ by $\\pm h$ and watching $J$ (central finite differences, Richardson-refined{}) gives ${}$.\n",
        if m > 1 { format!(" over every path and all {m} samples") } else { String::new() },
        significant(chain.total, 10),
        if param.bias { j.to_string() } else { param.row.to_string() },
        if param.bias { String::new() } else { format!(",{j}") },
        significant(chain.backprop, 10),
        if m > 1 { format!(", times m = {m} since J averages over the samples") } else { String::new() },
        significant(chain.numeric, 10)
    )
    .expect("writing to a String");
    out.trim_end().to_string() + "\n"
}
