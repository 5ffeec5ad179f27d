//! The chapter's complete program, printed: every given value, every intermediate of the
//! forward and backward passes, the gradients and the updated parameters, for any values.

use std::fmt::Write;

use ndarray::Array2;

use crate::npformat::{round, show, Dtype};
use crate::step::Step;

/// What the chapter's complete program prints for this step, generalized to L layers:
/// the header; x; y; every W and b; every z and a; dJda, f'(z) and d for the output layer, then
/// f'(z) and d for each hidden layer going back; dLdW and dLdb rounded to 4 decimals; the
/// updated weights and biases. Every array as numpy prints it; ends with a newline.
///
/// ```
/// let step = backprop::Values::chapter().step().unwrap();
/// let text = backprop::walkthrough::complete_program(&step);
/// assert!(text.contains("\nz1 = [[4.3 5.3]]\n"));
/// ```
pub fn complete_program(step: &Step) -> String {
    let (values, trace, grads, updated) = (step.values(), step.trace(), step.gradients(), step.updated());
    let depth = step.depth();

    // (label, array, dtype, on a line of its own): `print("\nz1 =", z1)` puts the array beside
    // its label, `print("\nW1 =\n\n", W1)` below it
    let mut items: Vec<(String, &Array2<f64>, Dtype, bool)> =
        vec![("x".into(), &values.x.data, values.x.dtype, false), ("y".into(), &values.y.data, values.y.dtype, false)];
    for l in 1..=depth {
        items.push((format!("W{l}"), values.w(l), values.weights[l - 1].dtype, true));
        items.push((format!("b{l}"), values.b(l), values.biases[l - 1].dtype, true));
    }
    for l in 1..=depth {
        items.push((format!("z{l}"), trace.z(l), values.z_dtype(l), false));
        items.push((format!("a{l}"), trace.a(l), values.a_dtype(l), false));
    }
    items.push((format!("dJda{depth}"), grads.dj_da(), Dtype::Float, false));
    for l in (1..=depth).rev() {
        items.push((format!("f{l}'(z{l})"), grads.df_dz(l), Dtype::Float, false));
        items.push((format!("d{l}"), grads.delta(l), Dtype::Float, false));
    }
    let rounded_dw: Vec<Array2<f64>> = (1..=depth).map(|l| round(grads.dw(l), 4)).collect();
    let rounded_db: Vec<Array2<f64>> = (1..=depth).map(|l| round(grads.db(l), 4)).collect();
    for (l, g) in (1..=depth).zip(&rounded_dw) {
        items.push((format!("dLdW{l}"), g, Dtype::Float, true));
    }
    for (l, g) in (1..=depth).zip(&rounded_db) {
        items.push((format!("dLdb{l}"), g, Dtype::Float, true));
    }
    for l in 1..=depth {
        items.push((format!("Updated Weight W{l}"), updated.w(l), Dtype::Float, true));
    }
    for l in 1..=depth {
        items.push((format!("Updated bias b{l}"), updated.b(l), Dtype::Float, true));
    }

    let mut out = String::from("Forward and Backpropagation - Numerical example\n");
    for (label, a, dtype, own_line) in items {
        let text = show(a, dtype);
        let gap = if own_line { "\n\n " } else { " " };
        writeln!(out, "\n{label} ={gap}{text}").expect("writing to a String");
    }
    out
}
