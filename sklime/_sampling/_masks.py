"""Binary masks from uniform numbers, and what they give as model inputs.

:func:`masks_from_uniform` is the one Bernoulli draw of the explainers: the
feature groups of :class:`sklime.LimeExplainer` and the superpixels of
:class:`sklime.ImageExplainer` are on where their uniform number is below
the probability. :func:`sample_masks` applies it to uniforms drawn with JAX
keys; :func:`apply_masks` maps masks to model inputs.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._checks import (
    _as_float,
    _as_keys,
    _check_count,
    _check_param,
    _check_rows,
    _finite,
    _real_array,
    _with_first,
    _x64,
    random_words,
)
from ._random import as_uniform

__all__ = ["apply_masks", "masks_from_uniform", "sample_masks"]


@partial(jax.jit, static_argnames=("dtype",))
def masks_from_uniform(u, p=0.5, dtype=jnp.float32):
    """Bernoulli masks from uniform numbers: 1 where ``u < p``.

    Parameters
    ----------
    u : array of float32 uniforms in [0, 1), or uint32 words
        Words are read as :func:`sklime._sampling._random.row_bits` words
        (``(x >> 8) * 2**-24``); floats are taken in float32.
    p : float or array, default=0.5
        Probability that a feature is on (taken in float32); broadcasts
        against ``u``.
    dtype : dtype, default=float32
        Of the masks (``bool`` for boolean masks).

    Returns
    -------
    masks : jax array
        The broadcast shape of ``u`` and ``p``, values 0 and 1.

    Notes
    -----
    :class:`sklime.LimeExplainer` with ``feature_groups`` draws the masks of
    row ``x`` as ``masks_from_uniform(u, 0.5)`` (``1 / (1 + c)`` with
    ``sampler="glime"``, ``c = exp(-1 / (2 kernel_width_**2))``) from
    ``u = row_uniforms(base_seed(random_state), X, (n_groups, n - 1))``
    (group-major); sample 0 has every group on.

    Examples
    --------
    >>> import numpy as np
    >>> masks_from_uniform(np.array([0.1, 0.5, 0.9], np.float32)).tolist()
    [1.0, 0.0, 0.0]

    Reproducing the masks of an explainer with feature groups:

    >>> import jax
    >>> from sklime import LimeExplainer, base_seed, row_uniforms
    >>> X = np.random.default_rng(0).normal(size=(100, 4))
    >>> explainer = LimeExplainer(lambda A: A[:, 0], feature_groups=[0, 0, 1, 2],
    ...                           n_samples=50, random_state=0).fit(X)
    >>> u = row_uniforms(base_seed(0), X[:2], (3, 49))  # (rows, groups, n - 1)
    >>> masks = masks_from_uniform(u.transpose(0, 2, 1))
    >>> X_model, Z = explainer._neighbourhood(X[:2])  # Z: (rows, n, groups)
    >>> bool((Z[:, 1:] == masks).all()), bool((Z[:, 0] == 1).all())
    (True, True)
    """
    u = as_uniform(jnp.asarray(u))
    return (u < jnp.asarray(p, jnp.float32)).astype(dtype)


@_x64
def sample_masks(keys, n_samples, n_features, p=0.5, dtype=jnp.float32):
    """Binary masks: each feature is on (1) with probability ``p``.

    The first mask of each instance is all ones (the instance itself). Each
    value is :func:`masks_from_uniform` of one uniform number drawn with
    the instance's key, the kernel the explainers use on their own streams.

    Parameters
    ----------
    keys : jax key array of shape (b,)
        One key per instance.
    n_samples : int
        Masks per instance.
    n_features : int
        Interpretable features (columns, groups or superpixels).
    p : float or array of shape (n_features,) or (b, n_features), default=0.5
        Probability that a feature is kept.
    dtype : dtype, default=float32
        Of the masks.

    Returns
    -------
    masks : ndarray of shape (b, n_samples, n_features), values 0 or 1
        In ``dtype``; the first mask of each instance is all ones.

    See Also
    --------
    masks_from_uniform : The Bernoulli step; its example reproduces the masks
        of an explainer with feature groups.

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
    u = random_words(keys, n_samples, n_features)
    rest = masks_from_uniform(u, p[:, None, :], dtype)
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
        The instances.
    baseline : scalar or array of shape (d,) or (b, d)
        The values of the features that are off.

    Returns
    -------
    samples : ndarray of shape (b, n, d)
        Float32 for float32 ``instances``, else float64.

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
