"""A fast float32 inverse of the standard normal CDF, for the samplers.

``jax.scipy.special.ndtri`` evaluates Cephes' three rational approximations
and selects one: on the CPU it is the most expensive step of tabular
sampling. :func:`ndtri32` uses instead the single-precision ``erfinv``
polynomials of M. Giles, "Approximating the erfinv function" (GPU Computing
Gems, 2010), written in terms of ``p`` so that the tails keep their
precision: with ``x = 2p - 1``,

    erfinv(x) = x * P(w),    w = -log((1 - x)(1 + x)) = -log(4 p (1 - p)),

where ``P`` is one of two degree-8 polynomials (``w < 5`` in ``w - 2.5``, else
in ``sqrt(w) - 3``), and ``ndtri(p) = sqrt(2) erfinv(2p - 1)``. Computing
``4 p (1 - p)`` from ``p`` avoids the cancellation of ``1 + x`` near
``p = 0``. Against SciPy's float64 ``ndtri`` of the same float32 inputs, on
the float32 multiples of ``2**-24`` in (0, 1) (every value a float32 uniform
can take), the largest absolute error is 1e-6 (JAX's float32 ``ndtri``:
7e-7), at about half the cost; it grows to 1.4e-5 at ``p = 1e-8``. Below
``p = 1e-8`` (``ndtri = -5.6``), where the polynomials lose accuracy, the
rational approximation 26.2.23 of Abramowitz and Stegun (absolute error below
4.5e-4) takes over: such probabilities only occur for in-bin draws of a
truncated normal whose bin reaches far into its tail, with a mass of at most
``1e-8``.
"""

import jax.numpy as jnp
import numpy as np

__all__ = ["ndtri32"]

# Giles (2010), single precision: w < 5, in powers of (w - 2.5) ...
_CENTRAL = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
# ... and w >= 5, in powers of (sqrt(w) - 3).
_TAIL = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)
# Abramowitz and Stegun 26.2.23, in t = sqrt(-2 log p), for p < _DEEP.
_AS_NUM = (0.010328, 0.802853, 2.515517)
_AS_DEN = (0.001308, 0.189269, 1.432788, 1.0)
_DEEP = 1e-8
_LOWEST = 1e-37  # 4 p stays a normal float32
_HIGHEST = 1 - 2.0**-24


def _horner(coefficients, x):
    out = jnp.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out = out * x + np.float32(c)
    return out


def ndtri32(p):
    """Standard normal quantiles of float32 probabilities ``p``.

    Parameters
    ----------
    p : float32 array
        Probabilities; clipped to ``[1e-37, 1 - 2**-24]``.

    Returns
    -------
    z : float32 array
        ``Phi^-1(p)``: within 1e-6 of the exact value for ``p >= 2**-24``,
        1.4e-5 for ``p >= 1e-8``, 5e-4 below; non-decreasing in ``p``.

    Examples
    --------
    >>> import numpy as np
    >>> z = ndtri32(np.array([0.025, 0.5, 0.975], dtype=np.float32))
    >>> np.round(np.asarray(z), 4).tolist()
    [-1.96, 0.0, 1.96]
    """
    p = jnp.clip(jnp.asarray(p, jnp.float32), _LOWEST, _HIGHEST)
    w = -jnp.log(4 * p * (1 - p))
    central = _horner(_CENTRAL, w - np.float32(2.5))
    tail = _horner(_TAIL, jnp.sqrt(w) - np.float32(3))
    z = np.float32(np.sqrt(2)) * (2 * p - 1) * jnp.where(w < 5, central, tail)
    # Deep lower tail: 1 - p == 1 in float32 there, so -log p = w + log 4.
    t = jnp.sqrt(2 * (w + np.float32(np.log(4))))
    deep = _horner(_AS_NUM, t) / _horner(_AS_DEN, t) - t
    return jnp.where(p < _DEEP, deep, z)
