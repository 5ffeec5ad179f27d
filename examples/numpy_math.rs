//! numpy's float64 `exp`, `tanh` and `log` (`backprop::math::numpy_math`) over a file of inputs:
//! what `tests/tools/test_numpy_math.py` compares with numpy, bit for bit.
//!
//! ```text
//! cargo run --release --example numpy_math -- choice
//! cargo run --release --example numpy_math -- exp inputs.f64 outputs.f64
//! ```
//!
//! The files hold raw little-endian float64 values, as numpy's `tofile` writes them. `choice`
//! prints what computes each function on this CPU.

use std::process::ExitCode;

use backprop::math::numpy_math::{self, Choice};

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [command] if command == "choice" => {
            println!("{}", Choice::current());
            Ok(())
        }
        [function, input, output] => {
            let f: fn(f64) -> f64 = match function.as_str() {
                "exp" => numpy_math::exp,
                "tanh" => numpy_math::tanh,
                "log" => numpy_math::ln,
                other => return Err(format!("expected exp, tanh or log, got {other:?}")),
            };
            let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
            if bytes.len() % 8 != 0 {
                return Err(format!(
                    "{input}: expected raw float64 values (a multiple of 8 bytes), got {} bytes",
                    bytes.len()
                ));
            }
            let out: Vec<u8> = bytes
                .chunks_exact(8)
                .flat_map(|b| f(f64::from_le_bytes(b.try_into().expect("8 bytes"))).to_le_bytes())
                .collect();
            std::fs::write(output, out).map_err(|e| format!("{output}: {e}"))
        }
        _ => Err("usage: numpy_math choice | numpy_math exp|tanh|log INPUTS OUTPUTS".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("numpy_math: {e}");
            ExitCode::FAILURE
        }
    }
}
