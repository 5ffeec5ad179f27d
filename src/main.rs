//! The `backprop` command line: the chapter's program, its derivation, training and the
//! gradient check for any values file. Built with the `cli` feature:
//! `cargo install --path . --features cli`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use backprop::show::{Sample, View};
use backprop::teach::{hint, Reader};
use backprop::{gradient_check, train_with, Chart, Error, Quantity, Training, Values};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

/// The forward pass and backpropagation worked through a real numerical example, printed
/// exactly as numpy prints it.
#[derive(Parser)]
#[command(name = "backprop", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print what the chapter's complete program prints (numpy's output, byte for byte), for
    /// the chapter's values or those of VALUES.
    Walkthrough {
        /// A values file (JSON: x, y, W, b, learning_rate, activations); the chapter's when
        /// left out.
        values: Option<PathBuf>,
    },
    /// Print the chapter's derivation worked with these numbers, as Markdown with LaTeX.
    Derivation {
        /// A values file; the chapter's when left out.
        values: Option<PathBuf>,
    },
    /// Train over many epochs from the values' parameters; write DIR/loss.csv (epoch,loss)
    /// and DIR/loss.svg, with a progress bar on stderr.
    Train {
        /// A values file; the chapter's when left out.
        values: Option<PathBuf>,
        /// Passes over the samples.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        epochs: usize,
        /// η; the values file's when left out.
        #[arg(long, value_name = "ETA", value_parser = positive)]
        learning_rate: Option<f64>,
        /// Samples per update, shuffled (seeded) before each epoch; the full batch when left out.
        #[arg(long, value_name = "B", value_parser = at_least_one)]
        batch_size: Option<usize>,
        /// Seeds the shuffle of the mini-batches.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The folder to write loss.csv and loss.svg into (made when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Draw the network with the step's numbers: forward (z, a, the weights), backward (f'(z),
    /// δ, dJ/dW) or update (old → new); write SVG or PNG by OUT's name.
    Diagram {
        /// A values file; the chapter's when left out.
        values: Option<PathBuf>,
        /// forward, backward or update.
        #[arg(long, default_value = "forward", value_parser = view)]
        view: View,
        /// The sample to show, from 0, or "sum" for the gradients summed over the batch.
        #[arg(long, default_value = "0", value_parser = sample)]
        sample: Sample,
        /// A weight or bias whose paths to the cost to draw strong, like W1[2,1] or b2[0].
        #[arg(long, value_name = "PARAM")]
        highlight: Option<String>,
        /// The file to write: NAME.svg or NAME.png.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the chain rule for one weight or bias (like W1[2,1], numpy's indices from 0) with
    /// the step's numbers, as Markdown with LaTeX: every path to the cost and their sum.
    ChainRule {
        /// The weight or bias: W<layer>[row,column] or b<layer>[row].
        param: String,
        /// A values file; the chapter's when left out.
        values: Option<PathBuf>,
    },
    /// Write COUNT worksheets of the chapter's exercise, each with its own values workable by
    /// hand: DIR/worksheet-K.md (the equations with blanks), DIR/key-K.md (the derivation
    /// filled in) and DIR/values-K.json (the key for `backprop mark`). The same seed gives the
    /// same files.
    Worksheet {
        /// Seeds the values of every worksheet.
        #[arg(long)]
        seed: u64,
        /// How many worksheets.
        #[arg(long, default_value_t = 1, value_parser = at_least_one)]
        count: usize,
        /// The folder to write into (made when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Mark a learner's answers against a values file, naming each mistake: an answers file
    /// (JSON: {"z1": [[...]], "d2": [[...]], "W1_new": ...}, the chapter program's names), or
    /// with --printed what a numpy program printed as the chapter's program prints. An answer
    /// that is right for the learner's own earlier wrong answer is marked as following from
    /// it. Exit 1 when any answer is wrong.
    ///
    ///   backprop mark VALUES ANSWERS.json
    ///   backprop mark --printed OUTPUT [VALUES]
    #[command(verbatim_doc_comment)]
    Mark {
        /// The values file the answers are for (a worksheet's values-K.json); with --printed,
        /// the chapter's when left out.
        key: Option<PathBuf>,
        /// The answers file (JSON).
        answers: Option<PathBuf>,
        /// A file of what a learner's numpy program printed.
        #[arg(long, value_name = "OUTPUT")]
        printed: Option<PathBuf>,
    },
    /// Print the hint for one quantity, by the chapter program's name: z1, a1, dJda2,
    /// "f2'(z2)", d2, dLdW1, dLdb1, W1_new, b1_new.
    Hint {
        /// The quantity's name.
        name: String,
    },
    /// Compare backprop's gradients with central finite differences for every weight and
    /// bias; exit 1 when the largest relative error is above LIMIT.
    Gradcheck {
        /// A values file; the chapter's when left out.
        values: Option<PathBuf>,
        /// The largest relative error that passes.
        #[arg(long, default_value_t = 1e-6, value_parser = positive)]
        limit: f64,
    },
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("expected at least 1, got 0".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("expected a whole number, got {text:?}")),
    }
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(_) => Err(format!("expected a positive finite number, got {text}")),
        Err(_) => Err(format!("expected a number, got {text:?}")),
    }
}

fn view(text: &str) -> Result<View, String> {
    text.parse().map_err(|e: Error| e.to_string())
}

fn sample(text: &str) -> Result<Sample, String> {
    if text == "sum" {
        return Ok(Sample::Sum);
    }
    text.parse().map(Sample::One).map_err(|_| format!("expected a sample number from 0, or \"sum\", got {text:?}"))
}

fn values(path: &Option<PathBuf>) -> backprop::Result<Values> {
    path.as_ref().map_or_else(|| Ok(Values::chapter()), Values::load)
}

fn run(command: Command) -> backprop::Result<ExitCode> {
    match command {
        Command::Walkthrough { values: path } => print!("{}", values(&path)?.step()?.walkthrough()),
        Command::Derivation { values: path } => print!("{}", values(&path)?.step()?.derivation()),
        Command::Train { values: path, epochs, learning_rate, batch_size, seed, out } => {
            let values = values(&path)?;
            let eta = learning_rate.unwrap_or(values.learning_rate());
            let training = Training { epochs, learning_rate: eta, batch_size, seed };
            let mut net = values.network()?;
            std::fs::create_dir_all(&out).map_err(|source| Error::Io { file: out.clone(), source })?;
            // drawn only on a terminal; elsewhere (a log, a test) it stays silent
            let bar = ProgressBar::new(epochs as u64).with_style(
                ProgressStyle::with_template("[{bar:30}] {percent:>3}% epoch {pos}/{len} {elapsed} loss {msg}")
                    .expect("a valid template")
                    .progress_chars("#>-"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            let history = train_with(&mut net, values.x(), values.y(), &training, |epoch| {
                bar.set_position(epoch.number as u64);
                bar.set_message(format!("{:.6e}", epoch.loss));
                std::ops::ControlFlow::Continue(())
            });
            bar.finish();
            let losses = history?.losses;
            let csv_path = out.join("loss.csv");
            let mut csv = String::from("epoch,loss\n");
            for (epoch, loss) in losses.iter().enumerate() {
                // {:?} writes the shortest repr that reads back to the same f64
                csv.push_str(&format!("{},{loss:?}\n", epoch + 1));
            }
            std::fs::write(&csv_path, csv).map_err(|source| Error::Io { file: csv_path.clone(), source })?;
            let chart = Chart::losses(&format!("Loss over {epochs} epochs, learning rate {eta}"), &losses);
            // a log axis shows the whole run (the fast drop and the slow tail); it needs positive losses
            let chart = if losses.iter().all(|l| *l > 0.0) { chart.log_y() } else { chart };
            let svg_path = out.join("loss.svg");
            chart.save(&svg_path)?;
            println!("wrote {} and {}", csv_path.display(), svg_path.display());
            println!("final loss {:?}", losses[losses.len() - 1]);
        }
        Command::Diagram { values: path, view, sample, highlight, out } => {
            let step = values(&path)?.step()?;
            let mut diagram = step.diagram(view).sample(sample);
            if let Some(param) = &highlight {
                diagram = diagram.highlight(param)?;
            }
            diagram.picture()?.save(&out)?;
            println!("wrote {}", out.display());
        }
        Command::ChainRule { param, values: path } => print!("{}", values(&path)?.step()?.chain_rule(&param)?),
        Command::Worksheet { seed, count, out } => {
            let sheets = backprop::teach::worksheets(seed, count)?;
            let written = backprop::teach::write_worksheets(&sheets, &out)?;
            println!("wrote {} files to {}", written.len(), out.display());
        }
        Command::Mark { key, answers, printed } => {
            let marks = match (printed, key, answers) {
                (Some(output), values_file, None) => {
                    let step = values(&values_file)?.step()?;
                    let text = std::fs::read_to_string(&output)
                        .map_err(|source| Error::Io { file: output.clone(), source })?;
                    backprop::teach::mark_printed(&step, &text)
                }
                (None, Some(key), Some(answers)) => {
                    let step = Values::load(&key)?.step()?;
                    let text = std::fs::read_to_string(&answers)
                        .map_err(|source| Error::Io { file: answers.clone(), source })?;
                    backprop::teach::mark(&step, &text, &answers.display().to_string())?
                }
                _ => {
                    eprintln!(
                        "error: expected `backprop mark VALUES ANSWERS` or `backprop mark --printed OUTPUT [VALUES]`"
                    );
                    return Ok(ExitCode::from(2));
                }
            };
            print!("{}", marks.text(Reader::CommandLine));
            if !marks.all_right() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Hint { name } => {
            let quantity: Quantity = name.parse()?;
            println!("{}", hint(quantity));
        }
        Command::Gradcheck { values: path, limit } => {
            let values = values(&path)?;
            let check = gradient_check(&values.network()?, values.x(), values.y())?;
            for p in &check.params {
                println!(
                    "{:>4}: largest relative error {:.3e} at [{}][{}]",
                    p.name, p.max_relative_error, p.at.0, p.at.1
                );
            }
            if check.near_kinks > 0 {
                println!(
                    "note: {} weights and biases left out: nudging them moved a ReLU input across 0, where no derivative can match",
                    check.near_kinks
                );
            }
            let worst = check.max_relative_error();
            println!("largest relative error: {worst:.3e}");
            if worst > limit {
                eprintln!("error: backprop and finite differences disagree beyond {limit:e}");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    // usage errors exit with 2 (clap's), errors in what the files hold with 1
    let cli = Cli::parse();
    run(cli.command).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}
