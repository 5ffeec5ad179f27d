//! The chapter's complete program: `cargo run --release --example walkthrough -- [VALUES.json]`.
//!
//! With no argument it prints what the chapter's program prints, byte for byte; with a values
//! file (see `backprop::Values`), what that program prints with its values changed to those.

use std::process::ExitCode;

use backprop::{walkthrough, Values};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let values = match args.as_slice() {
        [] => Ok(Values::chapter()),
        [path] if !path.starts_with('-') => Values::load(path),
        _ => {
            eprintln!("usage: walkthrough [VALUES.json]");
            return ExitCode::from(2);
        }
    };
    match values.and_then(|v| walkthrough::complete_program(&v)) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
