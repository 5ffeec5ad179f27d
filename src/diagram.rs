//! The network drawn from a worked step, with the step's own numbers: forward (z, a, the
//! weights and biases), backward (f'(z), δ, dJ/dW = a_from · δ_to) and the update (old →
//! new), and one weight's paths to the cost highlighted.
//!
//! Layers are columns, units circles, weights lines from unit i of layer l−1 to unit j of
//! layer l: `W_l[i, j]` (row = from, column = to, numpy's indices from 0, as the picture says
//! at its foot). A line's width grows with the size of the number it carries and its colour
//! shows the sign. Up to [`NUMBERED`] units a layer, every number is written; wider layers
//! are drawn with width and colour alone.

use std::fmt;
use std::str::FromStr;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::derivation::{significant_plain, significant_power};
use crate::error::{Error, Result};
use crate::plot::{picture, DrawResult, Drawing};
use crate::step::Step;
use crate::Picture;

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

/// One weight or bias of the network: `W1[2,1]` is row 2, column 1 of W1; `b2[0]` is the
/// first entry of b2 (numpy's indices, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The layer, from 1.
    pub layer: usize,
    /// Whether it is a bias.
    pub bias: bool,
    /// The row: the unit it comes from (a weight) or the unit it belongs to (a bias).
    pub row: usize,
    /// The column: the unit a weight goes to; 0 for a bias.
    pub col: usize,
}

impl Param {
    /// Parses `W1[2,1]`, `W1[2][1]`, `b2[0]` or `b2[0,0]`.
    ///
    /// ```
    /// use backprop::diagram::Param;
    /// let w: Param = "W1[2,1]".parse().unwrap();
    /// assert_eq!((w.layer, w.bias, w.row, w.col), (1, false, 2, 1));
    /// assert!("W1(2,1)".parse::<Param>().unwrap_err().to_string().contains("expected a weight like W1[2,1]"));
    /// ```
    pub fn parse(text: &str) -> Result<Param> {
        let bad = || Error::Value {
            name: "parameter".into(),
            problem: format!("expected a weight like W1[2,1] or a bias like b2[0], got {text:?}"),
        };
        let t = text.trim();
        let bias = match t.chars().next() {
            Some('W' | 'w') => false,
            Some('b') => true,
            _ => return Err(bad()),
        };
        let open = t.find('[').ok_or_else(bad)?;
        let layer: usize = t[1..open].parse().map_err(|_| bad())?;
        let inner = t[open..].strip_prefix('[').and_then(|r| r.strip_suffix(']')).ok_or_else(bad)?;
        let numbers: Vec<usize> = inner
            .split([',', ']', '['])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| bad()))
            .collect::<Result<_>>()?;
        let (row, col) = match (bias, numbers.as_slice()) {
            (false, [r, c]) => (*r, *c),
            (true, [r]) | (true, [r, 0]) => (*r, 0),
            _ => return Err(bad()),
        };
        if layer == 0 {
            return Err(bad());
        }
        Ok(Param { layer, bias, row, col })
    }

    /// Checks that the parameter exists in a network of layer widths `sizes`.
    pub(crate) fn check(&self, sizes: &[usize]) -> Result<()> {
        let depth = sizes.len() - 1;
        let shape = if self.layer <= depth {
            if self.bias {
                (sizes[self.layer], 1)
            } else {
                (sizes[self.layer - 1], sizes[self.layer])
            }
        } else {
            (0, 0)
        };
        if self.layer > depth || self.row >= shape.0 || self.col >= shape.1 {
            let kind = if self.bias { "b" } else { "W" };
            let within = if self.layer > depth {
                format!("this network has layers 1 to {depth}")
            } else {
                format!("{kind}{} is ({}, {})", self.layer, shape.0, shape.1)
            };
            return Err(Error::Value {
                name: self.to_string(),
                problem: format!("no such {}: {within}", if self.bias { "bias" } else { "weight" }),
            });
        }
        Ok(())
    }
}

impl FromStr for Param {
    type Err = Error;

    fn from_str(s: &str) -> Result<Param> {
        Param::parse(s)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bias {
            write!(f, "b{}[{}]", self.layer, self.row)
        } else {
            write!(f, "W{}[{},{}]", self.layer, self.row, self.col)
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
/// use backprop::diagram::{Diagram, View};
/// let step = backprop::Values::chapter().step().unwrap();
/// let svg = Diagram::new(&step, View::Forward).picture().unwrap().svg().to_string();
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
    /// everything else faint: the lines its change travels along (see [`Step::chain_rule`]).
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

/// A number as short as it can be read: 4 significant digits, trailing zeros trimmed.
///
/// ```
/// use backprop::diagram::short;
/// assert_eq!(short(4.3), "4.3");
/// assert_eq!(short(0.98661308), "0.9866");
/// assert_eq!(short(0.000198), "0.000198");
/// assert_eq!(short(-1.5e-7), "-1.5e-7");
/// ```
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{}", if v == 0.0 { 0.0 } else { v });
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        let (mantissa, exp) = significant_power(v, 4);
        return format!("{mantissa}e{exp}");
    }
    significant_plain(v, 4)
}

/// A new value written with the digits it takes to differ from the old (as the derivation
/// writes its updates), at least [`short`]'s.
fn changed(old: f64, new: f64) -> String {
    let plain = short(new);
    if old == new || plain != short(old) {
        plain
    } else {
        crate::derivation::updated_number(old, new)
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
        let (net, trace, grads, updated) = (step.network(), step.trace(), step.gradients(), step.updated());
        let sizes = net.sizes();
        let depth = net.depth();
        let m = step.samples();
        let s = match d.sample {
            Sample::One(i) => i,
            Sample::Sum => 0,
        };
        let summed = d.sample == Sample::Sum && d.view == View::Backward;
        let widest = *sizes.iter().max().expect("at least two layers");
        // wide layers get small units close together; every layer spreads over the same span
        let (row, radius) = if widest > NUMBERED { (40, 13) } else { (ROW, RADIUS) };
        let span = row * widest as i32;
        let height = TOP + span + 70;
        let column = |l: usize| LEFT + gaps[..l].iter().sum::<i32>();
        let place = |l: usize, u: usize| -> (i32, i32) {
            let gap = (span / sizes[l] as i32).min(ROW);
            let offset = (span - gap * sizes[l] as i32) / 2;
            (column(l), TOP + offset + gap * u as i32 + gap / 2)
        };
        let numbered = |l: usize| sizes[l] <= NUMBERED;
        let on_path = |l: usize, from: usize, to: usize| -> bool {
            // the lines the highlighted parameter's change travels along: its own, then every
            // line out of the units it reaches, to the outputs
            match d.highlight {
                None => false,
                Some(p) if p.bias => l > p.layer && (l > p.layer + 1 || from == p.row),
                Some(p) => {
                    (l == p.layer && from == p.row && to == p.col)
                        || (l == p.layer + 1 && from == p.col)
                        || l > p.layer + 1
                }
            }
        };
        let mut units = Vec::new();
        for u in 0..sizes[0] {
            let lines = if numbered(0) { vec![format!("= {}", short(trace.a(0)[[s, u]]))] } else { vec![] };
            units.push(Unit { at: place(0, u), title: format!("x[{u}]"), lines, radius });
        }
        let mut edges = Vec::new();
        let mut biggest: f64 = 0.0;
        for l in 1..=depth {
            for u in 0..sizes[l] {
                let mut lines = Vec::new();
                if numbered(l) {
                    let bias = |v: f64| format!("b = {}", short(v));
                    match d.view {
                        View::Forward => {
                            lines.push(bias(net.b(l)[[u, 0]]));
                            lines.push(format!("z = {}", short(trace.z(l)[[s, u]])));
                            lines.push(format!("a = {}", short(trace.a(l)[[s, u]])));
                            if l == depth {
                                lines.push(format!("y = {}", short(step.values().y.data[[s, u]])));
                            }
                        }
                        View::Backward if summed => {
                            lines.push(format!("dJ/db = Σδ = {}", short(grads.db(l)[[u, 0]])));
                        }
                        View::Backward => {
                            if l == depth {
                                lines.push(format!("dJ/da = {}", short(grads.dj_da()[[s, u]])));
                            }
                            lines.push(format!("f'(z) = {}", short(grads.df_dz(l)[[s, u]])));
                            lines.push(format!("δ = {}", short(grads.delta(l)[[s, u]])));
                        }
                        View::Update => {
                            let (old, new) = (net.b(l)[[u, 0]], updated.b(l)[[u, 0]]);
                            lines.push(format!("b: {} → {}", short(old), changed(old, new)));
                        }
                    }
                }
                let title = match (l == depth, numbered(l)) {
                    (true, _) => format!("out[{u}]"),
                    (false, true) => format!("unit {u}"),
                    (false, false) => u.to_string(),
                };
                units.push(Unit { at: place(l, u), title, lines, radius });
            }
            for i in 0..sizes[l - 1] {
                for j in 0..sizes[l] {
                    let w = net.w(l)[[i, j]];
                    let (value, text) = match d.view {
                        View::Forward => (w, format!("W{l}[{i},{j}] = {}", short(w))),
                        View::Backward => {
                            let g = if summed {
                                grads.dw(l)[[i, j]]
                            } else {
                                trace.a(l - 1)[[s, i]] * grads.delta(l)[[s, j]]
                            };
                            (g, format!("dJ/dW{l}[{i},{j}] = {}", short(g)))
                        }
                        View::Update => {
                            let new = updated.w(l)[[i, j]];
                            (new, format!("W{l}[{i},{j}]: {} → {}", short(w), changed(w, new)))
                        }
                    };
                    biggest = biggest.max(value.abs());
                    let label = (numbered(l - 1) && numbered(l)).then_some(text);
                    let (from, to) = (place(l - 1, i), place(l, j));
                    let gap = l - 1;
                    edges.push(Edge { from, to, value, label, label_at: from, gap, strong: on_path(l, i, j) });
                }
            }
        }
        let which = match (d.view, d.sample, m) {
            (_, _, 1) => String::new(),
            (View::Backward, Sample::Sum, _) => format!(", gradients summed over the {m} samples"),
            (View::Update, _, _) => format!(", the update of the {m}-sample batch"),
            (_, _, _) => format!(", sample {s} of {m} (samples from 0)"),
        };
        let title = match d.view {
            View::Forward => "Forward: z = a_prev W + b^T, a = f(z)",
            View::Backward => "Backward: δ = dJ/dz, dJ/dW[i,j] = a_prev[i] · δ[j]",
            View::Update => "Update: W ← W − (η/m) dJ/dW, b ← b − (η/m) dJ/db",
        };
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
        let width = (LEFT * 2 + gaps.iter().sum::<i32>()) as u32;
        let headers = (0..=depth)
            .map(|l| {
                let name = match l {
                    0 => "layer 0: x".to_string(),
                    l if l == depth => format!("layer {l}: output, {}", net.activation(l)),
                    l => format!("layer {l}: {}", net.activation(l)),
                };
                ((column(l), TOP - 30), name)
            })
            .collect();
        Layout {
            size: (width.max(760), height as u32 + 20 * notes.len() as u32),
            title: format!("{title}{which}"),
            headers,
            units,
            edges,
            biggest,
            faint: d.highlight.is_some(),
            notes,
        }
    }
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
