"""Notebook 05 as an nbgrader assignment, through the cycle a teacher runs: the assignment
generated from course/source, three submissions made here from the release (all right; two
known mistakes; one cell that does not compile and one that panics), autograded on the rust
kernel and given feedback. Each check is a graded cell of one point: the scores per cell and in
total must be what the answers earn, and the feedback must name the mistakes in the checker's
words."""

import html
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from helpers import ROOT

VENV = ROOT / ".venv"
COURSE = ROOT / "course"
ASSIGNMENT, NOTEBOOK = "your-turn", "05-your-turn"
SOURCE = COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"


def solutions():
    """Each exercise's solution line, by the variable it defines, from the course's source."""
    found = {}
    for cell in json.loads(SOURCE.read_text())["cells"]:
        m = re.search(r"// BEGIN SOLUTION\n(.*)\n// END SOLUTION", "".join(cell["source"]))
        if m:
            found[re.match(r"let (\w+) =", m.group(1)).group(1)] = m.group(1)
    return found


def nbgrader(course, *args):
    env = {**os.environ, "PATH": f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}", "BACKPROP_CRATE": str(ROOT)}
    done = subprocess.run([VENV / "bin" / "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def answered(release, answers):
    """The released notebook with the stub of each exercise named in `answers` replaced by the
    answer (a line of Rust, as a student types it below the starting line)."""
    nb = json.loads(release.read_text())
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        var = grade_id.removeprefix("answer-")
        if grade_id.startswith("answer-") and var in answers:
            source = "".join(cell["source"])
            assert "// YOUR CODE HERE" in source, source
            cell["source"] = re.sub(r"// YOUR CODE HERE.*", lambda _: answers[var], source)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course, copied, through generate_assignment, three submissions, autograde and
    feedback: (the course folder, each student's grades by cell and total, each student's
    feedback as text)."""
    from nbgrader.api import Gradebook

    course = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    right = solutions()
    submissions = {
        "alice": right,
        # two known mistakes, in the exercises' own starting lines: the transpose left out of
        # δ1 and the update's sign flipped
        "bob": {**right, "d1": "let d1 = d2.dot(&w2) * &df1;", "w2_new": "let w2_new = &w2 + &dldw2.mapv(|g| eta / m * g);"},
        # a cell that does not compile (a parenthesis missing) and one that panics (an index
        # out of bounds)
        "carol": {**right, "a1": "let a1 = z1.mapv(sigmoid;",
                  "dldb1": "let dldb1 = array![[d1[[0, 0]]], [d1[[0, 5]]]];"},
    }
    for student, answers in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{NOTEBOOK}.ipynb").write_text(json.dumps(answered(release, answers), indent=1))
    nbgrader(course, "autograde", ASSIGNMENT, "--create")
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    grades = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in submissions:
            notebook = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            grades[student] = ({g.name: g.score for g in notebook.grades}, notebook.score, notebook.max_score)
    feedback = {s: html.unescape((course / "feedback" / s / ASSIGNMENT / f"{NOTEBOOK}.html").read_text())
                for s in submissions}
    return course, grades, feedback


def lost(grades):
    """The graded cells that scored less than their point."""
    return sorted(name for name, score in grades.items() if score < 1)


def test_the_assignment_has_a_graded_check_of_one_point_per_exercise(graded):
    _, grades, _ = graded
    cells, total, most = grades["alice"]
    assert len(solutions()) == 17
    assert sorted(cells) == sorted(f"check-{var}" for var in solutions()), cells
    assert most == 17


def test_a_submission_with_every_answer_right_scores_every_point(graded):
    _, grades, feedback = graded
    cells, total, most = grades["alice"]
    assert lost(cells) == [] and total == most == 17, cells
    assert "✓ b2_new: right" in feedback["alice"]


def test_two_mistakes_lose_their_two_points_and_the_feedback_names_both(graded):
    _, grades, feedback = graded
    cells, total, _ = grades["bob"]
    assert lost(cells) == ["check-d1", "check-w2_new"], cells
    assert total == 15
    assert "The transpose is missing: δ2 is brought back through W2ᵀ, not W2." in feedback["bob"]
    assert "The update's sign is flipped" in feedback["bob"]


def test_a_cell_that_does_not_compile_and_one_that_panics_lose_only_their_own_points(graded):
    _, grades, feedback = graded
    cells, total, _ = grades["carol"]
    assert lost(cells) == ["check-a1", "check-dldb1"], cells
    assert total == 15
    assert "index out of bounds" in feedback["carol"] or "out of bounds" in feedback["carol"]


def test_the_released_notebook_holds_no_solution_and_no_hidden_test(graded):
    course, _, _ = graded
    text = (course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text()
    for line in solutions().values():
        assert json.dumps(line)[1:-1] not in text, f"a solution is in the release: {line}"
    assert "graded(" not in text and "BEGIN HIDDEN TESTS" not in text


def test_the_course_config_names_the_crate_for_the_kernel(monkeypatch):
    # (set, then removed: the variable the config sets is taken back after the test)
    monkeypatch.setenv("BACKPROP_CRATE", "")
    monkeypatch.delenv("BACKPROP_CRATE")
    from traitlets.config import Config

    config = Config()
    exec(compile((COURSE / "nbgrader_config.py").read_text(), str(COURSE / "nbgrader_config.py"), "exec"),
         {"get_config": lambda: config, "__file__": str(COURSE / "nbgrader_config.py")})
    assert pathlib.Path(os.environ["BACKPROP_CRATE"]) == ROOT
    assert config.ClearSolutions.code_stub["rust"].startswith("// YOUR CODE HERE")
    assert config.Execute.timeout >= 600 and config.Execute.startup_timeout >= 600


def test_the_kernel_adds_the_crate_that_backprop_crate_names_and_refuses_a_folder_without_it(tmp_path, capsys):
    from helpers import script

    launcher = script("kernel_launcher.py")
    env = {"BACKPROP_CRATE": str(ROOT / "course" / "..")}
    launcher.crate_at_start(env, tmp_path)
    assert (tmp_path / "evcxr-config" / "init.evcxr").read_text() == f':opt 0\n:dep backprop = {{ path = "{ROOT}" }}\n'
    assert env["EVCXR_CONFIG_DIR"] == str(tmp_path / "evcxr-config")
    env = {"BACKPROP_CRATE": str(tmp_path)}
    launcher.crate_at_start(env, tmp_path / "elsewhere")
    assert "EVCXR_CONFIG_DIR" not in env
    assert f"BACKPROP_CRATE={tmp_path}: expected the folder of the backprop crate (its Cargo.toml), found none there" \
        in capsys.readouterr().err
