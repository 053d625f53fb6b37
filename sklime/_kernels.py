"""Similarity kernels: distances to sample weights."""

import jax.numpy as jnp

__all__ = ["exponential_kernel"]


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
    scaled = d / jnp.asarray(kernel_width, d.dtype)
    return jnp.exp(-0.5 * scaled * scaled)
