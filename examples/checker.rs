//! How long the checker's search takes for one wrong answer: the whole search (every slip and
//! every pair of slips), on the chapter's network and on a four-layer network with a batch of
//! 8, for every quantity. A wrong answer that no slip explains costs the most (nothing stops
//! the search early), so each quantity is checked with a random array of its shape.
//!
//! ```text
//! cargo run --release --example checker [-- --rounds 5]
//! ```

use std::time::Instant;

use backprop::ndarray::Array2;
use backprop::{Activation, Init, Loss, Network, Quantity, Rng, Step, Values};

fn time_each(step: &Step, rounds: usize, rng: &mut Rng) -> Vec<f64> {
    let mut times = Vec::new();
    for q in Quantity::all(step.depth()) {
        let want = step.value(q).expect("the step's own quantity");
        let mut best = f64::INFINITY;
        for _ in 0..rounds {
            let answer = want.mapv(|_| rng.next_f64() * 2.0 - 1.0);
            let start = Instant::now();
            let feedback = step.check(q, &answer).expect("a quantity of the step");
            best = best.min(start.elapsed().as_secs_f64() * 1e3);
            assert!(!feedback.right);
        }
        times.push(best);
    }
    times
}

fn report(name: &str, mut times: Vec<f64>, target_ms: f64) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    println!(
        "{name}: {} quantities, median {median:.2} ms, slowest {worst:.2} ms per wrong answer (target: under {target_ms} ms)",
        times.len()
    );
}

fn main() {
    let rounds: usize =
        std::env::args().skip_while(|a| a != "--rounds").nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut rng = Rng::new(2026);
    let chapter = Values::chapter().step().expect("the chapter's values");
    report("chapter, 3-2-2, one sample", time_each(&chapter, rounds, &mut rng), 10.0);

    let sizes = [4, 6, 5, 4, 3];
    let activations = [Activation::Tanh, Activation::Relu, Activation::Sigmoid, Activation::Sigmoid];
    let net = Network::init(&sizes, &activations, Loss::Mse, Init::Xavier, 7).expect("a network");
    let x = Array2::from_shape_fn((8, 4), |_| rng.normal());
    let y = Array2::from_shape_fn((8, 3), |_| rng.next_f64());
    let deep = Step::of(&net, &x, &y, 0.1).expect("a step");
    report("4-6-5-4-3, a batch of 8", time_each(&deep, rounds, &mut rng), 100.0);
}
