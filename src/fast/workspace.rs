//! The training step without allocation: forward, backprop and the SGD update into buffers
//! kept from step to step, for training loops and benchmarks.
//!
//! [`Network::forward`], [`Network::backward`] and [`Network::update`] return or change
//! fresh arrays, which suits teaching (every intermediate can be printed) but allocates on
//! every step; for the 3-2-2 network that allocation is most of the time, and on large layers
//! fresh temporaries page-fault. [`Network::train_batch`] computes the same numbers into a
//! [`Workspace`]: small products (up to [`SMALL`] multiply-adds) run in plain loops, where
//! a general GEMM's set-up would dominate, larger ones through ndarray's `general_mat_mul`.
//!
//! On large layers the update is folded into the gradient's product, W ← 1·W − (η/m)·aᵀδ, so
//! dJ/dW is never stored and W is read and written once. With [`Workspace::with_threads`] the
//! step cuts each large layer into pieces of whole columns (units), forward and backward
//! alike, on cache-line boundaries of buffers that start on a line, and runs them on that many
//! threads (the caller and a crew of helpers), piece i always on thread i, so that a thread
//! works on the same columns of W_l forward and back.
//! Backward, a piece of layer l adds its share δ_l[:, J] W_l[:, J]ᵀ to δ_{l−1}; the pieces of
//! layer l−1 then sum those shares for their own columns. A layer too small or too narrow to
//! cut (`PARALLEL_MIN`, `MIN_PIECE`), above a layer that is cut, runs whole on the calling
//! thread forward, and hands its backward products down: each piece J of the layer below
//! finds δ_{l−1}[:, J] from δ_l W_l[J, :]ᵀ and updates the rows W_l[J, :] itself.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView, ArrayView2, ArrayViewMut, ArrayViewMut2, Axis, Zip};

use super::crew::Crew;
use super::simd::{activate, sigmoid_row};
use crate::error::{Error, Result};
use crate::io::check;
use crate::math::{Activation, Loss};
use crate::model::{update_entry, update_factor, Network};

/// Products of at most this many multiply-adds (m · k · n) run in plain loops.
pub const SMALL: usize = 4096;

/// Layers of fewer multiply-adds (m · n_{l−1} · n_l) than this are not cut: handing half of
/// one to another thread costs a few microseconds, and each piece leaves a whole share of
/// δ_{l−1}. The 784-128-10 network's output layer on 64 samples (82 K) took its step from 387
/// to 377 µs (median of 5 runs) when kept whole, against a limit of 2¹⁵; measured again once
/// such a layer handed its backward products down (`hands_down`), cutting it was still
/// slower (six alternating runs: medians 452 against 505 µs in a slow minute, the quickest
/// 313 against 326 µs).
const PARALLEL_MIN: usize = 1 << 17;

/// f64s to a 64-byte cache line. Every buffer of the step starts on a line (`line_aligned`,
/// and the network's W and b are moved onto lines at the first step, `onto_lines`), and pieces
/// are cut on multiples of a line's columns (`cut_at`), so that where rows are whole lines
/// no line is written by two threads. malloc's large blocks start 16 bytes past a page, so
/// that before, every row of every cut buffer had one line that both threads wrote:
/// 784-256-256-10 on 256 samples, two threads, took 3.63–3.70 ms a step before and 3.45–3.48
/// ms after (three runs of 1 s each, alternating), and in this machine's slow minutes, when a
/// line that passes between the cores costs the most, 4.99–5.16 ms before and 4.75–4.89 ms
/// after (eight runs each).
const LINE: usize = 8;

/// A layer is cut into pieces of at least this many columns: a narrower piece leaves the GEMM's
/// 8-column kernel half idle and shares a line in every row with its neighbour. The 784-256-256-10
/// network's 10-unit output layer on 256 samples (655 K multiply-adds, above `PARALLEL_MIN`), cut
/// in two pieces of 5, took 170 µs of a 3.5 ms step forward and back; kept whole, handing its
/// products down, the step took 4.43–4.67 ms against 4.75–4.89 ms in a slow minute (eight
/// runs each, alternating).
const MIN_PIECE: usize = 2 * LINE;

/// Buffers for one training step of a network on batches of m samples, and the threads the
/// step may use.
#[derive(Clone, Debug)]
pub struct Workspace {
    m: usize,
    sizes: Vec<usize>,       // n_0, ..., n_L
    z: Vec<Array2<f64>>,     // L of (m, n_l)
    a: Vec<Array2<f64>>,     // L of (m, n_l); a_0 is the caller's x
    delta: Vec<Array2<f64>>, // L of (m, n_l)
    db: Vec<Array1<f64>>,    // L of (n_l): dJ/db_l, summed before it is subtracted
    parts: Vec<usize>,       // L: the pieces layer l is cut into
    // for l = 2..=L, one (m, n_{l-1}) buffer per piece of layer l: its share of delta_{l-1}
    // (none when layer l, kept whole, hands its products to the pieces of layer l-1)
    shares: Vec<Vec<Array2<f64>>>,
    crew: Option<Arc<Crew>>, // None: the calling thread alone
}

impl Workspace {
    /// Buffers for `net` on batches of `m` samples; the step runs on the calling thread.
    pub fn new(net: &Network, m: usize) -> Workspace {
        let sizes = net.sizes();
        let per_layer = |rows: usize| (1..sizes.len()).map(|l| line_aligned(rows, sizes[l])).collect::<Vec<_>>();
        let mut ws = Workspace {
            m,
            sizes: sizes.clone(),
            z: per_layer(m),
            a: per_layer(m),
            delta: per_layer(m),
            db: (1..sizes.len()).map(|l| Array1::zeros(sizes[l])).collect(),
            parts: Vec::new(),
            shares: Vec::new(),
            crew: None,
        };
        ws.cut();
        ws
    }

    /// The pieces of each layer for the workspace's threads, and the buffers of their shares.
    fn cut(&mut self) {
        let (m, sizes, threads) = (self.m, &self.sizes, self.threads());
        self.parts = (1..sizes.len())
            .map(|l| {
                let n = sizes[l];
                if m * sizes[l - 1] * n < PARALLEL_MIN {
                    1
                } else {
                    threads.min(n / MIN_PIECE).max(1)
                }
            })
            .collect();
        let parts = &self.parts;
        self.shares = (2..sizes.len())
            .map(|l| {
                let pieces = if hands_down(parts, l - 1) { 0 } else { parts[l - 1] };
                (0..pieces).map(|_| line_aligned(m, sizes[l - 1])).collect()
            })
            .collect();
    }

    /// The same buffers, with the large layers of every step cut across `threads` threads: the
    /// caller's and `threads − 1` helpers this workspace starts (clones share them, one step
    /// at a time). Between the parallel parts of a step the helpers poll rather than sleep,
    /// so each keeps a core busy while steps run, and sleeps half a millisecond after the
    /// last. One thread per core is the most that helps; on a machine busy with other
    /// work, fewer.
    ///
    /// ```
    /// use backprop::{Values, Workspace};
    /// let net = Values::chapter().network().unwrap();
    /// assert_eq!(Workspace::new(&net, 1).with_threads(2).unwrap().threads(), 2);
    /// let err = Workspace::new(&net, 1).with_threads(0).unwrap_err();
    /// assert_eq!(err.to_string(), "threads: expected at least 1, got 0");
    /// ```
    pub fn with_threads(mut self, threads: usize) -> Result<Workspace> {
        check::at_least_one("threads", threads)?;
        self.crew = if threads == 1 {
            None
        } else {
            let crew = Crew::new(threads).map_err(|e| Error::Value {
                name: "threads".into(),
                problem: format!("could not start {} helper threads: {e}", threads - 1),
            })?;
            Some(Arc::new(crew))
        };
        self.cut();
        Ok(self)
    }

    /// How many threads a step uses.
    pub fn threads(&self) -> usize {
        self.crew.as_ref().map_or(1, |crew| crew.threads())
    }
}

/// How many f64s from `p` to the next start of a cache line (0 where `p` starts one).
fn to_line(p: *const f64) -> usize {
    p.align_offset(LINE * std::mem::size_of::<f64>())
}

/// A (rows, cols) array of zeros whose first element starts a cache line: the array owns a
/// few f64s more than it shows, and its view starts past them.
fn line_aligned(rows: usize, cols: usize) -> Array2<f64> {
    let len = rows * cols;
    let data = vec![0.0; len + LINE - 1];
    let skip = to_line(data.as_ptr()).min(LINE - 1);
    Array1::from_vec(data)
        .slice_move(s![skip..skip + len])
        .into_shape_with_order((rows, cols))
        .expect("rows · cols elements in a row")
}

/// Moves `a` (the same numbers) onto a buffer that starts a cache line, unless it starts one.
fn onto_lines(a: &mut Array2<f64>) {
    if to_line(a.as_ptr()) != 0 {
        let mut moved = line_aligned(a.nrows(), a.ncols());
        moved.assign(a);
        *a = moved;
    }
}

/// Whether layer l (0-based), kept whole above a layer cut in pieces, hands its products (its
/// share of δ_{l−1} and its update) down to those pieces: then no thread waits while one does
/// them alone.
fn hands_down(parts: &[usize], l: usize) -> bool {
    l > 0 && parts[l] == 1 && parts[l - 1] > 1
}

/// C = α·A·B + β·C, β being 0 or 1; `a` and `b` may be transposed views.
fn gemm(alpha: f64, a: &ArrayView2<'_, f64>, b: &ArrayView2<'_, f64>, beta: f64, c: &mut ArrayViewMut2<'_, f64>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m * k * n > SMALL {
        general_mat_mul(alpha, a, b, beta, c);
        return;
    }
    for i in 0..m {
        for j in 0..n {
            let mut sum = 0.0;
            for p in 0..k {
                sum += a[[i, p]] * b[[p, j]];
            }
            c[[i, j]] = if beta == 0.0 { alpha * sum } else { c[[i, j]] + alpha * sum };
        }
    }
}

/// Work that can be cut into pieces: views along an axis, buffers one per piece.
trait Cut: Sized + Send {
    /// The first `left` of `total` pieces, and the rest.
    fn cut(self, left: usize, total: usize) -> (Self, Self);
}

/// A view, cut along one axis into runs of whole rows or columns.
struct Along<V>(V, Axis);

/// Where a view of length `len` is cut so that the first `left` of `total` pieces fall before it.
/// On a multiple of a line's columns (`LINE`) where the pieces are wide enough to stay
/// non-empty (`MIN_PIECE`).
fn cut_at(len: usize, left: usize, total: usize) -> usize {
    let even = len * left / total;
    if len >= MIN_PIECE * total {
        ((even + LINE / 2) / LINE * LINE).min(len)
    } else {
        even
    }
}

impl<'a, D: ndarray::RemoveAxis> Cut for Along<ArrayViewMut<'a, f64, D>> {
    fn cut(self, left: usize, total: usize) -> (Self, Self) {
        let Along(view, axis) = self;
        let at = cut_at(view.len_of(axis), left, total);
        let (first, second) = view.split_at(axis, at);
        (Along(first, axis), Along(second, axis))
    }
}

impl<'a, D: ndarray::RemoveAxis> Cut for Along<ArrayView<'a, f64, D>> {
    fn cut(self, left: usize, total: usize) -> (Self, Self) {
        let Along(view, axis) = self;
        let at = cut_at(view.len_of(axis), left, total);
        let (first, second) = view.split_at(axis, at);
        (Along(first, axis), Along(second, axis))
    }
}

/// One buffer per piece.
impl<T: Send> Cut for &mut [T] {
    fn cut(self, left: usize, _total: usize) -> (Self, Self) {
        self.split_at_mut(left)
    }
}

impl<T: Cut> Cut for Option<T> {
    fn cut(self, left: usize, total: usize) -> (Self, Self) {
        match self {
            Some(work) => {
                let (first, second) = work.cut(left, total);
                (Some(first), Some(second))
            }
            None => (None, None),
        }
    }
}

impl<A: Cut, B: Cut> Cut for (A, B) {
    fn cut(self, left: usize, total: usize) -> (Self, Self) {
        let (a0, a1) = self.0.cut(left, total);
        let (b0, b1) = self.1.cut(left, total);
        ((a0, b0), (a1, b1))
    }
}

/// A piece of a layer's forward pass: (z, a) and (W, b), cut into whole columns.
type Forward<'a> = (
    (Along<ArrayViewMut2<'a, f64>>, Along<ArrayViewMut2<'a, f64>>),
    (Along<ArrayView2<'a, f64>>, Along<ArrayView2<'a, f64>>),
);

/// A piece of a layer's backward pass: (delta, W), (((b, dJ/db), the piece's share buffer),
/// the rows of the layer above's W when that layer handed its products down).
type Backward<'a> = (
    (Along<ArrayViewMut2<'a, f64>>, Along<ArrayViewMut2<'a, f64>>),
    (
        ((Along<ArrayViewMut2<'a, f64>>, Along<ArrayViewMut<'a, f64, ndarray::Ix1>>), Option<&'a mut [Array2<f64>]>),
        Option<Along<ArrayViewMut2<'a, f64>>>,
    ),
);

/// A piece and its columns, waiting for the thread that takes it.
type Slot<P> = Mutex<Option<(P, Range<usize>)>>;

/// Cuts `work` into `parts` pieces, each with its share of the columns `columns` (the length
/// along which every view in `work` is cut).
fn pieces<P: Cut>(work: P, parts: usize, columns: Range<usize>, out: &mut Vec<Slot<P>>) {
    if parts <= 1 {
        out.push(Mutex::new(Some((work, columns))));
        return;
    }
    let left = parts / 2;
    let at = columns.start + cut_at(columns.len(), left, parts);
    let (first, second) = work.cut(left, parts);
    pieces(first, left, columns.start..at, out);
    pieces(second, parts - left, at..columns.end, out);
}

/// Runs `f(piece, columns)` on `parts` pieces of `work`, one per thread of `crew`, or
/// directly when there is one piece.
fn in_parts<P: Cut>(
    work: P,
    parts: usize,
    columns: Range<usize>,
    crew: Option<&Crew>,
    f: &(impl Fn(P, Range<usize>) + Sync),
) {
    let crew = match crew {
        Some(crew) if parts > 1 => crew,
        _ => return f(work, columns),
    };
    let mut slots = Vec::with_capacity(parts);
    pieces(work, parts, columns, &mut slots);
    crew.run(&|i| {
        let piece = slots.get(i).and_then(|slot| slot.lock().unwrap_or_else(|p| p.into_inner()).take());
        if let Some((work, columns)) = piece {
            f(work, columns);
        }
    });
}

/// b ← b − factor · (column sums of δ), the sums kept in `db`.
fn update_bias(
    mut b: ArrayViewMut2<'_, f64>,
    mut db: ArrayViewMut<'_, f64, ndarray::Ix1>,
    delta: ArrayView2<'_, f64>,
    factor: f64,
) {
    db.fill(0.0);
    for row in delta.rows() {
        db += &row;
    }
    b.column_mut(0).zip_mut_with(&db, |b, &g| *b = update_entry(*b, factor, g));
}

impl Network {
    /// One full training step on the batch `x` `(m, n_0)`, `y` `(m, n_L)`: forward, backprop
    /// and the update `W ← W − (η/m) dJ/dW` (and b), with every intermediate kept in `ws`, so
    /// that nothing is allocated. Returns the loss of the forward pass, before the update.
    /// The same numbers as `forward`, `backward` and `update`, up to the order of
    /// floating-point sums and, on large sigmoid layers, the last bits of e^x (see the `simd`
    /// module: within 4 units in the last place of σ). [`train`](crate::train) runs on it.
    ///
    /// ```
    /// use backprop::{Values, Workspace};
    /// let v = Values::chapter();
    /// let mut net = v.network().unwrap();
    /// let mut ws = Workspace::new(&net, 1);
    /// let loss = net.train_batch(v.x(), v.y(), 0.01, &mut ws).unwrap();
    /// assert!((loss - 0.5932448719).abs() < 1e-9);
    /// assert!((net.w(1)[[0, 0]] - 0.09998016).abs() < 1e-8);
    /// ```
    pub fn train_batch(&mut self, x: &Array2<f64>, y: &Array2<f64>, eta: f64, ws: &mut Workspace) -> Result<f64> {
        check::learning_rate(eta)?;
        let depth = self.depth();
        let m = ws.m;
        // checked without allocating: this runs on every step
        let fits = ws.z.len() == depth && (1..=depth).all(|l| ws.z[l - 1].dim() == (m, self.w(l).ncols()));
        if !fits {
            return Err(Error::Shape {
                name: "workspace".into(),
                expected: format!("one made by Workspace::new for layer sizes {:?}", self.sizes()),
                actual: format!("one for layer sizes {:?}", ws.z.iter().map(|z| z.ncols()).collect::<Vec<_>>()),
            });
        }
        self.check_batch(x, Some(y))?;
        if x.nrows() != m {
            check::shape("x", x, (m, x.ncols()), "the workspace's batch and W1's rows")?;
        }
        let loss = run(self, x, y, update_factor(eta, m), ws);
        if !loss.is_finite() {
            return Err(Error::Value { name: "loss".into(), problem: format!("expected a finite loss, got {loss}") });
        }
        Ok(loss)
    }
}

/// One step on a batch already checked against the network and a workspace made for it
/// (`x` `(m, n_0)` and `y` `(m, n_L)`, m the workspace's): returns the loss before the update.
pub(crate) fn run(net: &mut Network, x: &Array2<f64>, y: &Array2<f64>, factor: f64, ws: &mut Workspace) -> f64 {
    let m = ws.m;
    let depth = net.depth();
    let small = net.layers.iter().all(|layer| m * layer.w.len() <= SMALL)
        && net.layers[depth - 1].activation != Activation::Softmax;
    match (small, x.as_slice(), y.as_slice()) {
        (true, Some(xs), Some(ys)) => small_step(net, xs, y, ys, factor, ws),
        _ => general_step(net, x, y, factor, ws),
    }
}

/// The step for layers of any size, each layer cut into the workspace's pieces. Neither step
/// is inlined into `run`: compiled together, a change in one moved the other's code (a change
/// here once took the 3-2-2 step from 0.106 to 0.119 µs).
#[inline(never)]
fn general_step(net: &mut Network, x: &Array2<f64>, y: &Array2<f64>, factor: f64, ws: &mut Workspace) -> f64 {
    let depth = net.depth();
    let loss_kind = net.loss();
    let Workspace { z, a, delta, db, parts, shares, crew, .. } = ws;
    let crew = crew.as_deref();
    for layer in &mut net.layers {
        onto_lines(&mut layer.w);
        onto_lines(&mut layer.b);
    }

    // forward: z_l = a_{l-1} W_l + b_l^T and a_l = f_l(z_l), each piece on its columns
    for l in 0..depth {
        let (before, rest) = a.split_at_mut(l);
        let a_prev = if l == 0 { x.view() } else { before[l - 1].view() };
        let layer = &net.layers[l];
        let f = layer.activation;
        let work = (
            (Along(z[l].view_mut(), Axis(1)), Along(rest[0].view_mut(), Axis(1))),
            (Along(layer.w.view(), Axis(1)), Along(layer.b.view(), Axis(0))),
        );
        let piece = |((Along(mut z, _), Along(mut a, _)), (Along(w, _), Along(b, _))): Forward<'_>, _| {
            gemm(1.0, &a_prev, &w, 0.0, &mut z);
            let b = b.column(0);
            match f {
                Activation::Sigmoid => {
                    for (mut z, mut a) in z.rows_mut().into_iter().zip(a.rows_mut()) {
                        z += &b;
                        let whole = "a row of whole columns";
                        sigmoid_row(z.as_slice().expect(whole), a.as_slice_mut().expect(whole));
                    }
                }
                // a needs the whole row: below
                Activation::Softmax => Zip::from(&mut z).and_broadcast(b).for_each(|z, &b| *z += b),
                _ => Zip::from(&mut z).and(a).and_broadcast(b).for_each(|z, a, &b| {
                    *z += b;
                    *a = f.at(*z);
                }),
            }
        };
        in_parts(work, parts[l], 0..layer.w.ncols(), crew, &piece);
        if f == Activation::Softmax {
            f.apply_into(&z[l], &mut rest[0]);
        }
    }
    let loss = loss_kind.value(&a[depth - 1], y);

    // backward, from the last layer: each piece of layer l, on its columns J, finds
    // delta_l[:, J] (from the output error, or from the shares layer l+1 left), subtracts
    // factor · (column sums) from b_l[J], leaves its share delta_l[:, J] W_l[:, J]^T of
    // delta_{l-1} (before W_l changes), then W_l[:, J] -= factor · a_{l-1}^T delta_l[:, J].
    // A layer kept whole above a layer cut in pieces hands its products down instead: each
    // piece of layer l-1 finds its delta_{l-1}[:, J] from (delta_l W_l[J, :]^T) ⊙ f'_{l-1} and then
    // updates W_l[J, :] -= factor · a_{l-1}[:, J]^T delta_l (`hands_down`).
    for l in (0..depth).rev() {
        let (z_l, a_l) = (z[l].view(), a[l].view());
        let a_prev = if l == 0 { x.view() } else { a[l - 1].view() };
        let (lower, upper) = shares.split_at_mut(l);
        let is_output = l + 1 == depth;
        let handed = !is_output && hands_down(parts, l + 1);
        let hands = hands_down(parts, l);
        let incoming: &[Array2<f64>] = if is_output || handed { &[] } else { &upper[0] };
        let outgoing: Option<&mut [Array2<f64>]> = if l == 0 || hands { None } else { Some(&mut lower[l - 1]) };
        let (this, above) = net.layers.split_at_mut(l + 1);
        let layer = &mut this[l];
        let f = layer.activation;
        let n = layer.w.ncols();
        let (d_this, d_above) = delta.split_at_mut(l + 1);
        // the layer above's delta and the rows of its W, when it handed its products down
        let (d_above, w_above) =
            if handed { (Some(d_above[0].view()), Some(Along(above[0].w.view_mut(), Axis(0)))) } else { (None, None) };
        let work = (
            (Along(d_this[l].view_mut(), Axis(1)), Along(layer.w.view_mut(), Axis(1))),
            (((Along(layer.b.view_mut(), Axis(0)), Along(db[l].view_mut(), Axis(0))), outgoing), w_above),
        );
        let piece = |work: Backward<'_>, cols: Range<usize>| {
            let ((Along(mut d, _), Along(mut w, _)), (((Along(b, _), Along(g, _)), out), w_above)) = work;
            let (z, a) = (z_l.slice(s![.., cols.clone()]), a_l.slice(s![.., cols.clone()]));
            let handed = w_above.map(|Along(w, _)| w).zip(d_above);
            if is_output {
                let y = y.slice(s![.., cols.clone()]);
                Zip::from(&mut d).and(z).and(a).and(y).for_each(|d, &z, &a, &y| *d = loss_kind.delta_at(f, z, a, y));
            } else {
                // δ_{l+1} W_{l+1}ᵀ on these columns: from the old W_{l+1}, before it changes below
                if let Some((w_above, d_above)) = &handed {
                    gemm(1.0, d_above, &w_above.t(), 0.0, &mut d);
                } else {
                    d.assign(&incoming[0].slice(s![.., cols.clone()]));
                    for share in &incoming[1..] {
                        d += &share.slice(s![.., cols.clone()]);
                    }
                }
                Zip::from(&mut d).and(z).and(a).for_each(|d, &z, &a| *d *= f.df_from(z, a));
            }
            if let Some((mut w_above, d_above)) = handed {
                gemm(-factor, &a.t(), &d_above, 1.0, &mut w_above);
            }
            update_bias(b, g, d.view(), factor);
            if let Some(out) = out {
                gemm(1.0, &d.view(), &w.t(), 0.0, &mut out[0].view_mut());
            }
            // the update W ← W − factor · a_prevᵀ δ (`update_entry` for every entry) folded
            // into the product, so dJ/dW is never stored
            if !hands {
                gemm(-factor, &a_prev.t(), &d.view(), 1.0, &mut w);
            }
        };
        in_parts(work, parts[l], 0..n, crew, &piece);
    }
    loss
}

/// A buffer or parameter as its row-major slice (all are standard layout: made here, or
/// checked before the small path is taken).
fn slice(a: &Array2<f64>) -> &[f64] {
    a.as_slice().expect("standard layout")
}

/// The whole step on flat row-major slices, for small layers: no views, no dispatch, so
/// that the 3-2-2 network's step costs little more than its four `exp`s.
#[inline(never)]
fn small_step(net: &mut Network, x: &[f64], y_arr: &Array2<f64>, y: &[f64], factor: f64, ws: &mut Workspace) -> f64 {
    let depth = net.layers.len();
    let m = ws.m;
    // forward: z = a_prev W + b^T, a = f(z)
    for l in 0..depth {
        let layer = &net.layers[l];
        let (k, n) = layer.w.dim();
        let (w, b) = (slice(&layer.w), slice(&layer.b));
        let (before, rest) = ws.a.split_at_mut(l);
        let a_prev = if l == 0 { x } else { slice(&before[l - 1]) };
        let z = ws.z[l].as_slice_mut().expect("standard layout");
        let a = rest[0].as_slice_mut().expect("standard layout");
        // z and a of a unit together: an activation loop of its own was compiled to read
        // z two at a time right after writing them one by one, a stall on every pair
        let f = layer.activation;
        for ((a_prev, z), a) in a_prev.chunks_exact(k).zip(z.chunks_exact_mut(n)).zip(a.chunks_exact_mut(n)) {
            for (j, ((z, a), &b)) in z.iter_mut().zip(a).zip(b).enumerate() {
                let mut sum = 0.0;
                for (p, &a) in a_prev.iter().enumerate() {
                    sum += a * w[p * n + j];
                }
                *z = sum + b;
                *a = activate(f, *z);
            }
        }
    }
    // the loss, and delta_L
    let out = &net.layers[depth - 1];
    let (a, z) = (slice(&ws.a[depth - 1]), slice(&ws.z[depth - 1]));
    let mut squared = 0.0;
    let delta = ws.delta[depth - 1].as_slice_mut().expect("standard layout");
    let loss_kind = net.loss();
    for (e, d) in delta.iter_mut().enumerate() {
        let error = a[e] - y[e];
        squared += error * error;
        *d = loss_kind.delta_at(out.activation, z[e], a[e], y[e]);
    }
    let loss = match net.loss() {
        Loss::Mse => squared / (2.0 * m as f64),
        other => other.value(&ws.a[depth - 1], y_arr),
    };
    // delta_l = (delta_{l+1} W_{l+1}^T) ⊙ f_l'(z_l)
    for l in (0..depth - 1).rev() {
        let next = &net.layers[l + 1];
        let (k, n) = next.w.dim();
        let w = slice(&next.w);
        let (lower, upper) = ws.delta.split_at_mut(l + 1);
        let (d_next, d) = (slice(&upper[0]), lower[l].as_slice_mut().expect("standard layout"));
        let (z, a) = (slice(&ws.z[l]), slice(&ws.a[l]));
        let f = net.layers[l].activation;
        for i in 0..m {
            for p in 0..k {
                let mut sum = 0.0;
                for j in 0..n {
                    sum += d_next[i * n + j] * w[p * n + j];
                }
                d[i * k + p] = sum * f.df_from(z[i * k + p], a[i * k + p]);
            }
        }
    }
    // dJ/dW = a_prev^T delta and dJ/db = column sums of delta, each subtracted as soon as
    // it is summed: every delta is already computed from the old W
    for l in 0..depth {
        let layer = &mut net.layers[l];
        let (k, n) = layer.w.dim();
        let a_prev = if l == 0 { x } else { slice(&ws.a[l - 1]) };
        let d = slice(&ws.delta[l]);
        let w = layer.w.as_slice_mut().expect("standard layout");
        for p in 0..k {
            for j in 0..n {
                let mut sum = 0.0;
                for i in 0..m {
                    sum += a_prev[i * k + p] * d[i * n + j];
                }
                w[p * n + j] = update_entry(w[p * n + j], factor, sum);
            }
        }
        let b = layer.b.as_slice_mut().expect("standard layout");
        for (j, b) in b.iter_mut().enumerate() {
            let g: f64 = (0..m).map(|i| d[i * n + j]).sum();
            *b = update_entry(*b, factor, g);
        }
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Init;

    fn starts_a_line(a: &Array2<f64>) -> bool {
        to_line(a.as_ptr()) == 0
    }

    #[test]
    fn pieces_are_cut_on_lines_and_narrow_layers_stay_whole() {
        let s = Activation::Sigmoid;
        let net = Network::init(&[784, 256, 256, 10], &[s, s, s], Loss::Mse, Init::Xavier, 1).unwrap();
        for (threads, parts) in [(1, [1, 1, 1]), (2, [2, 2, 1]), (3, [3, 3, 1])] {
            let ws = Workspace::new(&net, 256).with_threads(threads).unwrap();
            assert_eq!(ws.parts, parts, "{threads} threads");
        }
        // every cut of a wide enough run falls on a line, and no piece is empty
        for len in [16, 31, 32, 40, 97, 129, 256, 600] {
            for total in 2..=4 {
                let cuts: Vec<usize> = (0..=total).map(|left| cut_at(len, left, total)).collect();
                assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{len} in {total}: {cuts:?}");
                if len >= MIN_PIECE * total {
                    assert!(cuts[1..total].iter().all(|at| at % LINE == 0), "{len} in {total}: {cuts:?}");
                }
            }
        }
    }

    #[test]
    fn buffers_and_parameters_start_on_lines() {
        let s = Activation::Sigmoid;
        let mut net = Network::init(&[300, 64, 10], &[s, s], Loss::Mse, Init::Xavier, 2).unwrap();
        let mut plain = net.clone();
        // a W that does not start a line: the network's own, one f64 in
        let wide = Array2::from_shape_fn((300, 65), |(i, j)| net.layers[0].w[[i, j.max(1) - 1]]);
        net.layers[0].w = wide.slice_move(s![.., 1..]);
        assert!(!starts_a_line(&net.layers[0].w));
        assert_eq!(net, plain);
        let mut ws = Workspace::new(&net, 32).with_threads(2).unwrap();
        assert!(ws.z.iter().chain(&ws.a).chain(&ws.delta).chain(ws.shares.iter().flatten()).all(starts_a_line));
        let x = Array2::from_shape_fn((32, 300), |(i, j)| ((i * 7 + j) % 13) as f64 / 13.0);
        let y = Array2::from_shape_fn((32, 10), |(i, j)| ((i + j) % 2) as f64);
        net.train_batch(&x, &y, 0.5, &mut ws).unwrap();
        assert!(net.layers.iter().all(|layer| starts_a_line(&layer.w) && starts_a_line(&layer.b)));
        // moved, not changed: the same step from the same numbers, wherever they started
        plain.train_batch(&x, &y, 0.5, &mut Workspace::new(&plain, 32).with_threads(2).unwrap()).unwrap();
        assert_eq!(net, plain);
    }
}
