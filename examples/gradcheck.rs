//! Backprop against finite differences: `cargo run --release --example gradcheck -- VALUES.json`.
//!
//! For every weight and bias of the values file's network, compares backprop's gradient with
//! a central finite difference of the loss, prints the largest relative error per matrix, and
//! on its last line the largest over all of them. Exits 1 when that is above 1e-6.

use std::process::ExitCode;

use backprop::{gradient_check, Values};

const LIMIT: f64 = 1e-6;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: gradcheck VALUES.json");
        return ExitCode::from(2);
    };
    let check = Values::load(path).and_then(|v| gradient_check(&v.network()?, &v.x.data, &v.y.data));
    let check = match check {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for p in &check.params {
        println!("{:>4}: largest relative error {:.3e} at [{}][{}]", p.name, p.max_relative_error, p.at.0, p.at.1);
    }
    if check.near_kinks > 0 {
        println!(
            "note: {} weights and biases left out: nudging them moved a ReLU input across 0, where no derivative can match",
            check.near_kinks
        );
    }
    let worst = check.max_relative_error();
    println!("largest relative error: {worst:.3e}");
    if worst > LIMIT {
        eprintln!("error: backprop and finite differences disagree beyond {LIMIT:e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
