"""What the scripts share, in one place: where the project is and its .venv; how a cell is
named; how outputs are read by MIME type; the nbclient set-up for the rust kernel; the `:dep`
path made to reach the crate from elsewhere; how the notebooks' kernel is registered; and the
browser the checks drive.

Each script puts its own folder on sys.path and imports from here:

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from notebook_tools import ROOT, VENV, cell_name, reexec_in_venv

It needs nothing but the standard library at import time, so that scripts/setup can use it
before .venv exists; what needs .venv's packages imports them where it runs.
"""

import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
KERNELS = VENV / "share" / "jupyter"


def reexec_in_venv(script, jupyter_path=True):
    """Run `script` again under .venv's Python unless this is it; with `jupyter_path`, find the
    kernels that `make setup` registered inside .venv."""
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        if not python.exists():
            sys.exit(f"{python} is missing: run `make setup` first")
        os.execv(python, [str(python), str(script), *sys.argv[1:]])
    if jupyter_path:
        os.environ["JUPYTER_PATH"] = str(KERNELS)


def cell_name(index, source):
    """`cell 3 ('let x = ...')`: a cell's number from 1 and its first line, for messages."""
    first = next((line for line in source.splitlines() if line.strip()), "")
    return f"cell {index + 1} ({first.strip()[:60]!r})"


# --- outputs, by MIME type -------------------------------------------------------------------

SVG = "image/svg+xml"
PNG = "image/png"
MARKDOWN = "text/markdown"
PLAIN = "text/plain"
STDERR = "application/vnd.jupyter.stderr"


def text(value):
    """An output's text, whether stored as one string or as a list of lines."""
    return value if isinstance(value, str) else "".join(value)


def data_of(out):
    """An output's rich data by MIME type (empty for a stream or an error)."""
    return out.get("data", {})


def outputs_with(cell, mime):
    """The outputs of a cell that hold `mime`, or any image/* type when `mime` is "image/"."""
    if mime.endswith("/"):
        return [out for out in cell.get("outputs", []) if any(m.startswith(mime) for m in data_of(out))]
    return [out for out in cell.get("outputs", []) if mime in data_of(out)]


def pictures_per_cell(nb, mime="image/"):
    """For each cell of the notebook, how many outputs hold a picture: any image/* type, or the
    one `mime` named (image/svg+xml: the plots that a trusted notebook draws as SVG)."""
    return [len(outputs_with(cell, mime)) if cell.cell_type == "code" else 0 for cell in nb.cells]


SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="(\d+)"[^>]*?\bheight="(\d+)"')


def size_pictures(nb):
    """Stamps on every output holding an SVG and a PNG the SVG's size as the PNG's display size
    (`metadata["image/png"] = {"width", "height"}`), which JupyterLab and nbconvert's HTML give
    the PNG's <img>: the crate rasterizes the PNG at twice the SVG's pixels, so that an untrusted
    notebook, which shows the PNG, shows it as large as the SVG and sharp on a high-density
    screen. The kernel sends no metadata with an output, so the stored notebook carries it;
    returns how many outputs it stamped."""
    stamped = 0
    for cell in nb.cells:
        for out in outputs_with(cell, SVG):
            found = SVG_SIZE.search(text(out["data"][SVG]))
            if PNG not in out["data"] or not found:
                continue
            out.setdefault("metadata", {})[PNG] = {"width": int(found[1]), "height": int(found[2])}
            stamped += 1
    return stamped


def stdout_of(cell):
    """What a cell printed to stdout."""
    return "".join(text(o["text"]) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o["name"] == "stdout")


# --- running notebooks on the rust kernel -----------------------------------------------------

def rust_client(nb, folder, timeout=900, **options):
    """An nbclient client that runs `nb` on the rust kernel from `folder` (where a notebook's
    relative paths, `:dep`'s among them, are resolved)."""
    from nbclient import NotebookClient

    return NotebookClient(nb, kernel_name="rust", timeout=timeout,
                          resources={"metadata": {"path": str(folder)}}, **options)


DEP_PATH = re.compile(r'^(\s*:dep\s+\w+\s*=\s*\{[^}\n]*path\s*=\s*")([^"]+)(")', re.M)


def dep_path(source, fix):
    """A cell's source with the path of each `:dep NAME = { path = "..." }` line replaced by
    `fix(path)`."""
    return DEP_PATH.sub(lambda m: m.group(1) + fix(m.group(2)) + m.group(3), source)


def absolute_deps(source, origin):
    """A cell's source with each relative `:dep` path made absolute against `origin`: what a
    copy of a notebook needs to run as it would beside the original."""
    return dep_path(source, lambda p: p if os.path.isabs(p) else str((origin / p).resolve()))


def deps_from(source, origin, folder):
    """A cell's source with each relative `:dep` path (meant from `origin`) written relative to
    `folder`, where a copy of the notebook will run."""
    return dep_path(source, lambda p: p if os.path.isabs(p) else os.path.relpath((origin / p).resolve(), folder))


# --- the notebooks' kernel --------------------------------------------------------------------

# What cargo reads for every build the kernel makes: the kernel builds in builds/slot-N (see
# kernel_launcher.py), and cargo reads .cargo/config.toml from the folders above the one it
# builds in. The cells keep evcxr's opt-level (the notebooks say `:opt 0`, so each cell
# compiles quickly); the crate and its dependencies are built optimized, as in release.
BUILD_CONFIG = """\
# Written by scripts/setup for the notebooks' kernel; see BUILD_CONFIG in scripts/notebook_tools.py.
[profile.dev.package."*"]
opt-level = 3
debug-assertions = false
overflow-checks = false
"""

LAUNCHER = ROOT / "scripts" / "kernel_launcher.py"


def kernel_problems(data_dir):
    """What is missing from the rust kernel registered in data_dir (kernels/rust): one line each."""
    spec = data_dir / "kernels" / "rust" / "kernel.json"
    if not spec.exists():
        return [f"the rust kernel is not registered in {data_dir}"]
    kernel_dir = spec.parent
    builds = kernel_dir / "builds"
    kernel = json.loads(spec.read_text())
    problems = []
    if kernel.get("env", {}).get("TMPDIR") != str(builds):
        problems.append(f"{spec} does not set TMPDIR={builds}, where the kernel builds with optimized dependencies")
    config = builds / ".cargo" / "config.toml"
    if not config.exists() or config.read_text() != BUILD_CONFIG:
        problems.append(f"{config} is missing or differs from scripts/notebook_tools.py's BUILD_CONFIG")
    launch = kernel_dir / "launch.py"
    if not launch.exists() or launch.read_text() != LAUNCHER.read_text():
        problems.append(f"{launch} is missing or differs from scripts/kernel_launcher.py")
    elif kernel.get("argv", [])[1:3] != ["-I", str(launch)]:
        problems.append(f"{spec} does not start the kernel through {launch}, which reuses its build folder")
    return problems


def register_kernel(data_dir, python, evcxr_jupyter="evcxr_jupyter", quiet=False):
    """Registers the rust kernel in data_dir, started by `python` through launch.py (a copy of
    scripts/kernel_launcher.py) and building in data_dir/kernels/rust/builds/slot-N.

    Two kernels open at once each build in a slot of their own; what every slot shares is the
    cargo config above them.
    """
    install = [str(evcxr_jupyter), "--install"]
    env = {**os.environ, "JUPYTER_PATH": str(data_dir)}
    if not quiet:
        print("+", " ".join(install), flush=True)
    subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL if quiet else None)
    spec = data_dir / "kernels" / "rust" / "kernel.json"
    builds = spec.parent / "builds"
    (builds / ".cargo").mkdir(parents=True, exist_ok=True)
    (builds / ".cargo" / "config.toml").write_text(BUILD_CONFIG)
    launch = spec.parent / "launch.py"
    launch.write_text(LAUNCHER.read_text())
    kernel = json.loads(spec.read_text())
    kernel["argv"] = [str(python), "-I", str(launch), *kernel["argv"]]
    kernel.setdefault("env", {})["TMPDIR"] = str(builds)
    spec.write_text(json.dumps(kernel, indent=2) + "\n")
    if not quiet:
        print(f"registered the rust kernel in {data_dir}, building in {builds}", flush=True)


# --- the browser the checks drive -------------------------------------------------------------

# Debian's chromium unless $CHROMIUM names another Chromium or Chrome; scripts/setup installs it
CHROMIUM = pathlib.Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
# without the background-networking flags, Chromium's connections are refused by a closed
# network, many at a time
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_or_exit(who):
    """The browser's path; exits, saying what to do, when it is missing."""
    if not CHROMIUM.exists():
        sys.exit(f"{who}: {CHROMIUM} is missing: run `make setup` (it installs Debian's chromium where apt-get can "
                 "run), or set CHROMIUM to a Chromium or Chrome executable")
    return CHROMIUM
