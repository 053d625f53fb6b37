"""Scorers for model selection of explainers (``GridSearchCV(scoring=...)``)."""

import copy

import numpy as np

from ._stability import top_k_jaccard

__all__ = ["fidelity_scorer", "make_stability_scorer", "stability_scorer"]


def fidelity_scorer(explainer, X, y=None):
    """Mean local fidelity (weighted R² of the surrogates) of ``explainer`` on ``X``.

    The same number as ``explainer.score(X)``, usable as ``scoring=``.

    Parameters
    ----------
    explainer : fitted LimeExplainer
    X : array-like of shape (n_rows, n_features)
    y : ignored

    Returns
    -------
    score : float
    """
    return float(np.mean(explainer.explain(X).score))


def make_stability_scorer(k=5, seeds=(0, 1)):
    """A scorer: mean top-``k`` Jaccard of explanations drawn with two seeds.

    The explainer explains ``X`` once per seed (its ``random_state`` replaced
    on a copy; the fitted state is shared), and the score is the mean over
    rows of the Jaccard index of the ``k`` largest weights: 1 when the two
    runs agree on every row's top features.

    Parameters
    ----------
    k : int, default=5
    seeds : pair of int, default=(0, 1)

    Returns
    -------
    scorer : callable ``scorer(explainer, X, y=None) -> float``

    Examples
    --------
    >>> from sklime.metrics import make_stability_scorer
    >>> scorer = make_stability_scorer(k=3)
    """
    seeds = tuple(seeds)
    if len(seeds) != 2 or seeds[0] == seeds[1]:
        raise ValueError(f"seeds must be two different integers, got {seeds!r}.")

    def stability(explainer, X, y=None):
        runs = []
        for seed in seeds:
            twin = copy.copy(explainer)
            twin.random_state = seed
            runs.append(twin.explain(X))
        return float(np.mean(top_k_jaccard(runs[0], runs[1], k=k)))

    stability.__name__ = f"stability_top{k}"
    return stability


#: Mean top-5 Jaccard across seeds 0 and 1.
stability_scorer = make_stability_scorer()
