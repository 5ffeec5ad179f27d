//! The `backprop` command line (built with the `cli` feature): the walkthrough against numpy
//! byte for byte, its refusals of bad values, the derivation, training against numpy's losses
//! (`tests/fixtures/training/*.csv`) and the gradient check.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use backprop::Values;

mod common;
use common::{assert_close_to_numpy, assert_prints_as_numpy, fixtures, read_losses, root, value_sets};

/// `backprop ARGS...`, as cargo built it for this test.
fn backprop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backprop")).args(args).output().unwrap()
}

/// `backprop walkthrough ARGS...`.
fn walkthrough(args: &[&str]) -> Output {
    backprop(&[&["walkthrough"], args].concat())
}

#[test]
fn prints_the_chapters_output_byte_for_byte() {
    let expected = std::fs::read_to_string(fixtures().join("chapter-complete-output.txt")).unwrap();
    let out = walkthrough(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert!(out.stderr.is_empty());
}

#[test]
fn the_chapter_json_prints_the_same_as_no_argument() {
    let chapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/io/chapter.json");
    assert_eq!(walkthrough(&[chapter.to_str().unwrap()]).stdout, walkthrough(&[]).stdout);
}

#[test]
fn other_value_sets_print_what_numpy_prints() {
    for (path, expected) in value_sets() {
        let out = walkthrough(&[path.to_str().unwrap()]);
        assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        assert_prints_as_numpy(&path, &String::from_utf8(out.stdout).unwrap(), &expected);
    }
}

/// Runs the walkthrough on a values file written from `json`, expecting a clear refusal.
fn refusal(name: &str, json: &str) -> String {
    let dir = std::env::temp_dir().join(format!("backprop-walkthrough-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, json).unwrap();
    let out = walkthrough(&[path.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
    assert!(out.stdout.is_empty(), "{name}: printed numbers despite bad values");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    stderr
}

const GOOD_W: &str = r#""W": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8], [0.9, 0.1]]]"#;

const GOOD_B: &str = r#""b": [[[0.5], [0.5]], [[0.5], [0.5]]]"#;

#[test]
fn refuses_a_weight_matrix_that_does_not_chain() {
    let err = refusal(
        "chain",
        &format!(
            r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05]], "W": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8], [0.9, 0.1], [0.2, 0.3]]], {GOOD_B}, "learning_rate": 0.01}}"#
        ),
    );
    assert!(err.contains("W2: expected shape (2, n), one row per column of W1, got (3, 2)"), "{err}");
}

#[test]
fn refuses_x_whose_width_does_not_match_w1() {
    let err =
        refusal("x", &format!(r#"{{"x": [[1, 4]], "y": [[0.1, 0.05]], {GOOD_W}, {GOOD_B}, "learning_rate": 0.01}}"#));
    assert!(err.contains("x: expected shape (m, 3)") && err.contains("got (1, 2)"), "{err}");
}

#[test]
fn refuses_y_of_the_wrong_shape() {
    let err = refusal(
        "y",
        &format!(r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05, 0.3]], {GOOD_W}, {GOOD_B}, "learning_rate": 0.01}}"#),
    );
    assert!(err.contains("y: expected shape (1, 2)") && err.contains("got (1, 3)"), "{err}");
}

#[test]
fn refuses_a_bias_of_the_wrong_length() {
    let err = refusal(
        "bias",
        &format!(
            r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05]], {GOOD_W}, "b": [[[0.5], [0.5], [0.5]], [[0.5], [0.5]]], "learning_rate": 0.01}}"#
        ),
    );
    assert!(err.contains("b1: expected shape (2, 1)") && err.contains("got (3, 1)"), "{err}");
}

#[test]
fn refuses_a_missing_field_a_ragged_matrix_and_malformed_json() {
    let err = refusal("missing", &format!(r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05]], {GOOD_W}, {GOOD_B}}}"#));
    assert!(err.contains("learning_rate: missing"), "{err}");
    let err = refusal(
        "ragged",
        &format!(
            r#"{{"x": [[1, 4, 5], [1, 2]], "y": [[0.1, 0.05], [0, 0]], {GOOD_W}, {GOOD_B}, "learning_rate": 0.01}}"#
        ),
    );
    assert!(err.contains("x[1]: ragged matrix: expected 3 numbers like row 0, got 2"), "{err}");
    let err = refusal("malformed", "{\"x\": [[1, 4, 5]],\n \"y\": [[0.1 0.05]]}");
    assert!(err.contains("not valid JSON at line 2, column 13"), "{err}");
    let err = refusal(
        "text",
        &format!(r#"{{"x": [[1, "four", 5]], "y": [[0.1, 0.05]], {GOOD_W}, {GOOD_B}, "learning_rate": 0.01}}"#),
    );
    assert!(err.contains(r#"x[0][1]: expected a number, got the string "four""#), "{err}");
}

#[test]
fn refuses_a_bad_learning_rate_and_an_unknown_activation() {
    let err = refusal(
        "eta",
        &format!(r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05]], {GOOD_W}, {GOOD_B}, "learning_rate": -0.01}}"#),
    );
    assert!(err.contains("learning_rate: expected a positive finite number, got -0.01"), "{err}");
    let err = refusal(
        "act",
        &format!(
            r#"{{"x": [[1, 4, 5]], "y": [[0.1, 0.05]], {GOOD_W}, {GOOD_B}, "learning_rate": 0.01, "activations": ["sigmoid", "softplus"]}}"#
        ),
    );
    assert!(err.contains(r#"activations[1]: expected one of "sigmoid""#) && err.contains(r#"got "softplus""#), "{err}");
}

#[test]
fn refuses_a_file_that_does_not_exist() {
    let out = walkthrough(&["/nonexistent/values.json"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("/nonexistent/values.json: No such file"), "{stderr}");
}

/// Runs `backprop train` into a fresh folder and returns the folder.
fn run_train(name: &str, args: &[&str]) -> PathBuf {
    let out = std::env::temp_dir().join(format!("backprop-train-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status =
        Command::new(env!("CARGO_BIN_EXE_backprop")).arg("train").args(args).arg("--out").arg(&out).output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    out
}

#[test]
fn train_matches_numpy_on_the_chapters_network() {
    let out = run_train("chapter", &["--epochs", "2000", "--learning-rate", "0.5"]);
    let numpy = read_losses(&root().join("tests/fixtures/training/chapter.csv"));
    assert_close_to_numpy(&read_losses(&out.join("loss.csv")), &numpy);
    let svg = std::fs::read_to_string(out.join("loss.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Loss over 2000 epochs"));
}

#[test]
fn train_matches_numpy_on_a_three_layer_batch() {
    let values = root().join("tests/fixtures/walkthrough/three_layers.json");
    let out = run_train("three", &[values.to_str().unwrap(), "--epochs", "500"]);
    let numpy = read_losses(&root().join("tests/fixtures/training/three_layers.csv"));
    assert_close_to_numpy(&read_losses(&out.join("loss.csv")), &numpy);
}

#[test]
fn train_refuses_bad_arguments() {
    // clap's usage errors (exit status 2) name the option, what it expects and what came
    for (args, message) in [
        (vec!["--out", "/tmp/x"], "required arguments were not provided:\n  --epochs <N>"),
        (vec!["--epochs", "ten", "--out", "/tmp/x"], "'--epochs <N>': expected a whole number, got \"ten\""),
        (
            vec!["--epochs", "10", "--learning-rate=-1", "--out", "/tmp/x"],
            "'--learning-rate <ETA>': expected a positive finite number, got -1",
        ),
        (vec!["--epochs", "0", "--out", "/tmp/x"], "'--epochs <N>': expected at least 1, got 0"),
        (vec!["--epochs", "10"], "required arguments were not provided:\n  --out <DIR>"),
    ] {
        let out = backprop(&[&["train"], &args[..]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn the_readme_loss_plot_is_what_train_draws_now() {
    // `make readme-plot` wrote docs/loss.svg with these arguments
    let out = run_train("readme", &["--epochs", "5000", "--learning-rate", "0.5"]);
    let fresh = std::fs::read_to_string(out.join("loss.svg")).unwrap();
    let committed = std::fs::read_to_string(root().join("docs/loss.svg")).unwrap();
    assert!(fresh == committed, "docs/loss.svg is stale: run `make readme-plot`");
}

#[test]
fn derivation_prints_the_chapters_derivation() {
    let out = backprop(&["derivation"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), Values::chapter().step().unwrap().derivation().to_string());
}

#[test]
fn gradcheck_reports_and_passes_the_chapter_and_a_deeper_batch() {
    let root = env!("CARGO_MANIFEST_DIR");
    for file in [
        "src/io/chapter.json",
        "tests/fixtures/walkthrough/three_layers.json",
        "tests/fixtures/walkthrough/saturated.json",
    ] {
        let out = backprop(&["gradcheck", &format!("{root}/{file}")]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{file}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let last = stdout.lines().last().unwrap();
        let err: f64 = last.strip_prefix("largest relative error: ").unwrap().parse().unwrap();
        assert!(err < 1e-6, "{file}: {last}");
        assert!(stdout.contains("  W1: largest relative error"));
    }
    let out = backprop(&["gradcheck", "--limit", "none"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a number, got \"none\""));
    // a limit no check can meet fails with status 1
    let out = backprop(&["gradcheck", "--limit", "1e-300"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["walkthrough", "derivation", "train", "diagram", "chain-rule", "worksheet", "mark", "gradcheck"] {
        let out = backprop(&[sub, "--help"]);
        assert!(out.status.success(), "{sub}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: backprop"), "{sub}");
    }
}

#[test]
fn diagram_writes_svg_or_png_by_the_files_name() {
    let dir = std::env::temp_dir().join(format!("backprop-diagram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("net.svg");
    let out = backprop(&["diagram", "--view", "backward", "--highlight", "W1[2,1]", "--out", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("dJ/dW1[2,1]"));
    let png = dir.join("net.png");
    let out = backprop(&["diagram", "--out", png.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    // a name that is neither, a bad view and a weight that is not there are refused
    let out = backprop(&["diagram", "--out", dir.join("net.jpg").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a name ending in .svg or .png"));
    let out = backprop(&["diagram", "--view", "sideways", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(r#"expected one of "forward", "backward", "update", got "sideways""#));
    let out = backprop(&["diagram", "--highlight", "W1[9,9]", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("W1[9,9]: no such weight: W1 is (3, 2)"));
}

#[test]
fn chain_rule_prints_the_paths_of_one_weight() {
    let out = backprop(&["chain-rule", "W1[2,1]"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert_eq!(md, Values::chapter().step().unwrap().chain_rule("W1[2,1]").unwrap().to_string());
    assert!(md.contains("2 paths to the cost"));
}

#[test]
fn worksheet_writes_the_same_files_for_the_same_seed() {
    let base = std::env::temp_dir().join(format!("backprop-worksheet-{}", std::process::id()));
    let (a, b, c) = (base.join("a"), base.join("b"), base.join("c"));
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = backprop(&["worksheet", "--seed", seed, "--count", "3", "--out", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let mut names: Vec<String> =
        std::fs::read_dir(&a).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "key-1.md",
            "key-2.md",
            "key-3.md",
            "values-1.json",
            "values-2.json",
            "values-3.json",
            "worksheet-1.md",
            "worksheet-2.md",
            "worksheet-3.md"
        ]
    );
    for name in &names {
        assert_eq!(std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap(), "{name}");
    }
    assert_ne!(std::fs::read(a.join("values-1.json")).unwrap(), std::fs::read(c.join("values-1.json")).unwrap());
    // the key's values load, and are the ones the key's derivation works
    let values = Values::load(a.join("values-2.json")).unwrap();
    let key = std::fs::read_to_string(a.join("key-2.md")).unwrap();
    assert!(key.ends_with(&values.step().unwrap().derivation().to_string()));
}

#[test]
fn mark_names_each_mistake_in_an_answers_file() {
    let step = Values::chapter().step().unwrap();
    let (t, g) = (step.trace(), step.gradients());
    let v = step.values();
    let rows = |a: &backprop::ndarray::Array2<f64>| -> serde_json::Value {
        serde_json::Value::Array(a.rows().into_iter().map(|r| serde_json::json!(r.to_vec())).collect())
    };
    let answers = serde_json::json!({
        "z1": rows(&t.z(1).clone()),
        "a1": rows(&t.z(1).clone()),
        "d2": rows(&g.dj_da(2).clone()),
        "d1": rows(&(g.delta(2).dot(v.w(2)) * g.df_dz(1))),
        "dLdb2": rows(&g.delta(2).sum_axis(backprop::ndarray::Axis(1)).insert_axis(backprop::ndarray::Axis(1))),
        "W2_new": rows(&(v.w(2) + &g.dw(2).mapv(|x| 0.01 * x))),
    });
    let dir = std::env::temp_dir().join(format!("backprop-mark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (key, file) = (dir.join("values.json"), dir.join("answers.json"));
    std::fs::write(&key, v.to_json()).unwrap();
    std::fs::write(&file, answers.to_string()).unwrap();
    let out = backprop(&["mark", key.to_str().unwrap(), file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "some answers are wrong");
    let text = String::from_utf8(out.stdout).unwrap();
    for named in [
        "✓ z1: right",
        "✗ a1",
        "activation is missing",
        "f2'(z2) is left out",
        "transpose is missing",
        "summed over the wrong axis",
        "sign is flipped",
        "1 of 6 right",
    ] {
        assert!(text.contains(named), "{named:?} is missing from\n{text}");
    }
    // in the chapter's order, whatever the file's
    assert!(text.find("z1").unwrap() < text.find("a1").unwrap() && text.find("d2").unwrap() < text.find("d1").unwrap());
    // a name that is no quantity, and a malformed file, are refused with status 1
    std::fs::write(&file, r#"{"q1": [[1]]}"#).unwrap();
    let out = backprop(&["mark", key.to_str().unwrap(), file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("q1: quantity: expected a name such as z1"));
}
