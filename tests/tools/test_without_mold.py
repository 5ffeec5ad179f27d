"""No notebook depends on the mold linker: evcxr takes mold (or lld) by itself when it is on
PATH, and a notebook that names it (`:linker mold`) fails wherever mold is missing, as on macOS
and most laptops."""

import os
import re
import shutil

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import ROOT, check_notebooks


def path_without(tmp_path, *commands):
    """PATH with each folder that holds one of `commands` replaced by a folder of links to the rest."""
    folders = []
    for i, folder in enumerate(os.environ["PATH"].split(os.pathsep)):
        if not any(os.path.exists(os.path.join(folder, c)) for c in commands):
            folders.append(folder)
            continue
        copy = tmp_path / f"path-{i}"
        copy.mkdir()
        for entry in os.scandir(folder):
            if entry.name not in commands:
                (copy / entry.name).symlink_to(entry.path)
        folders.append(str(copy))
    path = os.pathsep.join(folders)
    for command in commands:
        assert shutil.which(command, path=path) is None, command
    return path


def no_mold(tmp_path):
    return {**os.environ, "PATH": path_without(tmp_path, "mold", "ld.mold")}


def test_no_committed_notebook_names_a_linker():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            assert not re.search(r"^\s*:linker\b", cell.source, re.M), f"{path.name}: {cell.source[:80]!r}"


def test_a_notebook_runs_with_mold_absent_from_path(tmp_path):
    code, out = check_notebooks("--no-reruns", ROOT / "notebooks" / "04-gradient-check.ipynb", env=no_mold(tmp_path))
    assert code == 0, out
    assert "1 passed, 0 failed" in out


def test_a_notebook_that_names_mold_fails_where_mold_is_missing(tmp_path):
    # what the first cells said before: the check above would catch a notebook that still does
    nb = new_notebook(cells=[new_code_cell(":linker mold"), new_code_cell("let v = 1 + 1;\nprintln!(\"{v}\");")])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    nbformat.write(nb, tmp_path / "mold.ipynb")
    code, out = check_notebooks("--no-reruns", tmp_path / "mold.ipynb", env=no_mold(tmp_path))
    assert code == 1, out
    assert "mold.ipynb: cell 2" in out, out
