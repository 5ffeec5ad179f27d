//! The network drawn from a worked step (forward, backward, update), and the chain rule for one
//! weight, against the step's own numbers.

use backprop::show::{Sample, View};
use backprop::{Activation, Values};

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
    let text = format!("dJ/dW1[2,1] = {}", backprop::show::short(g));
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
    assert!(sum.svg().contains(&format!("dJ/dW1[0,0] = {}", backprop::show::short(g))));
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
    let values =
        Values::new(backprop::ndarray::array![[0.5, -0.5]], backprop::ndarray::array![[1.0]], weights, biases, 0.5)
            .and_then(|v| v.with_activations(vec![Activation::Tanh, Activation::Tanh, Activation::Sigmoid]))
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
    assert_eq!(rule.chain().per_sample(), 2);
    let g = step.gradients().dw(1)[[2, 1]];
    assert!((rule.chain().total - g).abs() <= 1e-15 * g.abs().max(1e-300), "{} against {g}", rule.chain().total);
    assert!((rule.chain().numeric - g).abs() < 1e-9 * g.abs(), "{} against {g}", rule.chain().numeric);
    let md = rule.markdown();
    assert!(md.contains(r"a_{0}[2] \cdot f_{1}'(z_{1}[1]) \cdot W_{2}[1,0] \cdot f_{2}'(z_{2}[0]) \cdot \frac{\partial J}{\partial a_{2}[0]}"), "{md}");
    assert!(md.contains(r"5 \cdot 0.004942 \cdot 0.9 \cdot 0.09825 \cdot 0.7896 = 0.001725"), "{md}");
    assert!(md.contains(r"(a_{0}^T \delta_{1})"), "{md}");
    // a bias of the output layer has one path, and its gradient is δ
    let rule = step.chain_rule("b2[1]").unwrap();
    assert_eq!(rule.chain().per_sample(), 1);
    assert!((rule.chain().total - step.gradients().db(2)[[1, 0]]).abs() < 1e-15);
}

#[test]
fn the_chain_rule_refuses_what_is_not_a_parameter() {
    let err = chapter().chain_rule("W2[0,2]").unwrap_err().to_string();
    assert_eq!(err, "W2[0,2]: no such weight: W2 is (2, 2)");
}

/// Every `<text>` of an SVG: its centre (plotters writes these labels with text-anchor
/// middle), its font size and its content.
fn texts(svg: &str) -> Vec<((f64, f64), f64, String)> {
    svg.split("<text ")
        .skip(1)
        .map(|rest| {
            // the attributes of this tag alone
            let tag = format!(" {}", rest.split('>').next().unwrap());
            let attr = |name: &str| -> f64 {
                let start = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
                tag[start..].split('"').next().unwrap().parse().unwrap()
            };
            let body = rest.split_once('>').unwrap().1.split("</text>").next().unwrap().trim();
            let body = body.replace("&apos;", "'").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            ((attr("x"), attr("y")), attr("font-size"), body)
        })
        .collect()
}

/// The number after the last "= " or "→ " of a label.
fn number_in(label: &str) -> f64 {
    let tail = label.rsplit(['=', '→']).next().unwrap().trim();
    tail.parse().unwrap_or_else(|_| panic!("no number at the end of {label:?}"))
}

fn close(shown: f64, value: f64) -> bool {
    // 4 significant digits, or more
    (shown - value).abs() <= 5e-4 * value.abs() + 1e-12
}

#[test]
fn the_numbers_on_the_pictures_are_the_steps_numbers() {
    let values =
        Values::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/walkthrough/three_layers.json")).unwrap();
    for step in [chapter(), values.step().unwrap()] {
        let (net, trace, grads, updated) = (step.network(), step.trace(), step.gradients(), step.updated());
        let read = |view: View| -> std::collections::HashMap<String, Vec<String>> {
            let svg = step.diagram(view).picture().unwrap().svg().to_string();
            let mut by_key: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
            for (_, _, text) in texts(&svg) {
                let key = text.split([' ', ':']).next().unwrap().to_string();
                by_key.entry(key).or_default().push(text);
            }
            by_key
        };
        let (forward, backward, update) = (read(View::Forward), read(View::Backward), read(View::Update));
        for l in 1..=step.depth() {
            for ((i, j), &w) in net.w(l).indexed_iter() {
                let key = format!("W{l}[{i},{j}]");
                assert!(close(number_in(&forward[&key][0]), w), "{key}: {:?} against {w}", forward[&key]);
                let g = trace.a(l - 1)[[0, i]] * grads.delta(l)[[0, j]];
                let dkey = format!("dJ/dW{l}[{i},{j}]");
                assert!(close(number_in(&backward[&dkey][0]), g), "{dkey}: {:?} against {g}", backward[&dkey]);
                let new = updated.w(l)[[i, j]];
                assert!(close(number_in(&update[&key][0]), new), "{key}: {:?} against {new}", update[&key]);
            }
            // the units' z, a, f'(z) and δ, in the order of the units
            let zs: Vec<f64> = forward["z"].iter().map(|t| number_in(t)).collect();
            let all_z: Vec<f64> = (1..=step.depth()).flat_map(|l| trace.z(l).row(0).to_vec()).collect();
            assert_eq!(zs.len(), all_z.len());
            assert!(zs.iter().zip(&all_z).all(|(s, v)| close(*s, *v)), "{zs:?} against {all_z:?}");
            let deltas: Vec<f64> = backward["δ"].iter().map(|t| number_in(t)).collect();
            let all_delta: Vec<f64> = (1..=step.depth()).flat_map(|l| grads.delta(l).row(0).to_vec()).collect();
            assert!(deltas.iter().zip(&all_delta).all(|(s, v)| close(*s, *v)), "{deltas:?} against {all_delta:?}");
        }
    }
}

/// Two labels of an SVG whose boxes meet, if any: every text but the title, boxed generously
/// (DejaVu Sans's digits are 0.636 em wide), centred where plotters anchors it.
fn overlapping(svg: &str) -> Option<(String, String)> {
    let boxes: Vec<(f64, f64, f64, f64, String)> = texts(svg)
        .into_iter()
        .filter(|(_, _, t)| !t.starts_with("Forward") && !t.starts_with("Backward") && !t.starts_with("Update"))
        .map(|((x, y), size, t)| {
            let half = t.chars().count() as f64 * size * 0.32;
            (x - half, y - size / 2.0, x + half, y + size / 2.0, t)
        })
        .collect();
    for (k, a) in boxes.iter().enumerate() {
        for b in &boxes[k + 1..] {
            let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
            if !apart {
                return Some((a.4.clone(), b.4.clone()));
            }
        }
    }
    None
}

#[test]
fn the_overlap_check_catches_two_labels_that_meet_and_the_number_check_a_wrong_number() {
    let text = |x: u32, y: u32, t: &str| {
        format!(r#"<text x="{x}" y="{y}" dy="0.5ex" text-anchor="middle" font-size="8.87">{t}</text>"#)
    };
    let near = format!("<svg>{}{}</svg>", text(200, 300, "W1[0,0] = 0.1"), text(240, 304, "W1[1,0] = 0.3"));
    assert_eq!(overlapping(&near), Some(("W1[0,0] = 0.1".into(), "W1[1,0] = 0.3".into())));
    let apart = format!("<svg>{}{}</svg>", text(200, 300, "W1[0,0] = 0.1"), text(200, 320, "W1[1,0] = 0.3"));
    assert_eq!(overlapping(&apart), None);
    assert!(close(number_in("W1[0,0] = 0.1"), 0.1) && !close(number_in("W1[0,0] = 0.1"), 0.1002));
}

/// Values for a network of these layer sizes, with weights and samples that vary.
fn values_of(sizes: &[usize], m: usize, seed: u64) -> Values {
    let mut rng = backprop::Rng::new(seed);
    let mut draw = |r: usize, c: usize| {
        backprop::ndarray::Array2::from_shape_fn((r, c), |_| ((rng.next_f64() * 2.0 - 1.0) * 100.0).round() / 100.0)
    };
    let depth = sizes.len() - 1;
    let weights: Vec<_> = (0..depth).map(|l| draw(sizes[l], sizes[l + 1])).collect();
    let biases: Vec<_> = (0..depth).map(|l| draw(sizes[l + 1], 1)).collect();
    let (x, y) = (draw(m, sizes[0]), draw(m, sizes[depth]));
    let activations =
        (0..depth).map(|l| [Activation::Sigmoid, Activation::Tanh, Activation::Identity][l % 3]).collect();
    Values::new(x, y, weights, biases, 0.1).and_then(|v| v.with_activations(activations)).unwrap()
}

#[test]
fn the_largest_and_smallest_layers_with_numbers_draw_without_overlapping_labels() {
    use backprop::show::NUMBERED;
    for sizes in [vec![NUMBERED, NUMBERED, NUMBERED], vec![NUMBERED, NUMBERED - 1, NUMBERED], vec![1, 1], vec![1, 2, 1]]
    {
        let step = values_of(&sizes, 2, 3).step().unwrap();
        for view in [View::Forward, View::Backward, View::Update] {
            let svg = step.diagram(view).picture().unwrap().svg().to_string();
            if let Some((a, b)) = overlapping(&svg) {
                panic!("{sizes:?} {view:?}: {a:?} overlaps {b:?}");
            }
            assert!(texts(&svg).len() > sizes.iter().sum::<usize>(), "{sizes:?} {view:?}: too few labels");
        }
    }
    // and the chapter's own pictures, the highlighted one too
    let step = chapter();
    for view in [View::Forward, View::Backward, View::Update] {
        let svg = step.diagram(view).highlight("W1[2,1]").unwrap().picture().unwrap().svg().to_string();
        assert_eq!(overlapping(&svg), None, "{view:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 60, rng_seed: proptest::test_runner::RngSeed::Fixed(20261202), failure_persistence: None, ..Default::default() })]

    #[test]
    fn the_chain_rule_agrees_with_backprop_and_finite_differences_on_random_networks(
        sizes in proptest::collection::vec(1usize..4, 2..5),
        m in 1usize..4,
        seed in 0u64..1000,
        pick in 0usize..1000,
    ) {
        let step = values_of(&sizes, m, seed).step().unwrap();
        let depth = sizes.len() - 1;
        let l = 1 + pick % depth;
        let bias = pick % 2 == 1;
        let (rows, cols) = if bias { (sizes[l], 1) } else { (sizes[l - 1], sizes[l]) };
        let (i, j) = (pick / 7 % rows, pick / 3 % cols);
        let name = if bias { format!("b{l}[{i}]") } else { format!("W{l}[{i},{j}]") };
        let rule = step.chain_rule(&name).unwrap();
        let entry = if bias { step.gradients().db(l)[[i, 0]] } else { step.gradients().dw(l)[[i, j]] };
        proptest::prop_assert!((rule.chain().total - entry).abs() <= 1e-12 * entry.abs().max(1e-12), "{name}: {} against {entry}", rule.chain().total);
        let err = backprop::gradcheck::relative_error(rule.chain().numeric / m as f64, entry / m as f64);
        proptest::prop_assert!(err < 1e-6, "{name}: finite differences {} against {entry}", rule.chain().numeric);
    }
}
