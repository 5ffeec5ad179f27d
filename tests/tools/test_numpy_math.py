"""The crate's exp, tanh and log (backprop::numpy_math) against numpy's, bit for bit, and the
walkthrough against numpy's program on random value sets, byte for byte.

numpy is the one in .venv (environment.lock's version). Each function is tried on more than 10^6
inputs over the whole range that matters: where the results saturate, underflow to subnormal
numbers and overflow, and around the points where each algorithm changes its table entry.
"""

import fractions
import json
import math
import pathlib
import subprocess

import numpy as np
import pytest

from helpers import ROOT, cargo_run, script

reference = script("numpy_reference.py")


def log_uniform(rng, low, high, n):
    return np.exp(rng.uniform(np.log(low), np.log(high), n))


def random_finite(rng, n):
    """Doubles from uniformly random bit patterns, the non-finite ones left out."""
    bits = rng.integers(0, 2**64, n, dtype=np.uint64, endpoint=False)
    values = bits.view(np.float64)
    return values[np.isfinite(values)]


SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
           1.7976931348623157e308, -1.7976931348623157e308, 1.0, -1.0, 0.5]


def inputs(function):
    rng = np.random.default_rng({"exp": 1, "tanh": 2, "log": 3}[function])
    if function == "exp":
        parts = [
            rng.uniform(-750, 750, 400_000),
            rng.uniform(-40, 40, 200_000),             # sigmoid's inputs
            rng.uniform(700, 712, 100_000),            # overflow at 709.78
            rng.uniform(-746, -700, 150_000),          # subnormal results from -708.4, 0 below -745.1
            np.concatenate([log_uniform(rng, 1e-320, 1e-3, 50_000), -log_uniform(rng, 1e-320, 1e-3, 50_000)]),
            np.arange(-750, 751, dtype=float),
            # around the table's steps, k ln2 / 16
            np.arange(-17_000, 17_000) * math.log(2) / 16 + rng.uniform(-1e-9, 1e-9, 34_000),
            random_finite(rng, 100_000),
        ]
    elif function == "tanh":
        parts = [
            rng.uniform(-20, 20, 300_000),
            np.concatenate([log_uniform(rng, 1e-310, 40, 200_000), -log_uniform(rng, 1e-310, 40, 200_000)]),
            rng.uniform(15, 25, 100_000) * rng.choice([-1, 1], 100_000),   # saturation
            rng.uniform(-1, 1, 100_000) * 0.125,
            # around the edges of the routine's 16 subintervals, both signs
            np.concatenate([edge * (1 + rng.uniform(-1e-6, 1e-6, 4_000)) * rng.choice([-1, 1], 4_000)
                            for edge in [0.1875, 0.25, 0.375, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24]]),
            random_finite(rng, 100_000),
        ]
    else:
        parts = [
            log_uniform(rng, 5e-324, 1.7e308, 300_000),   # subnormal to the largest
            1 + rng.uniform(-1e-3, 1e-3, 150_000),
            1 + rng.uniform(-1e-8, 1e-8, 50_000),
            1 - 10.0 ** -rng.uniform(0, 16, 150_000),     # sigmoid outputs near 1
            10.0 ** -rng.uniform(0, 300, 150_000),        # and near 0
            rng.uniform(0, 4, 100_000),
            np.abs(random_finite(rng, 100_000)),
            -log_uniform(rng, 1e-300, 1e300, 1_000),      # negative: NaN
        ]
    values = np.concatenate(parts + [np.array(SPECIAL)])
    return np.ascontiguousarray(values, dtype=np.float64)


def numpy_of(function, x):
    with np.errstate(all="ignore"):
        return {"exp": np.exp, "tanh": np.tanh, "log": np.log}[function](x)


def crate_of(function, x, tmp_path):
    given, got = tmp_path / f"{function}.in", tmp_path / f"{function}.out"
    x.astype("<f8").tofile(given)
    cargo_run("--example", "numpy_math", "--", function, given, got, release=True)
    return np.fromfile(got, dtype="<f8")


def differing(a, b):
    """Indices where a and b differ in any bit (a NaN's sign and payload count)."""
    return np.flatnonzero(a.view(np.uint64) != b.view(np.uint64))


@pytest.mark.parametrize("function", ["exp", "tanh", "log"])
def test_the_crate_computes_what_numpy_computes_bit_for_bit(function, tmp_path):
    x = inputs(function)
    assert x.size > 1_000_000
    expected, got = numpy_of(function, x), crate_of(function, x, tmp_path)
    wrong = differing(expected, got)
    shown = [(float(x[i]), float(expected[i]), float(got[i])) for i in wrong[:5]]
    assert wrong.size == 0, f"{wrong.size} of {x.size} differ (input, numpy, crate): {shown}"


def test_the_c_library_differs_from_numpy_where_numpy_has_its_own_routines(tmp_path):
    """The bitwise comparison above can fail: the C library, which the crate called before, is
    caught on a good share of inputs wherever numpy takes its own routines."""
    choice = cargo_run("--example", "numpy_math", "--", "choice", release=True)
    if "C library" in choice.split("tanh:")[1].split(";")[0]:
        pytest.skip(f"numpy's tanh is the C library's on this CPU ({choice.strip()})")
    x = np.random.default_rng(4).uniform(-20, 20, 100_000)
    with np.errstate(all="ignore"):
        c_library = np.array([math.tanh(v) for v in x])
    assert differing(np.tanh(x), c_library).size > 5_000


# --- the walkthrough, byte for byte ---------------------------------------------------------

def random_values(rng):
    """A value set as a new user might write one: 1 to 4 layers of mixed activations, inputs up
    to 10^3 and weights up to about 3, so that tanh and sigmoid saturate far into their tails;
    a third of them classify with a cross-entropy (a sigmoid output and 0/1 targets, or a
    softmax output and one-hot targets)."""
    layers = int(rng.integers(1, 5))
    sizes = [int(n) for n in rng.integers(1, 5, layers + 1)]
    m = int(rng.integers(1, 4))
    def matrix(rows, cols, low, high):
        scale = 10.0 ** rng.uniform(low, high)
        return np.round(rng.normal(size=(rows, cols)) * scale, int(rng.integers(0, 5))).tolist()
    activations = [str(rng.choice(["tanh", "sigmoid", "relu", "identity", "leaky_relu"])) for _ in range(layers)]
    values = {
        "x": matrix(m, sizes[0], -2, 3),
        "y": matrix(m, sizes[-1], 0, 0),
        "W": [matrix(sizes[l], sizes[l + 1], -2, 0.5) for l in range(layers)],
        "b": [matrix(sizes[l + 1], 1, -2, 1) for l in range(layers)],
        "learning_rate": float(rng.choice([0.01, 0.1, 0.5])),
        "activations": activations,
    }
    kind = rng.choice(["mse", "mse", "binary_cross_entropy", "cross_entropy"])
    if kind == "binary_cross_entropy":
        activations[-1] = "sigmoid"
        values["y"] = rng.integers(0, 2, (m, sizes[-1])).tolist()
        values["loss"] = str(kind)
    elif kind == "cross_entropy" and sizes[-1] > 1:
        activations[-1] = "softmax"
        values["y"] = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)].tolist()
        values["loss"] = str(kind)
    return values


class CrateOrderProducts(np.ndarray):
    """An array whose matrix products sum as the crate's do (matrixmultiply's kernels, and
    OpenBLAS's gemm and dot here): each entry a chain of fused multiply-adds over k, from 0."""

    def __matmul__(self, other):
        a, b = np.asarray(self), np.asarray(other)
        if a.dtype.kind == b.dtype.kind == "i":
            return (a @ b).view(CrateOrderProducts)
        def entry(i, j):
            total = 0.0
            for k in range(a.shape[1]):
                total = float(fractions.Fraction(a[i, k].item()) * fractions.Fraction(b[k, j].item()) + fractions.Fraction(total))
            return total
        return np.array([[entry(i, j) for j in range(b.shape[1])] for i in range(a.shape[0])]).view(CrateOrderProducts)


class NumpyWith:
    """numpy, with some of its functions replaced, as the reference program's `np`."""

    def __init__(self, **replaced):
        self.replaced = replaced

    def __getattr__(self, name):
        return self.replaced.get(name, getattr(np, name))


def walkthrough_with(values, **replaced):
    """numpy's walkthrough with `np.NAME` replaced for each NAME given (tanh as the activation
    table holds it too)."""
    saved_np, saved_tanh = reference.np, reference.ACTIVATIONS["tanh"]
    reference.np = NumpyWith(**replaced)
    if "tanh" in replaced:
        reference.ACTIVATIONS["tanh"] = (replaced["tanh"], lambda z: 1 - replaced["tanh"](z) ** 2)
    try:
        with np.errstate(all="ignore"):
            return reference.walkthrough(values)
    finally:
        reference.np, reference.ACTIVATIONS["tanh"] = saved_np, saved_tanh


def c_library(function):
    """A function of Python's math module (the C library's) over an array, with numpy's answers
    where math raises: e^x overflows to inf, ln 0 is -inf and ln of a negative number nan."""
    def at(v):
        try:
            return function(v)
        except OverflowError:
            return math.inf
        except ValueError:
            return -math.inf if v == 0 else math.nan
    return lambda x: np.vectorize(at, otypes=[float])(x)


def test_the_walkthrough_prints_what_numpy_prints_for_random_mixed_networks(tmp_path):
    """Byte for byte, on every value set whose output does not hang on how numpy's OpenBLAS
    sums a product of a matrix and a vector. OpenBLAS's gemv kernels take the terms in an
    order of their own, which depends on the length and the kernel (here, Zen 4 with the
    SkylakeX kernels: for 2 terms a reversed chain of fused multiply-adds, for 4 two chains of
    every other term, added), while its gemm and dot, and the crate's products, chain the fused
    multiply-adds in order. A set whose numpy output changes when each product is summed in the
    crate's order is left out, and counted. The sets where the C library's exp and tanh print
    another digit are counted too, to show that the comparison catches them."""
    rng = np.random.default_rng(20261202)
    cases = [random_values(rng) for _ in range(600)]
    binary = ROOT / "target" / "release" / "backprop"
    cargo_run("--", "--help", release=True)   # builds the binary
    wrong, left_out, caught = [], 0, 0
    for i, values in enumerate(cases):
        with np.errstate(all="ignore"):
            expected = reference.walkthrough(values)
        if walkthrough_with(values, array=lambda *a, **k: np.array(*a, **k).view(CrateOrderProducts)) != expected:
            left_out += 1
            continue
        if walkthrough_with(values, exp=c_library(math.exp), tanh=c_library(math.tanh), log=c_library(math.log)) != expected:
            caught += 1
        path = tmp_path / f"values-{i}.json"
        path.write_text(json.dumps(values))
        got = subprocess.run([binary, "walkthrough", path], capture_output=True, text=True).stdout
        if got != expected:
            wrong.append(path.name)
    kept = len(cases) - left_out
    losses = sum("loss" in values for values in cases)
    print(f"{kept} value sets compared ({left_out} left out, {losses} with a cross-entropy); "
          f"the C library would print otherwise in {caught}")
    assert not wrong, f"{len(wrong)} of {kept} printed otherwise than numpy: {wrong[:5]} in {tmp_path}"
    assert kept >= 0.9 * len(cases), f"only {kept} of {len(cases)} value sets are independent of OpenBLAS's gemv"
    assert caught >= 5, f"the C library's exp and tanh print otherwise than numpy on only {caught} of {kept} sets"


def test_the_crate_makes_the_choice_numpy_makes_on_this_machine():
    assert cargo_run("--example", "numpy_math", "--", "choice", release=True).strip() == reference.numpy_choice()


@pytest.mark.parametrize("name", ["saturated_tanh", "saturated_sigmoid", "saturated_binary_cross_entropy",
                                  "saturated_cross_entropy"])
def test_the_saturated_value_sets_print_another_digit_with_the_c_library(name):
    """The fixtures that tests/walkthrough.rs and tests/cli.rs hold the crate to would catch a
    crate that used the C library's exp, tanh and log."""
    values = json.loads((ROOT / "tests" / "fixtures" / "walkthrough" / f"{name}.json").read_text())
    expected = (ROOT / "tests" / "fixtures" / "walkthrough" / f"{name}.txt").read_text()
    assert walkthrough_with(values) == expected
    assert walkthrough_with(values, exp=c_library(math.exp), tanh=c_library(math.tanh), log=c_library(math.log)) != expected
