//! numpy's float64 exp on Linux x86-64 with AVX-512: Intel SVML's `__svml_exp8_ha`, which
//! numpy links in from the SVML sources it ships (`linux/avx512/svml_z0_exp_d_ha.s`) and calls
//! on each block of eight values (`simd_exp_f64` in `loops_exponent_log.dispatch.c.src`).
//!
//! This is that routine instruction for instruction, in AVX-512 intrinsics with the same
//! embedded rounding modes ([`exp8`]), its scalar path for |x| ≥ 707.7 (`exp_rare`) and their
//! tables as the original bit patterns. x = (M + j/16) ln 2 + r, with M + j/16 = x log₂e
//! rounded toward zero to 4 fraction bits, so r lies in [0, ln 2 / 16); e^r − 1 is a degree-6
//! polynomial, 2^(j/16) comes from a table in two parts, and 2^M goes in by `vscalefpd`.
//! Its results differ from the C library's `exp` in the last bit on a few percent of inputs
//! (4.6 % of those in [−20, 20]).

use core::arch::x86_64::*;

/// `__svml_dexp_ha_data_internal_avx512`, one row per 64-byte vector load;
/// comments give each row's byte offset in the original table.
#[rustfmt::skip]
const EXP8_HA_DATA: [[u64; 8]; 17] = [
    // 0: 2^(j/16), j = 0..7, and (next row) j = 8..15: the two vpermt2pd sources
    [
        0x3ff0000000000000, 0x3ff0b5586cf9890f, 0x3ff172b83c7d517b, 0x3ff2387a6e756238,
        0x3ff306fe0a31b715, 0x3ff3dea64c123422, 0x3ff4bfdad5362a27, 0x3ff5ab07dd485429,
    ],
    // 64:
    [
        0x3ff6a09e667f3bcd, 0x3ff7a11473eb0187, 0x3ff8ace5422aa0db, 0x3ff9c49182a3f090,
        0x3ffae89f995ad3ad, 0x3ffc199bdd85529c, 0x3ffd5818dcfba487, 0x3ffea4afa2a490da,
    ],
    // 128: 2^(j/16) low parts, relative to the row-0/1 value: Th * (1 + Tlr)
    [
        0x0000000000000000, 0x3c979aa65d837b6d, 0xbc801b15eaa59348, 0x3c968efde3a8a894,
        0x3c834d754db0abb6, 0x3c859f48a72a4c6d, 0x3c7690cebb7aafb0, 0x3c9063e1e21c5409,
    ],
    // 192:
    [
        0xbc93b3efbf5e2228, 0xbc7b32dcb94da51d, 0x3c8db72fc1f0eab4, 0x3c71affc2b91ce27,
        0x3c8c1a7792cb3387, 0x3c736eae30af0cb3, 0x3c74a385a63d07a7, 0xbc8ff7128fd391f0,
    ],
    // 256: log2(e)
    [
        0x3ff71547652b82fe, 0x3ff71547652b82fe, 0x3ff71547652b82fe, 0x3ff71547652b82fe,
        0x3ff71547652b82fe, 0x3ff71547652b82fe, 0x3ff71547652b82fe, 0x3ff71547652b82fe,
    ],
    // 320: 1.5 * 2^48 + 1023: the sum's low mantissa bits hold 16 (x log2(e) + 1023),
    // so bits 0..3 are the table index j
    [
        0x42f8000000003ff0, 0x42f8000000003ff0, 0x42f8000000003ff0, 0x42f8000000003ff0,
        0x42f8000000003ff0, 0x42f8000000003ff0, 0x42f8000000003ff0, 0x42f8000000003ff0,
    ],
    // 384: ln(2), high part
    [
        0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef,
        0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef, 0x3fe62e42fefa39ef,
    ],
    // 448: ln(2), low part
    [
        0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f,
        0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f, 0x3c7abc9e3b39803f,
    ],
    // 512: every bit but exponent bit 62: keeps |r| < 2 when x is huge, infinite or NaN
    [
        0xbfffffffffffffff, 0xbfffffffffffffff, 0xbfffffffffffffff, 0xbfffffffffffffff,
        0xbfffffffffffffff, 0xbfffffffffffffff, 0xbfffffffffffffff, 0xbfffffffffffffff,
    ],
    // 576: c6..c1 (rows 576..896): exp(r) - 1 ~ c1 r + c2 r^2 + ... + c6 r^6
    [
        0x3f57411836940c04, 0x3f57411836940c04, 0x3f57411836940c04, 0x3f57411836940c04,
        0x3f57411836940c04, 0x3f57411836940c04, 0x3f57411836940c04, 0x3f57411836940c04,
    ],
    // 640:
    [
        0x3f81101cbbc265c0, 0x3f81101cbbc265c0, 0x3f81101cbbc265c0, 0x3f81101cbbc265c0,
        0x3f81101cbbc265c0, 0x3f81101cbbc265c0, 0x3f81101cbbc265c0, 0x3f81101cbbc265c0,
    ],
    // 704:
    [
        0x3fa55557242d68fe, 0x3fa55557242d68fe, 0x3fa55557242d68fe, 0x3fa55557242d68fe,
        0x3fa55557242d68fe, 0x3fa55557242d68fe, 0x3fa55557242d68fe, 0x3fa55557242d68fe,
    ],
    // 768:
    [
        0x3fc5555553939732, 0x3fc5555553939732, 0x3fc5555553939732, 0x3fc5555553939732,
        0x3fc5555553939732, 0x3fc5555553939732, 0x3fc5555553939732, 0x3fc5555553939732,
    ],
    // 832:
    [
        0x3fe000000000d008, 0x3fe000000000d008, 0x3fe000000000d008, 0x3fe000000000d008,
        0x3fe000000000d008, 0x3fe000000000d008, 0x3fe000000000d008, 0x3fe000000000d008,
    ],
    // 896:
    [
        0x3fefffffffffff70, 0x3fefffffffffff70, 0x3fefffffffffff70, 0x3fefffffffffff70,
        0x3fefffffffffff70, 0x3fefffffffffff70, 0x3fefffffffffff70, 0x3fefffffffffff70,
    ],
    // 960: clears the sign bit
    [
        0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff,
        0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff,
    ],
    // 1024: ~707.70: lanes with |x| at or above this take the scalar path
    [
        0x40861da04cbafe44, 0x40861da04cbafe44, 0x40861da04cbafe44, 0x40861da04cbafe44,
        0x40861da04cbafe44, 0x40861da04cbafe44, 0x40861da04cbafe44, 0x40861da04cbafe44,
    ],
];

/// `_imldExpHATab`, the scalar path's table; comments give byte offsets.
#[rustfmt::skip]
const EXP_HA_RARE_TAB: [u64; 147] = [
    // 0: (high, low) parts of 2^(j/64), j = 0..63; entry j starts at byte 16 j
    0x3ff0000000000000, 0x0000000000000000,
    0x3ff02c9a3e778061, 0xbc7160139cd8dc5d,
    0x3ff059b0d3158574, 0x3c8cd2523567f613,
    0x3ff0874518759bc8, 0x3c60f74e61e6c861,
    0x3ff0b5586cf9890f, 0x3c979aa65d837b6d,
    0x3ff0e3ec32d3d1a2, 0x3c3ebe3d702f9cd1,
    0x3ff11301d0125b51, 0xbc9556522a2fbd0e,
    0x3ff1429aaea92de0, 0xbc91c923b9d5f416,
    0x3ff172b83c7d517b, 0xbc801b15eaa59348,
    0x3ff1a35beb6fcb75, 0x3c8b898c3f1353bf,
    0x3ff1d4873168b9aa, 0x3c9aecf73e3a2f60,
    0x3ff2063b88628cd6, 0x3c8a6f4144a6c38d,
    0x3ff2387a6e756238, 0x3c968efde3a8a894,
    0x3ff26b4565e27cdd, 0x3c80472b981fe7f2,
    0x3ff29e9df51fdee1, 0x3c82f7e16d09ab31,
    0x3ff2d285a6e4030b, 0x3c8b3782720c0ab4,
    0x3ff306fe0a31b715, 0x3c834d754db0abb6,
    0x3ff33c08b26416ff, 0x3c8fdd395dd3f84a,
    0x3ff371a7373aa9cb, 0xbc924aedcc4b5068,
    0x3ff3a7db34e59ff7, 0xbc71d1e83e9436d2,
    0x3ff3dea64c123422, 0x3c859f48a72a4c6d,
    0x3ff4160a21f72e2a, 0xbc58a78f4817895b,
    0x3ff44e086061892d, 0x3c4363ed60c2ac11,
    0x3ff486a2b5c13cd0, 0x3c6ecce1daa10379,
    0x3ff4bfdad5362a27, 0x3c7690cebb7aafb0,
    0x3ff4f9b2769d2ca7, 0xbc8f94340071a38e,
    0x3ff5342b569d4f82, 0xbc78dec6bd0f385f,
    0x3ff56f4736b527da, 0x3c93350518fdd78e,
    0x3ff5ab07dd485429, 0x3c9063e1e21c5409,
    0x3ff5e76f15ad2148, 0x3c9432e62b64c035,
    0x3ff6247eb03a5585, 0xbc8c33c53bef4da8,
    0x3ff6623882552225, 0xbc93cedd78565858,
    0x3ff6a09e667f3bcd, 0xbc93b3efbf5e2228,
    0x3ff6dfb23c651a2f, 0xbc6367efb86da9ee,
    0x3ff71f75e8ec5f74, 0xbc781f647e5a3ecf,
    0x3ff75feb564267c9, 0xbc8619321e55e68a,
    0x3ff7a11473eb0187, 0xbc7b32dcb94da51d,
    0x3ff7e2f336cf4e62, 0x3c65ebe1abd66c55,
    0x3ff82589994cce13, 0xbc9369b6f13b3734,
    0x3ff868d99b4492ed, 0xbc94d450d872576e,
    0x3ff8ace5422aa0db, 0x3c8db72fc1f0eab4,
    0x3ff8f1ae99157736, 0x3c7bf68359f35f44,
    0x3ff93737b0cdc5e5, 0xbc5da9b88b6c1e29,
    0x3ff97d829fde4e50, 0xbc92434322f4f9aa,
    0x3ff9c49182a3f090, 0x3c71affc2b91ce27,
    0x3ffa0c667b5de565, 0xbc87c50422622263,
    0x3ffa5503b23e255d, 0xbc91bbd1d3bcbb15,
    0x3ffa9e6b5579fdbf, 0x3c8469846e735ab3,
    0x3ffae89f995ad3ad, 0x3c8c1a7792cb3387,
    0x3ffb33a2b84f15fb, 0xbc55c3d956dcaeba,
    0x3ffb7f76f2fb5e47, 0xbc68d6f438ad9334,
    0x3ffbcc1e904bc1d2, 0x3c74ffd70a5fddcd,
    0x3ffc199bdd85529c, 0x3c736eae30af0cb3,
    0x3ffc67f12e57d14b, 0x3c84e08fd10959ac,
    0x3ffcb720dcef9069, 0x3c676b2c6c921968,
    0x3ffd072d4a07897c, 0xbc8fad5d3ffffa6f,
    0x3ffd5818dcfba487, 0x3c74a385a63d07a7,
    0x3ffda9e603db3285, 0x3c8e5a50d5c192ac,
    0x3ffdfc97337b9b5f, 0xbc82d52107b43e1f,
    0x3ffe502ee78b3ff6, 0x3c74b604603a88d3,
    0x3ffea4afa2a490da, 0xbc8ff7128fd391f0,
    0x3ffefa1bee615a27, 0x3c8ec3bc41aa2008,
    0x3fff50765b6e4540, 0x3c8a64a931d185ee,
    0x3fffa7c1819e90d8, 0x3c77893b4d91cd9d,
    // 1024: 64 / ln(2)
    0x40571547652b82fe,
    // 1032: 1.5 * 2^52: rounds 64 x / ln(2) to an integer held in the low mantissa bits
    0x4338000000000000,
    // 1040: coefficients (1040..1072) of exp(r) - 1 - r ~ r^2/2 + r^3/6 + ... + r^6/720
    0x3fe0000000000000,
    // 1048:
    0x3fc55555555548f8,
    // 1056:
    0x3fa5555555558fcc,
    // 1064:
    0x3f8111123aaf20d3,
    // 1072:
    0x3f56c16a1c2a3ffd,
    // 1080: ~709.78: largest x with a finite result
    0x40862e42fefa39ef,
    // 1088: ~-708.40: below this the result is subnormal
    0xc086232bdd7abcd2,
    // 1096: ~-745.13: below this the result rounds to zero
    0xc0874910d52d3051,
    // 1104: ln(2) / 64, high part (trailing zeros make N * hi exact)
    0x3f862e42fefa0000,
    // 1112: ln(2) / 64, low part
    0x3d1cf79abc9e3b3a,
    // 1120: its square underflows to +0 (and raises the flags)
    0x0010000000000001,
    // 1128: f64::MAX: its square overflows to +inf (and raises the flags)
    0x7fefffffffffffff,
    // 1136: +0.0: exp(-inf), and the blank whose exponent field becomes the scale 2^M
    0x0000000000000000,
    // 1144: 1.0: exp(x) rounds to 1 + x for tiny x
    0x3ff0000000000000,
    // 1152: 2.0: finishes the scale when 2^M alone would need exponent field 2047
    0x4000000000000000,
    // 1160: 2^-60: undoes the 2^60 pre-scaling of the subnormal path
    0x3c30000000000000,
    // 1168: 1.5 * 2^32: splits the pre-scaled result so that its high part scales exactly
    0x41f8000000000000,
];

#[inline]
fn rare_tab(byte_offset: usize) -> f64 {
    f64::from_bits(EXP_HA_RARE_TAB[byte_offset / 8])
}

/// Replaces the top 16 bits (sign and exponent field) of `bits`, as the
/// original does with a 16-bit store into the spilled double.
#[inline]
fn with_top16(bits: u64, top: u32) -> f64 {
    f64::from_bits((bits & 0x0000_ffff_ffff_ffff) | (u64::from(top & 0xffff) << 48))
}

/// Scalar `exp` (`__svml_dexp_ha_cout_rare_internal`): what `exp8` uses for
/// lanes with `|x| >= 707.70...` (and for infinities). It is a complete `exp`
/// on its own, but matches `exp8` bit for bit only on those lanes.
fn exp_rare(x: f64) -> f64 {
    let xb = x.to_bits();
    let exp_field = ((xb >> 52) & 0x7ff) as u32;

    if exp_field == 0x7ff {
        if xb >> 63 == 1 && xb & 0x000f_ffff_ffff_ffff == 0 {
            return rare_tab(1136);
        }
        // +inf stays +inf, NaN is quieted, the way the original does it.
        return x * x;
    }
    // |x| < 2^-52.
    if exp_field <= 970 {
        return rare_tab(1144) + x;
    }
    if rare_tab(1080) < x {
        let big = rare_tab(1128);
        return big * big;
    }
    if x < rare_tab(1096) {
        let tiny = rare_tab(1120);
        return tiny * tiny;
    }

    let shifter = rare_tab(1032);
    let shifted = rare_tab(1024) * x + shifter;
    let low_word = shifted.to_bits() as u32;
    let j = (low_word & 63) as usize;
    let n = shifted - shifter;
    let mut r = x - n * rare_tab(1104);
    r -= n * rare_tab(1112);

    let mut p = rare_tab(1072) * r;
    // Logical shift of the 32-bit word, as in the original; only the low 11
    // bits of the result are used below.
    let m = low_word >> 6;
    p += rare_tab(1064);
    p *= r;
    let t_hi = rare_tab(16 * j);
    p += rare_tab(1056);
    p *= r;
    p += rare_tab(1048);
    p *= r;
    p += rare_tab(1040);
    p *= r;
    p *= r;
    p += r;
    p += rare_tab(16 * j + 8);
    p *= t_hi;

    let blank = EXP_HA_RARE_TAB[1136 / 8];
    let blank_top = (blank >> 48) as u32 & 0xffff_800f;

    if x >= rare_tab(1088) {
        let biased = m.wrapping_add(1023) & 2047;
        let y = p + t_hi;
        if biased > 2046 {
            // 2^M is not representable; scale by 2^(M-1) and then by 2.
            let biased = biased.wrapping_sub(1) & 2047;
            let scale = with_top16(blank, blank_top | (biased << 4));
            return y * scale * rare_tab(1152);
        }
        let scale = with_top16(blank, blank_top | (biased << 4));
        return y * scale;
    }

    // Subnormal result: work with 2^(M+60) and scale back at the end.
    let biased = m.wrapping_add(1083) & 2047;
    let scale = with_top16(blank, blank_top | (biased << 4));
    let lo = p * scale;
    let hi = scale * t_hi;
    let s = hi + lo;
    if biased <= 50 {
        return s * rare_tab(1160);
    }
    // Split s so the high part scales by 2^-60 exactly and the result is
    // rounded once, in the final addition.
    let err = (hi - s) + lo;
    let s_c = s * rare_tab(1168);
    let s_hi = (s + s_c) - s_c;
    let s_lo = (s - s_hi) + err;
    s_hi * rare_tab(1160) + s_lo * rare_tab(1160)
}

#[target_feature(enable = "avx512f")]
#[inline]
fn data_row(byte_offset: usize) -> __m512d {
    // SAFETY: each row is 64 bytes of f64 bit patterns; loadu needs no alignment.
    unsafe { _mm512_loadu_pd(EXP8_HA_DATA[byte_offset / 64].as_ptr().cast()) }
}

/// `exp` of eight lanes (`__svml_exp8_ha`).
///
/// # Safety
///
/// The CPU must support AVX-512 F, CD, VL, BW and DQ.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx512cd")]
pub(crate) unsafe fn exp8(x: __m512d) -> __m512d {
    const RZ: i32 = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;
    const RN: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

    let log2e = data_row(256);
    let shifter = data_row(320);
    let ln2_hi = data_row(384);
    let ln2_lo = data_row(448);
    let c6 = data_row(576);
    let c5 = data_row(640);
    let c4 = data_row(704);
    let c3 = data_row(768);
    let c2 = data_row(832);
    let c1 = data_row(896);
    let threshold = data_row(1024);

    // Rounding toward zero leaves floor(16 x log2(e)) in the low bits, so the
    // reduced argument r lies in [0, ln(2)/16).
    let shifted = _mm512_fmadd_round_pd::<RZ>(x, log2e, shifter);
    let abs_x = _mm512_and_pd(x, data_row(960));
    let n = _mm512_sub_round_pd::<RN>(shifted, shifter);
    let index = _mm512_castpd_si512(shifted);
    let t_lo = _mm512_permutex2var_pd(data_row(128), index, data_row(192));
    let r = _mm512_fnmadd_round_pd::<RN>(n, ln2_hi, x);
    let rare = _mm512_cmp_round_pd_mask::<_CMP_GE_OQ, _MM_FROUND_NO_EXC>(abs_x, threshold);
    let r = _mm512_fnmadd_round_pd::<RN>(ln2_lo, n, r);
    let t_hi = _mm512_permutex2var_pd(data_row(0), index, data_row(64));
    let r = _mm512_and_pd(r, data_row(512));

    let r2 = _mm512_mul_round_pd::<RN>(r, r);
    let p56 = _mm512_fmadd_round_pd::<RN>(c6, r, c5);
    let p34 = _mm512_fmadd_round_pd::<RN>(c4, r, c3);
    let p12 = _mm512_fmadd_round_pd::<RN>(c2, r, c1);
    let p36 = _mm512_fmadd_round_pd::<RN>(r2, p56, p34);
    let p16 = _mm512_fmadd_round_pd::<RN>(r2, p36, p12);
    let p = _mm512_fmadd_round_pd::<RN>(p16, r, t_lo);
    let y = _mm512_fmadd_round_pd::<RN>(t_hi, p, t_hi);
    // scalef multiplies by 2^floor(n), the integer part of n.
    let result = _mm512_scalef_round_pd::<RN>(y, n);

    if rare == 0 {
        return result;
    }
    let mut xs = [0.0f64; 8];
    let mut ys = [0.0f64; 8];
    // SAFETY: both arrays hold eight f64; loadu/storeu need no alignment.
    unsafe {
        _mm512_storeu_pd(xs.as_mut_ptr(), x);
        _mm512_storeu_pd(ys.as_mut_ptr(), result);
    }
    for lane in 0..8 {
        if rare & (1 << lane) != 0 {
            ys[lane] = exp_rare(xs[lane]);
        }
    }
    // SAFETY: as above.
    unsafe { _mm512_loadu_pd(ys.as_ptr()) }
}

/// e^x with the bits numpy's AVX-512 `np.exp` gives for x: x in lane 0 of a block whose other
/// lanes are 0, as numpy pads the tail of an array.
///
/// # Panics
///
/// If the CPU lacks AVX-512 F, CD, VL, BW or DQ; [`numpy_math::exp`](super::exp) looks first.
///
pub(crate) fn exp(x: f64) -> f64 {
    super::one_lane(x, 0.0, exp8, "svml_exp::exp")
}

#[cfg(test)]
mod tests {
    #[test]
    fn e_to_the_one_is_e() {
        if super::super::Choice::current().exp == super::super::Method::Svml {
            assert_eq!(super::exp(1.0), std::f64::consts::E);
        }
    }
}
