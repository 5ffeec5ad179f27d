//! Training over epochs: the losses against numpy's (`tests/fixtures/training/*.csv`, written by
//! `scripts/numpy_reference.py regenerate` with the same full-batch update), mini-batches,
//! divergence, and the charts.

use backprop::ndarray::array;
use std::ops::ControlFlow;

use backprop::{train, train_with, Activation, Chart, Error, Network, Training, Values};

mod common;
use common::{assert_close_to_numpy, read_losses, root};

#[test]
fn the_crate_and_the_example_record_the_same_losses() {
    let v = Values::chapter();
    let mut net = v.network().unwrap();
    let history = train(&mut net, v.x(), v.y(), &Training::full_batch(2000, 0.5)).unwrap();
    let numpy = read_losses(&root().join("tests/fixtures/training/chapter.csv"));
    assert_close_to_numpy(&history.losses, &numpy);
}

#[test]
fn the_comparison_catches_a_different_learning_rate() {
    // a run with another learning rate must not pass as numpy's
    let v = Values::chapter();
    let mut net = v.network().unwrap();
    let history = train(&mut net, v.x(), v.y(), &Training::full_batch(2000, 0.51)).unwrap();
    let numpy = read_losses(&root().join("tests/fixtures/training/chapter.csv"));
    let result = std::panic::catch_unwind(|| assert_close_to_numpy(&history.losses, &numpy));
    assert!(result.is_err());
}

fn xor() -> (Network, backprop::ndarray::Array2<f64>, backprop::ndarray::Array2<f64>) {
    let net = Network::sigmoid(
        vec![array![[0.5, -0.4, 0.3], [0.2, 0.6, -0.7]], array![[0.3], [-0.6], [0.5]]],
        vec![array![[0.1], [-0.1], [0.05]], array![[0.0]]],
    )
    .unwrap();
    let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = array![[0.0], [1.0], [1.0], [0.0]];
    (net, x, y)
}

#[test]
fn mini_batches_are_deterministic_for_a_seed_and_lower_the_loss() {
    let (net, x, y) = xor();
    let run = |seed| {
        let mut n = net.clone();
        train(&mut n, &x, &y, &Training::mini_batch(3000, 2.0, 2, seed)).unwrap().losses
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert_ne!(a, run(8));
    assert!(a[2999] < a[0] / 4.0, "first {} last {}", a[0], a[2999]);
}

#[test]
fn a_full_size_mini_batch_records_the_full_batch_loss() {
    let (net, x, y) = xor();
    let mut full = net.clone();
    let mut mini = net.clone();
    let f = train(&mut full, &x, &y, &Training::full_batch(1, 1.0)).unwrap();
    let m = train(&mut mini, &x, &y, &Training::mini_batch(1, 1.0, 4, 3)).unwrap();
    assert!((f.losses[0] - m.losses[0]).abs() < 1e-15);
}

#[test]
fn divergence_stops_with_the_epoch_and_keeps_the_losses() {
    let net = Network::new(
        vec![array![[1.5]], array![[2.0]]],
        vec![array![[0.0]], array![[0.0]]],
        vec![Activation::Identity; 2],
    )
    .unwrap();
    let x = array![[3.0]];
    let y = array![[1.0]];
    let mut n = net.clone();
    let err = train(&mut n, &x, &y, &Training::full_batch(1000, 10.0)).unwrap_err();
    let Error::Diverged { epoch, losses, .. } = &err else { panic!("expected divergence, got {err}") };
    assert_eq!(losses.len(), *epoch);
    assert!(*epoch > 2 && *epoch < 1000);
    assert!(losses[..epoch - 1].iter().all(|l| l.is_finite()));
    assert!(err.to_string().starts_with(&format!("training diverged at epoch {epoch}: ")), "{err}");
}

#[test]
fn training_refuses_a_bad_learning_rate_and_an_empty_batch_size() {
    let (mut net, x, y) = xor();
    let err = train(&mut net, &x, &y, &Training::full_batch(10, f64::NAN)).unwrap_err().to_string();
    assert!(err.contains("learning_rate: expected a positive finite number, got NaN"), "{err}");
    let err = train(&mut net, &x, &y, &Training::mini_batch(10, 0.1, 0, 1)).unwrap_err().to_string();
    assert!(err.contains("batch_size: expected at least 1, got 0"), "{err}");
}

#[test]
fn a_chart_has_its_title_labels_and_legend() {
    let svg = Chart::new("Learning rates")
        .series("eta = 0.1", &[0.5, 0.4])
        .series("eta = 1", &[0.5, 0.1])
        .log_y()
        .to_svg()
        .unwrap();
    for text in ["Learning rates", "epoch", "loss J", "eta = 0.1", "eta = 1"] {
        assert!(svg.contains(&format!(">\n{text}\n</text>")), "{text} is missing");
    }
}

#[test]
fn a_chart_refuses_what_it_cannot_draw() {
    assert!(Chart::new("empty").to_svg().unwrap_err().to_string().contains("expected at least one series"));
    let err = Chart::new("log").series("loss", &[1.0, 0.0]).log_y().to_svg().unwrap_err().to_string();
    assert!(err.contains("point 2: expected a positive finite number (log axis), got 0"), "{err}");
    let err = Chart::losses("nan", &[1.0, f64::NAN]).to_svg().unwrap_err().to_string();
    assert!(err.contains("expected a finite number, got NaN"), "{err}");
}

#[test]
fn the_callback_sees_every_epoch_and_can_stop_training_early() {
    let v = Values::chapter();
    let (mut a, mut b) = (v.network().unwrap(), v.network().unwrap());
    let whole = train(&mut a, v.x(), v.y(), &Training::full_batch(300, 0.5)).unwrap();
    let mut seen = Vec::new();
    let stopped = train_with(&mut b, v.x(), v.y(), &Training::full_batch(300, 0.5), |epoch| {
        seen.push((epoch.number, epoch.loss));
        // the network handed over is the one after this epoch's update
        assert_eq!(epoch.network.depth(), 2);
        if epoch.number == 120 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(seen.len(), 120);
    assert!(seen.iter().enumerate().all(|(i, (n, loss))| *n == i + 1 && *loss == whole.losses[i]));
    assert_eq!(stopped.losses, whole.losses[..120]);
    // what stopping left is the network after 120 epochs: 180 more reach the same place
    train(&mut b, v.x(), v.y(), &Training::full_batch(180, 0.5)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn mini_batches_of_uneven_size_train_as_the_teaching_path_does() {
    // 5 samples in batches of 2: two full batches and one of 1, each one step of
    // forward, backward and update, as the chapter writes it
    let (net, x, y) = xor();
    let x = backprop::ndarray::concatenate![backprop::ndarray::Axis(0), x, array![[0.5, 0.5]]];
    let y = backprop::ndarray::concatenate![backprop::ndarray::Axis(0), y, array![[0.5]]];
    let mut fast = net.clone();
    let history = train(&mut fast, &x, &y, &Training::mini_batch(1, 0.5, 2, 11)).unwrap();
    let mut order: Vec<usize> = (0..5).collect();
    backprop::Rng::new(11).shuffle(&mut order);
    let mut slow = net.clone();
    let mut total = 0.0;
    for chunk in order.chunks(2) {
        let (xb, yb) = (x.select(backprop::ndarray::Axis(0), chunk), y.select(backprop::ndarray::Axis(0), chunk));
        let trace = slow.forward(&xb).unwrap();
        total += slow.loss().value(trace.output(), &yb) * chunk.len() as f64;
        let grads = slow.backward(&trace, &yb).unwrap();
        slow.update(&grads, 0.5).unwrap();
    }
    assert!((history.losses[0] - total / 5.0).abs() < 1e-12);
    for l in 1..=2 {
        for (a, b) in fast.w(l).iter().zip(slow.w(l)).chain(fast.b(l).iter().zip(slow.b(l))) {
            assert!((a - b).abs() < 1e-12, "layer {l}: {a} against {b}");
        }
    }
}

#[test]
fn column_major_samples_train_as_their_row_major_copy_does() {
    let (start, x, y) = xor();
    // the same matrices with their columns one after another in memory
    let cols = |a: &backprop::ndarray::Array2<f64>| a.t().as_standard_layout().into_owned().reversed_axes();
    let (x_cols, y_cols) = (cols(&x), cols(&y));
    assert!(!x_cols.is_standard_layout() && x_cols == x);
    let run = |x: &backprop::ndarray::Array2<f64>, y: &backprop::ndarray::Array2<f64>| {
        let mut net = start.clone();
        let history = train(&mut net, x, y, &Training::full_batch(200, 0.5)).unwrap();
        (history.losses, net)
    };
    let ((rows_losses, rows_net), (cols_losses, cols_net)) = (run(&x, &y), run(&x_cols, &y_cols));
    assert_eq!(rows_losses, cols_losses);
    assert_eq!(rows_net.w(1), cols_net.w(1));
}
