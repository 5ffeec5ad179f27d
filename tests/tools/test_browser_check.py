"""scripts/browser-check fails, naming the notebook and the cell, when a cell panics in
JupyterLab."""

import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import ROOT


def test_a_panicking_cell_fails_the_browser_check(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# a panic"), new_code_cell('let a = 1 + 1;\nprintln!("a = {a}");'),
                             new_code_cell("let v: Vec<i32> = Vec::new(); v[3];")])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    nbformat.write(nb, tmp_path / "panic.ipynb")
    done = subprocess.run([sys.executable, ROOT / "scripts" / "browser-check", "--notebook-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "panic.ipynb: cell 3 ('let v: Vec<i32> = Vec::new(); v[3];') panicked:" in out
    assert "index out of bounds" in out
    assert done.stdout.strip().splitlines()[-1] == "browser: 0 passed, 1 failed"
