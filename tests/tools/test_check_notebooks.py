"""scripts/check-notebooks must fail on every way a Rust cell can go wrong, and pass a good notebook."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import ROOT, check_notebooks, script

checker = script("check-notebooks")


def notebook(tmp_path, *sources, outputs=None):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    for cell, out in zip(nb.cells, outputs or []):
        cell.outputs = out
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def stdout(text):
    return [nbformat.v4.new_output("stream", name="stdout", text=text)]


def test_passes_a_notebook_whose_stored_outputs_are_current(tmp_path):
    path = notebook(tmp_path, 'println!("one");', 'let two = 1 + 1;\nprintln!("{two}");',
                    outputs=[stdout("one\n"), stdout("2\n")])
    code, out = check_notebooks(path)
    assert code == 0, out
    assert "1 passed, 0 failed" in out


def test_fails_on_a_panicking_cell_and_names_it(tmp_path):
    path = notebook(tmp_path, 'println!("fine");', 'let v: Vec<i32> = Vec::new();\nprintln!("{}", v[3]);',
                    outputs=[stdout("fine\n"), []])
    code, out = check_notebooks(path)
    assert code == 1, out
    assert "cell 2 ('let v: Vec<i32> = Vec::new();') wrote to stderr" in out
    assert "index out of bounds" in out


def test_fails_on_a_failed_assertion_and_an_err_through_question_mark(tmp_path):
    path = notebook(tmp_path, 'assert_eq!(1 + 1, 3, "arithmetic");',
                    'let r: Result<(), String> = Err("the values do not fit".into());\nr?;')
    code, out = check_notebooks(path)
    assert code == 1, out
    assert "cell 1 ('assert_eq!(1 + 1, 3, \"arithmetic\");') wrote to stderr" in out
    assert "cell 2" in out and "the values do not fit" in out


def test_fails_on_stderr_that_comes_after_the_cell_is_done(tmp_path):
    # a thread the cell started writes once the cell has returned: it reaches the kernel after
    # the cell's idle status, as a panic's message or an Err's can on a busy machine
    path = notebook(tmp_path, "std::thread::spawn(|| {\n"
                              "    std::thread::sleep(std::time::Duration::from_millis(100));\n"
                              '    eprintln!("late news");\n'
                              "});")
    code, out = check_notebooks("--no-reruns", path)
    assert code == 1, out
    assert "cell 1 ('std::thread::spawn(|| {') wrote to stderr" in out and "late news" in out


def test_fails_on_a_compile_error(tmp_path):
    path = notebook(tmp_path, 'let n: i32 = "four";')
    code, out = check_notebooks(path)
    assert code == 1, out
    assert "cell 1" in out and "mismatched types" in out


def test_fails_on_a_stale_stored_output(tmp_path):
    path = notebook(tmp_path, 'println!("{}", 6 * 7);', outputs=[stdout("41\n")])
    code, out = check_notebooks(path)
    assert code == 1, out
    assert "cell 1 ('println!(\"{}\", 6 * 7);'): stored output differs from execution" in out
    assert "-41" in out and "+42" in out


def test_write_stores_what_execution_printed_numbered_as_one_clean_run(tmp_path):
    path = notebook(tmp_path, 'println!("{}", 6 * 7);', "let v = 1 + 1;", "v", outputs=[stdout("41\n")])
    code, out = check_notebooks("--write", path)
    assert code == 0, out
    nb = nbformat.read(path, as_version=4)
    assert [o["text"] for o in nb.cells[0].outputs] == ["42\n"]
    # the reruns took the kernel's counter to 9; what is stored reads 1, 2, 3 as after one run
    assert [c.execution_count for c in nb.cells] == [1, 2, 3]
    assert nb.cells[2].outputs[0]["execution_count"] == 3
    assert checker.counts_out_of_order(nb) == []
    assert check_notebooks(path)[0] == 0


def test_the_committed_notebooks_are_numbered_as_one_clean_run():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert checker.counts_out_of_order(nb) == [], path.name
    # and the check sees counts that a re-run pass left
    nb.cells[[c.cell_type for c in nb.cells].index("code")].execution_count = 36
    assert checker.counts_out_of_order(nb)[0] == (1, 36)


def test_fails_on_a_cell_that_prints_differently_when_run_again(tmp_path):
    # the second cell mutates what the first made: run twice, it prints 2 where it printed 1
    path = notebook(tmp_path, "let mut seen: Vec<i32> = Vec::new();", 'seen.push(1);\nprintln!("{}", seen.len());',
                    outputs=[[], stdout("1\n")])
    code, out = check_notebooks(path)
    assert code == 1, out
    assert "cell 2 ('seen.push(1);') prints differently when run twice in a row" in out
    assert "-1" in out and "+2" in out
    assert check_notebooks("--no-reruns", path)[0] == 0
