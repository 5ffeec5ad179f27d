//! What a numpy program printed, read back: each `label = array` (`z1 = [[4.3 5.3]]`, or the
//! label on a line and the array below it, as `print("\nW1 =\n\n", W1)` puts it), with numpy's
//! line wrapping, integer arrays and scientific notation, and for each number the largest
//! difference from the value it was printed for: numpy prints a float64 with at most 8
//! decimals (of its mantissa, in scientific notation), so half a unit of the 8th.

use ndarray::Array2;

/// An array as printed, read back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PrintedArray {
    /// The numbers, a 1-D array as one row.
    pub(crate) values: Array2<f64>,
    /// For each number, the largest difference from the value it was printed for.
    pub(crate) tolerance: Array2<f64>,
    /// Whether numpy printed it 1-D (`[0.1 0.2]`), not 2-D.
    pub(crate) one_dimensional: bool,
}

/// One labelled thing a program printed: its label, and the array read (or why not).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Printed {
    pub(crate) label: String,
    pub(crate) array: Result<PrintedArray, String>,
}

/// numpy's default print precision: decimals of a positional float, of a mantissa otherwise.
const PRECISION: i32 = 8;

/// A number as numpy prints it, and how far the value it was printed for may lie from it.
fn number(token: &str) -> Option<(f64, f64)> {
    let value: f64 = token.parse().ok()?;
    if !value.is_finite() {
        return Some((value, 0.0));
    }
    let tolerance = if let Some((mantissa, exp)) = token.split_once(['e', 'E']) {
        let exp: i32 = exp.parse().ok()?;
        let _ = mantissa;
        0.5 * 10f64.powi(exp - PRECISION)
    } else if token.contains('.') {
        0.5 * 10f64.powi(-PRECISION)
    } else {
        // an integer array's entry is exact
        0.0
    };
    // and a little more: the program's own last bits may round the 8th decimal the other way
    Some((value, tolerance * (1.0 + 1e-6) + value.abs() * 1e-15))
}

/// One array's text (`[[0.98661308 0.9950332 ]]`, over several lines too) read back.
pub(crate) fn parse_array(text: &str) -> Result<PrintedArray, String> {
    let text = text.trim();
    if !text.starts_with('[') {
        // a scalar, as a cost J prints
        let (value, tolerance) =
            number(text).ok_or_else(|| format!("expected an array like [[1. 2.]], got {text:?}"))?;
        return Ok(PrintedArray {
            values: Array2::from_elem((1, 1), value),
            tolerance: Array2::from_elem((1, 1), tolerance),
            one_dimensional: false,
        });
    }
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut token = String::new();
    let flush = |token: &mut String, rows: &mut Vec<Vec<(f64, f64)>>| -> Result<(), String> {
        if token.is_empty() {
            return Ok(());
        }
        let parsed = number(token).ok_or_else(|| format!("expected a number, got {token:?}"))?;
        rows.last_mut().ok_or("a number outside the brackets")?.push(parsed);
        token.clear();
        Ok(())
    };
    for c in text.chars() {
        match c {
            '[' => {
                flush(&mut token, &mut rows)?;
                depth += 1;
                deepest = deepest.max(depth);
                if depth > 2 {
                    return Err("expected a 1-D or 2-D array, got one of more dimensions".into());
                }
                if depth == deepest {
                    rows.push(Vec::new());
                }
            }
            ']' => {
                flush(&mut token, &mut rows)?;
                depth = depth.checked_sub(1).ok_or("a ] without its [")?;
            }
            c if c.is_whitespace() || c == ',' => flush(&mut token, &mut rows)?,
            c => token.push(c),
        }
    }
    if depth != 0 {
        return Err("the brackets do not close".into());
    }
    let rows: Vec<Vec<(f64, f64)>> = rows.into_iter().filter(|r| !r.is_empty()).collect();
    let width = rows.first().map_or(0, Vec::len);
    if width == 0 || rows.iter().any(|r| r.len() != width) {
        return Err("expected rows of equal length".into());
    }
    let flat = |pick: fn(&(f64, f64)) -> f64| -> Array2<f64> {
        Array2::from_shape_vec((rows.len(), width), rows.iter().flatten().map(pick).collect())
            .expect("rows of equal length")
    };
    Ok(PrintedArray { values: flat(|p| p.0), tolerance: flat(|p| p.1), one_dimensional: deepest == 1 })
}

/// Whether a line starts a labelled print: `label =` or `label = ...`, the label free of
/// brackets.
fn label_of(line: &str) -> Option<(String, String)> {
    let (label, rest) = line.split_once(" =")?;
    let label = label.trim();
    if label.is_empty() || label.contains(['[', ']']) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((label.to_string(), rest.trim().to_string()))
}

/// Every labelled array of a program's output, in order; a line that is neither a label nor
/// part of an array (a title, a blank) is passed over.
pub(crate) fn read_output(text: &str) -> Vec<Printed> {
    let mut found = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((label, mut array)) = label_of(line) else { continue };
        if array.is_empty() {
            // the array below its label, after blank lines
            while lines.peek().is_some_and(|l| l.trim().is_empty()) {
                lines.next();
            }
        }
        let open = |s: &str| s.matches('[').count() as i64 - s.matches(']').count() as i64;
        let mut balance = open(&array);
        if array.is_empty() {
            match lines.next() {
                Some(l) if l.trim_start().starts_with('[') || number(l.trim()).is_some() => {
                    array = l.to_string();
                    balance = open(&array);
                }
                _ => {
                    found.push(Printed { label, array: Err("nothing printed after the label".into()) });
                    continue;
                }
            }
        }
        while balance > 0 {
            match lines.next() {
                Some(l) => {
                    balance += open(l);
                    array.push('\n');
                    array.push_str(l);
                }
                None => break,
            }
        }
        found.push(Printed { array: parse_array(&array), label });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_numpy_prints() {
        let a = parse_array("[[0.98661308 0.9950332 ]]").unwrap();
        assert_eq!(a.values.dim(), (1, 2));
        assert_eq!(a.values[[0, 1]], 0.9950332);
        assert!((a.tolerance[[0, 0]] - 5e-9).abs() < 1e-14);
        let ints = parse_array("[[1 4 5]]").unwrap();
        assert!(ints.tolerance[[0, 2]] < 1e-13, "an integer is exact, up to f64");
        let sci = parse_array("[[3.48576723e-11 1.00000000e+00]]").unwrap();
        assert!((sci.tolerance[[0, 0]] - 5e-20).abs() < 1e-24, "{}", sci.tolerance[[0, 0]]);
        let one_d = parse_array("[0.1 0.2]").unwrap();
        assert!(one_d.one_dimensional && one_d.values.dim() == (1, 2));
        assert!(parse_array("[[1 2]\n [3]]").unwrap_err().contains("equal length"));
        assert!(parse_array("[[[1]]]").unwrap_err().contains("more dimensions"));
    }

    #[test]
    fn reads_labels_inline_and_below_and_wrapped_rows() {
        let text = "Forward and Backpropagation - Numerical example\n\nx = [[1 4 5]]\n\nW1 =\n\n [[0.1 0.2]\n [0.3 0.4]\n [0.5 0.6]]\n\nz1 = [[ 0.1  0.2  0.3  0.4  0.5  0.6  0.7  0.8  0.9  1.   1.1  1.2  1.3  1.4\n   1.5]]\n";
        let read = read_output(text);
        let labels: Vec<&str> = read.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["x", "W1", "z1"]);
        assert_eq!(read[1].array.as_ref().unwrap().values.dim(), (3, 2));
        assert_eq!(read[2].array.as_ref().unwrap().values.dim(), (1, 15));
    }
}
