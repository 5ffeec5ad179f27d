//! Saving a network's parameters to JSON and loading them back, every f64 bit for bit
//! ([`Network::save`], [`Network::load`]).
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
use serde_json::json;

use crate::error::{Error, Result};
use crate::json::{activations, json_object, loss, matrices, required, rows};
use crate::loss::Loss;
use crate::network::Network;

const FIELDS: [&str; 4] = ["W", "b", "activations", "loss"];

/// The parameters as JSON text, for [`Network::to_json`].
pub(crate) fn to_json(net: &Network) -> String {
    let depth = net.depth();
    let doc = json!({
        "W": (1..=depth).map(|l| rows(net.w(l), false)).collect::<Vec<_>>(),
        "b": (1..=depth).map(|l| rows(net.b(l), false)).collect::<Vec<_>>(),
        "activations": (1..=depth).map(|l| net.activation(l).name()).collect::<Vec<_>>(),
        "loss": net.loss().name(),
    });
    serde_json::to_string_pretty(&doc).expect("JSON of numbers and strings serializes") + "\n"
}

/// A network from the text [`to_json`] writes, for [`Network::from_json`].
pub(crate) fn from_json(text: &str, source: &str) -> Result<Network> {
    const NEEDS: &str = "a network file needs W, b and activations";
    let root = json_object(text, source, &FIELDS)?;
    let numbers = |name: &str| -> Result<Vec<Array2<f64>>> {
        Ok(matrices(required(&root, name, NEEDS)?, name)?.into_iter().map(|g| g.data).collect())
    };
    let weights = numbers("W")?;
    let biases = numbers("b")?;
    let activations = activations(required(&root, "activations", NEEDS)?)?;
    let loss = root.get("loss").map_or(Ok(Loss::Mse), loss)?;
    Network::with_loss(weights, biases, activations, loss)
}

/// Saves atomically, for [`Network::save`].
pub(crate) fn save(net: &Network, path: &Path) -> Result<()> {
    let json = to_json(net);
    write_atomically(path, |file| file.write_all(json.as_bytes()))
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
