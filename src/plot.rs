//! Line charts of losses (or anything per epoch), drawn with plotters as SVG: shown inline in a
//! notebook, saved to a file, or embedded in a README.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};

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

    /// The chart as an SVG document.
    pub fn to_svg(&self) -> Result<String> {
        let (n, lo, hi) = self.check()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            self.draw(&root, n, lo, hi).map_err(|e| Error::Value {
                name: format!("chart {:?}", self.title),
                problem: format!("could not be drawn: {e}"),
            })?;
            root.present().map_err(|e| Error::Value { name: "chart".into(), problem: e.to_string() })?;
        }
        Ok(svg)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
        n: usize,
        lo: f64,
        hi: f64,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let x_range = 1.0..(n.max(2) as f64);
        let mut builder = ChartBuilder::on(root);
        builder.caption(&self.title, ("sans-serif", 22)).margin(12).x_label_area_size(40).y_label_area_size(70);
        if self.log_y {
            let mut chart = builder.build_cartesian_2d(x_range, (lo * 0.9..hi * 1.1).log_scale())?;
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|v| format!("{v:.0e}"))
                .draw()?;
            self.draw_lines(&mut chart)
        } else {
            let pad = ((hi - lo) * 0.05).max(1e-12);
            let mut chart = builder.build_cartesian_2d(x_range, (lo.min(0.0) - pad)..(hi + pad))?;
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()?;
            self.draw_lines(&mut chart)
        }
    }

    /// Every series with its legend entry, on either kind of y axis.
    fn draw_lines<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let style = |i: usize| COLORS[i % COLORS.len()].stroke_width(2);
        for (i, s) in self.series.iter().enumerate() {
            // a chart is a few hundred pixels wide: about 1000 points per line look the same as
            // every point, in a far smaller SVG (the last point is always drawn)
            let stride = s.values.len().div_ceil(MAX_POINTS).max(1);
            let last = s.values.len().saturating_sub(1);
            let points = s
                .values
                .iter()
                .enumerate()
                .filter(|(e, _)| e % stride == 0 || *e == last)
                .map(|(e, &v)| ((e + 1) as f64, v));
            chart
                .draw_series(LineSeries::new(points, style(i)))?
                .label(&s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style(i)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
    }

    /// Writes the SVG to `path`.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let svg = self.to_svg()?;
        std::fs::write(path, svg).map_err(|source| Error::Io { file: path.to_path_buf(), source })
    }

    /// Shows the chart inline in a Jupyter notebook on the Rust kernel (evcxr calls this when a
    /// cell's value is a `Chart`).
    pub fn evcxr_display(&self) {
        match self.to_svg() {
            Ok(svg) => println!("EVCXR_BEGIN_CONTENT image/svg+xml\n{svg}\nEVCXR_END_CONTENT"),
            Err(e) => eprintln!("{e}"),
        }
    }
}

/// A finished SVG picture: shows inline in a notebook, saves to a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Svg(pub String);

impl Svg {
    /// Writes the SVG to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, &self.0).map_err(|source| Error::Io { file: path.to_path_buf(), source })
    }

    /// Shows the picture inline in a Jupyter notebook on the Rust kernel.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT", self.0);
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
) -> Result<Svg> {
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
    const GRID: usize = 40;
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
    let blue = (31.0, 119.0, 180.0);
    let orange = (255.0, 127.0, 14.0);
    let shade = |p: f64| {
        let p = p.clamp(0.0, 1.0);
        let mix = |a: f64, b: f64| (255.0 + (a + (b - a) * p - 255.0) * 0.45) as u8;
        RGBColor(mix(blue.0, orange.0), mix(blue.1, orange.1), mix(blue.2, orange.2))
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520, 480)).into_drawing_area();
        let draw = || -> std::result::Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(title, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(44)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            chart.configure_mesh().disable_mesh().x_desc("x1").y_desc("x2").draw()?;
            chart.draw_series((0..GRID * GRID).map(|k| {
                let (i, j) = ((k % GRID) as f64, (k / GRID) as f64);
                let corner = (x0 + i * step0, y0 + j * step1);
                Rectangle::new([corner, (corner.0 + step0, corner.1 + step1)], shade(out[[k, 0]]).filled())
            }))?;
            chart.draw_series(x.rows().into_iter().zip(y.iter()).map(|(p, &label)| {
                let color = if label >= 0.5 { RGBColor(255, 127, 14) } else { RGBColor(31, 119, 180) };
                Circle::new((p[0], p[1]), 3, color.filled().stroke_width(1))
            }))?;
            root.present()
        };
        draw().map_err(|e| bad(format!("could not be drawn: {e}")))?;
    }
    Ok(Svg(svg))
}
