"""Notebook 05 "Your turn", made from the nbgrader course's source (scripts/release-exercises):
as committed, it is nbgrader's release, every check says ✗ with its feedback and no cell fails;
the solved copy (the source itself) passes every check, hidden tests and all. The solutions
never appear in the exercise notebook."""

import json
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

from helpers import ROOT, script, stdout_of
from test_course import solutions

NOTEBOOK = ROOT / "notebooks" / "05-your-turn.ipynb"


def checks(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "step.check(" in c.source]


def test_the_committed_notebook_shows_every_check_wrong_with_feedback():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = checks(nb)
    assert len(cells) == len(solutions()) == 17
    for cell in cells:
        text = stdout_of(cell)
        assert text.startswith("✗"), f"{cell.source!r}: {text!r}"
        # each starting expression is a known mistake, named in a sentence
        assert len(text.strip().splitlines()) >= 2 and "Ask for a hint" not in text, text
    source = "".join(c.source for c in nb.cells)
    for line in solutions().values():
        assert line not in source, f"a solution is in the exercise notebook: {line}"
    assert "hint(Quantity::" in source and "graded(" not in source


def test_the_committed_notebook_is_the_release_of_the_course_source():
    done = subprocess.run([sys.executable, ROOT / "scripts" / "release-exercises", "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # and the check fails on a notebook that drifted from it
    release = script("release-exercises")
    drifted = json.loads(NOTEBOOK.read_text())
    drifted["cells"][9]["source"] = ["let z1 = a0.dot(&w1);"]
    assert release.sources(drifted) != release.sources(json.loads(NOTEBOOK.read_text()))
    release.NOTEBOOK = ROOT / "target" / "drifted" / NOTEBOOK.name
    release.NOTEBOOK.parent.mkdir(parents=True, exist_ok=True)
    release.NOTEBOOK.write_text(json.dumps(drifted))
    sys.argv = ["release-exercises", "--check"]
    try:
        release.main()
        raise AssertionError("a drifted notebook passed the check")
    except SystemExit as e:
        assert "is not the release of" in str(e) and "from cell 10 on" in str(e), e


def test_the_solved_notebook_passes_every_check(tmp_path):
    done = subprocess.run([sys.executable, ROOT / "scripts" / "release-exercises", "--solved", tmp_path],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(tmp_path / "05-your-turn.ipynb", as_version=4)
    assert ".graded(1.0)" in "".join(c.source for c in nb.cells), "the hidden tests are not in the solved copy"
    NotebookClient(nb, kernel_name="rust", timeout=900, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error" or o.get("name") == "stderr"]
        assert not errors, f"{cell.source[:60]!r}: {errors}"
    for cell in checks(nb):
        assert stdout_of(cell).startswith("✓"), f"{cell.source!r}: {stdout_of(cell)!r}"
