"""The chapter notebook: its stored outputs are the chapter's, and with other values in its
parameters cell every cell prints what the chapter's numpy code prints for those values."""

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import FIXTURES, ROOT, cargo_run, script, stdout_of

NOTEBOOK = ROOT / "notebooks" / "01-numerical-example.ipynb"
numpy_reference = script("numpy_reference.py")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def after_parameters(nb):
    """The code cells after the parameters cell that print the chapter's numbers: every one but
    the pictures of the network and the chain rule, which sit between them."""
    cells = code_cells(nb)
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    return [c for c in cells[index + 1:] if "diagram(" not in c.source and "chain_rule(" not in c.source]


def test_the_first_cell_holds_the_dep_line_and_one_cell_is_tagged_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = code_cells(nb)
    assert cells[0].source.startswith(':dep backprop = { path = ".." }')
    assert all(":dep" not in c.source for c in cells[1:])
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("x", "y", "w1", "b1", "w2", "b2", "eta"):
        assert re.search(rf"^let {name} = ", tagged[0].source, re.M), name


def test_stored_outputs_are_the_chapters_cell_by_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    chapter = json.loads((FIXTURES / "chapter-cell-outputs.json").read_text())
    cells = after_parameters(nb)
    # the chapter's cells, then the complete program and the derivation
    assert len(cells) == len(chapter) + 2
    for cell, expected in zip(cells, chapter):
        assert stdout_of(cell).rstrip("\n") == expected
    assert stdout_of(cells[len(chapter)]) == (FIXTURES / "chapter-complete-output.txt").read_text()


def derivation_of(cell):
    return "".join(o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {}))


FORWARD = "let step = given.step()?;\nstep.diagram(View::Forward)"


def cell_with(cells, source):
    """The code cell whose source is `source`."""
    return next(c for c in cells if c.cell_type == "code" and c.source.strip() == source)


def cli(*args):
    return cargo_run("--", *args)


def test_the_derivation_and_the_chain_rule_are_shown_for_the_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    shown = derivation_of(cell_with(nb.cells, "step.derivation()"))
    assert shown.strip() == cli("derivation").strip()
    shown = derivation_of(cell_with(nb.cells, 'step.chain_rule("W1[2,1]")?'))
    assert shown.strip() == cli("chain-rule", "W1[2,1]").strip()


def test_every_diagram_is_stored_as_svg_and_png_with_the_numbers():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for source, text in [(FORWARD, "W1[2,1] = 0.6"), ("step.diagram(View::Backward)", "dJ/dW1[2,1]"),
                         ("step.diagram(View::Update)", "W1[2,1]: 0.6 → 0.59998"),
                         ('step.diagram(View::Backward).highlight("W1[2,1]")?', "strong: the paths from W1[2,1]")]:
        data = [o["data"] for o in cell_with(nb.cells, source).outputs if "data" in o]
        assert len(data) == 1 and {"image/svg+xml", "image/png"} <= set(data[0]), source
        assert text in data[0]["image/svg+xml"], source


def rust_matrix(rows):
    return "array![" + ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in rows) + "]"


def parameters_cell(values):
    (w1, w2), (b1, b2) = values["W"], values["b"]
    return "\n".join([
        f"let x = {rust_matrix(values['x'])};",
        f"let y = {rust_matrix(values['y'])};",
        f"let w1 = {rust_matrix(w1)};",
        f"let b1 = {rust_matrix(b1)};",
        f"let w2 = {rust_matrix(w2)};",
        f"let b2 = {rust_matrix(b2)};",
        f"let eta = {values['learning_rate']!r};",
    ])


CHANGED = {
    "x written with floats, another eta, a changed weight": {
        "x": [[1.0, 4.0, 5.0]], "y": [[0.1, 0.05]],
        "W": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[-0.7, 0.8], [0.9, 0.1]]],
        "b": [[[0.5], [0.5]], [[0.5], [0.5]]], "learning_rate": 0.5,
    },
    "three samples, integer first layer, integer eta": {
        "x": [[1, 4, 5], [2, 0, -1], [0, 0, 1]], "y": [[0.1, 0.05], [0.9, 0.3], [0.5, 0.5]],
        "W": [[[1, -1], [0, 2], [1, 1]], [[0.7, 0.8], [0.9, 0.1]]],
        "b": [[[0], [1]], [[0.5], [-0.5]]], "learning_rate": 1,
    },
    "a wider hidden layer, saturated sigmoids": {
        "x": [[10.0, -20.0, 30.0]], "y": [[1.0, 0.0]],
        "W": [[[0.5, -1.5, 2.0, 0.25], [1.0, 0.5, -0.5, 0.75], [2.5, 1.0, 1.5, -0.25]],
              [[3.0, -2.0], [-1.0, 4.0], [0.5, 0.5], [-6.0, 2.0]]],
        "b": [[[0.1], [-0.2], [0.3], [0.0]], [[1.0], [-1.0]]], "learning_rate": 0.01,
    },
}


@pytest.mark.parametrize("values", CHANGED.values(), ids=CHANGED.keys())
def test_changed_parameters_print_what_numpy_prints(values, tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = code_cells(nb)
    cells[0].source = cells[0].source.replace('path = ".."', f'path = "{ROOT}"')
    next(c for c in cells if "parameters" in c.metadata.get("tags", [])).source = parameters_cell(values)
    NotebookClient(nb, kernel_name="rust", timeout=900, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in code_cells(nb):
        errors = [o for o in cell.outputs if o.get("output_type") == "error" or o.get("name") == "stderr"]
        assert not errors, f"{cell.source[:60]!r}: {errors}"
    expected = numpy_reference.chapter_cells(values)
    executed = after_parameters(nb)
    for cell, want in zip(executed, expected):
        assert stdout_of(cell) == want, cell.source
    assert stdout_of(executed[len(expected)]) == numpy_reference.walkthrough(values)
    # the derivation follows the values too
    values_file = tmp_path / "values.json"
    values_file.write_text(json.dumps(values))
    assert derivation_of(cell_with(executed, "step.derivation()")).strip() == cli("derivation", values_file).strip()
    # and so do the chain rule and the diagram
    chain = derivation_of(cell_with(nb.cells, 'step.chain_rule("W1[2,1]")?'))
    assert chain.strip() == cli("chain-rule", "W1[2,1]", values_file).strip()
    forward = [o["data"] for o in cell_with(nb.cells, FORWARD).outputs if "data" in o][0]
    assert f"W1[0,0] = {values['W'][0][0][0]:g}" in forward["image/svg+xml"]
