//! The training cells of notebook 03, as a release binary: the yardstick that
//! `scripts/notebook-timings --against-release` holds the notebook's cells to.
//!
//! ```text
//! cargo run --release --example moons -- --points 200 --noise 0.15 --seed 7 \
//!     --sizes 2,16,16,1 --activations tanh,tanh,sigmoid --eta 0.5 --epochs 1500 --batch 32
//! ```
//!
//! Runs the same calls as the notebook's two training cells (mini-batches, then with its
//! prediction; full batch, then with its chart), three times each, and prints the median
//! seconds of each as `mini-batch SECONDS` and `full batch SECONDS`.

use std::process::ExitCode;
use std::time::Instant;

use backprop::datasets::two_moons;
use backprop::{train, Activation, Chart, Init, Loss, Network, Training};
use clap::Parser;

/// Notebook 03's two training cells, timed in a release binary.
#[derive(Parser)]
#[command(name = "moons")]
struct Args {
    /// Points of the two-moons data set.
    #[arg(long)]
    points: usize,
    /// Standard deviation of its noise.
    #[arg(long)]
    noise: f64,
    /// Seeds the data, the first weights and the shuffles.
    #[arg(long)]
    seed: u64,
    /// The layer widths n_0,...,n_L.
    #[arg(long, value_delimiter = ',')]
    sizes: Vec<usize>,
    /// One activation per layer, by name.
    #[arg(long, value_delimiter = ',', value_parser = activation)]
    activations: Vec<Activation>,
    /// The learning rate η.
    #[arg(long)]
    eta: f64,
    /// Passes over the points.
    #[arg(long)]
    epochs: usize,
    /// Samples per mini-batch.
    #[arg(long)]
    batch: usize,
}

fn activation(text: &str) -> Result<Activation, String> {
    text.trim().parse::<Activation>().map_err(|e| e.to_string())
}

/// The median of three runs of `f`, in seconds.
fn median_seconds(mut f: impl FnMut() -> backprop::Result<()>) -> backprop::Result<f64> {
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[1])
}

fn run(args: &Args) -> backprop::Result<()> {
    let (x, y) = two_moons(args.points, args.noise, args.seed);
    let start = Network::init(&args.sizes, &args.activations, Loss::BinaryCrossEntropy, Init::Xavier, args.seed)?;
    let mut history = None;
    let mini = median_seconds(|| {
        let mut net = start.clone();
        history = Some(train(&mut net, &x, &y, &Training::mini_batch(args.epochs, args.eta, args.batch, args.seed))?);
        net.predict(&x)?;
        Ok(())
    })?;
    let history = history.expect("three runs");
    let full = median_seconds(|| {
        let mut net = start.clone();
        let full_history = train(&mut net, &x, &y, &Training::full_batch(args.epochs, args.eta))?;
        Chart::new("Full batch against mini-batches")
            .series("full batch (1 update per epoch)", &full_history.losses)
            .series(&format!("batches of {}", args.batch), &history.losses)
            .log_y()
            .picture()?;
        Ok(())
    })?;
    println!("mini-batch {mini:.4}");
    println!("full batch {full:.4}");
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("moons: {e}");
            ExitCode::FAILURE
        }
    }
}
