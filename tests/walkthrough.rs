//! The walkthrough against numpy: the chapter's output byte for byte, and other value sets as
//! the numpy reference (`scripts/numpy_reference.py`) printed them. The command line's copy of
//! these, and its refusals of bad values, are in `cli.rs`.

use std::path::{Path, PathBuf};

use backprop::{walkthrough::complete_program, Values};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn prints_the_chapters_output_byte_for_byte() {
    let expected = std::fs::read_to_string(fixtures().join("chapter-complete-output.txt")).unwrap();
    assert_eq!(complete_program(&Values::chapter().step().unwrap()), expected);
}

#[test]
fn other_value_sets_print_what_numpy_prints() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures().join("walkthrough")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
            let actual = Values::load(&path).unwrap().step().unwrap().walkthrough();
            assert!(
                actual == expected,
                "{} differs from numpy:\n--- ours\n{actual}\n--- numpy\n{expected}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} value sets found");
}
