"""Batched weighted ridge regression in closed form (JAX).

For each of ``b`` instances, a ridge regression with intercept on ``n``
weighted samples of ``p`` interpretable features, as
``sklearn.linear_model.Ridge(alpha).fit(Z, y, sample_weight=w)`` computes it:

    minimise  sum_i w_i (y_i - z_i . beta - beta_0)^2 + alpha ||beta||^2.

The intercept is handled by centring on the weighted means; then
``beta = (Zc' W Zc + alpha I)^-1 Zc' W yc``. Everything is expressed through
the weighted, centred Gram matrix so that feature selection (sub-models on
subsets of the features) reuses it without touching the samples again.
"""

from numbers import Real
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._precision import x64_scope
from .._sampling._checks import _real_array
from ._linalg import cholesky_solve

__all__ = [
    "Moments",
    "masked_system",
    "r2_from_moments",
    "r2_from_predictions",
    "ridge_strength",
    "solve_ridge",
    "target_scale",
    "weighted_moments",
    "weighted_ridge",
]

_HIGHEST = jax.lax.Precision.HIGHEST
#: From this many features on, moments use the feature-major product.
_FEATURE_MAJOR_PRODUCT = 64


class Moments(NamedTuple):
    """Weighted sufficient statistics of a batch of regressions.

    Shapes: ``sw (b,)``, ``z_mean (b, p)``, ``y_mean (b, L)``, ``gram (b, p, p)``
    (weighted, centred ``Z'WZ``), ``zy (b, p, L)`` (weighted, centred ``Z'Wy``),
    ``syy (b, L)`` (weighted, centred sum of squares of ``y``).
    """

    sw: jax.Array
    z_mean: jax.Array
    y_mean: jax.Array
    gram: jax.Array
    zy: jax.Array
    syy: jax.Array


def target_scale(y):
    """A power of two per target near its largest magnitude.

    Dividing targets by it is exact (no rounding) and brings them into
    ``[-2, 2]``, so that their squares neither overflow (model outputs of
    ``1e200``, or ``1e20`` in float32) nor underflow. Ridge coefficients,
    intercepts and predictions are linear in the targets and scale back
    exactly; R^2 and feature selection do not change.

    Parameters
    ----------
    y : array of shape (b, n, L)

    Returns
    -------
    scale : array of shape (b, L)
        1 for an all-zero target.
    """
    m = jnp.max(jnp.abs(y), axis=1)
    _, e = jnp.frexp(m)
    s = jnp.ldexp(jnp.ones_like(m), e - 1)  # 2**(e-1) <= m < 2**e
    return jnp.where((m > 0) & (s > 0) & jnp.isfinite(s), s, 1)


def weighted_means(Z, y, w, feature_major=False):
    """``sum(w)``, weighted means of ``Z`` and ``y``, ``sqrt(w)`` and the
    centred, weighted targets ``(y - y_mean) * sqrt(w)``; shapes ``(b,)``,
    ``(b, p)``, ``(b, L)``, ``(b, n)``, ``(b, n, L)``."""
    zn = "bpn" if feature_major else "bnp"
    sw = jnp.sum(w, axis=1)
    z_mean = jnp.einsum(f"bn,{zn}->bp", w, Z, precision=_HIGHEST) / sw[:, None]
    y_mean = jnp.einsum("bn,bnl->bl", w, y, precision=_HIGHEST) / sw[:, None]
    sq = jnp.sqrt(w)
    return sw, z_mean, y_mean, sq, (y - y_mean[:, None, :]) * sq[:, :, None]


def weighted_moments(Z, y, w, feature_major=False):
    """Weighted means and centred Gram matrices.

    Parameters
    ----------
    Z : array of shape (b, n, p), or (b, p, n) when ``feature_major``
    y : array of shape (b, n, L)
    w : array of shape (b, n), non-negative, positive sum per row
    feature_major : bool, default=False
        Layout of ``Z``: samples-major ``(b, n, p)`` or feature-major
        ``(b, p, n)`` (each feature's samples contiguous).

    Returns
    -------
    Moments
    """
    sw, z_mean, y_mean, sq, yc = weighted_means(Z, y, w, feature_major)
    p = z_mean.shape[1]
    # One product of the centred, weighted [Z | y] with itself gives Z'WZ,
    # Z'Wy and y'Wy at once. Measured on the CPU (float64, 2 cores): up to
    # ~30 features the samples-major product is faster (8 x 5000 x 30: 1.8
    # against 2.8 ms); from ~100 on, the feature-major one, which contracts
    # each operand's contiguous axis, is twice as fast (2 x 1000 x 1000: 20
    # against 42 ms), transposing samples-major input first included.
    if p >= _FEATURE_MAJOR_PRODUCT:
        if not feature_major:
            Z = jnp.swapaxes(Z, 1, 2)
        A = (Z - z_mean[:, :, None]) * sq[:, None, :]
        A = jnp.concatenate([A, jnp.swapaxes(yc, 1, 2)], axis=1)  # (b, p + L, n)
        full = jnp.einsum("bpn,bqn->bpq", A, A, precision=_HIGHEST)
    else:
        if feature_major:
            Z = jnp.swapaxes(Z, 1, 2)
        A = jnp.concatenate([(Z - z_mean[:, None, :]) * sq[:, :, None], yc], axis=2)
        full = jnp.einsum("bnp,bnq->bpq", A, A, precision=_HIGHEST)
    gram, zy = full[:, :p, :p], full[:, :p, p:]
    syy = jnp.diagonal(full[:, p:, p:], axis1=1, axis2=2)
    return Moments(sw, z_mean, y_mean, gram, zy, syy)


def ridge_strength(alpha, diag):
    """``alpha`` raised to a tiny jitter relative to the mean of ``diag``; (b,).

    The jitter (``16 * eps`` times the mean diagonal of the Gram matrix,
    ``diag (b, p)``) keeps singular systems (collinear features, fewer
    samples than features) finite at ``alpha = 0``.
    """
    scale = jnp.maximum(jnp.mean(diag, axis=1), 1e-30)
    return jnp.maximum(alpha, 16 * jnp.finfo(diag.dtype).eps * scale)


def masked_system(gram, reg, mask):
    """The ridge system of the features in ``mask``, identity elsewhere.

    ``gram (..., p, p)``, ``mask (..., p)`` (0/1 floats), ``reg`` broadcastable
    to ``mask``: ``G`` restricted to the mask plus ``reg`` on its diagonal,
    and 1 on the diagonal of the other features, so that their (zero)
    right-hand sides give zero coefficients.
    """
    eye = jnp.eye(gram.shape[-1], dtype=gram.dtype)
    inside = gram * mask[..., :, None] * mask[..., None, :]
    return inside + eye * (reg * mask + 1 - mask)[..., None, :]


def solve_ridge(m, alpha, mask=None, prior=None):
    """Ridge coefficients from moments, optionally on a subset of features.

    With a ``prior`` ``w0`` the penalty is ``alpha * ||w - w0||^2`` (G-LIME's
    prior-regularised ridge, Li et al. 2023): the solution shrinks toward
    ``w0`` instead of 0, ``(Z'WZ + alpha I) w = Z'Wy + alpha w0``.

    Parameters
    ----------
    m : Moments
    alpha : float
        Ridge strength (``>= 0``). A strength below a tiny relative jitter
        (``16 * eps`` times the mean diagonal of the Gram matrix), 0 included,
        is raised to it, so that singular systems (collinear features, fewer
        samples than features) still give a finite least-squares solution.
    mask : bool array of shape (b, p) or (b, L, p), default=None
        Features in the model; the others get coefficient 0.
    prior : array of shape (b, L, p), default=None
        Prior coefficients ``w0`` (0 when ``None``).

    Returns
    -------
    coef : array of shape (b, L, p)
    intercept : array of shape (b, L)
    """
    b, p = m.z_mean.shape
    L = m.zy.shape[-1]
    gram = jnp.broadcast_to(m.gram[:, None], (b, L, p, p))
    rhs = jnp.swapaxes(m.zy, 1, 2)  # (b, L, p)
    if mask is None:
        mask = jnp.ones((b, L, p), bool)
    elif mask.ndim == 2:
        mask = jnp.broadcast_to(mask[:, None, :], (b, L, p))
    mf = mask.astype(gram.dtype)
    reg = ridge_strength(alpha, jnp.diagonal(m.gram, axis1=1, axis2=2))
    A = masked_system(gram, reg[:, None, None], mf)
    if prior is not None:
        rhs = rhs + jnp.maximum(alpha, 0) * prior
    coef = cholesky_solve(A, rhs * mf) * mf
    intercept = m.y_mean - jnp.sum(coef * m.z_mean[:, None, :], axis=-1)
    return coef, intercept


def r2_from_predictions(y, pred, w):
    """Weighted R^2 per column, with scikit-learn's conventions.

    ``y, pred`` of shape (b, n, L), ``w`` of shape (b, n). A constant target
    scores 1 when predicted exactly, else 0 (``r2_score``'s
    ``force_finite=True``).
    """
    sw = jnp.sum(w, axis=1)[:, None]
    y_mean = jnp.sum(w[..., None] * y, axis=1) / sw
    num = jnp.sum(w[..., None] * (y - pred) ** 2, axis=1)
    den = jnp.sum(w[..., None] * (y - y_mean[:, None, :]) ** 2, axis=1)
    return _r2(num, den)


def r2_from_moments(m, coef):
    """Weighted R^2 of fitted coefficients, from the moments alone.

    The residual sum of squares of ``coef`` (with its intercept
    ``y_mean - z_mean . coef``) is ``syy - 2 coef . zy + coef' gram coef``, so
    the score needs no pass over the samples. Same conventions as
    :func:`r2_from_predictions`; the two agree to rounding (relative to
    ``syy``).

    Parameters
    ----------
    m : Moments
    coef : array of shape (b, L, p)

    Returns
    -------
    r2 : array of shape (b, L)
    """
    zy = jnp.swapaxes(m.zy, 1, 2)  # (b, L, p)
    quad = jnp.einsum("blp,bpq,blq->bl", coef, m.gram, coef, precision=_HIGHEST)
    num = jnp.maximum(m.syy - 2 * jnp.sum(coef * zy, axis=-1) + quad, 0)
    return _r2(num, m.syy)


def _r2(num, den):
    """``1 - num / den`` with ``r2_score``'s conventions for zeros."""
    ok = (num != 0) & (den != 0)
    r2 = 1 - num / jnp.where(den != 0, den, 1)
    return jnp.where(ok, r2, jnp.where((num != 0) & (den == 0), 0.0, 1.0))


def predict(Z, coef, intercept, feature_major=False):
    """Surrogate predictions ``(b, n, L)`` for ``Z (b, n, p)`` (or ``(b, p, n)``)."""
    zn = "bpn" if feature_major else "bnp"
    return (
        jnp.einsum(f"{zn},blp->bnl", Z, coef, precision=_HIGHEST) + intercept[:, None]
    )


@jax.jit
def _weighted_ridge(Z, y, w, alpha):
    s = target_scale(y)
    y = y / s[:, None, :]
    m = weighted_moments(Z, y, w)
    coef, intercept = solve_ridge(m, alpha)
    score = r2_from_predictions(y, predict(Z, coef, intercept), w)
    return coef * s[..., None], intercept * s, score


def weighted_ridge(Z, y, sample_weight, alpha=1.0):
    """Fit a batch of weighted ridge regressions with intercept in closed form.

    Equivalent, row by row, to
    ``Ridge(alpha).fit(Z[i], y[i], sample_weight=w[i])`` and its
    ``score(Z[i], y[i], sample_weight=w[i])``.

    Parameters
    ----------
    Z : array-like of shape (b, n, p)
        Interpretable samples of each instance.
    y : array-like of shape (b, n) or (b, n, L)
        Targets (``L`` targets share ``Z`` and the weights).
    sample_weight : array-like of shape (b, n)
        Non-negative weights with a positive sum per instance.
    alpha : float, default=1.0
        Ridge strength.

    Returns
    -------
    coef : ndarray of shape (b, p) or (b, L, p)
    intercept : ndarray of shape (b,) or (b, L)
    score : ndarray of shape (b,) or (b, L)
        Weighted R^2 of each fit on its own samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import weighted_ridge
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(2, 50, 3))
    >>> y = Z @ np.array([1.0, -2.0, 0.5]) + 3.0
    >>> coef, intercept, score = weighted_ridge(Z, y, np.ones((2, 50)), alpha=1e-9)
    >>> np.round(coef[0], 6).tolist(), np.round(intercept, 6).tolist()
    ([1.0, -2.0, 0.5], [3.0, 3.0])
    """
    Z = _real_array(Z, "Z")
    dtype = np.float32 if Z.dtype == np.float32 else np.float64
    y = _real_array(y, "y").astype(dtype)
    w = _real_array(sample_weight, "sample_weight").astype(dtype)
    if Z.ndim != 3 or 0 in Z.shape[1:]:
        raise ValueError(
            f"Z must have shape (b, n, p) with n >= 1 samples and p >= 1 "
            f"features, got {Z.shape}."
        )
    if (
        isinstance(alpha, bool | np.bool_)
        or not isinstance(alpha, Real)
        or not 0 <= alpha < np.inf
    ):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
    single = y.ndim == 2
    if single:
        y = y[..., None]
    if y.shape[:2] != Z.shape[:2] or y.ndim != 3:
        raise ValueError(
            f"y must have shape (b, n) or (b, n, L) matching Z {Z.shape[:2]}, "
            f"got {y.shape}."
        )
    if w.shape != Z.shape[:2]:
        raise ValueError(f"sample_weight must have shape {Z.shape[:2]}, got {w.shape}.")
    for name, a in (("Z", Z), ("y", y), ("sample_weight", w)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} contains NaN or infinity.")
    if (w < 0).any() or not (w.sum(axis=1) > 0).all():
        raise ValueError("sample_weight must be non-negative with a positive sum.")
    with x64_scope():
        out = _weighted_ridge(Z.astype(dtype), y, w, dtype(alpha))
        coef, intercept, score = (np.asarray(a) for a in out)
    if not all(np.isfinite(a).all() for a in (coef, intercept, score)):
        raise ValueError(
            "weighted_ridge overflowed (NaN or infinity in the fit): Z or "
            f"sample_weight are too large for {np.dtype(dtype).name}; rescale them."
        )
    if single:
        return coef[:, 0], intercept[:, 0], score[:, 0]
    return coef, intercept, score
