"""Categories (and bins) by inverse CDF: tables, kernels, the public sampler.

Tables of per-category quantities have the category axis *first*,
``(K, ...)``, and the rest broadcasts against the uniform numbers: ``(K, d)``
for samples-major numbers ``(..., d)``, ``(K, d, 1)`` for the explainers'
feature-major ``(b, d, n)``. Both kernels are chains of compares and
selects over the ``K`` categories, which XLA fuses and vectorises along the
samples far better than a search or a gather on the CPU.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._checks import (
    _as_keys,
    _check_codes,
    _check_count,
    _check_frequencies,
    _check_rows,
    _with_first,
    _x64,
    random_words,
)
from ._random import as_uniform

__all__ = [
    "categorical_cdf",
    "categorical_from_uniform",
    "category_lookup",
    "sample_categorical",
]


def categorical_cdf(frequencies):
    """Cumulative distribution of every feature's categories (category first).

    Parameters
    ----------
    frequencies : array of shape (d, K)
        Frequency of category ``k`` of feature ``j`` (need not be normalised;
        pad features with fewer categories with zeros).

    Returns
    -------
    cdf : ndarray of shape (K, d), float64
        ``cdf[k, j]``: probability that feature ``j`` takes a category
        ``<= k``; exactly 1 from each feature's last non-empty category on.

    Examples
    --------
    >>> categorical_cdf([[1.0, 0.0, 3.0]]).ravel().tolist()
    [0.25, 0.25, 1.0]
    """
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
    return np.ascontiguousarray(cdf.T)


@jax.jit
def categorical_from_uniform(u, cdf):
    """Inverse-CDF draw of a category per uniform number.

    Category ``k`` is drawn where ``cdf[k - 1] <= u < cdf[k]``, hence with
    probability ``cdf[k] - cdf[k - 1]``.

    Parameters
    ----------
    u : array of float32 uniforms in [0, 1), or uint32 words
        Words are read as :func:`sklime._sampling._random.row_bits` words
        (``(x >> 8) * 2**-24``); floats are taken in float32.
    cdf : array of shape (K, ...)
        :func:`categorical_cdf` (in float32, as the uniforms); ``cdf[k]``
        broadcasts against ``u``. The last row (all ones) is not read.

    Returns
    -------
    codes : jax array, int32
        The broadcast shape of ``u`` and ``cdf[0]``.

    See Also
    --------
    category_lookup : A table's entry for each drawn category.
    binned_from_uniform : The bin and the value inside it from one number.

    Notes
    -----
    :class:`sklime.LimeExplainer` draws the category of every value (the bin
    of a discretized feature, the value of a categorical one) this way, from
    ``u = row_uniforms(base_seed(random_state), X, (d, n - 1))``
    (feature-major); see :func:`binned_from_uniform` and
    :func:`gaussian_from_uniform` for reproducing its samples.

    Examples
    --------
    >>> import numpy as np
    >>> cdf = categorical_cdf([[1.0, 0.0, 3.0]])  # (K, d) = (3, 1)
    >>> u = np.array([[0.1], [0.3], [0.9]], np.float32)  # (n, d)
    >>> categorical_from_uniform(u, cdf).ravel().tolist()
    [0, 2, 2]
    """
    u = as_uniform(jnp.asarray(u))
    cdf = jnp.asarray(cdf, jnp.float32)
    codes = jnp.zeros(jnp.broadcast_shapes(u.shape, cdf.shape[1:]), jnp.int32)
    for threshold in cdf[:-1]:
        codes = codes + (u >= threshold).astype(jnp.int32)
    return codes


@jax.jit
def category_lookup(table, codes):
    """Each code's entry of a per-category table: ``table[codes]``, elementwise.

    Parameters
    ----------
    table : array of shape (K, ...)
        ``table[k]`` broadcasts against ``codes``.
    codes : int array
        Categories in ``[0, K)``.

    Returns
    -------
    values : jax array
        The broadcast shape of ``codes`` and ``table[0]``, ``table``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[10.0, 20.0], [11.0, 21.0]])  # (K, d)
    >>> category_lookup(values, np.array([[1, 0], [0, 1]])).tolist()
    [[11.0, 20.0], [10.0, 21.0]]
    """
    table = jnp.asarray(table)
    out = jnp.broadcast_to(table[0], jnp.broadcast_shapes(codes.shape, table.shape[1:]))
    for k in range(1, table.shape[0]):
        out = jnp.where(codes == k, table[k], out)
    return out


@_x64
def sample_categorical(keys, instances, frequencies, n_samples):
    """Categorical values drawn independently per feature by their frequencies.

    ``lime``'s sampler for categorical features (and, through bins, for
    discretized ones). Each value is :func:`categorical_from_uniform` of one
    uniform number drawn with the instance's key, the kernel
    :class:`sklime.LimeExplainer` uses on its own streams.

    Parameters
    ----------
    keys : jax key array of shape (b,)
        One key per instance.
    instances : int array of shape (b, d)
        The instances' category codes (their first sample).
    frequencies : array of shape (d, K)
        Frequency of category ``k`` of feature ``j`` (need not be normalised;
        pad features with fewer categories with zeros).
    n_samples : int
        Samples per instance, the instance included.

    Returns
    -------
    codes : ndarray of shape (b, n_samples, d), int32
        The drawn categories; ``codes[:, 0]`` is ``instances``.

    See Also
    --------
    categorical_from_uniform : The kernel.

    Examples
    --------
    >>> import jax, numpy as np
    >>> from sklime import sample_categorical
    >>> keys = jax.random.split(jax.random.key(0), 1)
    >>> C = sample_categorical(keys, np.array([[2]]), np.array([[1.0, 0.0, 3.0]]), 4000)
    >>> bool(abs((C[0, 1:] == 2).mean() - 0.75) < 0.03), int((C == 1).sum())
    (True, 0)
    """
    rows = _check_rows(instances, "instances", integer=True)
    f = _check_frequencies(frequencies, rows.shape)
    cdf = jnp.asarray(categorical_cdf(f), jnp.float32)
    instances = _check_codes(rows, "instances", rows.shape, f.shape[1])
    keys = _as_keys(keys, instances.shape[0])
    n_samples = _check_count(n_samples, "n_samples", 1)
    return _sample_categorical(keys, jnp.asarray(instances), cdf, n_samples)


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_categorical(keys, instances, cdf, n_samples):
    u = random_words(keys, n_samples, instances.shape[1])
    return _with_first(instances, categorical_from_uniform(u, cdf))
