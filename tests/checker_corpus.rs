//! Wrong answers as learners hand them in, each written here the way a learner writes it (an
//! ndarray expression, not the checker's own search), with the sentence the checker must give;
//! right answers written other ways than the crate writes them; and random arrays, which no
//! slip may "explain".
//!
//! Where the families come from:
//! - swaps, left-out factors and terms, transposes, ⊙ for a matrix product: the chapter's
//!   equations, each operand and operation of δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f_l'(z_l) and its
//!   neighbours, changed one at a time;
//! - a for z, f'(a) for f'(z), the updated W in δ, a_l for a_{l−1} in dJ/dW: the confusions
//!   the chapter's own text warns of ("the derivative is taken at z", "before the update");
//! - the sign of a − y and of the update, η for η/m, 2 and ½ from the square of the MSE, 1/m:
//!   the usual slips with the cost and the update;
//! - the wrong axis, no sum, a row for a column, the bias as a column: numpy's shapes and
//!   broadcasting;
//! - numbers rounded to 4 decimals: copied from the chapter's worked equations, which round.

use backprop::math::{d_sigmoid, d_tanh, sigmoid};
use backprop::ndarray::{Array2, Axis};
use backprop::teach::Diagnosis;
use backprop::{Quantity, Step, Values};

fn set(name: &str) -> Step {
    match name {
        "chapter" => Values::chapter().step().unwrap(),
        other => {
            let path = format!("{}/tests/fixtures/walkthrough/{other}.json", env!("CARGO_MANIFEST_DIR"));
            Values::load(path).unwrap().step().unwrap()
        }
    }
}

fn round(a: &Array2<f64>, k: i32) -> Array2<f64> {
    let s = 10f64.powi(k);
    a.mapv(|v| (v * s).round() / s)
}

/// One wrong answer: its value set, quantity, the array and what the feedback must say.
struct Case {
    set: &'static str,
    quantity: Quantity,
    answer: Array2<f64>,
    /// Every one must appear in the feedback; two for a pair of slips.
    says: Vec<&'static str>,
}

fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |set: &'static str, quantity: Quantity, answer: Array2<f64>, says: &[&'static str]| {
        cases.push(Case { set, quantity, answer, says: says.to_vec() });
    };
    use Quantity::*;

    // the chapter's values: one sample, 3-2-2, sigmoid
    let s = set("chapter");
    let (t, g, v) = (s.trace(), s.gradients(), s.values());
    let (a0, y, w1, b1, w2, b2) = (v.x(), v.y(), v.w(1), v.b(1), v.w(2), v.b(2));
    let (z1, a1, z2, a2) = (t.z(1), t.a(1), t.z(2), t.a(2));
    let (dj, d1, d2, f1, f2) = (g.dj_da(2), g.delta(1), g.delta(2), g.df_dz(1), g.df_dz(2));
    let eta = v.learning_rate();
    let w2_new = w2 - &g.dw(2).mapv(|x| eta * x);
    add("chapter", Z(1), a0.dot(w1) + b1, &["bias was added as a column"]);
    add("chapter", Z(2), a1.dot(w2), &["bias is missing"]);
    add("chapter", A(1), z1.clone(), &["activation is missing"]);
    add("chapter", A(2), z2.mapv(d_sigmoid), &["That is the activation's derivative"]);
    add("chapter", A(1), round(a1, 4), &["rounded to 4 decimals"]);
    add("chapter", DjDa, y - a2, &["sign is flipped"]);
    add("chapter", DfDz(2), a2.mapv(d_sigmoid), &["f2' is taken at a2"]);
    add("chapter", DfDz(1), a1.clone(), &["activation's value a1"]);
    add("chapter", Delta(2), dj * &a2.mapv(d_sigmoid), &["f2' is taken at a2"]);
    add("chapter", Delta(2), dj.clone(), &["f2'(z2) is left out"]);
    add("chapter", Delta(2), dj * a2, &["activation's value a2 stands where its derivative"]);
    add("chapter", Delta(2), dj.dot(&f2.t()), &["matrix product where the Hadamard product belongs"]);
    add("chapter", Delta(1), d2.dot(w2) * f1, &["transpose is missing"]);
    add("chapter", Delta(1), d2.dot(&w2_new.t()) * f1, &["W2 was already updated"]);
    add("chapter", Delta(1), d2.dot(&w2.t()), &["f1'(z1) is left out"]);
    add("chapter", DW(2), d2.t().dot(a1), &["the transpose of dJ/dW2"]);
    add("chapter", DW(1), a1.t().dot(d1), &["a1 stands where a0 belongs"]);
    add("chapter", DW(2), round(a1, 4).t().dot(d2), &["a1 was rounded to 4 decimals"]);
    add("chapter", DW(2), a1.t().dot(d2).mapv(|x| 2.0 * x), &["twice the right one"]);
    add("chapter", Db(2), d2.sum_axis(Axis(1)).insert_axis(Axis(1)), &["summed over the wrong axis"]);
    add("chapter", Db(1), d1.sum_axis(Axis(0)).insert_axis(Axis(0)), &["is a row"]);
    add("chapter", NewW(2), w2 + &g.dw(2).mapv(|x| eta * x), &["update's sign is flipped"]);
    add("chapter", NewB(1), b1 - g.db(1), &["learning rate is left out"]);
    add("chapter", NewB(2), g.db(2).mapv(|x| -eta * x), &["only the change"]);
    // pairs
    add("chapter", Delta(1), d2.dot(w2) * &a1.mapv(d_sigmoid), &["transpose is missing", "f1' is taken at a1"]);
    add("chapter", NewW(1), w1 + g.dw(1), &["update's sign is flipped", "learning rate is left out"]);
    add("chapter", Delta(2), &(y - a2) * a2, &["sign is flipped", "activation's value a2"]);
    add("chapter", DW(2), d2.t().dot(&round(a1, 4)), &["a1 was rounded to 4 decimals", "the transpose of dJ/dW2"]);
    let _ = b2;

    // a batch of 4 samples
    let s = set("batch");
    let (t, g, v) = (s.trace(), s.gradients(), s.values());
    let (a0, y, w1, b1, w2, b2) = (v.x(), v.y(), v.w(1), v.b(1), v.w(2), v.b(2));
    let (z1, a1, z2, a2) = (t.z(1), t.a(1), t.z(2), t.a(2));
    let (dj, d1, d2, f1, f2) = (g.dj_da(2), g.delta(1), g.delta(2), g.df_dz(1), g.df_dz(2));
    let (eta, m) = (v.learning_rate(), 4.0);
    add("batch", NewW(1), w1 - &g.dw(1).mapv(|x| eta * x), &["η stands where η/m belongs"]);
    add("batch", DW(1), a0.t().dot(d1).mapv(|x| x / m), &["divided by m = 4"]);
    add("batch", Db(2), d2.clone(), &["not summed over the samples"]);
    add("batch", Db(1), d1.sum_axis(Axis(1)).insert_axis(Axis(1)), &["summed over the wrong axis"]);
    add("batch", Z(2), a1.dot(w2), &["bias is missing"]);
    add("batch", A(2), z2.clone(), &["activation is missing"]);
    add("batch", DW(2), a2.t().dot(d2), &["a2 stands where a1 belongs"]);
    add("batch", Delta(1), d2.dot(&w2.t()), &["f1'(z1) is left out"]);
    add("batch", DjDa, (a2 - y).mapv(|x| 2.0 * x), &["twice the right one"]);
    add("batch", Delta(2), (y - a2) * f2, &["sign is flipped"]);
    add("batch", DW(1), d1.t().dot(a0), &["the transpose of dJ/dW1"]);
    add("batch", NewB(2), b2 - &g.db(2).mapv(|x| eta * x), &["η stands where η/m belongs"]);
    add("batch", DfDz(1), a1.mapv(d_sigmoid), &["f1' is taken at a1"]);
    // pairs
    add("batch", DW(1), d1.t().dot(a0).mapv(|x| x / m), &["the transpose of dJ/dW1", "divided by m = 4"]);
    add("batch", Z(2), z1.dot(w2), &["bias is missing", "z1 stands where a1 belongs"]);
    add("batch", NewB(1), b1 + &g.db(1).mapv(|x| eta * x), &["update's sign is flipped", "η stands where η/m belongs"]);
    add("batch", Delta(2), (y - a2) * &a2.mapv(d_sigmoid), &["sign is flipped", "f2' is taken at a2"]);
    let _ = (dj, f1);

    // a deeper network: three layers on two samples
    let s = set("three_layers");
    let (t, g, v) = (s.trace(), s.gradients(), s.values());
    let (w3, b3) = (v.w(3), v.b(3));
    let (a1, z2, a2, z3, a3) = (t.a(1), t.z(2), t.a(2), t.z(3), t.a(3));
    let (dj, d1, d2, d3, f1, f2, f3) =
        (g.dj_da(3), g.delta(1), g.delta(2), g.delta(3), g.df_dz(1), g.df_dz(2), g.df_dz(3));
    let eta = v.learning_rate();
    let w3_new = s.updated().w(3);
    add("three_layers", Delta(2), d3.dot(&w3.t()), &["f2'(z2) is left out"]);
    add("three_layers", Delta(1), d2.dot(&v.w(2).t()) * &a1.mapv(d_sigmoid), &["f1' is taken at a1"]);
    add("three_layers", Delta(2), d3.dot(&w3_new.t()) * f2, &["W3 was already updated"]);
    add("three_layers", DW(3), a1.t().dot(d3), &["a1 stands where a2 belongs"]);
    add("three_layers", Db(3), d3.sum_axis(Axis(0)).insert_axis(Axis(0)), &["is a row"]);
    add("three_layers", Z(3), a2.dot(w3), &["bias is missing"]);
    add("three_layers", A(3), z3.mapv(d_sigmoid), &["That is the activation's derivative"]);
    add("three_layers", NewW(3), g.dw(3).mapv(|x| -eta / 2.0 * x), &["only the change"]);
    add("three_layers", DfDz(2), a2.clone(), &["activation's value a2"]);
    add("three_layers", Delta(3), dj * a3, &["activation's value a3 stands where its derivative"]);
    add("three_layers", DW(2), a1.t().dot(d2).mapv(|x| eta * x), &["multiplied by the learning rate"]);
    add("three_layers", DW(3), a2.t().dot(d3).mapv(|x| 0.5 * x), &["half the right one"]);
    // pairs
    add("three_layers", Delta(2), d3.dot(&w3_new.t()), &["W3 was already updated", "f2'(z2) is left out"]);
    add(
        "three_layers",
        Db(2),
        d2.sum_axis(Axis(1)).insert_axis(Axis(1)).mapv(|x| eta * x),
        &["summed over the wrong axis", "multiplied by the learning rate"],
    );
    add("three_layers", A(2), round(z2, 4), &["activation is missing", "z2 was rounded to 4 decimals"]);
    let _ = (b3, d1, f1, f3);

    // other activations: tanh, relu, leaky relu, identity, on two samples
    let s = set("activations");
    let (t, g, v) = (s.trace(), s.gradients(), s.values());
    let (z1, a1, z2, a2, a4) = (t.z(1), t.a(1), t.z(2), t.a(2), t.a(4));
    let (d2, d3, d4, f3) = (g.delta(2), g.delta(3), g.delta(4), g.df_dz(3));
    let eta = v.learning_rate();
    add("activations", A(1), z1.clone(), &["activation is missing"]);
    add("activations", DfDz(1), a1.mapv(d_tanh), &["f1' is taken at a1"]);
    add("activations", Delta(2), d3.dot(&v.w(3).t()), &["f2'(z2) is left out"]);
    add(
        "activations",
        Delta(3),
        d4.dot(&v.w(4).t()).dot(&f3.t()),
        &["matrix product where the Hadamard product belongs"],
    );
    add("activations", DW(4), a4.t().dot(d4), &["a4 stands where a3 belongs"]);
    add("activations", NewW(2), v.w(2) + &g.dw(2).mapv(|x| eta / 2.0 * x), &["update's sign is flipped"]);
    add("activations", Db(1), g.delta(1).clone(), &["not summed over the samples"]);
    add("activations", Z(2), z1.dot(v.w(2)) + v.b(2).t(), &["z1 stands where a1 belongs"]);
    add("activations", DjDa, v.y() - a4, &["sign is flipped"]);
    // pairs
    add("activations", DW(2), a2.t().dot(d2).mapv(|x| 2.0 * x), &["a2 stands where a1 belongs", "twice the right one"]);
    add("activations", Z(2), z1.dot(v.w(2)), &["z1 stands where a1 belongs", "bias is missing"]);
    let _ = z2;
    cases
}

#[test]
fn every_wrong_answer_of_the_corpus_gets_its_sentence() {
    let cases = corpus();
    let sets: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.set).collect();
    let pairs = cases.iter().filter(|c| c.says.len() == 2).count();
    assert!(
        cases.len() >= 60 && sets.len() >= 4 && pairs >= 10,
        "{} cases, {} sets, {pairs} pairs",
        cases.len(),
        sets.len()
    );
    let mut steps = std::collections::HashMap::new();
    let mut missed = Vec::new();
    for case in &cases {
        let step = steps.entry(case.set).or_insert_with(|| set(case.set));
        let feedback = step.check(case.quantity, &case.answer).unwrap();
        let text = feedback.to_string();
        let pair_named = case.says.len() < 2 || matches!(&feedback.diagnosis, Diagnosis::Slips(s) if s.len() == 2);
        if feedback.right || !case.says.iter().all(|s| text.contains(s)) || !pair_named {
            missed.push(format!("{} {:?}: wants {:?}, got\n{text}", case.set, case.quantity, case.says));
        }
    }
    assert!(missed.is_empty(), "{} of {} missed:\n\n{}", missed.len(), cases.len(), missed.join("\n\n"));
}

#[test]
fn right_answers_written_other_ways_are_right() {
    use Quantity::*;
    let s = set("chapter");
    let (t, g) = (s.trace(), s.gradients());
    let a2 = t.a(2);
    let b = set("batch");
    let (bt, bg, bv) = (b.trace(), b.gradients(), b.values());
    // σ'(z) as a (1 − a); dJ/dW as a sum of each sample's outer product
    let mut by_sample = Array2::zeros((3, 2));
    for i in 0..4 {
        let a = bt.a(0).row(i).to_owned().insert_axis(Axis(1));
        let d = bg.delta(1).row(i).to_owned().insert_axis(Axis(0));
        by_sample = by_sample + a.dot(&d);
    }
    let k = set("activations");
    let (kt, kg) = (k.trace(), k.gradients());
    let answers: Vec<(&Step, Quantity, Array2<f64>)> = vec![
        (&s, DfDz(2), a2 * &a2.mapv(|a| 1.0 - a)),
        (&s, A(1), t.z(1).mapv(|z| 1.0 / (1.0 + (-z).exp()))),
        (&s, Db(2), g.delta(2).t().to_owned()),
        (&s, DfDz(1), t.z(1).mapv(sigmoid).mapv(|a| a - a * a)),
        (&b, DW(1), by_sample),
        (&b, Z(1), bt.a(0).dot(bv.w(1)) + bv.b(1).t()),
        (&b, NewB(2), bv.b(2) - &(bg.delta(2).sum_axis(Axis(0)).insert_axis(Axis(1)) * (bv.learning_rate() / 4.0))),
        (&k, DfDz(1), kt.a(1).mapv(|a| 1.0 - a * a)),
        // the identity output: f'(z) = 1, so δ4 = dJ/da4
        (&k, Delta(4), kg.dj_da(4).clone()),
    ];
    for (step, q, answer) in answers {
        let feedback = step.check(q, &answer).unwrap();
        assert!(feedback.right, "{q:?}:\n{feedback}");
    }
}

#[test]
fn random_wrong_arrays_are_not_explained_by_a_coincidence() {
    let mut rng = backprop::Rng::new(2026);
    let mut explained = Vec::new();
    let mut tried = 0;
    for name in ["chapter", "batch", "three_layers", "activations"] {
        let step = set(name);
        for q in Quantity::all(step.depth()) {
            let want = step.value(q).unwrap();
            let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-3);
            for _ in 0..25 {
                let answer = want.mapv(|_| (rng.next_f64() * 2.0 - 1.0) * scale);
                tried += 1;
                let feedback = step.check(q, &answer).unwrap();
                if matches!(feedback.diagnosis, Diagnosis::Slips(_) | Diagnosis::Either(_)) {
                    explained.push(format!("{name} {q:?}: {feedback}"));
                }
            }
        }
    }
    assert!(tried > 1000, "{tried}");
    assert!(
        explained.is_empty(),
        "{} of {tried} random arrays were explained:\n{}",
        explained.len(),
        explained.join("\n")
    );
}

#[test]
fn two_explanations_that_fit_equally_are_both_given() {
    // z = 0: a = 0.5 and σ'(0) = 0.25, so δ with a in place of σ' is exactly twice δ
    let v = Values::new(
        backprop::ndarray::array![[1.0]],
        backprop::ndarray::array![[0.1]],
        [backprop::ndarray::array![[0.5]]],
        [backprop::ndarray::array![[-0.5]]],
        0.1,
    )
    .unwrap();
    let step = v.step().unwrap();
    let delta = step.gradients().delta(1).clone();
    let feedback = step.check(Quantity::Delta(1), &delta.mapv(|d| 2.0 * d)).unwrap();
    let Diagnosis::Either(ways) = &feedback.diagnosis else { panic!("{feedback}") };
    let all = ways.concat().join(" ");
    assert!(all.contains("activation's value a1") && all.contains("twice"), "{feedback}");
    assert!(feedback.to_string().contains("cannot tell which"), "{feedback}");
}

#[test]
fn what_no_slip_explains_still_says_what_it_can() {
    let step = set("batch");
    let right = step.value(Quantity::Z(2)).unwrap();
    // one sample wrong: a row
    let mut one_row = right.clone();
    one_row.row_mut(2).mapv_inplace(|v| v + 0.37);
    let text = step.check(Quantity::Z(2), &one_row).unwrap().to_string();
    assert!(text.contains("Only row 2 differs: sample 2"), "{text}");
    // one unit wrong: a column
    let mut one_column = right.clone();
    one_column.column_mut(1).mapv_inplace(|v| v * 1.7 + 0.01);
    let text = step.check(Quantity::Z(2), &one_column).unwrap().to_string();
    assert!(text.contains("Only column 1 differs: unit 1 of layer 2"), "{text}");
    // every entry by the same unknown factor
    let text = step.check(Quantity::Z(2), &right.mapv(|v| 1.37 * v)).unwrap().to_string();
    assert!(text.contains("Every entry is 1.37 times the right one"), "{text}");
    // and the hint, named for the notebook
    assert!(text.contains("Ask for a hint: hint(Quantity::Z(2))"), "{text}");
}
