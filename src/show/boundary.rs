//! What a network with two inputs and one output decides over the plane, shaded cell by cell.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::picture::{picture, DrawResult, Drawing, Picture};
use crate::error::{Error, Result};
use crate::model::Network;

/// What a network with two inputs and one output (a probability, as from a sigmoid) decides
/// over the plane: each cell of a grid shaded by the network's output, from blue (0) to orange
/// (1), with the samples drawn over it in their class's color (y ≥ 0.5 orange).
pub fn decision_boundary(
    net: &Network,
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
