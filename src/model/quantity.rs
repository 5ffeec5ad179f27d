//! The quantities of a worked step, by the names the chapter's program prints them under.

use std::str::FromStr;

use crate::error::{Error, Result};

/// One quantity of the worked step; layers are numbered from 1, as in the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// z_l = a_{l−1} W_l + b_lᵀ.
    Z(usize),
    /// a_l = f_l(z_l).
    A(usize),
    /// dJ/da_L = a_L − y.
    DjDa,
    /// f_l'(z_l).
    DfDz(usize),
    /// δ_l.
    Delta(usize),
    /// dJ/dW_l = a_{l−1}ᵀ δ_l.
    DW(usize),
    /// dJ/db_l = the column sums of δ_l, as a column.
    Db(usize),
    /// W_l after the update.
    NewW(usize),
    /// b_l after the update.
    NewB(usize),
}

impl Quantity {
    /// Every quantity of a network of `depth` layers, in the order the chapter computes them.
    pub fn all(depth: usize) -> Vec<Quantity> {
        let mut all: Vec<Quantity> = (1..=depth).flat_map(|l| [Quantity::Z(l), Quantity::A(l)]).collect();
        all.push(Quantity::DjDa);
        for l in (1..=depth).rev() {
            all.extend([Quantity::DfDz(l), Quantity::Delta(l)]);
        }
        all.extend((1..=depth).rev().flat_map(|l| [Quantity::DW(l), Quantity::Db(l)]));
        all.extend((1..=depth).flat_map(|l| [Quantity::NewW(l), Quantity::NewB(l)]));
        all
    }

    /// The name the chapter's program prints it under (`z1`, `dJda2`, `f2'(z2)`, `d1`,
    /// `dLdW1`, `dLdb2`), and `W1_new`, `b1_new` for the updated parameters; an answers file
    /// uses these names. `depth` is L, for dJ/da_L.
    pub fn name(self, depth: usize) -> String {
        match self {
            Quantity::Z(l) => format!("z{l}"),
            Quantity::A(l) => format!("a{l}"),
            Quantity::DjDa => format!("dJda{depth}"),
            Quantity::DfDz(l) => format!("f{l}'(z{l})"),
            Quantity::Delta(l) => format!("d{l}"),
            Quantity::DW(l) => format!("dLdW{l}"),
            Quantity::Db(l) => format!("dLdb{l}"),
            Quantity::NewW(l) => format!("W{l}_new"),
            Quantity::NewB(l) => format!("b{l}_new"),
        }
    }

    /// The layer it belongs to; None for dJ/da_L, which is always the output layer's.
    pub(crate) fn layer(self) -> Option<usize> {
        match self {
            Quantity::DjDa => None,
            Quantity::Z(l)
            | Quantity::A(l)
            | Quantity::DfDz(l)
            | Quantity::Delta(l)
            | Quantity::DW(l)
            | Quantity::Db(l)
            | Quantity::NewW(l)
            | Quantity::NewB(l) => Some(l),
        }
    }
}

impl FromStr for Quantity {
    type Err = Error;

    /// Parses a name as [`Quantity::name`] writes it.
    ///
    /// ```
    /// use backprop::Quantity;
    /// assert_eq!("f2'(z2)".parse::<Quantity>().unwrap(), Quantity::DfDz(2));
    /// assert_eq!("W1_new".parse::<Quantity>().unwrap(), Quantity::NewW(1));
    /// assert!("q1".parse::<Quantity>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Quantity> {
        let bad = || Error::Value {
            name: "quantity".into(),
            problem: format!(
                "expected a name such as z1, a1, dJda2, f2'(z2), d2, dLdW1, dLdb1, W1_new or b1_new, got {s:?}"
            ),
        };
        let number = |t: &str| t.parse::<usize>().ok().filter(|l| *l >= 1).ok_or_else(bad);
        if let Some(rest) = s.strip_prefix("dJda") {
            number(rest)?;
            return Ok(Quantity::DjDa);
        }
        if let Some(rest) = s.strip_prefix("dLdW") {
            return Ok(Quantity::DW(number(rest)?));
        }
        if let Some(rest) = s.strip_prefix("dLdb") {
            return Ok(Quantity::Db(number(rest)?));
        }
        if let Some(rest) = s.strip_suffix("_new") {
            if let Some(l) = rest.strip_prefix('W') {
                return Ok(Quantity::NewW(number(l)?));
            }
            if let Some(l) = rest.strip_prefix('b') {
                return Ok(Quantity::NewB(number(l)?));
            }
        }
        if let Some(rest) = s.strip_prefix('f') {
            let (l, tail) = rest.split_once("'(z").ok_or_else(bad)?;
            if tail.strip_suffix(')') == Some(l) {
                return Ok(Quantity::DfDz(number(l)?));
            }
            return Err(bad());
        }
        match s.split_at(1.min(s.len())) {
            ("z", l) => Ok(Quantity::Z(number(l)?)),
            ("a", l) => Ok(Quantity::A(number(l)?)),
            ("d", l) => Ok(Quantity::Delta(number(l)?)),
            _ => Err(bad()),
        }
    }
}
