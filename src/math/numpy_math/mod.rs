//! numpy's own float64 `exp`, `tanh` and `log`, chosen as numpy 2.x chooses them.
//!
//! numpy 2.x does not always call the C library for these. Where its build and the CPU allow,
//! `np.exp`, `np.log` and `np.tanh` on float64 arrays run vectorized code of numpy's own, and
//! those results differ from the C library's by one unit in the last place on a good share of
//! inputs (tanh on about one in five in [−20, 20]). Eight printed digits rarely show one ulp,
//! except where a formula cancels: `1 − tanh(z)²` and `a (1 − a)` near saturation magnify it a
//! millionfold, and the walkthrough then prints a digit numpy does not. So the teaching path
//! computes each of them here, as numpy would on the running CPU:
//!
//! | function | numpy 2.x uses | where (numpy's dispatch) | here |
//! |---|---|---|---|
//! | `exp`, `log` | Intel's SVML, `__svml_exp8_ha` / `__svml_log8_ha` | Linux x86-64 with AVX-512 (numpy's `X86_V4`: F, CD, VL, BW, DQ) | `svml_exp`, `svml_log` (private modules), the same instructions |
//! | `tanh` | its own table-and-polynomial routine (Highway, converted from SVML) | any target with fused multiply-add: x86-64 `X86_V3` (AVX2, FMA3, BMI1/2, LZCNT, F16C, MOVBE) or `X86_V4`, aarch64 | the private module `tanh`, the same operations one lane at a time |
//! | all three, elsewhere | the C library | | the C library (Rust's `f64::exp`, `tanh`, `ln`) |
//!
//! numpy also looks at the arrays: for exp and log it takes the C library only for a strided
//! view that partly overlaps its output or whose stride does not fit its vector loads (tanh
//! then runs its routine one value at a time, with the same results). No array of
//! the chapter's program is one of those (every one is contiguous or a fresh temporary), so the
//! choice here depends on the CPU alone. What this module cannot see is numpy's build: a numpy
//! built without SVML (`-Ddisable-svml=true`), or run with `NPY_DISABLE_CPU_FEATURES`, takes the
//! C library where this module takes SVML; [`Choice::current`] says what this process does.
//!
//! Each port reproduces numpy's results bit for bit; `tests/tools/test_numpy_math.py` checks
//! that against numpy on more than 10⁶ inputs per function, saturation, subnormal results and
//! overflow included.

use std::fmt;

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{__m512d, _mm512_cvtsd_f64, _mm512_loadu_pd};

#[cfg(target_arch = "x86_64")]
mod svml_exp;
#[cfg(target_arch = "x86_64")]
mod svml_log;
mod tanh;

/// Which code computes a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Intel's SVML, as linked into numpy's Linux x86-64 builds (AVX-512).
    Svml,
    /// numpy's own vectorized routine (for tanh: `loops_hyperbolic`, built on Highway).
    Numpy,
    /// The C library, as Rust's `f64` methods call it.
    CLibrary,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Svml => "SVML (AVX-512)",
            Method::Numpy => "numpy's own routine",
            Method::CLibrary => "the C library",
        })
    }
}

/// What computes exp, tanh and log in this process: numpy 2.x's choice on this CPU.
///
/// ```
/// use backprop::math::numpy_math::{Choice, Method};
/// let choice = Choice::current();
/// // exp and log share numpy's dispatch: both SVML or both the C library
/// assert_eq!(choice.exp, choice.log);
/// // where SVML is used, the CPU also has what numpy's tanh needs
/// if choice.exp == Method::Svml {
///     assert_eq!(choice.tanh, Method::Numpy);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// For [`exp`].
    pub exp: Method,
    /// For [`tanh()`].
    pub tanh: Method,
    /// For [`ln`].
    pub log: Method,
}

impl Choice {
    /// The choice on the running CPU.
    pub fn current() -> Choice {
        let svml = if has_avx512_skx() { Method::Svml } else { Method::CLibrary };
        let tanh = if has_native_fma_target() { Method::Numpy } else { Method::CLibrary };
        Choice { exp: svml, tanh, log: svml }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exp: {}; tanh: {}; log: {}", self.exp, self.tanh, self.log)
    }
}

/// numpy links SVML into its Linux x86-64 builds only, and calls it on CPUs with its `X86_V4`
/// features.
fn has_avx512_skx() -> bool {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        avx512_skx_detected()
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        false
    }
}

/// The CPU has AVX-512 F, CD, VL, BW and DQ (numpy's `X86_V4`), and the OS has enabled them:
/// what the SVML ports need to run at all.
#[cfg(target_arch = "x86_64")]
fn avx512_skx_detected() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512cd")
        && std::arch::is_x86_feature_detected!("avx512vl")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512dq")
}

/// numpy's tanh routine is built for targets with native fused multiply-add: on x86-64 its
/// `X86_V3` group (or above), on aarch64 always.
fn has_native_fma_target() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("f16c")
            && std::arch::is_x86_feature_detected!("movbe")
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

/// An SVML routine of eight lanes on one value: x in lane 0 of a block whose other lanes hold
/// `pad`, as numpy pads the tail of an array (0 for exp, 1 for log); lane 0 back.
///
/// # Panics
///
/// If the CPU lacks AVX-512 F, CD, VL, BW or DQ, naming `caller`.
#[cfg(target_arch = "x86_64")]
fn one_lane(x: f64, pad: f64, routine: unsafe fn(__m512d) -> __m512d, caller: &str) -> f64 {
    assert!(avx512_skx_detected(), "{caller}: the CPU lacks AVX-512 F, CD, VL, BW or DQ");
    // SAFETY: the features were just checked.
    unsafe { block(x, pad, routine) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx512cd")]
fn block(x: f64, pad: f64, routine: unsafe fn(__m512d) -> __m512d) -> f64 {
    let mut lanes = [pad; 8];
    lanes[0] = x;
    // SAFETY: `lanes` holds eight f64; the features the SVML routines need are enabled here.
    _mm512_cvtsd_f64(unsafe { routine(_mm512_loadu_pd(lanes.as_ptr())) })
}

/// e^x, as `np.exp` computes it for float64 on this CPU.
///
/// ```
/// assert_eq!(backprop::math::numpy_math::exp(0.0), 1.0);
/// assert_eq!(backprop::math::numpy_math::exp(-1e4), 0.0);
/// assert_eq!(backprop::math::numpy_math::exp(1e4), f64::INFINITY);
/// ```
pub fn exp(x: f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if has_avx512_skx() {
        return svml_exp::exp(x);
    }
    x.exp()
}

/// ln x, as `np.log` computes it for float64 on this CPU.
///
/// ```
/// assert_eq!(backprop::math::numpy_math::ln(1.0), 0.0);
/// assert_eq!(backprop::math::numpy_math::ln(0.0), f64::NEG_INFINITY);
/// assert!(backprop::math::numpy_math::ln(-1.0).is_nan());
/// ```
pub fn ln(x: f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if has_avx512_skx() {
        return svml_log::ln(x);
    }
    x.ln()
}

/// tanh x, as `np.tanh` computes it for float64 on this CPU.
///
/// ```
/// assert_eq!(backprop::math::numpy_math::tanh(0.0), 0.0);
/// assert_eq!(backprop::math::numpy_math::tanh(30.0), 1.0);
/// assert_eq!(backprop::math::numpy_math::tanh(-30.0), -1.0);
/// ```
pub fn tanh(x: f64) -> f64 {
    if has_native_fma_target() {
        tanh::tanh(x)
    } else {
        x.tanh()
    }
}

/// Σ values, as `np.sum` adds a contiguous float64 array: pairwise, eight running sums at a
/// time in blocks of up to 128 (numpy's `pairwise_sum`), added to the reduction's start, 0.0,
/// so that its last bit is numpy's.
///
/// ```
/// use backprop::math::numpy_math::sum;
/// assert_eq!(sum(&[0.1, 0.2, 0.3]), 0.6000000000000001);
/// // ten values: the first eight in eight running sums, added in pairs, then the last two
/// let v = [1e16, 1.0, -1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
/// assert_eq!(sum(&v), 6.0);
/// assert_eq!(sum(&[-0.0, -0.0]).to_bits(), 0);
/// ```
pub fn sum(values: &[f64]) -> f64 {
    sum_by(values.len(), |i| values[i])
}

/// [`sum`] of `term(0)`, …, `term(n − 1)`, each computed once, in numpy's order: what the
/// losses add without storing their terms.
pub(crate) fn sum_by(n: usize, term: impl Fn(usize) -> f64) -> f64 {
    0.0 + pairwise_sum(0, n, &term)
}

fn pairwise_sum(start: usize, n: usize, term: &impl Fn(usize) -> f64) -> f64 {
    const BLOCK: usize = 128;
    if n < 8 {
        (start..start + n).fold(-0.0, |s, i| s + term(i))
    } else if n <= BLOCK {
        let mut r: [f64; 8] = std::array::from_fn(|j| term(start + j));
        let whole = n - n % 8;
        for block in (8..whole).step_by(8) {
            for (j, r) in r.iter_mut().enumerate() {
                *r += term(start + block + j);
            }
        }
        let paired = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        (start + whole..start + n).fold(paired, |s, i| s + term(i))
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(start, half, term) + pairwise_sum(start + half, n - half, term)
    }
}
