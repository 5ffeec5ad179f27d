//! The walkthrough against numpy: the chapter's output byte for byte, and other value sets as
//! the numpy reference (`scripts/numpy_reference.py`) printed them. The command line's copy of
//! these, and its refusals of bad values, are in `cli.rs`.

use backprop::Values;

mod common;
use common::{assert_prints_as_numpy, fixtures, value_sets};

#[test]
fn prints_the_chapters_output_byte_for_byte() {
    let expected = std::fs::read_to_string(fixtures().join("chapter-complete-output.txt")).unwrap();
    assert_eq!(Values::chapter().step().unwrap().walkthrough(), expected);
}

#[test]
fn other_value_sets_print_what_numpy_prints() {
    for (path, expected) in value_sets() {
        let actual = Values::load(&path).unwrap().step().unwrap().walkthrough();
        assert_prints_as_numpy(&path, &actual, &expected);
    }
}
