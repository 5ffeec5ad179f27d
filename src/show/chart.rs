//! Line charts of losses, or anything per epoch, on a linear or a log axis, with a legend in
//! the corner where it hides the least of the lines.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::picture::{picture, rasterize, svg_of, write, DrawResult, Drawing, Format, Picture};
use crate::error::{Error, Result};

/// One named line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Series {
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
            Format::Png => write(path, &rasterize(&svg_of(&drawing, &name)?, &name)?),
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
