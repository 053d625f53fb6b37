"""Similarity kernels: distances to sample weights."""

import jax.numpy as jnp
import numpy as np

__all__ = ["exponential_kernel", "unit_distance_weight"]


def exponential_kernel(distances, kernel_width):
    """LIME's exponential kernel, ``sqrt(exp(-d**2 / width**2))``.

    Evaluated as ``exp(-d**2 / (2 * width**2))``, which is the same function
    but does not underflow to zero as early.

    Parameters
    ----------
    distances : array-like
        Distances (any shape), e.g. from :func:`sklime.row_distances`.
    kernel_width : float or array-like broadcastable to ``distances``
        Width of the kernel, positive.

    Returns
    -------
    weights : jax array of the broadcast shape, values in (0, 1]

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import exponential_kernel
    >>> w = exponential_kernel(np.array([0.0, 1.0]), 1.0)
    >>> np.allclose(w, np.sqrt(np.exp(-np.array([0.0, 1.0]))))
    True
    """
    d = jnp.asarray(distances)
    if not jnp.issubdtype(d.dtype, jnp.floating):
        d = d.astype(jnp.result_type(float))
    # A width that rounds to 0 in the dtype (float32 below ~1e-45) gives
    # 0 / 0 at the instance itself: its distance is 0, so its weight is 1.
    scaled = jnp.where(d == 0, 0, d / jnp.asarray(kernel_width, d.dtype))
    return jnp.exp(-0.5 * scaled * scaled)


def unit_distance_weight(kernel_width):
    """The exponential kernel at distance 1, ``exp(-1 / (2 width**2))``.

    A Python float for any positive width, without overflow: 0 for widths
    below ~1e-154, 1 above ~1e154.

    Examples
    --------
    >>> unit_distance_weight(1e-300), unit_distance_weight(1e300)
    (0.0, 1.0)
    """
    with np.errstate(over="ignore", under="ignore"):
        inv2 = np.square(1.0 / np.float64(kernel_width))
    return float(np.exp(-0.5 * inv2))
