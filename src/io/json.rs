//! JSON with errors that point into it: the values file, a saved network and an answers file
//! all go through here, and every refusal names the path of the field (`W[1][0]`), what was
//! expected and what came. It knows matrices, lists and names, nothing of what holds them.

use ndarray::Array2;
use serde_json::{Map, Value};

use crate::error::{shape_str, Error, Result};
use crate::math::{Activation, Loss};

/// A matrix as read: its numbers, and whether every one was written as an integer (`4`, not
/// `4.0`), which numpy would make an integer array of.
pub(crate) type Read = (Array2<f64>, bool);

/// Parses JSON text; `source` names it in the error, with the line and column.
fn parse(text: &str, source: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Json {
        file: source.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    })
}

/// Parses JSON text that must be an object with only the given fields; `source` names it.
pub(crate) fn json_object(text: &str, source: &str, fields: &[&str]) -> Result<Map<String, Value>> {
    let root = match parse(text, source)? {
        Value::Object(root) => root,
        other => {
            return Err(field_err(
                "(top level)",
                format!("expected an object with fields {}, got {}", fields.join(", "), kind(&other)),
            ))
        }
    };
    if let Some(unknown) = root.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(field_err(unknown, format!("unknown field; expected only {}", fields.join(", "))));
    }
    Ok(root)
}

/// Parses JSON text that must be an object, with any fields; `source` names it.
pub(crate) fn any_object(text: &str, source: &str) -> Result<Map<String, Value>> {
    match parse(text, source)? {
        Value::Object(root) => Ok(root),
        other => Err(field_err("(top level)", format!("expected an object, got {}", kind(&other)))),
    }
}

/// A matrix as JSON, a list of rows, the one writer of matrices: with `integers`, every number
/// as an integer (the values file's way of keeping numpy's integer dtype), else in the shortest
/// form that reads back to the same f64.
pub(crate) fn rows(a: &Array2<f64>, integers: bool) -> Value {
    let cell = |v: f64| if integers { serde_json::json!(v as i64) } else { serde_json::json!(v) };
    Value::Array(a.rows().into_iter().map(|row| Value::Array(row.iter().map(|v| cell(*v)).collect())).collect())
}

/// The network's parameters as JSON fields, `W`, `b` and `activations`, each a list over the
/// layers: what a values file and a saved network both hold. `integers` tells, matrix by
/// matrix, which to write as integers.
pub(crate) fn parameters(
    weights: &[(&Array2<f64>, bool)],
    biases: &[(&Array2<f64>, bool)],
    activations: &[Activation],
) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("W".into(), weights.iter().map(|(w, int)| rows(w, *int)).collect());
    doc.insert("b".into(), biases.iter().map(|(b, int)| rows(b, *int)).collect());
    doc.insert("activations".into(), activations.iter().map(|a| Value::from(a.name())).collect());
    doc
}

/// A JSON object as pretty text with a final newline, as the crate writes its files.
pub(crate) fn text(doc: Map<String, Value>) -> String {
    serde_json::to_string_pretty(&Value::Object(doc)).expect("JSON of numbers and strings serializes") + "\n"
}

/// A non-empty list of matrices, `name[0]`, `name[1]`, ... in errors.
pub(crate) fn matrices(v: &Value, name: &str) -> Result<Vec<Read>> {
    list(v, name)?.iter().enumerate().map(|(i, v)| matrix(v, &format!("{name}[{i}]"))).collect()
}

/// A list of activation names, one per layer.
pub(crate) fn activations(v: &Value) -> Result<Vec<Activation>> {
    list(v, "activations")?
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => {
                s.parse::<Activation>().map_err(|e| field_err(&format!("activations[{i}]"), problem_of(e)))
            }
            other => Err(field_err(
                &format!("activations[{i}]"),
                format!("expected a name such as \"sigmoid\", got {}", kind(other)),
            )),
        })
        .collect()
}

/// A JSON number as f64, refusing what f64 cannot hold (1e400 would become infinity).
pub(crate) fn finite_number(n: &serde_json::Number, path: &str) -> Result<f64> {
    match n.as_f64() {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(field_err(path, format!("expected a number within f64's range (about ±1.8e308), got {n}"))),
    }
}

pub(crate) fn field_err(path: &str, problem: String) -> Error {
    Error::Field { path: path.to_string(), problem }
}

fn problem_of(e: Error) -> String {
    match e {
        Error::Value { problem, .. } => problem,
        other => other.to_string(),
    }
}

pub(crate) fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) if a.is_empty() => "an empty list".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub(crate) fn required<'a>(root: &'a Map<String, Value>, name: &str, fields: &str) -> Result<&'a Value> {
    root.get(name).ok_or_else(|| field_err(name, format!("missing; {fields}")))
}

pub(crate) fn list<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    match v {
        Value::Array(items) if !items.is_empty() => Ok(items),
        other => Err(field_err(path, format!("expected a non-empty list, got {}", kind(other)))),
    }
}

/// A 2-D matrix: a non-empty list of equally long, non-empty rows of numbers.
pub(crate) fn matrix(v: &Value, path: &str) -> Result<Read> {
    let rows = list(v, path)?;
    let mut data = Vec::new();
    let mut all_int = true;
    let mut width = None;
    for (i, row) in rows.iter().enumerate() {
        let row_path = format!("{path}[{i}]");
        let cells = match row {
            Value::Array(cells) if !cells.is_empty() => cells,
            Value::Number(_) => {
                return Err(field_err(
                    &row_path,
                    format!(
                    "expected a row (a list of numbers), got {}; write a matrix as a list of rows, like [[1, 4, 5]]",
                    kind(row)
                ),
                ))
            }
            other => {
                return Err(field_err(&row_path, format!("expected a non-empty row of numbers, got {}", kind(other))))
            }
        };
        match width {
            None => width = Some(cells.len()),
            Some(w) if w != cells.len() => {
                return Err(field_err(
                    &row_path,
                    format!("ragged matrix: expected {w} numbers like row 0, got {}", cells.len()),
                ))
            }
            Some(_) => {}
        }
        for (j, cell) in cells.iter().enumerate() {
            let Value::Number(n) = cell else {
                return Err(field_err(&format!("{row_path}[{j}]"), format!("expected a number, got {}", kind(cell))));
            };
            // numpy makes an integer array only when every literal is an integer (no `.`, no exponent)
            let literal = n.to_string();
            if literal.contains(['.', 'e', 'E']) {
                all_int = false;
            } else if n.as_i64().is_none() {
                return Err(field_err(
                    &format!("{row_path}[{j}]"),
                    format!("the integer {n} does not fit in 64 bits; write it as a float, like {n}.0"),
                ));
            }
            data.push(finite_number(n, &format!("{row_path}[{j}]"))?);
        }
    }
    let shape = (rows.len(), width.expect("rows is not empty"));
    let data = Array2::from_shape_vec(shape, data)
        .map_err(|e| field_err(path, format!("expected shape {}: {e}", shape_str(&[shape.0, shape.1]))))?;
    Ok((data, all_int))
}

/// A loss's name, as [`Loss::name`] writes it.
pub(crate) fn loss(v: &Value) -> Result<Loss> {
    match v {
        Value::String(s) => s.parse::<Loss>().map_err(|e| field_err("loss", problem_of(e))),
        other => Err(field_err("loss", format!("expected a name such as \"mse\", got {}", kind(other)))),
    }
}
