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

struct Args {
    points: usize,
    noise: f64,
    seed: u64,
    sizes: Vec<usize>,
    activations: Vec<Activation>,
    eta: f64,
    epochs: usize,
    batch: usize,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let get = |flag: &str| -> Result<String, String> {
        let at = args.iter().position(|a| a == flag).ok_or(format!("{flag} is required"))?;
        args.get(at + 1).cloned().ok_or(format!("{flag} needs a value"))
    };
    fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
        text.parse().map_err(|_| format!("{flag}: expected a number, got {text:?}"))
    }
    let list = |flag: &str, text: String| -> Result<Vec<usize>, String> {
        text.split(',').map(|s| number(flag, s.trim())).collect()
    };
    let activations = |text: String| -> Result<Vec<Activation>, String> {
        text.split(',').map(|s| s.trim().parse::<Activation>().map_err(|e| format!("--activations: {e}"))).collect()
    };
    Ok(Args {
        points: number("--points", &get("--points")?)?,
        noise: number("--noise", &get("--noise")?)?,
        seed: number("--seed", &get("--seed")?)?,
        sizes: list("--sizes", get("--sizes")?)?,
        activations: activations(get("--activations")?)?,
        eta: number("--eta", &get("--eta")?)?,
        epochs: number("--epochs", &get("--epochs")?)?,
        batch: number("--batch", &get("--batch")?)?,
    })
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("moons: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("moons: {e}");
            ExitCode::FAILURE
        }
    }
}
