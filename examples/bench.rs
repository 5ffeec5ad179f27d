//! Times one full training step: `cargo run --release --example bench -- --sizes 3,2,2 --batch 1 --seconds 3`.
//!
//! The step is forward, backprop and the SGD update (sigmoid layers, MSE, f64) through
//! `Network::train_batch` and a reused `Workspace`, on the chapter's values for 3,2,2 with one
//! sample and on seeded random weights and data otherwise. Steps are timed in rounds of at
//! least a millisecond; the median round, per step, is the figure. The last line is JSON:
//! `{"sizes": [...], "batch": B, "median_us_per_step": X}`. `--threads N` (default 1) runs
//! the step on N threads (`Workspace::with_threads`). tests/workspace.rs checks that the step
//! computes what the allocating `forward`/`backward`/`updated` path computes.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use backprop::ndarray::Array2;
use backprop::{Activation, Init, Loss, Network, Rng, Values, Workspace};
use clap::Parser;

/// Times one full training step (forward, backprop and the SGD update) of a sigmoid network.
#[derive(Parser)]
#[command(name = "bench")]
struct Args {
    /// The layer widths n_0,...,n_L.
    #[arg(long, value_delimiter = ',', default_value = "3,2,2", value_parser = positive_whole)]
    sizes: Vec<usize>,
    /// Samples per step.
    #[arg(long, default_value_t = 1, value_parser = positive_whole)]
    batch: usize,
    /// How long to keep timing (at least 5 rounds).
    #[arg(long, default_value_t = 3.0, value_parser = positive)]
    seconds: f64,
    /// Threads for the step (`Workspace::with_threads`).
    #[arg(long, default_value_t = 1, value_parser = positive_whole)]
    threads: usize,
}

fn positive_whole(text: &str) -> Result<usize, String> {
    text.parse().ok().filter(|n| *n > 0).ok_or(format!("expected a positive whole number, got {text:?}"))
}

fn positive(text: &str) -> Result<f64, String> {
    text.parse()
        .ok()
        .filter(|s: &f64| *s > 0.0 && s.is_finite())
        .ok_or(format!("expected a positive number, got {text:?}"))
}

/// The workload: the chapter's own for 3,2,2 on one sample, else seeded random data.
fn workload(sizes: &[usize], batch: usize) -> (Network, Array2<f64>, Array2<f64>) {
    if sizes == [3, 2, 2] && batch == 1 {
        let v = Values::chapter();
        return (v.network().expect("the chapter's values"), v.x().to_owned(), v.y().to_owned());
    }
    let activations = vec![Activation::Sigmoid; sizes.len() - 1];
    let net = Network::init(sizes, &activations, Loss::Mse, Init::Xavier, 42).expect("valid sizes");
    let mut rng = Rng::new(7);
    let x = Array2::from_shape_fn((batch, sizes[0]), |_| rng.next_f64());
    let y = Array2::from_shape_fn((batch, sizes[sizes.len() - 1]), |_| rng.next_f64());
    (net, x, y)
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.sizes.len() < 2 {
        eprintln!("error: --sizes: expected at least two widths like 3,2,2, got {:?}", args.sizes);
        return ExitCode::from(2);
    }
    let (mut net, x, y) = workload(&args.sizes, args.batch);
    let mut ws = match Workspace::new(&net, args.batch).with_threads(args.threads) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let eta = 0.01;

    // warm up: caches, page faults of the buffers, the allocator's first requests
    let warm = Instant::now();
    let mut steps_per_round = 0usize;
    while warm.elapsed() < Duration::from_millis(200) {
        net.train_batch(&x, &y, eta, &mut ws).expect("a valid step");
        steps_per_round += 1;
    }
    // rounds of about 2 ms each
    let steps_per_round = (steps_per_round / 100).max(1);
    let mut per_step = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < args.seconds || per_step.len() < 5 {
        let t = Instant::now();
        for _ in 0..steps_per_round {
            net.train_batch(&x, &y, eta, &mut ws).expect("a valid step");
        }
        per_step.push(t.elapsed().as_secs_f64() * 1e6 / steps_per_round as f64);
    }
    per_step.sort_by(f64::total_cmp);
    let median = per_step[per_step.len() / 2];
    println!(
        "rust backprop: {} rounds of {steps_per_round} steps, threads: {}, p10 {:.3} us, p90 {:.3} us",
        per_step.len(),
        args.threads,
        per_step[per_step.len() / 10],
        per_step[per_step.len() * 9 / 10]
    );
    let sizes = args.sizes.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    println!("{{\"sizes\": [{sizes}], \"batch\": {}, \"median_us_per_step\": {median:.4}}}", args.batch);
    ExitCode::SUCCESS
}
