"""Feature selection for the surrogates, as ``lime`` does it, batched (JAX).

All methods work on the weighted moments of :mod:`sklime._ridge`, so they
never touch the samples again:

- ``"none"``: every feature.
- ``"highest_weights"``: ridge (``alpha=0.01``) on every feature, keep the
  ``k`` largest ``|coef_j * z0_j|`` (``z0`` is the instance).
- ``"forward_selection"``: greedily add the feature that most increases the
  weighted R^2 of a least-squares fit (``lime`` uses ``Ridge(alpha=0)``).
- ``"lasso_path"``: the largest set of at most ``k`` features along the LARS
  lasso path of the weighted, centred data (computed on the host from the
  Gram matrix with :func:`sklearn.linear_model.lars_path_gram`, which gives
  the same path as ``lime``'s ``lars_path`` on the data).
- ``"auto"``: forward selection when ``k <= 6``, else highest weights.
"""

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.linear_model import lars_path_gram

from ._ridge import solve_ridge

__all__ = ["METHODS", "lasso_path_masks", "resolve_method", "select_features"]

METHODS = ("auto", "none", "forward_selection", "highest_weights", "lasso_path")

#: Forward selection fits its candidates at once (vmapped) up to this many
#: features, one after the other beyond.
VMAP_CANDIDATES = 64


def resolve_method(method, n_features):
    """``"auto"`` becomes ``lime``'s choice for ``n_features``."""
    if method == "auto":
        return "forward_selection" if n_features <= 6 else "highest_weights"
    return method


def _top_k_mask(score, k):
    """Boolean mask of the ``k`` largest entries along the last axis (stable)."""
    p = score.shape[-1]
    order = jnp.argsort(-score, axis=-1, stable=True)
    ranks = jnp.argsort(order, axis=-1, stable=True)
    return ranks < min(k, p)


def _highest_weights(m, z0, k):
    coef, _ = solve_ridge(m, 0.01)
    return _top_k_mask(jnp.abs(coef * z0[:, None, :]), k)


def _r2_of_masks(m, masks):
    """Weighted R^2 of least-squares fits on each mask; masks (b, L, c, p)."""
    p = masks.shape[-1]
    flat = masks.transpose(2, 0, 1, 3)  # (c, b, L, p)

    def one(mask):
        coef, _ = solve_ridge(m, 0.0, mask)  # (b, L, p)
        explained = jnp.sum(coef * jnp.swapaxes(m.zy, 1, 2), axis=-1)
        return explained

    explained = jax.vmap(one)(flat) if p <= VMAP_CANDIDATES else jax.lax.map(one, flat)
    sst = m.syy[None]
    r2 = jnp.where(sst > 0, explained / jnp.where(sst > 0, sst, 1), 0.0)
    return r2.transpose(1, 2, 0)  # (b, L, c)


def _forward_selection(m, k):
    b, p = m.z_mean.shape
    L = m.zy.shape[-1]
    chosen = jnp.zeros((b, L, p), bool)
    eye = jnp.eye(p, dtype=bool)
    for _ in range(min(k, p)):
        candidates = chosen[:, :, None, :] | eye[None, None]  # (b, L, c=p, p)
        r2 = _r2_of_masks(m, candidates)
        r2 = jnp.where(chosen, -jnp.inf, r2)
        best = jnp.argmax(r2, axis=-1)  # first maximum, as lime's strict '>'
        chosen = chosen | jax.nn.one_hot(best, p, dtype=bool)
    return chosen


def select_features(m, z0, method, k):
    """Boolean masks (b, L, p) of the features each surrogate keeps.

    Parameters
    ----------
    m : sklime._ridge.Moments
    z0 : array of shape (b, p)
        Interpretable representation of each instance.
    method : {"none", "highest_weights", "forward_selection"}
        Resolved method (see :func:`resolve_method`); ``"lasso_path"`` is
        handled on the host by :func:`lasso_path_masks`.
    k : int
        Features to keep.
    """
    b, p = m.z_mean.shape
    L = m.zy.shape[-1]
    # With k >= p every method ends with every feature that can carry weight.
    if method == "none" or k >= p:
        return jnp.ones((b, L, p), bool)
    if method == "highest_weights":
        return _highest_weights(m, z0, k)
    if method == "forward_selection":
        return _forward_selection(m, k)
    raise ValueError(f"unknown feature selection method {method!r}")


def lasso_path_masks(gram, zy, k):
    """``lime``'s lasso-path selection from Gram matrices (host side).

    Parameters
    ----------
    gram : ndarray of shape (b, p, p)
        Weighted, centred Gram matrices.
    zy : ndarray of shape (b, p, L)
        Weighted, centred cross products with the targets.
    k : int
        Most features to keep.

    Returns
    -------
    masks : ndarray of shape (b, L, p), bool
    """
    gram = np.asarray(gram, dtype=np.float64)
    zy = np.asarray(zy, dtype=np.float64)
    b, p, L = zy.shape
    masks = np.zeros((b, L, p), dtype=bool)
    for i in range(b):
        for label in range(L):
            _, _, coefs = lars_path_gram(
                Xy=zy[i, :, label], Gram=gram[i], n_samples=1, method="lasso"
            )
            nonzero = np.arange(p)
            # Walk the path back from its end; keep the last set small enough.
            for step in range(coefs.shape[1] - 1, 0, -1):
                nonzero = np.flatnonzero(coefs[:, step])
                if nonzero.size <= k:
                    break
            masks[i, label, nonzero] = True
    return masks
