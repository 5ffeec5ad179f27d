//! Marking an answers file: a learner's arrays by the chapter program's names, each checked
//! against a worked step (`backprop mark`).

use super::exercise::Feedback;
use crate::error::{Error, Result};
use crate::io::json;
use crate::model::{Quantity, Step};

/// The marks of an answers file (JSON: `{"z1": [[...]], "d2": [[...]], "W1_new": ...}`) against a
/// worked step: one feedback per answer, in the chapter's order; `source` names the file in
/// errors.
pub fn mark(step: &Step, answers_json: &str, source: &str) -> Result<Vec<Feedback>> {
    let root = json::any_object(answers_json, source)?;
    let order = Quantity::all(step.depth());
    let mut given: Vec<(Quantity, &serde_json::Value)> = Vec::new();
    for (key, v) in &root {
        let q = key.parse::<Quantity>().map_err(|e| Error::Field { path: key.clone(), problem: e.to_string() })?;
        given.push((q, v));
    }
    given.sort_by_key(|(q, _)| order.iter().position(|o| o == q).unwrap_or(usize::MAX));
    let mut marks = Vec::new();
    for (q, v) in given {
        let (answer, _) = json::matrix(v, &q.name(step.depth()))?;
        marks.push(step.check(q, &answer)?);
    }
    Ok(marks)
}
