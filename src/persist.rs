//! Saving a network's parameters to JSON and loading them back, every f64 bit for bit.
//!
//! The file holds `W`, `b` and `activations` in the values file's layout:
//! `{"W": [[[0.1, 0.2], ...], ...], "b": [[[0.5], [0.5]], ...], "activations": ["sigmoid", ...],
//! "loss": "mse"}`.
//! Numbers are written in their shortest form that reads back to the same f64. A save writes a
//! temporary file beside the target and renames it into place, so an interrupted save leaves
//! the previous file whole.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use ndarray::Array2;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::network::Network;
use crate::values::{activations, field_err, json_object, kind, list, matrix, read_text, required};

const FIELDS: [&str; 4] = ["W", "b", "activations", "loss"];

fn to_json(a: &Array2<f64>) -> Value {
    Value::Array(a.rows().into_iter().map(|row| Value::Array(row.iter().map(|v| json!(v)).collect())).collect())
}

impl Network {
    /// The parameters as JSON text (see the module's docs for the layout).
    pub fn to_json(&self) -> String {
        let depth = self.depth();
        let doc = json!({
            "W": (1..=depth).map(|l| to_json(self.w(l))).collect::<Vec<_>>(),
            "b": (1..=depth).map(|l| to_json(self.b(l))).collect::<Vec<_>>(),
            "activations": (1..=depth).map(|l| self.activation(l).name()).collect::<Vec<_>>(),
            "loss": self.loss().name(),
        });
        serde_json::to_string_pretty(&doc).expect("JSON of numbers and strings serializes") + "\n"
    }

    /// Reads parameters written by [`Network::to_json`]; `source` names the text in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Network> {
        let root = json_object(text, source, &FIELDS)?;
        let matrices = |name: &str| -> Result<Vec<Array2<f64>>> {
            list(required(&root, name)?, name)?
                .iter()
                .enumerate()
                .map(|(i, v)| matrix(v, &format!("{name}[{i}]")).map(|g| g.data))
                .collect()
        };
        let weights = matrices("W")?;
        let biases = matrices("b")?;
        let activations = activations(required(&root, "activations")?)?;
        let loss = match root.get("loss") {
            None => Loss::Mse,
            Some(Value::String(s)) => Loss::ALL.into_iter().find(|l| l.name() == s).ok_or_else(|| {
                field_err("loss", format!("expected one of {}, got {s:?}", Loss::ALL.map(|l| l.name()).join(", ")))
            })?,
            Some(other) => return Err(field_err("loss", format!("expected a name, got {}", kind(other)))),
        };
        Network::with_loss(weights, biases, activations, loss)
    }

    /// Saves the parameters to `path`, atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let json = self.to_json();
        write_atomically(path.as_ref(), |file| file.write_all(json.as_bytes()))
    }

    /// Loads parameters saved by [`Network::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Network> {
        let (text, source) = read_text(path.as_ref())?;
        Network::from_json(&text, &source)
    }
}

/// Writes through `write` into a temporary file beside `path`, then renames it into place;
/// on any failure the temporary file is removed and `path` is left as it was.
pub(crate) fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> std::io::Result<()>) -> Result<()> {
    let io = |source| Error::Io { file: path.to_path_buf(), source };
    let name = path.file_name().ok_or_else(|| io(std::io::Error::other("expected a file name, got a folder")))?;
    let tmp = path.with_file_name(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = File::create(&tmp).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()
    });
    let result = result.and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_save_leaves_the_previous_file_whole() {
        let dir = std::env::temp_dir().join(format!("backprop-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.json");
        let net = crate::Values::chapter().network().unwrap();
        net.save(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        // a write that fails half way, as a full disk or a killed process would leave it
        let err = write_atomically(&path, |file| {
            file.write_all(&before[..before.len() / 2])?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("net.json")]);
        assert_eq!(Network::load(&path).unwrap(), net);
    }
}
