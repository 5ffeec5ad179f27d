"""Notebook 05 "Your turn": as committed, every check says ✗ with its feedback and no cell
fails; built with the solutions kept apart (scripts/solve-notebooks), every check says ✓. The
solutions never appear in the exercise notebook."""

import json
import re
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

from helpers import ROOT, script, stdout_of

NOTEBOOK = ROOT / "notebooks" / "05-your-turn.ipynb"
SOLUTIONS = json.loads((ROOT / "notebooks" / "solutions" / "05-your-turn.json").read_text())["solutions"]


def checks(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "step.check(" in c.source]


def test_the_committed_notebook_shows_every_check_wrong_with_feedback():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = checks(nb)
    assert len(cells) == len(SOLUTIONS) == 17
    for cell in cells:
        text = stdout_of(cell)
        assert text.startswith("✗"), f"{cell.source!r}: {text!r}"
        # each starting expression is a known mistake, named in a sentence
        assert len(text.strip().splitlines()) >= 2 and "Ask for a hint" not in text, text
    source = "".join(c.source for c in nb.cells)
    for line in SOLUTIONS.values():
        assert line not in source, f"a solution is in the exercise notebook: {line}"
    assert "hint(Quantity::" in source


def test_the_solved_notebook_passes_every_check(tmp_path):
    done = subprocess.run([sys.executable, ROOT / "scripts" / "solve-notebooks", "--out", tmp_path],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(tmp_path / "05-your-turn.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="rust", timeout=900, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error" or o.get("name") == "stderr"]
        assert not errors, f"{cell.source[:60]!r}: {errors}"
    for cell in checks(nb):
        assert stdout_of(cell).startswith("✓"), f"{cell.source!r}: {stdout_of(cell)!r}"


def test_the_solver_refuses_an_exercise_without_a_solution_and_a_solution_without_an_exercise(tmp_path):
    solve = script("solve-notebooks").solve
    nb = json.loads(NOTEBOOK.read_text())
    partial = dict(SOLUTIONS)
    partial.pop("z1")
    try:
        solve(nb, partial, tmp_path)
        raise AssertionError("a missing solution was not noticed")
    except ValueError as e:
        assert "exercises without a solution: ['z1']" in str(e)
    extra = dict(SOLUTIONS, zz="let zz = 1;")
    try:
        solve(nb, extra, tmp_path)
        raise AssertionError("a stray solution was not noticed")
    except ValueError as e:
        assert "solutions without an exercise: ['zz']" in str(e)
    assert re.search(r'path = "\.\./', "".join(solve(nb, SOLUTIONS, tmp_path)["cells"][1]["source"]))
