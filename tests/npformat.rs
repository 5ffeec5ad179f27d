//! numpy's printing, case by case, against `tests/fixtures/format_cases.json`: arrays and what
//! numpy 2.4 `print()`s for them, written by `scripts/numpy_reference.py regenerate`.

use backprop::ndarray::{ArrayD, IxDyn};
use backprop::{
    show::{array_str, round},
    Dtype,
};
use serde_json::Value;

fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => other.as_f64().unwrap(),
    }
}

#[test]
fn every_fixture_case_prints_as_numpy_prints_it() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format_cases.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() > 100, "the fixture has only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let shape: Vec<usize> =
            case["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
        let values: Vec<f64> = case["values"].as_array().unwrap().iter().map(number).collect();
        let mut a = ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap();
        if case["round4"].as_bool().unwrap() {
            let two_d = a.into_dimensionality().unwrap();
            a = round(&two_d, 4).into_dyn();
        }
        let dtype = if case["dtype"] == "int" { Dtype::Int } else { Dtype::Float };
        let actual = array_str(a.view(), dtype);
        let expected = case["expected"].as_str().unwrap();
        if actual != expected {
            failures.push(format!("{}:\n  ours:  {actual:?}\n  numpy: {expected:?}", case["note"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn the_check_catches_a_wrong_padding() {
    // what numpy prints for the chapter's y, and a near miss that the fixture comparison must reject
    let y = backprop::ndarray::array![[0.1, 0.05]].into_dyn();
    assert_eq!(array_str(y.view(), Dtype::Float), "[[0.1  0.05]]");
    assert_ne!(array_str(y.view(), Dtype::Float), "[[0.1 0.05]]");
}
