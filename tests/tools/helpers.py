"""Shared by the tooling tests: paths, the scripts as modules, running a notebook."""

import importlib.machinery
import importlib.util
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "scripts"))
from notebook_tools import stdout_of  # noqa: E402,F401  (what a cell printed, for the tests)
os.environ["JUPYTER_PATH"] = str(ROOT / ".venv" / "share" / "jupyter")


def script(name):
    """A script of scripts/ (no .py suffix) imported as a module."""
    path = ROOT / "scripts" / name
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def check_notebooks(*args, env=None):
    """Runs scripts/check-notebooks (in `env` when given); returns (exit code, stdout + stderr)."""
    done = subprocess.run([sys.executable, ROOT / "scripts" / "check-notebooks", *map(str, args)],
                          capture_output=True, text=True, timeout=1800, env=env)
    return done.returncode, done.stdout + done.stderr


def cargo_run(*args, release=False):
    """`cargo run -q --features cli ARGS` (`--release` too when asked) in the project: the
    command line, or with `--example NAME` an example; returns its stdout, failing with its
    stderr."""
    command = ["cargo", "run", "-q", *(["--release"] if release else []), "--features", "cli", *map(str, args)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    return done.stdout

