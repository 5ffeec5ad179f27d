//! Trains a network over many epochs with the chapter's full-batch update:
//!
//! ```text
//! cargo run --release --example train -- [VALUES.json] --epochs N [--learning-rate ETA] --out DIR
//! ```
//!
//! Starts from the values file's parameters (the chapter's when none is given), uses its
//! learning rate unless `--learning-rate` says otherwise, and writes `DIR/loss.csv` (`epoch,loss`,
//! one row per epoch, full precision) and `DIR/loss.svg` (on a log axis when every loss is
//! positive). A progress bar goes to stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use backprop::{Chart, Error, Training, Values};

struct Args {
    values: Option<PathBuf>,
    epochs: usize,
    learning_rate: Option<f64>,
    out: PathBuf,
}

const USAGE: &str = "usage: train [VALUES.json] --epochs N [--learning-rate ETA] --out DIR";

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut values, mut epochs, mut learning_rate, mut out) = (None, None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--epochs" => {
                let v = value("--epochs")?;
                epochs = Some(v.parse::<usize>().map_err(|_| format!("--epochs: expected a whole number, got {v:?}"))?);
            }
            "--learning-rate" => {
                let v = value("--learning-rate")?;
                let eta = v.parse::<f64>().map_err(|_| format!("--learning-rate: expected a number, got {v:?}"))?;
                if !(eta.is_finite() && eta > 0.0) {
                    return Err(format!("--learning-rate: expected a positive finite number, got {v}"));
                }
                learning_rate = Some(eta);
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            path if values.is_none() => values = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    let epochs = epochs.ok_or("--epochs is required")?;
    if epochs == 0 {
        return Err("--epochs: expected at least 1, got 0".into());
    }
    Ok(Args { values, epochs, learning_rate, out: out.ok_or("--out is required")? })
}

/// A bar that redraws in place on a terminal, and prints a line per 10% elsewhere.
struct Progress {
    total: usize,
    shown: usize,
    terminal: bool,
    start: Instant,
}

impl Progress {
    fn update(&mut self, done: usize) {
        let percent = done * 100 / self.total;
        let step = if self.terminal { 1 } else { 10 };
        if percent / step == self.shown / step && done != self.total {
            return;
        }
        self.shown = percent;
        let filled = percent * 30 / 100;
        let bar = format!(
            "[{}{}] {percent:3}% epoch {done}/{} {:.1}s",
            "#".repeat(filled),
            " ".repeat(30 - filled),
            self.total,
            self.start.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr();
        if self.terminal {
            let _ = write!(err, "\r{bar}");
            if done == self.total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{bar}");
        }
    }
}

fn run(args: Args) -> Result<(), Error> {
    let values = match &args.values {
        Some(path) => Values::load(path)?,
        None => Values::chapter(),
    };
    let eta = args.learning_rate.unwrap_or(values.learning_rate);
    let mut net = values.network()?;
    std::fs::create_dir_all(&args.out).map_err(|source| Error::Io { file: args.out.clone(), source })?;

    // train in slices so the bar moves; the epochs run exactly as one call to train would
    let mut losses = Vec::with_capacity(args.epochs);
    let mut progress =
        Progress { total: args.epochs, shown: 0, terminal: std::io::stderr().is_terminal(), start: Instant::now() };
    let slice = (args.epochs / 100).max(1);
    while losses.len() < args.epochs {
        let n = slice.min(args.epochs - losses.len());
        let history = backprop::train(&mut net, &values.x.data, &values.y.data, &Training::full_batch(n, eta))
            .map_err(|e| match e {
                Error::Diverged { epoch, what, losses: tail } => {
                    let mut all = losses.clone();
                    all.extend(tail);
                    Error::Diverged { epoch: epoch + losses.len(), what, losses: all }
                }
                other => other,
            })?;
        losses.extend(history.losses);
        progress.update(losses.len());
    }

    let csv_path = args.out.join("loss.csv");
    let mut csv = String::from("epoch,loss\n");
    for (epoch, loss) in losses.iter().enumerate() {
        // {:?} writes the shortest repr that reads back to the same f64
        csv.push_str(&format!("{},{loss:?}\n", epoch + 1));
    }
    std::fs::write(&csv_path, csv).map_err(|source| Error::Io { file: csv_path.clone(), source })?;
    let title = format!("Loss over {} epochs, learning rate {eta}", args.epochs);
    let chart = Chart::losses(&title, &losses);
    // a log axis shows the whole run (the fast drop and the slow tail); it needs positive losses
    let chart = if losses.iter().all(|l| *l > 0.0) { chart.log_y() } else { chart };
    chart.save(args.out.join("loss.svg"))?;
    println!("wrote {} and {}", csv_path.display(), args.out.join("loss.svg").display());
    println!("final loss {:?}", losses[losses.len() - 1]);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
