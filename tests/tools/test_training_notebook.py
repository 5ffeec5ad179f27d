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


def test_the_saved_network_comes_back_after_a_kernel_restart(tmp_path):
    from nbclient import NotebookClient

    def run(nb):
        NotebookClient(nb, kernel_name="rust", timeout=900, allow_errors=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()

    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    cells[0].source = cells[0].source.replace('path = ".."', f'path = "{ROOT}"')
    run(nb)
    load = next(c for c in cells if "Network::load" in c.source)
    assert (tmp_path / "trained-network.json").exists()
    # a new kernel: only the first cell and the load cell
    restarted = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cells[0].source),
                                                 nbformat.v4.new_code_cell(load.source)])
    run(restarted)
    again = restarted.cells[1]
    assert not [o for o in again.outputs if o.get("name") == "stderr" or o.get("output_type") == "error"], again.outputs
    assert stdout_of(again) == stdout_of(load)
    assert stdout_of(again).startswith("W2 of the reloaded network =\n\n [[")
