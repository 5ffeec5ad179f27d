//! A picture, drawn with plotters and kept as SVG with a PNG of it: what every chart and
//! diagram hands a notebook. JupyterLab shows the SVG in a trusted notebook and the PNG in an
//! untrusted one (a notebook just cloned), where it hides stored SVG. Text is drawn from the
//! font the crate carries (`src/show/fonts`), so no system font is needed.

use std::path::Path;
use std::sync::Once;

use base64::Engine;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::io::files;

static FONT: &[u8] = include_bytes!("fonts/DejaVuSans-subset.ttf");

/// Registers the carried font as plotters' `sans-serif`, once: every drawing needs it, the SVG
/// too (plotters measures text with it to lay out labels and legends).
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // the font is the crate's own file; tests draw with it, so a bad file fails them
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            unreachable!("src/fonts/DejaVuSans-subset.ttf is not a font");
        }
    });
}

/// Something that draws itself on any plotters backend (SVG and bitmap alike).
pub(crate) trait Drawing {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

pub(crate) type DrawResult<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The error for a drawing that plotters or the PNG encoder refused; `name` names the drawing.
fn not_drawn(name: &str, e: impl std::fmt::Display) -> Error {
    Error::Value { name: name.into(), problem: format!("could not be drawn: {e}") }
}

/// `drawing` as an SVG document.
pub(crate) fn svg_of(drawing: &impl Drawing, name: &str) -> Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, drawing.size()).into_drawing_area();
        drawing.draw(&root).map_err(|e| not_drawn(name, e))?;
        root.present().map_err(|e| not_drawn(name, e))?;
    }
    Ok(svg)
}

/// `drawing` as the bytes of a PNG file.
pub(crate) fn png_of(drawing: &impl Drawing, name: &str) -> Result<Vec<u8>> {
    register_font();
    let (width, height) = drawing.size();
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        drawing.draw(&root).map_err(|e| not_drawn(name, e))?;
        root.present().map_err(|e| not_drawn(name, e))?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // a fifth of the bytes of Fast (12 against 60 KB for a loss chart), for 20 ms more in a
    // notebook, whose crates are built without optimization
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| not_drawn(name, e))?;
    writer.write_image_data(&rgb).map_err(|e| not_drawn(name, e))?;
    writer.finish().map_err(|e| not_drawn(name, e))?;
    Ok(png)
}

/// `drawing` as SVG and as PNG.
pub(crate) fn picture(drawing: &impl Drawing, name: &str) -> Result<Picture> {
    Ok(Picture { svg: svg_of(drawing, name)?, png: png_of(drawing, name)? })
}

/// What a picture file holds, told by its name.
pub(crate) enum Format {
    /// `.svg`.
    Svg,
    /// `.png`.
    Png,
}

impl Format {
    pub(crate) fn of(path: &Path) -> Result<Format> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(Error::Value {
                name: format!("picture file {}", path.display()),
                problem: "expected a name ending in .svg or .png".into(),
            }),
        }
    }
}

/// Writes a picture file, atomically.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    files::write(path, bytes)
}

/// A finished picture, as SVG and as a PNG of the same drawing: shows inline in a notebook
/// (both in one output), saves to a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    svg: String,
    png: Vec<u8>,
}

impl Picture {
    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// The PNG file's bytes.
    pub fn png(&self) -> &[u8] {
        &self.png
    }

    /// Writes the picture to `path`: PNG when its name ends in `.png`, SVG when in `.svg`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = match Format::of(path)? {
            Format::Svg => self.svg.as_bytes(),
            Format::Png => &self.png,
        };
        write(path, bytes)
    }

    /// What a notebook on the Rust kernel shows: the SVG and the PNG as one output, each a MIME
    /// type of the same bundle.
    pub fn evcxr_content(&self) -> String {
        let png = base64::engine::general_purpose::STANDARD.encode(&self.png);
        format!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT image/png\n{png}\nEVCXR_END_CONTENT",
            self.svg
        )
    }

    /// Shows the picture inline in a Jupyter notebook on the Rust kernel (evcxr calls this when
    /// a cell's value is a `Picture`).
    pub fn evcxr_display(&self) {
        println!("{}", self.evcxr_content());
    }
}
