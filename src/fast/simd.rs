//! The sigmoid over a whole row, in a loop the compiler turns into vector instructions.
//!
//! The C library's `exp`, one value at a time, takes about 4.5 ns a value here: 37 µs for the
//! 8192 activations of a 784-128-10 network on 64 samples.
//! [`sigmoid_row`] computes e^x the textbook way, without a branch, so that eight (AVX-512)
//! or four (AVX2 with FMA) values go through each instruction: x = n ln 2 + r with
//! |r| ≤ ln 2 / 2, e^r by its Taylor series to r¹³ (truncation error below 10⁻¹⁷), then 2ⁿ put
//! into the exponent bits. The series is summed in Estrin's order (pairs, then pairs of pairs,
//! with r², r⁴ and r⁸) with fused multiply-adds, six operations deep where Horner's rule
//! chains thirteen multiply-adds, so that one value's latency overlaps the next's: 8192 values
//! take 7.6 µs on AVX-512 and 14.5 µs on AVX2 (Horner's rule, unfused: 22.7 µs on AVX2).
//! Its e^x is within 1 unit in the last place of the C library's, and σ then within 4 of
//! [`sigmoid`](crate::math::sigmoid)'s (1 + e^x rounds to a multiple of 2 once e^x passes 2⁵³; tests
//! check 10⁶ values). On a CPU with neither AVX-512 nor FMA, each value goes through
//! [`sigmoid`](crate::math::sigmoid). It is used only in
//! [`Network::train_batch`](crate::Network::train_batch): the teaching path takes numpy's own
//! `exp` ([`numpy_math`](crate::math::numpy_math)), bit for bit.

use crate::math::Activation;

const LOG2_E: f64 = std::f64::consts::LOG2_E;
// ln 2 in two parts, the first with trailing zero bits so that n · LN2_HI is exact for |n| < 2¹¹
const LN2_HI: f64 = 0.693_147_180_369_123_8; // bits 0x3FE62E42FEE00000
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10; // bits 0x3DEA39EF35793C76
                                                 // adding 1.5 · 2⁵² rounds to an integer, which then sits in the low bits of the sum
const ROUND: f64 = 6_755_399_441_055_744.0;
/// e^x overflows above this.
const EXP_MAX: f64 = 709.782_712_893_384;
/// Below this e^x < 10⁻³⁰⁷, and 1 + e^x is 1 whatever e^x is: x is held here, which keeps 2ⁿ⁻¹
/// a normal number.
const EXP_FLOOR: f64 = -707.0;

/// e^x for x in [EXP_FLOOR, 709.8] (NaN stays NaN).
#[inline(always)]
fn exp_in_range(x: f64) -> f64 {
    let shifted = x * LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // 1 + r + r²(c2 + c3 r) + r⁴(c4 + c5 r + r²(c6 + c7 r)) + r⁸(c8 + … + r⁴(c12 + c13 r))
    let c = &INVERSE_FACTORIALS;
    let (r2, c13) = (r * r, 1.0f64 / 6_227_020_800.0); // 1/13!
    let (r4, q2) = (r2 * r2, c[3].mul_add(r, c[2]));
    let (r8, q4, q6) = (r4 * r4, c[5].mul_add(r, c[4]), c[7].mul_add(r, c[6]));
    let (q8, q10, q12) = (c[9].mul_add(r, c[8]), c[11].mul_add(r, c[10]), c13.mul_add(r, c[12]));
    let from_4 = q6.mul_add(r2, q4);
    let from_8 = q12.mul_add(r4, q10.mul_add(r2, q8));
    let from_2 = from_4.mul_add(r4, q2 * r2);
    let p = 1.0 + (r + from_8.mul_add(r8, from_2));
    let n_bits = (shifted.to_bits() as i64).wrapping_sub(ROUND.to_bits() as i64);
    // 2^(n−1), then × 2: n reaches 1024 just below EXP_MAX, one past the largest exponent
    let half_scale = f64::from_bits((n_bits.wrapping_add(1022) as u64) << 52);
    (p * 2.0) * half_scale
}

/// 1/k! for k = 0..=12.
const INVERSE_FACTORIALS: [f64; 13] = {
    let mut table = [1.0; 13];
    let mut k = 1;
    while k < 13 {
        table[k] = table[k - 1] / k as f64;
        k += 1;
    }
    table
};

/// σ(z) = 1 / (1 + e^(−z)) for one value, written so that a loop of it vectorizes.
#[inline(always)]
fn sigmoid_lane(z: f64) -> f64 {
    let x = -z;
    // clamp keeps NaN, which comes out NaN
    let held = x.clamp(EXP_FLOOR, EXP_MAX);
    let e = if x > EXP_MAX { f64::INFINITY } else { exp_in_range(held) };
    1.0 / (1.0 + e)
}

#[inline(always)]
fn sigmoid_loop(z: &[f64], a: &mut [f64]) {
    for (a, &z) in a.iter_mut().zip(z) {
        *a = sigmoid_lane(z);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sigmoid_loop_avx512(z: &[f64], a: &mut [f64]) {
    sigmoid_loop(z, a)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn sigmoid_loop_avx2(z: &[f64], a: &mut [f64]) {
    sigmoid_loop(z, a)
}

/// f(z) of one value for the training step's small layers: the activation's own, but the
/// sigmoid takes the C library's e^x. numpy's SVML, called for one value at a time, costs
/// about 10 ns more a value here (the 3-2-2 step took 0.15 µs with it, 0.11 without); training
/// needs numpy's losses to 1e-9, not their last bit. Large layers take [`sigmoid_row`].
pub(crate) fn activate(f: Activation, z: f64) -> f64 {
    match f {
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        other => other.at(z),
    }
}

/// a = σ(z), elementwise; `a` and `z` have the same length.
pub(crate) fn sigmoid_row(z: &[f64], a: &mut [f64]) {
    debug_assert_eq!(z.len(), a.len());
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked on the line above
            return unsafe { sigmoid_loop_avx512(z, a) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked on the line above
            return unsafe { sigmoid_loop_avx2(z, a) };
        }
    }
    // without fused multiply-add in hardware, mul_add is a slow library call
    for (a, &z) in a.iter_mut().zip(z) {
        *a = crate::math::sigmoid(z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::sigmoid;

    /// How many representable numbers lie between a and b.
    fn ulps(a: f64, b: f64) -> u64 {
        let key = |v: f64| {
            let bits = v.to_bits() as i64;
            if bits < 0 {
                i64::MIN - bits
            } else {
                bits
            }
        };
        key(a).abs_diff(key(b))
    }

    #[test]
    fn its_exp_is_within_one_ulp_of_the_c_librarys() {
        let mut worst = (0, 0.0);
        for i in 0..1_000_001 {
            let x = EXP_FLOOR + (EXP_MAX - EXP_FLOOR) * i as f64 / 1_000_000.0;
            let d = ulps(exp_in_range(x), x.exp());
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(worst.0 <= 1, "{} ulps at x = {}", worst.0, worst.1);
    }

    #[test]
    fn the_split_of_ln_2_is_the_usual_one() {
        assert_eq!(LN2_HI.to_bits(), 0x3FE6_2E42_FEE0_0000);
        assert_eq!(LN2_LO.to_bits(), 0x3DEA_39EF_3579_3C76);
        assert_eq!(LN2_HI + LN2_LO, std::f64::consts::LN_2);
    }

    #[test]
    fn a_series_cut_short_would_fail_the_one_ulp_check() {
        // e^r to r^6 only: about 10⁻⁷ off where |r| is near ln 2 / 2
        let r: f64 = 0.34;
        let short: f64 = (0..=6).map(|k| r.powi(k as i32) * INVERSE_FACTORIALS[k]).sum();
        assert!(ulps(short, r.exp()) > 1);
        assert!(ulps(exp_in_range(r), r.exp()) <= 1);
    }

    #[test]
    fn its_sigmoid_is_within_four_ulps_of_sigmoid() {
        let mut z: Vec<f64> = (0..1_000_000).map(|i| -800.0 + 1600.0 * i as f64 / 999_999.0).collect();
        // and densely where σ is neither 0 nor 1, and at the edges of e^x's range
        z.extend((0..200_000).map(|i| -40.0 + 80.0 * i as f64 / 199_999.0));
        z.extend([0.0, -0.0, 1e-300, -1e-300, 5e-324, 707.0, -707.0, 708.5, -708.5]);
        z.extend([EXP_MAX, -EXP_MAX, 709.78, -709.78, 709.79, -709.79, 745.2, -745.2, f64::MAX, f64::MIN]);
        z.extend([f64::INFINITY, f64::NEG_INFINITY]);
        let mut a = vec![0.0; z.len()];
        sigmoid_row(&z, &mut a);
        let mut worst = (0, 0.0);
        for (&z, &a) in z.iter().zip(&a) {
            let d = ulps(a, sigmoid(z));
            if d > worst.0 {
                worst = (d, z);
            }
        }
        assert!(worst.0 <= 4, "{} ulps at z = {}", worst.0, worst.1);
        // the series as every loop sums it (mul_add rounds once, in hardware or not), and each
        // vector loop this CPU can run, whichever sigmoid_row picks, to the same bits
        let mut plain = vec![0.0; z.len()];
        sigmoid_loop(&z, &mut plain);
        assert!(z.iter().zip(&plain).all(|(&z, &b)| ulps(b, sigmoid(z)) <= 4));
        type Loop = fn(&[f64], &mut [f64]);
        let mut loops: Vec<(&str, Loop)> = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F
                loops.push(("AVX-512", |z, a| unsafe { sigmoid_loop_avx512(z, a) }));
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU has AVX2 and FMA
                loops.push(("AVX2", |z, a| unsafe { sigmoid_loop_avx2(z, a) }));
            }
        }
        for (name, run) in loops {
            let mut b = vec![0.0; z.len()];
            run(&z, &mut b);
            assert!(plain.iter().zip(&b).all(|(p, b)| p.to_bits() == b.to_bits()), "the {name} loop");
        }
    }

    #[test]
    fn saturates_to_exact_zero_and_one_and_keeps_nan() {
        let z = [-1000.0, -745.0, -709.8, 40.0, 1000.0, f64::NAN];
        let mut a = [9.0; 6];
        sigmoid_row(&z, &mut a);
        assert_eq!(&a[..5], &[0.0, sigmoid(-745.0), sigmoid(-709.8), 1.0, 1.0]);
        assert!(a[5].is_nan());
        assert_eq!(sigmoid(-1000.0), 0.0);
    }
}
