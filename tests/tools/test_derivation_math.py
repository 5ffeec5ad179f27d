"""Every math block of the worked derivation renders in KaTeX, on the chapter's values and on a
deeper batch, and the check really fails on LaTeX that does not render."""

import subprocess

import pytest

from helpers import FIXTURES, ROOT, cargo_run

CHECK = ROOT / "tools" / "katex" / "check.mjs"


def derivation(*values):
    return cargo_run("--", "derivation", *values)


def katex(markdown):
    return subprocess.run(["node", CHECK, "-"], input=markdown, capture_output=True, text=True)


@pytest.mark.parametrize("values", [[], [FIXTURES / "walkthrough" / "activations.json"], [FIXTURES / "walkthrough" / "saturated.json"],
                                    [FIXTURES / "walkthrough" / "saturated_cross_entropy.json"]],
                         ids=["chapter", "four layers, two samples", "saturated", "cross-entropy after softmax"])
def test_every_math_block_renders(values):
    done = katex(derivation(*values))
    assert done.returncode == 0, done.stderr
    rendered = int(done.stdout.split("math blocks: ")[1].split(" rendered")[0])
    assert rendered >= 40


def test_the_check_fails_on_math_that_does_not_render():
    broken = derivation().replace(r"\end{bmatrix}", "", 1)
    done = katex(broken)
    assert done.returncode == 1
    assert "KaTeX parse error" in done.stderr and "-:" in done.stderr


def chain_rule(param, *values):
    return cargo_run("--", "chain-rule", param, *values)


@pytest.mark.parametrize("param, values", [("W1[2,1]", []), ("b1[0]", []), ("W2[0,1]", [FIXTURES / "walkthrough" / "activations.json"])],
                         ids=["a weight of the chapter", "a bias of the chapter", "a weight of four layers, two samples"])
def test_the_chain_rule_renders(param, values):
    done = katex(chain_rule(param, *values))
    assert done.returncode == 0, done.stderr
    rendered = int(done.stdout.split("math blocks: ")[1].split(" rendered")[0])
    assert rendered >= 2


def test_worksheets_and_their_keys_render(tmp_path):
    cargo_run("--", "worksheet", "--seed", "1", "--count", "3", "--out", tmp_path)
    for name in ["worksheet-1.md", "key-1.md", "worksheet-3.md", "key-3.md"]:
        done = katex((tmp_path / name).read_text())
        assert done.returncode == 0, f"{name}: {done.stderr}"
        rendered = int(done.stdout.split("math blocks: ")[1].split(" rendered")[0])
        assert rendered >= 20, name
