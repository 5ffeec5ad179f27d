"""The deeper-network and gradient-check notebooks: parameters cells, stored plots, and the
numbers they claim."""

import re

import nbformat

from helpers import ROOT, stdout_of


def code_cells(name):
    return [c for c in nbformat.read(ROOT / "notebooks" / name, as_version=4).cells if c.cell_type == "code"]


def test_the_deeper_notebook_stores_its_plots_and_learns_the_moons():
    cells = code_cells("03-deeper-and-batched.ipynb")
    assert sum("parameters" in c.metadata.get("tags", []) for c in cells) == 1
    svgs = [o["data"]["image/svg+xml"] for c in cells for o in c.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 6
    assert any("layers wider than 8 units: width and colour only" in svg for svg in svgs)
    text = "".join(stdout_of(c) for c in cells)
    correct, total = map(int, re.search(r"accuracy on the training points: (\d+)/(\d+)", text).groups())
    assert correct >= 0.95 * total


def test_the_gradient_check_notebook_shows_agreement_and_a_caught_error():
    cells = code_cells("04-gradient-check.ipynb")
    text = "".join(stdout_of(c) for c in cells)
    errors = [float(e) for e in re.findall(r"largest relative error (\S+)", text)]
    assert len(errors) == 12 and max(errors) < 1e-6
    assert re.search(r"W2 is off: relative error 9\.\d\de-4", text)
    assert float(re.search(r"between the loops and the matrices: (\S+)", text).group(1)) < 1e-12
