"""A bin by frequency and a value inside it, from one uniform number.

``lime``'s discretized sampler draws a bin by its training frequency, then a
value from the bin's truncated normal. One uniform number ``u`` does both:
it picks bin ``k`` by inverse CDF (``cdf[k - 1] <= u < cdf[k]``), and its
position inside the bin's probability interval,
``r = (u - cdf[k - 1]) / (cdf[k] - cdf[k - 1])``, is uniform and independent
of ``k``, so it drives the in-bin draw. :func:`binned_tables` folds ``r``
into the truncated normal's affine tables, ``c_k + d_k * r`` becoming
``c'_k + d'_k * u``; the value is then :func:`truncnorm_from_uniform` of
``u`` itself with bin ``k``'s tables.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._categorical import categorical_cdf, categorical_from_uniform, category_lookup
from ._checks import (
    _check_bounds,
    _check_codes,
    _check_frequencies,
    _check_instances,
    _check_param,
    _finite,
    _with_first,
    _x64,
    random_words,
)
from ._truncnorm import truncnorm_from_uniform, truncnorm_tables

__all__ = ["binned_from_uniform", "binned_tables", "sample_binned"]

#: The per-bin tables that :func:`truncnorm_from_uniform` reads.
_IN_BIN = ("a", "b", "c", "d", "lower", "upper")


def binned_tables(frequencies, truncnorm, dtype=np.float64):
    """Tables of :func:`binned_from_uniform`: bin thresholds and in-bin laws.

    Parameters
    ----------
    frequencies : array of shape (d, K)
        Training frequency of each bin (zero-padded).
    truncnorm : dict of arrays of shape (d, K)
        Each bin's law, :func:`truncnorm_tables` in float64.
    dtype : float dtype, default=float64
        Of the values (``a``, ``b``, ``lower``, ``upper``); the thresholds
        ``cdf`` and the probability maps ``c``, ``d`` are float32, as the
        uniforms.

    Returns
    -------
    tables : dict of ndarray of shape (K, d), category axis first
        ``cdf`` (:func:`categorical_cdf`), and the in-bin tables ``a``,
        ``b``, ``c``, ``d``, ``lower``, ``upper`` with ``c``, ``d`` folded so
        that they map the bin-choosing uniform itself.

    Examples
    --------
    >>> t = binned_tables([[1.0, 3.0]], truncnorm_tables([[0.5, 2.0]], 1.0,
    ...                                                  [[0.0, 1.0]], [[1.0, 5.0]]))
    >>> sorted(t), t["cdf"].ravel().tolist()
    (['a', 'b', 'c', 'cdf', 'd', 'lower', 'upper'], [0.25, 1.0])
    """
    cdf = categorical_cdf(frequencies)
    start = np.concatenate([np.zeros((1, cdf.shape[1])), cdf[:-1]], axis=0)
    width = cdf - start
    mass = np.asarray(truncnorm["d"], np.float64).T
    inv = np.divide(mass, width, out=np.zeros_like(width), where=width > 0)
    c = np.asarray(truncnorm["c"], np.float64).T - start * inv
    tables = {k: np.asarray(truncnorm[k]).T.astype(dtype) for k in _IN_BIN}
    tables.update(
        cdf=cdf.astype(np.float32), c=c.astype(np.float32), d=inv.astype(np.float32)
    )
    return tables


@jax.jit
def binned_from_uniform(u, tables):
    """The bin of each uniform number, and the value inside it.

    Parameters
    ----------
    u : array of float32 uniforms in [0, 1), or uint32 words
        Words are read as :func:`sklime._sampling._random.row_bits` words
        (``(x >> 8) * 2**-24``); floats are taken in float32.
    tables : dict of arrays of shape (K, ...)
        :func:`binned_tables`; ``tables[name][k]`` broadcasts against ``u``.

    Returns
    -------
    bins : jax array, int32
        :func:`categorical_from_uniform` of ``u``.
    values : jax array
        :func:`truncnorm_from_uniform` of the same ``u`` with each bin's
        tables (:func:`category_lookup`), in the dtype of ``a, b``.

    Notes
    -----
    :class:`sklime.LimeExplainer` (discretized, the default) draws row
    ``x``'s samples from ``u = row_uniforms(base_seed(random_state), X,
    (d, n - 1))``, feature-major: ``u[i, j]`` holds the ``n - 1`` numbers of
    feature ``j`` of row ``i``. The bins and in-bin values are
    ``binned_from_uniform(u, tables)`` with its tables; a categorical
    feature takes ``category_lookup(values, bins)`` of its category values
    instead; sample 0 is the row itself, and the interpretable sample is
    ``bins == `` the row's own bins. The results are bit for bit the
    explainer's: the kernel is compiled (``jax.jit``), so its arithmetic is
    that of the explainer's compiled kernel, fused multiply-adds included.

    Examples
    --------
    Reproducing the samples of a discretized explainer (its tables are held
    by its private ``_plan``):

    >>> import jax, numpy as np
    >>> from sklime import LimeExplainer, base_seed, row_uniforms
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> explainer = LimeExplainer(lambda A: A[:, 0], n_samples=50,
    ...                           random_state=0).fit(X)
    >>> with jax.enable_x64(True):
    ...     tables = explainer._plan.device_tables(X.dtype)
    ...     u = row_uniforms(base_seed(0), X[:2], (3, 49))  # (rows, d, n - 1)
    ...     bins, values = binned_from_uniform(u.transpose(0, 2, 1), tables)
    >>> bins, values = np.asarray(bins), np.asarray(values)
    >>> X_model, Z = explainer._neighbourhood(X[:2])  # (rows, n, d)
    >>> own = explainer.discretizer_.transform(X[:2])[:, None, :]
    >>> bool((X_model[:, 1:] == values).all()), bool((Z[:, 1:] == (bins == own)).all())
    (True, True)
    """
    bins = categorical_from_uniform(u, tables["cdf"])
    params = {k: category_lookup(tables[k], bins) for k in _IN_BIN}
    return bins, truncnorm_from_uniform(u, **params)


@_x64
def sample_binned(
    keys, instances, instance_bins, frequencies, mean, std, lower, upper, n_samples
):
    """Draw bins by frequency, then a value inside each bin (``lime``'s sampler).

    One uniform number per value, drawn with the instance's key, gives both
    the bin and the value (:func:`binned_from_uniform`, as in
    :class:`sklime.LimeExplainer`).

    Parameters
    ----------
    keys : jax key array of shape (b,)
        One key per instance.
    instances : float array of shape (b, d)
        The instances' values (their first sample).
    instance_bins : int array of shape (b, d)
        The instances' bins.
    frequencies : array of shape (d, K)
        Training frequency of each bin (zero-padded).
    mean, std, lower, upper : arrays of shape (d, K)
        Per bin: training mean and std, and the bin's bounds.
    n_samples : int
        Samples per instance, the instance included.

    Returns
    -------
    bins : ndarray of shape (b, n_samples, d), int32
        The drawn bins; ``bins[:, 0]`` is ``instance_bins``.
    values : ndarray of shape (b, n_samples, d)
        The values inside them; ``values[:, 0]`` is ``instances``. Float32
        for float32 ``instances``, else float64.

    See Also
    --------
    binned_from_uniform : What maps each number to a bin and a value; its
        example reproduces the samples of a discretized explainer.

    Examples
    --------
    One feature with two bins, ``[0, 1]`` and ``(1, 5]``:

    >>> import jax, numpy as np
    >>> from sklime import sample_binned
    >>> keys = jax.random.key(0)[None]
    >>> f = np.array([[1.0, 1.0]])
    >>> lo, hi = np.array([[0.0, 1.0]]), np.array([[1.0, 5.0]])
    >>> mu, sd = np.array([[0.5, 2.0]]), np.array([[0.3, 1.0]])
    >>> B, V = sample_binned(keys, np.array([[3.0]]), np.array([[1]]), f, mu, sd,
    ...                      lo, hi, 500)
    >>> bool(((V >= lo[0, B]) & (V <= hi[0, B])).all())
    True
    """
    keys, instances, n_samples = _check_instances(keys, instances, n_samples)
    shape = instances.shape
    f = _check_frequencies(frequencies, shape, "bins")
    laws = {"mean": mean, "std": std, "lower": lower, "upper": upper}
    laws = {
        k: _check_param(v, k, f.shape, np.float64, finite=k in ("mean", "std"))
        for k, v in laws.items()
    }
    _check_bounds(laws["lower"], laws["upper"])
    tables = binned_tables(f, truncnorm_tables(*laws.values()), instances.dtype)
    instance_bins = _check_codes(instance_bins, "instance_bins", shape, f.shape[1])
    bins, values = _sample_binned(
        keys,
        instances,
        jnp.asarray(instance_bins),
        {k: jnp.asarray(v) for k, v in tables.items()},
        n_samples,
    )
    return bins, _finite(np.asarray(values), "mean or std")


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_binned(keys, instances, instance_bins, tables, n_samples):
    u = random_words(keys, n_samples, instances.shape[1])
    bins, values = binned_from_uniform(u, tables)
    return _with_first(instance_bins, bins), _with_first(instances, values)
