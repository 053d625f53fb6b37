"""Plumbing of the public samplers: argument checks, keys and random words.

The public ``sample_*`` functions check their arguments here (numpy, before
any kernel runs, so that errors name the argument), run their kernel with
64-bit types enabled and return numpy arrays (:func:`_x64`). Their random
numbers are JAX's: one key per instance (:func:`_as_keys`), 32-bit words
per sampled value (:func:`random_words`), which the ``*_from_uniform``
kernels read as uniforms on the same ``2**-24`` grid as the explainers'
streams (:func:`sklime._sampling._random.as_uniform`).
"""

from functools import partial, wraps
from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._precision import FLOAT_DTYPES, x64_scope

__all__ = ["random_words"]


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


def random_words(keys, n_samples, n_features):
    """Random 32-bit words for samples ``1..n_samples-1`` of each instance.

    The ``*_from_uniform`` kernels read a word ``x`` as the uniform number
    ``(x >> 8) * 2**-24`` (:func:`sklime._sampling._random.as_uniform`), as
    they read the explainers' words (:func:`sklime._sampling._random.row_bits`).

    Parameters
    ----------
    keys : jax key array of shape (b,)
        One key per instance.
    n_samples : int
        Samples per instance, the instance included (it needs no word).
    n_features : int
        Values per sample.

    Returns
    -------
    words : jax array of shape (b, n_samples - 1, n_features), uint32
        Samples-major.

    Examples
    --------
    >>> import jax
    >>> words = random_words(jax.random.split(jax.random.key(0), 2), 5, 3)
    >>> words.shape, str(words.dtype)
    ((2, 4, 3), 'uint32')
    """
    keys = _as_keys(keys)
    draw = partial(jax.random.bits, shape=(n_samples - 1, n_features), dtype=jnp.uint32)
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


def _check_instances(keys, instances, n_samples):
    """The float instances (b, d), one key per instance, and ``n_samples``."""
    instances = _as_float(_check_rows(instances, "instances"))
    keys = _as_keys(keys, instances.shape[0])
    return keys, instances, _check_count(n_samples, "n_samples", 1)


def _check_frequencies(frequencies, shape, what="categories"):
    """A (d, K) table of frequencies for instances of ``shape`` (b, d)."""
    f = _real_array(frequencies, "frequencies")
    if f.ndim != 2 or f.shape[0] != shape[1]:
        raise ValueError(
            f"frequencies must have shape (n_features, n_{what}) with n_features "
            f"= instances.shape[1]; got {f.shape} for instances of shape {shape}."
        )
    return f


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
