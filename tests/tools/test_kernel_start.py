"""A kernel start finds the crate built by the kernel before it: each kernel builds in a folder
that the next one reuses (scripts/kernel_launcher.py), one kernel at a time, so a notebook opens
in seconds and two notebooks open at once do not share a folder."""

import concurrent.futures
import fcntl
import importlib.util
import os
import re

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import ROOT, check_notebooks

spec = importlib.util.spec_from_file_location("kernel_launcher", ROOT / "scripts" / "kernel_launcher.py")
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)

# what cargo prints for each package it builds; the kernel's stderr reaches check-notebooks' own
COMPILING = re.compile(r"^\s*Compiling (\S+) v", re.M)

# the folder a cell's process builds in, and a pause that keeps the kernel open
SLOT = 'println!("slot {}", std::env::var("EVCXR_TMPDIR").map(|p| p.rsplit(\'/\').next().unwrap_or("").to_string()).unwrap_or_default());'


def probe(tmp_path, name, pause_ms=0):
    """A notebook whose first cell is every notebook's, then a cell that says which slot it runs in."""
    cells = [new_code_cell(f':dep backprop = {{ path = "{ROOT}" }}\n:opt 0'),
             new_code_cell(f"std::thread::sleep(std::time::Duration::from_millis({pause_ms}));\n{SLOT}")]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def slot_of(path):
    out = "".join(o.get("text", "") for o in nbformat.read(path, as_version=4).cells[1].outputs)
    return re.fullmatch(r"slot (\S+)\n", out).group(1)


def test_a_second_kernel_start_compiles_nothing(tmp_path):
    path = probe(tmp_path, "probe")
    # the first start may build what changed since the last kernel (the crate, after an edit)
    code, out = check_notebooks("--no-reruns", "--write", path)
    assert code == 0, out
    code, out = check_notebooks("--no-reruns", "--write", path)
    assert code == 0, out
    assert COMPILING.findall(out) == [], f"the second kernel start compiled again:\n{out}"
    assert slot_of(path).startswith("slot-")


def test_two_notebooks_open_at_once_each_build_in_a_folder_of_their_own(tmp_path):
    # each keeps its kernel open for a while, so that both are open at once
    paths = [probe(tmp_path, f"open-{i}", pause_ms=8000) for i in range(2)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda p: check_notebooks("--no-reruns", "--write", p), paths))
    for code, out in runs:
        assert code == 0, out
    slots = [slot_of(p) for p in paths]
    assert slots[0] != slots[1], slots


def test_a_held_slot_is_passed_over_and_a_freed_one_taken_again(tmp_path):
    builds = tmp_path / "builds"
    first, fd = launcher.take_slot(builds, wait=0)
    assert first.name == "slot-0"
    (first / "target").mkdir()  # built in
    # while the first kernel holds it (a lock on slot-0/.lock), the next takes a new slot
    second, fd2 = launcher.take_slot(builds, wait=0.2)
    assert second.name == "slot-1"
    os.close(fd)
    # slot-0, free and built, is preferred to slot-2
    third, fd3 = launcher.take_slot(builds, wait=0)
    assert third.name == "slot-0"
    # the lock is a real one: another open file description of slot-0's lock cannot take it
    other = os.open(third / ".lock", os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass
    else:
        raise AssertionError("slot-0's lock was taken twice")
    finally:
        os.close(other)
    os.close(fd2)
    os.close(fd3)


def test_a_restarted_kernel_waits_for_its_slot_rather_than_build_in_a_new_one(tmp_path):
    import threading

    builds = tmp_path / "builds"
    slot, fd = launcher.take_slot(builds, wait=0)
    (slot / "target").mkdir()
    # the old kernel's processes let go of the slot half a second after the new kernel starts
    threading.Timer(0.5, os.close, [fd]).start()
    again, fd_again = launcher.take_slot(builds, wait=3)
    assert again.name == "slot-0"
    os.close(fd_again)
