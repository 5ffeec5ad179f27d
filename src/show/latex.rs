//! LaTeX for every renderer that writes math: numbers by the one rule of `numbers`, matrices as
//! `bmatrix`, display equations.

use std::fmt::Write;

use ndarray::ArrayView2;

use super::numbers::{changed_in, format, Digits, Notation, CHAPTER};

/// A number in LaTeX as the chapter writes it when it works its equations by hand: rounded to
/// 4 decimals, trailing zeros trimmed; a number too small for 4 decimals keeps 4 significant
/// digits, as a power of ten below 10⁻⁴ (the one rule of [`short`](super::short)).
///
/// ```
/// use backprop::show::latex_number;
/// assert_eq!(latex_number(0.98661308), "0.9866");
/// assert_eq!(latex_number(2.08615904), "2.0862");
/// assert_eq!(latex_number(0.0049329), "0.0049");
/// assert_eq!(latex_number(-0.0000123456), r"-1.235 \times 10^{-5}");
/// assert_eq!(latex_number(2.5e-15), r"2.5 \times 10^{-15}");
/// ```
pub fn latex_number(v: f64) -> String {
    format(v, CHAPTER, Notation::Latex)
}

/// A number in LaTeX with `n` significant digits.
pub(crate) fn significant(v: f64, n: usize) -> String {
    format(v, Digits::Significant(n), Notation::Latex)
}

/// A matrix as LaTeX, each entry written by `entry`: `\begin{bmatrix} 1 & 4 & 5 \end{bmatrix}`.
fn bmatrix_of(a: ArrayView2<'_, f64>, entry: impl Fn((usize, usize), f64) -> String) -> String {
    let rows: Vec<String> = (0..a.nrows())
        .map(|i| (0..a.ncols()).map(|j| entry((i, j), a[[i, j]])).collect::<Vec<_>>().join(" & "))
        .collect();
    format!(r"\begin{{bmatrix}} {} \end{{bmatrix}}", rows.join(r" \\ "))
}

/// A matrix as LaTeX, its entries short.
///
/// ```
/// use backprop::{ndarray::array, show::bmatrix};
/// assert_eq!(bmatrix(array![[0.5], [0.25]].view()), r"\begin{bmatrix} 0.5 \\ 0.25 \end{bmatrix}");
/// ```
pub fn bmatrix(a: ArrayView2<'_, f64>) -> String {
    bmatrix_of(a, |_, v| latex_number(v))
}

/// The updated matrix, each entry written against the one it replaces (see
/// [`changed`](super::changed)).
pub(crate) fn bmatrix_changed(old: ArrayView2<'_, f64>, new: ArrayView2<'_, f64>) -> String {
    bmatrix_of(new, |at, v| changed_in(old[at], v, CHAPTER, Notation::Latex))
}

/// A matrix of boxes to fill in, shaped like `a`.
pub(crate) fn blanks(a: ArrayView2<'_, f64>) -> String {
    bmatrix_of(a, |_, _| r"\square".into())
}

/// One display equation.
pub(crate) fn eq(out: &mut String, latex: String) {
    writeln!(out, "$$\n{latex}\n$$\n").expect("writing to a String");
}
