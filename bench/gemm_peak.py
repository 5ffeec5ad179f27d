#!/usr/bin/env python3
"""This machine's f64 GEMM rate with numpy: C = A @ B, n x n, GFLOP/s = 2 n^3 / time.

    .venv-bench/bin/python bench/gemm_peak.py [--n 1024] [--reps 15]

Runs with numpy's BLAS limited to 1 thread, then to 2 threads (threadpoolctl), each after two
warm-up products, and prints the median over --reps products of each; the last line is JSON:
{"gemm_gflops_1thread": X, "gemm_gflops_2threads": Y}. The lines before it say numpy's BLAS,
its kernel and the OPENBLAS_* environment (see common.py: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE,
when set on a machine, make OpenBLAS pick an older, slower kernel; this script leaves them as
they are and reports them).
"""

import argparse
import json
import statistics
import time

import numpy as np
import threadpoolctl

import common


def rates(A, B, reps):
    n = A.shape[0]
    C = np.empty((n, n))
    for _ in range(2):
        np.matmul(A, B, out=C)
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.matmul(A, B, out=C)
        out.append(2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1024, help="matrix size (default 1024)")
    p.add_argument("--reps", type=int, default=15, help="timed products per thread count")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="first wait up to S seconds for other processes to use < 10%% CPU")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    A = rng.standard_normal((args.n, args.n))
    B = rng.standard_normal((args.n, args.n))
    for line in common.numpy_blas_report():
        print(line)
    if args.wait_idle > 0:
        print(common.wait_idle(args.wait_idle))
    result = {}
    for threads, key in ((1, "gemm_gflops_1thread"), (2, "gemm_gflops_2threads")):
        with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
            before = common.cpu_counters()
            r = rates(A, B, args.reps)
            other = common.other_cpu(before, common.cpu_counters())
        result[key] = round(statistics.median(r), 2)
        print(f"{threads} thread(s), {args.n}x{args.n} f64, {args.reps} products: median "
              f"{result[key]:.2f} GFLOP/s (min {min(r):.2f}, max {max(r):.2f}); other CPU {other:.0f}%")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
