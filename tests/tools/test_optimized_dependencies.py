"""The notebooks' kernel builds the crate and its dependencies optimized while the cells keep
`:opt 0`: `make setup` registers it building under a folder whose cargo config says so."""

import os
import subprocess

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import ROOT, check_notebooks

PROBE = 'println!("crate {} cells {}", backprop::built_with_debug_assertions(), cfg!(debug_assertions));'


def probe(tmp_path, *kernels):
    nb = new_notebook(cells=[new_code_cell(f':dep backprop = {{ path = "{ROOT}" }}\n:opt 0'), new_code_cell(PROBE)])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    code, out = check_notebooks("--no-reruns", "--write", *kernels, path)
    assert code == 0, out
    return "".join(o.get("text", "") for o in nbformat.read(path, as_version=4).cells[1].outputs)


def test_in_the_notebooks_kernel_the_crate_is_optimized_and_the_cells_are_not(tmp_path):
    assert probe(tmp_path) == "crate false cells true\n"


def test_a_kernel_registered_plainly_builds_the_crate_unoptimized(tmp_path):
    # what the test above guards against: evcxr alone writes one [profile.dev] for everything
    plain = tmp_path / "plain"
    subprocess.run(["evcxr_jupyter", "--install"], env={**os.environ, "JUPYTER_PATH": str(plain)},
                   check=True, capture_output=True)
    assert probe(tmp_path, "--kernels", plain) == "crate true cells true\n"
