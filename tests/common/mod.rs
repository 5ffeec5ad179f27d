//! What several test files share: the fixtures, numpy's recorded losses, and the value sets
//! with the output numpy printed for each.

#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// The losses of a `epoch,loss` file, one per epoch from 1.
pub fn read_losses(path: &Path) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("epoch,loss"), "{}", path.display());
    lines
        .enumerate()
        .map(|(i, line)| {
            let (epoch, loss) = line.split_once(',').unwrap();
            assert_eq!(epoch.parse::<usize>().unwrap(), i + 1);
            loss.parse().unwrap()
        })
        .collect()
}

/// Every epoch's loss within 1e-9 relative of numpy's.
pub fn assert_close_to_numpy(ours: &[f64], numpy: &[f64]) {
    assert_eq!(ours.len(), numpy.len());
    for (epoch, (a, b)) in ours.iter().zip(numpy).enumerate() {
        let rel = (a - b).abs() / b.abs();
        assert!(rel <= 1e-9, "epoch {}: ours {a:e}, numpy {b:e}, relative difference {rel:e}", epoch + 1);
    }
}

/// Each values file of `tests/fixtures/walkthrough/` with what numpy's program printed for it
/// (`scripts/numpy_reference.py`); at least 6 of them.
///
/// The `saturated_*` sets print a digit that hangs on which exp and tanh numpy used
/// (`numpy-choice.txt`, written with them). Where this CPU makes the crate choose otherwise
/// (say, a laptop without AVX-512, where numpy would use the C library's exp), they are left
/// out, and the test says so.
pub fn value_sets() -> Vec<(PathBuf, String)> {
    let dir = fixtures().join("walkthrough");
    let recorded = std::fs::read_to_string(dir.join("numpy-choice.txt")).unwrap();
    let here = backprop::math::numpy_math::Choice::current().to_string();
    let same_choice = recorded.trim() == here;
    if !same_choice {
        eprintln!("the saturated_* value sets are left out: numpy chose {}, this CPU makes {here}", recorded.trim());
    }
    let mut sets: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter(|path| same_choice || !path.file_name().unwrap().to_string_lossy().starts_with("saturated_"))
        .map(|path| {
            let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
            (path, expected)
        })
        .collect();
    sets.sort();
    assert!(sets.len() >= 6, "only {} value sets found", sets.len());
    sets
}

/// Fails naming the first line where `actual` differs from numpy's `expected`.
pub fn assert_prints_as_numpy(path: &Path, actual: &str, expected: &str) {
    if actual != expected {
        let line = actual.lines().zip(expected.lines()).position(|(a, e)| a != e);
        panic!(
            "{} differs from numpy first at line {:?}\n--- ours\n{actual}\n--- numpy\n{expected}",
            path.display(),
            line.map(|l| l + 1)
        );
    }
}
