"""A user's own surrogate: any scikit-learn regressor taking ``sample_weight``.

The slow path of ``surrogate=...``: feature selection runs batched in JAX
(:func:`~sklime._surrogate._fit.selection_masks`), then a clone of the
regressor is fitted per row and label in Python.
"""

import numpy as np
from sklearn.base import clone

from ._fit import selection_masks

__all__ = ["fit_user_surrogates"]


def fit_user_surrogates(surrogate, Z, Y, w, *, method, n_features, n_real):
    """Fit ``surrogate`` on the kept features of every real row and label.

    Parameters
    ----------
    surrogate : regressor
        Unfitted; cloned for every fit.
    Z : array of shape (size, n, p)
        Interpretable samples (samples-major), ``Z[:, 0]`` the instances.
    Y : array of shape (size, n, L)
    w : array of shape (size, n)
    method : str
        Resolved feature selection method.
    n_features : int
    n_real : int
        Rows ``0..n_real-1`` are fitted; the padding rows after them get
        zeros.

    Returns
    -------
    dict of ndarray
        ``coef (size, L, p)``, ``intercept, score, local_pred (size, L)``.
    """
    masks = selection_masks(Z, Y, w, method=method, n_features=n_features)
    Z, Y, w = np.asarray(Z), np.asarray(Y), np.asarray(w)
    size, L, p = Z.shape[0], Y.shape[2], Z.shape[2]
    coef = np.zeros((size, L, p))
    intercept = np.zeros((size, L))
    score = np.zeros((size, L))
    local = np.zeros((size, L))
    for i in range(n_real):
        for slot in range(L):
            cols = np.flatnonzero(masks[i, slot])
            Zi = Z[i][:, cols]
            reg = clone(surrogate).fit(Zi, Y[i, :, slot], sample_weight=w[i])
            coef[i, slot, cols] = np.ravel(reg.coef_)
            intercept[i, slot] = float(np.ravel(reg.intercept_)[0])
            score[i, slot] = reg.score(Zi, Y[i, :, slot], sample_weight=w[i])
            local[i, slot] = float(np.ravel(reg.predict(Zi[:1]))[0])
    return {"coef": coef, "intercept": intercept, "score": score, "local_pred": local}
