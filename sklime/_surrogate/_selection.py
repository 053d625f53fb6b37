"""Feature selection for the surrogates, as ``lime`` does it, batched (JAX).

Every method works on a chunk's :class:`~sklime._surrogate._design.Design` (the
weighted Gram matrix, or in the dual form the weighted samples), never on
the samples again, and returns the kept features as index sets
``S (b, L, k)`` with a ``valid (b, L, k)`` flag, so that the final fit is a
``k x k`` system:

- ``"none"``: every feature (no selection; the caller fits them all).
- ``"highest_weights"``: ridge (``alpha=0.01``) on every feature, keep the
  ``k`` largest ``|coef_j * z0_j|`` (``z0`` is the instance).
- ``"forward_selection"``: greedily add the feature that most increases the
  weighted R^2 of a least-squares fit (``lime`` uses ``Ridge(alpha=0)``).
  The fit on ``S + {j}`` explains ``c_j^2 / d_j`` more than the fit on
  ``S``, with ``d_j`` and ``c_j`` the residual variance of feature ``j`` and
  its residual covariance with the target after projecting on ``S``; both
  are updated by one row of a pivoted Cholesky factor per step, so the
  whole selection costs ``O(k p)`` per step plus one Gram row, not a fit per
  candidate.
- ``"lasso_path"``: the largest set of at most ``k`` features along the LARS
  lasso path of the weighted, centred data (on the host, with
  :func:`sklearn.linear_model.lars_path_gram` from the Gram matrix, or
  :func:`sklearn.linear_model.lars_path` on the weighted samples in the dual
  form; both give ``lime``'s path).
- ``"auto"``: forward selection when ``k <= 6``, else highest weights.
"""

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.linear_model import lars_path, lars_path_gram

from ._design import full_ridge, gram_diagonal, gram_rows, ridge_strength

__all__ = [
    "METHODS",
    "indices_to_masks",
    "lasso_path_masks",
    "masks_to_indices",
    "resolve_method",
    "select_features",
]

METHODS = ("auto", "none", "forward_selection", "highest_weights", "lasso_path")


def resolve_method(method, n_features):
    """``"auto"`` becomes ``lime``'s choice for ``n_features``."""
    if method == "auto":
        return "forward_selection" if n_features <= 6 else "highest_weights"
    return method


def _highest_weights(d, z0, k):
    coef = full_ridge(d, 0.01)
    # top_k breaks ties by the lower index, as a stable sort would.
    _, S = jax.lax.top_k(jnp.abs(coef * z0[:, None, :]), k)
    return S


def _pick(onehot, a):
    """``a[..., j]`` for the one-hot ``j`` (``a`` may have leading axes)."""
    return jnp.sum(a * onehot, axis=-1)


def _forward_selection(d, k):
    zy = jnp.swapaxes(d.m.zy, 1, 2)  # (b, L, p)
    b, L, p = zy.shape
    reg = ridge_strength(d, 0.0)[:, None, None]  # lime: Ridge(alpha=0)
    resid_var = jnp.broadcast_to(gram_diagonal(d)[:, None, :] + reg, (b, L, p))
    resid_cov = zy
    factor = jnp.zeros((k, b, L, p), zy.dtype)  # rows of the pivoted Cholesky factor
    chosen = jnp.zeros((b, L, p), bool)
    picks = []
    for t in range(k):
        # With G + reg I, a residual variance is at least reg: the floor
        # keeps rounding from dividing by ~0 for a collinear candidate.
        gain = resid_cov**2 / jnp.maximum(resid_var, reg)
        j = jnp.argmax(jnp.where(chosen, -jnp.inf, gain), axis=-1)  # first maximum
        onehot = jax.nn.one_hot(j, p, dtype=zy.dtype)
        row = gram_rows(d, j) + reg * onehot
        if t:
            done = factor[:t]
            row = row - jnp.einsum("tblp,tbl->blp", done, _pick(onehot, done))
        pivot = jnp.sqrt(jnp.maximum(_pick(onehot, resid_var), reg[..., 0]))[..., None]
        row = jnp.where(chosen, 0, row / pivot)
        resid_cov = resid_cov - (_pick(onehot, resid_cov)[..., None] / pivot) * row
        resid_var = resid_var - row**2
        factor = factor.at[t].set(row)
        chosen = chosen | (onehot > 0)
        picks.append(j)
    return jnp.stack(picks, axis=-1)


def select_features(d, z0, method, k):
    """Index sets ``(b, L, k)`` of the features each surrogate keeps.

    Parameters
    ----------
    d : sklime._surrogate._design.Design
    z0 : array of shape (b, p)
        Interpretable representation of each instance.
    method : {"highest_weights", "forward_selection"}
        Resolved method (see :func:`resolve_method`); ``"none"`` needs no
        selection and ``"lasso_path"`` runs on the host
        (:func:`lasso_path_masks`).
    k : int
        Features to keep, ``k < p``.
    """
    if method == "highest_weights":
        return _highest_weights(d, z0, k)
    if method == "forward_selection":
        return _forward_selection(d, k)
    raise ValueError(f"unknown feature selection method {method!r}")


def indices_to_masks(S, valid, p):
    """Boolean masks ``(b, L, p)`` of index sets ``S (b, L, k)``."""
    hot = jax.nn.one_hot(S, p, dtype=bool) & valid[..., None]
    return jnp.any(hot, axis=-2)


def masks_to_indices(masks, k):
    """Index sets ``(b, L, k)`` and validity of masks with at most ``k`` features."""
    masks = np.asarray(masks)
    order = np.argsort(~masks, axis=-1, kind="stable")[..., :k]
    return order, np.take_along_axis(masks, order, axis=-1)


def lasso_path_masks(gram, zy, k, A=None, yc=None):
    """``lime``'s lasso-path selection (host side).

    Parameters
    ----------
    gram : ndarray of shape (b, p, p) or None
        Weighted, centred Gram matrices; ``None`` to run on ``A, yc``.
    zy : ndarray of shape (b, p, L)
        Weighted, centred cross products with the targets.
    k : int
        Most features to keep.
    A, yc : ndarray of shape (b, n, p) and (b, n, L), optional
        The weighted, centred samples and targets, for ``gram=None``.

    Returns
    -------
    masks : ndarray of shape (b, L, p), bool
    """
    zy = np.asarray(zy, dtype=np.float64)
    b, p, L = zy.shape
    masks = np.zeros((b, L, p), dtype=bool)
    for i in range(b):
        for label in range(L):
            if gram is None:
                _, _, coefs = lars_path(
                    np.asarray(A[i], np.float64),
                    np.asarray(yc[i, :, label], np.float64),
                    method="lasso",
                )
            else:
                _, _, coefs = lars_path_gram(
                    Xy=zy[i, :, label],
                    Gram=np.asarray(gram[i], np.float64),
                    n_samples=1,
                    method="lasso",
                )
            nonzero = np.arange(p)
            # Walk the path back from its end; keep the last set small enough.
            for step in range(coefs.shape[1] - 1, 0, -1):
                nonzero = np.flatnonzero(coefs[:, step])
                if nonzero.size <= k:
                    break
            masks[i, label, nonzero] = True
    return masks
