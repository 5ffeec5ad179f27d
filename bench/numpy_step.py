#!/usr/bin/env python3
"""Time one full training step (forward, backward, SGD update) written the plain numpy way.

    .venv-bench/bin/python bench/numpy_step.py --sizes 3,2,2 --batch 1 --seconds 3
    .venv-bench/bin/python bench/numpy_step.py --sizes 784,128,10 --batch 64 --seconds 3
    .venv-bench/bin/python bench/numpy_step.py --sizes 784,256,256,10 --batch 256 --seconds 3

The last line printed is JSON: {"sizes": [...], "batch": m, "median_us_per_step": X}. The lines
before it give numpy's version, its BLAS (kernel, thread count) and the OPENBLAS_* environment.
--threads N limits numpy's BLAS to N threads (threadpoolctl); by default numpy's own default
(OpenBLAS: one thread per core, 2 here). See common.py for the workloads and how it times.

The step, f64, samples in rows, sigmoid everywhere, MSE with dJ/da_L = a_L - y, eta = 0.01:
  forward   z_l = a_{l-1} @ W_l + b_l.T ; a_l = 1/(1+exp(-z_l))
  backward  d_L = (a_L - y) * s_L(1-s_L) ; d_l = (d_{l+1} @ W_{l+1}.T) * s_l(1-s_l)
  gradients dW_l = a_{l-1}.T @ d_l ; db_l = sum(d_l, axis=0).reshape(-1,1)
  update    W_l -= (eta/m) dW_l ; b_l -= (eta/m) db_l   (in place; every d_l uses the old W)
s_l(1-s_l) is taken from the stored activation a_l (what one writes for speed); with
--sigmoid-prime z it is recomputed from z_l as the chapter's d_sigmoid(z) = sigmoid(z)*(1-sigmoid(z)).
"""

import common
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def d_sigmoid(z):
    return sigmoid(z) * (1 - sigmoid(z))


def step(params, x, y, eta=common.ETA, sigmoid_prime="a"):
    """One SGD step on the batch (x, y); updates params = [(W, b), ...] in place."""
    m = x.shape[0]
    L = len(params)
    z = [None]
    a = [x]
    for W, b in params:
        z.append(a[-1] @ W + b.T)
        a.append(sigmoid(z[-1]))

    def dadz(l):
        return a[l] * (1 - a[l]) if sigmoid_prime == "a" else d_sigmoid(z[l])

    d = (a[L] - y) * dadz(L)
    for l in range(L, 0, -1):
        W, b = params[l - 1]
        dW = a[l - 1].T @ d
        db = np.sum(d, axis=0).reshape(-1, 1)
        if l > 1:
            d = (d @ W.T) * dadz(l - 1)  # before W_l is updated
        W -= (eta / m) * dW
        b -= (eta / m) * db


def main():
    args = common.parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--sigmoid-prime", choices=("a", "z"), default="a",
                                 help="s(1-s) from the stored activation (a, default) or "
                                      "recomputed from z (z, the chapter's d_sigmoid)"))
    params, x, y, what = common.workload(args.sizes, args.batch, args.seed)
    lines = []
    if args.threads is not None:
        import threadpoolctl
        limiter = threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas")
        lines.append(f"BLAS threads limited to {args.threads} (threadpoolctl)")
    lines += common.numpy_blas_report()
    lines.append(f"workload: sizes {args.sizes}, batch {args.batch}, {what}, eta {common.ETA}, "
                 f"sigmoid' from {args.sigmoid_prime}")
    stats = common.time_steps(lambda: step(params, x, y, sigmoid_prime=args.sigmoid_prime),
                              args.seconds, args.batch_ms, args.min_batches,
                              args.wait_idle)
    common.report(args.sizes, args.batch, stats, lines)
    if args.threads is not None:
        limiter.restore_original_limits()


if __name__ == "__main__":
    main()
