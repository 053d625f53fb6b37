"""Fit LIME's local surrogates for a chunk of instances (JAX, batched).

From the interpretable samples ``Z (b, n, p)`` (first sample = instance) and
the black-box outputs ``Y (b, n, L)`` of the explained labels:

distances to the instance -> kernel weights -> weighted moments -> feature
selection -> ridge on the kept features -> weighted R^2 and the prediction
at the instance.
"""

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._distances import row_distances
from ._kernels import exponential_kernel
from ._ridge import predict, r2_from_predictions, solve_ridge, weighted_moments
from ._selection import lasso_path_masks, select_features

__all__ = ["SurrogateFit", "fit_surrogates"]


class SurrogateFit(NamedTuple):
    """Surrogates of a chunk: ``coef (b, L, p)``, ``intercept``, ``score`` and
    ``local_pred`` of shape ``(b, L)``."""

    coef: jax.Array
    intercept: jax.Array
    score: jax.Array
    local_pred: jax.Array


@partial(jax.jit, static_argnames=("metric",))
def _distances(Z, metric):
    return row_distances(Z, metric)


@partial(jax.jit, static_argnames=("metric",))
def _kernel_weights(Z, width, metric):
    return exponential_kernel(row_distances(Z, metric), width)


def _finish(Z, Y, w, m, mask, alpha):
    coef, intercept = solve_ridge(m, alpha, mask)
    pred = predict(Z, coef, intercept)
    score = r2_from_predictions(Y, pred, w)
    return SurrogateFit(coef, intercept, score, pred[:, 0, :])


@partial(jax.jit, static_argnames=("method", "n_features"))
def _fit(Z, Y, w, alpha, method, n_features):
    m = weighted_moments(Z, Y, w)
    mask = select_features(m, Z[:, 0, :], method, n_features)
    return _finish(Z, Y, w, m, mask, alpha)


_moments = jax.jit(weighted_moments)
_finish_jit = jax.jit(_finish)


def sample_weights(Z, kernel_width, metric="euclidean", kernel=None):
    """Kernel weights ``(b, n)`` of the samples.

    ``kernel=None`` is the exponential kernel, computed in JAX; a callable
    ``kernel(distances, kernel_width)`` gets the distances as a numpy array of
    shape ``(b, n)`` and must return non-negative finite weights of that shape.
    """
    if kernel is None:
        return _kernel_weights(Z, kernel_width, metric)
    d = np.asarray(_distances(Z, metric))
    w = np.asarray(kernel(d, kernel_width), dtype=d.dtype)
    if w.shape != d.shape:
        raise ValueError(
            f"kernel must return weights of the distances' shape {d.shape}, "
            f"got {w.shape}."
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("kernel returned negative, NaN or infinite weights.")
    if not (w.sum(axis=1) > 0).all():
        raise ValueError(
            "kernel returned weights that are all zero for some instance; "
            "use a wider kernel."
        )
    return jnp.asarray(w)


def fit_surrogates(Z, Y, w, *, alpha, method, n_features):
    """Fit weighted ridge surrogates with ``lime``'s feature selection.

    Parameters
    ----------
    Z : array of shape (b, n, p)
        Interpretable samples; ``Z[:, 0]`` is each instance.
    Y : array of shape (b, n, L)
        Black-box outputs of the explained labels.
    w : array of shape (b, n)
        Sample weights (see :func:`sample_weights`).
    alpha : float
        Ridge strength of the surrogate.
    method : str
        Resolved feature selection method (see :mod:`sklime._selection`).
    n_features : int
        Features kept.

    Returns
    -------
    SurrogateFit
    """
    if method == "lasso_path":
        m = _moments(Z, Y, w)
        mask = jnp.asarray(lasso_path_masks(m.gram, m.zy, n_features))
        return _finish_jit(Z, Y, w, m, mask, alpha)
    return _fit(Z, Y, w, alpha, method, n_features)
