//! numpy's float64 log on Linux x86-64 with AVX-512: Intel SVML's `__svml_log8_ha`, which
//! numpy links in from the SVML sources it ships (`linux/avx512/svml_z0_log_d_ha.s`) and calls
//! on each block of eight values (`simd_log_f64` in `loops_exponent_log.dispatch.c.src`).
//!
//! This is that routine instruction for instruction, in AVX-512 intrinsics with the same
//! immediates and embedded rounding modes ([`log8`]), with the original tables. x = m · 2ᵏ with
//! m in [1, 2) (`vgetmantpd`, `vgetexppd`); rcp ≈ 1/m from `vrcp14pd`, rounded to 5 fraction
//! bits, so that −ln rcp comes from a 16-entry table in two parts; then
//! ln x = k ln 2 − ln rcp + ln(1 + (rcp · m − 1)), the last by a degree-9 polynomial, with the
//! rounding error of the leading sum carried along. `vrcp14pd`'s result is the hardware's, as it
//! is for numpy on the same CPU.

use core::arch::x86_64::*;

/// Splats one bit pattern over the eight lanes of a 64-byte table row.
const fn splat(bits: u64) -> [u64; 8] {
    [bits; 8]
}

/// `__svml_dlog_ha_data_internal_avx512`: row `i` is the 64 bytes at byte
/// offset `64 * i`, the offset the routine's `vmovups`/`vpermt2pd` use. The
/// source table continues with three rows (at 1024, 1088, 1152) that this
/// routine never reads.
const DATA: [[u64; 8]; 16] = [
    // 0, 64: high part of -log(rcp) for rcp = 0.5 + j/32, j = 0..15, indexed
    // by the top 4 mantissa bits of rcp. For rcp < 0.75 the entry is
    // -log(2*rcp); the factor 2 is added to the exponent instead.
    [
        0x0000000000000000,
        0xBFAF0A30C0120000,
        0xBFBE27076E2B0000,
        0xBFC5FF3070A78000,
        0xBFCC8FF7C79A8000,
        0xBFD1675CABABC000,
        0xBFD4618BC21C4000,
        0xBFD739D7F6BBC000,
    ],
    [
        0x3FD269621134C000,
        0x3FCF991C6CB38000,
        0x3FCA93ED3C8B0000,
        0x3FC5BF406B540000,
        0x3FC1178E82280000,
        0x3FB9335E5D590000,
        0x3FB08598B59E0000,
        0x3FA0415D89E80000,
    ],
    // 128, 192: low parts of the same sixteen values.
    [
        0x0000000000000000,
        0x3D53AB33D066D1D2,
        0x3D2A342C2AF0003C,
        0xBD43D3C873E20A07,
        0xBD4A21AC25D81EF3,
        0x3D59F1FC63382A8F,
        0xBD5EC27D0B7B37B3,
        0xBD50069CE24C53FB,
    ],
    [
        0x3D5B92783BEB7677,
        0x3D59BCBECCA0CDF3,
        0xBD530E486A0AC42D,
        0x3D5ED8FDC149767E,
        0xBD4B8421CC74BE04,
        0x3D52622B8757A8FB,
        0x3D4D034451FECDFB,
        0xBD577771FD187145,
    ],
    splat(0x3FF0000000000000), // 256: 1.0
    splat(0x3FE8000000000000), // 320: 0.75, where the table switches to -log(2*rcp)
    // 384..832: log1p(r) ~ r + r^2 * (c2 + c3*r + ... + c9*r^7), c9 first.
    splat(0x3FBC81CD309D7C70), // 384: c9
    splat(0xBFC007357E93AF62), // 448: c8
    splat(0x3FC249229CEE81EF), // 512: c7
    splat(0xBFC55553FB28DB06), // 576: c6
    splat(0x3FC9999999CC9F5C), // 640: c5
    splat(0xBFD00000000C05BD), // 704: c4
    splat(0x3FD5555555555466), // 768: c3
    splat(0xBFDFFFFFFFFFFFC6), // 832: c2
    // 896, 960: log(2) split so that k*log(2)_high is exact.
    splat(0x3FE62E42FEFA0000), // 896: log(2) high
    splat(0x3D7CF79ABC9E0000), // 960: log(2) low
];

/// What x86 `divsd` returns for 0/0 (the "QNaN floating-point indefinite").
/// Spelled out because Rust does not specify the sign or payload of a NaN
/// produced by arithmetic, and constant folding would give +NaN.
const QNAN_INDEFINITE: u64 = 0xFFF8000000000000;
const QUIET_BIT: u64 = 0x0008000000000000;

const RN_SAE: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

/// `vfpclasspd` categories QNaN, +0, -0, +inf, -inf, negative, SNaN: every
/// lane the fallback must redo. Positive subnormals are absent on purpose:
/// getmant/getexp already handle them.
const SPECIAL_CLASSES: i32 = 0xDF;

/// Round to 5 fraction bits, nearest-even, precision exception suppressed.
const RCP_ROUNDING: i32 = 0x58;

/// `__svml_log8_ha`: natural logarithm of eight `f64` lanes, bit for bit as
/// numpy's AVX-512 build computes it.
///
/// # Safety
///
/// The CPU must support AVX-512 F, DQ, VL, BW and CD.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx512cd")]
pub(crate) unsafe fn log8(x: __m512d) -> __m512d {
    // Loads the table row at a byte offset, as written in the assembly.
    macro_rules! data {
        ($offset:literal) => {{
            const _: () = assert!($offset % 64 == 0);
            _mm512_loadu_pd(DATA[$offset / 64].as_ptr().cast())
        }};
    }

    let one = data!(256);
    let mant = _mm512_getmant_round_pd::<_MM_MANT_NORM_1_2, _MM_MANT_SIGN_NAN, _MM_FROUND_NO_EXC>(x);
    let mut expon = _mm512_getexp_round_pd::<_MM_FROUND_NO_EXC>(x);
    let rcp = _mm512_rcp14_pd(mant);
    let special = _mm512_fpclass_pd_mask::<SPECIAL_CLASSES>(x);
    let rcp = _mm512_roundscale_round_pd::<RCP_ROUNDING, _MM_FROUND_NO_EXC>(rcp);

    // rcp*mant - 1 is exact in one fused step, which keeps r free of error.
    let r = _mm512_fmsub_round_pd::<RN_SAE>(rcp, mant, one);
    let rcp_small = _mm512_cmp_round_pd_mask::<_CMP_LT_OQ, _MM_FROUND_NO_EXC>(rcp, data!(320));

    // Estrin-style evaluation; the grouping fixes the rounding, keep it.
    let c76 = _mm512_fmadd_round_pd::<RN_SAE>(data!(512), r, data!(576));
    let c98 = _mm512_fmadd_round_pd::<RN_SAE>(data!(384), r, data!(448));
    let r2 = _mm512_mul_round_pd::<RN_SAE>(r, r);
    let c54 = _mm512_fmadd_round_pd::<RN_SAE>(data!(640), r, data!(704));
    let index = _mm512_srli_epi64::<48>(_mm512_castpd_si512(rcp));
    let c9_6 = _mm512_fmadd_round_pd::<RN_SAE>(r2, c98, c76);
    let r4 = _mm512_mul_round_pd::<RN_SAE>(r2, r2);
    let c32 = _mm512_fmadd_round_pd::<RN_SAE>(data!(768), r, data!(832));

    expon = _mm512_mask_add_round_pd::<RN_SAE>(expon, rcp_small, expon, one);
    // Only the low 4 index bits select; the exponent bits above are ignored.
    let t_hi = _mm512_permutex2var_pd(data!(0), index, data!(64));
    let t_lo = _mm512_permutex2var_pd(data!(128), index, data!(192));
    let c5_2 = _mm512_fmadd_round_pd::<RN_SAE>(r2, c54, c32);

    let k_t_hi = _mm512_fmadd_round_pd::<RN_SAE>(data!(896), expon, t_hi);
    let poly = _mm512_fmadd_round_pd::<RN_SAE>(r4, c9_6, c5_2);

    // hi = k*log2_hi + T_hi + r, with its rounding error recovered into r_lo.
    let hi = _mm512_add_round_pd::<RN_SAE>(k_t_hi, r);
    let r_hi = _mm512_sub_round_pd::<RN_SAE>(hi, k_t_hi);
    let r_hi = _mm512_mask_xor_pd(r_hi, special, r_hi, r_hi);
    let r_lo = _mm512_sub_round_pd::<RN_SAE>(r, r_hi);

    let poly = _mm512_fmadd_round_pd::<RN_SAE>(r2, poly, r_lo);
    let k_t_lo = _mm512_fmadd_round_pd::<RN_SAE>(data!(960), expon, t_lo);
    let lo = _mm512_add_round_pd::<RN_SAE>(poly, k_t_lo);
    let mut result = _mm512_add_round_pd::<RN_SAE>(hi, lo);

    let special = u32::from(special);
    if special != 0 {
        let mut xs = [0.0f64; 8];
        let mut out = [0.0f64; 8];
        _mm512_storeu_pd(xs.as_mut_ptr(), x);
        _mm512_storeu_pd(out.as_mut_ptr(), result);
        for lane in 0..8 {
            if special >> lane & 1 != 0 {
                out[lane] = special_lane(xs[lane]);
            }
        }
        result = _mm512_loadu_pd(out.as_ptr());
    }
    result
}

/// The lanes `log8` hands to SVML's scalar routine (`__svml_dlog_ha_cout_rare_internal`):
/// zeros, negatives, infinities and NaNs, by its `vfpclasspd` mask. That routine also holds a
/// general algorithm, which no lane of `log8` reaches (positive numbers, subnormal ones
/// included, stay in the vector path), so only its answers for these classes are here.
fn special_lane(x: f64) -> f64 {
    let bits = x.to_bits();
    if x.is_nan() {
        // x · x in the original: the NaN comes back quieted, its sign and payload kept
        return f64::from_bits(bits | QUIET_BIT);
    }
    if x == 0.0 {
        // −1 / 0
        return f64::NEG_INFINITY;
    }
    if x == f64::INFINITY {
        return x;
    }
    // negative, −∞ included: 0 / 0, whose NaN on x86 has the sign bit set
    f64::from_bits(QNAN_INDEFINITE)
}

/// ln x with the bits numpy's AVX-512 `np.log` gives for x: x in lane 0 of a block whose other
/// lanes are 1, as numpy pads the tail of an array.
///
/// # Panics
///
/// If the CPU lacks AVX-512 F, CD, VL, BW or DQ; [`numpy_math::ln`](super::ln) looks first.
///
pub(crate) fn ln(x: f64) -> f64 {
    super::one_lane(x, 1.0, log8, "svml_log::ln")
}

#[cfg(test)]
mod tests {
    use super::ln;

    #[test]
    fn logarithms_of_the_edges_are_numpys() {
        if super::super::Choice::current().log == super::super::Method::Svml {
            assert_eq!(ln(2.0), std::f64::consts::LN_2);
            assert_eq!(ln(-0.0), f64::NEG_INFINITY);
            assert_eq!(ln(-1.0).to_bits(), 0xfff8_0000_0000_0000);
            assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        }
    }
}
