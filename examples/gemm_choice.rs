//! The GEMM of the training step, chosen by measurement: ndarray's `general_mat_mul`
//! (matrixmultiply, which the fast path uses) against the `gemm` crate (the one faer builds on),
//! on the exact products of one step of each workload, on one thread and on two.
//!
//!     cargo run --release --example gemm_choice [-- --seconds 0.5 --rounds 5]
//!
//! For each layer of 784-128-10 / 64 and 784-256-256-10 / 256 it times the step's three
//! products: forward `a W` (m x n_in times n_in x n_out), the update folded into the gradient
//! `W -= (eta/m) a^T delta` (n_in x m times m x n_out, into W) and backward `delta W^T`
//! (m x n_out times n_out x n_in; not for the first layer), with the operands laid out as the
//! step holds them (row-major, the transposes as views). Each figure is the median over the
//! rounds of one implementation's median microseconds per product; the implementations take
//! turns within each round, so the machine's noise falls on all alike. matrixmultiply runs on
//! one thread (the fast path splits the columns over its own helper thread for two); `gemm`
//! runs on one thread and with `Parallelism::Rayon(2)`. Results are checked against each other
//! (relative 1e-12) before they are timed.

use std::time::Instant;

use backprop::ndarray::linalg::general_mat_mul;
use backprop::ndarray::{Array2, ArrayView2, ArrayViewMut2};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// seconds per implementation, per product, per round
    #[arg(long, default_value_t = 0.3)]
    seconds: f64,
    /// rounds
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

/// dst := dst * keep + scale * lhs rhs, by matrixmultiply (through ndarray).
fn with_matrixmultiply(lhs: ArrayView2<f64>, rhs: ArrayView2<f64>, keep: f64, scale: f64, mut dst: ArrayViewMut2<f64>) {
    general_mat_mul(scale, &lhs, &rhs, keep, &mut dst);
}

/// dst := dst * keep + scale * lhs rhs, by the gemm crate.
fn with_gemm(
    lhs: ArrayView2<f64>,
    rhs: ArrayView2<f64>,
    keep: f64,
    scale: f64,
    mut dst: ArrayViewMut2<f64>,
    parallelism: gemm::Parallelism,
) {
    let (m, k) = lhs.dim();
    let n = rhs.dim().1;
    let (ls, rs, ds) = (lhs.strides().to_vec(), rhs.strides().to_vec(), dst.strides().to_vec());
    // SAFETY: the pointers and strides are those of live ndarray views of the right shapes,
    // and dst does not alias lhs or rhs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            ds[1],
            ds[0],
            keep != 0.0,
            lhs.as_ptr(),
            ls[1],
            ls[0],
            rhs.as_ptr(),
            rs[1],
            rs[0],
            keep,
            scale,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// Median microseconds per call of `f`, called for about `seconds`.
fn time(seconds: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds || times.len() < 5 {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    median(&mut times)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn filled(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    Array2::from_shape_fn((rows, cols), |_| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    })
}

/// A product of the step: its name, lhs, rhs, what dst keeps, the product's factor, dst's shape.
type Product<'a> = (String, ArrayView2<'a, f64>, ArrayView2<'a, f64>, f64, f64, (usize, usize));

const IMPLS: [&str; 3] = ["matrixmultiply, 1 thread", "gemm, 1 thread", "gemm, 2 threads"];

fn run(which: usize, lhs: ArrayView2<f64>, rhs: ArrayView2<f64>, keep: f64, scale: f64, dst: ArrayViewMut2<f64>) {
    match which {
        0 => with_matrixmultiply(lhs, rhs, keep, scale, dst),
        1 => with_gemm(lhs, rhs, keep, scale, dst, gemm::Parallelism::None),
        _ => with_gemm(lhs, rhs, keep, scale, dst, gemm::Parallelism::Rayon(2)),
    }
}

fn main() {
    let args = Args::parse();
    println!("median us per product over {} rounds of {} s (each implementation in turn)", args.rounds, args.seconds);
    for (sizes, m) in [(vec![784, 128, 10], 64), (vec![784, 256, 256, 10], 256)] {
        let mut totals = [0.0; 3];
        let mut flop_total = 0.0;
        println!("\n{} / batch {m}", sizes.iter().map(usize::to_string).collect::<Vec<_>>().join("-"));
        println!("{:<34} {:>10} {:>12} {:>12} {:>12}", "product", "MFLOP", IMPLS[0], IMPLS[1], IMPLS[2]);
        for l in 0..sizes.len() - 1 {
            let (n_in, n_out) = (sizes[l], sizes[l + 1]);
            let a = filled(m, n_in, 1 + l as u64);
            let w = filled(n_in, n_out, 11 + l as u64);
            let delta = filled(m, n_out, 21 + l as u64);
            let mut products: Vec<Product> = vec![
                (
                    format!("layer {}: a W ({m}x{n_in} . {n_in}x{n_out})", l + 1),
                    a.view(),
                    w.view(),
                    0.0,
                    1.0,
                    (m, n_out),
                ),
                (format!("layer {}: W -= a^T delta", l + 1), a.t(), delta.view(), 1.0, -0.01, (n_in, n_out)),
            ];
            if l > 0 {
                products.push((format!("layer {}: delta W^T", l + 1), delta.view(), w.t(), 0.0, 1.0, (m, n_in)));
            }
            for (name, lhs, rhs, keep, scale, shape) in products {
                // the three agree before they are timed
                let start = filled(shape.0, shape.1, 99);
                let results: Vec<Array2<f64>> = (0..3)
                    .map(|which| {
                        let mut dst = start.clone();
                        run(which, lhs, rhs, keep, scale, dst.view_mut());
                        dst
                    })
                    .collect();
                for r in &results[1..] {
                    let worst = (r - &results[0]).iter().map(|d| d.abs()).fold(0.0, f64::max);
                    let size = results[0].iter().map(|v| v.abs()).fold(0.0, f64::max);
                    assert!(worst <= 1e-12 * size.max(1.0), "{name}: the implementations disagree by {worst}");
                }
                let mut rounds = [vec![], vec![], vec![]];
                for _ in 0..args.rounds {
                    for (which, times) in rounds.iter_mut().enumerate() {
                        let mut dst = start.clone();
                        times.push(time(args.seconds, || run(which, lhs, rhs, keep, scale, dst.view_mut())));
                    }
                }
                let medians: Vec<f64> = rounds.iter_mut().map(|t| median(t)).collect();
                let flop = 2.0 * (lhs.dim().0 * lhs.dim().1 * rhs.dim().1) as f64;
                flop_total += flop;
                for (total, t) in totals.iter_mut().zip(&medians) {
                    *total += t;
                }
                println!(
                    "{name:<34} {:>10.2} {:>12.1} {:>12.1} {:>12.1}",
                    flop / 1e6,
                    medians[0],
                    medians[1],
                    medians[2]
                );
            }
        }
        println!(
            "{:<34} {:>10.2} {:>12.1} {:>12.1} {:>12.1}",
            "all products of one step",
            flop_total / 1e6,
            totals[0],
            totals[1],
            totals[2]
        );
        println!(
            "{:<34} {:>10} {:>12.1} {:>12.1} {:>12.1}",
            "  as GFLOP/s",
            "",
            flop_total / totals[0] / 1e3,
            flop_total / totals[1] / 1e3,
            flop_total / totals[2] / 1e3
        );
    }
}
