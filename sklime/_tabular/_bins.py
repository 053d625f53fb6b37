"""Bins of one feature: edges (quantile, entropy), their labels, statistics, bounds."""

import numpy as np
from sklearn.tree import DecisionTreeClassifier

__all__ = [
    "bin_statistics",
    "entropy_edges",
    "format_category",
    "format_edges",
    "quantile_edges",
    "sampling_bounds",
]


def quantile_edges(x, n_bins):
    """Interior edges at the ``k / n_bins`` percentiles, as ``lime`` computes them."""
    percentiles = 100 * np.arange(1, n_bins) / n_bins
    return np.unique(np.percentile(x, percentiles))


def entropy_edges(x, y, n_bins, random_state):
    """Split points of an entropy tree on one feature (``lime``'s entropy bins).

    ``lime`` grows a depth-3 tree (at most 8 bins); here the depth is
    ``ceil(log2(n_bins))`` and, when ``n_bins`` is not a power of two, the
    tree is also capped at ``n_bins`` leaves. ``n_bins=8`` is ``lime``'s tree.
    A tree that makes no split falls back to the median, as in ``lime``.
    """
    depth = max(int(np.ceil(np.log2(n_bins))), 1)
    tree = DecisionTreeClassifier(
        criterion="entropy",
        max_depth=depth,
        max_leaf_nodes=None if n_bins == 2**depth else n_bins,
        random_state=random_state,
    )
    tree.fit(x.reshape(-1, 1), y)
    edges = tree.tree_.threshold[tree.tree_.children_left > -1]
    if edges.size == 0:
        edges = np.array([np.median(x)])
    return np.unique(edges)


def format_edges(edges):
    """Format edges like ``lime`` (``%.2f``), with more digits only when needed.

    More decimals are used when two distinct edges would print alike, and
    scientific notation for very large or very small magnitudes.
    """
    finite = np.abs(edges[edges != 0]) if edges.size else edges
    if finite.size and (finite.max() >= 1e7 or finite.min() < 1e-3):
        return [f"{v:.4g}" for v in edges]
    for decimals in range(2, 9):
        text = [f"{v:.{decimals}f}" for v in edges]
        if len(set(text)) == len(edges):
            return text
    return [repr(float(v)) for v in edges]


def format_category(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def bin_statistics(col, edges):
    """Mean, std, min, max and frequency of the training values in each bin."""
    k = edges.size + 1
    bins = np.searchsorted(edges, col, side="left")
    counts = np.bincount(bins, minlength=k).astype(np.float64)
    lower = np.concatenate([[col.min()], edges])
    upper = np.concatenate([edges, [col.max()]])
    # An empty end bin can have upper < lower (all training values below the
    # last edge); keep its bounds ordered.
    upper = np.maximum(upper, lower)
    safe = np.where(counts > 0, counts, 1)
    means = np.bincount(bins, col, minlength=k) / safe
    means = np.where(counts > 0, means, (lower + upper) / 2)
    var = np.bincount(bins, (col - means[bins]) ** 2, minlength=k) / safe
    stds = np.sqrt(np.maximum(var, 0))
    return means, stds, lower, upper, counts / col.size


def sampling_bounds(lower, upper, dtype):
    """Bin bounds in ``dtype`` that keep every in-bin sample in its bin.

    Bins are right-closed: bin ``k > 0`` of a feature holds ``(lower, upper]``
    (its lower bound is the previous bin's upper edge), bin 0 holds
    ``[lower, upper]``. Clipping samples to the nearest ``dtype`` values
    inside those intervals (the next one above an open lower bound, and not
    a value that rounding puts beyond a bound) means that
    :meth:`Discretizer.transform` maps a sample back to the bin it was drawn
    in, also where the spacing of ``dtype`` is coarse (data far from zero).

    Parameters
    ----------
    lower, upper : ndarray of shape (n_features, n_bins), float64
    dtype : float dtype

    Returns
    -------
    lower, upper : ndarray of shape (n_features, n_bins), ``dtype``
    """
    lower = np.asarray(lower, np.float64)
    upper = np.asarray(upper, np.float64)
    lo, up = lower.astype(dtype), upper.astype(dtype)
    inf = np.asarray(np.inf, dtype)
    open_lower = np.arange(lower.shape[-1]) > 0
    below = (lo < lower) | (open_lower & (lo == lower))
    lo = np.where(below, np.nextafter(lo, inf), lo)
    up = np.where(up > upper, np.nextafter(up, -inf), up)
    return lo, up
