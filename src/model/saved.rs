//! A network's parameters saved to JSON and loaded back, every f64 bit for bit.
//!
//! The file holds `W`, `b` and `activations` in the values file's layout, and the loss:
//! `{"W": [[[0.1, 0.2], ...], ...], "b": [[[0.5], [0.5]], ...], "activations": ["sigmoid", ...],
//! "loss": "mse"}`. Numbers are written in their shortest form that reads back to the same f64,
//! and a save replaces the file atomically.

use std::path::Path;

use super::network::Network;
use crate::error::Result;
use crate::io::{files, json};
use crate::math::Loss;

const FIELDS: [&str; 4] = ["W", "b", "activations", "loss"];

impl Network {
    /// The parameters as JSON text: `{"W": [...], "b": [...], "activations": [...], "loss":
    /// "mse"}`, in the values file's layout, every number in the shortest form that reads back
    /// to the same f64.
    pub fn to_json(&self) -> String {
        let floats = |f: fn(&super::network::Layer) -> &ndarray::Array2<f64>| {
            self.layers.iter().map(|layer| (f(layer), false)).collect::<Vec<_>>()
        };
        let activations: Vec<_> = self.layers.iter().map(|layer| layer.activation).collect();
        let mut doc = json::parameters(&floats(|l| &l.w), &floats(|l| &l.b), &activations);
        doc.insert("loss".into(), self.loss().name().into());
        json::text(doc)
    }

    /// Reads parameters written by [`Network::to_json`]; `source` names the text in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Network> {
        const NEEDS: &str = "a network file needs W, b and activations";
        let root = json::json_object(text, source, &FIELDS)?;
        let numbers = |name: &str| -> Result<Vec<ndarray::Array2<f64>>> {
            Ok(json::matrices(json::required(&root, name, NEEDS)?, name)?.into_iter().map(|(data, _)| data).collect())
        };
        let (weights, biases) = (numbers("W")?, numbers("b")?);
        let activations = json::activations(json::required(&root, "activations", NEEDS)?)?;
        let loss = root.get("loss").map_or(Ok(Loss::Mse), json::loss)?;
        Network::with_loss(weights, biases, activations, loss)
    }

    /// Saves the parameters to `path`, atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over `path`, so an interrupted save leaves the
    /// previous file whole.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        files::write(path.as_ref(), self.to_json().as_bytes())
    }

    /// Loads parameters saved by [`Network::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Network> {
        let (text, source) = files::read_text(path.as_ref())?;
        Network::from_json(&text, &source)
    }
}

#[cfg(test)]
mod tests {
    use crate::Values;

    #[test]
    fn a_saved_network_loads_back_bit_for_bit() {
        let dir = std::env::temp_dir().join(format!("backprop-saved-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.json");
        let mut net = Values::chapter().network().unwrap();
        net.layers[0].w[[0, 0]] = 0.1 + 0.2; // a number whose shortest form has 17 digits
        net.save(&path).unwrap();
        assert_eq!(super::Network::load(&path).unwrap(), net);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
