//! Pictures drawn with plotters: line charts of losses (or anything per epoch) and a network's
//! decision over the plane. Each is drawn twice from one drawing, as SVG and as PNG, and shown
//! inline in a notebook with both in one output: JupyterLab shows the SVG in a trusted notebook
//! and the PNG in an untrusted one (a notebook just cloned), where it hides stored SVG. The PNG's
//! text is drawn from the font the crate carries (`src/fonts`), so it needs no system font.

use std::path::Path;
use std::sync::Once;

use base64::Engine;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

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
fn svg_of(drawing: &impl Drawing, name: &str) -> Result<String> {
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
fn png_of(drawing: &impl Drawing, name: &str) -> Result<Vec<u8>> {
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
enum Format {
    Svg,
    Png,
}

impl Format {
    fn of(path: &Path) -> Result<Format> {
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

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| Error::Io { file: path.to_path_buf(), source })
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

/// One named line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's name for it.
    pub name: String,
    /// y for x = 1, 2, 3, ... (epochs).
    pub values: Vec<f64>,
}

/// A line chart: one or more series over epochs, with a title, axis labels and a legend.
///
/// ```
/// use backprop::Chart;
/// let svg = Chart::new("Loss").series("eta = 0.5", &[0.6, 0.4, 0.3]).to_svg().unwrap();
/// assert!(svg.starts_with("<svg") && svg.contains("eta = 0.5"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    title: String,
    x_label: String,
    y_label: String,
    log_y: bool,
    series: Vec<Series>,
    size: (u32, u32),
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

const MAX_POINTS: usize = 1000;

impl Chart {
    /// An empty chart titled `title`, x axis "epoch", y axis "loss".
    pub fn new(title: &str) -> Chart {
        Chart {
            title: title.into(),
            x_label: "epoch".into(),
            y_label: "loss J".into(),
            log_y: false,
            series: Vec::new(),
            size: (640, 400),
        }
    }

    /// The loss of every epoch, as one line.
    pub fn losses(title: &str, losses: &[f64]) -> Chart {
        Chart::new(title).series("loss", losses)
    }

    /// Adds a line.
    pub fn series(mut self, name: &str, values: &[f64]) -> Chart {
        self.series.push(Series { name: name.into(), values: values.to_vec() });
        self
    }

    /// Labels the axes.
    pub fn labels(mut self, x: &str, y: &str) -> Chart {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// A logarithmic y axis, where a loss falling by a constant factor is a straight line.
    pub fn log_y(mut self) -> Chart {
        self.log_y = true;
        self
    }

    /// The size in pixels (640 × 400 unless set).
    pub fn size(mut self, width: u32, height: u32) -> Chart {
        self.size = (width, height);
        self
    }

    fn check(&self) -> Result<(usize, f64, f64)> {
        let bad = |problem: String| Error::Value { name: format!("chart {:?}", self.title), problem };
        if self.series.is_empty() || self.series.iter().all(|s| s.values.is_empty()) {
            return Err(bad("expected at least one series with values, got none".into()));
        }
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for s in &self.series {
            for (i, &v) in s.values.iter().enumerate() {
                if !v.is_finite() || (self.log_y && v <= 0.0) {
                    let want = if self.log_y { "a positive finite number (log axis)" } else { "a finite number" };
                    return Err(bad(format!("series {:?}, point {}: expected {want}, got {v}", s.name, i + 1)));
                }
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let n = self.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
        Ok((n, lo, hi))
    }

    /// The chart with its values checked, ready to draw, and its name for an error.
    fn drawing(&self) -> Result<(ChartDrawing<'_>, String)> {
        let (n, lo, hi) = self.check()?;
        Ok((ChartDrawing { chart: self, n, lo, hi }, format!("chart {:?}", self.title)))
    }

    /// The chart drawn, as SVG and PNG.
    pub fn picture(&self) -> Result<Picture> {
        let (drawing, name) = self.drawing()?;
        picture(&drawing, &name)
    }

    /// The chart as an SVG document (drawn as SVG only).
    pub fn to_svg(&self) -> Result<String> {
        let (drawing, name) = self.drawing()?;
        svg_of(&drawing, &name)
    }

    /// Writes the chart to `path`, as PNG or SVG by the name's ending (`.png`, `.svg`), drawing
    /// only that one.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let format = Format::of(path)?;
        let (drawing, name) = self.drawing()?;
        match format {
            Format::Svg => write(path, svg_of(&drawing, &name)?.as_bytes()),
            Format::Png => write(path, &png_of(&drawing, &name)?),
        }
    }

    /// Shows the chart inline in a Jupyter notebook on the Rust kernel (evcxr calls this when a
    /// cell's value is a `Chart`): SVG and PNG in one output.
    pub fn evcxr_display(&self) {
        match self.picture() {
            Ok(picture) => picture.evcxr_display(),
            Err(e) => eprintln!("{e}"),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, n: usize, lo: f64, hi: f64) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let x_range = 1.0..(n.max(2) as f64);
        let mut builder = ChartBuilder::on(root);
        builder.caption(&self.title, ("sans-serif", 22)).margin(12).x_label_area_size(40).y_label_area_size(70);
        if self.log_y {
            // drawn in powers of ten on a linear axis, with ticks of its own: plotters' log axis
            // drops every tick below 2.2e-16, where a loss trained long enough goes (0.9 lo to
            // 1.1 hi, as exponents, so that neither end is 0 or infinite)
            let (from, to) = (lo.log10() + 0.9f64.log10(), hi.log10() + 1.1f64.log10());
            let (labels, light) = log_ticks(from, to);
            let bold = labels.iter().map(|(e, _)| *e).collect();
            let mut chart =
                builder.build_cartesian_2d(x_range, PowersOfTen { exponents: (from..to).into(), bold, light })?;
            // plotters hands each labelled tick's exponent back as it was given
            let label =
                |e: &f64| labels.iter().find(|(at, _)| at == e).map_or_else(String::new, |(_, text)| text.clone());
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&label)
                .draw()?;
            self.draw_lines(&mut chart, f64::log10)
        } else {
            let pad = ((hi - lo) * 0.05).max(1e-12);
            let mut chart = builder.build_cartesian_2d(x_range, (lo.min(0.0) - pad)..(hi + pad))?;
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()?;
            self.draw_lines(&mut chart, |v| v)
        }
    }

    /// Every series with its legend entry, on either kind of y axis, each value drawn at
    /// `y(value)`.
    fn draw_lines<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
        y: fn(f64) -> f64,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let style = |i: usize| COLORS[i % COLORS.len()].stroke_width(2);
        let mut drawn = Vec::with_capacity(self.series.len());
        for (i, s) in self.series.iter().enumerate() {
            // a chart is a few hundred pixels wide: about 1000 points per line look the same as
            // every point, in a far smaller SVG (the last point is always drawn)
            let stride = s.values.len().div_ceil(MAX_POINTS).max(1);
            let last = s.values.len().saturating_sub(1);
            let points: Vec<(f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .filter(|(e, _)| e % stride == 0 || *e == last)
                .map(|(e, &v)| ((e + 1) as f64, y(v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.iter().copied(), style(i)))?
                .label(&s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style(i)));
            drawn.push(points.iter().map(|p| chart.backend_coord(p)).collect::<Vec<_>>());
        }
        let corner = self.emptiest_corner(chart.plotting_area(), &drawn);
        chart
            .configure_series_labels()
            .position(corner)
            .label_font(LEGEND_FONT)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
    }

    /// Where the legend covers the least of the lines (`lines` in pixels): the corner of the
    /// plotting area over the fewest of their pixels, the upper right on a tie.
    fn emptiest_corner<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(
        &self,
        area: &DrawingArea<DB, CT>,
        lines: &[Vec<(i32, i32)>],
    ) -> SeriesLabelPosition {
        // the legend's box as plotters lays it out: the names' lines, the 30-pixel samples
        // of the lines and a margin of 10 around, 5 pixels in from the corner
        let font: TextStyle = LEGEND_FONT.into_font().into();
        let mut names = MultiLineText::<_, &str>::new((0, 0), &font);
        for s in &self.series {
            names.push_line(s.name.as_str());
        }
        // (a font that cannot measure fails the legend's own drawing, which reports it)
        let Ok((w, h)) = names.estimate_dimension() else { return SeriesLabelPosition::UpperRight };
        let (w, h) = (w + 30 + 20, h + 20);
        let (width, height) = area.dim_in_pixel();
        let (left, top) = area.get_base_pixel();
        let (right, bottom) = (left + width as i32 - w - 5, top + height as i32 - h - 5);
        let corners = [
            (SeriesLabelPosition::UpperRight, (right, top + 5)),
            (SeriesLabelPosition::UpperLeft, (left + 5, top + 5)),
            (SeriesLabelPosition::LowerLeft, (left + 5, bottom)),
            (SeriesLabelPosition::LowerRight, (right, bottom)),
        ];
        let covered = |(x0, y0): (i32, i32)| {
            let inside = |(x, y): (i32, i32)| x >= x0 - 2 && x <= x0 + w + 2 && y >= y0 - 2 && y <= y0 + h + 2;
            // each segment walked in steps of at most 2 pixels, so that a steep one counts too
            lines
                .iter()
                .flat_map(|line| line.windows(2))
                .map(|pair| {
                    let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
                    let steps = ((bx - ax).abs().max((by - ay).abs()) / 2).max(1);
                    (0..=steps).filter(|k| inside((ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps))).count()
                })
                .sum::<usize>()
        };
        // the first of the fewest
        corners.into_iter().min_by_key(|&(_, at)| covered(at)).map_or(SeriesLabelPosition::UpperRight, |(p, _)| p)
    }
}

/// The legend's font (plotters' default for it, named so that the layout above measures it).
const LEGEND_FONT: (&str, u32) = ("sans-serif", 12);

/// The ticks of a log axis from 10^`from` to 10^`to`, as powers of ten: labelled ones with
/// their labels, and light ones. Three decades or more are labelled at whole powers (every 1,
/// 2, 3, 5, 10, ... decades, at most ten labels); fewer at 1, 2 and 5 times a power of ten, or at
/// every digit, whichever first gives three labels; a range too narrow for that at evenly spaced
/// values, with as many digits as they need.
fn log_ticks(from: f64, to: f64) -> (Vec<(f64, String)>, Vec<f64>) {
    let (first, last) = (from.ceil() as i64, to.floor() as i64);
    let digits = |keep: &dyn Fn(i64) -> bool| -> Vec<(f64, String)> {
        let decades = (from.floor() as i64)..=last;
        decades
            .flat_map(|d| {
                (1..10i64).filter(|&m| keep(m)).map(move |m| (d as f64 + (m as f64).log10(), format!("{m}e{d}")))
            })
            .filter(|&(e, _)| e >= from && e <= to)
            .collect()
    };
    let only = |ticks: Vec<(f64, String)>| ticks.into_iter().map(|(e, _)| e).collect();
    if to - from >= 3.0 {
        let count = |s: i64| last.div_euclid(s) - (first + s - 1).div_euclid(s) + 1;
        let step = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 500].into_iter().find(|&s| count(s) <= 10).unwrap_or(1000);
        let bold = (first..=last).filter(|e| e.rem_euclid(step) == 0).map(|e| (e as f64, format!("1e{e}"))).collect();
        let light = if step == 1 {
            only(digits(&|m| m > 1))
        } else {
            (first..=last).filter(|e| e.rem_euclid(step) != 0).map(|e| e as f64).collect()
        };
        return (bold, light);
    }
    let round = |m: i64| m == 1 || m == 2 || m == 5;
    let coarse = digits(&round);
    if coarse.len() >= 3 {
        return (coarse, only(digits(&|m| !round(m))));
    }
    let every = digits(&|_| true);
    if every.len() >= 3 {
        return (every, Vec::new());
    }
    // evenly spaced values, four or more, at 1, 2 or 5 times a power of ten apart
    let (lo, hi) = (10f64.powf(from), 10f64.powf(to));
    let power = 10f64.powf(((hi - lo) / 4.0).log10().floor());
    let step = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| (hi / s).floor() - (lo / s).ceil() >= 3.0)
        .unwrap_or(power);
    let places = (step.log10().floor() as i64).min(0).unsigned_abs() as usize;
    let ticks = ((lo / step).ceil() as i64..=(hi / step).floor() as i64).map(|k| k as f64 * step);
    (ticks.map(|v| (v.log10(), format!("{v:.places$}"))).collect(), Vec::new())
}

/// A y axis of powers of ten (a log axis drawn linear in the exponent) with the ticks of
/// `log_ticks`.
struct PowersOfTen {
    exponents: plotters::coord::types::RangedCoordf64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for PowersOfTen {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.exponents.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.exponents.range()
    }
}

/// A chart whose values were checked: what `picture` draws.
struct ChartDrawing<'a> {
    chart: &'a Chart,
    n: usize,
    lo: f64,
    hi: f64,
}

impl Drawing for ChartDrawing<'_> {
    fn size(&self) -> (u32, u32) {
        self.chart.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        self.chart.draw(root, self.n, self.lo, self.hi)
    }
}

/// What a network with two inputs and one output (a probability, as from a sigmoid) decides
/// over the plane: each cell of a grid shaded by the network's output, from blue (0) to orange
/// (1), with the samples drawn over it in their class's color (y ≥ 0.5 orange).
pub fn decision_boundary(
    net: &crate::Network,
    x: &ndarray::Array2<f64>,
    y: &ndarray::Array2<f64>,
    title: &str,
) -> Result<Picture> {
    let bad = |problem: String| Error::Value { name: "decision_boundary".into(), problem };
    if net.sizes()[0] != 2 || net.sizes()[net.depth()] != 1 {
        return Err(bad(format!("expected a network with 2 inputs and 1 output, got layer sizes {:?}", net.sizes())));
    }
    if x.ncols() != 2 || y.dim() != (x.nrows(), 1) || x.nrows() == 0 {
        return Err(bad(format!("expected x (m, 2) and y (m, 1) with m >= 1, got {:?} and {:?}", x.dim(), y.dim())));
    }
    let (lo0, hi0) = x.column(0).iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (lo1, hi1) = x.column(1).iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let pad0 = (hi0 - lo0).max(1e-9) * 0.1;
    let pad1 = (hi1 - lo1).max(1e-9) * 0.1;
    let (x0, x1, y0, y1) = (lo0 - pad0, hi0 + pad0, lo1 - pad1, hi1 + pad1);
    let step0 = (x1 - x0) / GRID as f64;
    let step1 = (y1 - y0) / GRID as f64;
    let grid = ndarray::Array2::from_shape_fn((GRID * GRID, 2), |(k, c)| {
        let (i, j) = (k % GRID, k / GRID);
        if c == 0 {
            x0 + (i as f64 + 0.5) * step0
        } else {
            y0 + (j as f64 + 0.5) * step1
        }
    });
    let out = net.predict(&grid)?;
    let region = Region { x: x.view(), y: y.view(), out, title, bounds: (x0, x1, y0, y1) };
    picture(&region, "decision_boundary")
}

/// Cells of the plane shaded by the network's output, with the samples over them.
struct Region<'a> {
    x: ndarray::ArrayView2<'a, f64>, // (m, 2)
    y: ndarray::ArrayView2<'a, f64>, // (m, 1)
    out: ndarray::Array2<f64>,       // (GRID², 1): the output at each cell's centre
    title: &'a str,
    bounds: (f64, f64, f64, f64), // x1 from, x1 to, x2 from, x2 to
}

const GRID: usize = 40;

impl Drawing for Region<'_> {
    fn size(&self) -> (u32, u32) {
        (520, 480)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let blue = (31.0, 119.0, 180.0);
        let orange = (255.0, 127.0, 14.0);
        let shade = |p: f64| {
            let p = p.clamp(0.0, 1.0);
            let mix = |a: f64, b: f64| (255.0 + (a + (b - a) * p - 255.0) * 0.45) as u8;
            RGBColor(mix(blue.0, orange.0), mix(blue.1, orange.1), mix(blue.2, orange.2))
        };
        let (x0, x1, y0, y1) = self.bounds;
        let (step0, step1) = ((x1 - x0) / GRID as f64, (y1 - y0) / GRID as f64);
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart.configure_mesh().disable_mesh().x_desc("x1").y_desc("x2").draw()?;
        chart.draw_series((0..GRID * GRID).map(|k| {
            let (i, j) = ((k % GRID) as f64, (k / GRID) as f64);
            let corner = (x0 + i * step0, y0 + j * step1);
            Rectangle::new([corner, (corner.0 + step0, corner.1 + step1)], shade(self.out[[k, 0]]).filled())
        }))?;
        chart.draw_series(self.x.rows().into_iter().zip(self.y.iter()).map(|(p, &label)| {
            let color = if label >= 0.5 { RGBColor(255, 127, 14) } else { RGBColor(31, 119, 180) };
            Circle::new((p[0], p[1]), 3, color.filled().stroke_width(1))
        }))?;
        Ok(())
    }
}
