//! The exercise checker: right answers pass, each known mistake, computed here the way a
//! learner would write it, is named, and wrong shapes are reported as shapes.

use backprop::math::{d_sigmoid, sigmoid};
use backprop::ndarray::{Array2, Axis};
use backprop::Values;
use backprop::{teach::hint, Quantity};

fn chapter() -> backprop::Step {
    Values::chapter().step().unwrap()
}

/// The feedback's text for `answer`, which must be wrong.
fn wrong(step: &backprop::Step, q: Quantity, answer: &Array2<f64>) -> String {
    let feedback = step.check(q, answer).unwrap();
    assert!(!feedback.right, "{q:?} passed: {feedback}");
    feedback.to_string()
}

#[test]
fn every_right_answer_passes() {
    let step = chapter();
    let (t, g, u) = (step.trace(), step.gradients(), step.updated());
    let v = step.values();
    let (a0, y, w1, b1, w2, b2) = (v.x(), v.y(), v.w(1), v.b(1), v.w(2), v.b(2));
    let (eta, m) = (v.learning_rate(), step.samples() as f64);
    // written as a learner writes them, not read from the step
    let z1 = a0.dot(w1) + b1.t();
    let a1 = z1.mapv(sigmoid);
    let z2 = a1.dot(w2) + b2.t();
    let a2 = z2.mapv(sigmoid);
    let dj = &a2 - y;
    let df2 = z2.mapv(d_sigmoid);
    let d2 = &dj * &df2;
    let df1 = z1.mapv(d_sigmoid);
    let d1 = d2.dot(&w2.t()) * &df1;
    let answers = [
        (Quantity::Z(1), z1.clone()),
        (Quantity::A(1), a1.clone()),
        (Quantity::Z(2), z2),
        (Quantity::A(2), a2),
        (Quantity::DjDa, dj),
        (Quantity::DfDz(2), df2),
        (Quantity::Delta(2), d2.clone()),
        (Quantity::DfDz(1), df1),
        (Quantity::Delta(1), d1.clone()),
        (Quantity::DW(2), a1.t().dot(&d2)),
        (Quantity::DW(1), a0.t().dot(&d1)),
        (Quantity::Db(2), d2.sum_axis(Axis(0)).insert_axis(Axis(1))),
        (Quantity::Db(1), d1.sum_axis(Axis(0)).insert_axis(Axis(1))),
        (Quantity::NewW(1), w1 - &g.dw(1).mapv(|x| eta / m * x)),
        (Quantity::NewW(2), w2 - &g.dw(2).mapv(|x| eta / m * x)),
        (Quantity::NewB(1), b1 - &g.db(1).mapv(|x| eta / m * x)),
        (Quantity::NewB(2), b2 - &g.db(2).mapv(|x| eta / m * x)),
    ];
    assert_eq!(answers.len(), Quantity::all(2).len());
    for (q, answer) in &answers {
        let feedback = step.check(*q, answer).unwrap();
        assert!(feedback.right, "{feedback}");
        assert!(feedback.to_string().starts_with('✓'));
    }
    assert_eq!(u.w(1), &answers[13].1);
    assert_eq!(t.z(1), &z1);
}

#[test]
fn each_known_mistake_is_named() {
    let step = chapter();
    let (t, g) = (step.trace(), step.gradients());
    let v = step.values();
    let (a0, y, w1, b1, w2, b2) = (v.x(), v.y(), v.w(1), v.b(1), v.w(2), v.b(2));
    let eta = v.learning_rate();
    let (z1, a1, z2, a2) = (t.z(1), t.a(1), t.z(2), t.a(2));
    let (dj, d2, d1) = (g.dj_da(2), g.delta(2), g.delta(1));
    let (df1, df2) = (g.df_dz(1), g.df_dz(2));
    let updated_w2 = w2 - &g.dw(2).mapv(|x| eta * x);
    let cases: Vec<(Quantity, Array2<f64>, &str)> = vec![
        (Quantity::Z(1), a0.dot(w1) + b1, "bias was added as a column"),
        (Quantity::Z(2), a1.dot(w2), "bias is missing"),
        (Quantity::A(1), z1.clone(), "activation is missing"),
        (Quantity::A(2), z2.mapv(d_sigmoid), "That is the activation's derivative"),
        (Quantity::DjDa, y - a2, "sign is flipped"),
        // σ'(a) instead of σ'(z), and the activation's value instead of its derivative
        (Quantity::DfDz(2), a2.mapv(d_sigmoid), "taken at a2"),
        (Quantity::DfDz(1), a1.clone(), "activation's value a1"),
        (Quantity::Delta(2), dj * &a2.mapv(d_sigmoid), "f2' is taken at a2"),
        (Quantity::Delta(2), dj * a2, "activation's value a2 stands where its derivative"),
        // σ' left out
        (Quantity::Delta(2), dj.clone(), "f2'(z2) is left out"),
        (Quantity::Delta(1), d2.dot(&w2.t()), "f1'(z1) is left out"),
        // a missing transpose: δ W instead of δ Wᵀ
        (Quantity::Delta(1), d2.dot(w2) * df1, "transpose is missing"),
        // W2 already updated when computing δ1
        (Quantity::Delta(1), d2.dot(&updated_w2.t()) * df1, "W2 was already updated"),
        // Hadamard and matrix product swapped
        (Quantity::Delta(2), dj.dot(&df2.t()), "matrix product where the Hadamard product belongs"),
        (Quantity::Delta(1), d2.dot(&w2.t()).dot(&df1.t()), "matrix product where the Hadamard product belongs"),
        // a δ instead of aᵀ δ, the wrong transpose
        (Quantity::DW(2), d2.t().dot(a1), "the transpose"),
        (Quantity::DW(1), a1.t().dot(d1), "a1 stands where a0 belongs"),
        // dJ/db over the wrong axis
        (Quantity::Db(2), d2.sum_axis(Axis(1)).insert_axis(Axis(1)), "summed over the wrong axis"),
        (Quantity::Db(1), d1.sum_axis(Axis(0)).insert_axis(Axis(0)), "is a row"),
        // the update's sign flipped, the learning rate left out
        (Quantity::NewW(2), w2 + &g.dw(2).mapv(|x| eta * x), "sign is flipped"),
        (Quantity::NewB(1), b1 - g.db(1), "learning rate is left out"),
        (Quantity::NewB(2), g.db(2).mapv(|x| -eta * x), "only the change"),
    ];
    let missed: Vec<String> = cases
        .iter()
        .map(|(q, answer, named)| (q, named, wrong(&step, *q, answer)))
        .filter(|(_, named, text)| !text.contains(*named))
        .map(|(q, named, text)| format!("{q:?}: {named:?} is not named in\n{text}"))
        .collect();
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
    let _ = b2;
}

#[test]
fn eta_over_m_replaced_by_eta_is_named_with_a_batch() {
    let values = Values::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/walkthrough/batch.json")).unwrap();
    let step = values.step().unwrap();
    assert!(step.samples() > 1);
    let eta = values.learning_rate();
    let answer = values.w(1) - &step.gradients().dw(1).mapv(|g| eta * g);
    let text = wrong(&step, Quantity::NewW(1), &answer);
    assert!(text.contains("η stands where η/m belongs"), "{text}");
}

#[test]
fn a_wrong_shape_is_reported_as_shapes_and_a_near_miss_as_entries() {
    let step = chapter();
    let text = wrong(&step, Quantity::Z(1), &Array2::zeros((3, 1)));
    assert!(text.starts_with("✗ z1: expected shape (1, 2), got (3, 1)"), "{text}");
    let mut close = step.trace().a(1).clone();
    close[[0, 1]] += 1e-3;
    let text = wrong(&step, Quantity::A(1), &close);
    assert!(text.contains("1 entry differ") && text.contains("[0, 1]") && text.contains("off by +0.001"), "{text}");
    assert!(text.contains("Ask for a hint"), "no known mistake, so a hint is offered: {text}");
    // within 1e-9 relative is right
    let mut tiny = step.trace().a(1).clone();
    tiny[[0, 0]] *= 1.0 + 1e-12;
    assert!(step.check(Quantity::A(1), &tiny).unwrap().right);
    let err = step.check(Quantity::Z(3), &Array2::zeros((1, 2))).unwrap_err().to_string();
    assert_eq!(err, "z3: no such layer: this network has layers 1 to 2");
}

#[test]
fn every_quantity_has_a_hint_and_a_name_that_parses_back() {
    for q in Quantity::all(3) {
        assert!(hint(q).ends_with('.'));
        assert_eq!(q.name(3).parse::<Quantity>().unwrap(), q);
    }
}

#[test]
fn worksheets_are_workable_by_hand_and_the_same_for_the_same_seed() {
    use backprop::teach::{worksheets, LARGEST_Z};
    let a = worksheets(11, 4).unwrap();
    let b = worksheets(11, 4).unwrap();
    let c = worksheets(12, 4).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.sheet, &x.key), (&y.sheet, &y.key));
    }
    assert_ne!(a[0].sheet, c[0].sheet, "another seed, other values");
    assert_ne!(a[0].sheet, a[1].sheet, "each variant its own values");
    for w in &a {
        let step = w.values.step().unwrap();
        assert!(step.network().sizes()[0] <= 3 && step.network().sizes()[1] == 2);
        for l in 1..=2 {
            assert!(step.trace().z(l).iter().all(|z| z.abs() <= LARGEST_Z));
            // one decimal: ten times each weight is a whole number
            assert!(w.values.w(l).iter().all(|v| ((v * 10.0).round() - v * 10.0).abs() < 1e-9));
        }
        assert!(w.sheet.contains(r"\square") && !w.sheet.contains("0.9866"));
        assert_eq!(
            w.key,
            format!(
                "# Answer key: worksheet {}\n\n{}",
                a.iter().position(|v| std::ptr::eq(v, w)).unwrap() + 1,
                step.derivation()
            )
        );
    }
}
