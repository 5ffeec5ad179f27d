"""The training notebook keeps its values in a parameters cell and stores its plots."""

import re

import nbformat

from helpers import ROOT, stdout_of

NOTEBOOK = ROOT / "notebooks" / "02-training-over-epochs.ipynb"


def test_values_sit_in_one_parameters_cell():
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("x", "y", "w1", "b1", "w2", "b2", "eta", "epochs"):
        assert re.search(rf"^let {name}(: \w+)? = ", tagged[0].source, re.M), name


def test_the_stored_outputs_hold_three_plots_and_the_trained_parameters():
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    svgs = [o["data"]["image/svg+xml"] for c in cells for o in c.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 3
    assert all(s.lstrip().startswith("<svg") and "epoch" in s for s in svgs)
    assert "eta = 0.01" in svgs[2] and "eta = 2" in svgs[2]
    text = "".join(stdout_of(c) for c in cells)
    assert "epoch  5000: a2 = [[0.1  0.05]]" in text
    assert "W1 =\n\n [[" in text and "b2 =\n\n [[" in text
