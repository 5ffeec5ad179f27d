//! The chapter's complete program, printed: every given value, every intermediate of the
//! forward and backward passes, the gradients and the updated parameters, for any values.

use std::fmt::Write;

use ndarray::Array2;

use crate::loss::Loss;
use crate::npformat::{round, scalar_str, show, Dtype};
use crate::step::Step;

/// What the chapter's complete program prints for this step, generalized to L layers:
/// the header; x; y; every W and b; every z and a; dJda, f'(z) and d for the output layer, then
/// f'(z) and d for each hidden layer going back; dLdW and dLdb rounded to 4 decimals; the
/// updated weights and biases. Every array as numpy prints it; ends with a newline.
///
/// With a cross-entropy loss (the values name one), the cost J follows the forward pass, and
/// the output layer's error is d = a − y itself, so its dJda and f'(z) are not printed: the
/// loss's derivative and the activation's cancel into it.
///
/// ```
/// let step = backprop::Values::chapter().step().unwrap();
/// let text = backprop::walkthrough::complete_program(&step);
/// assert!(text.contains("\nz1 = [[4.3 5.3]]\n"));
/// ```
pub fn complete_program(step: &Step) -> String {
    let (values, trace, grads, updated) = (step.values(), step.trace(), step.gradients(), step.updated());
    let depth = step.depth();
    let loss = step.network().loss();

    // (label, what numpy prints, on a line of its own): `print("\nz1 =", z1)` puts the array
    // beside its label, `print("\nW1 =\n\n", W1)` below it
    let mut items: Vec<(String, String, bool)> =
        vec![("x".into(), values.x.to_string(), false), ("y".into(), values.y.to_string(), false)];
    for l in 1..=depth {
        items.push((format!("W{l}"), values.weights[l - 1].to_string(), true));
        items.push((format!("b{l}"), values.biases[l - 1].to_string(), true));
    }
    for l in 1..=depth {
        items.push((format!("z{l}"), show(trace.z(l), values.z_dtype(l)), false));
        items.push((format!("a{l}"), show(trace.a(l), values.a_dtype(l)), false));
    }
    let float = |a: &Array2<f64>| show(a, Dtype::Float);
    if loss == Loss::Mse {
        items.push((format!("dJda{depth}"), float(grads.dj_da()), false));
    } else {
        items.push(("J".into(), scalar_str(loss.value(trace.output(), &values.y.data)), false));
    }
    for l in (1..=depth).rev() {
        if l < depth || loss == Loss::Mse {
            items.push((format!("f{l}'(z{l})"), float(grads.df_dz(l)), false));
        }
        items.push((format!("d{l}"), float(grads.delta(l)), false));
    }
    for l in 1..=depth {
        items.push((format!("dLdW{l}"), float(&round(grads.dw(l), 4)), true));
    }
    for l in 1..=depth {
        items.push((format!("dLdb{l}"), float(&round(grads.db(l), 4)), true));
    }
    for l in 1..=depth {
        items.push((format!("Updated Weight W{l}"), float(updated.w(l)), true));
    }
    for l in 1..=depth {
        items.push((format!("Updated bias b{l}"), float(updated.b(l)), true));
    }

    let mut out = String::from("Forward and Backpropagation - Numerical example\n");
    for (label, text, own_line) in items {
        let gap = if own_line { "\n\n " } else { " " };
        writeln!(out, "\n{label} ={gap}{text}").expect("writing to a String");
    }
    out
}
