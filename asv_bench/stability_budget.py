"""How few model calls can reach the lime package's top-5 stability at 5000?

Standalone script behind "Stability per model call" in
``doc/performance.rst`` (issue 19). Run it from the repository root::

    python asv_bench/stability_budget.py              # about 4 minutes on 2 cores
    python asv_bench/stability_budget.py --rows 40 --seeds 3   # a quick look

breast_cancer, the logistic-regression pipeline, class 1, 10 features, the
quartile discretizer, at the default kernel width and at width 1. For
``--rows`` rows spread over the data set and ``--seeds`` seeds:

1. the target: the lime package's mean top-5 Jaccard across seeds at 5000
   samples (the rows are the units; pairs of seeds averaged per row first);
2. sklime ``sampler="glime"`` at fixed ``n_samples`` of 250 to 8000, each
   row's mean Jaccard at each number of samples;
3. an oracle allocation: every row starts at the smallest number of samples,
   and the row whose next step buys the most Jaccard per extra model call
   moves up, until the mean reaches the target. This is the fewest model
   calls per row that *any* rule choosing each row's number of samples
   among these (``n_samples="auto"`` is one) could need, knowing every
   row's curve in advance; it is optimistic (it also exploits the noise of
   the per-row estimates), so a real rule needs more.
4. ``n_samples="auto"`` itself: its Jaccard and its model calls (each round
   draws afresh: a row settled at ``n`` samples cost ``2n - 1000`` calls).
5. with ``--stratified``, sklime's ``sampler="lime"`` and ``sampler="lhs"``
   (Latin hypercube draws of every column, the bin and the value inside it
   from one stratified number) at a quarter of lime's calls and at 5000:
   whether a variance-reducing design, rather than an allocation, buys the
   stability back.

The kernel weights' effective sample size, ``(sum w)**2 / sum w**2`` over
``n``, is printed too: near 1 the kernel-weighted law that GLIME samples is
the sampling law itself, and GLIME cannot need fewer calls than LIME.
"""

import argparse
import os
import sys
import time
import warnings
from itertools import combinations

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.common import (  # noqa: E402
    breast_cancer,
    lime_explain,
    make_lime,
    make_model,
    make_sklime,
)
from compare_distances import machine  # noqa: E402
from compare_lime import table, versions  # noqa: E402
from compare_stability import LABEL, K, model_calls, spread  # noqa: E402

from sklime._engine._precision import x64_scope  # noqa: E402
from sklime.metrics import top_k_jaccard  # noqa: E402

STEPS = [250, 500, 1000, 1250, 2000, 4000, 8000]
WIDTHS = {"default": None, "1": 1.0}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def per_row_jaccard(coefs):
    return np.mean([top_k_jaccard(a, b, k=K) for a, b in combinations(coefs, 2)], 0)


def lime_coefs(model, X, rows, width, seed):
    lime = make_lime(X, kernel_width=width, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exps = lime_explain(lime, rows, model.predict_proba, labels=(LABEL,))
    coef = np.zeros(rows.shape)
    for i, exp in enumerate(exps):
        for j, w in exp.as_map()[LABEL]:
            coef[i, j] = w
    return coef


def glime(model, X, rows, width, seed, n_samples, sampler="glime"):
    """Class-1 coefficients ``(rows, d)`` and samples per row of one seed."""
    est = make_sklime(
        model,
        X,
        sampler=sampler,
        n_samples=n_samples,
        kernel_width=width,
        labels=LABEL,
        random_state=seed,
    )
    exp = est.explain(rows)
    return exp.coef[:, 0, :], exp.n_samples


def sampler_jaccard(model, X, rows, width, seeds, sampler, n_samples):
    """Mean and standard error over rows of the top-5 Jaccard across seeds."""
    coefs = [glime(model, X, rows, width, s, n_samples, sampler)[0] for s in seeds]
    j = per_row_jaccard(coefs)
    return float(j.mean()), float(j.std() / np.sqrt(j.size))


def effective_sample_size(model, X, rows, width):
    """Mean ``ESS / n`` of lime's kernel weights (sampler "lime", 5000)."""
    est = make_sklime(model, X, kernel_width=width, n_samples=5000)
    plan = est._row_plan(est._validate(rows))
    engine = est._engine(5000)
    ratios = []
    for start in range(0, len(rows), 8):
        items = np.arange(start, min(start + 8, len(rows)))
        Z = engine.prepare(plan, items, plan.widths()[0], 8)[3]
        with x64_scope():
            w = np.asarray(plan.weights(Z))[: len(items)]
        ratios += list(w.sum(1) ** 2 / (w**2).sum(1) / w.shape[1])
    return float(np.mean(ratios))


def oracle_calls(curves, target):
    """Fewest mean calls per row reaching a mean Jaccard of ``target``.

    ``curves (rows, steps)``: each row's Jaccard at :data:`STEPS`. Greedy on
    the gain per extra call, with each row's curve made concave-increasing
    first (its running maximum), the usual bound of such knapsacks.
    """
    curves = np.maximum.accumulate(curves, axis=1)
    level = np.zeros(curves.shape[0], dtype=int)
    steps = np.asarray(STEPS, float)
    rows = np.arange(curves.shape[0])
    while curves[rows, level].mean() < target:
        best, best_gain = None, -1.0
        for r in rows:
            for up in range(level[r] + 1, len(STEPS)):
                gain = (curves[r, up] - curves[r, level[r]]) / (
                    steps[up] - steps[level[r]]
                )
                if gain > best_gain:
                    best, best_gain = (r, up), gain
        if best is None or best_gain <= 0:
            return np.inf  # even 8000 samples everywhere fall short
        level[best[0]] = best[1]
    return float(steps[level].mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--widths", nargs="+", default=list(WIDTHS), choices=WIDTHS)
    parser.add_argument(
        "--stratified",
        action="store_true",
        help="also sampler='lime' and 'lhs' at 1250 and 5000 samples",
    )
    args = parser.parse_args(argv)
    X, _ = breast_cancer()
    model = make_model("logistic")
    rows = X[spread(args.rows, X.shape[0])]
    seeds = range(args.seeds)
    start = time.perf_counter()
    out, stratified = [], []
    for name in args.widths:
        width = WIDTHS[name]
        target_rows = per_row_jaccard(
            [lime_coefs(model, X, rows, width, s) for s in seeds]
        )
        target = float(target_rows.mean())
        log(f"width {name}: lime package at 5000: {target:.3f}")
        curves = []
        for n in STEPS:
            coefs = [glime(model, X, rows, width, s, n)[0] for s in seeds]
            curves.append(per_row_jaccard(coefs))
            log(f"  glime {n}: {curves[-1].mean():.3f}")
        curves = np.stack(curves, axis=1)
        auto = [glime(model, X, rows, width, s, "auto") for s in seeds]
        auto_j = per_row_jaccard([c for c, _ in auto]).mean()
        auto_calls = np.mean([model_calls(n).mean() for _, n in auto])
        if args.stratified:
            for sampler in ("lime", "lhs"):
                cells = [
                    sampler_jaccard(model, X, rows, width, seeds, sampler, n)
                    for n in (1250, 5000)
                ]
                stratified.append(
                    [name, sampler] + [f"{m:.3f} +- {se:.3f}" for m, se in cells]
                )
                log(f"  {sampler}: {stratified[-1][2:]}")
        ess = effective_sample_size(model, X, rows, width)
        oracle = oracle_calls(curves, target)
        out.append(
            [
                name,
                f"{target:.3f}",
                " / ".join(f"{c:.2f}" for c in curves.mean(axis=0)),
                f"{oracle:.0f}",
                f"{auto_j:.3f}",
                f"{auto_calls:.0f}",
                f"{ess:.3g}",
            ]
        )
    print(f"Machine: {machine()}")
    print(f"Versions: {versions()}")
    print(
        f"Rows: {len(rows)}, seeds: {args.seeds}; {time.perf_counter() - start:.0f} s\n"
    )
    print(
        table(
            [
                "width",
                "lime package at 5000",
                "glime at " + "/".join(str(s) for s in STEPS),
                "oracle calls",
                "auto Jaccard",
                "auto calls",
                "ESS / n",
            ],
            out,
        )
    )
    if stratified:
        print(
            "\nsklime's samplers, top-5 Jaccard (mean +- standard error over rows):\n"
        )
        print(table(["width", "sampler", "1250 samples", "5000 samples"], stratified))


if __name__ == "__main__":
    main()
