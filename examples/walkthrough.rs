//! The chapter's complete program:
//! `cargo run --release --example walkthrough -- [--markdown] [VALUES.json]`.
//!
//! With no argument it prints what the chapter's program prints, byte for byte; with a values
//! file (see `backprop::Values`), what that program prints with its values changed to those.
//! With `--markdown`, it prints instead the chapter's derivation worked with those numbers,
//! as Markdown with LaTeX.

use std::process::ExitCode;

use backprop::{derivation::Derivation, walkthrough, Values};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let markdown = args.first().is_some_and(|a| a == "--markdown");
    if markdown {
        args.remove(0);
    }
    let values = match args.as_slice() {
        [] => Ok(Values::chapter()),
        [path] if !path.starts_with('-') => Values::load(path),
        _ => {
            eprintln!("usage: walkthrough [--markdown] [VALUES.json]");
            return ExitCode::from(2);
        }
    };
    let text = values.and_then(|v| {
        if markdown {
            Derivation::new(&v).map(|d| d.to_string())
        } else {
            walkthrough::complete_program(&v)
        }
    });
    match text {
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
