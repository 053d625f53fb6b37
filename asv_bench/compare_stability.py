"""Stability across seeds of the lime package, sklime "lime" and sklime "glime".

Standalone script behind the tables of "Stability across seeds" in
``doc/performance.rst`` (issue 7). Run it from the repository root::

    python asv_bench/compare_stability.py            # about 5 minutes on 2 cores
    python asv_bench/compare_stability.py --quick    # about 30 seconds
    python asv_bench/compare_stability.py --lime-rows 0 --seeds 10 --widths default

breast_cancer, the logistic-regression pipeline of ``asv_bench/benchmarks``
(module ``common``), class 1, 10 features, the quartile discretizer; kernel
widths 0.5, 1 and the default ``0.75 * sqrt(30) = 4.1``; 250, 1000 and 5000
samples. The three methods explain the same rows with the seeds ``0, 1, ...``:
sklime ``--rows`` rows spread evenly over the data set (default: all 569)
with ``--seeds`` seeds (default 8); the lime package, which explains one row
at a time and about 50 times more slowly, ``--lime-rows`` of those rows
(default 100, spread evenly among them) with the first ``--lime-seeds`` seeds
(default 4). ``--quick``: 40 rows, lime package 20, 3 seeds.

Figures:

* Top-5 Jaccard: per row, :func:`sklime.metrics.top_k_jaccard` of every pair
  of seeds (``S (S - 1) / 2`` pairs), averaged over the pairs; then the mean
  over the rows, and its standard error ``std(per-row means, ddof=1) /
  sqrt(rows)``. The rows are the independent units: the pairs of one row
  share seeds and are not independent, so they are averaged first.
* Difference: ``glime - lime`` and ``glime - lime package`` of the per-row
  means (paired: same rows; for the lime package, glime's mean over all its
  seeds), mean and standard error over the rows as above. sklime's "lime"
  and "glime" draw the same uniform numbers for the same row and seed
  ("glime" remaps them), which makes their difference especially precise.
* Fidelity: the mean over rows (the lime package's rows, for all three
  methods) and seeds of sklime's ``Explanation.score``
  (the weighted R² for "lime"; for "glime", the R² on its kernel-distributed
  samples, which estimates the same quantity) and lime's ``exp.score``.

The machine, the package versions and the load average go to the output with
the tables (reStructuredText); progress goes to standard error.
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

from sklime._tabular._adaptive import AUTO_START  # noqa: E402
from sklime.metrics import top_k_jaccard  # noqa: E402

DEFAULT_WIDTH = 0.75 * np.sqrt(30)
WIDTHS = {"0.5": 0.5, "1": 1.0, "default": None}
N_SAMPLES = [250, 1000, 5000]
METHODS = ["lime package", "lime", "glime"]
LABEL = 1
K = 5


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def spread(n, total):
    """``n`` indices spread evenly over ``range(total)``."""
    return np.unique(np.linspace(0, total - 1, n).round().astype(int))


def model_calls(n_final):
    """Rows the model saw for a row that ``n_samples="auto"`` settled at
    ``n_final`` samples: every round draws afresh (1000 + 2000 + ...)."""
    return 2 * np.asarray(n_final) - AUTO_START


def explain(method, model, rows, n_samples, kernel_width, seed):
    """Coefficients (rows x 30, zero for unselected features), scores and
    the model's rows per explained row."""
    X_train, _ = breast_cancer()
    if method == "lime package":
        lime = make_lime(X_train, kernel_width=kernel_width, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exps = lime_explain(
                lime, rows, model.predict_proba, n_samples=n_samples, labels=(LABEL,)
            )
        coef = np.zeros(rows.shape)
        for i, exp in enumerate(exps):
            for j, w in exp.as_map()[LABEL]:
                coef[i, j] = w
        calls = np.full(len(rows), n_samples)
        return coef, np.array([exp.score for exp in exps]), calls
    explainer = make_sklime(
        model,
        X_train,
        sampler=method,
        n_samples=n_samples,
        kernel_width=kernel_width,
        labels=LABEL,
        random_state=seed,
    )
    exp = explainer.explain(rows)
    calls = model_calls(exp.n_samples) if n_samples == "auto" else exp.n_samples
    return exp.coef[:, 0, :], exp.score[:, 0], np.asarray(calls, float).ravel()


def pair_means(coefs):
    """Per row, the mean top-k Jaccard over all pairs of seeds."""
    pairs = [top_k_jaccard(a, b, k=K) for a, b in combinations(coefs, 2)]
    return np.mean(pairs, axis=0)


def mean_se(values):
    values = np.asarray(values, dtype=float)
    se = values.std(ddof=1) / np.sqrt(values.size) if values.size > 1 else np.nan
    return values.mean(), se


def fmt(mean, se):
    return f"{mean:.3f} ± {se:.3f}"


def fmt_diff(mean, se):
    return f"{mean:+.3f} ± {se:.3f}"


def measure(args):
    X, _ = breast_cancer()
    model = make_model("logistic")
    index = spread(args.rows, X.shape[0])
    lime_pos = spread(args.lime_rows, index.size) if args.lime_rows else None
    seeds = list(range(args.seeds))
    results = {}
    for width_name in args.widths:
        width = WIDTHS[width_name]
        for n_samples in args.n_samples:
            for method in args.methods:
                if method == "lime package" and (
                    lime_pos is None or n_samples == "auto"
                ):
                    continue
                pos = lime_pos if method == "lime package" else np.arange(index.size)
                rows = X[index[pos]]
                start = time.perf_counter()
                method_seeds = seeds[: args.lime_seeds] if pos is lime_pos else seeds
                runs = [
                    explain(method, model, rows, n_samples, width, s)
                    for s in method_seeds
                ]
                log(
                    f"width {width_name:>7} n_samples {n_samples:>5} "
                    f"{method:>12}: {len(rows)} rows x {len(method_seeds)} seeds, "
                    f"{time.perf_counter() - start:.1f} s"
                )
                results[width_name, n_samples, method] = dict(
                    pos=pos,
                    jaccard=pair_means([c for c, _, _ in runs]),
                    score=np.mean([s for _, s, _ in runs], axis=0),
                    calls=np.mean([n for _, _, n in runs], axis=0),
                )
    return index, results


def report(args, index, results):
    methods = [m for m in args.methods if any(k[2] == m for k in results)]
    out = []
    header = ["width", "n_samples"] + [
        {"lime package": "lime package", "lime": "sklime lime"}.get(m, "sklime " + m)
        for m in methods
    ]
    jac_rows, fid_rows, diff_rows = [], [], []
    # Fidelity varies little from seed to seed but much from row to row:
    # compare the methods on the same rows, the lime package's if it ran.
    lime_keys = [k for k in results if k[2] == "lime package"]
    fid_pos = results[lime_keys[0]]["pos"] if lime_keys else np.arange(index.size)
    for width_name in args.widths:
        for n_samples in args.n_samples:
            key = (width_name, n_samples)
            res = {m: results.get((*key, m)) for m in methods}
            jac_rows.append(
                [width_name, str(n_samples)]
                + [fmt(*mean_se(res[m]["jaccard"])) if res[m] else "" for m in methods]
            )
            fid_rows.append(
                [width_name, str(n_samples)]
                + [
                    f"{res[m]['score'][fid_pos].mean():.3f}"
                    if res[m] and m != "lime package"
                    else f"{res[m]['score'].mean():.3f}"
                    if res[m]
                    else ""
                    for m in methods
                ]
            )
            glime = res.get("glime")
            if glime is None:
                continue
            row = [width_name, str(n_samples)]
            for other in ("lime", "lime package"):
                if res.get(other) is None:
                    row.append("")
                    continue
                pos = res[other]["pos"]
                d = glime["jaccard"][pos] - res[other]["jaccard"]
                row.append(fmt_diff(*mean_se(d)))
            diff_rows.append(row)

    def pairs(s):
        return f"{s} seeds ({s * (s - 1) // 2} pairs)"

    lime_part = (
        f" (lime package: {args.lime_rows} of them, {pairs(args.lime_seeds)})"
        if "lime package" in methods
        else ""
    )
    out.append(
        f"Top-5 Jaccard across {pairs(args.seeds)}, mean ± standard error "
        f"over {index.size} rows{lime_part}\n"
    )
    out.append(table(header, jac_rows))
    if diff_rows:
        out.append(
            "\nPaired difference of the per-row Jaccard, mean ± standard error\n"
        )
        out.append(
            table(
                ["width", "n_samples", "glime - lime", "glime - lime package"],
                diff_rows,
            )
        )
    out.append(
        f"\nFidelity: mean score over {fid_pos.size} rows (the same for all "
        "methods) and the seeds\n"
    )
    out.append(table(header, fid_rows))
    if "auto" in args.n_samples:
        out.append(
            '\nModel calls per explained row with n_samples="auto" (every round '
            "draws afresh: 1000, then 1000 + 2000, ...), mean ± standard error "
            "over the rows, and the share of rows settled at 1000 samples\n"
        )
        call_rows = []
        for width_name in args.widths:
            for m in methods:
                res = results.get((width_name, "auto", m))
                if res is None or m == "lime package":
                    continue
                calls = res["calls"]
                call_rows.append(
                    [
                        width_name,
                        "sklime " + m,
                        fmt(*mean_se(calls)),
                        f"{np.mean(calls <= AUTO_START):.2f}",
                    ]
                )
        out.append(
            table(["width", "method", "model calls", "settled at 1000"], call_rows)
        )
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="40 rows (lime package 20), 3 seeds"
    )
    parser.add_argument("--rows", type=int, default=None, help="default 569 (all)")
    parser.add_argument(
        "--lime-rows", type=int, default=None, help="default 100; 0: no lime package"
    )
    parser.add_argument("--seeds", type=int, default=None, help="default 8")
    parser.add_argument(
        "--lime-seeds", type=int, default=None, help="the first ones; default 4"
    )
    parser.add_argument("--widths", nargs="+", default=list(WIDTHS), choices=WIDTHS)
    parser.add_argument(
        "--n-samples",
        nargs="+",
        type=lambda v: v if v == "auto" else int(v),
        default=N_SAMPLES,
        help='numbers, or "auto" (sklime only: adaptive; the lime package skips it)',
    )
    parser.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    args = parser.parse_args(argv)
    X, _ = breast_cancer()
    if args.rows is None:
        args.rows = 40 if args.quick else X.shape[0]
    if args.lime_rows is None:
        args.lime_rows = 20 if args.quick else 100
    args.lime_rows = min(args.lime_rows, args.rows)
    if args.seeds is None:
        args.seeds = 3 if args.quick else 8
    if args.lime_seeds is None:
        args.lime_seeds = 3 if args.quick else 4
    args.lime_seeds = min(args.lime_seeds, args.seeds)
    if args.lime_seeds < 2:
        parser.error("--seeds and --lime-seeds must be at least 2")

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    index, results = measure(args)
    elapsed = time.perf_counter() - start
    print(f"Machine: {machine()}")
    print(f"Versions: {versions()}")
    print(f"Command: {' '.join(['compare_stability.py', *(argv or sys.argv[1:])])}")
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"Load average (1 min): {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after; {elapsed:.0f} s"
    )
    print(f"Default kernel width: 0.75 * sqrt(30) = {DEFAULT_WIDTH:.2f}\n")
    print(report(args, index, results))


if __name__ == "__main__":
    main()
