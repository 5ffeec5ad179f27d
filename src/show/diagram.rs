//! The network drawn from a worked step, with the step's own numbers: forward (z, a, the
//! weights and biases), backward (f'(z), δ, dJ/dW = a_from · δ_to) and the update (old →
//! new), and one weight's paths to the cost highlighted.
//!
//! Layers are columns, units circles, weights lines from unit i of layer l−1 to unit j of
//! layer l: `W_l[i, j]` (row = from, column = to, numpy's indices from 0, as the picture says
//! at its foot). A line's width grows with the size of the number it carries and its colour
//! shows the sign. Up to [`NUMBERED`] units a layer, every number is written; wider layers
//! are drawn with width and colour alone.

use std::str::FromStr;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::numbers::{changed, short};
use super::picture::{picture, DrawResult, Drawing, Picture};
use crate::error::{Error, Result};
use crate::model::{Param, Step};

/// Layers up to this many units have every number written on the picture.
pub const NUMBERED: usize = 8;

/// What the diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Inputs, each unit's z and a, the biases, the targets; each weight on its line.
    Forward,
    /// dJ/da_L at the outputs, each unit's f'(z) and δ; each line's dJ/dW = a_from · δ_to.
    Backward,
    /// Each weight and bias, old → new.
    Update,
}

impl FromStr for View {
    type Err = Error;

    fn from_str(s: &str) -> Result<View> {
        match s {
            "forward" => Ok(View::Forward),
            "backward" => Ok(View::Backward),
            "update" => Ok(View::Update),
            other => Err(Error::Value {
                name: "view".into(),
                problem: format!("expected one of \"forward\", \"backward\", \"update\", got {other:?}"),
            }),
        }
    }
}

/// Which sample of the batch a diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    /// Sample i (a row of x), from 0.
    One(usize),
    /// The whole batch: the gradients summed over the samples (dJ/dW = a_{l−1}ᵀ δ_l, dJ/db = Σ δ),
    /// as the update uses them; the units' values are then the first sample's.
    Sum,
}

/// A diagram of a worked step; see the module's docs.
///
/// ```
/// use backprop::show::View;
/// let step = backprop::Values::chapter().step().unwrap();
/// let svg = step.diagram(View::Forward).picture().unwrap().svg().to_string();
/// assert!(svg.contains("W1[2,1] = 0.6") && svg.contains("z = 4.3"));
/// ```
#[derive(Clone, Debug)]
pub struct Diagram<'a> {
    step: &'a Step,
    view: View,
    sample: Sample,
    highlight: Option<Param>,
}

impl<'a> Diagram<'a> {
    /// The step's network in `view`, for its first sample (and the sums, going backward over
    /// a batch, see [`Diagram::sample`]).
    pub fn new(step: &'a Step, view: View) -> Diagram<'a> {
        Diagram { step, view, sample: Sample::One(0), highlight: None }
    }

    /// Shows `sample` instead of the first.
    pub fn sample(mut self, sample: Sample) -> Diagram<'a> {
        self.sample = sample;
        self
    }

    /// Draws the paths from `param` (`"W1[2,1]"`, `"b2[0]"`) to the cost strong and
    /// everything else faint: the lines its change travels along (see [`Step::chain_paths`]).
    /// A parameter the network does not have is refused, naming its shape.
    pub fn highlight(mut self, param: &str) -> Result<Diagram<'a>> {
        let param = Param::parse(param)?;
        param.check(&self.step.network().sizes())?;
        self.highlight = Some(param);
        Ok(self)
    }

    /// The picture, as SVG with a PNG of it.
    pub fn picture(&self) -> Result<Picture> {
        let m = self.step.samples();
        if let Sample::One(i) = self.sample {
            if i >= m {
                return Err(Error::Value {
                    name: "sample".into(),
                    problem: format!("expected a sample from 0 to {}, got {i}", m - 1),
                });
            }
        }
        picture(&Layout::new(self), "diagram")
    }

    /// Shows the picture inline in a notebook on the Rust kernel; an error is printed instead.
    pub fn evcxr_display(&self) {
        match self.picture() {
            Ok(p) => p.evcxr_display(),
            Err(e) => eprintln!("error: {e}"),
        }
    }
}

const BLUE: RGBColor = RGBColor(31, 119, 180);
const RED: RGBColor = RGBColor(214, 39, 40);
const GOLD: RGBColor = RGBColor(230, 159, 0);
const GREY: RGBColor = RGBColor(120, 120, 120);

/// A unit's place and its lines of text.
struct Unit {
    at: (i32, i32),
    radius: i32,
    title: String,
    lines: Vec<String>,
}

/// A weight's line and its label.
struct Edge {
    from: (i32, i32),
    to: (i32, i32),
    value: f64,
    label: Option<String>,
    label_at: (i32, i32), // the label's centre, on the line, clear of every other text
    gap: usize,           // between layers gap and gap + 1
    strong: bool,
}

/// A box of text or of a unit: left, top, right, bottom.
type Boxed = (i32, i32, i32, i32);

/// The box that `text` in a font of `size` takes, centred on `at`: a generous estimate (every
/// character as wide as DejaVu Sans's digits, 0.636 em, and a little more).
fn text_box(at: (i32, i32), text: &str, size: u32) -> Boxed {
    let half = (text.chars().count() as f64 * size as f64 * 0.33) as i32 + 2;
    let rise = size as i32 / 2 + 2;
    (at.0 - half, at.1 - rise, at.0 + half, at.1 + rise)
}

fn overlap(a: &Boxed, b: &Boxed) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Label font sizes: edges, unit lines, unit titles, column headers.
const EDGE_FONT: u32 = 11;
const UNIT_FONT: u32 = 12;
const HEADER_FONT: u32 = 13;

/// Where line `k` of the text under a unit is centred.
fn unit_line_at(u: &Unit, k: usize) -> (i32, i32) {
    (u.at.0, u.at.1 + u.radius + 12 + 14 * k as i32)
}

/// Everything placed, ready to draw on either backend.
struct Layout {
    size: (u32, u32),
    title: String,
    headers: Vec<((i32, i32), String)>,
    units: Vec<Unit>,
    edges: Vec<Edge>,
    biggest: f64,
    faint: bool,
    notes: Vec<String>,
}

/// The narrowest gap between two columns; a gap grows until its labels fit.
const COLUMN: i32 = 330;
const ROW: i32 = 120;
const RADIUS: i32 = 26;
const TOP: i32 = 100;
const LEFT: i32 = 110;

impl Layout {
    /// The layout of `d`, each gap between columns widened until every edge's label finds a
    /// place on its line that no other text covers.
    fn new(d: &Diagram<'_>) -> Layout {
        let mut gaps = vec![COLUMN; d.step.depth()];
        loop {
            let mut layout = Layout::build(d, &gaps);
            match layout.place_labels() {
                Ok(()) => return layout,
                // past this, give up on clear labels: the numbers are still all written
                Err(gap) if gaps[gap] < 2400 => gaps[gap] += 120,
                Err(_) => return layout,
            }
        }
    }

    /// Puts each label at the first place along its line, from near its start, whose box
    /// meets no unit, no unit's text, no header and no label placed before; fails with the
    /// gap where a label found none.
    fn place_labels(&mut self) -> std::result::Result<(), usize> {
        let mut taken: Vec<Boxed> = Vec::new();
        for u in &self.units {
            taken.push((u.at.0 - u.radius, u.at.1 - u.radius, u.at.0 + u.radius, u.at.1 + u.radius));
            for (k, line) in u.lines.iter().enumerate() {
                taken.push(text_box(unit_line_at(u, k), line, UNIT_FONT));
            }
        }
        for (at, name) in &self.headers {
            taken.push(text_box(*at, name, HEADER_FONT));
        }
        const ALONG: [f64; 15] = [0.3, 0.35, 0.25, 0.4, 0.2, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.15, 0.75, 0.8, 0.85];
        for e in &mut self.edges {
            let Some(label) = &e.label else { continue };
            let spot = ALONG.iter().find_map(|t| {
                let at = (
                    e.from.0 + ((e.to.0 - e.from.0) as f64 * t) as i32,
                    e.from.1 + ((e.to.1 - e.from.1) as f64 * t) as i32,
                );
                let boxed = text_box(at, label, EDGE_FONT);
                (!taken.iter().any(|other| overlap(&boxed, other))).then_some((at, boxed))
            });
            let (at, boxed) = spot.ok_or(e.gap)?;
            e.label_at = at;
            taken.push(boxed);
        }
        Ok(())
    }

    fn build(d: &Diagram<'_>, gaps: &[i32]) -> Layout {
        let step = d.step;
        let net = step.network();
        let sizes = net.sizes();
        let depth = net.depth();
        let grid = Grid::new(&sizes, gaps);
        let mut units = Vec::new();
        let mut edges = Vec::new();
        for (l, &width) in sizes.iter().enumerate() {
            for u in 0..width {
                let lines = if grid.numbered(l) { unit_lines(d, l, u) } else { Vec::new() };
                let title = match (l, l == depth, grid.numbered(l)) {
                    (0, _, _) => format!("x[{u}]"),
                    (_, true, _) => format!("out[{u}]"),
                    (_, false, true) => format!("unit {u}"),
                    (_, false, false) => u.to_string(),
                };
                units.push(Unit { at: grid.place(l, u), title, lines, radius: grid.radius });
            }
            if l > 0 {
                edges.extend(layer_edges(d, &grid, l));
            }
        }
        let biggest = edges.iter().map(|e| e.value.abs()).fold(0.0, f64::max);
        let notes = notes(d, &sizes);
        let width = (LEFT * 2 + gaps.iter().sum::<i32>()) as u32;
        let headers = (0..=depth)
            .map(|l| {
                let name = match l {
                    0 => "layer 0: x".to_string(),
                    l if l == depth => format!("layer {l}: output, {}", net.activation(l)),
                    l => format!("layer {l}: {}", net.activation(l)),
                };
                ((grid.column(l), TOP - 30), name)
            })
            .collect();
        Layout {
            size: (width.max(760), grid.height as u32 + 20 * notes.len() as u32),
            title: title(d),
            headers,
            units,
            edges,
            biggest,
            faint: d.highlight.is_some(),
            notes,
        }
    }
}

/// Where the units go: layers are columns `gaps` apart, each layer's units spread over the
/// same span; wide layers get small units close together.
struct Grid {
    sizes: Vec<usize>,
    gaps: Vec<i32>,
    span: i32,
    radius: i32,
    height: i32,
}

impl Grid {
    fn new(sizes: &[usize], gaps: &[i32]) -> Grid {
        let widest = *sizes.iter().max().expect("at least two layers");
        let (row, radius) = if widest > NUMBERED { (40, 13) } else { (ROW, RADIUS) };
        let span = row * widest as i32;
        Grid { sizes: sizes.to_vec(), gaps: gaps.to_vec(), span, radius, height: TOP + span + 70 }
    }

    fn column(&self, l: usize) -> i32 {
        LEFT + self.gaps[..l].iter().sum::<i32>()
    }

    fn place(&self, l: usize, u: usize) -> (i32, i32) {
        let gap = (self.span / self.sizes[l] as i32).min(ROW);
        let offset = (self.span - gap * self.sizes[l] as i32) / 2;
        (self.column(l), TOP + offset + gap * u as i32 + gap / 2)
    }

    /// Whether layer l is narrow enough to have its numbers written.
    fn numbered(&self, l: usize) -> bool {
        self.sizes[l] <= NUMBERED
    }
}

/// The sample whose numbers the units show: the chosen one, or the first for the sums.
fn shown_sample(d: &Diagram<'_>) -> usize {
    match d.sample {
        Sample::One(i) => i,
        Sample::Sum => 0,
    }
}

/// The lines of text under unit u of layer l, in the diagram's view.
fn unit_lines(d: &Diagram<'_>, l: usize, u: usize) -> Vec<String> {
    let step = d.step;
    let (net, trace, grads, updated) = (step.network(), step.trace(), step.gradients(), step.updated());
    let (s, depth) = (shown_sample(d), net.depth());
    if l == 0 {
        return vec![format!("= {}", short(trace.a(0)[[s, u]]))];
    }
    let summed = d.sample == Sample::Sum && d.view == View::Backward;
    match d.view {
        View::Forward => {
            let mut lines = vec![
                format!("b = {}", short(net.b(l)[[u, 0]])),
                format!("z = {}", short(trace.z(l)[[s, u]])),
                format!("a = {}", short(trace.a(l)[[s, u]])),
            ];
            if l == depth {
                lines.push(format!("y = {}", short(step.values().y()[[s, u]])));
            }
            lines
        }
        View::Backward if summed => vec![format!("dJ/db = Σδ = {}", short(grads.db(l)[[u, 0]]))],
        View::Backward => {
            let mut lines = Vec::new();
            if l == depth {
                lines.push(format!("dJ/da = {}", short(grads.dj_da(l)[[s, u]])));
            }
            lines.push(format!("f'(z) = {}", short(grads.df_dz(l)[[s, u]])));
            lines.push(format!("δ = {}", short(grads.delta(l)[[s, u]])));
            lines
        }
        View::Update => {
            let (old, new) = (net.b(l)[[u, 0]], updated.b(l)[[u, 0]]);
            vec![format!("b: {} → {}", short(old), changed(old, new))]
        }
    }
}

/// Whether the line of W_l[from, to] is on a path from the highlighted parameter to the cost:
/// its own line, then every line out of the units its change reaches.
fn on_path(d: &Diagram<'_>, l: usize, from: usize, to: usize) -> bool {
    match d.highlight {
        None => false,
        Some(p) if p.bias => l > p.layer && (l > p.layer + 1 || from == p.row),
        Some(p) => {
            (l == p.layer && from == p.row && to == p.col) || (l == p.layer + 1 && from == p.col) || l > p.layer + 1
        }
    }
}

/// The lines of layer l's weights, each with the number the view puts on it.
fn layer_edges(d: &Diagram<'_>, grid: &Grid, l: usize) -> Vec<Edge> {
    let step = d.step;
    let (net, grads, updated) = (step.network(), step.gradients(), step.updated());
    let summed = d.sample == Sample::Sum && d.view == View::Backward;
    let share = (d.view == View::Backward && !summed).then(|| step.sample_dw(l, shown_sample(d)));
    let mut edges = Vec::new();
    for i in 0..grid.sizes[l - 1] {
        for j in 0..grid.sizes[l] {
            let w = net.w(l)[[i, j]];
            let (value, text) = match d.view {
                View::Forward => (w, format!("W{l}[{i},{j}] = {}", short(w))),
                View::Backward => {
                    let g = share.as_ref().map_or(grads.dw(l)[[i, j]], |share| share[[i, j]]);
                    (g, format!("dJ/dW{l}[{i},{j}] = {}", short(g)))
                }
                View::Update => {
                    let new = updated.w(l)[[i, j]];
                    (new, format!("W{l}[{i},{j}]: {} → {}", short(w), changed(w, new)))
                }
            };
            let label = (grid.numbered(l - 1) && grid.numbered(l)).then_some(text);
            let (from, to) = (grid.place(l - 1, i), grid.place(l, j));
            edges.push(Edge { from, to, value, label, label_at: from, gap: l - 1, strong: on_path(d, l, i, j) });
        }
    }
    edges
}

/// The title: the view's equations, and which sample or sums it shows.
fn title(d: &Diagram<'_>) -> String {
    let m = d.step.samples();
    let which = match (d.view, d.sample, m) {
        (_, _, 1) => String::new(),
        (View::Backward, Sample::Sum, _) => format!(", gradients summed over the {m} samples"),
        (View::Update, _, _) => format!(", the update of the {m}-sample batch"),
        (_, _, _) => format!(", sample {} of {m} (samples from 0)", shown_sample(d)),
    };
    let title = match d.view {
        View::Forward => "Forward: z = a_prev W + b^T, a = f(z)",
        View::Backward => "Backward: δ = dJ/dz, dJ/dW[i,j] = a_prev[i] · δ[j]",
        View::Update => "Update: W ← W − (η/m) dJ/dW, b ← b − (η/m) dJ/db",
    };
    format!("{title}{which}")
}

/// The notes at the picture's foot.
fn notes(d: &Diagram<'_>, sizes: &[usize]) -> Vec<String> {
    let mut notes = vec![
        "W_l[i,j] joins unit i of layer l−1 (its row) to unit j of layer l (its column); indices from 0 as in numpy"
            .to_string(),
        "line width: the size of the number on it; blue positive, red negative".to_string(),
    ];
    if let Some(p) = d.highlight {
        notes.push(format!("strong: the paths from {p} to the cost"));
    }
    if sizes.iter().any(|&n| n > NUMBERED) {
        notes.push(format!("layers wider than {NUMBERED} units: width and colour only"));
    }
    notes
}

impl Drawing for Layout {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let centred = Pos::new(HPos::Center, VPos::Center);
        let font = |size: u32, color: RGBColor| ("sans-serif", size).into_font().color(&color);
        root.draw(&Text::new(self.title.clone(), (20, 28), font(19, BLACK)))?;
        for (at, name) in &self.headers {
            root.draw(&Text::new(name.clone(), *at, font(HEADER_FONT, GREY).pos(centred)))?;
        }
        for e in &self.edges {
            // many lines: thinner, so that they do not merge into one
            let widest = if self.edges.len() > 64 { 3.0 } else { 6.0 };
            let width = if self.biggest > 0.0 { 1.0 + widest * e.value.abs() / self.biggest } else { 1.0 };
            let base = if e.value < 0.0 { RED } else { BLUE };
            let (color, alpha) = match (self.faint, e.strong) {
                (true, true) => (GOLD, 1.0),
                (true, false) => (base, 0.15),
                (false, _) => (base, 0.75),
            };
            let style = ShapeStyle { color: color.mix(alpha), filled: false, stroke_width: width.round() as u32 };
            root.draw(&PathElement::new(vec![e.from, e.to], style))?;
        }
        for e in &self.edges {
            if let Some(label) = &e.label {
                // on a white box, so that it reads over the lines it crosses
                let color = if self.faint && !e.strong { GREY } else { BLACK };
                let half = (label.chars().count() as i32 * 6 + 6) / 2;
                let at = e.label_at;
                root.draw(&Rectangle::new(
                    [(at.0 - half, at.1 - 7), (at.0 + half, at.1 + 7)],
                    WHITE.mix(0.85).filled(),
                ))?;
                root.draw(&Text::new(label.clone(), at, font(EDGE_FONT, color).pos(centred)))?;
            }
        }
        for u in &self.units {
            root.draw(&Circle::new(u.at, u.radius, WHITE.filled()))?;
            root.draw(&Circle::new(u.at, u.radius, BLACK.stroke_width(2)))?;
            let size = if u.radius < RADIUS { 9 } else { UNIT_FONT };
            root.draw(&Text::new(u.title.clone(), u.at, font(size, BLACK).pos(centred)))?;
            for (k, line) in u.lines.iter().enumerate() {
                root.draw(&Text::new(line.clone(), unit_line_at(u, k), font(UNIT_FONT, BLACK).pos(centred)))?;
            }
        }
        let (_, height) = self.size;
        for (k, note) in self.notes.iter().enumerate() {
            let y = height as i32 - 20 * (self.notes.len() - k) as i32;
            root.draw(&Text::new(note.clone(), (20, y), font(12, GREY)))?;
        }
        Ok(())
    }
}

impl Step {
    /// A picture of the network with this step's numbers, in `view` (see [`Diagram`]): it
    /// shows inline in a notebook, and [`Diagram::picture`] gives its SVG and PNG.
    pub fn diagram(&self, view: View) -> Diagram<'_> {
        Diagram::new(self, view)
    }
}
