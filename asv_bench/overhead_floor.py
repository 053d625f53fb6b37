"""sklime's own cost per row against the model's, and the floor under it.

Standalone script behind "Overhead against the model" in
``doc/performance.rst``. Run it from the repository root, with nothing else
running::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python asv_bench/overhead_floor.py

It explains 200 breast_cancer rows (logistic-regression pipeline, 5000
samples, lime's defaults) in rounds and prints, per row: the wall time, the
time inside ``predict_fn`` (wrapped), the model alone on sklime's samples,
both overhead ratios, and the floor of :mod:`benchmarks.floor`, the three
steps any explainer must take, each timed alone at its best.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.bench_explainer import N_RECORDED  # noqa: E402
from benchmarks.common import (  # noqa: E402
    TimedModel,
    breast_cancer,
    breast_cancer_rows,
    make_model,
    make_sklime,
    model_alone,
    recorded_inputs,
)
from benchmarks.floor import floor_parts  # noqa: E402
from compare_distances import machine  # noqa: E402

N_ROWS = 200


def main(rounds=8):
    X, _ = breast_cancer()
    model = make_model("logistic")
    timed = TimedModel(model.predict_proba)
    explainer = make_sklime(timed, X)
    rows = breast_cancer_rows(N_ROWS)
    explainer.explain(rows[:16])
    recorded = breast_cancer_rows(N_RECORDED)
    blocks = recorded_inputs(
        lambda f: make_sklime(f, X).explain(recorded), model.predict_proba
    )
    best, alone = None, float("inf")
    cpu = None
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), os.times()
        inside = timed.timed(lambda: explainer.explain(rows))
        wall, c1 = time.perf_counter() - t0, os.times()
        if best is None or wall < best[0]:
            best = (wall, inside)
            cpu = (c1.user - c0.user) + (c1.system - c0.system)
        t0 = time.perf_counter()
        model_alone(model.predict_proba, blocks, N_ROWS)
        alone = min(alone, time.perf_counter() - t0)
    wall, inside = best
    floor = floor_parts(model)
    ms = 1e3 / N_ROWS
    print(machine())
    print(
        f"Threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    print(f"\n{N_ROWS} rows, best of {rounds} rounds, ms per row:")
    print(f"  wall {wall * ms:.2f}, process CPU {cpu * ms:.2f}")
    print(f"  inside predict_fn {inside * ms:.2f}; model alone {alone * ms:.2f}")
    print(
        f"  overhead ratio in call {(wall - inside) / inside:.2f}; "
        f"against the model alone {(wall - alone) / alone:.2f}"
    )
    print("\nFloor per row (each step alone, at its best), ms:")
    for key in (
        "words_PCG64",
        "words_SFC64",
        "words_Philox",
        "values_ndtri",
        "values_sklime_kernel",
        "gram",
        "floor",
        "model",
    ):
        print(f"  {key:22s} {floor[key] * 1e3:.3f}")
    print(f"  floor / model alone    {floor['floor_ratio']:.2f}")


if __name__ == "__main__":
    main()
