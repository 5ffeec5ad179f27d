//! The math against the chapter's printed numbers (to the 8 decimals it prints), and backprop
//! against finite differences, which needs no reference at all.

use approx::assert_abs_diff_eq;
use backprop::math::mse;
use backprop::ndarray::{array, Array2};
use backprop::{Activation, Gradients, Network, Values};

/// The numbers the chapter prints for `label`, from its complete program's output.
fn chapter(label: &str) -> Array2<f64> {
    let text = include_str!("fixtures/chapter-complete-output.txt");
    let start =
        text.find(&format!("\n{label} =")).unwrap_or_else(|| panic!("{label} is not in the chapter")) + label.len() + 3;
    let rest = &text[start..];
    let open = rest.find('[').unwrap();
    let mut depth = 0;
    let mut end = open;
    for (i, c) in rest[open..].char_indices() {
        depth += (c == '[') as i32 - (c == ']') as i32;
        if depth == 0 {
            end = open + i;
            break;
        }
    }
    let body = &rest[open..=end];
    let rows: Vec<Vec<f64>> = body
        .split(']')
        .map(|row| row.replace('[', ""))
        .filter(|row| !row.trim().is_empty())
        .map(|row| row.split_whitespace().map(|n| n.parse().unwrap()).collect())
        .collect();
    let cols = rows[0].len();
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).unwrap()
}

/// Half a unit in the last of the 8 decimals the chapter prints, and a little for the rounding.
const PRINTED: f64 = 5.1e-9;

#[test]
fn forward_pass_matches_the_chapter() {
    let values = Values::chapter();
    let net = values.network().unwrap();
    let trace = net.forward(values.x()).unwrap();
    assert_abs_diff_eq!(trace.z(1), &chapter("z1"), epsilon = PRINTED);
    assert_abs_diff_eq!(trace.a(1), &chapter("a1"), epsilon = PRINTED);
    assert_abs_diff_eq!(trace.z(2), &chapter("z2"), epsilon = PRINTED);
    assert_abs_diff_eq!(trace.a(2), &chapter("a2"), epsilon = PRINTED);
    assert_eq!(trace.z(0), values.x());
}

#[test]
fn backward_pass_matches_the_chapter() {
    let values = Values::chapter();
    let net = values.network().unwrap();
    let grads = net.backward(&net.forward(values.x()).unwrap(), values.y()).unwrap();
    assert_abs_diff_eq!(grads.dj_da(2), &chapter("dJda2"), epsilon = PRINTED);
    assert_abs_diff_eq!(grads.df_dz(2), &chapter("f2'(z2)"), epsilon = PRINTED);
    assert_abs_diff_eq!(grads.delta(2), &chapter("d2"), epsilon = PRINTED);
    assert_abs_diff_eq!(grads.df_dz(1), &chapter("f1'(z1)"), epsilon = PRINTED);
    assert_abs_diff_eq!(grads.delta(1), &chapter("d1"), epsilon = PRINTED);
    // the chapter prints these rounded to 4 decimals
    for l in 1..=2 {
        assert_abs_diff_eq!(grads.dw(l), &chapter(&format!("dLdW{l}")), epsilon = 5.1e-5);
        assert_abs_diff_eq!(grads.db(l), &chapter(&format!("dLdb{l}")), epsilon = 5.1e-5);
    }
}

#[test]
fn the_update_matches_the_chapter() {
    let values = Values::chapter();
    let net = values.network().unwrap();
    let grads = net.backward(&net.forward(values.x()).unwrap(), values.y()).unwrap();
    let mut next = net.clone();
    next.update(&grads, values.learning_rate()).unwrap();
    for l in 1..=2 {
        assert_abs_diff_eq!(next.w(l), &chapter(&format!("Updated Weight W{l}")), epsilon = PRINTED);
        assert_abs_diff_eq!(next.b(l), &chapter(&format!("Updated bias b{l}")), epsilon = PRINTED);
    }
    // the original is left as it was
    assert_eq!(net.w(1), values.w(1));
}

/// Central finite differences of J = 1/(2m) Σ (a_L − y)² for every weight and bias, against
/// backprop's dJ/dW / m (backprop's gradients sum over the batch, J averages).
fn largest_relative_error(net: &Network, x: &Array2<f64>, y: &Array2<f64>, grads: &Gradients) -> f64 {
    let m = x.nrows() as f64;
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    let weights: Vec<Array2<f64>> = (1..=net.depth()).map(|l| net.w(l).clone()).collect();
    let biases: Vec<Array2<f64>> = (1..=net.depth()).map(|l| net.b(l).clone()).collect();
    let activations: Vec<Activation> = (1..=net.depth()).map(|l| net.activation(l)).collect();
    let cost = |w: &[Array2<f64>], b: &[Array2<f64>]| {
        let n = Network::new(w.to_vec(), b.to_vec(), activations.clone()).unwrap();
        mse(&n.predict(x).unwrap(), y)
    };
    for l in 0..net.depth() {
        for is_bias in [false, true] {
            let shape = if is_bias { biases[l].dim() } else { weights[l].dim() };
            for i in 0..shape.0 {
                for j in 0..shape.1 {
                    let (mut wp, mut bp) = (weights.clone(), biases.clone());
                    let (mut wm, mut bm) = (weights.clone(), biases.clone());
                    let target = |w: &mut Vec<Array2<f64>>, b: &mut Vec<Array2<f64>>, d: f64| {
                        if is_bias {
                            b[l][[i, j]] += d
                        } else {
                            w[l][[i, j]] += d
                        }
                    };
                    target(&mut wp, &mut bp, h);
                    target(&mut wm, &mut bm, -h);
                    let numeric = (cost(&wp, &bp) - cost(&wm, &bm)) / (2.0 * h);
                    let analytic = if is_bias { grads.db(l + 1)[[i, 0]] } else { grads.dw(l + 1)[[i, j]] } / m;
                    let scale = numeric.abs().max(analytic.abs()).max(1e-8);
                    worst = worst.max((numeric - analytic).abs() / scale);
                }
            }
        }
    }
    worst
}

#[test]
fn backprop_agrees_with_finite_differences_on_the_chapter() {
    let values = Values::chapter();
    let net = values.network().unwrap();
    let grads = net.backward(&net.forward(values.x()).unwrap(), values.y()).unwrap();
    let err = largest_relative_error(&net, values.x(), values.y(), &grads);
    assert!(err < 1e-6, "largest relative error {err:e}");
}

#[test]
fn backprop_agrees_with_finite_differences_on_a_deeper_batch_with_every_activation() {
    let net = Network::new(
        vec![
            array![[0.4, -0.6, 0.2], [0.1, 0.3, -0.5], [-0.7, 0.2, 0.9]],
            array![[0.5, -0.4, 0.3], [0.2, 0.6, -0.8], [-0.3, 0.1, 0.4]],
            array![[0.6, -0.2], [-0.5, 0.7], [0.2, 0.4]],
            array![[0.3, -0.7, 0.2], [0.8, 0.1, -0.4]],
            array![[0.3, -0.7], [0.8, 0.1], [-0.4, 0.5]],
        ],
        vec![
            array![[0.1], [0.05], [-0.2]],
            array![[0.3], [0.1], [0.2]],
            array![[-0.1], [0.1]],
            array![[0.2], [0.1], [0.0]],
            array![[0.05], [-0.05]],
        ],
        vec![Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Identity, Activation::Sigmoid],
    )
    .unwrap();
    let x = array![[1.0, -2.0, 0.5], [0.3, 3.0, -1.0], [-0.5, 0.2, 0.1]];
    let y = array![[0.5, 0.25], [1.0, 0.0], [0.2, 0.8]];
    let grads = net.backward(&net.forward(&x).unwrap(), &y).unwrap();
    let err = largest_relative_error(&net, &x, &y, &grads);
    assert!(err < 1e-6, "largest relative error {err:e}");
}

#[test]
fn the_gradient_check_catches_a_wrong_gradient() {
    // gradients of the same network for another input are wrong for this one: the check must say so
    let values = Values::chapter();
    let net = values.network().unwrap();
    let other_x = values.x().mapv(|v| v * 2.0);
    let wrong = net.backward(&net.forward(&other_x).unwrap(), values.y()).unwrap();
    let err = largest_relative_error(&net, values.x(), values.y(), &wrong);
    assert!(err > 1e-2, "a wrong gradient passed with relative error {err:e}");
}

#[test]
fn one_update_lowers_the_cost() {
    let values = Values::chapter();
    let net = values.network().unwrap();
    let before = mse(&net.predict(values.x()).unwrap(), values.y());
    let grads = net.backward(&net.forward(values.x()).unwrap(), values.y()).unwrap();
    let mut next = net.clone();
    next.update(&grads, 0.5).unwrap();
    let after = mse(&next.predict(values.x()).unwrap(), values.y());
    assert!(after < before, "{after} >= {before}");
}
