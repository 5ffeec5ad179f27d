"""scripts/notebook-timings' rewriting of the parameters cell, which its --epochs run and the
release binary's arguments both read (no kernel runs here; the timings themselves are a
benchmark, never a test)."""

import nbformat
import pytest

from helpers import ROOT, script

timings = script("notebook-timings")
NOTEBOOK = ROOT / "notebooks" / "03-deeper-and-batched.ipynb"


def test_epochs_reach_the_notebook_and_the_release_binary_alike():
    nb = timings.with_epochs(nbformat.read(NOTEBOOK, as_version=4), 10000)
    assert "let epochs: usize = 10000;" in timings.parameters_cell(nb).source
    args = timings.release_args(nb)
    assert args[args.index("--epochs") + 1] == "10000"
    # the file itself is untouched
    assert "let epochs: usize = 10000;" not in NOTEBOOK.read_text()


def test_a_parameters_cell_without_a_number_of_epochs_is_refused():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = timings.parameters_cell(nb)
    cell.source = cell.source.replace("let epochs: usize = 1500;", "let epochs: usize = steps * 2;")
    with pytest.raises(SystemExit, match="does not set `epochs` to a number"):
        timings.with_epochs(nb, 10)
