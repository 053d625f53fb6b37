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
from ._ridge import (
    _HIGHEST,
    predict,
    r2_from_moments,
    solve_ridge,
    target_scale,
    weighted_moments,
)
from ._selection import lasso_path_masks, select_features

__all__ = [
    "SurrogateFit",
    "coef_standard_errors",
    "fit_surrogates",
    "selection_masks",
]


class SurrogateFit(NamedTuple):
    """Surrogates of a chunk: ``coef (b, L, p)``, ``intercept``, ``score`` and
    ``local_pred`` of shape ``(b, L)``."""

    coef: jax.Array
    intercept: jax.Array
    score: jax.Array
    local_pred: jax.Array


@partial(jax.jit, static_argnames=("metric", "fm"))
def _distances(Z, metric, fm=False):
    return row_distances(Z, metric, fm)


@partial(jax.jit, static_argnames=("metric", "fm"))
def _kernel_weights(Z, width, metric, fm=False):
    return exponential_kernel(row_distances(Z, metric, fm), width)


def _instances(Z, fm):
    """Interpretable representation of each instance, (b, p)."""
    return Z[:, :, 0] if fm else Z[:, 0, :]


def _scaled(Y, prior):
    """Targets (and prior) divided by :func:`~sklime._ridge.target_scale`."""
    s = target_scale(Y)
    prior = None if prior is None else prior / s[..., None]
    return Y / s[:, None, :], prior, s


def _finish(Z, Y, w, m, mask, alpha, prior, s, fm=False):
    """Ridge on scaled targets ``Y``; results scaled back by ``s``."""
    coef, intercept = solve_ridge(m, alpha, mask, prior)
    score = r2_from_moments(m, coef)
    z0 = _instances(Z, fm)
    local = jnp.einsum("bp,blp->bl", z0, coef, precision=_HIGHEST) + intercept
    return SurrogateFit(coef * s[..., None], intercept * s, score, local * s)


@partial(jax.jit, static_argnames=("method", "n_features", "fm"))
def _fit(Z, Y, w, alpha, method, n_features, prior=None, fm=False):
    Z = Z.astype(Y.dtype)  # the fit runs in the targets' (compute) dtype
    Y, prior, s = _scaled(Y, prior)
    m = weighted_moments(Z, Y, w, fm)
    mask = select_features(m, _instances(Z, fm), method, n_features)
    return _finish(Z, Y, w, m, mask, alpha, prior, s, fm)


@partial(jax.jit, static_argnames=("fm",))
def coef_standard_errors(Z, Y, w, coef, intercept, alpha, fm=False):
    """Sandwich standard errors of the first label's surrogate coefficients.

    ``Var(w) ~ A^-1 (sum_i w_i^2 r_i^2 zc_i zc_i') A^-1`` with ``A`` the
    (masked) ridge system and ``r`` the residuals: a heteroscedasticity-robust
    estimate that does not assume the kernel weights are inverse variances.

    Returns
    -------
    se : array of shape (b, p)
        0 for features the surrogate does not use.
    """
    Z = Z.astype(Y.dtype)
    s = target_scale(Y[..., :1])  # (b, 1): scale-free sums of squares
    Y = Y[..., :1] / s[:, None]
    coef, intercept = coef[:, :1] / s[..., None], intercept[:, :1] / s
    m = weighted_moments(Z, Y, w, fm)
    mask = (coef[:, 0, :] != 0).astype(Z.dtype)
    p = coef.shape[-1]
    eye = jnp.eye(p, dtype=Z.dtype)
    scale = jnp.trace(m.gram, axis1=1, axis2=2)[:, None, None] / p
    reg = jnp.maximum(alpha, 16 * jnp.finfo(Z.dtype).eps * scale)
    A = m.gram * mask[:, :, None] * mask[:, None, :] + eye * (reg * mask[:, None, :])
    A = A + eye * (1 - mask)[:, None, :]
    resid = Y[..., 0] - predict(Z, coef, intercept, fm)[..., 0]
    if fm:
        Zc = (Z - m.z_mean[:, :, None]) * mask[:, :, None]
        meat = jnp.einsum("bn,bpn,bqn->bpq", (w * resid) ** 2, Zc, Zc)
    else:
        Zc = (Z - m.z_mean[:, None, :]) * mask[:, None, :]
        meat = jnp.einsum("bn,bnp,bnq->bpq", (w * resid) ** 2, Zc, Zc)
    inv = jax.vmap(
        lambda e: cholesky_solve(A, jnp.broadcast_to(e, A.shape[:-1])), 0, -1
    )(eye)
    cov = inv @ meat @ inv
    se = jnp.sqrt(jnp.maximum(jnp.diagonal(cov, axis1=1, axis2=2), 0))
    return se * mask * s


@partial(jax.jit, static_argnames=("fm",))
def _scaled_moments(Z, Y, w, prior=None, fm=False):
    Y, prior, s = _scaled(Y, prior)
    return weighted_moments(Z, Y, w, fm), Y, prior, s


_finish_jit = jax.jit(_finish, static_argnames=("fm",))


@partial(jax.jit, static_argnames=("method", "n_features"))
def _select(Z, Y, w, method, n_features):
    Z = Z.astype(Y.dtype)
    Y, _, _ = _scaled(Y, None)
    return select_features(weighted_moments(Z, Y, w), Z[:, 0, :], method, n_features)


def selection_masks(Z, Y, w, *, method, n_features):
    """The features each surrogate keeps, as a numpy array ``(b, L, p)``.

    The feature selection of :func:`fit_surrogates` alone (jitted), for
    surrogates fitted elsewhere; ``Z`` is samples-major ``(b, n, p)``.
    """
    if method == "lasso_path":
        Z = jnp.asarray(Z).astype(jnp.asarray(Y).dtype)
        m = _scaled_moments(Z, Y, w)[0]
        return lasso_path_masks(m.gram, m.zy, n_features)
    return np.asarray(_select(Z, Y, w, method, n_features))


def sample_weights(
    Z, kernel_width, metric="euclidean", kernel=None, feature_major=False
):
    """Kernel weights ``(b, n)`` of the samples.

    ``kernel=None`` is the exponential kernel, computed in JAX; a callable
    ``kernel(distances, kernel_width)`` gets the distances as a numpy array of
    shape ``(b, n)`` and must return non-negative finite weights of that shape.
    ``feature_major`` says that ``Z`` is ``(b, p, n)`` instead of ``(b, n, p)``.
    """
    if kernel is None:
        return _kernel_weights(Z, kernel_width, metric, feature_major)
    d = np.asarray(_distances(Z, metric, feature_major))
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


def fit_surrogates(
    Z, Y, w, *, alpha, method, n_features, prior=None, feature_major=False
):
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
    feature_major : bool, default=False
        ``Z`` is ``(b, p, n)`` (each feature's samples contiguous).

    Returns
    -------
    SurrogateFit
    """
    fm = feature_major
    if method == "lasso_path":
        Z = jnp.asarray(Z).astype(jnp.asarray(Y).dtype)
        m, Y, prior, s = _scaled_moments(Z, Y, w, prior, fm=fm)
        mask = jnp.asarray(lasso_path_masks(m.gram, m.zy, n_features))
        return _finish_jit(Z, Y, w, m, mask, alpha, prior, s, fm=fm)
    return _fit(Z, Y, w, alpha, method, n_features, prior, fm)
