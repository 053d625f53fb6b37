"""Gaussian values from uniform numbers, and the public Gaussian sampler.

:func:`gaussian_from_uniform` is the continuous step of
:class:`sklime.LimeExplainer` (``discretizer=None``): the standard normal
quantile :func:`~sklime._sampling._ppf.ndtri32` of one uniform number per
value, scaled in the explainer's standardised units.
:func:`sample_gaussian` applies it to uniforms drawn with JAX keys.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._checks import (
    _check_instances,
    _check_param,
    _finite,
    _with_first,
    _x64,
    random_words,
)
from ._ppf import ndtri32
from ._random import as_uniform

__all__ = ["gaussian_from_uniform", "sample_gaussian"]


@jax.jit
def gaussian_from_uniform(u, mean=0.0, scale=1.0, shift=0.0, spread=1.0):
    """Normal values from uniform numbers (elementwise, broadcasting).

    Computes ``mean + scale * (shift + spread * ndtri32(u))``: in the
    standardised units ``z = (x - mean) / scale`` of ``lime``'s continuous
    sampler, ``z`` follows ``N(shift, spread**2)``. The quantile is
    evaluated in float32 (24 random bits) and cast to the parameters' dtype
    before the affine map.

    Parameters
    ----------
    u : array of float32 uniforms in [0, 1), or uint32 words
        Words are read as :func:`sklime._sampling._random.row_bits` words
        (``(x >> 8) * 2**-24``); floats are taken in float32.
    mean, scale : float or array, default=0.0 and 1.0
        The standardisation: training mean and standard deviation.
    shift : float or array, default=0.0
        Centre in standardised units: 0 (the training mean) or the
        instance's own ``(x - mean) / scale``
        (``sample_around_instance=True``).
    spread : float or array, default=1.0
        Standard deviation in standardised units.

    Returns
    -------
    x : jax array
        The broadcast shape of the arguments, in the parameters' dtype
        (at least float32).

    Notes
    -----
    :class:`sklime.LimeExplainer` with ``discretizer=None`` draws the
    continuous values of row ``x`` as ``gaussian_from_uniform(u, mean, scale,
    shift)`` from ``u = row_uniforms(base_seed(random_state), X, (d, n - 1))``
    (feature-major: ``u[i, j]`` holds the ``n - 1`` numbers of feature ``j``),
    with ``mean, scale`` its training standardisation and ``shift`` 0 (or
    ``(x - mean) / scale`` around the instance); sample 0 is the row itself.
    Categorical features draw from the same numbers with
    :func:`categorical_from_uniform`. The results are bit for bit the
    explainer's: the kernel is compiled (``jax.jit``), so its arithmetic is
    that of the explainer's compiled kernel, fused multiply-adds included.

    Examples
    --------
    >>> import numpy as np
    >>> x = gaussian_from_uniform(np.array([0.025, 0.5, 0.975], np.float32), 10.0, 2.0)
    >>> np.round(np.asarray(x), 3).tolist()
    [6.08, 10.0, 13.92]

    Reproducing the samples of a continuous explainer (its tables are held by
    its private ``_plan``):

    >>> import jax
    >>> from sklime import LimeExplainer, base_seed, row_uniforms
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> explainer = LimeExplainer(lambda A: A[:, 0], discretizer=None,
    ...                           n_samples=50, random_state=0).fit(X)
    >>> with jax.enable_x64(True):
    ...     tables = explainer._plan.device_tables(X.dtype)
    ...     u = row_uniforms(base_seed(0), X[:2], (3, 49))  # (rows, d, n - 1)
    ...     x = gaussian_from_uniform(u.transpose(0, 2, 1), tables["mean"],
    ...                               tables["scale"])
    >>> x = np.asarray(x)
    >>> X_model, Z = explainer._neighbourhood(X[:2])  # (rows, n, d)
    >>> bool((X_model[:, 1:] == x).all()), bool((X_model[:, 0] == X[:2]).all())
    (True, True)
    """
    dtype = jnp.result_type(mean, scale, shift, spread, jnp.float32)
    z = ndtri32(as_uniform(jnp.asarray(u))).astype(dtype)
    return mean + scale * (shift + spread * z)


@_x64
def sample_gaussian(keys, instances, n_samples, center=None, scale=1.0):
    """Gaussian samples around a centre, with a per-feature scale.

    ``lime``'s continuous sampler: ``center + scale * N(0, 1)`` per feature,
    where ``center`` is the training mean (or the instance, with
    ``sample_around_instance=True``). Each value is
    :func:`gaussian_from_uniform` of one uniform number drawn with the
    instance's key, the kernel :class:`sklime.LimeExplainer` uses on its own
    streams.

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
    samples : ndarray of shape (b, n_samples, d)
        Float32 for float32 ``instances``, else float64.

    See Also
    --------
    gaussian_from_uniform : The Gaussian step of the explainers' kernel (its
        example reproduces a continuous explainer's samples).

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
    keys, instances, n_samples = _check_instances(keys, instances, n_samples)
    shape, dtype = instances.shape, instances.dtype
    center = (
        instances if center is None else _check_param(center, "center", shape, dtype)
    )
    scale = _check_param(scale, "scale", shape, dtype, low=0)
    out = _sample_gaussian(keys, instances, n_samples, center, scale)
    return _finite(np.asarray(out), "center or scale")


@partial(jax.jit, static_argnames=("n_samples",))
def _sample_gaussian(keys, instances, n_samples, center, scale):
    u = random_words(keys, n_samples, instances.shape[1])
    center = jnp.asarray(center, instances.dtype)[:, None, :]
    scale = jnp.asarray(scale, instances.dtype)[:, None, :]
    return _with_first(instances, gaussian_from_uniform(u, center, scale))
