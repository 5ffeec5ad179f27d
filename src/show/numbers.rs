//! How every picture, derivation and piece of feedback writes a number short: one rule, in text
//! (`1.5e-7`) or in LaTeX (`1.5 \times 10^{-7}`), to a number of decimals (the chapter's way of
//! working by hand: `0.9866`, `0.0049`) or of significant digits (a product of small factors).

/// How precise a short number is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Digits {
    /// Rounded to this many decimals; a number that would round to 0 keeps as many
    /// significant digits instead, so that a small gradient is still seen.
    Decimals(usize),
    /// This many significant digits.
    Significant(usize),
}

/// The chapter's precision when it works its equations by hand: 4 decimals.
pub(crate) const CHAPTER: Digits = Digits::Decimals(4);

/// A picture's and a feedback's precision, read at a glance: 4 significant digits.
pub(crate) const GLANCE: Digits = Digits::Significant(4);

/// Where a number is written: plain text (pictures, feedback) or LaTeX (derivations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Notation {
    Text,
    Latex,
}

/// A number as short as it can be read at a glance, as the pictures and the feedback write it:
/// 4 significant digits, trailing zeros trimmed, no negative zero, a power of ten outside 10⁻⁴
/// to 10⁶. (The derivation writes the chapter's 4 decimals instead, by the same rule: see
/// [`latex_number`](super::latex_number).)
///
/// ```
/// use backprop::show::short;
/// assert_eq!(short(4.3), "4.3");
/// assert_eq!(short(0.98661308), "0.9866");
/// assert_eq!(short(2.08615904), "2.086");
/// assert_eq!(short(0.00039591), "0.0003959");
/// assert_eq!(short(-1.5e-7), "-1.5e-7");
/// assert_eq!(short(-0.0), "0");
/// ```
pub fn short(v: f64) -> String {
    format(v, GLANCE, Notation::Text)
}

/// `v` to `digits` in `notation`, by the one rule: trailing zeros trimmed, no negative zero,
/// a power of ten for a number outside 10⁻⁴ to 10⁶ that significant digits write.
pub(crate) fn format(v: f64, digits: Digits, notation: Notation) -> String {
    if !v.is_finite() {
        return match (notation, v.is_nan(), v > 0.0) {
            (Notation::Text, true, _) => "NaN".into(),
            (Notation::Text, false, true) => "inf".into(),
            (Notation::Text, false, false) => "-inf".into(),
            (Notation::Latex, true, _) => r"\text{NaN}".into(),
            (Notation::Latex, false, true) => r"\infty".into(),
            (Notation::Latex, false, false) => r"-\infty".into(),
        };
    }
    if v == 0.0 {
        return "0".into();
    }
    let n = match digits {
        Digits::Decimals(d) => {
            let rounded = decimals_trimmed(v, d);
            if rounded != "0" {
                return rounded;
            }
            d
        }
        Digits::Significant(n) => n,
    };
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        let text = format!("{v:.*e}", n - 1);
        let (mantissa, exp) = text.split_once('e').expect("{:e} writes an e");
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return match notation {
            Notation::Text => format!("{mantissa}e{exp}"),
            Notation::Latex => format!(r"{mantissa} \times 10^{{{exp}}}"),
        };
    }
    decimals_trimmed(v, (n as i32 - 1 - magnitude).max(0) as usize)
}

/// `v` to `decimals` decimals, trailing zeros trimmed, no negative zero.
fn decimals_trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// An updated value, with as many decimals as it takes to differ from the value it replaces
/// (at least [`short`]'s digits), so that an update smaller than the rounding still shows: the
/// chapter's b1 goes from 0.5 to 0.49998, not to 0.5.
///
/// ```
/// use backprop::show::changed;
/// assert_eq!(changed(0.5, 0.49998016), "0.49998");
/// assert_eq!(changed(0.5, 0.49999596), "0.499996");
/// assert_eq!(changed(0.7, 0.69922), "0.6992");
/// assert_eq!(changed(0.5, 0.5), "0.5");
/// ```
pub fn changed(old: f64, new: f64) -> String {
    changed_in(old, new, GLANCE, Notation::Text)
}

/// [`changed`] at `digits` in `notation`.
pub(crate) fn changed_in(old: f64, new: f64, digits: Digits, notation: Notation) -> String {
    let plain = format(new, digits, notation);
    if old == new || !new.is_finite() || !old.is_finite() || plain != format(old, digits, notation) {
        return plain;
    }
    (5..=17)
        .map(|d| (decimals_trimmed(old, d), decimals_trimmed(new, d)))
        .find(|(o, n)| o != n)
        .map_or(plain, |(_, n)| n)
}
