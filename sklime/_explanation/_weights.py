"""Reading weights out of an explanation, for every view of it.

``ranked`` orders one row's kept features (lists, bars, HTML, overlays) and
``label_weights`` gathers one label's weights over the rows (summary plots,
SP-LIME). A label's slot in a single row is ``Explanation._slot``.
"""

import numpy as np

__all__ = ["label_weights", "ranked"]


def ranked(weights):
    """Kept features of one weight vector, largest ``|weight|`` first.

    Parameters
    ----------
    weights : ndarray of shape (n_features,)

    Returns
    -------
    list of (int, float)
        ``(feature, weight)`` for every non-zero weight; ties keep the
        features' order.

    Examples
    --------
    >>> import numpy as np
    >>> ranked(np.array([0.5, -2.0, 0.0]))
    [(1, -2.0), (0, 0.5)]
    """
    order = np.argsort(-np.abs(weights), kind="stable")
    return [(int(j), float(weights[j])) for j in order if weights[j] != 0]


def label_weights(explanation, label, *, every_row=False):
    """The weights of one label over the rows that explain it.

    Parameters
    ----------
    explanation : Explanation
    label : int or None
        Output; ``None`` takes each row's first explained label (every row).
    every_row : bool, default=False
        Require every row to explain ``label`` (ValueError otherwise);
        when False, the rows that do not are left out (KeyError if none is
        left).

    Returns
    -------
    weights : ndarray of shape (n_kept_rows, n_features)
        Each kept row's weights in its first slot for ``label``.
    rows : ndarray of int, shape (n_kept_rows,)
        The kept rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Explanation
    >>> exp = Explanation(
    ...     coef=np.array([[[1.0], [2.0]], [[3.0], [4.0]]]),
    ...     intercept=np.zeros((2, 2)), score=np.ones((2, 2)),
    ...     local_pred=np.zeros((2, 2)), model_pred=np.full((2, 3), 1 / 3),
    ...     labels=np.array([[0, 2], [2, 1]]), feature_names=["a"])
    >>> weights, rows = label_weights(exp, 2)
    >>> weights.tolist(), rows.tolist()
    ([[2.0], [3.0]], [0, 1])
    """
    coef = np.asarray(explanation.coef)
    if label is None:
        return coef[:, 0, :], np.arange(coef.shape[0])
    hit = np.asarray(explanation.labels) == label
    explained = hit.any(axis=1)
    if every_row and not explained.all():
        raise ValueError(f"label {label!r} is not explained for every row.")
    rows = np.flatnonzero(explained)
    if rows.size == 0 and not every_row:
        raise KeyError(
            f"no row explains label {label!r}; explained labels: "
            f"{np.unique(explanation.labels).tolist()} (use labels=... when explaining)."
        )
    return coef[rows, hit[rows].argmax(axis=1)], rows
