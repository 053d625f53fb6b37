"""Latin hypercube sampling along the samples axis.

``lime``'s ``sampling_method="lhs"`` draws its Gaussian features through
pyDOE's classic Latin hypercube: the ``m`` samples of each feature fall one
in each of the ``m`` equal strata of ``[0, 1)``, in a random order, before
the inverse normal CDF. Here the same law is built from the engine's own
per-row uniforms (pyDOE is not a dependency, and its draws would not follow
a row's stream): the ranks of one uniform per sample give the random order,
a second uniform the position inside the stratum.
"""

import jax.numpy as jnp

from ._random import as_uniform

__all__ = ["latin_hypercube"]


def latin_hypercube(order, offset):
    """Stratified uniforms: ``(rank(order) + offset) / m`` along the last axis.

    Parameters
    ----------
    order, offset : array (..., m)
        Independent uniforms (float32, or :func:`~sklime._sampling._random.row_bits`
        words).

    Returns
    -------
    u : float32 array (..., m)
        For every leading index, exactly one value in each stratum
        ``[k / m, (k + 1) / m)``, ``k = 0 .. m-1``; each value is uniform on
        ``[0, 1)`` and the strata are visited in a uniformly random order.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u = np.asarray(latin_hypercube(rng.random((2, 5), "float32"),
    ...                                rng.random((2, 5), "float32")))
    >>> np.sort(np.floor(u * 5), axis=-1)
    array([[0., 1., 2., 3., 4.],
           [0., 1., 2., 3., 4.]], dtype=float32)
    """
    order, offset = as_uniform(jnp.asarray(order)), as_uniform(jnp.asarray(offset))
    m = order.shape[-1]
    rank = jnp.argsort(jnp.argsort(order, axis=-1), axis=-1)
    u = (rank.astype(jnp.float32) + offset) / jnp.float32(m)
    # Keep float32 rounding of (m - 1 + offset) / m below 1.
    return jnp.minimum(u, jnp.float32(1 - 2**-24))
