"""Stability across seeds: sklime's "lime" and "glime" samplers and the lime package.

Eight breast_cancer rows are explained twice, with seeds 0 and 1, by the
logistic-regression pipeline; the figure is the mean over the rows of the
Jaccard index of the two runs' top-5 features (by ``|weight|``), from
:func:`sklime.metrics.top_k_jaccard`: 1 when the runs agree on the five most
important features, about 0.1 for unrelated picks among 30 features. All
three explain class 1 (lime's default label) with 10 features, the quartile
discretizer, and the same ``n_samples`` and ``kernel_width`` (``None``: the
default ``0.75 * sqrt(30)``).
"""

import numpy as np

from sklime.metrics import top_k_jaccard

from .common import (
    Benchmark,
    breast_cancer,
    lime_explain,
    make_lime,
    make_model,
    make_sklime,
)

N_ROWS = 8
SEEDS = (0, 1)


def _rows():
    X, _ = breast_cancer()
    return X[np.linspace(0, X.shape[0] - 1, N_ROWS).astype(int)]


def coefficients(method, model, n_samples, kernel_width, seed):
    """Coefficients (rows x 30) of class 1, zero for unselected features."""
    X_train, _ = breast_cancer()
    rows = _rows()
    if method == "lime-package":
        lime = make_lime(X_train, kernel_width=kernel_width, random_state=seed)
        exps = lime_explain(lime, rows, model.predict_proba, n_samples=n_samples)
        coef = np.zeros(rows.shape)
        for i, exp in enumerate(exps):
            for j, w in exp.as_map()[1]:
                coef[i, j] = w
        return coef
    explainer = make_sklime(
        model,
        X_train,
        sampler=method,
        n_samples=n_samples,
        kernel_width=kernel_width,
        labels=1,
        random_state=seed,
    )
    return explainer.explain(rows).coef[:, 0, :]


class TopKStability(Benchmark):
    """Mean top-5 Jaccard between two seeds (higher is more stable)."""

    param_names = ["method", "n_samples", "kernel_width"]
    params = (["lime-package", "lime", "glime"], [1000, 5000], [0.5, 1.0, None])

    def setup(self, method, n_samples, kernel_width):
        self.model = make_model("logistic")

    def track_top5_jaccard(self, method, n_samples, kernel_width):
        a, b = (
            coefficients(method, self.model, n_samples, kernel_width, seed)
            for seed in SEEDS
        )
        return float(top_k_jaccard(a, b, k=5).mean())

    track_top5_jaccard.unit = "Jaccard"
