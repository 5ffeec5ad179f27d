//! One weight or bias of a network, named as a learner writes it: `W1[2,1]`, `b2[0]`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// One weight or bias of the network: `W1[2,1]` is row 2, column 1 of W1; `b2[0]` is the
/// first entry of b2 (numpy's indices, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The layer, from 1.
    pub layer: usize,
    /// Whether it is a bias.
    pub bias: bool,
    /// The row: the unit it comes from (a weight) or the unit it belongs to (a bias).
    pub row: usize,
    /// The column: the unit a weight goes to; 0 for a bias.
    pub col: usize,
}

impl Param {
    /// Parses `W1[2,1]`, `W1[2][1]`, `b2[0]` or `b2[0,0]`.
    ///
    /// ```
    /// use backprop::Param;
    /// let w: Param = "W1[2,1]".parse().unwrap();
    /// assert_eq!((w.layer, w.bias, w.row, w.col), (1, false, 2, 1));
    /// assert!("W1(2,1)".parse::<Param>().unwrap_err().to_string().contains("expected a weight like W1[2,1]"));
    /// ```
    pub fn parse(text: &str) -> Result<Param> {
        let bad = || Error::Value {
            name: "parameter".into(),
            problem: format!("expected a weight like W1[2,1] or a bias like b2[0], got {text:?}"),
        };
        let t = text.trim();
        let bias = match t.chars().next() {
            Some('W' | 'w') => false,
            Some('b') => true,
            _ => return Err(bad()),
        };
        let open = t.find('[').ok_or_else(bad)?;
        let layer: usize = t[1..open].parse().map_err(|_| bad())?;
        let inner = t[open..].strip_prefix('[').and_then(|r| r.strip_suffix(']')).ok_or_else(bad)?;
        let numbers: Vec<usize> = inner
            .split([',', ']', '['])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| bad()))
            .collect::<Result<_>>()?;
        let (row, col) = match (bias, numbers.as_slice()) {
            (false, [r, c]) => (*r, *c),
            (true, [r]) | (true, [r, 0]) => (*r, 0),
            _ => return Err(bad()),
        };
        if layer == 0 {
            return Err(bad());
        }
        Ok(Param { layer, bias, row, col })
    }

    /// Checks that the parameter exists in a network of layer widths `sizes`.
    pub(crate) fn check(&self, sizes: &[usize]) -> Result<()> {
        let depth = sizes.len() - 1;
        let shape = if self.layer <= depth {
            if self.bias {
                (sizes[self.layer], 1)
            } else {
                (sizes[self.layer - 1], sizes[self.layer])
            }
        } else {
            (0, 0)
        };
        if self.layer > depth || self.row >= shape.0 || self.col >= shape.1 {
            let kind = if self.bias { "b" } else { "W" };
            let within = if self.layer > depth {
                format!("this network has layers 1 to {depth}")
            } else {
                format!("{kind}{} is ({}, {})", self.layer, shape.0, shape.1)
            };
            return Err(Error::Value {
                name: self.to_string(),
                problem: format!("no such {}: {within}", if self.bias { "bias" } else { "weight" }),
            });
        }
        Ok(())
    }
}

impl FromStr for Param {
    type Err = Error;

    fn from_str(s: &str) -> Result<Param> {
        Param::parse(s)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bias {
            write!(f, "b{}[{}]", self.layer, self.row)
        } else {
            write!(f, "W{}[{},{}]", self.layer, self.row, self.col)
        }
    }
}
