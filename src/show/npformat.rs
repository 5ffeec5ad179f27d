//! Arrays printed exactly as numpy 2.x `print()` prints them with its default print options.
//!
//! The rules follow numpy's `arrayprint.py`:
//! - floats in `'maxprec'` mode: each number's shortest repr that round-trips, cut to at most
//!   8 decimals (correctly rounded), trailing zeros trimmed (`1.`), the fractional parts padded
//!   on the right so the decimal points align, the integer parts padded on the left (a `-`
//!   widens every element);
//! - scientific notation when a non-zero |value| is ≥ 1e8 or < 1e-4, or the largest is more
//!   than 1000 times the smallest; then every element gets as many digits as the longest needs;
//! - integer arrays right-aligned to the widest;
//! - rows wrapped at 75 characters, nested brackets, and arrays of more than 1000 elements
//!   summarized with `...`, 3 items at each edge.

use ndarray::{Array2, ArrayViewD, Axis, Slice};

use crate::io::{Dtype, Given};

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const PRECISION: usize = 8;

/// `str(a)` for an array of any dimension.
///
/// ```
/// use backprop::{ndarray::array, show::array_str, Dtype};
/// assert_eq!(array_str(array![[1.0, 4.0, 5.0]].view().into_dyn(), Dtype::Int), "[[1 4 5]]");
/// assert_eq!(array_str(array![[0.1, 0.05]].view().into_dyn(), Dtype::Float), "[[0.1  0.05]]");
/// ```
pub fn array_str(a: ArrayViewD<'_, f64>, dtype: Dtype) -> String {
    if a.ndim() == 0 {
        return ElementFormat::new(&[a[[]]], dtype).format(a[[]]);
    }
    if a.is_empty() {
        return format!("{}{}", "[".repeat(a.ndim()), "]".repeat(a.ndim()));
    }
    let summarize = a.len() > THRESHOLD;
    let shown = if summarize { leading_trailing(a.view()) } else { a.iter().copied().collect() };
    let element = ElementFormat::new(&shown, dtype);
    let mut index = Vec::with_capacity(a.ndim());
    recurse(&a, &element, &mut index, " ", LINE_WIDTH, summarize)
}

/// An array printed as numpy 2.x `print()` prints it: the one way the crate and the notebooks
/// print an array.
///
/// An `Array2<f64>` prints as a float64 array; a [`Given`] (a given value of the chapter)
/// with its own dtype, so that `np.array([[1, 4, 5]])` prints as `[[1 4 5]]`; `np_str_as`
/// prints any array as numpy would hold it as `dtype` (what an integer x makes of z1, say).
///
/// ```
/// use backprop::{ndarray::array, show::NpStr, Dtype, IntoGiven};
/// assert_eq!(array![[4.0, 5.0]].np_str(), "[[4. 5.]]");
/// assert_eq!(array![[1, 4, 5]].given().np_str(), "[[1 4 5]]");
/// assert_eq!(array![[4.0, 5.0]].np_str_as(Dtype::Int), "[[4 5]]");
/// assert_eq!(array![[0.5], [0.5]].np_str(), "[[0.5]\n [0.5]]");
/// assert_eq!(array![[-0.0, 1.0]].np_str(), "[[-0.  1.]]");
/// ```
pub trait NpStr {
    /// What `print(a)` shows for this array.
    fn np_str(&self) -> String;

    /// What `print(a)` shows for this array held as `dtype`.
    fn np_str_as(&self, dtype: Dtype) -> String;
}

impl NpStr for Array2<f64> {
    fn np_str(&self) -> String {
        self.np_str_as(Dtype::Float)
    }

    fn np_str_as(&self, dtype: Dtype) -> String {
        array_str(self.view().into_dyn(), dtype)
    }
}

impl NpStr for Given {
    fn np_str(&self) -> String {
        self.np_str_as(self.dtype())
    }

    fn np_str_as(&self, dtype: Dtype) -> String {
        self.array().np_str_as(dtype)
    }
}

/// `str(v)` of a numpy float64 scalar, as `print` shows a cost J: its shortest digits that
/// read back the same, positional from 10⁻⁴ up to 10¹⁶ and scientific outside (`1e-05`, with
/// at least two exponent digits), as Python's `repr` of a float writes them.
///
/// ```
/// use backprop::show::scalar_str;
/// assert_eq!(scalar_str(0.1 + 0.2), "0.30000000000000004");
/// assert_eq!(scalar_str(2.0), "2.0");
/// assert_eq!(scalar_str(0.0001), "0.0001");
/// assert_eq!(scalar_str(1.5e-5), "1.5e-05");
/// assert_eq!(scalar_str(1e16), "1e+16");
/// assert_eq!(scalar_str(-123456789012345.6), "-123456789012345.6");
/// // exactly halfway between two shortest candidates: the even one, as Python picks
/// assert_eq!(scalar_str(996193158182091.25), "996193158182091.2");
/// assert_eq!(scalar_str(f64::NEG_INFINITY), "-inf");
/// ```
pub fn scalar_str(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let (digits, exponent) = shortest(v);
    if v == 0.0 || (-4..16).contains(&exponent) {
        // as many decimals as the digits reach, and at least one: `2.0`
        let decimals = (digits as i32 - 1 - exponent).max(1) as usize;
        return format!("{v:.decimals$}");
    }
    let nearest = format!("{v:.*e}", digits - 1);
    let mantissa = nearest.split_once('e').expect("{:e} writes an exponent").0;
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
}

/// How many significant digits the shortest decimal that reads back as `v` has, and the power
/// of ten of its first digit, as numpy's Dragon4 (and Python's repr) find them. Rust's `{:e}`
/// finds the same count, but where two such decimals are equally near `v` it may write the odd
/// one; numpy takes the even one, which is the correctly rounded decimal of that many digits
/// (`{:.*e}` rounds ties to even), so the exponent is read from that.
fn shortest(v: f64) -> (usize, i32) {
    let fewest = format!("{v:e}");
    let mantissa = fewest.split_once('e').expect("{:e} writes an exponent").0;
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let nearest = format!("{v:.*e}", digits - 1);
    let exponent = nearest.split_once('e').expect("{:e} writes an exponent").1;
    (digits, exponent.parse().expect("an integer exponent"))
}

/// `np.round(a, decimals)`: scale by 10^decimals, round half to even, scale back, as numpy does
/// it (so the result is numpy's to the last bit, and `-0.` stays `-0.`).
///
/// ```
/// use backprop::{ndarray::array, show::round};
/// assert_eq!(round(&array![[0.00198391, 0.00005]], 4), array![[0.002, 0.0]]);
/// ```
pub fn round(a: &Array2<f64>, decimals: i32) -> Array2<f64> {
    let scale = 10f64.powi(decimals);
    a.mapv(|v| (v * scale).round_ties_even() / scale)
}

/// The first and last EDGE_ITEMS along every long axis: the elements a summarized print shows,
/// which alone decide the padding.
fn leading_trailing(a: ArrayViewD<'_, f64>) -> Vec<f64> {
    fn go(a: ArrayViewD<'_, f64>, axis: usize, out: &mut Vec<f64>) {
        if axis == a.ndim() {
            out.extend(a.iter().copied());
            return;
        }
        let n = a.len_of(Axis(axis));
        if n > 2 * EDGE_ITEMS {
            let mut lead = a.clone();
            lead.slice_axis_inplace(Axis(axis), Slice::from(..EDGE_ITEMS as isize));
            let mut trail = a.clone();
            trail.slice_axis_inplace(Axis(axis), Slice::from(-(EDGE_ITEMS as isize)..));
            go(lead, axis + 1, out);
            go(trail, axis + 1, out);
        } else {
            go(a, axis + 1, out);
        }
    }
    // Order does not matter: only the widths of these elements are used.
    let mut out = Vec::new();
    go(a, 0, &mut out);
    out
}

fn recurse(
    a: &ArrayViewD<'_, f64>,
    element: &ElementFormat,
    index: &mut Vec<usize>,
    hanging_indent: &str,
    width: usize,
    summarize: bool,
) -> String {
    let axis = index.len();
    if axis == a.ndim() {
        return element.format(a[index.as_slice()]);
    }
    let next_indent = format!("{hanging_indent} ");
    let next_width = width - 1; // room for the closing ']'
    let len = a.len_of(Axis(axis));
    let show_summary = summarize && 2 * EDGE_ITEMS < len;
    let items: Vec<Option<usize>> = if show_summary {
        (0..EDGE_ITEMS).map(Some).chain([None]).chain((len - EDGE_ITEMS..len).map(Some)).collect()
    } else {
        (0..len).map(Some).collect()
    };
    let child = |i: usize, index: &mut Vec<usize>| {
        index.push(i);
        let s = recurse(a, element, index, &next_indent, next_width, summarize);
        index.pop();
        s
    };

    let mut s = String::new();
    if axis + 1 == a.ndim() {
        // the last axis: words on a line, wrapped before they pass the width
        let elem_width = width - 1;
        let mut line = hanging_indent.to_string();
        for (k, item) in items.iter().enumerate() {
            let word = match item {
                Some(i) => child(*i, index),
                None => "...".to_string(),
            };
            if line.len() + word.len() > elem_width && line.len() > hanging_indent.len() {
                s.push_str(line.trim_end());
                s.push('\n');
                line = hanging_indent.to_string();
            }
            line.push_str(&word);
            if k + 1 < items.len() {
                line.push(' ');
            }
        }
        s.push_str(&line);
    } else {
        // outer axes: one nested block per line, a blank line more for every axis further out
        let line_sep = "\n".repeat(a.ndim() - axis - 1);
        for (k, item) in items.iter().enumerate() {
            s.push_str(hanging_indent);
            match item {
                Some(i) => s.push_str(&child(*i, index)),
                None => s.push_str("..."),
            }
            if k + 1 < items.len() {
                s.push_str(&line_sep);
            }
        }
    }
    format!("[{}]", &s[hanging_indent.len()..])
}

/// One number split as numpy's Dragon4 prints it: sign and integer digits, fractional digits,
/// and the exponent in scientific notation.
struct Parts {
    int: String,
    frac: String,
    exp: i32,
}

/// The shortest repr of |v| that round-trips, or, when that needs more than PRECISION
/// fractional digits, |v| correctly rounded to PRECISION and trimmed: Dragon4 in numpy's
/// unique mode with a precision cut-off.
fn positional_parts(v: f64) -> Parts {
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let (digits, exponent) = shortest(v.abs());
    let decimals = (digits as i32 - 1 - exponent).clamp(0, PRECISION as i32) as usize;
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    Parts { int: format!("{sign}{int}"), frac: frac.trim_end_matches('0').to_string(), exp: 0 }
}

/// As [`positional_parts`], in scientific notation: one digit before the point, at most PRECISION after.
fn scientific_parts(v: f64) -> Parts {
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let (digits, _) = shortest(v.abs());
    let s = format!("{:.*e}", (digits - 1).min(PRECISION), v.abs());
    let (mantissa, exp) = s.split_once('e').expect("{:e} writes an exponent");
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    Parts {
        int: format!("{sign}{int}"),
        frac: frac.trim_end_matches('0').to_string(),
        exp: exp.parse().expect("{:e} writes an integer exponent"),
    }
}

/// The format every element of one array shares: numpy's `IntegerFormat` / `FloatingFormat`.
enum ElementFormat {
    Int { width: usize },
    Float { scientific: bool, precision: usize, pad_left: usize, pad_right: usize, exp_digits: usize },
}

impl ElementFormat {
    fn new(values: &[f64], dtype: Dtype) -> ElementFormat {
        if dtype == Dtype::Int {
            let width = values.iter().map(|v| (*v as i64).to_string().len()).max().unwrap_or(0);
            return ElementFormat::Int { width };
        }
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let magnitudes = finite.iter().filter(|v| **v != 0.0).map(|v| v.abs());
        let (min, max) = magnitudes.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let scientific = max > 0.0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);

        let (mut pad_left, pad_right, precision, exp_digits) = if finite.is_empty() {
            (0, 0, 0, 0)
        } else if scientific {
            let parts: Vec<Parts> = finite.iter().map(|v| scientific_parts(*v)).collect();
            let precision = parts.iter().map(|p| p.frac.len()).max().unwrap_or(0);
            let exp_digits = parts.iter().map(|p| p.exp.unsigned_abs().to_string().len().max(2)).max().unwrap_or(2);
            let pad_left = parts.iter().map(|p| p.int.len()).max().unwrap_or(0);
            (pad_left, exp_digits + 2 + precision, precision, exp_digits)
        } else {
            let parts: Vec<Parts> = finite.iter().map(|v| positional_parts(*v)).collect();
            let pad_left = parts.iter().map(|p| p.int.len()).max().unwrap_or(0);
            let pad_right = parts.iter().map(|p| p.frac.len()).max().unwrap_or(0);
            (pad_left, pad_right, 0, 0)
        };
        if finite.len() != values.len() {
            // room for nan and inf in the same column as the numbers
            let neg_inf = values.contains(&f64::NEG_INFINITY);
            let offset = pad_right + 1;
            pad_left = pad_left.max(3usize.saturating_sub(offset)).max((3 + neg_inf as usize).saturating_sub(offset));
        }
        ElementFormat::Float { scientific, precision, pad_left, pad_right, exp_digits }
    }

    fn format(&self, v: f64) -> String {
        match *self {
            ElementFormat::Int { width } => format!("{:>width$}", v as i64),
            ElementFormat::Float { scientific, precision, pad_left, pad_right, exp_digits } => {
                if !v.is_finite() {
                    let word = if v.is_nan() {
                        "nan"
                    } else if v < 0.0 {
                        "-inf"
                    } else {
                        "inf"
                    };
                    return format!("{word:>width$}", width = pad_left + pad_right + 1);
                }
                if scientific {
                    let p = scientific_parts(v);
                    let exp_sign = if p.exp < 0 { '-' } else { '+' };
                    format!(
                        "{:>pad_left$}.{:0<precision$}e{exp_sign}{:0>exp_digits$}",
                        p.int,
                        p.frac,
                        p.exp.unsigned_abs()
                    )
                } else {
                    let p = positional_parts(v);
                    format!("{:>pad_left$}.{:<pad_right$}", p.int, p.frac)
                }
            }
        }
    }
}
