"""`backprop mark --printed`: what a learner's numpy program printed, marked. The program is the
chapter's own (tests/fixtures/chapter_complete.py), run by numpy, with one line changed the way
a learner gets it wrong; the checker must name that slip, and mark what follows from it as
carried forward."""

import json
import subprocess
import sys

import pytest

from helpers import FIXTURES, ROOT, cargo_run

PROGRAM = (FIXTURES / "chapter_complete.py").read_text()


def printed(program, tmp_path, name="out.txt"):
    """What `program` prints, run by numpy, saved to a file."""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    path = tmp_path / name
    path.write_text(done.stdout)
    return path


def mark(*args):
    """`backprop mark ...`: (exit status, stdout)."""
    command = ["cargo", "run", "-q", "--features", "cli", "--", "mark", *map(str, args)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    return done.returncode, done.stdout + done.stderr


def with_slip(old, new):
    assert old in PROGRAM, old
    return PROGRAM.replace(old, new, 1)


def test_the_chapters_own_output_marks_every_quantity_right(tmp_path):
    code, out = mark("--printed", printed(PROGRAM, tmp_path))
    assert code == 0, out
    assert out.rstrip().endswith("17 of 17 right"), out
    # the committed output of the chapter's program, as the chapter prints it, too
    code, out = mark("--printed", ROOT / "tests" / "fixtures" / "chapter-complete-output.txt")
    assert code == 0 and "17 of 17 right" in out, out


SLIPS = [
    # (the line as the chapter writes it, as a learner writes it, what the mark must say)
    # (the bias as a column broadcasts z1 to 2 x 2 here, and numpy itself stops at dLdW1)
    ("a1 = sigmoid(z1)", "a1 = z1", "The activation is missing: a1 = f1(z1)"),
    ("a2 = sigmoid(z2)", "a2 = d_sigmoid(z2)", "That is the activation's derivative f2'(z2)"),
    ("dJda2 = d_mse(a2, y)", "dJda2 = d_mse(y, a2)", "The sign is flipped: dJ/da2 = a2 − y, not y − a2."),
    ("da2dz2 = d_sigmoid(z2)", "da2dz2 = d_sigmoid(a2)", "f2' is taken at a2"),
    ("d2 = dJda2 * da2dz2", "d2 = dJda2", "f2'(z2) is left out"),
    ("d1 = (d2 @ W2.T) * da1dz1", "d1 = (d2 @ W2) * da1dz1", "The transpose is missing: δ2 is brought back through W2ᵀ, not W2."),
    ("d1 = (d2 @ W2.T) * da1dz1", "d1 = (d2 @ W2.T) * a1", "The activation's value a1 stands where its derivative"),
    ("dLdW2 = a1.T @ d2", "dLdW2 = d2.T @ a1", "That is the transpose of dJ/dW2"),
    ("dLdb2 = np.sum(d2, axis=0).reshape(-1,1)", "dLdb2 = np.sum(d2, axis=1).reshape(-1,1)", "summed over the wrong axis"),
    ("W2n = W2 - (n/m)*dLdW2", "W2n = W2 + (n/m)*dLdW2", "The update's sign is flipped"),
    # two at once
    ("d1 = (d2 @ W2.T) * da1dz1", "d1 = (d2 @ W2) * d_sigmoid(a1)", "Two slips"),
]


@pytest.mark.parametrize("old, new, says", SLIPS, ids=[s[1] for s in SLIPS])
def test_a_program_with_a_slip_gets_the_slip_named(tmp_path, old, new, says):
    code, out = mark("--printed", printed(with_slip(old, new), tmp_path))
    assert code == 1, out
    assert says in out, out
    # the command line gives the hint's sentence, not a Rust call
    assert "hint(Quantity" not in out, out


def test_one_slip_early_and_everything_after_it_follows_from_it(tmp_path):
    code, out = mark("--printed", printed(with_slip("z1 = a0 @ W1 + b1.T", "z1 = a0 @ W1"), tmp_path))
    assert code == 1, out
    lines = [l for l in out.splitlines() if l[:1] in "✓✗→"]
    assert lines[0].startswith("✗ z1"), out
    assert "The bias is missing" in out
    # every later quantity: right for the learner's own wrong inputs
    assert len(lines) == 17 and all(l.startswith("→ ") and l.endswith("fix z1 first") for l in lines[1:]), out
    assert out.rstrip().endswith("0 of 17 right, 16 following from an earlier mistake; fix z1 first"), out


def test_a_slip_in_the_middle_leaves_what_comes_before_right(tmp_path):
    code, out = mark("--printed", printed(with_slip("d1 = (d2 @ W2.T) * da1dz1", "d1 = (d2 @ W2) * da1dz1"), tmp_path))
    marks = {l.split(":")[0][2:]: l[0] for l in out.splitlines() if l[:1] in "✓✗→"}
    assert all(marks[q] == "✓" for q in ["z1", "a1", "z2", "a2", "dJda2", "f2'(z2)", "d2", "dLdW2", "W2_new"]), out
    assert marks["d1"] == "✗"
    assert all(marks[q] == "→" for q in ["dLdW1", "dLdb1", "W1_new", "b1_new"]), out


def test_unknown_names_are_listed_and_a_program_with_other_values_needs_its_values(tmp_path):
    program = PROGRAM + '\nprint("\\nmy_sum =", np.sum(d2))\n'
    code, out = mark("--printed", printed(program, tmp_path))
    assert code == 0, out
    assert "not marked (no quantity of the step by these names): my_sum" in out
    # a batch: the program with the batch's values, marked against the batch's values file
    batch = json.loads((FIXTURES / "walkthrough" / "batch.json").read_text())
    program = (PROGRAM.replace("x = np.array([[1, 4, 5]])", f"x = np.array({batch['x']})")
               .replace("y = np.array([[0.1, 0.05]])", f"y = np.array({batch['y']})")
               .replace("n = 0.01", f"n = {batch['learning_rate']}"))
    output = printed(program, tmp_path, "batch.txt")
    code, out = mark("--printed", output, FIXTURES / "walkthrough" / "batch.json")
    assert code == 0 and "17 of 17 right" in out, out
    # against the chapter's values instead, the given x and y are noted as different
    code, out = mark("--printed", output)
    assert "note: x as printed differs from the values marked against" in out, out


def test_the_hint_of_a_quantity_by_its_name():
    assert "transpose" in cargo_run("--", "hint", "d1")
    code, out = mark()
    assert code == 2 and "expected `backprop mark VALUES ANSWERS`" in out, out
