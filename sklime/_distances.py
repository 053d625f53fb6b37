"""Pairwise distances computed by a jitted JAX kernel.

How the kernel is laid out, and why (measurements in ``doc/performance.rst``):

* Both metrics reduce to one matrix product. For the Euclidean distance
  between two sets of rows the norms ride along inside it: with
  ``A = [-2 x, |x|^2, 1]`` and ``B = [y, 1, |y|^2]``, ``A @ B.T`` is the
  matrix of squared distances (scikit-learn's expansion
  ``|x|^2 + |y|^2 - 2 x.y``), and what follows the product is only
  ``sqrt(max(., 0))``.
* Keep the product bare. XLA:CPU hands a matrix product, with whatever
  elementwise work and reductions it can fuse around it, to YNNPACK; fused
  with the centring, the norms and the epilogue of scikit-learn's expansion
  it ran two to four times slower than the product alone (at 1000 x 784).
  The augmented operands (a concatenation) and the block assembly below are
  not fused into it, so the product stays bare and the epilogue is a separate
  elementwise pass. (``jax.lax.optimization_barrier`` does not help here:
  XLA:CPU removes barriers before fusion.)
* With ``Y=None`` (or ``Y is X``) the product is ``X @ X.T``, exactly
  symmetric as computed. With enough features for the product to dominate
  the cost, the rows are cut into ``k`` blocks and only the ``k (k + 1) / 2``
  block products on and above the diagonal are computed (the saving NumPy
  gets from BLAS ``syrk``); the others are their transposes. With few
  features the matrix is cheap to compute and costly to move, and one full
  product is faster.
* Inputs are copied once, into zero-padded 64-byte aligned buffers that JAX
  uses without a second copy; rows are padded to ``_backend.bucket`` sizes so
  that a new number of rows seldom recompiles the kernel.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.utils import check_array

from ._backend import bucket, x64_scope

__all__ = ["pairwise_distances", "row_distances"]

_METRICS = ("euclidean", "cosine")
_HIGHEST = jax.lax.Precision.HIGHEST

#: Symmetric products: fewest features, smallest row block, most blocks.
_SYMMETRIC_MIN_FEATURES, _MIN_BLOCK, _MAX_BLOCKS = 256, 128, 8
#: Alignment that lets XLA:CPU use a numpy buffer without copying it.
_ALIGN = 64


def _row_norms(X):
    return jnp.sqrt(jnp.sum(X * X, axis=1, keepdims=True))


def _normalize(X, norm):
    # Zero rows stay zero, as in sklearn.preprocessing.normalize.
    return X / jnp.where(norm == 0, 1, norm)


def _centre(X, Y, n_y):
    """Translate both sets by the mean of the first ``n_y`` rows of ``Y``.

    Distances do not change under translation; centring keeps the norms small
    and limits cancellation in the expansion ``|x|^2 + |y|^2 - 2 x.y``. The
    rows after ``n_y`` are zero padding (the sum ignores them).
    """
    centre = jnp.sum(Y, axis=0) / n_y.astype(Y.dtype)
    return X - centre, Y - centre


def _sum_rows(v, n_rows):
    """Sum of the first ``n_rows`` entries of ``v (n,)`` or ``v (n, 1)``."""
    v = v.reshape(-1)
    return jnp.sum(jnp.where(jnp.arange(v.shape[0]) < n_rows, v, 0))


def _matmul_t(A, B):
    return jnp.matmul(A, B.T, precision=_HIGHEST)


# The inputs are zero-padded: only their first ``n_x`` and ``n_y`` rows are
# data. Each function below also returns ``total``, a sum of the data rows'
# norms that is finite exactly when every input value is (barring overflow):
# the check for NaN and infinity comes with the kernel's own reductions.


def _euclidean_product(X, Y, n_x, n_y):
    """Squared distances ``(n, m)`` as one product of augmented operands."""
    X, Y = _centre(X, Y, n_y)
    xx = jnp.sum(X * X, axis=1, keepdims=True)
    yy = jnp.sum(Y * Y, axis=1, keepdims=True)
    A = jnp.concatenate([-2 * X, xx, jnp.ones_like(xx)], axis=1)
    B = jnp.concatenate([Y, jnp.ones_like(yy), yy], axis=1)
    return _matmul_t(A, B), _sum_rows(xx, n_x) + _sum_rows(yy, n_y)


def _cosine_product(X, Y, n_x, n_y):
    """Cosine similarities ``(n, m)``."""
    x_norm, y_norm = _row_norms(X), _row_norms(Y)
    S = _matmul_t(_normalize(X, x_norm), _normalize(Y, y_norm))
    return S, _sum_rows(x_norm, n_x) + _sum_rows(y_norm, n_y)


def _symmetric_gram(A, blocks):
    """``A @ A.T`` from the ``blocks (blocks + 1) / 2`` upper row-block products.

    The result is exactly symmetric (diagonal blocks are symmetrised; with one
    block, the product ``A @ A.T`` is symmetric as computed).
    """
    if blocks == 1:
        return _matmul_t(A, A)
    size = A.shape[0] // blocks
    parts = [A[i * size : (i + 1) * size] for i in range(blocks)]
    upper = {
        (i, j): _matmul_t(parts[i], parts[j])
        for i in range(blocks)
        for j in range(i, blocks)
    }
    rows = []
    for i in range(blocks):
        row = []
        for j in range(blocks):
            if i < j:
                row.append(upper[i, j])
            elif i > j:
                row.append(upper[j, i].T)
            else:
                row.append(0.5 * (upper[i, i] + upper[i, i].T))
        rows.append(jnp.concatenate(row, axis=1))
    return jnp.concatenate(rows, axis=0)


def _symmetric_distances(X, n_x, metric, blocks):
    """Distances between the rows of ``X``, and ``total``."""
    if metric == "euclidean":
        X, _ = _centre(X, X, n_x)
        sq = jnp.sum(X * X, axis=1)
        G = _symmetric_gram(X, blocks)
        D = jnp.sqrt(jnp.maximum(sq[:, None] + sq[None, :] - 2 * G, 0))
        return D, _sum_rows(sq, n_x)
    norm = _row_norms(X)
    G = _symmetric_gram(_normalize(X, norm), blocks)
    return jnp.clip(1 - G, 0, 2), _sum_rows(norm, n_x)


@partial(jax.jit, static_argnames=("metric", "blocks"))
def _pairwise_kernel(X, Y, n_x, n_y, metric, blocks):
    """Distances ``(n, m)`` of ``X (n, d)`` and ``Y (m, d)``, and ``total``.

    Rows past ``n_x`` of ``X`` and ``n_y`` of ``Y`` are zero padding.
    ``blocks > 0`` means ``Y`` is ``X`` (``Y`` and ``n_y`` are then ignored):
    the result is exactly symmetric with an exactly zero diagonal, and
    ``blocks > 1`` computes the product in ``blocks x blocks`` row blocks.
    ``total`` is finite when all data values are.
    """
    if blocks > 0:
        D, total = _symmetric_distances(X, n_x, metric, blocks)
        # A row's distance to itself is exactly zero, whatever the rounding.
        rows = jax.lax.broadcasted_iota(jnp.int32, D.shape, 0)
        cols = jax.lax.broadcasted_iota(jnp.int32, D.shape, 1)
        D = jnp.where(rows == cols, jnp.zeros((), D.dtype), D)
    elif metric == "euclidean":
        D2, total = _euclidean_product(X, Y, n_x, n_y)
        D = jnp.sqrt(jnp.maximum(D2, 0))
    else:
        S, total = _cosine_product(X, Y, n_x, n_y)
        D = jnp.clip(1 - S, 0, 2)
    return D, total


def _symmetric_blocks(n_rows, n_features):
    """Row blocks for the distances of ``n_rows`` rows to themselves.

    1 (one full product) when there are too few features for the product to
    dominate the cost, else the most blocks (a power of two, at most
    ``_MAX_BLOCKS``) of at least ``_MIN_BLOCK`` rows that divide ``n_rows``.
    """
    blocks = 1
    if n_features < _SYMMETRIC_MIN_FEATURES:
        return blocks
    while (
        blocks < _MAX_BLOCKS
        and n_rows % (2 * blocks) == 0
        and n_rows // (2 * blocks) >= _MIN_BLOCK
    ):
        blocks *= 2
    return blocks


def _padded(A, n_rows, dtype):
    """``A`` as ``dtype``, zero-padded to ``n_rows`` rows, 64-byte aligned.

    One copy does the cast and the padding (none if ``A`` already fits), and
    the alignment lets JAX use the buffer without copying it again.
    """
    dtype = np.dtype(dtype)
    if (
        A.shape[0] == n_rows
        and A.dtype == dtype
        and A.flags.c_contiguous
        and A.ctypes.data % _ALIGN == 0
    ):
        return A
    nbytes = n_rows * A.shape[1] * dtype.itemsize
    raw = np.empty(nbytes + _ALIGN, dtype=np.uint8)
    start = -raw.ctypes.data % _ALIGN
    out = raw[start : start + nbytes].view(dtype).reshape(n_rows, A.shape[1])
    out[: A.shape[0]] = A
    out[A.shape[0] :] = 0
    return out


def row_distances(Z, metric="euclidean"):
    """Distance from every sample to the first sample of its instance.

    A jax.numpy function meant to be used inside other kernels.

    Parameters
    ----------
    Z : jax array of shape (..., n_samples, n_features)
        Samples; ``Z[..., 0, :]`` is the instance being explained.
    metric : {"euclidean", "cosine"}
        Distance to use.

    Returns
    -------
    distances : jax array of shape (..., n_samples)
        ``distances[..., 0] == 0``.
    """
    z0 = Z[..., :1, :]
    if metric == "euclidean":
        d = jnp.sqrt(jnp.sum((Z - z0) ** 2, axis=-1))
    elif metric == "cosine":
        d = jnp.clip(1 - jnp.sum(_normalize_last(Z) * _normalize_last(z0), -1), 0, 2)
    else:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}.")
    return d.at[..., 0].set(0)


def _normalize_last(Z):
    norm = jnp.sqrt(jnp.sum(Z * Z, axis=-1, keepdims=True))
    return Z / jnp.where(norm == 0, 1, norm)


def _check_input(A, name, ensure_all_finite=False):
    """Validate and convert an input; NaN and infinity are found by the kernel."""
    return check_array(
        A,
        dtype=[np.float64, np.float32],
        ensure_all_finite=ensure_all_finite,
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name=name,
    )


def pairwise_distances(X, Y=None, metric="euclidean"):
    """Compute the distance matrix between the rows of ``X`` and ``Y``.

    A drop-in replacement for :func:`sklearn.metrics.pairwise_distances` with
    the ``"euclidean"`` and ``"cosine"`` metrics, computed by a jitted JAX
    kernel (on the GPU when JAX has one). Results agree with scikit-learn
    to floating point tolerance: with ``Y=None`` the result is exactly
    symmetric and its diagonal exactly zero, no distance is negative, and a
    zero vector is at cosine distance 1 from every non-zero vector.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Input rows. Must be finite.
    Y : array-like of shape (n_samples_Y, n_features), default=None
        Second set of rows. ``None`` (or ``X`` itself, as in scikit-learn)
        means the distances between the rows of ``X``.
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
    # Y=None and Y=X both mean one set of rows, as in scikit-learn.
    same = Y is None or Y is X
    X = _check_input(X, "X")
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
    n_pad = bucket(n)
    Xp = _padded(X, n_pad, dtype)
    with x64_scope():
        if same:
            blocks = _symmetric_blocks(n_pad, X.shape[1])
            D, total = _pairwise_kernel(Xp, Xp, n, n, metric, blocks)
        else:
            Yp = _padded(Y, bucket(m), dtype)
            D, total = _pairwise_kernel(Xp, Yp, n, m, metric, 0)
        if not np.isfinite(total):
            # Some value is NaN or infinite (or the norms overflowed): let
            # scikit-learn's check say which, as sklearn.metrics would.
            _check_input(X, "X", ensure_all_finite=True)
            if not same:
                _check_input(Y, "Y", ensure_all_finite=True)
        # The one copy out of JAX's buffer: a writable, contiguous array.
        return np.array(np.asarray(D)[:n, :m], order="C")
