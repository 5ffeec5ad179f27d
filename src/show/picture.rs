//! A picture, drawn once with plotters as SVG and rasterized from that SVG by resvg into a PNG:
//! what every chart and diagram hands a notebook. JupyterLab shows the SVG in a trusted notebook
//! and the PNG in an untrusted one (a notebook just cloned), where it hides stored SVG. Text is
//! laid out and rasterized with the font the crate carries (`src/show/fonts`), so the PNG needs
//! no system font, and the SVG names that font first, so a viewer that has it shows the same.

use std::path::Path;
use std::sync::{Arc, Once, OnceLock};

use base64::Engine;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::io::files;

static FONT: &[u8] = include_bytes!("fonts/DejaVuSans-subset.ttf");

/// The font family the SVG asks for: the carried font by name, then any sans-serif font.
const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Pixels of the PNG per unit of the SVG: twice, for a screen of high density (a laptop's), where
/// JupyterLab shows the PNG at the SVG's size when the stored output says so (see
/// `scripts/check-notebooks`).
pub(crate) const PNG_SCALE: u32 = 2;

/// Registers the carried font as plotters' `sans-serif`, once: plotters measures text with it to
/// lay out labels and legends, which is all it draws the SVG's text with.
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // the font is the crate's own file; tests draw with it, so a bad file fails them
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            unreachable!("src/show/fonts/DejaVuSans-subset.ttf is not a font");
        }
    });
}

/// Something that draws itself with plotters.
pub(crate) trait Drawing {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

pub(crate) type DrawResult<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The error for a drawing that plotters, resvg or the PNG encoder refused; `name` names the
/// drawing.
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
    // plotters names the family it measured with; the SVG names the font itself first
    Ok(svg.replace("font-family=\"sans-serif\"", &format!("font-family=\"{FAMILY}\"")))
}

/// The options resvg reads an SVG with: the carried font and nothing of the system's, made once.
fn svg_options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: OnceLock<resvg::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = resvg::usvg::fontdb::Database::new();
        fonts.load_font_data(FONT.to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        resvg::usvg::Options { font_family: "DejaVu Sans".into(), fontdb: Arc::new(fonts), ..Default::default() }
    })
}

/// The bytes of a PNG file of `svg`, at [`PNG_SCALE`] pixels per unit.
pub(crate) fn rasterize(svg: &str, name: &str) -> Result<Vec<u8>> {
    let tree = resvg::usvg::Tree::from_str(svg, svg_options()).map_err(|e| not_drawn(name, e))?;
    let size = tree.size().to_int_size().scale_by(PNG_SCALE as f32).ok_or_else(|| not_drawn(name, "empty size"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| not_drawn(name, format!("a picture of {}x{} pixels", size.width(), size.height())))?;
    let scale = PNG_SCALE as f32;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| not_drawn(name, e))
}

/// `drawing` as SVG and as the PNG of that SVG.
pub(crate) fn picture(drawing: &impl Drawing, name: &str) -> Result<Picture> {
    let svg = svg_of(drawing, name)?;
    let png = rasterize(&svg, name)?;
    Ok(Picture { svg, png })
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

/// A finished picture, as SVG and as the PNG of that SVG: shows inline in a notebook
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
