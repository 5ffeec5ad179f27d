#!/usr/bin/env python3
"""Time one full training step (forward, backward, SGD update) in PyTorch on the CPU, float64.

    .venv-bench/bin/python bench/torch_step.py --sizes 3,2,2 --batch 1 --seconds 3
    .venv-bench/bin/python bench/torch_step.py --sizes 784,256,256,10 --batch 256 --threads 1

Same step, workloads, timing and output as numpy_step.py (last line JSON:
{"sizes": [...], "batch": m, "median_us_per_step": X}); the data and weights are the very same
numpy arrays, turned into float64 tensors. Before timing, one step is checked against
numpy_step.step on copies (max abs difference of every updated W and b <= 1e-12).

--mode manual (default): the backward pass written out with tensor ops, the whole step under
    torch.no_grad(), exactly the formulas of numpy_step.py; sigmoid is torch.sigmoid and
    sigmoid' is s*(1-s) from the stored activation.
--mode autograd: forward with torch.sigmoid, loss = 0.5*sum((a_L - y)**2) (so dJ/da_L = a_L - y),
    loss.backward(), then the update under torch.no_grad() and grads reset to None.
--threads N: torch.set_num_threads(N); by default torch's own (one per core, 2 here).
"""

import common
import numpy as np
import torch

import numpy_step


def step_manual(params, x, y, eta=common.ETA):
    m = x.shape[0]
    L = len(params)
    with torch.no_grad():
        a = [x]
        for W, b in params:
            a.append(torch.sigmoid(a[-1] @ W + b.T))
        d = (a[L] - y) * a[L] * (1 - a[L])
        for l in range(L, 0, -1):
            W, b = params[l - 1]
            dW = a[l - 1].T @ d
            db = d.sum(dim=0).reshape(-1, 1)
            if l > 1:
                d = (d @ W.T) * a[l - 1] * (1 - a[l - 1])  # before W_l is updated
            W -= (eta / m) * dW
            b -= (eta / m) * db


def step_autograd(params, x, y, eta=common.ETA):
    m = x.shape[0]
    a = x
    for W, b in params:
        a = torch.sigmoid(a @ W + b.T)
    loss = 0.5 * ((a - y) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        for W, b in params:
            W -= (eta / m) * W.grad
            b -= (eta / m) * b.grad
            W.grad = None
            b.grad = None


def to_torch(params, x, y, autograd):
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # copies
    tp = [(t(W), t(b)) for W, b in params]
    if autograd:
        for W, b in tp:
            W.requires_grad_(True)
            b.requires_grad_(True)
    return tp, t(x), t(y)


def check(np_params, x, y, step, autograd):
    """One torch step against one numpy_step.step on copies of the same data."""
    ref = [(W.copy(), b.copy()) for W, b in np_params]
    numpy_step.step(ref, x, y)
    tp, tx, ty = to_torch(np_params, x, y, autograd)
    step(tp, tx, ty)
    diff = max(float(np.abs(t.detach().numpy() - r).max())
               for (tW, tb), (rW, rb) in zip(tp, ref) for t, r in ((tW, rW), (tb, rb)))
    if not diff <= 1e-12:
        raise SystemExit(f"torch step differs from numpy_step.step by {diff:g}")
    return diff


def main():
    args = common.parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--mode", choices=("manual", "autograd"), default="manual",
                                 help="backward written out (manual, default) or autograd"))
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    np_params, x, y, what = common.workload(args.sizes, args.batch, args.seed)
    autograd = args.mode == "autograd"
    step = step_autograd if autograd else step_manual
    diff = check(np_params, x, y, step, autograd)
    params, tx, ty = to_torch(np_params, x, y, autograd)

    blas = next((l.strip(" -") for l in torch.__config__.show().splitlines() if "Math Kernel" in l), "?")
    lines = [
        f"torch {torch.__version__} (numpy {np.__version__}), CPU, float64",
        f"torch threads: get_num_threads()={torch.get_num_threads()}"
        f"{' (set by --threads)' if args.threads is not None else ' (torch default)'}, "
        f"interop={torch.get_num_interop_threads()}, parallel backend: "
        + next((l.split(":", 1)[1].strip() for l in torch.__config__.parallel_info().splitlines()
                if l.startswith("ATen parallel backend")), "?"),
        f"torch BLAS: {blas}; CPU capability {torch.backends.cpu.get_cpu_capability()}",
        f"workload: sizes {args.sizes}, batch {args.batch}, {what}, eta {common.ETA}, "
        f"mode {args.mode}; one step matches numpy_step.step (max abs diff {diff:.1e})",
    ]
    lines += common.numpy_blas_report()[1:]  # thread pools loaded (numpy's OpenBLAS is unused here), env
    stats = common.time_steps(lambda: step(params, tx, ty), args.seconds, args.batch_ms,
                              args.min_batches, args.wait_idle)
    common.report(args.sizes, args.batch, stats, lines)


if __name__ == "__main__":
    main()
