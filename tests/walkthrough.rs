//! The walkthrough against numpy: the chapter's output byte for byte, other value sets as the
//! numpy reference (`scripts/numpy_reference.py`) printed them, and bad values refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use backprop::{walkthrough::complete_program, Values};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The walkthrough example, which `cargo test` builds beside this test's own executable.
fn walkthrough(args: &[&str]) -> Output {
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let exe = deps.parent().unwrap().join("examples").join(format!("walkthrough{}", std::env::consts::EXE_SUFFIX));
    assert!(exe.exists(), "{} is missing: cargo test builds it", exe.display());
    Command::new(exe).args(args).output().unwrap()
}

#[test]
fn prints_the_chapters_output_byte_for_byte() {
    let expected = std::fs::read_to_string(fixtures().join("chapter-complete-output.txt")).unwrap();
    assert_eq!(complete_program(&Values::chapter()).unwrap(), expected);

    let out = walkthrough(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert!(out.stderr.is_empty());
}

#[test]
fn the_chapter_json_prints_the_same_as_no_argument() {
    let chapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chapter.json");
    assert_eq!(walkthrough(&[chapter.to_str().unwrap()]).stdout, walkthrough(&[]).stdout);
}

#[test]
fn other_value_sets_print_what_numpy_prints() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures().join("walkthrough")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
            let out = walkthrough(&[path.to_str().unwrap()]);
            assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
            let actual = String::from_utf8(out.stdout).unwrap();
            if actual != expected {
                let line = actual.lines().zip(expected.lines()).position(|(a, e)| a != e);
                panic!(
                    "{} differs from numpy first at line {:?}\n--- ours\n{actual}\n--- numpy\n{expected}",
                    path.display(),
                    line.map(|l| l + 1)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} value sets found");
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
