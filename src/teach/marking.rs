//! Marking several answers at once, as a teacher marks a script: an answers file (JSON, the
//! chapter program's names) or what a learner's numpy program printed. Each answer is checked
//! against the worked step and, when wrong, against the learner's own earlier answers: one
//! that is right for those is marked as following from the earlier mistake (the error carried
//! forward), and the first wrong answer is named as the one to fix.

use std::collections::HashMap;
use std::fmt::Write;

use ndarray::Array2;

use super::diagnosis::Tolerance;
use super::exercise::{judge, Feedback, Reader, TOLERANCE};
use crate::error::{Error, Result};
use crate::io::json;
use crate::io::printed::{self, PrintedArray};
use crate::model::{Quantity, Step};

/// The marks of a script: one feedback per answer, in the chapter's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Marks {
    /// Each answer's feedback.
    pub feedback: Vec<Feedback>,
    /// Labels that name no quantity of the step, passed over.
    pub unknown: Vec<String>,
    /// Notes on what was printed but not marked: a given value that differs from the values
    /// marked against, an array that could not be read.
    pub notes: Vec<String>,
}

impl Marks {
    /// How many answers are right.
    pub fn right(&self) -> usize {
        self.feedback.iter().filter(|f| f.right).count()
    }

    /// The first wrong answer, in the chapter's order: the one to fix first.
    pub fn first_wrong(&self) -> Option<&Feedback> {
        self.feedback.iter().find(|f| !f.right && f.carried_from.is_none())
    }

    /// Whether every answer is right.
    pub fn all_right(&self) -> bool {
        self.right() == self.feedback.len()
    }

    /// Every feedback, then the notes and a summary, for `reader`.
    pub fn text(&self, reader: Reader) -> String {
        let mut out = String::new();
        for f in &self.feedback {
            writeln!(out, "{}", f.text(reader)).expect("writing to a String");
        }
        for note in &self.notes {
            writeln!(out, "note: {note}").expect("writing to a String");
        }
        if !self.unknown.is_empty() {
            writeln!(out, "not marked (no quantity of the step by these names): {}", self.unknown.join(", "))
                .expect("writing to a String");
        }
        let carried = self.feedback.iter().filter(|f| f.carried_from.is_some()).count();
        write!(out, "{} of {} right", self.right(), self.feedback.len()).expect("writing to a String");
        if carried > 0 {
            write!(out, ", {carried} following from an earlier mistake").expect("writing to a String");
        }
        if let Some(first) = self.first_wrong() {
            write!(out, "; fix {} first", first.name).expect("writing to a String");
        }
        out.push('\n');
        out
    }
}

/// One answer to mark: the array, and how it is compared.
struct Answer {
    quantity: Quantity,
    values: Array2<f64>,
    tolerance: Tolerance,
}

/// Marks every answer in the chapter's order, each also against the learner's earlier ones.
fn mark_all(step: &Step, mut answers: Vec<Answer>) -> Vec<Feedback> {
    let order = Quantity::all(step.depth());
    answers.sort_by_key(|a| order.iter().position(|o| *o == a.quantity).unwrap_or(usize::MAX));
    let mut own: HashMap<Quantity, Array2<f64>> = HashMap::new();
    let mut wrong: Vec<Quantity> = Vec::new();
    // for each wrong answer, the first wrong answer of its chain: itself, or what it follows from
    let mut roots: HashMap<String, String> = HashMap::new();
    let mut marks = Vec::new();
    for answer in answers {
        let mut feedback = judge(step, answer.quantity, &answer.values, &answer.tolerance, &own, &wrong);
        if !feedback.right {
            wrong.push(answer.quantity);
            let root = match &feedback.carried_from {
                Some(from) => roots.get(from).cloned().unwrap_or_else(|| from.clone()),
                None => feedback.name.clone(),
            };
            if feedback.carried_from.is_some() {
                feedback.fix_first = Some(root.clone());
            }
            roots.insert(feedback.name.clone(), root);
        }
        own.insert(answer.quantity, answer.values);
        marks.push(feedback);
    }
    marks
}

/// The marks of an answers file (JSON: `{"z1": [[...]], "d2": [[...]], "W1_new": ...}`, the
/// chapter program's names) against a worked step, to 1e-9 relative; `source` names the file
/// in errors. A name of no quantity is an error: an answers file is written for the checker.
pub fn mark(step: &Step, answers_json: &str, source: &str) -> Result<Marks> {
    let root = json::any_object(answers_json, source)?;
    let mut answers = Vec::new();
    for (key, v) in &root {
        let quantity =
            key.parse::<Quantity>().map_err(|e| Error::Field { path: key.clone(), problem: e.to_string() })?;
        step.check_layer(quantity)?;
        let (values, _) = json::matrix(v, key)?;
        answers.push(Answer { quantity, values, tolerance: Tolerance::Relative(TOLERANCE) });
    }
    Ok(Marks { feedback: mark_all(step, answers), unknown: Vec::new(), notes: Vec::new() })
}

/// The quantity a printed label names: the chapter program's names (`z1`, `dJda2`, `f2'(z2)`,
/// `d1`, `dLdW1`, `dLdb2`, `Updated Weight W1`, `Updated bias b2`) and the answers file's
/// (`W1_new`).
fn quantity_of(label: &str) -> Option<Quantity> {
    if let Some(l) = label.strip_prefix("Updated Weight W") {
        return l.parse().ok().filter(|l| *l >= 1).map(Quantity::NewW);
    }
    if let Some(l) = label.strip_prefix("Updated bias b") {
        return l.parse().ok().filter(|l| *l >= 1).map(Quantity::NewB);
    }
    label.parse().ok()
}

/// The marks of what a learner's numpy program printed, as the chapter's program prints
/// (`z1 = [[4.3 5.3]]`, `dLdW1 =` and the array below it), against a worked step. Each array
/// is marked at the precision it was printed with: right when it is what numpy prints for the
/// step's value (8 decimals), or for it rounded to 4 decimals where the chapter's program
/// rounds (`dLdW`, `dLdb`). The given values (x, y, W, b) are compared with the step's and a
/// difference is noted; a label of no quantity is listed, not marked.
pub fn mark_printed(step: &Step, output: &str) -> Marks {
    let mut answers = Vec::new();
    let mut unknown = Vec::new();
    let mut notes = Vec::new();
    let values = step.values();
    for printed in printed::read_output(output) {
        let label = printed.label;
        let array = match printed.array {
            Ok(array) => array,
            Err(why) => {
                notes.push(format!("{label}: {why}"));
                continue;
            }
        };
        let given = match label.as_str() {
            "x" => Some(values.x()),
            "y" => Some(values.y()),
            l => l
                .strip_prefix('W')
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| (1..=step.depth()).contains(n))
                .map(|n| values.w(n))
                .or_else(|| {
                    l.strip_prefix('b')
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|n| (1..=step.depth()).contains(n))
                        .map(|n| values.b(n))
                }),
        };
        if let Some(given) = given {
            if !Tolerance::Printed(array.tolerance.clone(), false).fits(&array.values, given) {
                notes.push(format!(
                    "{label} as printed differs from the values marked against; pass the values file your program used"
                ));
            }
            continue;
        }
        match quantity_of(&label) {
            Some(quantity) if step.check_layer(quantity).is_ok() => {
                let PrintedArray { values, tolerance, one_dimensional } = array;
                if one_dimensional && matches!(quantity, Quantity::Db(_)) {
                    notes.push(format!(
                        "{label} is printed as a 1-D array: reshape(-1, 1) stands it up as a column, shaped like b"
                    ));
                }
                // the chapter's program prints dJ/dW and dJ/db rounded to 4 decimals
                let rounded = matches!(quantity, Quantity::DW(_) | Quantity::Db(_));
                answers.push(Answer { quantity, values, tolerance: Tolerance::Printed(tolerance, rounded) });
            }
            _ => unknown.push(label),
        }
    }
    Marks { feedback: mark_all(step, answers), unknown, notes }
}
