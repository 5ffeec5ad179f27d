//! The allocation-free training step computes what forward, backward and step compute, on
//! small layers (plain loops) and large ones (general_mat_mul), and allocates nothing on the
//! small path.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use backprop::ndarray::Array2;
use backprop::{Activation, Init, Loss, Network, Rng, Values, Workspace};

/// Counts every allocation of the thread that makes it (tests run on several threads), to
/// show the step makes none.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn random_case(
    sizes: &[usize],
    activations: &[Activation],
    loss: Loss,
    m: usize,
    seed: u64,
) -> (Network, Array2<f64>, Array2<f64>) {
    let net = Network::init(sizes, activations, loss, Init::Xavier, seed).unwrap();
    let mut rng = Rng::new(seed + 1);
    let x = Array2::from_shape_fn((m, sizes[0]), |_| rng.normal());
    let n_out = sizes[sizes.len() - 1];
    let y = match loss {
        Loss::CrossEntropy => Array2::from_shape_fn((m, n_out), |(i, j)| (i % n_out == j) as u8 as f64),
        _ => Array2::from_shape_fn((m, n_out), |_| rng.next_f64()),
    };
    (net, x, y)
}

/// One step through `train_step` on `threads` threads and one through forward, backward and
/// updated: the largest relative difference of the loss and the updated parameters, and of
/// the changes to them (which is the gradient's, scaled by the largest change in the layer).
fn difference_on(net: &Network, x: &Array2<f64>, y: &Array2<f64>, eta: f64, threads: usize) -> f64 {
    let mut fast = net.clone();
    let mut ws = Workspace::new(net, x.nrows()).with_threads(threads).unwrap();
    let loss = fast.train_batch(x, y, eta, &mut ws).unwrap();
    let trace = net.forward(x).unwrap();
    let expected_loss = net.loss().value(trace.output(), y);
    let grads = net.backward(&trace, y).unwrap();
    let slow = updated(net, &grads, eta);
    relative(loss, expected_loss).max(parameter_difference(net, &fast, &slow))
}

/// `net` after one update with `grads`, on the teaching path.
fn updated(net: &Network, grads: &backprop::Gradients, eta: f64) -> Network {
    let mut next = net.clone();
    next.update(grads, eta).unwrap();
    next
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

/// The largest relative difference of two updates of `before`, over the parameters and over
/// their changes (a change is compared with the largest change in its matrix).
fn parameter_difference(before: &Network, fast: &Network, slow: &Network) -> f64 {
    let mut worst = 0.0_f64;
    for l in 1..=before.depth() {
        for (fast, slow, before) in [(fast.w(l), slow.w(l), before.w(l)), (fast.b(l), slow.b(l), before.b(l))] {
            let largest = (slow - before).iter().fold(1e-300_f64, |m, v| m.max(v.abs()));
            for ((f, s), b) in fast.iter().zip(slow).zip(before) {
                worst = worst.max(relative(*f, *s)).max(((f - b) - (s - b)).abs() / largest);
            }
        }
    }
    worst
}

fn difference(net: &Network, x: &Array2<f64>, y: &Array2<f64>, eta: f64) -> f64 {
    difference_on(net, x, y, eta, 1)
}

#[test]
fn the_chapters_step_is_the_chapters_update() {
    let v = Values::chapter();
    let net = v.network().unwrap();
    assert!(difference(&net, v.x(), v.y(), 0.01) < 1e-14);
}

#[test]
fn small_and_large_layers_agree_with_the_allocating_path() {
    let s = Activation::Sigmoid;
    let cases: Vec<(Vec<usize>, Vec<Activation>, Loss, usize)> = vec![
        (vec![3, 2, 2], vec![s, s], Loss::Mse, 4),
        (vec![5, 7, 3], vec![Activation::Tanh, Activation::Softmax], Loss::CrossEntropy, 6),
        (vec![4, 6, 1], vec![Activation::Relu, s], Loss::BinaryCrossEntropy, 5),
        // above SMALL: general_mat_mul
        (vec![100, 64, 10], vec![Activation::LeakyRelu, s], Loss::Mse, 32),
        (vec![60, 50, 40, 3], vec![Activation::Tanh, s, Activation::Softmax], Loss::CrossEntropy, 20),
    ];
    for (i, (sizes, activations, loss, m)) in cases.into_iter().enumerate() {
        let (net, x, y) = random_case(&sizes, &activations, loss, m, i as u64);
        let d = difference(&net, &x, &y, 0.1);
        assert!(d < 1e-12, "{sizes:?}: relative difference {d:e}");
    }
}

#[test]
fn every_activation_and_loss_agrees_with_the_teaching_path_to_1e_12() {
    use Activation::*;
    // each hidden activation before each output that fits each loss, on small layers (plain
    // loops) and on large ones (the GEMM), one thread and two
    let outputs = [
        (Sigmoid, Loss::Mse),
        (Tanh, Loss::Mse),
        (Relu, Loss::Mse),
        (LeakyRelu, Loss::Mse),
        (Identity, Loss::Mse),
        (Softmax, Loss::CrossEntropy),
        (Sigmoid, Loss::BinaryCrossEntropy),
    ];
    let mut seed = 100;
    for hidden in [Sigmoid, Tanh, Relu, LeakyRelu, Identity] {
        for (output, loss) in outputs {
            for (sizes, m, threads) in [(vec![3, 4, 2], 3, 1), (vec![90, 70, 12], 24, 2)] {
                seed += 1;
                let (net, x, y) = random_case(&sizes, &[hidden, output], loss, m, seed);
                let d = difference_on(&net, &x, &y, 0.05, threads);
                assert!(d < 1e-12, "{hidden} then {output} with {loss}, {sizes:?}: relative difference {d:e}");
            }
        }
    }
}

#[test]
fn small_batches_and_layers_kept_whole_agree_with_the_teaching_path() {
    // batches of 1 to 9 samples on large layers (a product of a few rows forward, of a few
    // terms in the update), and layers kept whole (below PARALLEL_MIN) that hand their products
    // down to a layer cut in pieces: on [784, 40, 10] the first layer is cut in 2 pieces (of
    // 24 and 16 columns: at least MIN_PIECE each, cut on a line) even on 3 threads;
    // [400, 300, 6, 10] is cut, whole, whole; in [512, 256, 4, 600, 3] the 4-unit layer, kept
    // whole, takes its δ from the shares of the 600-unit layer above it
    let s = Activation::Sigmoid;
    let mut cases: Vec<(Vec<usize>, Vec<Activation>, Loss, usize)> =
        [1, 2, 8, 9].into_iter().map(|m| (vec![784, 128, 10], vec![s, s], Loss::Mse, m)).collect();
    cases.push((vec![784, 40, 10], vec![Activation::Tanh, Activation::Softmax], Loss::CrossEntropy, 128));
    cases.push((vec![400, 300, 6, 10], vec![Activation::Relu, s, s], Loss::BinaryCrossEntropy, 64));
    cases.push((vec![512, 256, 4, 600, 3], vec![s, Activation::LeakyRelu, Activation::Tanh, s], Loss::Mse, 64));
    for (i, (sizes, activations, loss, m)) in cases.into_iter().enumerate() {
        let (net, x, y) = random_case(&sizes, &activations, loss, m, 40 + i as u64);
        for threads in [1, 2, 3] {
            let d = difference_on(&net, &x, &y, 0.1, threads);
            assert!(d < 1e-12, "{sizes:?} on {m} samples, {threads} threads: relative difference {d:e}");
        }
    }
}

#[test]
fn threads_compute_what_one_thread_computes() {
    let s = Activation::Sigmoid;
    // every first layer, and all three layers of the second case (softmax included), are large
    // enough to be cut into pieces; widths that do not divide evenly
    let cases: Vec<(Vec<usize>, Vec<Activation>, Loss, usize)> = vec![
        (vec![300, 129, 10], vec![s, s], Loss::Mse, 64),
        (vec![200, 97, 101, 40], vec![Activation::Tanh, Activation::Relu, Activation::Softmax], Loss::CrossEntropy, 33),
        (vec![150, 80, 1], vec![Activation::LeakyRelu, s], Loss::BinaryCrossEntropy, 70),
    ];
    for (i, (sizes, activations, loss, m)) in cases.into_iter().enumerate() {
        let (net, x, y) = random_case(&sizes, &activations, loss, m, 10 + i as u64);
        for threads in [2, 3] {
            let d = difference_on(&net, &x, &y, 0.1, threads);
            assert!(d < 1e-12, "{sizes:?} on {threads} threads: relative difference {d:e}");
        }
    }
}

#[test]
fn the_comparison_catches_one_gradient_a_millionth_off() {
    let (net, x, y) = random_case(&[300, 129, 10], &[Activation::Sigmoid; 2], Loss::Mse, 64, 3);
    let mut fast = net.clone();
    let mut ws = Workspace::new(&net, 64).with_threads(2).unwrap();
    fast.train_batch(&x, &y, 0.1, &mut ws).unwrap();
    let slow = updated(&net, &net.backward(&net.forward(&x).unwrap(), &y).unwrap(), 0.1);
    assert!(parameter_difference(&net, &fast, &slow) < 1e-12);
    let mut w1 = fast.w(1).clone();
    w1[[5, 7]] += (slow.w(1) - net.w(1))[[5, 7]] * 1e-6;
    let spoiled = Network::new(
        vec![w1, fast.w(2).clone()],
        vec![fast.b(1).clone(), fast.b(2).clone()],
        vec![Activation::Sigmoid; 2],
    )
    .unwrap();
    assert!(parameter_difference(&net, &spoiled, &slow) > 1e-8);
}

#[test]
fn a_workspace_wants_at_least_one_thread_and_clones_share_theirs() {
    let v = Values::chapter();
    let net = v.network().unwrap();
    let err = Workspace::new(&net, 1).with_threads(0).unwrap_err().to_string();
    assert_eq!(err, "threads: expected at least 1, got 0");
    // two clones stepping at once from two threads: each gets the numbers one thread gets
    let (big, x, y) = random_case(&[300, 129, 10], &[Activation::Sigmoid; 2], Loss::Mse, 64, 5);
    let ws = Workspace::new(&big, 64).with_threads(2).unwrap();
    let mut alone = big.clone();
    let mut ws1 = Workspace::new(&big, 64);
    for _ in 0..5 {
        alone.train_batch(&x, &y, 0.1, &mut ws1).unwrap();
    }
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let mut ws = ws.clone();
            let (mut net, x, y, alone) = (big.clone(), &x, &y, &alone);
            scope.spawn(move || {
                for _ in 0..5 {
                    net.train_batch(x, y, 0.1, &mut ws).unwrap();
                }
                for l in 1..=2 {
                    for (a, b) in net.w(l).iter().zip(alone.w(l)) {
                        assert!((a - b).abs() <= 1e-12 * a.abs().max(1e-3), "{a} against {b}");
                    }
                }
            });
        }
    });
}

#[test]
fn the_small_step_allocates_nothing() {
    let v = Values::chapter();
    let mut net = v.network().unwrap();
    let mut ws = Workspace::new(&net, 1);
    net.train_batch(v.x(), v.y(), 0.01, &mut ws).unwrap();
    let before = allocations();
    for _ in 0..1000 {
        net.train_batch(v.x(), v.y(), 0.01, &mut ws).unwrap();
    }
    assert_eq!(allocations() - before, 0);
    // and the counter does count: a step through the allocating path allocates
    let trace = net.forward(v.x()).unwrap();
    assert!(allocations() > before);
    drop(trace);
}

#[test]
fn a_step_refuses_what_does_not_fit_its_workspace() {
    let v = Values::chapter();
    let mut net = v.network().unwrap();
    let mut ws = Workspace::new(&net, 2);
    let err = net.train_batch(v.x(), v.y(), 0.01, &mut ws).unwrap_err().to_string();
    assert_eq!(err, "x: expected shape (2, 3), the workspace's batch and W1's rows, got (1, 3)");
    let mut ws = Workspace::new(&net, 1);
    let err = net.train_batch(v.x(), v.y(), 0.0, &mut ws).unwrap_err().to_string();
    assert!(err.starts_with("learning_rate: expected a positive finite number, got 0"), "{err}");
    // a NaN or an infinity in the batch is refused before anything changes
    let before = net.clone();
    let mut x = v.x().clone();
    x[[0, 1]] = f64::INFINITY;
    let err = net.train_batch(&x, v.y(), 0.01, &mut ws).unwrap_err().to_string();
    assert_eq!(err, "x[0][1]: expected a finite number, got inf");
    let mut y = v.y().clone();
    y[[0, 0]] = f64::NAN;
    let err = net.train_batch(v.x(), &y, 0.01, &mut ws).unwrap_err().to_string();
    assert_eq!(err, "y[0][0]: expected a finite number, got NaN");
    assert_eq!(net, before);
}

#[test]
fn a_loss_that_overflows_is_an_error_on_both_paths() {
    // y finite but so large that (a − y)² overflows: the small path (3-2-2, one sample) and
    // the general one (layers past SMALL) both say so rather than return inf
    let v = Values::chapter();
    let mut net = v.network().unwrap();
    let mut ws = Workspace::new(&net, 1);
    let mut y = v.y().clone();
    y[[0, 0]] = 1e200;
    let err = net.train_batch(v.x(), &y, 0.01, &mut ws).unwrap_err().to_string();
    assert_eq!(err, "loss: expected a finite loss, got inf");

    let sizes = [40, 30, 2];
    let mut net = Network::init(&sizes, &[Activation::Sigmoid; 2], Loss::Mse, Init::Xavier, 3).unwrap();
    let m = 8;
    assert!(m * 40 * 30 > backprop::fast::SMALL);
    let mut ws = Workspace::new(&net, m);
    let x = Array2::from_elem((m, 40), 0.5);
    let mut y = Array2::from_elem((m, 2), 0.5);
    y[[3, 1]] = -1e200;
    let err = net.train_batch(&x, &y, 0.01, &mut ws).unwrap_err().to_string();
    assert_eq!(err, "loss: expected a finite loss, got inf");
}
