"""Fit LIME's local surrogates for a chunk of instances (JAX, batched).

From the interpretable samples ``Z (b, n, p)`` (first sample = instance) and
the black-box outputs ``Y (b, n, L)`` of the explained labels:

distances to the instance -> kernel weights -> the weighted design (primal
Gram or dual kernel, :mod:`sklime._surrogate._design`) -> feature selection (index
sets, :mod:`sklime._surrogate._selection`) -> ridge on the kept features (a ``k x k``
system) -> weighted R^2 and the prediction at the instance, from the
moments.
"""

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._rowwise import map_rows
from .._similarity._distances import row_distances
from .._similarity._kernels import exponential_kernel
from ._design import (
    complete_design,
    full_ridge,
    quadratic_form,
    sample_design,
    subset_ridge,
)
from ._linalg import cholesky_solve
from ._ridge import (
    _HIGHEST,
    _r2,
    masked_system,
    predict,
    ridge_strength,
    solve_ridge,
    target_scale,
    weighted_moments,
)
from ._selection import (
    indices_to_masks,
    lasso_path_masks,
    masks_to_indices,
    select_features,
)

__all__ = [
    "SurrogateFit",
    "coef_standard_errors",
    "fit_surrogates",
    "prepare_surrogates",
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
    return map_rows(lambda z: row_distances(z, metric, fm), Z)


@partial(jax.jit, static_argnames=("metric", "fm"))
def _kernel_weights(Z, width, metric, fm=False):
    def one(z):
        d = row_distances(z, metric, fm)
        # A distance that overflowed would weigh 0 and hide the overflow (the
        # surrogate of the instance alone); NaN makes the fit say so.
        return jnp.where(jnp.isfinite(d), exponential_kernel(d, width), jnp.nan)

    return map_rows(one, Z)


def _instances(Z, fm):
    """Interpretable representation of each instance, (b, p)."""
    return Z[:, :, 0] if fm else Z[:, 0, :]


def _scaled(Y, prior):
    """Targets (and prior) divided by :func:`~sklime._surrogate._ridge.target_scale`."""
    s = target_scale(Y)
    prior = None if prior is None else prior / s[..., None]
    return Y / s[:, None, :], prior, s


def _result(d, z0, coef, explained, quad, s):
    """Intercept, R^2 and local prediction of fitted (scaled) coefficients."""
    m = d.m
    score = _r2(jnp.maximum(m.syy - 2 * explained + quad, 0), m.syy)
    intercept = m.y_mean - jnp.sum(coef * m.z_mean[:, None, :], axis=-1)
    local = jnp.einsum("bp,blp->bl", z0, coef, precision=_HIGHEST) + intercept
    return SurrogateFit(coef * s[..., None], intercept * s, score, local * s)


def _full_result(d, z0, coef, s):
    """:func:`_result` of coefficients on all ``p`` features (b, L, p)."""
    explained = jnp.sum(coef * jnp.swapaxes(d.m.zy, 1, 2), axis=-1)
    return _result(d, z0, coef, explained, quadratic_form(d, coef), s)


def _finish_all(d, z0, alpha, prior, s):
    """Surrogates on every feature."""
    return _full_result(d, z0, full_ridge(d, alpha, prior), s)


def _finish_subset(d, z0, S, valid, alpha, prior, s):
    """Surrogates on the features ``S (b, L, k)`` (where ``valid``)."""
    coef_s, G = subset_ridge(d, alpha, S, valid, prior)
    zy_s = jnp.take_along_axis(jnp.swapaxes(d.m.zy, 1, 2), S, axis=2)
    explained = jnp.sum(coef_s * zy_s, axis=-1)
    quad = jnp.einsum("blk,blkj,blj->bl", coef_s, G, coef_s, precision=_HIGHEST)
    b, L, p = S.shape[0], S.shape[1], z0.shape[1]
    coef = jnp.zeros((b, L, p), coef_s.dtype)
    coef = coef.at[jnp.arange(b)[:, None, None], jnp.arange(L)[None, :, None], S].set(
        coef_s
    )
    return _result(d, z0, coef, explained, quad, s)


def _finish_masked(d, z0, S, valid, alpha, prior, s):
    """:func:`_finish_subset` for small ``p``: the masked ``p x p`` system.

    Below ``_SUBSET_MIN`` features, gathering ``G[S, S]`` and scattering the
    coefficients back cost more than solving the masked full system (8 rows
    x 5000 samples x 30 features, the whole highest-weights fit: 2.8 against
    2.1 ms).
    """
    coef, _ = solve_ridge(d.m, alpha, indices_to_masks(S, valid, z0.shape[-1]), prior)
    return _full_result(d, z0, coef, s)


#: From this many features on, the final fit gathers the kept features.
_SUBSET_MIN = 64


def _finish_selected(d, z0, S, valid, alpha, prior, s):
    """The final fit on selected features, in the cheaper of the two ways."""
    small = not d.dual and z0.shape[-1] < _SUBSET_MIN
    finish = _finish_masked if small else _finish_subset
    return finish(d, z0, S, valid, alpha, prior, s)


def _selects(method, n_features, p):
    """Whether ``method`` keeps fewer than all ``p`` features."""
    return method != "none" and n_features < p


@partial(jax.jit, static_argnames=("fm",))
def prepare_surrogates(Z, w, fm=False):
    """The samples' half of the surrogates' design, before the model runs.

    ``Z (b, n, p)`` (or ``(b, p, n)`` with ``fm``) and the kernel weights
    ``w (b, n)``, whose dtype the fit computes in; returns the
    :class:`~sklime._surrogate._design.SampleDesign` that
    :func:`fit_surrogates` takes as ``prepared``. Dispatched (JAX runs it
    asynchronously) before the black box is called, its product of the
    samples with themselves overlaps the model's own time.
    """
    return map_rows(lambda z, v: sample_design(z.astype(v.dtype), v, fm), Z, w)


@partial(jax.jit, static_argnames=("method", "n_features", "fm"))
def _fit(Z, Y, w, alpha, method, n_features, prior=None, fm=False, prepared=None):
    return map_rows(
        lambda *a: _fit_rows(*a, alpha, method, n_features, fm),
        Z,
        Y,
        w,
        prior,
        prepared,
    )


def _fit_rows(Z, Y, w, prior, prepared, alpha, method, n_features, fm):
    # The fit runs in the targets' (compute) dtype.
    d, z0, prior, s = _scaled_rows(Z, Y, w, prior, prepared, fm)
    if not _selects(method, n_features, z0.shape[-1]):
        return _finish_all(d, z0, alpha, prior, s)
    S = select_features(d, z0, method, n_features)
    return _finish_selected(d, z0, S, jnp.ones(S.shape, bool), alpha, prior, s)


@partial(jax.jit, static_argnames=("fm", "n_kept"))
def coef_standard_errors(Z, Y, w, coef, intercept, alpha, fm=False, n_kept=None):
    """Sandwich standard errors of the first label's surrogate coefficients.

    ``Var(w) ~ A^-1 (sum_i w_i^2 r_i^2 zc_i zc_i') A^-1`` with ``A`` the
    (masked) ridge system and ``r`` the residuals: a heteroscedasticity-robust
    estimate that does not assume the kernel weights are inverse variances.

    ``n_kept`` (static): the surrogates use at most this many features; the
    estimate then runs on those features' samples alone (``n_kept x n_kept``
    systems, not ``p x p``: wide data stays cheap).

    Returns
    -------
    se : array of shape (b, p)
        0 for features the surrogate does not use.
    """
    return map_rows(
        lambda *a: _standard_errors(*a, alpha, fm, n_kept), Z, Y, w, coef, intercept
    )


def _standard_errors(Z, Y, w, coef, intercept, alpha, fm, n_kept):
    p = coef.shape[-1]
    if n_kept is not None and n_kept < p:
        _, K = jax.lax.top_k((coef[:, 0] != 0).astype(jnp.int32), n_kept)  # (b, k)
        Zk = jnp.take_along_axis(
            Z, K[:, :, None] if fm else K[:, None, :], axis=1 if fm else 2
        )
        ck = jnp.take_along_axis(coef, K[:, None, :], axis=2)
        se = _standard_errors(Zk, Y, w, ck, intercept, alpha, fm, None)
        return (
            jnp.zeros(coef.shape[::2], se.dtype)
            .at[jnp.arange(coef.shape[0])[:, None], K]
            .set(se)
        )
    Z = Z.astype(Y.dtype)
    s = target_scale(Y[..., :1])  # (b, 1): scale-free sums of squares
    Y = Y[..., :1] / s[:, None]
    coef, intercept = coef[:, :1] / s[..., None], intercept[:, :1] / s
    m = weighted_moments(Z, Y, w, fm)
    mask = (coef[:, 0, :] != 0).astype(Z.dtype)
    eye = jnp.eye(coef.shape[-1], dtype=Z.dtype)
    reg = ridge_strength(alpha, jnp.diagonal(m.gram, axis1=1, axis2=2))
    A = masked_system(m.gram, reg[:, None], mask)
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


def _scaled_rows(Z, Y, w, prior=None, prepared=None, fm=False):
    Z = Z.astype(Y.dtype)
    Y, prior, s = _scaled(Y, prior)
    if prepared is None:
        prepared = sample_design(Z, w, fm)
    return complete_design(prepared, Z, Y, w, fm), _instances(Z, fm), prior, s


@partial(jax.jit, static_argnames=("fm",))
def _scaled_design(Z, Y, w, prior=None, prepared=None, fm=False):
    return map_rows(lambda *a: _scaled_rows(*a, fm=fm), Z, Y, w, prior, prepared)


@jax.jit
def _finish_selected_jit(d, z0, S, valid, alpha, prior, s):
    return map_rows(
        lambda d, z0, S, valid, prior, s: _finish_selected(
            d, z0, S, valid, alpha, prior, s
        ),
        d,
        z0,
        S,
        valid,
        prior,
        s,
    )


def _lasso_indices(d, n_features):
    """Index sets of ``lime``'s lasso-path selection, computed on the host."""
    masks = lasso_path_masks(
        None if d.dual else d.m.gram, d.m.zy, n_features, d.A, d.yc
    )
    return masks_to_indices(masks, n_features)


@partial(jax.jit, static_argnames=("method", "n_features"))
def _select(Z, Y, w, method, n_features):
    def rows(Z, Y, w):
        d, z0, _, _ = _scaled_rows(Z, Y, w)
        S = select_features(d, z0, method, n_features)
        return indices_to_masks(S, jnp.ones(S.shape, bool), z0.shape[-1])

    return map_rows(rows, Z, Y, w)


def selection_masks(Z, Y, w, *, method, n_features):
    """The features each surrogate keeps, as a numpy array ``(b, L, p)``.

    The feature selection of :func:`fit_surrogates` alone (jitted), for
    surrogates fitted elsewhere; ``Z`` is samples-major ``(b, n, p)``.
    """
    b, _, p = np.shape(Z)
    L = np.shape(Y)[-1]
    if not _selects(method, n_features, p):
        return np.ones((b, L, p), bool)
    if method == "lasso_path":
        d = _scaled_design(jnp.asarray(Z), Y, w)[0]
        S, valid = _lasso_indices(d, n_features)
        return np.asarray(indices_to_masks(S, valid, p))
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
    Z,
    Y,
    w,
    *,
    alpha,
    method,
    n_features,
    prior=None,
    feature_major=False,
    prepared=None,
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
        Resolved feature selection method (see :mod:`sklime._surrogate._selection`).
    n_features : int
        Features kept.
    prior : array of shape (b, L, p), default=None
        Coefficients the ridge shrinks toward (G-LIME); 0 when ``None``.
    feature_major : bool, default=False
        ``Z`` is ``(b, p, n)`` (each feature's samples contiguous).
    prepared : SampleDesign, default=None
        :func:`prepare_surrogates` of ``Z`` and ``w``, computed while the
        model ran; ``None`` computes it here (the same numbers).

    Returns
    -------
    SurrogateFit
    """
    fm = feature_major
    p = np.shape(Z)[1 if fm else 2]
    if method == "lasso_path" and _selects(method, n_features, p):
        d, z0, prior, s = _scaled_design(jnp.asarray(Z), Y, w, prior, prepared, fm=fm)
        S, valid = _lasso_indices(d, n_features)
        return _finish_selected_jit(d, z0, S, valid, alpha, prior, s)
    return _fit(Z, Y, w, alpha, method, n_features, prior, fm, prepared)
