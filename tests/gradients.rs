//! The gradients proven right: backprop against finite differences (`gradient_check`) and
//! against the chain rule in loops (`gradients_by_loops`), on random architectures,
//! activations, losses, batch sizes and values.

use backprop::gradcheck::{check_gradients, gradients_by_loops};
use backprop::ndarray::Array2;
use backprop::{gradient_check, Activation, Init, Loss, Network, Rng};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// A random network and batch: widths 1 to 5, 1 to 4 layers, any elementwise activations, one
/// of the three losses with an output that fits it.
fn case(seed: u64, depth: usize, m: usize, loss_pick: usize) -> (Network, Array2<f64>, Array2<f64>) {
    let mut rng = Rng::new(seed);
    let loss = Loss::ALL[loss_pick % 3];
    let mut sizes: Vec<usize> = (0..=depth).map(|_| 1 + rng.below(5)).collect();
    if loss == Loss::CrossEntropy && sizes[depth] == 1 {
        sizes[depth] = 2;
    }
    let hidden = [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Identity];
    let mut activations: Vec<Activation> = (0..depth).map(|_| hidden[rng.below(hidden.len())]).collect();
    activations[depth - 1] = match loss {
        Loss::CrossEntropy => Activation::Softmax,
        Loss::BinaryCrossEntropy => Activation::Sigmoid,
        _ => activations[depth - 1],
    };
    let init = if rng.below(2) == 0 { Init::Xavier } else { Init::He };
    let net = Network::init(&sizes, &activations, loss, init, seed).unwrap();
    // biases away from zero too, so every weight matters
    let biases = (1..=depth).map(|l| net.b(l).mapv(|_| rng.normal() * 0.5)).collect();
    let net = Network::with_loss((1..=depth).map(|l| net.w(l).clone()).collect(), biases, activations, loss).unwrap();
    let x = Array2::from_shape_fn((m, sizes[0]), |_| rng.normal());
    let y = match loss {
        Loss::CrossEntropy => Array2::from_shape_fn((m, sizes[depth]), |(_, j)| (j == 0) as u8 as f64),
        _ => Array2::from_shape_fn((m, sizes[depth]), |_| rng.next_f64()),
    };
    (net, x, y)
}

proptest! {
    // a fixed seed: the same cases on every run, so CI is deterministic (PROPTEST_CASES can
    // ask for more)
    #![proptest_config(ProptestConfig { cases: 300, rng_seed: RngSeed::Fixed(20261128), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn backprop_agrees_with_finite_differences(seed in any::<u64>(), depth in 1usize..5, m in 1usize..6, loss in 0usize..3) {
        let (net, x, y) = case(seed, depth, m, loss);
        let check = gradient_check(&net, &x, &y).unwrap();
        // entries whose nudge moved a ReLU input across its corner are left out by the check;
        // most cases have none
        prop_assume!(check.near_kinks < check.params.len());
        // a cross-entropy of an output within 1e-3 of 0 or 1 is computed from ln(a) or
        // ln(1 - a), where a's last bits are most of 1 - a: the finite differences see that
        // rounding, not the slope (backprop's a - y does not suffer from it)
        let a = net.predict(&x).unwrap();
        prop_assume!(loss == 0 || a.iter().all(|&v| v > 1e-3 && v < 1.0 - 1e-3));
        prop_assert!(check.max_relative_error() < 1e-6, "{:?}", check.params);
    }

    #[test]
    fn the_loops_agree_with_the_vectorized_gradients(seed in any::<u64>(), depth in 1usize..5, m in 1usize..6, loss in 0usize..3) {
        let (net, x, y) = case(seed, depth, m, loss);
        let grads = net.backward(&net.forward(&x).unwrap(), &y).unwrap();
        let loops = gradients_by_loops(&net, &x, &y).unwrap();
        for l in 1..=net.depth() {
            for (a, b) in grads.dw(l).iter().zip(loops.dw(l)).chain(grads.db(l).iter().zip(loops.db(l))) {
                prop_assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "layer {l}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn the_check_catches_a_gradient_off_by_a_tenth_of_a_percent() {
    let (net, x, y) = case(11, 2, 3, 0);
    let right = net.backward(&net.forward(&x).unwrap(), &y).unwrap();
    let mut wrong = right.clone();
    wrong.dw_mut(2).mapv_inplace(|g| g * 1.001);
    assert!(check_gradients(&net, &x, &y, &right).unwrap().max_relative_error() < 1e-6);
    let caught = check_gradients(&net, &x, &y, &wrong).unwrap();
    assert!(caught.max_relative_error() > 5e-4, "{:?}", caught.params);
    assert_eq!(
        caught.params.iter().filter(|p| p.max_relative_error > 1e-6).map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["W2"]
    );
}

#[test]
fn softmax_is_refused_anywhere_but_a_cross_entropy_output() {
    let w = || vec![Array2::zeros((2, 2)), Array2::zeros((2, 2))];
    let b = || vec![Array2::zeros((2, 1)), Array2::zeros((2, 1))];
    let err = Network::new(w(), b(), vec![Activation::Sigmoid, Activation::Softmax]).unwrap_err().to_string();
    assert!(err.contains("softmax fits only the output layer with the cross_entropy loss"), "{err}");
    let err = Network::with_loss(w(), b(), vec![Activation::Tanh, Activation::Sigmoid], Loss::CrossEntropy)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "activations[1]: the cross_entropy loss needs a softmax output layer, got sigmoid");
    let err = Network::with_loss(w(), b(), vec![Activation::Softmax, Activation::Softmax], Loss::CrossEntropy)
        .unwrap_err()
        .to_string();
    assert!(err.contains("got it on layer 1 of 2"), "{err}");
}
