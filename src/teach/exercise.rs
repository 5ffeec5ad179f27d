//! Your turn: a learner's array for one quantity of a worked step, checked against the step,
//! with the differing entries shown and a known mistake named.
//!
//! [`Step::check`] compares an answer with the step's own value to 1e-9 relative. When it
//! differs, the feedback lists the entries that differ and by how much, and names the mistake:
//! the search of `teach::diagnosis` tries the slips a learner makes (σ' left out, a missing
//! transpose, the update's sign flipped, two of them at once, ...) and names each it finds in
//! one sentence. A wrong shape is reported as shapes, expected and got. [`hint`] gives one
//! sentence per quantity without the solution.

use std::collections::HashMap;
use std::fmt;

use ndarray::Array2;

use super::diagnosis::{self, Found, Parts, Tolerance};
use crate::error::{shape_str, Result};
use crate::model::{Quantity, Step};
use crate::show::short;

/// Answers within this relative distance of the step's value are right.
pub const TOLERANCE: f64 = 1e-9;

/// One sentence of help for a quantity, without its solution.
///
/// ```
/// use backprop::{teach::hint, Quantity};
/// assert!(hint(Quantity::Delta(1)).contains("transpose"));
/// ```
pub fn hint(q: Quantity) -> &'static str {
    match q {
        Quantity::Z(_) => "Multiply the previous layer's activations by the weights (a matrix product, samples in rows), then add the bias as a row, so that it adds to every sample.",
        Quantity::A(_) => "Apply the layer's activation to every entry of z (ndarray's mapv takes a function of one number).",
        Quantity::DjDa => "For J = ½ Σ (a − y)², the derivative with respect to the output is the output minus the target, in that order.",
        Quantity::DfDz(_) => "The derivative of the activation is taken at z, the layer's weighted input; for the sigmoid, σ'(z) = σ(z)(1 − σ(z)).",
        Quantity::Delta(_) => "The output layer's δ multiplies dJ/da by f'(z) entry by entry; a hidden layer's δ brings the next δ back through the next weights, transposed, then multiplies entry by entry by f'(z), all with the weights before the update.",
        Quantity::DW(_) => "Each weight's gradient is the activation at its start times the δ at its end, summed over the samples: the previous layer's activations, transposed, times δ.",
        Quantity::Db(_) => "Sum δ over the samples (down the rows) and stand the result up as a column, shaped like b.",
        Quantity::NewW(_) | Quantity::NewB(_) => "Step against the gradient: subtract the learning rate over the number of samples times the gradient.",
    }
}

/// What the search says of a wrong answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Diagnosis {
    /// The slips that turn the right computation into the answer, one sentence each (one or
    /// two).
    Slips(Vec<String>),
    /// Several explanations give the same array: each is listed, none chosen.
    Either(Vec<Vec<String>>),
    /// No slip explains it, but the differences have a shape worth saying (one column, one
    /// row, a constant factor or offset).
    Pattern(String),
    /// Nothing found to say beyond the entries that differ.
    Unknown,
}

/// What a check found.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    /// The quantity.
    pub quantity: Quantity,
    /// Its name, as the chapter's program prints it.
    pub name: String,
    /// Whether the answer is the step's value (to [`TOLERANCE`], or to the precision it was
    /// printed with).
    pub right: bool,
    /// When the shape is wrong: (expected, got).
    pub shapes: Option<((usize, usize), (usize, usize))>,
    /// The entries that differ: (row, column, the answer's, the step's).
    pub differ: Vec<(usize, usize, f64, f64)>,
    /// What the answer's mistake is, for a wrong answer.
    pub diagnosis: Diagnosis,
    /// For an answer checked beside the learner's own earlier ones: the earlier quantity it
    /// follows from, right for those wrong inputs (the error carried forward).
    pub carried_from: Option<String>,
    /// With `carried_from`: the first wrong answer of that chain, the one to fix.
    pub fix_first: Option<String>,
}

/// Where feedback is read: a notebook names the hint call, the command line the hint itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// In a notebook: `Ask for a hint: hint(Quantity::Delta(2))`.
    Notebook,
    /// On the command line: `Hint: ` and the sentence.
    CommandLine,
}

impl Feedback {
    /// The feedback as text for `reader`.
    pub fn text(&self, reader: Reader) -> String {
        let mut out = String::new();
        self.write(&mut out, reader).expect("writing to a String");
        out
    }

    fn write(&self, f: &mut impl fmt::Write, reader: Reader) -> fmt::Result {
        if self.right {
            return write!(f, "✓ {}: right", self.name);
        }
        if let Some(from) = &self.carried_from {
            let first = self.fix_first.as_ref().unwrap_or(from);
            return write!(f, "→ {}: right for your {from}, so the mistake is not here; fix {first} first", self.name);
        }
        match self.shapes {
            Some((expected, got)) => write!(
                f,
                "✗ {}: expected shape {}, got {}",
                self.name,
                shape_str(&[expected.0, expected.1]),
                shape_str(&[got.0, got.1])
            )?,
            None => {
                write!(
                    f,
                    "✗ {}: {} entr{} differ",
                    self.name,
                    self.differ.len(),
                    if self.differ.len() == 1 { "y" } else { "ies" }
                )?;
                for (i, j, yours, want) in self.differ.iter().take(6) {
                    let off = yours - want;
                    let sign = if off >= 0.0 { "+" } else { "" };
                    write!(f, "\n  [{i}, {j}]: yours {}, off by {sign}{}", short(*yours), short(off))?;
                }
                if self.differ.len() > 6 {
                    write!(f, "\n  … and {} more", self.differ.len() - 6)?;
                }
            }
        }
        match &self.diagnosis {
            Diagnosis::Slips(slips) if slips.len() == 1 => return write!(f, "\n  {}", slips[0]),
            Diagnosis::Slips(slips) => {
                write!(f, "\n  Two slips:")?;
                for (k, slip) in slips.iter().enumerate() {
                    write!(f, "\n  {}. {slip}", k + 1)?;
                }
                return Ok(());
            }
            Diagnosis::Either(ways) => {
                write!(f, "\n  These fit equally, and the numbers cannot tell which it is:")?;
                for way in ways.iter().take(3) {
                    write!(f, "\n  - {}", way.join(" And: "))?;
                }
                if ways.len() > 3 {
                    write!(f, "\n  - … and {} more", ways.len() - 3)?;
                }
                return Ok(());
            }
            Diagnosis::Pattern(text) => write!(f, "\n  {text}")?,
            Diagnosis::Unknown => {}
        }
        match reader {
            Reader::Notebook => write!(f, "\n  Ask for a hint: hint(Quantity::{:?})", self.quantity),
            Reader::CommandLine => write!(f, "\n  Hint: {}", hint(self.quantity)),
        }
    }

    /// The feedback with the points it earns, `points` when the answer is right and 0 when it
    /// is not: how a graded check ends (nbgrader's test cell). A notebook shows the feedback
    /// as text and the points as the cell's plain-text value, which nbgrader takes as the
    /// cell's score; both come on stdout, in order, where an error's message (stderr) can
    /// reach the notebook after the cell is done and be lost to the grader.
    ///
    /// ```
    /// use backprop::{Quantity, Values};
    /// let step = Values::chapter().step().unwrap();
    /// assert_eq!(step.check(Quantity::Delta(2), step.gradients().delta(2)).unwrap().graded(2.0).points, 2.0);
    /// let wrong = step.check(Quantity::Delta(2), step.gradients().dj_da(2)).unwrap().graded(2.0);
    /// assert_eq!(wrong.points, 0.0);
    /// assert!(wrong.feedback.to_string().contains("f2'(z2) is left out"), "{}", wrong.feedback);
    /// ```
    pub fn graded(self, points: f64) -> Graded {
        let points = if self.right { points } else { 0.0 };
        Graded { feedback: self, points }
    }

    /// Shows the feedback as text in a notebook on the Rust kernel.
    pub fn evcxr_display(&self) {
        println!("{self}");
    }
}

/// A check's feedback and the points it earned: what a graded test cell ends with.
#[derive(Clone, Debug, PartialEq)]
pub struct Graded {
    /// The check's feedback.
    pub feedback: Feedback,
    /// The points earned: all of them for a right answer, 0 for a wrong one.
    pub points: f64,
}

impl Graded {
    /// Shows the feedback as text and the points as the cell's plain-text value (what nbgrader
    /// reads as the score of a test cell).
    pub fn evcxr_display(&self) {
        println!("{}", self.feedback);
        println!("EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT", self.points);
    }
}

impl fmt::Display for Feedback {
    /// The feedback as a notebook shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Reader::Notebook)
    }
}

impl Step {
    /// Checks a learner's array for one quantity of this step: ✓ within 1e-9 relative, else
    /// the entries that differ and the mistake, worked out by trying the slips a learner makes
    /// (see `teach::diagnosis`): one sentence per slip, or a pattern in the differences, or
    /// the explanations that fit equally. A quantity of a layer the network does not have is
    /// refused.
    ///
    /// ```
    /// use backprop::{Quantity, Values};
    /// let step = Values::chapter().step().unwrap();
    /// // δ2 without f2'(z2): just dJ/da2
    /// let feedback = step.check(Quantity::Delta(2), step.gradients().dj_da(2)).unwrap();
    /// assert!(!feedback.right);
    /// assert!(feedback.to_string().contains("f2'(z2) is left out"), "{feedback}");
    /// ```
    pub fn check(&self, q: Quantity, answer: &Array2<f64>) -> Result<Feedback> {
        self.check_layer(q)?;
        Ok(judge(self, q, answer, &Tolerance::Relative(TOLERANCE), &HashMap::new(), &[]))
    }
}

/// The feedback on `answer` for `q`, compared within `tolerance`; with the learner's own
/// earlier answers `own` (of which `wrong` are wrong), a wrong answer that those explain is
/// marked as carried forward.
pub(crate) fn judge(
    step: &Step,
    q: Quantity,
    answer: &Array2<f64>,
    tolerance: &Tolerance,
    own: &HashMap<Quantity, Array2<f64>>,
    wrong: &[Quantity],
) -> Feedback {
    let want = step.value_of(q);
    let name = q.name(step.depth());
    let mut feedback = Feedback {
        quantity: q,
        name,
        right: false,
        shapes: None,
        differ: Vec::new(),
        diagnosis: Diagnosis::Unknown,
        carried_from: None,
        fix_first: None,
    };
    if tolerance.fits(answer, want) {
        feedback.right = true;
        return feedback;
    }
    if let Some(from) = diagnosis::carried_forward(step, q, answer, tolerance, own, wrong) {
        feedback.carried_from = Some(from.name(step.depth()));
        return feedback;
    }
    if answer.dim() != want.dim() {
        feedback.shapes = Some((want.dim(), answer.dim()));
    } else {
        let one = |a: f64, w: f64| {
            Tolerance::Relative(TOLERANCE).fits(&Array2::from_elem((1, 1), a), &Array2::from_elem((1, 1), w))
        };
        feedback.differ = want
            .indexed_iter()
            .filter(|((i, j), w)| !one(answer[[*i, *j]], **w))
            .map(|((i, j), w)| (i, j, answer[[i, j]], *w))
            .collect();
    }
    if diagnosis::searchable(step.network().loss(), q) {
        // a slip on the step's own parts, or else on the learner's earlier answers
        let none = HashMap::new();
        let on_step = Parts { step, own: &none, nudged: false };
        let mut found = diagnosis::search(step, q, answer, tolerance, &on_step);
        if found == Found::Nothing && !wrong.is_empty() {
            found = diagnosis::search(step, q, answer, tolerance, &Parts { step, own, nudged: false });
        }
        feedback.diagnosis = match found {
            Found::Slips(slips) => Diagnosis::Slips(slips),
            Found::Either(ways) => Diagnosis::Either(ways),
            Found::Nothing => {
                let at: Vec<(usize, usize)> = feedback.differ.iter().map(|(i, j, _, _)| (*i, *j)).collect();
                diagnosis::pattern(step, q, answer, want, &at).map_or(Diagnosis::Unknown, Diagnosis::Pattern)
            }
        };
    }
    feedback
}
