"""What numpy_step.py and torch_step.py share: the command line, the workloads, the timer.

The step itself is written out in each of those scripts; nothing here computes it.

Workloads (f64, samples in rows, W_l of shape (n_{l-1}, n_l), b_l a column (n_l, 1)):
  --sizes 3,2,2 --batch 1     the textbook's network and values (x=[[1,4,5]], y=[[0.1,0.05]], ...)
  any other sizes / batch     random, from a fixed seed (--seed, default 0): W_l and b_l drawn
                              N(0,1)/sqrt(n_{l-1}), x uniform [0,1), y one-hot rows

Timing: steps run in batches of `inner` back-to-back steps, `inner` chosen so one batch takes
about --batch-ms milliseconds (so timer overhead is negligible even for the ~25 us textbook
step); batches repeat until --seconds have passed (at least --min-batches of them). The result
is the median over batches of (batch time / inner), in microseconds per step.

Other work on the machine: it has 2 cores and may be shared (another developer building Rust).
Each run prints how much CPU other processes used while it timed ("other CPU": their share of
all cores, from /proc/stat minus this process's own time); with 2 threads, the median of a run
whose other CPU is not near 0% is dominated by waiting for a core, not by the step. --wait-idle S
waits up to S seconds for a 1-second window in which other processes use < 10% before timing.

Memory allocator: each step allocates its temporaries afresh (as plain numpy code does), and
glibc's malloc returns big freed blocks (>= 128 KiB, e.g. the 784x128 dW_1) to the kernel and
maps them again at the next step, so every step pays page faults: about 370 per step for
784,128,10 batch 64 (1.5 ms/step with 1 thread), against 680 us/step with
    MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1000000000
in the environment (both are needed; measured on this machine with numpy 2.4.6). The scripts
leave the allocator as it is, as a user's program would; a Rust program on the system
allocator (glibc malloc) allocating the same temporaries is subject to the same effect.

BLAS environment: on some machines of this workplace OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
set in the environment (older OpenBLAS builds crash or compute wrong results without them); they
make a current numpy pick a slower kernel. These scripts neither set nor unset them: they print
whether they are set and which kernel numpy's OpenBLAS reports (threadpoolctl's "architecture"),
so every result says what it ran with. To benchmark without them, unset both in that one command:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv-bench/bin/python bench/numpy_step.py ...
When these scripts were written (machine: AMD EPYC, 2 cores, AVX-512) neither variable was set,
and numpy 2.4.6's bundled OpenBLAS 0.3.31 reported architecture "SkylakeX" (AVX-512 kernels),
2 threads; with OPENBLAS_CORETYPE=Haswell (or Zen) it reports "Haswell" (AVX2 kernels).
"""

import argparse
import json
import os
import statistics
import time

import numpy as np

TEXTBOOK_SIZES = [3, 2, 2]
ETA = 0.01
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def parse_args(description, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", default="3,2,2", help="layer sizes n_0,...,n_L (default 3,2,2)")
    p.add_argument("--batch", type=int, default=1, help="samples per step m (default 1)")
    p.add_argument("--seconds", type=float, default=3.0, help="how long to time (default 3)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random workloads (default 0)")
    p.add_argument("--batch-ms", type=float, default=20.0,
                   help="target duration of one timed batch of steps, ms (default 20)")
    p.add_argument("--min-batches", type=int, default=5, help="time at least this many batches")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="first wait up to S seconds for other processes to use < 10%% CPU")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS/intra-op threads (default: the library's own default)")
    if extra:
        extra(p)
    args = p.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if len(args.sizes) < 2 or min(args.sizes) < 1 or args.batch < 1:
        p.error("--sizes needs at least two positive sizes and --batch must be positive")
    return args


def workload(sizes, batch, seed=0):
    """(params, x, y) as numpy f64 arrays; params is [(W_1, b_1), ..., (W_L, b_L)]."""
    if sizes == TEXTBOOK_SIZES and batch == 1:
        x = np.array([[1.0, 4.0, 5.0]])
        y = np.array([[0.1, 0.05]])
        params = [
            (np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), np.array([[0.5], [0.5]])),
            (np.array([[0.7, 0.8], [0.9, 0.1]]), np.array([[0.5], [0.5]])),
        ]
        return params, x, y, "textbook values"
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
        b = rng.standard_normal((n_out, 1)) / np.sqrt(n_in)
        params.append((W, b))
    x = rng.random((batch, sizes[0]))
    y = np.zeros((batch, sizes[-1]))
    y[np.arange(batch), rng.integers(0, sizes[-1], batch)] = 1.0
    return params, x, y, f"random, seed {seed}"


def cpu_counters():
    """(all cores' busy seconds, all cores' total seconds, this process's CPU seconds)."""
    try:
        with open("/proc/stat") as f:
            jiffies = [int(v) for v in f.readline().split()[1:9]]
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    idle = jiffies[3] + jiffies[4]  # idle + iowait
    t = os.times()
    return (sum(jiffies) - idle) / hz, sum(jiffies) / hz, t.user + t.system


def other_cpu(before, after):
    """Share (%) of all cores' time that other processes used between two cpu_counters()."""
    if not before or not after or after[1] <= before[1]:
        return float("nan")
    busy, total, mine = (a - b for a, b in zip(after, before))
    return max(0.0, 100.0 * (busy - mine) / total)


def wait_idle(limit):
    """Wait up to `limit` s for a 1 s window where other processes use < 10%; returns a sentence."""
    start = time.perf_counter()
    while True:
        before = cpu_counters()
        time.sleep(1.0)
        share = other_cpu(before, cpu_counters())
        waited = time.perf_counter() - start
        if share < 10.0:
            return f"waited {waited:.0f} s for an idle machine (other CPU {share:.0f}%)"
        if waited >= limit:
            return f"gave up waiting for an idle machine after {waited:.0f} s (other CPU {share:.0f}%)"


def time_steps(step, seconds, batch_ms=20.0, min_batches=5, idle_limit=0.0):
    """Median microseconds per call of step(), as described in this module's docstring."""
    waited = wait_idle(idle_limit) if idle_limit > 0 else None
    for _ in range(3):  # warm up (allocator, thread pools, lazy initialisation)
        step()
    target = batch_ms / 1e3
    inner = 1
    while True:  # calibrate: double `inner` until one batch takes at least `target`
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        dt = time.perf_counter() - t0
        if dt >= target or inner >= 1 << 24:
            break
        inner = inner * 2 if dt < target / 8 else max(inner + 1, int(inner * target / dt * 1.05))
    per_step = []
    counters = cpu_counters()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(per_step) < min_batches:
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        per_step.append((time.perf_counter() - t0) / inner * 1e6)
    return {
        "median_us": statistics.median(per_step),
        "min_us": min(per_step),
        "max_us": max(per_step),
        "batches": len(per_step),
        "steps_per_batch": inner,
        "elapsed_s": time.perf_counter() - start,
        "other_cpu": other_cpu(counters, cpu_counters()),
        "waited": waited,
    }


def numpy_blas_report():
    """Lines saying numpy's version, its BLAS, its kernel and thread count, and the BLAS env."""
    lines = [f"numpy {np.__version__}"]
    try:
        import threadpoolctl
        for info in threadpoolctl.threadpool_info():
            lines.append(
                "threadpool: {user_api}/{internal_api} {version} arch={arch} threads={num_threads}"
                " ({lib})".format(arch=info.get("architecture"), lib=os.path.basename(info["filepath"]),
                                  **{k: info.get(k) for k in ("user_api", "internal_api", "version",
                                                                "num_threads")}))
    except ImportError:
        lines.append("threadpoolctl not installed; numpy.show_config():")
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            np.show_config()
        lines.extend(buf.getvalue().rstrip().splitlines())
    env = ", ".join(f"{v}={os.environ[v]!r}" if v in os.environ else f"{v} unset" for v in OPENBLAS_VARS)
    lines.append(f"environment: {env}")
    return lines


def report(sizes, batch, stats, extra_lines=()):
    for line in extra_lines:
        print(line)
    if stats["waited"]:
        print(stats["waited"])
    print(f"other CPU while timing: {stats['other_cpu']:.0f}% of {os.cpu_count()} cores "
          f"(other processes; near 0% for a clean number)")
    print(f"timed {stats['batches']} batches of {stats['steps_per_batch']} steps in "
          f"{stats['elapsed_s']:.2f} s: median {stats['median_us']:.3f} us/step "
          f"(min {stats['min_us']:.3f}, max {stats['max_us']:.3f})")
    print(json.dumps({"sizes": sizes, "batch": batch,
                      "median_us_per_step": round(stats["median_us"], 3)}))
