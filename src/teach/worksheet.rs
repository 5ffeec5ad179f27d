//! Worksheets for teachers: variants of the chapter's exercise, each with its own values
//! workable by hand, as Markdown with LaTeX (the equations with blanks) and an answer key (the
//! derivation filled in), the same files for the same seed.

use std::fmt::Write;
use std::path::Path;

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::io::{files, Values};
use crate::model::{Rng, Step};
use crate::show::latex::{blanks, bmatrix, eq, latex_number};

/// The largest |z| a worksheet's sigmoid sees: beyond it σ' is below 0.07 and σ near 0 or 1,
/// which by hand reads as "saturated" and teaches little.
pub const LARGEST_Z: f64 = 2.5;

/// One variant: its values, the worksheet and its answer key.
#[derive(Clone, Debug)]
pub struct Worksheet {
    /// The given values (a values file's content; `backprop mark` reads it as the key).
    pub values: Values,
    /// The exercise: the values and every equation with blanks, as Markdown with LaTeX.
    pub sheet: String,
    /// The answer key: the derivation filled in with the numbers.
    pub key: String,
}

/// A number of `decimals` decimals drawn from [lo, hi], never 0 (a zero weight teaches
/// nothing).
fn draw(rng: &mut Rng, lo: f64, hi: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    loop {
        let v = ((lo + (hi - lo) * rng.next_f64()) * scale).round() / scale;
        if v != 0.0 {
            return v;
        }
    }
}

/// The step of values a learner can work by hand: 2 or 3 inputs, 2 hidden units, 2 outputs,
/// one sample of small integers, one-decimal weights and biases, two-decimal targets, no |z|
/// above [`LARGEST_Z`].
fn workable(rng: &mut Rng) -> Step {
    loop {
        let n0 = 2 + rng.below(2);
        let x = Array2::from_shape_fn((1, n0), |_| (rng.below(5) as i64) - 1);
        let w1 = Array2::from_shape_fn((n0, 2), |_| draw(rng, -0.9, 0.9, 1));
        let b1 = Array2::from_shape_fn((2, 1), |_| draw(rng, -0.5, 0.5, 1));
        let w2 = Array2::from_shape_fn((2, 2), |_| draw(rng, -0.9, 0.9, 1));
        let b2 = Array2::from_shape_fn((2, 1), |_| draw(rng, -0.5, 0.5, 1));
        let y = Array2::from_shape_fn((1, 2), |_| draw(rng, 0.05, 0.95, 2));
        let eta = [0.1, 0.5, 1.0][rng.below(3)];
        let Ok(values) = Values::new(&x, &y, (&w1, &w2), (&b1, &b2), eta) else {
            continue;
        };
        let Ok(step) = values.step() else { continue };
        let tame = (1..=2).all(|l| step.trace().z(l).iter().all(|z| z.abs() <= LARGEST_Z));
        if tame && x.iter().any(|v| *v != 0) {
            return step;
        }
    }
}

fn sheet(k: usize, step: &Step) -> String {
    let (v, t, g, u) = (step.values(), step.trace(), step.gradients(), step.updated());
    let blanks = |a: &Array2<f64>| blanks(a.view());
    let bmatrix = |a: &Array2<f64>| bmatrix(a.view());
    let mut out = String::new();
    writeln!(out, "# Backpropagation by hand: worksheet {k}\n").unwrap();
    writeln!(out, "A 3-layer network ({}-2-2) with sigmoid activations $\\sigma(z) = 1/(1 + e^{{-z}})$ and the cost $J = \\frac{{1}}{{2}} \\sum (a_2 - y)^2$ takes one sample. Work one step of gradient descent by hand: fill in every box, to 4 significant digits. Use $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$.\n", v.x().ncols()).unwrap();
    writeln!(out, "## Given values\n").unwrap();
    eq(&mut out, format!(r"x = a_0 = {} \qquad y = {}", bmatrix(v.x()), bmatrix(v.y())));
    eq(&mut out, format!(r"W_1 = {} \qquad b_1 = {}", bmatrix(v.w(1)), bmatrix(v.b(1))));
    eq(&mut out, format!(r"W_2 = {} \qquad b_2 = {}", bmatrix(v.w(2)), bmatrix(v.b(2))));
    eq(&mut out, format!(r"\eta = {}", latex_number(v.learning_rate())));
    out.push_str("## Forward propagation\n\n");
    for l in 1..=2 {
        eq(&mut out, format!(r"z_{{{l}}} = a_{{{}}} W_{{{l}}} + b_{{{l}}}^T = {}", l - 1, blanks(t.z(l))));
        eq(&mut out, format!(r"a_{{{l}}} = \sigma(z_{{{l}}}) = {}", blanks(t.a(l))));
    }
    out.push_str("## Backpropagation\n\n");
    eq(&mut out, format!(r"\frac{{\partial J}}{{\partial a_2}} = a_2 - y = {}", blanks(g.dj_da(2))));
    eq(&mut out, format!(r"\sigma'(z_2) = {}", blanks(g.df_dz(2))));
    eq(
        &mut out,
        format!(r"\delta_2 = \frac{{\partial J}}{{\partial a_2}} \odot \sigma'(z_2) = {}", blanks(g.delta(2))),
    );
    eq(&mut out, format!(r"\sigma'(z_1) = {}", blanks(g.df_dz(1))));
    eq(&mut out, format!(r"\delta_1 = (\delta_2 W_2^T) \odot \sigma'(z_1) = {}", blanks(g.delta(1))));
    out.push_str("## Gradients\n\n");
    for l in [2, 1] {
        eq(
            &mut out,
            format!(
                r"\frac{{\partial J}}{{\partial W_{{{l}}}}} = a_{{{}}}^T \delta_{{{l}}} = {}",
                l - 1,
                blanks(g.dw(l))
            ),
        );
        eq(&mut out, format!(r"\frac{{\partial J}}{{\partial b_{{{l}}}}} = \sum \delta_{{{l}}} = {}", blanks(g.db(l))));
    }
    out.push_str("## Update\n\n");
    for l in 1..=2 {
        eq(
            &mut out,
            format!(r"W_{{{l}}} := W_{{{l}}} - \eta \frac{{\partial J}}{{\partial W_{{{l}}}}} = {}", blanks(u.w(l))),
        );
        eq(
            &mut out,
            format!(r"b_{{{l}}} := b_{{{l}}} - \eta \frac{{\partial J}}{{\partial b_{{{l}}}}} = {}", blanks(u.b(l))),
        );
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// `count` worksheets from `seed`: the same seed gives the same worksheets everywhere.
///
/// ```
/// let a = backprop::teach::worksheets(7, 2).unwrap();
/// let b = backprop::teach::worksheets(7, 2).unwrap();
/// assert_eq!(a[1].sheet, b[1].sheet);
/// assert!(a[0].sheet.contains(r"\square") && a[0].key.contains("Update the parameters"));
/// ```
pub fn worksheets(seed: u64, count: usize) -> Result<Vec<Worksheet>> {
    if count == 0 {
        return Err(Error::Value { name: "count".into(), problem: "expected at least 1 worksheet, got 0".into() });
    }
    let mut rng = Rng::new(seed);
    Ok((1..=count)
        .map(|k| {
            let step = workable(&mut rng);
            let key = format!("# Answer key: worksheet {k}\n\n{}", step.derivation());
            Worksheet { sheet: sheet(k, &step), key, values: step.values().clone() }
        })
        .collect())
}

/// Writes `worksheet-K.md`, `key-K.md` and `values-K.json` (the key `backprop mark` reads)
/// for each worksheet into `dir`, made when missing, each file atomically; returns the files
/// written.
pub fn write_worksheets(sheets: &[Worksheet], dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    files::make_folder(dir)?;
    let mut written = Vec::new();
    for (i, w) in sheets.iter().enumerate() {
        let k = i + 1;
        for (name, text) in [
            (format!("worksheet-{k}.md"), w.sheet.clone()),
            (format!("key-{k}.md"), w.key.clone()),
            (format!("values-{k}.json"), w.values.to_json()),
        ] {
            let path = dir.join(name);
            files::write(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    Ok(written)
}
