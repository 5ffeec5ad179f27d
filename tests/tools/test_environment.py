"""environment.yml gives conda-forge's names with lower bounds; environment.lock the exact
versions `make setup` installs. The lock must stay inside the bounds, .venv must hold the lock,
and each kind of drift must be caught."""

import json
import os
import pathlib
import re
import sys

from helpers import ROOT, script

setup = script("setup")
YML = (ROOT / "environment.yml").read_text()
LOCK = (ROOT / "environment.lock").read_text()


def test_venv_holds_exactly_what_environment_lock_pins():
    assert setup.drift(setup.lock(LOCK), setup.venv_versions()) == []


def test_every_pin_lies_inside_environment_yml_for_every_python_from_3_10_to_3_13():
    for minor in range(10, 14):
        pins = setup.lock(LOCK, (3, minor))
        assert setup.outside_bounds(setup.bounds(YML), pins) == [], f"Python 3.{minor}"
        assert set(pins) >= {"evcxr_jupyter", "jupyterlab", "numpy", "playwright"}, f"Python 3.{minor}"


def test_the_lock_takes_the_line_for_the_running_python():
    assert setup.lock(LOCK, (3, 10))["numpy"] == "2.2.6"
    assert setup.lock(LOCK, (3, 12))["numpy"] == "2.4.6"
    assert setup.lock(LOCK) == setup.lock(LOCK, sys.version_info[:2])


def test_a_pin_below_its_bound_is_reported():
    low = LOCK.replace("jupyterlab==4.6.6", "jupyterlab==4.4.0")
    assert low != LOCK
    assert setup.outside_bounds(setup.bounds(YML), setup.lock(low)) == [
        "jupyterlab: environment.lock pins 4.4.0, below environment.yml's jupyterlab>=4.5"]


def test_playwright_goes_by_conda_forges_name():
    # conda-forge's `playwright` is the Node.js command line; the Python package is playwright-python
    wrong = YML.replace("playwright-python>=", "playwright>=")
    assert setup.outside_bounds(setup.bounds(wrong), setup.lock(LOCK)) == [
        "playwright: environment.lock pins 1.65.2, environment.yml does not name playwright-python",
        "playwright: environment.yml names it, environment.lock pins no version of it"]


def evcxr_rust_version(version):
    """The rust-version of the evcxr library at `version`, from the sources cargo unpacked to build it."""
    cargo_home = pathlib.Path(os.environ.get("CARGO_HOME", pathlib.Path.home() / ".cargo"))
    manifests = sorted(cargo_home.glob(f"registry/src/*/evcxr-{version}/Cargo.toml"))
    assert manifests, f"evcxr {version}'s sources are not in {cargo_home}/registry/src (make setup builds it)"
    return re.search(r'^rust-version\s*=\s*"([^"]+)"', manifests[0].read_text(), re.M).group(1)


def test_environment_yml_asks_for_the_rust_that_the_locked_kernel_needs():
    kernel = setup.lock(LOCK)["evcxr_jupyter"]
    needs = evcxr_rust_version(kernel)
    rust = setup.bounds(YML)["rust"]
    assert setup.at_least(rust, needs), f"evcxr {kernel} needs rust {needs}, environment.yml asks rust>={rust}"
    assert setup.at_least(setup.bounds(YML)["rust-src"], needs)
    # and no `evcxr` from conda-forge, whose newest build (0.20.0) loses printed output
    assert "evcxr" not in setup.bounds(YML)


def test_the_readmes_conda_path_registers_the_kernel_with_setup(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    assert "conda env create -f environment.yml && conda activate backprop\npython scripts/setup --conda\n" in readme
    # outside an active environment it says what to do rather than install anywhere
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    assert setup.conda(setup.lock(LOCK)) == 1
    assert "run `conda activate backprop` first" in capsys.readouterr().err


def test_the_kernel_builds_in_a_folder_whose_cargo_config_optimizes_dependencies():
    kernels = ROOT / ".venv" / "share" / "jupyter"
    assert setup.kernel_problems(kernels) == []
    spec = json.loads((kernels / "kernels" / "rust" / "kernel.json").read_text())
    config = pathlib.Path(spec["env"]["TMPDIR"]) / ".cargo" / "config.toml"
    assert '[profile.dev.package."*"]\nopt-level = 3\n' in config.read_text()


def test_a_kernel_registered_without_the_build_folder_is_reported(tmp_path):
    spec = tmp_path / "kernels" / "rust" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps({"argv": ["evcxr_jupyter", "--control_file", "{connection_file}"]}))
    problems = setup.kernel_problems(tmp_path)
    assert len(problems) == 3, problems
    assert "does not set TMPDIR=" in problems[0] and "config.toml is missing" in problems[1]
    assert "launch.py is missing or differs from scripts/kernel_launcher.py" in problems[2]


def test_a_kernel_started_without_the_launcher_is_reported(tmp_path):
    # registered as scripts/setup does, then started straight by evcxr_jupyter again: every start
    # would build in a new temporary folder
    setup.register_kernel(tmp_path, setup.VENV / "bin" / "python", quiet=True)
    assert setup.kernel_problems(tmp_path) == []
    spec = tmp_path / "kernels" / "rust" / "kernel.json"
    kernel = json.loads(spec.read_text())
    kernel["argv"] = kernel["argv"][3:]
    spec.write_text(json.dumps(kernel))
    assert setup.kernel_problems(tmp_path) == [f"{spec} does not start the kernel through {spec.parent / 'launch.py'}, "
                                               "which reuses its build folder"]


def test_a_package_in_environment_yml_without_a_pin_is_reported():
    added = YML.replace("  - pytest>=", "  - tabulate>=0.9\n  - pytest>=")
    assert setup.outside_bounds(setup.bounds(added), setup.lock(LOCK)) == [
        "tabulate: environment.yml names it, environment.lock pins no version of it"]


def test_a_changed_pin_is_reported_as_drift_until_installed():
    changed = LOCK.replace("pytest==9.2.0", "pytest==9.1.0")
    assert setup.drift(setup.lock(changed), setup.venv_versions()) == ["pytest: environment.lock pins 9.1.0, .venv has 9.2.0"]
    added = LOCK + "tabulate==0.9.0\n"
    assert setup.drift(setup.lock(added), setup.venv_versions()) == ["tabulate: environment.lock pins 0.9.0, .venv has nothing"]


def test_an_exact_pin_in_environment_yml_is_refused():
    # conda-forge lags PyPI: environment.yml gives bounds, the lock gives versions
    try:
        setup.bounds(YML.replace("nbformat>=5.10", "nbformat=5.11.1"))
    except SystemExit as e:
        assert "cannot read '- nbformat=5.11.1': expected `- name` or `- name>=VERSION`" in str(e)
    else:
        raise AssertionError("an exact pin was accepted")


def test_versions_compare_by_number():
    assert setup.at_least("1.97.1", "1.95") and setup.at_least("1.95.0", "1.95") and not setup.at_least("1.9.0", "1.89")
    assert setup.at_least("0.22.0", "0.20.0") and not setup.at_least("0.19.9", "0.20")


def test_the_kernel_is_registered_inside_the_venv():
    assert (ROOT / ".venv" / "share" / "jupyter" / "kernels" / "rust" / "kernel.json").exists()


def test_the_plain_text_copies_of_the_notebooks_are_current(tmp_path):
    export = script("export-notebooks")
    assert export.main(["--check"]) == 0
    # the check notices a copy that no longer matches its notebook
    for path in (ROOT / "notebooks" / "text").glob("*.md"):
        (tmp_path / path.name).write_text(path.read_text())
    first = sorted(tmp_path.glob("*.md"))[0]
    first.write_text(first.read_text().replace("```rust", "```rust\n// an edit not made in the notebook", 1))
    assert export.main(["--check"], text_dir=tmp_path) == 1


def test_apt_get_is_used_only_as_root_or_with_a_password_free_sudo(monkeypatch):
    monkeypatch.setattr(setup.os, "geteuid", lambda: 1000)
    real_which = setup.shutil.which
    monkeypatch.setattr(setup.shutil, "which", lambda name, *a, **k: None if name in ("sudo", "mold") else real_which(name, *a, **k))
    assert setup.can_apt() is None
    # a sudo that would ask for a password counts as none
    monkeypatch.setattr(setup.shutil, "which", lambda name, *a, **k: "/usr/bin/sudo" if name == "sudo" else real_which(name, *a, **k))
    monkeypatch.setattr(setup.subprocess, "run", lambda cmd, **k: setup.subprocess.CompletedProcess(cmd, 1))
    assert setup.can_apt() is None
    # as root, apt-get runs as it is
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    assert setup.can_apt() == ([] if real_which("apt-get") else None)
