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
from ._linalg import cholesky_solve
from ._ridge import predict, r2_from_predictions, solve_ridge, weighted_moments
from ._selection import lasso_path_masks, select_features

__all__ = ["SurrogateFit", "coef_standard_errors", "fit_surrogates"]


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


def _finish(Z, Y, w, m, mask, alpha, prior=None):
    coef, intercept = solve_ridge(m, alpha, mask, prior)
    pred = predict(Z, coef, intercept)
    score = r2_from_predictions(Y, pred, w)
    return SurrogateFit(coef, intercept, score, pred[:, 0, :])


@partial(jax.jit, static_argnames=("method", "n_features"))
def _fit(Z, Y, w, alpha, method, n_features, prior=None):
    m = weighted_moments(Z, Y, w)
    mask = select_features(m, Z[:, 0, :], method, n_features)
    return _finish(Z, Y, w, m, mask, alpha, prior)


@jax.jit
def coef_standard_errors(Z, Y, w, coef, intercept, alpha):
    """Sandwich standard errors of the first label's surrogate coefficients.

    ``Var(w) ~ A^-1 (sum_i w_i^2 r_i^2 zc_i zc_i') A^-1`` with ``A`` the
    (masked) ridge system and ``r`` the residuals: a heteroscedasticity-robust
    estimate that does not assume the kernel weights are inverse variances.

    Returns
    -------
    se : array of shape (b, p)
        0 for features the surrogate does not use.
    """
    m = weighted_moments(Z, Y[..., :1], w)
    mask = (coef[:, 0, :] != 0).astype(Z.dtype)
    p = Z.shape[-1]
    eye = jnp.eye(p, dtype=Z.dtype)
    scale = jnp.trace(m.gram, axis1=1, axis2=2)[:, None, None] / p
    reg = jnp.maximum(alpha, 16 * jnp.finfo(Z.dtype).eps * scale)
    A = m.gram * mask[:, :, None] * mask[:, None, :] + eye * (reg * mask[:, None, :])
    A = A + eye * (1 - mask)[:, None, :]
    resid = Y[..., 0] - predict(Z, coef[:, :1], intercept[:, :1])[..., 0]
    Zc = (Z - m.z_mean[:, None, :]) * mask[:, None, :]
    meat = jnp.einsum("bn,bnp,bnq->bpq", (w * resid) ** 2, Zc, Zc)
    inv = jax.vmap(
        lambda e: cholesky_solve(A, jnp.broadcast_to(e, A.shape[:-1])), 0, -1
    )(eye)
    cov = inv @ meat @ inv
    return jnp.sqrt(jnp.maximum(jnp.diagonal(cov, axis1=1, axis2=2), 0)) * mask


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


def fit_surrogates(Z, Y, w, *, alpha, method, n_features, prior=None):
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
    prior : array of shape (b, L, p), default=None
        Coefficients the ridge shrinks toward (G-LIME); 0 when ``None``.

    Returns
    -------
    SurrogateFit
    """
    if method == "lasso_path":
        m = _moments(Z, Y, w)
        mask = jnp.asarray(lasso_path_masks(m.gram, m.zy, n_features))
        return _finish_jit(Z, Y, w, m, mask, alpha, prior)
    return _fit(Z, Y, w, alpha, method, n_features, prior)
