//! The chapter's complete program, printed: every given value, every intermediate of the
//! forward and backward passes, the gradients and the updated parameters, for any values.

use std::fmt::Write;

use super::npformat::{round, scalar_str, NpStr};
use crate::model::Step;

impl Step {
    /// What the chapter's complete program prints for this step, generalized to L layers:
    /// the header; x; y; every W and b; every z and a; dJda, f'(z) and d for the output layer,
    /// then f'(z) and d for each hidden layer going back; dLdW and dLdb rounded to 4 decimals;
    /// the updated weights and biases. Every array as numpy prints it; ends with a newline.
    ///
    /// Where the loss folds f_L' into the output error (a cross-entropy that the values name),
    /// the cost J follows the forward pass, and the output layer's error is d = a − y itself,
    /// so its dJda and f'(z) are not printed.
    ///
    /// ```
    /// let step = backprop::Values::chapter().step().unwrap();
    /// assert!(step.walkthrough().contains("\nz1 = [[4.3 5.3]]\n"));
    /// ```
    pub fn walkthrough(&self) -> String {
        let (values, trace, grads, updated) = (self.values(), self.trace(), self.gradients(), self.updated());
        let depth = self.depth();
        let folds = values.loss().folds_output_derivative();

        // (label, what numpy prints, on a line of its own): `print("\nz1 =", z1)` puts the array
        // beside its label, `print("\nW1 =\n\n", W1)` below it
        let mut items: Vec<(String, String, bool)> =
            vec![("x".into(), values.x_given().np_str(), false), ("y".into(), values.y_given().np_str(), false)];
        for l in 1..=depth {
            items.push((format!("W{l}"), values.w_given(l).np_str(), true));
            items.push((format!("b{l}"), values.b_given(l).np_str(), true));
        }
        for l in 1..=depth {
            items.push((format!("z{l}"), trace.z(l).np_str_as(values.z_dtype(l)), false));
            items.push((format!("a{l}"), trace.a(l).np_str_as(values.a_dtype(l)), false));
        }
        if folds {
            items.push(("J".into(), scalar_str(self.cost()), false));
        } else {
            items.push((format!("dJda{depth}"), grads.dj_da(depth).np_str(), false));
        }
        for l in (1..=depth).rev() {
            if l < depth || !folds {
                items.push((format!("f{l}'(z{l})"), grads.df_dz(l).np_str(), false));
            }
            items.push((format!("d{l}"), grads.delta(l).np_str(), false));
        }
        for l in 1..=depth {
            items.push((format!("dLdW{l}"), round(grads.dw(l), 4).np_str(), true));
        }
        for l in 1..=depth {
            items.push((format!("dLdb{l}"), round(grads.db(l), 4).np_str(), true));
        }
        for l in 1..=depth {
            items.push((format!("Updated Weight W{l}"), updated.w(l).np_str(), true));
        }
        for l in 1..=depth {
            items.push((format!("Updated bias b{l}"), updated.b(l).np_str(), true));
        }

        let mut out = String::from("Forward and Backpropagation - Numerical example\n");
        for (label, text, own_line) in items {
            let gap = if own_line { "\n\n " } else { " " };
            writeln!(out, "\n{label} ={gap}{text}").expect("writing to a String");
        }
        out
    }
}
