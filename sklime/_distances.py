"""Pairwise distances computed by a jitted JAX kernel."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.utils import check_array

from ._backend import bucket, pad_rows, x64_scope

__all__ = ["pairwise_distances", "row_distances"]

_METRICS = ("euclidean", "cosine")
_HIGHEST = jax.lax.Precision.HIGHEST


def _euclidean(X, Y):
    """Euclidean distances between the rows of ``X`` (n, d) and ``Y`` (m, d)."""
    # Distances do not change under translation; centring both sets on one
    # point keeps the norms small and limits cancellation in the expansion
    # ||x||^2 + ||y||^2 - 2 x.y (the same expansion scikit-learn uses).
    centre = jnp.mean(Y, axis=0)
    X = X - centre
    Y = Y - centre
    xx = jnp.sum(X * X, axis=1)[:, None]
    yy = jnp.sum(Y * Y, axis=1)[None, :]
    d2 = xx + yy - 2 * jnp.matmul(X, Y.T, precision=_HIGHEST)
    return jnp.sqrt(jnp.maximum(d2, 0))


def _normalize(X):
    norm = jnp.sqrt(jnp.sum(X * X, axis=1, keepdims=True))
    # Zero rows stay zero, as in sklearn.preprocessing.normalize.
    return X / jnp.where(norm == 0, 1, norm)


def _cosine(X, Y):
    """Cosine distances ``1 - cos(x, y)``, clipped to [0, 2]; zero rows give 1."""
    similarity = jnp.matmul(_normalize(X), _normalize(Y).T, precision=_HIGHEST)
    return jnp.clip(1 - similarity, 0, 2)


_KERNELS = {"euclidean": _euclidean, "cosine": _cosine}


@partial(jax.jit, static_argnames=("metric", "same"))
def _pairwise_kernel(X, Y, metric, same):
    D = _KERNELS[metric](X, Y)
    if same:
        # A row's distance to itself is exactly zero, whatever the rounding.
        n = min(D.shape)
        D = D.at[jnp.arange(n), jnp.arange(n)].set(0)
    return D


def row_distances(Z, metric="euclidean", feature_major=False):
    """Distance from every sample to the first sample of its instance.

    A jax.numpy function meant to be used inside other kernels.

    Parameters
    ----------
    Z : jax array of shape (..., n_samples, n_features)
        Samples; ``Z[..., 0, :]`` is the instance being explained. With
        ``feature_major=True`` the shape is ``(..., n_features, n_samples)``
        and the instance is ``Z[..., :, 0]``.
    metric : {"euclidean", "cosine"}
        Distance to use.
    feature_major : bool, default=False
        Layout of ``Z``.

    Returns
    -------
    distances : jax array of shape (..., n_samples)
        ``distances[..., 0] == 0``.
    """
    axis = -2 if feature_major else -1
    z0 = Z[..., :, :1] if feature_major else Z[..., :1, :]
    if metric == "euclidean":
        d = jnp.sqrt(jnp.sum((Z - z0) ** 2, axis=axis))
    elif metric == "cosine":
        similarity = jnp.sum(_normalize(Z, axis) * _normalize(z0, axis), axis)
        d = jnp.clip(1 - similarity, 0, 2)
    else:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}.")
    return d.at[..., 0].set(0)


def _normalize(Z, axis):
    norm = jnp.sqrt(jnp.sum(Z * Z, axis=axis, keepdims=True))
    return Z / jnp.where(norm == 0, 1, norm)


def _check_input(A, name):
    A = check_array(
        A,
        dtype=[np.float64, np.float32],
        ensure_all_finite=True,
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name=name,
    )
    return A


def pairwise_distances(X, Y=None, metric="euclidean"):
    """Compute the distance matrix between the rows of ``X`` and ``Y``.

    A drop-in replacement for :func:`sklearn.metrics.pairwise_distances` with
    the ``"euclidean"`` and ``"cosine"`` metrics, computed by a jitted JAX
    kernel (on the GPU when JAX has one). Results agree with scikit-learn
    to floating point tolerance: with ``Y=None`` the diagonal is exactly zero,
    no distance is negative, and a zero vector is at cosine distance 1 from
    every non-zero vector.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Input rows. Must be finite.
    Y : array-like of shape (n_samples_Y, n_features), default=None
        Second set of rows. ``None`` means ``Y = X``.
    metric : {"euclidean", "cosine"}, default="euclidean"
        The distance.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        ``D[i, j]`` is the distance between ``X[i]`` and ``Y[j]``. The dtype is
        float32 when both inputs are float32 and float64 otherwise, as in
        scikit-learn.

    See Also
    --------
    sklearn.metrics.pairwise_distances : The scikit-learn function this mirrors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import pairwise_distances
    >>> X = np.array([[0.0, 0.0], [3.0, 4.0]])
    >>> pairwise_distances(X)
    array([[0., 5.],
           [5., 0.]])
    >>> pairwise_distances(X, [[1.0, 0.0]], metric="cosine")
    array([[1. ],
           [0.4]])
    """
    if not isinstance(metric, str) or metric not in _METRICS:
        raise ValueError(
            f"metric must be one of {list(_METRICS)}, got {metric!r} instead."
        )
    X = _check_input(X, "X")
    same = Y is None
    if same:
        Y = X
    else:
        Y = _check_input(Y, "Y")
        if X.shape[1] != Y.shape[1]:
            raise ValueError(
                f"X and Y must have the same number of features (columns); "
                f"got X with {X.shape[1]} and Y with {Y.shape[1]}."
            )
    dtype = np.float32 if X.dtype == Y.dtype == np.float32 else np.float64
    n, m = X.shape[0], Y.shape[0]
    # Pad rows to a bucket size so that new sizes seldom recompile the kernel.
    # Padding rows are zeros; their distances are sliced away below.
    Xp = pad_rows(X.astype(dtype, copy=False), bucket(n))
    with x64_scope():
        if same:
            D = _pairwise_kernel(Xp, Xp, metric, True)
        else:
            Yp = pad_rows(Y.astype(dtype, copy=False), bucket(m))
            D = _pairwise_kernel(Xp, Yp, metric, False)
        D = np.asarray(D)[:n, :m]
    return np.ascontiguousarray(D)
