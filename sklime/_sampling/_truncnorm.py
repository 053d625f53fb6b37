"""Truncated normals by inverse CDF, as affine tables of one quantile.

A normal ``N(mean, std)`` truncated to ``[lower, upper]`` is sampled as
``clip(a + b * ndtri32(c + d * u), lower, upper)`` from a uniform ``u``:
``c, d`` place ``u`` in the law's probability interval
``[Phi(alpha), Phi(beta)]`` (``alpha, beta`` the standardised bounds),
``a, b`` map the standard normal quantile back. Every law, degenerate ones
included, is these six numbers, so the sampling kernel has no branches; a
bin chosen by the same ``u`` only changes ``c`` and ``d``
(:func:`sklime._sampling._binned.binned_tables`).
"""

import jax
import jax.numpy as jnp
import numpy as np
from scipy.special import ndtr as _np_ndtr

from .._engine._precision import FLOAT_DTYPES
from ._checks import _check_bounds, _check_param, _finite, _real_array, _x64
from ._ppf import ndtri32
from ._random import as_uniform

__all__ = ["sample_truncated_normal", "truncnorm_from_uniform", "truncnorm_tables"]


def truncnorm_tables(mean, std, lower, upper, dtype=np.float64):
    """The affine tables of truncated normals (see :func:`truncnorm_from_uniform`).

    For ``N(mean, std)`` truncated to ``[lower, upper]``, with ``alpha`` and
    ``beta`` the standardised bounds, ``c = Phi(alpha)``,
    ``d = Phi(beta) - Phi(alpha)``, ``a = mean`` and ``b = std``. Bounds in the
    upper tail are mirrored to the lower tail (``b = -std``, and ``c, d``
    those of the mirrored interval), where ``Phi`` keeps its relative
    precision. Degenerate laws (``std == 0``, ``lower == upper``, or no
    probability mass) get ``b = 0`` and ``a = mean`` clipped to the bounds:
    never NaN, never a z-score.

    Parameters
    ----------
    mean, std, lower, upper : array-like, broadcastable to one shape
        The laws; the bounds may be infinite.
    dtype : float dtype, default=float64
        Of the tables. Fold further tables (bins) in float64.

    Returns
    -------
    tables : dict of ndarray
        ``a``, ``b`` (location and signed scale of the quantile), ``c``,
        ``d`` (the probability interval), ``lower``, ``upper``; the
        broadcast shape of the parameters.

    Examples
    --------
    >>> t = truncnorm_tables([0.0, 0.0, 3.0], [1.0, 1.0, 0.0], [-1.0, 1.0, 0.0],
    ...                      [1.0, 2.0, 1.0])
    >>> t["b"].tolist(), t["a"].tolist()  # plain, mirrored, degenerate (std 0)
    ([1.0, -1.0, 0.0], [0.0, 0.0, 1.0])
    """
    mean, std, lower, upper = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (mean, std, lower, upper))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (lower - mean) / std
        beta = (upper - mean) / std
        # Mirror when the bin is mostly above the mean (alpha + beta is NaN,
        # hence no mirroring, for a bin unbounded on both sides).
        sign = np.where(alpha + beta > 0, -1.0, 1.0)
    lo = np.where(sign > 0, alpha, -beta)
    hi = np.where(sign > 0, beta, -alpha)
    phi_a = _np_ndtr(lo)
    dphi = _np_ndtr(hi) - phi_a
    degenerate = ~(std > 0) | ~(upper > lower) | ~(dphi > 0) | ~np.isfinite(dphi)
    # The location of the normal is its mean; only degenerate laws collapse
    # to the mean clipped to the bounds (b = 0 there).
    return {
        "a": np.where(degenerate, np.clip(mean, lower, upper), mean).astype(dtype),
        "b": (np.where(degenerate, 0.0, std) * sign).astype(dtype),
        "c": np.where(degenerate, 0.5, phi_a).astype(dtype),
        "d": np.where(degenerate, 0.0, dphi).astype(dtype),
        "lower": lower.astype(dtype),
        "upper": upper.astype(dtype),
    }


@jax.jit
def truncnorm_from_uniform(u, a, b, c, d, lower, upper):
    """Truncated-normal values from uniforms (elementwise, broadcasting).

    Computes ``clip(a + b * ndtri32(c + d * u), lower, upper)``: the
    probability ``c + d * u`` and its quantile in float32 (24 random bits),
    the quantile cast to the dtype of ``a, b`` for the affine map. Results
    always lie in ``[lower, upper]``.

    Parameters
    ----------
    u : array of float32 uniforms in [0, 1), or uint32 words
        Words are read as :func:`sklime._sampling._random.row_bits` words
        (``(x >> 8) * 2**-24``); floats are taken in float32.
    a, b, c, d, lower, upper : arrays
        :func:`truncnorm_tables` (or, per bin, ``binned_tables`` looked up
        with :func:`category_lookup`), broadcasting against ``u``.

    Returns
    -------
    values : jax array
        The broadcast shape, in the dtype of ``a, b`` (at least float32).

    See Also
    --------
    binned_from_uniform : The bin and the value inside it, from one number.

    Examples
    --------
    >>> import numpy as np
    >>> t = truncnorm_tables(0.0, 1.0, 1.0, 2.0)
    >>> v = truncnorm_from_uniform(np.linspace(0, 1, 5, dtype=np.float32), **t)
    >>> bool((v >= 1).all() and (v <= 2).all()), len(set(v.tolist()))
    (True, 5)
    """
    u = as_uniform(jnp.asarray(u))
    p = jnp.asarray(c, jnp.float32) + jnp.asarray(d, jnp.float32) * u
    z = ndtri32(p).astype(jnp.result_type(a, b, jnp.float32))
    return jnp.clip(a + b * z, lower, upper)


@_x64
def sample_truncated_normal(key, mean, std, lower, upper, shape=None, dtype=None):
    """Draw from normals truncated to ``[lower, upper]`` (elementwise).

    Each value is :func:`truncnorm_from_uniform` of one uniform number drawn
    with ``key``, the in-bin kernel of :class:`sklime.LimeExplainer`.

    Parameters
    ----------
    key : jax key
        The random key.
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
    values : ndarray of shape ``shape``
        In ``[lower, upper]``, in ``dtype``.

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
    tables = truncnorm_tables(*arrays.values(), dtype=dtype)
    u = jax.random.bits(key, shape, jnp.uint32)
    values = truncnorm_from_uniform(u, **{k: jnp.asarray(v) for k, v in tables.items()})
    return _finite(np.asarray(values), "mean or std")
