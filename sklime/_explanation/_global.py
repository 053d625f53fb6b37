"""Global explanations from many local ones: NormLIME / AVG importance, SP-LIME."""

from numbers import Integral

import numpy as np

from ._weights import label_weights

__all__ = ["global_importance", "greedy_cover", "submodular_pick"]


def global_importance(explanation, method="normlime"):
    """Global feature importance per label, aggregated over explained rows.

    Parameters
    ----------
    explanation : Explanation
        Local explanations of many rows.
    method : {"normlime", "avg"}, default="normlime"
        ``"normlime"`` (Ahern et al., 2019): the mean over rows of
        ``w_j**2 / sum_k |w_k|``, each row's weights normalised by their total
        magnitude so that no row dominates. ``"avg"``: the mean of ``|w_j|``.

    Returns
    -------
    importance : ndarray of shape (n_outputs, n_features)
        Row ``k`` aggregates every (row, label slot) that explains output
        ``k``; outputs that no row explains are NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Explanation, global_importance
    >>> exp = Explanation(
    ...     coef=np.array([[[1.0, -1.0]], [[3.0, 0.0]]]), intercept=np.zeros((2, 1)),
    ...     score=np.ones((2, 1)), local_pred=np.zeros((2, 1)),
    ...     model_pred=np.array([[0.2, 0.8], [0.1, 0.9]]), labels=np.array([[1], [1]]),
    ...     feature_names=["a", "b"])
    >>> global_importance(exp, "avg")[1].tolist()
    [2.0, 0.5]
    >>> global_importance(exp)[1].tolist()
    [1.75, 0.25]
    >>> bool(np.isnan(global_importance(exp)[0]).all())
    True
    """
    if method not in ("normlime", "avg"):
        raise ValueError(f"method must be 'normlime' or 'avg', got {method!r}.")
    coef = np.asarray(explanation.coef)
    labels = np.asarray(explanation.labels)
    n_outputs = np.asarray(explanation.model_pred).shape[1]
    if method == "normlime":
        total = np.abs(coef).sum(axis=-1, keepdims=True)
        contrib = np.divide(coef**2, total, out=np.zeros_like(coef), where=total > 0)
    else:
        contrib = np.abs(coef)
    out = np.full((n_outputs, coef.shape[-1]), np.nan)
    for k in np.unique(labels):
        rows, slots = np.nonzero(labels == k)
        out[k] = contrib[rows, slots].mean(axis=0)
    return out


def submodular_pick(explanation, n_picks, label=None):
    """SP-LIME: rows whose explanations together cover the important features.

    Ribeiro et al. (2016), section 4: the global importance of feature ``j``
    is ``I_j = sqrt(sum_i |W_ij|)``; rows are picked greedily to maximise the
    coverage ``sum_j I_j [some picked row uses feature j]``, a submodular
    function, so the greedy pick is within ``1 - 1/e`` of the best.

    Parameters
    ----------
    explanation : Explanation
    n_picks : int
        Rows to pick (at most the number of rows).
    label : int, default=None
        Output whose weights form ``W``; ``None`` uses each row's first
        explained label.

    Returns
    -------
    picks : ndarray of int, shape (n_picks,)
        Row indices in the order they were picked.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Explanation, submodular_pick
    >>> W = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    >>> exp = Explanation(
    ...     coef=W[:, None, :], intercept=np.zeros((3, 1)), score=np.ones((3, 1)),
    ...     local_pred=np.zeros((3, 1)), model_pred=np.ones((3, 1)),
    ...     labels=np.zeros((3, 1), int), feature_names=["a", "b", "c"])
    >>> submodular_pick(exp, 2).tolist()
    [0, 2]
    """
    W, _ = label_weights(explanation, label, every_row=True)
    return greedy_cover(W, n_picks)


def greedy_cover(W, n_picks, ties="first"):
    """SP-LIME's greedy pick of rows of the weight matrix ``W`` (n, p).

    Ties go to the first row, or the last with ``ties="last"`` (``lime``'s
    rule). See :func:`submodular_pick`.

    Examples
    --------
    >>> import numpy as np
    >>> greedy_cover(np.array([[1.0, 0.0], [0.0, 4.0], [1.0, 1.0]]), 2).tolist()
    [2, 0]
    """
    W = np.asarray(W, dtype=float)
    n = W.shape[0]
    if not isinstance(n_picks, Integral) or not 1 <= n_picks <= n:
        raise ValueError(f"n_picks must be an integer in [1, {n}], got {n_picks!r}.")
    importance = np.sqrt(np.abs(W).sum(axis=0))
    used = W != 0
    covered = np.zeros(W.shape[1], dtype=bool)
    picks = []
    available = np.ones(n, dtype=bool)
    for _ in range(n_picks):
        gain = ((used & ~covered) * importance).sum(axis=1)
        gain[~available] = -1
        best = int(np.argmax(gain if ties == "first" else gain[::-1]))
        if ties != "first":
            best = n - 1 - best
        picks.append(best)
        available[best] = False
        covered |= used[best]
    return np.asarray(picks)
