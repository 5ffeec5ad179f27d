"""numpy reference for backprop's tests: writes the fixtures the Rust tests compare against.

    python scripts/numpy_reference.py format-cases OUT.json
        arrays of many kinds with what numpy 2.x print()s for each

    python scripts/numpy_reference.py walkthrough VALUES.json
        the chapter's complete program, generalized to L layers and the activations of
        backprop's values files, run on VALUES.json; prints what it prints

    python scripts/numpy_reference.py chapter-cells VALUES.json
        what each of the chapter's 13 code cells prints for these values (2 layers), as JSON

    python scripts/numpy_reference.py train VALUES.json EPOCHS [LEARNING_RATE]
        the chapter's full-batch update repeated; prints epoch,loss for each epoch

    python scripts/numpy_reference.py regenerate
        rewrites every fixture under tests/fixtures from the files beside them

Needs numpy (pinned in environment.yml). Nothing here is imported by the crate: the crate
computes and prints everything itself, and its tests compare with what this script wrote.
"""

import json
import math
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


# The chapter's helpers, with the other activations a values file may name.
def sigmoid(x):
    return 1/(1+np.exp(-x))

def d_sigmoid(x):
    return sigmoid(x) * (1-sigmoid(x))

def softmax(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)

ACTIVATIONS = {
    "sigmoid": (sigmoid, d_sigmoid),
    "softmax": (softmax, lambda x: softmax(x) * (1 - softmax(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x)**2),
    "relu": (lambda x: np.maximum(0, x), lambda x: (x > 0) * 1.0),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
    "identity": (lambda x: x, lambda x: np.ones_like(x, dtype=float)),
}

def d_mse(a, y):
    return a - y

def y_log(y, a):
    """y ln a, with 0 ln 0 = 0 (its limit), as the crate takes it."""
    return np.where(y == 0, 0.0, y * np.log(np.where(y == 0, 1.0, a)))

# The cross-entropies, J over the m samples; after their own output activation (sigmoid,
# softmax) dJ/dz_L is a_L - y.
LOSSES = {
    "binary_cross_entropy": lambda a, y: -np.sum(y_log(y, a) + y_log(1 - y, 1 - a)) / y.shape[0],
    "cross_entropy": lambda a, y: -np.sum(y_log(y, a)) / y.shape[0],
}


def walkthrough(values):
    """The chapter's complete program with its values replaced by these, for L layers. With a
    cross-entropy loss, J follows the forward pass and the output layer's d is a - y."""
    x = np.array(values["x"])
    y = np.array(values["y"])
    W = [np.array(w) for w in values["W"]]
    b = [np.array(c) for c in values["b"]]
    L = len(W)
    acts = [ACTIVATIONS[name] for name in values.get("activations", ["sigmoid"] * L)]
    n = values["learning_rate"]
    loss = values.get("loss", "mse")

    # Forward Propagation
    z = [x.copy()]
    a = [x.copy()]
    for l in range(1, L + 1):
        z.append(a[l-1] @ W[l-1] + b[l-1].T)
        a.append(acts[l-1][0](z[l]))

    # Backward Propagation
    dJda = d_mse(a[L], y)
    dadz = [None] * (L + 1)
    d = [None] * (L + 1)
    if loss == "mse":
        dadz[L] = acts[L-1][1](z[L])
        d[L] = dJda * dadz[L]
    else:
        J = LOSSES[loss](a[L], y)
        d[L] = a[L] - y
    for l in range(L - 1, 0, -1):
        dadz[l] = acts[l-1][1](z[l])
        d[l] = (d[l+1] @ W[l].T) * dadz[l]
    dLdW = [None] + [a[l-1].T @ d[l] for l in range(1, L + 1)]
    dLdb = [None] + [np.sum(d[l], axis=0).reshape(-1,1) for l in range(1, L + 1)]

    m = y.shape[0]
    Wn = [W[l-1] - (n/m)*dLdW[l] for l in range(1, L + 1)]
    bn = [b[l-1] - (n/m)*dLdb[l] for l in range(1, L + 1)]

    out = ["Forward and Backpropagation - Numerical example"]
    def p(*args):
        out.append(" ".join(str(s) for s in args))
    p("\nx =", x)
    p("\ny =", y)
    for l in range(1, L + 1):
        p(f"\nW{l} =\n\n", W[l-1])
        p(f"\nb{l} =\n\n", b[l-1])
    for l in range(1, L + 1):
        p(f"\nz{l} =", z[l])
        p(f"\na{l} =", a[l])
    if loss == "mse":
        p(f"\ndJda{L} =", dJda)
    else:
        p("\nJ =", J)
    for l in range(L, 0, -1):
        if dadz[l] is not None:
            p(f"\nf{l}'(z{l}) =", dadz[l])
        p(f"\nd{l} =", d[l])
    for l in range(1, L + 1):
        p(f"\ndLdW{l} =\n\n", np.round(dLdW[l], 4))
    for l in range(1, L + 1):
        p(f"\ndLdb{l} =\n\n", np.round(dLdb[l], 4))
    for l in range(1, L + 1):
        p(f"\nUpdated Weight W{l} =\n\n", Wn[l-1])
    for l in range(1, L + 1):
        p(f"\nUpdated bias b{l} =\n\n", bn[l-1])
    return "\n".join(out) + "\n"


def chapter_cells(values):
    """What each of the chapter's 13 code cells prints, for a 2-layer network of sigmoids with
    these values: the cells' own print statements, run in order (see the chapter)."""
    x = np.array(values["x"])
    y = np.array(values["y"])
    W1, W2 = (np.array(w) for w in values["W"])
    b1, b2 = (np.array(c) for c in values["b"])
    n = values["learning_rate"]
    cells = []
    def cell(*lines):
        cells.append("\n".join(" ".join(str(s) for s in line) for line in lines) + "\n")

    cell(("Forward and Backpropagation - Numerical example",), ("\nx =", x), ("\ny =", y),
         ("\nW1 =\n\n", W1), ("\nb1 =\n\n", b1), ("\nW2 =\n\n", W2), ("\nb2 =\n\n", b2))
    z0 = a0 = x.copy()
    z1 = a0 @ W1 + b1.T
    a1 = sigmoid(z1)
    cell(("z1 =", z1), ("\na1 =", a1))
    z2 = a1 @ W2 + b2.T
    a2 = sigmoid(z2)
    cell(("z2 =", z2), ("\na2 =", a2))
    dJda2 = d_mse(a2, y)
    da2dz2 = d_sigmoid(z2)
    d2 = dJda2 * da2dz2
    cell(("dJda2 =", dJda2), ("\nf2'(z2) =", da2dz2), ("\nd2 =", d2))
    da1dz1 = d_sigmoid(z1)
    d1 = (d2 @ W2.T) * da1dz1
    cell(("f1'(z1) =", da1dz1), ("\nd1 =", d1))
    dLdW1 = a0.T @ d1
    cell(("dLdW1 =\n\n", np.round(dLdW1, 4)),)
    dLdW2 = a1.T @ d2
    cell(("dLdW2 =\n\n", np.round(dLdW2, 4)),)
    dLdb1 = np.sum(d1, axis=0).reshape(-1,1)
    cell(("dLdb1 =\n\n", np.round(dLdb1, 4)),)
    dLdb2 = np.sum(d2, axis=0).reshape(-1,1)
    cell(("dLdb2 =\n\n", np.round(dLdb2, 4)),)
    m = y.shape[0]
    cell(("Updated Weight W1 =\n\n", W1 - (n/m)*dLdW1),)
    cell(("Updated Weight W2 =\n\n", W2 - (n/m)*dLdW2),)
    cell(("Updated bias b1 =\n\n", b1 - (n/m)*dLdb1),)
    cell(("Updated bias b2 =\n\n", b2 - (n/m)*dLdb2),)
    return cells


def train(values, epochs, learning_rate=None):
    """The chapter's full-batch update repeated: the loss J = 1/(2m) sum((aL - y)^2) of each
    epoch, from its forward pass, before its update."""
    x = np.array(values["x"], dtype=float)
    y = np.array(values["y"], dtype=float)
    W = [np.array(w, dtype=float) for w in values["W"]]
    b = [np.array(c, dtype=float) for c in values["b"]]
    L = len(W)
    acts = [ACTIVATIONS[name] for name in values.get("activations", ["sigmoid"] * L)]
    n = values["learning_rate"] if learning_rate is None else learning_rate
    m = y.shape[0]
    losses = []
    for _ in range(epochs):
        z = [x]
        a = [x]
        for l in range(1, L + 1):
            z.append(a[l-1] @ W[l-1] + b[l-1].T)
            a.append(acts[l-1][0](z[l]))
        losses.append(np.sum((a[L] - y) ** 2) / (2 * m))
        d = [None] * (L + 1)
        d[L] = d_mse(a[L], y) * acts[L-1][1](z[L])
        for l in range(L - 1, 0, -1):
            d[l] = (d[l+1] @ W[l].T) * acts[l-1][1](z[l])
        for l in range(1, L + 1):
            W[l-1] = W[l-1] - (n/m) * (a[l-1].T @ d[l])
            b[l-1] = b[l-1] - (n/m) * np.sum(d[l], axis=0).reshape(-1,1)
    return losses


def encode(v):
    """A float as JSON can hold it: non-finite values as strings."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def format_cases():
    """Arrays that exercise every rule of numpy's array printing."""
    rng = np.random.default_rng(20261128)
    cases = []

    def add(a, note, round4=False):
        a = np.asarray(a)
        shown = np.round(a, 4) if round4 else a
        cases.append({
            "note": note,
            "shape": list(a.shape),
            "dtype": "int" if a.dtype.kind == "i" else "float",
            "round4": round4,
            "values": [int(v) if a.dtype.kind == "i" else encode(float(v)) for v in a.ravel()],
            "expected": str(shown),
        })

    add([[1, 4, 5]], "the chapter's x")
    add([[0.1, 0.05]], "the chapter's y")
    add([[-3, 12, 0], [7, -100, 5]], "integers with signs")
    add([[1.0, 2.0], [3.0, 4.0]], "whole floats print as 1.")
    add([[-0.0, 1.5]], "negative zero")
    add([[0.0, 0.0]], "all zeros")
    add([[-0.0]], "only negative zero")
    add([[0.001953125, 0.5]], "an exact tie at the 9th decimal rounds to even")
    add([[0.123456785, 1.00000000049]], "cut to 8 decimals")
    add([[0.99999999999, 1.0]], "rounding carries into the integer part")
    add([[1e-5, 1.0]], "small values switch to scientific")
    add([[1e8, 1.0]], "large values switch to scientific")
    add([[99999999.0, 1.0]], "just under 1e8 stays positional")
    add([[1.0, 1000.0]], "ratio of 1000 stays positional")
    add([[1.0, 1000.5]], "ratio above 1000 switches")
    add([[1e100, -1e-5]], "three-digit exponents")
    add([[4.248354255291589e-18, 1.0, 0.0]], "a saturated sigmoid")
    add([[1e-5, -1.5, 2.25, float("nan")]], "nan in scientific")
    add([[1.5, float("inf"), float("-inf"), float("nan")]], "infinities")
    add([[float("nan"), float("nan")]], "only nan")
    add(np.arange(12.0)[None, :] / 7, "a row wrapped at 75 characters")
    add(np.arange(40)[None, :] * 1234, "integers wrapped")
    add(np.arange(30.0).reshape(3, 10) / 3 - 4, "rows wrapped with signs")
    add(rng.normal(size=(40, 30)), "summarized with ...")
    add(rng.integers(-50, 50, size=(2000, 1)), "a long integer column, summarized")
    add(rng.normal(size=(1, 1500)), "a long row, summarized")
    add(rng.normal(size=(5,)), "one dimension")
    add(rng.normal(size=(2, 2, 3)), "three dimensions")
    add([[0.00198391, 0.00040429], [0.0079356, 0.0016172]], "rounded gradients", round4=True)
    add([[-0.00001, 0.00004, 0.00005, 0.00015]], "rounding to negative zero and ties", round4=True)
    for i in range(60):
        rows, cols = rng.integers(1, 5), rng.integers(1, 7)
        scale = 10.0 ** rng.integers(-9, 10)
        a = rng.normal(size=(rows, cols)) * scale
        if i % 3 == 0:
            a = np.abs(a)
        if i % 5 == 0:
            a = np.round(a, int(rng.integers(0, 6)))
        add(a, f"random, scale {scale:g}", round4=bool(i % 4 == 0))
    for i in range(20):
        a = sigmoid(rng.normal(size=(rng.integers(1, 4), rng.integers(1, 5))) * 20)
        add(a, "sigmoids, some saturated")
    return cases


def numpy_choice():
    """What computes numpy's float64 exp, tanh and log here, in the words of the crate's
    `numpy_math::Choice` (its Display): SVML where numpy links it (Linux x86-64) and the CPU has
    AVX-512 (numpy's X86_V4), numpy's own tanh where its dispatch target has fused
    multiply-add, the C library elsewhere."""
    import platform
    from numpy._core._multiarray_umath import __cpu_features__ as cpu
    machine = platform.machine().lower()
    svml = sys.platform == "linux" and machine in ("x86_64", "amd64") and cpu.get("AVX512_SKX", False)
    own_tanh = machine in ("aarch64", "arm64") or (cpu.get("AVX2", False) and cpu.get("FMA3", False))
    exp_log = "SVML (AVX-512)" if svml else "the C library"
    tanh = "numpy's own routine" if own_tanh else "the C library"
    return f"exp: {exp_log}; tanh: {tanh}; log: {exp_log}"


def regenerate():
    (FIXTURES / "format_cases.json").write_text(json.dumps(format_cases(), indent=1) + "\n")
    # the saturated_* value sets print numpy's digits only where the crate makes this choice
    (FIXTURES / "walkthrough" / "numpy-choice.txt").write_text(numpy_choice() + "\n")
    for values in sorted((FIXTURES / "walkthrough").glob("*.json")):
        values.with_suffix(".txt").write_text(walkthrough(json.loads(values.read_text())))
    # losses of full-batch training, for the train example's tests
    for name, values, epochs, eta in [
        ("chapter", ROOT / "src" / "chapter.json", 2000, 0.5),
        ("three_layers", FIXTURES / "walkthrough" / "three_layers.json", 500, None),
    ]:
        losses = train(json.loads(values.read_text()), epochs, eta)
        rows = "".join(f"{e},{float(l)!r}\n" for e, l in enumerate(losses, 1))
        (FIXTURES / "training" / f"{name}.csv").write_text("epoch,loss\n" + rows)


def main(argv):
    if argv[:1] == ["format-cases"] and len(argv) == 2:
        pathlib.Path(argv[1]).write_text(json.dumps(format_cases(), indent=1) + "\n")
    elif argv[:1] == ["walkthrough"] and len(argv) == 2:
        sys.stdout.write(walkthrough(json.loads(pathlib.Path(argv[1]).read_text())))
    elif argv[:1] == ["chapter-cells"] and len(argv) == 2:
        print(json.dumps(chapter_cells(json.loads(pathlib.Path(argv[1]).read_text())), indent=1))
    elif argv[:1] == ["train"] and len(argv) in (3, 4):
        eta = float(argv[3]) if len(argv) == 4 else None
        losses = train(json.loads(pathlib.Path(argv[1]).read_text()), int(argv[2]), eta)
        print("epoch,loss")
        for epoch, loss in enumerate(losses, 1):
            print(f"{epoch},{float(loss)!r}")
    elif argv == ["regenerate"]:
        regenerate()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
