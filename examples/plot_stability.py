"""
Stable explanations with GLIME
==============================

LIME's explanations change from run to run (lime #683, #767), and the
narrower the kernel, the worse: the kernel weights collapse onto a handful of
samples. GLIME (Tan, Tian and Li, NeurIPS 2023) draws the samples from the
kernel-weighted law itself and fits them without weights: same target,
far lower variance. This example measures, on breast cancer with a
logistic-regression pipeline, the top-5 Jaccard index between two runs with
different seeds (1 = identical top features) and the local fidelity, for the
``lime`` package, sklime's ``sampler="lime"`` and ``sampler="glime"``.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import LimeExplainer, plot_stability
from sklime.metrics import top_k_jaccard

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
rows = X[np.random.default_rng(0).choice(len(X), 8, replace=False)]
default_width = 0.75 * np.sqrt(X.shape[1])
widths = {"0.5": 0.5, "1": 1.0, "default": default_width}
sample_sizes = [250, 1000, 5000]


def lime_package(width, n_samples, seed):
    """Coefficients and fidelity from the ``lime`` package, if installed."""
    from lime.lime_tabular import LimeTabularExplainer

    explainer = LimeTabularExplainer(X, kernel_width=width, random_state=seed)
    coef = np.zeros((len(rows), X.shape[1]))
    scores = []
    for i, row in enumerate(rows):
        exp = explainer.explain_instance(
            row, model.predict_proba, labels=(1,), num_samples=n_samples
        )
        for j, w in exp.local_exp[1]:
            coef[i, j] = w
        scores.append(exp.score)
    return coef, float(np.mean(scores))


def sklime_run(sampler, width, n_samples, seed):
    explainer = LimeExplainer(
        model,
        n_samples=n_samples,
        kernel_width=width,
        sampler=sampler,
        labels=1,
        random_state=seed,
    ).fit(X)
    exp = explainer.explain(rows)
    return exp.coef[:, 0], float(exp.score.mean())


try:
    import lime  # noqa: F401

    methods = ["lime package", "sklime lime", "sklime glime"]
except ImportError:  # pragma: no cover - lime is optional here
    methods = ["sklime lime", "sklime glime"]


def run(method, width, n_samples, seed):
    if method == "lime package":
        return lime_package(width, n_samples, seed)
    return sklime_run(method.split()[1], width, n_samples, seed)


records = []
for width_name, width in widths.items():
    for n_samples in sample_sizes:
        for method in methods:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                (a, fa), (b, fb) = (run(method, width, n_samples, s) for s in (0, 1))
            records.append(
                {
                    "method": method,
                    "width": width_name,
                    "n_samples": n_samples,
                    "jaccard": float(top_k_jaccard(a, b, k=5).mean()),
                    "fidelity": (fa + fb) / 2,
                }
            )

results = pd.DataFrame(records)
print(
    results.pivot_table(
        index=["width", "n_samples"], columns="method", values="jaccard"
    )
    .round(2)
    .to_string()
)

# %%
# Top-5 Jaccard across seeds: GLIME stays stable even where LIME's kernel
# weights collapse (width 0.5), and is clearly ahead at width 1. At the
# default width (4.1) the kernel barely varies, GLIME's law is nearly LIME's,
# and the two are about as stable: eight rows cannot separate them (the
# performance page measures all 569 rows with standard errors:
# ``asv_bench/compare_stability.py``).
# :func:`sklime.plot_stability` draws such curves, from numbers as here or
# from :func:`sklime.metrics.stability_report` runs.
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
for ax, width_name in zip(axes, widths):
    part = results[results.width == width_name]
    curves = {
        name: dict(zip(group.n_samples, group.jaccard))
        for name, group in part.groupby("method")
    }
    plot_stability(curves, ax=ax)
    ax.set_title(f"kernel width {width_name}")
for ax in axes[1:]:
    ax.set_ylabel("")
    ax.get_legend().remove()
fig.tight_layout()

# %%
# Fidelity (LIME: weighted R²; GLIME: R² on its kernel-distributed samples,
# which estimates the same quantity).
print(
    results.pivot_table(
        index=["width", "n_samples"], columns="method", values="fidelity"
    )
    .round(2)
    .to_string()
)
