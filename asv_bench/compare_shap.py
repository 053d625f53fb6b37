"""Side-by-side figures of sklime's KernelShapExplainer and shap's KernelExplainer.

Standalone script behind the Kernel SHAP table of ``doc/performance.rst``.
Run it from the repository root (``shap`` installed: the ``bench`` extra)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python asv_bench/compare_shap.py
    python asv_bench/compare_shap.py --rows 100 --shap-rows 20 --rounds 3

breast_cancer, the logistic-regression pipeline of ``asv_bench/benchmarks``,
background ``shap.kmeans(X, 10)`` (sklime gets its rows and weights), 2048
coalitions per row, ``l1_reg=False`` (no feature selection in either). In one
process, interleaved round after round, best round of each: shap explaining
``--shap-rows`` rows (its cost per row is the same for every row; its time is
scaled to ``--rows``), sklime explaining ``--rows`` rows. Both call the model
through a timer: "model" is the time inside ``predict_proba``, "own" the wall
time minus it. Also printed: the agreement of the two (RMS difference of the
values) next to shap's own spread between two seeds.
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.common import TimedModel, breast_cancer, make_model  # noqa: E402


def _shap_run(shap, model, background, rows, n_samples, seed=0):
    np.random.seed(seed)  # noqa: NPY002 (shap draws from the global generator)
    explainer = shap.KernelExplainer(model, background)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = explainer.shap_values(
            rows, nsamples=n_samples, l1_reg=False, silent=True
        )
    return np.asarray(values)[..., 1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--shap-rows", type=int, default=20)
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--background", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--jax-model",
        action="store_true",
        help="also time sklime with a JAX logistic regression",
    )
    args = parser.parse_args(argv)

    import shap

    from sklime import KernelShapExplainer

    X, _ = breast_cancer()
    model = make_model("logistic")
    background = shap.kmeans(X, args.background)
    rng = np.random.default_rng(0)
    rows = X[rng.choice(len(X), args.rows, replace=len(X) < args.rows)]
    timed = TimedModel(model.predict_proba)
    ours = KernelShapExplainer(
        timed, labels=1, n_samples=args.samples, random_state=0
    ).fit(background.data, sample_weight=background.weights)
    ours.explain(rows[:1])  # compile

    best = {"shap": (np.inf, 0), "sklime": (np.inf, 0)}
    for _ in range(args.rounds):
        for name in ("shap", "sklime"):
            timed.seconds = 0.0
            start = time.perf_counter()
            if name == "shap":
                _shap_run(shap, timed, background, rows[: args.shap_rows], args.samples)
                scale = args.rows / args.shap_rows
            else:
                ours.explain(rows)
                scale = 1.0
            wall = (time.perf_counter() - start) * scale
            if wall < best[name][0]:
                best[name] = (wall, timed.seconds * scale)

    s0 = _shap_run(shap, model.predict_proba, background, rows[:10], args.samples, 0)
    s1 = _shap_run(shap, model.predict_proba, background, rows[:10], args.samples, 1)
    o = ours.explain(rows[:10]).coef[:, 0]
    rms = lambda a: float(np.sqrt(np.mean(a**2)))  # noqa: E731

    threads = {
        k: os.environ.get(k, "unset")
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {threads}"
    )
    print(
        f"{args.rows} rows, {args.samples} coalitions, background {args.background} k-means rows"
    )
    print()
    print("========  ===========  ==========  ==========  ==========")
    print("library   ms per row   model (ms)  own (ms)    own/model")
    print("========  ===========  ==========  ==========  ==========")
    for name, (wall, inside) in best.items():
        per = 1e3 / args.rows
        own = wall - inside
        print(
            f"{name:8}  {wall * per:11.2f}  {inside * per:10.2f}  {own * per:10.2f}  {own / inside:10.2f}"
        )
    print("========  ===========  ==========  ==========  ==========")
    print()
    print(
        f"throughput ratio (shap time / sklime time): {best['shap'][0] / best['sklime'][0]:.1f}x"
    )
    print(
        f"RMS(sklime - shap seed 0) = {rms(o - s0):.4f}; RMS(shap seed 1 - seed 0) = {rms(s1 - s0):.4f}"
    )


if __name__ == "__main__":
    main()
