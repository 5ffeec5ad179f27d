//! The network drawn from a worked step (forward, backward, update), and the chain rule for one
//! weight, against the step's own numbers.

use backprop::diagram::{Sample, View};
use backprop::Values;

fn chapter() -> backprop::Step {
    Values::chapter().step().unwrap()
}

#[test]
fn the_forward_view_writes_every_weight_unit_bias_and_target() {
    let svg = chapter().diagram(View::Forward).picture().unwrap().svg().to_string();
    for text in ["W1[2,1] = 0.6", "W2[0,1] = 0.8", "x[2]", "= 5", "z = 4.3", "a = 0.9866", "b = 0.5", "y = 0.05"] {
        assert!(svg.contains(text), "{text} is missing");
    }
    assert!(svg.contains("W_l[i,j] joins unit i of layer l−1 (its row) to unit j of layer l (its column)"));
}

#[test]
fn the_backward_view_writes_each_lines_gradient_as_a_from_times_delta_to() {
    let step = chapter();
    let svg = step.diagram(View::Backward).picture().unwrap().svg().to_string();
    // dJ/dW1[2,1] = a0[2] · δ1[1]
    let g = step.trace().a(0)[[0, 2]] * step.gradients().delta(1)[[0, 1]];
    assert_eq!(g, step.gradients().dw(1)[[2, 1]]);
    let text = format!("dJ/dW1[2,1] = {}", backprop::diagram::short(g));
    assert!(svg.contains(&text), "{text} is missing");
    for text in ["dJ/da = 0.7896", "f&apos;(z) = 0.09825", "δ = 0.07757"] {
        assert!(svg.contains(text), "{text} is missing");
    }
}

#[test]
fn the_update_view_writes_old_and_new() {
    let svg = chapter().diagram(View::Update).picture().unwrap().svg().to_string();
    assert!(svg.contains("W1[2,1]: 0.6 → 0.59998"), "the chapter moves W1[2,1] by 2e-5");
    assert!(svg.contains("W2[0,0]: 0.7 → 0.6992"));
    assert!(svg.contains("b: 0.5 → 0.49998"));
}

#[test]
fn a_batch_names_its_sample_and_can_sum_the_gradients() {
    let values =
        Values::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/walkthrough/three_layers.json")).unwrap();
    let step = values.step().unwrap();
    let m = step.samples();
    assert!(m > 1);
    let one = step.diagram(View::Forward).sample(Sample::One(1)).picture().unwrap();
    assert!(one.svg().contains(&format!("sample 1 of {m}")));
    let sum = step.diagram(View::Backward).sample(Sample::Sum).picture().unwrap();
    assert!(sum.svg().contains(&format!("gradients summed over the {m} samples")));
    let g = step.gradients().dw(1)[[0, 0]];
    assert!(sum.svg().contains(&format!("dJ/dW1[0,0] = {}", backprop::diagram::short(g))));
    let err = step.diagram(View::Forward).sample(Sample::One(m)).picture().unwrap_err().to_string();
    assert_eq!(err, format!("sample: expected a sample from 0 to {}, got {m}", m - 1));
}

#[test]
fn wide_layers_are_drawn_without_numbers() {
    use backprop::{Activation, Init, Loss, Network};
    let net = Network::init(
        &[2, 16, 16, 1],
        &[Activation::Tanh, Activation::Tanh, Activation::Sigmoid],
        Loss::Mse,
        Init::Xavier,
        7,
    )
    .unwrap();
    let weights: Vec<_> = (1..=3).map(|l| net.w(l).clone()).collect();
    let biases: Vec<_> = (1..=3).map(|l| net.b(l).clone()).collect();
    let values = Values::with_activations(
        backprop::ndarray::array![[0.5, -0.5]],
        backprop::ndarray::array![[1.0]],
        weights,
        biases,
        0.5,
        vec![Activation::Tanh, Activation::Tanh, Activation::Sigmoid],
    )
    .unwrap();
    let picture = values.step().unwrap().diagram(View::Forward).picture().unwrap();
    if let Some(dir) = std::env::var_os("BACKPROP_DIAGRAMS") {
        picture.save(std::path::Path::new(&dir).join("wide.png")).unwrap();
    }
    let svg = picture.svg();
    assert!(!svg.contains("W2[0,0] ="), "a 16-wide layer's lines carry no numbers");
    assert!(svg.contains("width and colour only"));
    // the narrow ends still have their numbers
    assert!(svg.contains("y = 1"));
}

#[test]
fn a_highlight_names_what_it_shows_and_refuses_a_parameter_that_is_not_there() {
    let step = chapter();
    let svg = step.diagram(View::Backward).highlight("W1[2,1]").unwrap().picture().unwrap().svg().to_string();
    assert!(svg.contains("strong: the paths from W1[2,1] to the cost"));
    let err = step.diagram(View::Forward).highlight("W1[3,0]").unwrap_err().to_string();
    assert_eq!(err, "W1[3,0]: no such weight: W1 is (3, 2)");
    let err = step.diagram(View::Forward).highlight("W3[0,0]").unwrap_err().to_string();
    assert_eq!(err, "W3[0,0]: no such weight: this network has layers 1 to 2");
    assert!(step
        .diagram(View::Forward)
        .highlight("x1")
        .unwrap_err()
        .to_string()
        .contains("expected a weight like W1[2,1]"));
}

#[test]
fn every_view_is_a_png_too() {
    let step = chapter();
    for (view, name) in [(View::Forward, "forward"), (View::Backward, "backward"), (View::Update, "update")] {
        let picture = step.diagram(view).highlight("W1[2,1]").unwrap().picture().unwrap();
        assert!(picture.png().starts_with(b"\x89PNG"));
        if let Some(dir) = std::env::var_os("BACKPROP_DIAGRAMS") {
            picture.save(std::path::Path::new(&dir).join(format!("{name}.png"))).unwrap();
        }
    }
}

#[test]
fn the_chain_rule_for_a_weight_sums_its_paths_to_backprops_number() {
    let step = chapter();
    let rule = step.chain_rule("W1[2,1]").unwrap();
    assert_eq!(rule.paths(), 2);
    let g = step.gradients().dw(1)[[2, 1]];
    assert!((rule.total() - g).abs() <= 1e-15 * g.abs().max(1e-300), "{} against {g}", rule.total());
    assert!((rule.numeric() - g).abs() < 1e-9 * g.abs(), "{} against {g}", rule.numeric());
    let md = rule.markdown();
    assert!(md.contains(r"a_{0}[2] \cdot f_{1}'(z_{1}[1]) \cdot W_{2}[1,0] \cdot f_{2}'(z_{2}[0]) \cdot \frac{\partial J}{\partial a_{2}[0]}"), "{md}");
    assert!(md.contains(r"5 \cdot 0.004942 \cdot 0.9 \cdot 0.09825 \cdot 0.7896 = 0.001725"), "{md}");
    assert!(md.contains(r"(a_{0}^T \delta_{1})"), "{md}");
    // a bias of the output layer has one path, and its gradient is δ
    let rule = step.chain_rule("b2[1]").unwrap();
    assert_eq!(rule.paths(), 1);
    assert!((rule.total() - step.gradients().db(2)[[1, 0]]).abs() < 1e-15);
}

#[test]
fn the_chain_rule_refuses_what_is_not_a_parameter() {
    let err = chapter().chain_rule("W2[0,2]").unwrap_err().to_string();
    assert_eq!(err, "W2[0,2]: no such weight: W2 is (2, 2)");
}
