"""What the scripts share: where the project is, the .venv they run in, and how a cell is named.

Each script puts its own folder on sys.path and imports from here:

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from notebook_tools import ROOT, VENV, cell_name, reexec_in_venv
"""

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def reexec_in_venv(script, jupyter_path=True):
    """Run `script` again under .venv's Python unless this is it; with `jupyter_path`, find the
    kernels that `make setup` registered inside .venv."""
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        if not python.exists():
            sys.exit(f"{python} is missing: run `make setup` first")
        os.execv(python, [str(python), str(script), *sys.argv[1:]])
    if jupyter_path:
        os.environ["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")


def cell_name(index, source):
    """`cell 3 ('let x = ...')`: a cell's number from 1 and its first line, for messages."""
    first = next((line for line in source.splitlines() if line.strip()), "")
    return f"cell {index + 1} ({first.strip()[:60]!r})"
