//! Values in: the given values, from a notebook's arrays or a values file, checked once where
//! they enter, and the files they come from and go to. Above the math, below the model.

pub(crate) mod check;
pub(crate) mod files;
pub(crate) mod json;
pub(crate) mod printed;
mod values;

pub use values::{Dtype, Given, IntoGiven, IntoLayers, Values, CHAPTER_JSON};
