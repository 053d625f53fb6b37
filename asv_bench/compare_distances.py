"""Side-by-side timings of sklime.pairwise_distances and scikit-learn's.

Standalone script behind the table in ``doc/performance.rst``: it times both
functions in one process, on the same arrays, and prints the table as
reStructuredText. Run it from the repository root::

    python asv_bench/compare_distances.py            # the full table
    python asv_bench/compare_distances.py --quick    # 1000 x 784 only, fewer rounds

How it measures (the machines this runs on are small and noisy):

* JAX compiles every kernel before timing starts (a warm-up call per case).
* Each function is timed in blocks of ``--number`` calls; blocks of the two
  libraries alternate for ``--rounds`` rounds, so slow phases of a noisy
  machine hit both. A short pause before each block lets the other library's
  worker threads go idle (OpenBLAS and XLA both spin-wait for a while after
  a call, which would otherwise steal the cores from the next call).
* The table reports the best call of each (the least disturbed one) and the
  ratio of the bests; medians are printed too, with ``--medians``.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from importlib.metadata import version

import numpy as np
from sklearn.metrics import pairwise_distances as sk_pairwise_distances

from sklime import pairwise_distances

#: (rows of X, rows of Y or None for Y=None, features)
FULL_GRID = [
    (1000, None, 784),
    (1000, 1000, 784),
    (100, None, 10),
    (100, 5000, 30),
    (1000, None, 100),
    (5000, None, 30),
    (5000, 100, 784),
]
QUICK_GRID = FULL_GRID[:2]


def timings(funcs, rounds, number, pause):
    """Per-call wall times (seconds) of each function, interleaved by blocks."""
    times = {name: [] for name in funcs}
    for func in funcs.values():
        func()  # warm-up: JIT compilation, first-touch allocations
    for _ in range(rounds):
        for name, func in funcs.items():
            time.sleep(pause)
            func()
            for _ in range(number):
                start = time.perf_counter()
                func()
                times[name].append(time.perf_counter() - start)
    return times


def machine():
    """CPU model and core count, as ``lscpu`` reports them."""
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs"


def versions():
    names = ["sklime", "jax", "jaxlib", "scikit-learn", "numpy", "scipy"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1000 x 784 only")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--number", type=int, default=5, help="calls per block")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds")
    parser.add_argument("--medians", action="store_true", help="add median columns")
    args = parser.parse_args(argv)
    grid = QUICK_GRID if args.quick else FULL_GRID
    rounds = args.rounds or (4 if args.quick else 6)

    load_before = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    header = ["X", "Y", "dtype", "metric", "sklearn ms", "sklime ms", "ratio"]
    if args.medians:
        header[6:6] = ["sklearn med", "sklime med"]
    rows = []
    for n, m, d in grid:
        for dtype in (np.float32, np.float64):
            X = rng.random((n, d)).astype(dtype)
            Y = None if m is None else rng.random((m, d)).astype(dtype)
            for metric in ("euclidean", "cosine"):
                expected = sk_pairwise_distances(X, Y, metric=metric)
                got = pairwise_distances(X, Y, metric=metric)
                tol = 1e-4 if dtype == np.float32 else 1e-9
                if got.dtype != expected.dtype or not np.allclose(
                    got, expected, rtol=tol, atol=tol
                ):
                    raise AssertionError(f"results differ for {(n, m, d, metric)}")
                times = timings(
                    {
                        "sklearn": lambda X=X, Y=Y, mt=metric: sk_pairwise_distances(
                            X, Y, metric=mt
                        ),
                        "sklime": lambda X=X, Y=Y, mt=metric: pairwise_distances(
                            X, Y, metric=mt
                        ),
                    },
                    rounds,
                    args.number,
                    args.pause,
                )
                best = {k: 1e3 * min(v) for k, v in times.items()}
                row = [
                    f"{n}x{d}",
                    "None" if m is None else f"{m}x{d}",
                    np.dtype(dtype).name,
                    metric,
                    f"{best['sklearn']:.2f}",
                    f"{best['sklime']:.2f}",
                    f"{best['sklearn'] / best['sklime']:.2f}",
                ]
                if args.medians:
                    med = {k: 1e3 * float(np.median(v)) for k, v in times.items()}
                    row[6:6] = [f"{med['sklearn']:.2f}", f"{med['sklime']:.2f}"]
                rows.append(row)
                print(" | ".join(row), file=sys.stderr, flush=True)

    print(f"Machine: {machine()}")
    print(f"Versions: {versions()}, Python {platform.python_version()}")
    print(f"Timing: best of {rounds} rounds x {args.number} calls per library")
    load_after = os.getloadavg()[0]
    print(f"Load average (1 min): {load_before:.1f} before, {load_after:.1f} after\n")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rule = " ".join("=" * w for w in widths)
    print(rule)
    print(" ".join(h.ljust(w) for h, w in zip(header, widths)))
    print(rule)
    for row in rows:
        print(" ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(rule)


if __name__ == "__main__":
    main()
