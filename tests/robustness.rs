//! No input makes the crate panic or print a wrong number: random values files thrown at the
//! loader, the walkthrough and the derivation; saved parameters read back bit for bit; NaN and
//! infinities refused at the boundary.

use backprop::ndarray::{array, Array2};
use backprop::show::Derivation;
use backprop::{Activation, IntoGiven, Loss, Network, Values};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Value};

/// Numbers that stress printing and arithmetic: zeros of both signs, tiny, huge, integers.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (-10.0f64..10.0).prop_map(|v| json!(v)),
        1 => (-1000i64..1000).prop_map(|v| json!(v)),
        1 => Just(json!(0)),
        1 => Just(json!(-0.0)),
        1 => prop::sample::select(vec![1e-300, -1e-320, 1e300, -1.7e308, 5e-324, 1e8, 1e-5]).prop_map(|v| json!(v)),
        1 => Just(json!("1.5")),
        1 => Just(Value::Null),
    ]
}

fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Value> {
    prop::collection::vec(prop::collection::vec(number(), cols), rows).prop_map(|rows| json!(rows))
}

/// Values files that are mostly well-formed, with shapes that sometimes do not fit.
fn values_file() -> impl Strategy<Value = Value> {
    (1usize..4, prop::collection::vec(1usize..5, 2..5), any::<bool>(), 0usize..3)
        .prop_flat_map(|(m, sizes, misfit, extra)| {
            let depth = sizes.len() - 1;
            let weights: Vec<_> = (0..depth).map(|l| matrix(sizes[l] + (misfit && l == 1) as usize, sizes[l + 1])).collect();
            let biases: Vec<_> = (0..depth).map(|l| matrix(sizes[l + 1] + (extra == 2 && l == 0) as usize, 1)).collect();
            let names = prop::collection::vec(prop::sample::select(vec!["sigmoid", "tanh", "relu", "leaky_relu", "identity", "swish"]), depth);
            (matrix(m, sizes[0]), matrix(m + (extra == 1) as usize, sizes[depth]), weights, biases, names, prop_oneof![Just(json!(0.01)), Just(json!(-1)), Just(json!(2)), Just(json!(1e308))])
        })
        .prop_map(|(x, y, w, b, names, eta)| json!({"x": x, "y": y, "W": w, "b": b, "activations": names, "learning_rate": eta}))
}

proptest! {
    // a fixed seed: the same cases on every run, so CI is deterministic
    #![proptest_config(ProptestConfig { cases: 400, rng_seed: RngSeed::Fixed(20261128), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_values_files_never_panic(file in values_file()) {
        let text = file.to_string();
        let outcome = std::panic::catch_unwind(|| match Values::from_json(&text, "random.json") {
            Ok(values) => {
                // values that load are checked: their step, printed and derived, cannot fail
                let step = values.step();
                let fine = step.as_ref().is_ok_and(|s| !s.walkthrough().is_empty() && !Derivation::new(s).to_string().is_empty());
                (true, fine)
            }
            Err(e) => (false, !e.to_string().is_empty()),
        });
        let (loaded, fine) = outcome.map_err(|_| TestCaseError::fail(format!("panicked on {text}")))?;
        prop_assert!(fine, "loaded: {loaded}, {text}");
    }

    #[test]
    fn arbitrary_text_never_panics_the_loader(text in "\\PC{0,200}") {
        let outcome = std::panic::catch_unwind(|| Values::from_json(&text, "text.json").is_ok());
        prop_assert!(outcome.is_ok(), "panicked on {text:?}");
    }

    #[test]
    fn saved_parameters_load_back_bit_for_bit(
        sizes in prop::collection::vec(1usize..5, 2..5),
        seed in any::<u64>(),
    ) {
        let mut rng = backprop::Rng::new(seed);
        let specials = [0.0, -0.0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1.0 / 3.0];
        let mut draw = |r: usize, c: usize| Array2::from_shape_fn((r, c), |_| {
            if rng.below(4) == 0 { specials[rng.below(specials.len())] } else { (rng.next_f64() - 0.5) * 10f64.powi(rng.below(40) as i32 - 20) }
        });
        let depth = sizes.len() - 1;
        let weights = (0..depth).map(|l| draw(sizes[l], sizes[l + 1])).collect();
        let biases = (0..depth).map(|l| draw(sizes[l + 1], 1)).collect();
        // every loss, every activation: softmax only where it fits (a cross-entropy output)
        let loss = Loss::ALL[(seed % Loss::ALL.len() as u64) as usize];
        let elementwise: Vec<Activation> = Activation::ALL.into_iter().filter(|a| *a != Activation::Softmax).collect();
        let activations = (0..depth)
            .map(|l| match (l + 1 == depth, loss) {
                (true, Loss::CrossEntropy) => Activation::Softmax,
                (true, Loss::BinaryCrossEntropy) => Activation::Sigmoid,
                _ => elementwise[(seed as usize / 3 + l) % elementwise.len()],
            })
            .collect();
        let net = Network::with_loss(weights, biases, activations, loss).unwrap();
        let back = Network::from_json(&net.to_json(), "saved.json").unwrap();
        for l in 1..=depth {
            let bits = |a: &Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(back.w(l)), bits(net.w(l)));
            prop_assert_eq!(bits(back.b(l)), bits(net.b(l)));
            prop_assert_eq!(back.activation(l), net.activation(l));
        }
        prop_assert_eq!(back.loss(), net.loss());
    }
}

#[test]
fn nan_and_infinite_inputs_are_refused_by_name() {
    let err = Network::sigmoid(vec![array![[0.1, f64::NAN]]], vec![array![[0.0], [0.0]]]).unwrap_err().to_string();
    assert_eq!(err, "W1[0][1]: expected a finite number, got NaN");
    let net = Network::sigmoid(vec![array![[0.1, 0.2]]], vec![array![[0.0], [0.0]]]).unwrap();
    let err = net.forward(&array![[f64::INFINITY]]).unwrap_err().to_string();
    assert_eq!(err, "x[0][0]: expected a finite number, got inf");
    let trace = net.forward(&array![[1.0]]).unwrap();
    let err = net.backward(&trace, &array![[0.5, f64::NEG_INFINITY]]).unwrap_err().to_string();
    assert_eq!(err, "y[0][1]: expected a finite number, got -inf");
}

#[test]
fn x_and_y_with_different_sample_counts_are_refused() {
    let text = backprop::io::CHAPTER_JSON.replace("[[0.1, 0.05]]", "[[0.1, 0.05], [0.2, 0.1]]");
    let err = Values::from_json(&text, "v.json").unwrap_err().to_string();
    assert!(err.starts_with("y: expected shape (1, 2): one row per sample of x"), "{err}");
    assert!(err.ends_with("got (2, 2)"), "{err}");
}

#[test]
fn a_network_file_with_a_wrong_shape_or_a_typo_is_refused() {
    let net = Values::chapter().network().unwrap();
    let json = net.to_json();
    let err = Network::from_json(&json.replace("\"activations\"", "\"activation\""), "n.json").unwrap_err().to_string();
    assert!(err.starts_with("activation: unknown field"), "{err}");
    let err = Network::load("/nonexistent/net.json").unwrap_err().to_string();
    assert!(err.starts_with("/nonexistent/net.json: No such file"), "{err}");
}

#[test]
fn a_values_file_whose_numbers_overflow_is_refused_not_printed_as_inf() {
    let text = backprop::io::CHAPTER_JSON.replace("[[1, 4, 5]]", "[[1, 4, 1e400]]");
    let err = Values::from_json(&text, "v.json").unwrap_err().to_string();
    assert!(err.starts_with("x[0][2]: expected a number within f64's range"), "{err}");
}

#[test]
fn a_misfit_between_x_and_w1_names_both_sides_and_what_would_fit() {
    // the chapter's x with a W1 of two rows, as a learner might type it in the parameters cell
    let (x, w1, w2) = (array![[1, 4, 5]], array![[0.1, 0.2], [0.3, 0.4]], array![[0.7, 0.8], [0.9, 0.1]]);
    let b = || array![[0.5], [0.5]].given();
    let err = Values::new(&x, array![[0.1, 0.05]], [&w1, &w2], [b(), b()], 0.01).unwrap_err().to_string();
    assert_eq!(
        err,
        "x: expected shape (m, 2): m >= 1 samples in rows, one column per row of W1 (2, 2), got (1, 3): \
         x has 3 columns where W1 has 2 rows; give x 2 columns, or W1 3 rows"
    );
}

#[test]
fn y_that_does_not_fit_names_x_and_the_last_weights() {
    let v = Values::chapter();
    let net = v.network().unwrap();
    let err = net.backward(&net.forward(v.x()).unwrap(), &array![[0.1, 0.05, 0.0]]).unwrap_err().to_string();
    assert_eq!(
        err,
        "y: expected shape (1, 2): one row per sample of x (1, 3), one column per column of W2 (2, 2), got (1, 3)"
    );
}

#[test]
fn a_softmax_network_saved_to_a_file_loads_back() {
    let net = Network::init(
        &[3, 4, 3],
        &[Activation::Tanh, Activation::Softmax],
        Loss::CrossEntropy,
        backprop::Init::Xavier,
        5,
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("backprop-softmax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    net.save(dir.join("net.json")).unwrap();
    assert_eq!(Network::load(dir.join("net.json")).unwrap(), net);
}
