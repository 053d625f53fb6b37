"""Agreement between explanations: top-k Jaccard and coefficient variance."""

import numpy as np

__all__ = ["coef_variance", "stability_report", "top_k_jaccard", "top_k_sets"]


def _coef(explanation, label_slot=0):
    coef = getattr(explanation, "coef", explanation)
    coef = np.asarray(coef)
    if coef.ndim == 3:
        coef = coef[:, label_slot, :]
    if coef.ndim != 2:
        raise ValueError(
            "expected an Explanation or coefficients of shape (n_rows, n_features) "
            f"or (n_rows, n_labels, n_features), got shape {coef.shape}."
        )
    return coef


def top_k_sets(explanation, k=5, label_slot=0):
    """Boolean mask (n_rows, n_features) of each row's ``k`` largest ``|weight|``.

    Ties are broken by feature order (stable); features with zero weight are
    never counted among the top ``k``.
    """
    coef = _coef(explanation, label_slot)
    if not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    order = np.argsort(-np.abs(coef), axis=1, kind="stable")[:, :k]
    mask = np.zeros(coef.shape, dtype=bool)
    np.put_along_axis(mask, order, True, axis=1)
    return mask & (coef != 0)


def top_k_jaccard(a, b, k=5, label_slot=0):
    """Jaccard index of the top-``k`` features of two explanations, per row.

    Parameters
    ----------
    a, b : Explanation or array-like of shape (n_rows, n_features)
        Two explanations of the same rows (e.g. with two random seeds).
    k : int, default=5
    label_slot : int, default=0
        Which explained label to compare.

    Returns
    -------
    jaccard : ndarray of shape (n_rows,)
        ``|A & B| / |A | B|`` of the top-``k`` feature sets (1 when both are
        empty).

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.metrics import top_k_jaccard
    >>> a = np.array([[3.0, 2.0, 1.0, 0.0]])
    >>> b = np.array([[3.0, 0.0, 1.0, 2.0]])
    >>> top_k_jaccard(a, b, k=2)
    array([0.33333333])
    """
    sa, sb = top_k_sets(a, k, label_slot), top_k_sets(b, k, label_slot)
    if sa.shape != sb.shape:
        raise ValueError(
            f"a and b explain different shapes: {sa.shape} and {sb.shape}."
        )
    inter = (sa & sb).sum(axis=1)
    union = (sa | sb).sum(axis=1)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def coef_variance(explanations, label_slot=0):
    """Variance of each coefficient across repeated explanations of the same rows.

    Parameters
    ----------
    explanations : sequence of Explanation or arrays (n_rows, n_features)

    Returns
    -------
    variance : ndarray of shape (n_rows, n_features)
    """
    stack = np.stack([_coef(e, label_slot) for e in explanations])
    if stack.shape[0] < 2:
        raise ValueError("coef_variance needs at least two explanations.")
    return stack.var(axis=0, ddof=1)


def stability_report(explainer, X, seeds=(0, 1, 2), k=5):
    """Explain ``X`` once per seed and summarise how much the runs agree.

    Parameters
    ----------
    explainer : fitted LimeExplainer
        Its ``random_state`` is replaced by each seed on a copy.
    X : array-like
        Rows to explain.
    seeds : sequence of int, default=(0, 1, 2)
        At least two.
    k : int, default=5

    Returns
    -------
    report : dict
        ``jaccard``: mean top-k Jaccard over rows and pairs of runs;
        ``jaccard_rows``: each row's mean top-k Jaccard over pairs of runs,
        shape (n_rows,); ``coef_variance``: mean variance of a coefficient
        across runs; ``fidelity``: mean weighted R² of the surrogates; ``explanations``:
        the runs.
    """
    import copy
    from itertools import combinations

    seeds = list(seeds)
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(
            f"seeds must hold at least two different seeds, got {seeds!r}."
        )
    runs = []
    for seed in seeds:
        twin = copy.copy(explainer)
        twin.random_state = seed
        runs.append(twin.explain(X))
    pairs = np.array([top_k_jaccard(a, b, k=k) for a, b in combinations(runs, 2)])
    return {
        "jaccard": float(pairs.mean()),
        "jaccard_rows": pairs.mean(axis=0),
        "coef_variance": float(coef_variance(runs).mean()),
        "fidelity": float(np.mean([r.score.mean() for r in runs])),
        "explanations": runs,
    }
