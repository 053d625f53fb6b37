"""Pairwise distances computed by a jitted JAX kernel.

How the work is split, and why (measurements in ``doc/performance.rst``):

* NumPy prepares the rows in the one copy that pads them: for the Euclidean
  distance it centres them on the mean of ``Y`` (distances do not change
  under translation, and small norms limit the cancellation in
  scikit-learn's expansion ``|x|^2 + |y|^2 - 2 x.y``) and computes their
  squared norms; for the cosine distance it scales them to unit norm. NaN or
  infinity anywhere shows in the norms, so the input check costs no pass of
  its own. The buffers are 64-byte aligned, which lets JAX use them without
  copying, and their rows are padded to ``_backend.bucket`` sizes, so that a
  new number of rows seldom recompiles the kernel.
* The kernel is one matrix product and an elementwise epilogue. XLA:CPU
  hands a product to YNNPACK together with the elementwise operations and
  reductions around it; with the norms computed inside (reductions over the
  inputs), that fused call ran two to four times slower than the product
  alone at 1000 x 784, while the epilogue alone adds almost nothing. Hence
  the norms from NumPy. (``jax.lax.optimization_barrier`` does not help:
  XLA:CPU removes barriers before fusing.)
* With ``Y=None`` (or ``Y is X``) the product is ``X @ X.T``, exactly
  symmetric as computed. With enough features for the product to dominate
  the cost, the rows are cut into ``k`` blocks and only the ``k (k + 1) / 2``
  block products on and above the diagonal are computed (the saving NumPy
  gets from BLAS ``syrk``); the others are their transposes. With few
  features the matrix is cheap to compute and costly to move, and one full
  product is faster.
* JAX arrays in, a JAX array out, on their device: the same preparation runs
  there (:func:`_prepare_device`, one jitted call), then the same kernel; no
  row or distance is copied to the host (only the finiteness check, one
  number, is read back).
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.utils import check_array

from .._engine._precision import x64_scope
from .._engine._shapes import bucket

__all__ = ["pairwise_distances", "row_distances"]

_METRICS = ("euclidean", "cosine")
_HIGHEST = jax.lax.Precision.HIGHEST

#: Symmetric products: fewest features, smallest row block, most blocks.
_SYMMETRIC_MIN_FEATURES, _MIN_BLOCK, _MAX_BLOCKS = 256, 128, 8
#: Alignment that lets XLA:CPU use a numpy buffer without copying it.
_ALIGN = 64


def _matmul_t(A, B):
    return jnp.matmul(A, B.T, precision=_HIGHEST)


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


@partial(jax.jit, static_argnames=("metric", "blocks"))
def _pairwise_kernel(X, Y, x_sq, y_sq, metric, blocks):
    """Distances ``(n, m)`` between prepared rows ``X (n, d)`` and ``Y (m, d)``.

    For ``"euclidean"`` the rows are centred and ``x_sq (n,)``, ``y_sq (m,)``
    are their squared norms; for ``"cosine"`` the rows have unit norm (or are
    zero) and the norms are not used. ``blocks > 0`` means ``Y`` is ``X``
    (``Y`` and ``y_sq`` are then ignored): the result is exactly symmetric
    with an exactly zero diagonal, and ``blocks > 1`` computes the product in
    ``blocks x blocks`` row blocks.
    """
    same = blocks > 0
    if same:
        G = _symmetric_gram(X, blocks)
        y_sq = x_sq
    else:
        G = _matmul_t(X, Y)
    if metric == "euclidean":
        D = jnp.sqrt(jnp.maximum(x_sq[:, None] + y_sq[None, :] - 2 * G, 0))
    else:
        D = jnp.clip(1 - G, 0, 2)
    if same:
        # A row's distance to itself is exactly zero, whatever the rounding.
        rows = jax.lax.broadcasted_iota(jnp.int32, D.shape, 0)
        cols = jax.lax.broadcasted_iota(jnp.int32, D.shape, 1)
        D = jnp.where(rows == cols, jnp.zeros((), D.dtype), D)
    return D


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


def _aligned_empty(n_rows, n_features, dtype):
    """An uninitialised C-ordered array whose data is 64-byte aligned."""
    nbytes = n_rows * n_features * dtype.itemsize
    raw = np.empty(nbytes + _ALIGN, dtype=np.uint8)
    start = -raw.ctypes.data % _ALIGN
    return raw[start : start + nbytes].view(dtype).reshape(n_rows, n_features)


def _prepare(A, n_rows, dtype, metric, centre=None):
    """Rows of ``A`` ready for the kernel, zero-padded to ``n_rows`` rows.

    Returns the rows, their squared norms and a ``check`` value. For
    ``"euclidean"`` the rows are ``A - centre``; for ``"cosine"`` they are
    scaled to unit norm (zero rows stay zero) and the squared norms are
    ``None``. ``check``, a sum of the norms, is finite exactly when ``A`` and
    ``centre`` are (barring overflow). One pass makes the copy, in ``dtype``,
    into a 64-byte aligned buffer that JAX uses without copying it again; the
    norms take another.
    """
    dtype = np.dtype(dtype)
    out = _aligned_empty(n_rows, A.shape[1], dtype)
    out[A.shape[0] :] = 0
    rows = out[: A.shape[0]]
    with np.errstate(all="ignore"):  # NaN and infinity are reported later
        if metric == "euclidean":
            np.subtract(A, centre.astype(dtype), out=rows, casting="unsafe")
            sq = np.einsum("ij,ij->i", out, out)
            return out, sq, np.sum(sq)
        norms = np.sqrt(np.einsum("ij,ij->i", A, A, dtype=dtype))
        scale = 1 / np.where(norms == 0, 1, norms)
        np.multiply(A, scale[:, None].astype(dtype), out=rows, casting="unsafe")
        return out, None, np.sum(norms)


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


def _check_input(A, name, ensure_all_finite=False):
    """Validate and convert an input (NaN and infinity show in the norms).

    scikit-learn names the argument only in its NaN/inf messages; shape
    errors get the name here (``"X: Expected 2D array, ..."``).
    """
    try:
        return check_array(
            A,
            dtype=[np.float64, np.float32],
            ensure_all_finite=ensure_all_finite,
            ensure_min_samples=1,
            ensure_min_features=1,
            input_name=name,
        )
    except ValueError as exc:
        message = str(exc)
        if name in message.split():
            raise
        raise ValueError(f"{name}: {message}") from exc


@partial(jax.jit, static_argnames=("n_rows", "metric", "dtype"))
def _prepare_device(A, centre, n_rows, metric, dtype):
    """:func:`_prepare` on the device: rows, squared norms (or None), check."""
    A = A.astype(dtype)
    if metric == "euclidean":
        R = A - centre.astype(dtype)
        sq = jnp.sum(R * R, axis=1)
        out, norms, check = R, jnp.pad(sq, (0, n_rows - A.shape[0])), jnp.sum(sq)
    else:
        norms = jnp.sqrt(jnp.sum(A * A, axis=1))
        out = A / jnp.where(norms == 0, 1, norms)[:, None]
        norms, check = None, jnp.sum(norms)
    return jnp.pad(out, ((0, n_rows - A.shape[0]), (0, 0))), norms, check


def _device_distances(X, Y, same, metric):
    """:func:`pairwise_distances` of JAX arrays, computed and left on their device."""
    with x64_scope():  # a float64 numpy array beside a JAX array stays float64
        X = jnp.asarray(X)
        Y = None if Y is None else jnp.asarray(Y)
    for name, A in (("X", X), ("Y", Y)):
        if A is not None and (A.ndim != 2 or 0 in A.shape):
            raise ValueError(
                f"{name} must be a non-empty 2-D array, got shape {A.shape}."
            )
    if not same and X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of features (columns); "
            f"got X with {X.shape[1]} and Y with {Y.shape[1]}."
        )
    with x64_scope():
        Yr = X if same else Y
        both32 = X.dtype == jnp.float32 and Yr.dtype == jnp.float32
        dtype = np.dtype(np.float32 if both32 else np.float64)
        centre = Yr.astype(jnp.float64).mean(axis=0) if metric == "euclidean" else None
        n, m = X.shape[0], Yr.shape[0]
        Xp, x_sq, check = _prepare_device(X, centre, bucket(n), metric, dtype)
        Yp = y_sq = None
        blocks = _symmetric_blocks(bucket(n), X.shape[1]) if same else 0
        if not same:
            Yp, y_sq, y_check = _prepare_device(Y, centre, bucket(m), metric, dtype)
            check = check + y_check
        if not np.isfinite(float(check)):
            bad = "X" if same or not np.isfinite(float(jnp.sum(X))) else "Y"
            raise ValueError(f"Input {bad} contains NaN or infinity.")
        D = _pairwise_kernel(Xp, Yp, x_sq, y_sq, metric, blocks)
        return D[:n, :m]


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
    X : array-like or jax.Array of shape (n_samples_X, n_features)
        Input rows. Must be finite. JAX arrays (of ``X`` or ``Y``) are
        computed on their device and the result stays there.
    Y : array-like of shape (n_samples_Y, n_features), default=None
        Second set of rows. ``None`` (or ``X`` itself, as in scikit-learn)
        means the distances between the rows of ``X``.
    metric : {"euclidean", "cosine"}, default="euclidean"
        The distance.

    Returns
    -------
    D : ndarray or jax.Array of shape (n_samples_X, n_samples_Y)
        ``D[i, j]`` is the distance between ``X[i]`` and ``Y[j]``: a JAX
        array on the inputs' device when ``X`` or ``Y`` is one, else a numpy
        array. The dtype is float32 when both inputs are float32 and float64
        otherwise, as in scikit-learn.

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
    if isinstance(X, jax.Array) or isinstance(Y, jax.Array):
        return _device_distances(X, None if same else Y, same, metric)
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
    centre = None
    if metric == "euclidean":
        # Centre both sets on the mean of Y (see the module docstring).
        with np.errstate(all="ignore"):  # NaN and infinity are reported below
            centre = Y.mean(axis=0, dtype=np.float64)
    # Pad rows to a bucket size so that new sizes seldom recompile the kernel.
    # Padding rows are zeros; their distances are sliced away below.
    n_pad = bucket(n)
    Xp, x_sq, check = _prepare(X, n_pad, dtype, metric, centre)
    if same:
        Yp, y_sq = None, None
        blocks = _symmetric_blocks(n_pad, X.shape[1])
    else:
        Yp, y_sq, y_check = _prepare(Y, bucket(m), dtype, metric, centre)
        check += y_check
        blocks = 0
    if not np.isfinite(check):
        # Some value is NaN or infinite (or the norms overflowed): let
        # scikit-learn's check say which, as sklearn.metrics would.
        _check_input(X, "X", ensure_all_finite=True)
        if not same:
            _check_input(Y, "Y", ensure_all_finite=True)
    with x64_scope():
        D = _pairwise_kernel(Xp, Yp, x_sq, y_sq, metric, blocks)
        # The one copy out of JAX's buffer: a writable, contiguous array.
        return np.array(np.asarray(D)[:n, :m], order="C")
