"""``n_samples="auto"``: more samples for the rows whose top features are unsettled.

In the spirit of S-LIME (Zhou, Hooker and Wang, KDD 2021): a row is settled
when the gap between its k-th and (k+1)-th largest ``|weight|``
(k = min(5, n_features)) exceeds 1.96 standard errors of their difference
(sandwich estimates, :func:`~sklime._surrogate._fit.coef_standard_errors`).
Rows start at ``AUTO_START`` samples and double, up to ``AUTO_CAP``. Each
round draws a row's samples afresh from its stream: the numbers are laid
out feature by feature, so the samples at ``2n`` do not extend those at
``n`` (and the model sees all ``2n``).
"""

import numpy as np

__all__ = ["AUTO_CAP", "AUTO_START", "explain_adaptive", "top_k_settled"]

#: First and largest number of samples per row.
AUTO_START = 1000
AUTO_CAP = 16000


def explain_adaptive(run, n_rows, k):
    """Results of every row, each at the first ``n_samples`` that settles it.

    Parameters
    ----------
    run : callable ``(rows, n_samples) -> dict of ndarray``
        Explains ``rows`` (positions) with ``n_samples`` samples each and
        standard errors (``coef_se``).
    n_rows : int
    k : int
        Size of the top set that must settle.

    Returns
    -------
    dict of ndarray
        As ``run`` returns, one row per row, plus ``n_samples (n_rows, L)``
        and without ``coef_se``.
    """
    remaining = np.arange(n_rows)
    final = [None] * n_rows
    n_samples = AUTO_START
    while remaining.size:
        part = run(remaining, n_samples)
        part["n_samples"] = np.full(part["labels"].shape, n_samples)
        settled = top_k_settled(part["coef"][:, 0], part.pop("coef_se"), k)
        if 2 * n_samples > AUTO_CAP:
            settled[:] = True
        for pos in np.flatnonzero(settled):
            final[remaining[pos]] = {key: v[pos : pos + 1] for key, v in part.items()}
        remaining = remaining[~settled]
        n_samples *= 2
    return {key: np.concatenate([f[key] for f in final]) for key in final[0]}


def top_k_settled(coef, se, k):
    """Rows whose top-k set is separated from the rest by > 1.96 standard errors.

    Examples
    --------
    >>> import numpy as np
    >>> coef = np.array([[3.0, 1.0, 0.1], [1.0, 0.9, 0.0]])
    >>> top_k_settled(coef, np.full((2, 3), 0.1), 1).tolist()
    [True, False]
    """
    order = np.argsort(-np.abs(coef), axis=1, kind="stable")
    p = coef.shape[1]
    if k >= p:
        return np.ones(coef.shape[0], dtype=bool)
    rows = np.arange(coef.shape[0])
    inner, outer = order[:, k - 1], order[:, k]
    gap = np.abs(coef[rows, inner]) - np.abs(coef[rows, outer])
    spread = np.sqrt(se[rows, inner] ** 2 + se[rows, outer] ** 2)
    return gap > 1.96 * spread
