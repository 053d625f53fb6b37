"""Samplers for the perturbation neighbourhoods of LIME (JAX, batched).

Every sampler draws, for a batch of ``b`` instances, ``n_samples`` perturbed
samples per instance and returns arrays of shape ``(b, n_samples, d)`` whose
first sample (``[:, 0]``) is the instance itself, as in ``lime``. The public
samplers take numpy (or JAX) arrays and return numpy arrays. Instance
``i`` is sampled with ``keys[i]`` alone (see :func:`sklime.row_keys`), so its
samples do not depend on the rest of the batch.

The samplers are thin wrappers around pure *transforms* that map uniform
numbers to samples (``*_from_uniform``); the explainer calls the transforms
directly so that it draws exactly one uniform number per sampled value.
"""

from functools import partial, wraps
from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import ndtri
from scipy.special import ndtr as _np_ndtr

from .._engine._precision import FLOAT_DTYPES, x64_scope

__all__ = [
    "apply_masks",
    "categorical_from_uniform",
    "sample_binned",
    "sample_categorical",
    "sample_gaussian",
    "sample_masks",
    "sample_truncated_normal",
    "truncnorm_from_uniform",
    "truncnorm_tables",
    "uniform_samples",
]


def _x64(func):
    """Public sampler: run with 64-bit types enabled, return numpy arrays."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with x64_scope():
            out = func(*args, **kwargs)
            return jax.tree_util.tree_map(np.asarray, out)

    return wrapper


def _as_keys(keys, n=None):
    """Accept a key array of shape (b,) or a single key (split into ``n``)."""
    if not jax.dtypes.issubdtype(jnp.asarray(keys).dtype, jax.dtypes.prng_key):
        keys = jnp.asarray(keys)
        if keys.dtype == jnp.uint32 and keys.shape[-1:] == (2,):
            keys = jax.random.wrap_key_data(keys)
        else:
            raise TypeError(
                "keys must be a JAX PRNG key array (see sklime.row_keys or "
                f"jax.random.key), got an array of dtype {keys.dtype}."
            )
    if keys.ndim == 0:
        keys = jax.random.split(keys, 1 if n is None else n)
    if keys.ndim != 1:
        raise ValueError(
            f"keys must be a single key or a 1-D array of keys, got shape {keys.shape}."
        )
    if n is not None and keys.shape[0] != n:
        raise ValueError(
            f"keys holds {keys.shape[0]} keys for {n} instances; pass one key per "
            "instance (or a single key, which is split)."
        )
    return keys


def uniform_samples(keys, n_samples, n_features, dtype=jnp.float32):
    """Uniform numbers in [0, 1) for samples ``1..n_samples-1`` of each instance.

    Parameters
    ----------
    keys : jax key array of shape (b,)
    n_samples, n_features : int
    dtype : float dtype

    Returns
    -------
    u : jax array of shape (b, n_samples - 1, n_features)
    """
    keys = _as_keys(keys)
    draw = partial(jax.random.uniform, shape=(n_samples - 1, n_features), dtype=dtype)
    return jax.vmap(draw)(keys)


def _as_float(a):
    """``a`` as a JAX array of a float dtype (non-float input becomes float64)."""
    a = jnp.asarray(a)
    if a.dtype not in FLOAT_DTYPES:
        a = a.astype(jnp.float64)
    return a


def _with_first(first, rest):
    """Stack ``first`` (b, d) in front of ``rest`` (b, n - 1, d)."""
    return jnp.concatenate([first[:, None, :].astype(rest.dtype), rest], axis=1)


# ----------------------------------------------------------------------------
# Argument checks of the public samplers (numpy, before any kernel runs)
# ----------------------------------------------------------------------------


def _check_count(value, name, minimum):
    """``value`` as an int ``>= minimum``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def _real_array(value, name):
    """``value`` as a numpy array of real numbers (bool, int or float)."""
    arr = np.asarray(value)
    if arr.dtype.kind in "biuf":
        return arr
    if arr.dtype.kind == "O":
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise TypeError(
        f"{name} must hold real numbers, got an array of dtype {arr.dtype}."
    )


def _check_rows(value, name, integer=False):
    """A 2-D array (b >= 1 rows) of finite numbers; integers if ``integer``."""
    arr = _real_array(value, name)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a 2-D array (n_instances, n_features) with at least "
            f"one row, got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    if integer and (arr != np.round(arr)).any():
        raise ValueError(f"{name} must hold integer codes.")
    return arr


def _check_codes(value, name, shape, n_codes):
    """Integer codes in ``[0, n_codes)`` per feature, of the given shape."""
    arr = _check_rows(value, name, integer=True)
    if arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}.")
    if (arr < 0).any() or (arr >= n_codes).any():
        raise ValueError(
            f"{name} must hold codes in [0, {n_codes - 1}] (one per category or bin)."
        )
    return arr.astype(np.int32)


def _check_param(value, name, shape, dtype, finite=True, low=None, high=None):
    """``value`` broadcast to ``shape`` in ``dtype``, checked; a numpy array."""
    arr = _real_array(value, name)
    try:
        arr = np.broadcast_to(arr, shape)
    except ValueError:
        raise ValueError(
            f"{name} of shape {arr.shape} does not broadcast to {shape}."
        ) from None
    with np.errstate(over="ignore"):
        arr = arr.astype(dtype)
    if np.isnan(arr).any() or (finite and not np.isfinite(arr).all()):
        kind = "finite" if finite else "free of NaN"
        raise ValueError(f"{name} must be {kind} (in {np.dtype(dtype).name}).")
    if low is not None and (arr < low).any():
        raise ValueError(
            f"{name} must be >= {low}" + ("." if high is None else f" and <= {high}.")
        )
    if high is not None and (arr > high).any():
        raise ValueError(f"{name} must be >= {low} and <= {high}.")
    return arr


def _check_bounds(lower, upper):
    """Every interval ``[lower, upper]`` must reach the finite numbers."""
    if (np.asarray(lower) == np.inf).any():
        raise ValueError("lower must be < inf (the interval holds no finite value).")
    if (np.asarray(upper) == -np.inf).any():
        raise ValueError("upper must be > -inf (the interval holds no finite value).")


def _finite(out, what):
    """Raise if a sampler's numpy output overflowed."""
    if not np.isfinite(out).all():
        raise ValueError(
            f"the samples overflow (NaN or infinity): {what} too large for "
            f"{out.dtype.name}."
        )
    return out


# ----------------------------------------------------------------------------
# Gaussian
# ----------------------------------------------------------------------------


@_x64
def sample_gaussian(keys, instances, n_samples, center=None, scale=1.0):
    """Gaussian samples around a centre, with a per-feature scale.

    ``lime``'s continuous sampler: ``center + scale * N(0, 1)`` per feature,
    where ``center`` is the training mean (or the instance, with
    ``sample_around_instance=True``).

    Parameters
    ----------
    keys : jax key array of shape (b,)
        One key per instance.
    instances : array of shape (b, d)
        The instances; each one is its own first sample.
    n_samples : int
        Samples per instance, the instance included.
    center : array of shape (d,) or (b, d), default=None
        Centre of the Gaussian; ``None`` means the instance.
    scale : float or array of shape (d,) or (b, d), default=1.0
        Standard deviation per feature (non-negative).

    Returns
    -------
    samples : jax array of shape (b, n_samples, d)
        float32 for float32 ``instances``, else float64.

    Examples
    --------
    >>> import jax, numpy as np
    >>> from sklime import sample_gaussian
    >>> keys = jax.random.split(jax.random.key(0), 2)
    >>> X = np.zeros((2, 3), dtype=np.float32)
    >>> S = sample_gaussian(keys, X, 1000, scale=np.array([1.0, 2.0, 3.0]))
    >>> S.shape, bool((S[:, 0] == 0).all())
    ((2, 1000, 3), True)
    """
    instances = _as_float(_check_rows(instances, "instances"))
    b, d = instances.shape
    keys = _as_keys(keys, b)
    n_samples = _check_count(n_samples, "n_samples", 1)
    dtype = instances.dtype
    center = (
        instances if center is None else _check_param(center, "center", (b, d), dtype)
    )
    scale = _check_param(scale, "scale", (b, d), dtype, low=0)
    out = _sample_gaussian(keys, instances, n_samples, center, scale)
    return _finite(np.asarray(out), "center or scale")


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_gaussian(keys, instances, n_samples, center, scale):
    b, d = instances.shape
    z = jax.vmap(lambda k: jax.random.normal(k, (n_samples - 1, d), instances.dtype))(
        keys
    )
    center = jnp.asarray(center, instances.dtype)[:, None, :]
    scale = jnp.asarray(scale, instances.dtype)[:, None, :]
    return _with_first(instances, center + scale * z)


# ----------------------------------------------------------------------------
# Binary masks
# ----------------------------------------------------------------------------


@_x64
def sample_masks(keys, n_samples, n_features, p=0.5, dtype=jnp.float32):
    """Binary masks: each feature is on (1) with probability ``p``.

    The first mask of each instance is all ones (the instance itself).

    Parameters
    ----------
    keys : jax key array of shape (b,)
    n_samples : int
        Masks per instance.
    n_features : int
        Interpretable features (columns, groups or superpixels).
    p : float or array of shape (n_features,) or (b, n_features), default=0.5
        Probability that a feature is kept.
    dtype : dtype, default=float32

    Returns
    -------
    masks : jax array of shape (b, n_samples, n_features), values 0 or 1

    Examples
    --------
    >>> import jax
    >>> from sklime import sample_masks
    >>> M = sample_masks(jax.random.split(jax.random.key(0), 3), 2000, 4, p=0.25)
    >>> M.shape, float(M[:, 0].min())
    ((3, 2000, 4), 1.0)
    """
    keys = _as_keys(keys)
    n_samples = _check_count(n_samples, "n_samples", 1)
    n_features = _check_count(n_features, "n_features", 0)
    p = _check_param(p, "p", (keys.shape[0], n_features), np.float32, low=0, high=1)
    return _sample_masks(keys, n_samples, n_features, p, dtype)


@partial(jax.jit, static_argnames=("n_samples", "n_features", "dtype"))
def _sample_masks(keys, n_samples, n_features, p, dtype):
    u = uniform_samples(keys, n_samples, n_features)
    rest = (u < p[:, None, :]).astype(dtype)
    return _with_first(jnp.ones((keys.shape[0], n_features), dtype), rest)


@_x64
def apply_masks(masks, instances, baseline):
    """Map binary masks to model inputs: ``mask * x + (1 - mask) * baseline``.

    Parameters
    ----------
    masks : array of shape (b, n, d)
        1 keeps the instance's value, 0 takes the baseline's; values in
        between interpolate.
    instances : array of shape (b, d)
    baseline : scalar or array of shape (d,) or (b, d)

    Returns
    -------
    samples : jax array of shape (b, n, d)
        float32 for float32 ``instances``, else float64.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import apply_masks
    >>> m = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> apply_masks(m, np.array([[5.0, 7.0]]), 0.0).tolist()
    [[[5.0, 0.0], [0.0, 7.0]]]
    """
    instances = _as_float(_check_rows(instances, "instances"))
    b, d = instances.shape
    dtype = instances.dtype
    m = _real_array(masks, "masks")
    if m.ndim != 3 or m.shape[0] != b or m.shape[2] != d:
        raise ValueError(
            f"masks must have shape (b, n_samples, d) = ({b}, n_samples, {d}) for "
            f"instances of shape {(b, d)}, got {m.shape}."
        )
    if not np.isfinite(m).all() or (m < 0).any() or (m > 1).any():
        raise ValueError("masks must hold values in [0, 1] (1 keeps the instance).")
    baseline = _check_param(baseline, "baseline", (b, d), dtype)
    out = _apply_masks(jnp.asarray(m, dtype), instances, jnp.asarray(baseline))
    return _finite(np.asarray(out), "instances or baseline")


@jax.jit
def _apply_masks(masks, instances, baseline):
    return masks * instances[:, None, :] + (1 - masks) * baseline[:, None, :]


# ----------------------------------------------------------------------------
# Categorical values and bins
# ----------------------------------------------------------------------------


def _cdf_table(frequencies, dtype):
    """Cumulative distribution per feature, exact 1 from the last non-empty bin."""
    f = np.asarray(frequencies, dtype=np.float64)
    if f.ndim != 2:
        raise ValueError(
            f"frequencies must be 2-D (n_features, n_categories), got shape {f.shape}."
        )
    if not np.isfinite(f).all() or (f < 0).any() or (f.sum(axis=1) <= 0).any():
        raise ValueError(
            "frequencies must be finite, non-negative, with a positive sum per feature."
        )
    cdf = np.cumsum(f, axis=1) / f.sum(axis=1, keepdims=True)
    last = f.shape[1] - 1 - np.argmax(f[:, ::-1] > 0, axis=1)
    cdf[np.arange(f.shape[1])[None, :] >= last[:, None]] = 1.0
    return jnp.asarray(cdf, dtype)


def categorical_from_uniform(u, cdf):
    """Inverse-CDF draw of a category per value, and the uniform left over.

    Parameters
    ----------
    u : jax array of shape (..., d), values in [0, 1)
    cdf : jax array of shape (d, K)
        Cumulative probabilities per feature; ``cdf[:, -1] == 1``.

    Returns
    -------
    codes : jax array of shape (..., d), int32
        Category ``k`` is drawn with probability ``cdf[k] - cdf[k - 1]``.
    residual : jax array of shape (..., d)
        ``(u - cdf[k - 1]) / (cdf[k] - cdf[k - 1])``: uniform on [0, 1] and
        independent of ``k``, so it can drive a second draw (the value inside
        the bin) without new random numbers.
    """
    K = cdf.shape[1]
    if K <= 16:
        codes = jnp.zeros(u.shape, jnp.int32)
        for k in range(K - 1):
            codes = codes + (u >= cdf[:, k]).astype(jnp.int32)
    else:
        codes = jax.vmap(
            lambda c, x: jnp.searchsorted(c[: K - 1], x, side="right"),
            in_axes=(0, -1),
            out_axes=-1,
        )(cdf, u).astype(jnp.int32)
    lower = jnp.concatenate([jnp.zeros((cdf.shape[0], 1), cdf.dtype), cdf[:, :-1]], 1)
    width = cdf - lower
    inv_width = jnp.where(width > 0, 1 / jnp.where(width > 0, width, 1), 0)
    lo = _gather(lower, codes)
    residual = jnp.clip((u - lo) * _gather(inv_width, codes), 0, 1)
    return codes, residual


def _gather(table, codes):
    """``table[j, codes[..., j]]`` for a (d, K) table and (..., d) codes.

    Few categories use a chain of selects, which XLA fuses and vectorises
    on the CPU far better than a gather.
    """
    d, K = table.shape
    if K <= 16:
        out = jnp.broadcast_to(table[:, 0], codes.shape)
        for k in range(1, K):
            out = jnp.where(codes == k, table[:, k], out)
        return out
    return table[jnp.arange(d), codes]


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_categorical(keys, instances, cdf, n_samples):
    u = uniform_samples(keys, n_samples, instances.shape[1])
    codes, _ = categorical_from_uniform(u, cdf)
    return _with_first(instances, codes)


@_x64
def sample_categorical(keys, instances, frequencies, n_samples):
    """Categorical values drawn independently per feature by their frequencies.

    ``lime``'s sampler for categorical features (and, through bins, for
    discretized ones).

    Parameters
    ----------
    keys : jax key array of shape (b,)
    instances : int array of shape (b, d)
        The instances' category codes (their first sample).
    frequencies : array of shape (d, K)
        Frequency of category ``k`` of feature ``j`` (need not be normalised;
        pad features with fewer categories with zeros).
    n_samples : int

    Returns
    -------
    codes : jax array of shape (b, n_samples, d), int32

    Examples
    --------
    >>> import jax, numpy as np
    >>> from sklime import sample_categorical
    >>> keys = jax.random.split(jax.random.key(0), 1)
    >>> C = sample_categorical(keys, np.array([[2]]), np.array([[1.0, 0.0, 3.0]]), 4000)
    >>> bool(abs((C[0, 1:] == 2).mean() - 0.75) < 0.03), int((C == 1).sum())
    (True, 0)
    """
    f = _real_array(frequencies, "frequencies")
    rows = _check_rows(instances, "instances", integer=True)
    d = rows.shape[1]
    if f.ndim != 2 or f.shape[0] != d:
        raise ValueError(
            f"frequencies must have shape (n_features, n_categories) with "
            f"n_features = instances.shape[1]; got {f.shape} for instances of "
            f"shape {rows.shape}."
        )
    cdf = _cdf_table(f, jnp.float32)
    instances = _check_codes(rows, "instances", rows.shape, f.shape[1])
    keys = _as_keys(keys, instances.shape[0])
    n_samples = _check_count(n_samples, "n_samples", 1)
    return _sample_categorical(keys, jnp.asarray(instances), cdf, n_samples)


# ----------------------------------------------------------------------------
# Truncated normal inside bins
# ----------------------------------------------------------------------------


def truncnorm_tables(mean, std, lower, upper, dtype=np.float64):
    """Precompute what inverse-CDF sampling of truncated normals needs.

    For a normal ``N(mean, std)`` truncated to ``[lower, upper]`` the sampler
    evaluates ``mean + std * ndtri(Phi(a) + r * (Phi(b) - Phi(a)))`` with
    ``a, b`` the standardised bounds. Bounds in the upper tail are mirrored to
    the lower tail, where ``Phi`` keeps its relative precision. Degenerate
    cases (``std == 0``, ``lower == upper``, or no probability mass) return
    ``mean`` clipped to the bounds: never NaN, never a z-score.

    Parameters
    ----------
    mean, std, lower, upper : array-like, broadcastable to one shape

    Returns
    -------
    tables : dict of ndarrays
        ``mean`` (the location; clipped to the bounds where degenerate),
        ``std``, ``lower``, ``upper``, ``sign`` (+1 or -1, the mirroring),
        ``phi_a`` and ``dphi`` (the mass), ``degenerate`` (bool).
    """
    mean, std, lower, upper = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (mean, std, lower, upper))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (lower - mean) / std
        b = (upper - mean) / std
        # Mirror when the bin is mostly above the mean (a + b is NaN, hence
        # no mirroring, for a bin unbounded on both sides).
        sign = np.where(a + b > 0, -1.0, 1.0)
    lo = np.where(sign > 0, a, -b)
    hi = np.where(sign > 0, b, -a)
    phi_a = _np_ndtr(lo)
    dphi = _np_ndtr(hi) - phi_a
    degenerate = ~(std > 0) | ~(upper > lower) | ~(dphi > 0) | ~np.isfinite(dphi)
    phi_a = np.where(degenerate, 0.5, phi_a)
    dphi = np.where(degenerate, 0.0, dphi)
    # The location of the normal is its mean; only degenerate laws collapse
    # to the mean clipped to the bounds.
    centre = np.where(degenerate, np.clip(mean, lower, upper), mean)
    return {
        "mean": centre.astype(dtype),
        "std": np.where(degenerate, 0.0, std).astype(dtype),
        "lower": lower.astype(dtype),
        "upper": upper.astype(dtype),
        "sign": sign.astype(dtype),
        "phi_a": phi_a.astype(dtype),
        "dphi": dphi.astype(dtype),
        "degenerate": degenerate,
    }


def truncnorm_from_uniform(r, mean, std, lower, upper, sign, phi_a, dphi, degenerate):
    """Map uniforms ``r`` to truncated-normal values (elementwise, broadcasting).

    The parameters come from :func:`truncnorm_tables` (gathered per value).
    Results always lie in ``[lower, upper]``.
    """
    p = phi_a + r * dphi
    tiny = jnp.finfo(p.dtype).tiny
    z = ndtri(jnp.clip(p, tiny, 1 - jnp.finfo(p.dtype).epsneg))
    x = mean + std * sign * z
    return jnp.where(degenerate, mean, jnp.clip(x, lower, upper))


@_x64
def sample_truncated_normal(key, mean, std, lower, upper, shape=None, dtype=None):
    """Draw from normals truncated to ``[lower, upper]`` (elementwise).

    Parameters
    ----------
    key : jax key
    mean, std, lower, upper : array-like, broadcastable
        Parameters of each value's law. ``std == 0`` or ``lower == upper``
        give ``mean`` (clipped to the bounds).
    shape : tuple, default=None
        Output shape; by default the broadcast shape of the parameters.
    dtype : float dtype, default=None
        Defaults to the parameters' dtype: float32 when the array parameters
        are float32 (Python scalars do not count), else float64.

    Returns
    -------
    values : jax array of shape ``shape``

    Examples
    --------
    >>> import jax
    >>> from sklime import sample_truncated_normal
    >>> v = sample_truncated_normal(jax.random.key(0), 0.0, 1.0, 1.0, 2.0, (1000,))
    >>> bool((v >= 1).all() and (v <= 2).all())
    True
    """
    given = {"mean": mean, "std": std, "lower": lower, "upper": upper}
    arrays = {k: _real_array(v, k) for k, v in given.items()}
    if dtype is None:
        dtype = np.result_type(
            *(v if isinstance(v, int | float) else arrays[k] for k, v in given.items())
        )
        if dtype not in FLOAT_DTYPES:
            dtype = np.float64
    elif np.dtype(dtype) not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}.")
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()), shape or ())
    except ValueError:
        raise ValueError(
            f"shape {shape} and the parameters' shapes "
            f"{[a.shape for a in arrays.values()]} do not broadcast together."
        ) from None
    for k, a in arrays.items():  # mean and std finite; bounds may be infinite
        _check_param(a, k, shape, dtype, finite=k in ("mean", "std"))
    _check_bounds(arrays["lower"], arrays["upper"])
    t = truncnorm_tables(*arrays.values())
    r = jax.random.uniform(key, shape, dtype)
    params = {
        k: jnp.asarray(v, bool if k == "degenerate" else dtype) for k, v in t.items()
    }
    return _finite(np.asarray(_truncnorm_jit(r, **params)), "mean or std")


_truncnorm_jit = jax.jit(truncnorm_from_uniform)


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_binned(keys, instances, instance_bins, cdf, tables, n_samples):
    u = uniform_samples(keys, n_samples, instances.shape[1], instances.dtype)
    bins, r = categorical_from_uniform(u, cdf)
    params = {k: _gather(v, bins) for k, v in tables.items()}
    values = truncnorm_from_uniform(r, **params)
    return _with_first(instance_bins, bins), _with_first(instances, values)


@_x64
def sample_binned(
    keys, instances, instance_bins, frequencies, mean, std, lower, upper, n_samples
):
    """Draw bins by frequency, then a value inside each bin (``lime``'s sampler).

    Each value costs one uniform number: it picks the bin by inverse CDF,
    and its position inside the bin's probability interval (uniform and
    independent of the bin) drives the truncated-normal draw.

    Parameters
    ----------
    keys : jax key array of shape (b,)
    instances : float array of shape (b, d)
        The instances' values (their first sample).
    instance_bins : int array of shape (b, d)
        The instances' bins.
    frequencies : array of shape (d, K)
        Training frequency of each bin (zero-padded).
    mean, std, lower, upper : arrays of shape (d, K)
        Per bin: training mean and std, and the bin's bounds.
    n_samples : int

    Returns
    -------
    bins : jax array of shape (b, n_samples, d), int32
    values : jax array of shape (b, n_samples, d)
        float32 for float32 ``instances``, else float64.

    Examples
    --------
    >>> import jax, numpy as np
    >>> from sklime import sample_binned
    >>> keys = jax.random.split(jax.random.key(0), 1)
    >>> f = np.array([[1.0, 1.0]])
    >>> lo, hi = np.array([[0.0, 1.0]]), np.array([[1.0, 5.0]])
    >>> mu, sd = np.array([[0.5, 2.0]]), np.array([[0.3, 1.0]])
    >>> B, V = sample_binned(keys, np.array([[3.0]]), np.array([[1]]), f, mu, sd,
    ...                      lo, hi, 500)
    >>> bool(((V >= lo[0, B]) & (V <= hi[0, B])).all())
    True
    """
    instances = _as_float(_check_rows(instances, "instances"))
    dtype = instances.dtype
    b, d = instances.shape
    f = _real_array(frequencies, "frequencies")
    if f.ndim != 2 or f.shape[0] != d:
        raise ValueError(
            f"frequencies must have shape (n_features, n_bins) with n_features = "
            f"instances.shape[1]; got {f.shape} for instances of shape {(b, d)}."
        )
    cdf = _cdf_table(f, dtype)
    params = {"mean": mean, "std": std, "lower": lower, "upper": upper}
    params = {
        k: _check_param(v, k, f.shape, np.float64, finite=k in ("mean", "std"))
        for k, v in params.items()
    }
    _check_bounds(params["lower"], params["upper"])
    tables = {
        k: jnp.asarray(v, bool if k == "degenerate" else dtype)
        for k, v in truncnorm_tables(*params.values()).items()
    }
    instance_bins = _check_codes(instance_bins, "instance_bins", (b, d), f.shape[1])
    keys = _as_keys(keys, b)
    n_samples = _check_count(n_samples, "n_samples", 1)
    bins, values = _sample_binned(
        keys, instances, jnp.asarray(instance_bins), cdf, tables, n_samples
    )
    return bins, _finite(np.asarray(values), "mean or std")
