//! The worked derivation against the chapter's own worked equations
//! (`tests/fixtures/chapter-2.12-numerical-example.txt`), number for number.

use backprop::Values;

/// The numbers of every `bmatrix` in a piece of LaTeX, one list per matrix, in order.
fn matrices(latex: &str) -> Vec<Vec<f64>> {
    latex
        .split(r"\begin{bmatrix}")
        .skip(1)
        .map(|rest| {
            let body = rest.split(r"\end{bmatrix}").next().unwrap();
            body.split(['&', '\\']).filter(|t| !t.trim().is_empty()).map(|t| t.trim().parse().unwrap()).collect()
        })
        .collect()
}

#[test]
fn the_chapters_worked_equations_appear_with_the_same_numbers() {
    let chapter = include_str!("fixtures/chapter-2.12-numerical-example.txt");
    let ours = Values::chapter().step().unwrap().derivation().to_string();
    let blocks: Vec<Vec<Vec<f64>>> = ours.split("$$").skip(1).step_by(2).map(matrices).collect();
    // the chapter's equations written to 4 decimals (its z2 uses 3, and its dJ/db2 has a typo)
    let keys = [
        r"\therefore z_1 = \begin{bmatrix} 3.8",
        r"a_1 = \begin{bmatrix}",
        r"\frac{\partial J(W, b)}{\partial a_2} = \begin{bmatrix}",
        r"\delta_2 = \begin{bmatrix} 0.7896",
        r"\delta_2 = \begin{bmatrix} 0.0776",
        r"f'_1(z_1) = f'_1(",
        r"\delta_1 = \begin{bmatrix} 0.0776",
        r"\delta_1 = \begin{bmatrix} 0.002",
        r"\partial W_1} = \begin{bmatrix}",
        r"\partial W_2} = \begin{bmatrix}",
        r"\partial b_1} = \sum \delta_1",
    ];
    for key in keys {
        let line = chapter.lines().find(|l| l.contains(key)).unwrap_or_else(|| panic!("{key} is not in the chapter"));
        let wanted = matrices(line);
        assert!(!wanted.is_empty());
        let found = blocks.iter().any(|block| block.windows(wanted.len()).any(|w| w == wanted.as_slice()));
        assert!(found, "the chapter's {line:?} is not in the derivation:\n{ours}");
    }
}

#[test]
fn a_deeper_batch_gets_every_layer_and_the_batch_noted() {
    let values =
        Values::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/walkthrough/activations.json")).unwrap();
    let md = values.step().unwrap().derivation().to_string();
    for heading in [
        "For the hidden layer ($l=3$), with $f_{3}$ = leaky_relu",
        "### Hidden layer error ($\\delta_{1}$)",
        "For the output layer ($l=4$)",
    ] {
        assert!(md.contains(heading), "{heading} is missing");
    }
    assert!(md.contains("(added to every row)") && md.contains("summed over the 2 samples"));
    assert!(md.contains(r"\frac{0.1}{2}"), "the update should show eta/m");
    assert_eq!(md.matches("$$").count() % 2, 0);
}

#[test]
fn every_update_shows_its_change_even_below_the_rounding() {
    // the chapter's η = 0.01 moves b1 by 2e-5 and 4e-6: written to 4 decimals, b1 would read
    // [0.5 0.5] before and after; the chapter writes 0.49998 and 0.499995
    let md = Values::chapter().step().unwrap().derivation().to_string();
    let line = md.lines().find(|l| l.starts_with(r"\therefore b_{1} =")).unwrap();
    let blocks = matrices(line);
    let (old, new) = (&blocks[0], &blocks[2]);
    assert_eq!(old, &vec![0.5, 0.5]);
    assert_eq!(new, &vec![0.49998, 0.499996], "{line}");
    // and in every update line, each entry that changed reads differently from the old one
    for line in md.lines().filter(|l| l.starts_with(r"\therefore W_") || l.starts_with(r"\therefore b_")) {
        let blocks = matrices(line);
        assert!(blocks[0].iter().zip(&blocks[2]).all(|(o, n)| o != n), "{line}");
    }
}

#[test]
fn a_cross_entropy_output_error_is_written_as_a_minus_y_without_a_derivative() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/walkthrough/saturated_binary_cross_entropy.json");
    let step = Values::load(path).unwrap().step().unwrap();
    let text = step.derivation().to_string();
    assert!(text.contains("With the binary cross-entropy after a sigmoid output"), "{text}");
    assert!(text.contains(r"\delta_{2} = \frac{\partial J(W, b)}{\partial z_{2}} = a_{2} - y"), "{text}");
    // the output layer's f' is folded into a - y; only the hidden layer's is written
    assert!(!text.contains(r"f'_{2}(z_{2}) = f'_{2}\left("), "{text}");
    assert!(text.contains(r"f'_{1}(z_{1}) = f'_{1}\left("), "{text}");
}
