"""environment.yml is the one list: .venv must hold exactly its pins, and drift must be caught."""

from helpers import ROOT, script

setup = script("setup")
YML = (ROOT / "environment.yml").read_text()


def test_venv_holds_exactly_what_environment_yml_pins():
    assert setup.drift(setup.dependencies(YML), setup.venv_versions()) == []


def test_every_dependency_is_pinned_or_provided_outside_pip():
    for name, op, version in setup.dependencies(YML):
        assert name in setup.NOT_PIP or (op == "==" and version), name


def test_the_kernel_is_registered_inside_the_venv():
    assert (ROOT / ".venv" / "share" / "jupyter" / "kernels" / "rust" / "kernel.json").exists()


def test_a_changed_pin_is_reported_as_drift():
    changed = YML.replace("numpy=2.4.6", "numpy=2.3.0")
    assert changed != YML
    problems = setup.drift(setup.dependencies(changed), setup.venv_versions())
    assert problems == ["numpy: environment.yml pins 2.3.0, .venv has 2.4.6"]


def test_an_added_package_is_reported_until_installed():
    added = YML.replace("  - pytest=", "  - tabulate=0.9.0\n  - pytest=")
    assert setup.drift(setup.dependencies(added), setup.venv_versions()) == ["tabulate: environment.yml pins 0.9.0, .venv has nothing"]


def test_an_unpinned_python_package_is_refused():
    loose = YML.replace("nbformat=5.11.1", "nbformat")
    assert setup.drift(setup.dependencies(loose), setup.venv_versions()) == ["nbformat: environment.yml must pin it with =VERSION, it says nothing"]


def test_the_plain_text_copies_of_the_notebooks_are_current(tmp_path):
    export = script("export-notebooks")
    assert export.main(["--check"]) == 0
    # the check notices a copy that no longer matches its notebook
    for path in (ROOT / "notebooks" / "text").glob("*.md"):
        (tmp_path / path.name).write_text(path.read_text())
    first = sorted(tmp_path.glob("*.md"))[0]
    first.write_text(first.read_text().replace("```rust", "```rust\n// an edit not made in the notebook", 1))
    assert export.main(["--check"], text_dir=tmp_path) == 1
