"""Relaxed (differentiable) samplers: Gumbel-softmax and the relaxed Bernoulli.

Both are pure JAX functions of a PRNG key and logits, usable inside ``jit``,
``grad`` and ``vmap``. They are the two sampling steps of the L2C
counterfactual generator (:class:`sklime.CounterfactualExplainer`): a
Gumbel-softmax over a feature's bins picks the candidate value, a relaxed
Bernoulli decides whether the feature changes at all.

The temperature ``tau`` controls how close the relaxed sample is to a discrete
one: as ``tau -> 0`` a Gumbel-softmax sample tends to a one-hot vector drawn
from ``softmax(logits)`` and a relaxed Bernoulli sample to a 0/1 draw of
probability ``sigmoid(logits)``; as ``tau -> inf`` they tend to the uniform
vector ``1 / K`` and to ``1 / 2``. With ``hard=True`` the forward value is the
discrete draw itself (the argmax of the perturbed logits; the sign of the
perturbed logit), and the gradient is that of the relaxed sample (the
straight-through estimator).

References
----------
.. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with
   Gumbel-Softmax", ICLR 2017.
.. [2] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution: A
   Continuous Relaxation of Discrete Random Variables", ICLR 2017.
"""

import jax
import jax.numpy as jnp

__all__ = [
    "gumbel_softmax",
    "gumbel_softmax_from_uniform",
    "relaxed_bernoulli",
    "relaxed_bernoulli_from_uniform",
]


def _float_dtype(logits):
    logits = jnp.asarray(logits)
    if not jnp.issubdtype(logits.dtype, jnp.floating):
        logits = logits.astype(jnp.float32)
    return logits


def _open_unit(u, dtype):
    """Uniform numbers clipped into the open interval (0, 1)."""
    info = jnp.finfo(dtype)
    return jnp.clip(jnp.asarray(u, dtype), info.tiny, 1 - info.epsneg)


def _straight_through(draw, soft):
    """``draw`` in the forward pass, the gradient of ``soft`` in the backward one."""
    return draw + (soft - jax.lax.stop_gradient(soft))


def gumbel_softmax_from_uniform(u, logits, tau=1.0, *, hard=False, axis=-1):
    """Gumbel-softmax sample from given uniform numbers (a pure transform).

    The same as :func:`gumbel_softmax` with the Gumbel noise
    ``g = -log(-log(u))`` made from ``u``; for callers that draw their own
    uniform numbers (per-row streams, numpy generators).

    Parameters
    ----------
    u : array-like, same shape as ``logits``
        Uniform numbers in [0, 1) (clipped away from 0 and 1).
    logits : array-like of shape (..., K, ...)
    tau : float or array, default=1.0
    hard : bool, default=False
    axis : int, default=-1

    Returns
    -------
    y : jax array, same shape and float dtype as ``logits``

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from sklime import gumbel_softmax_from_uniform
    >>> y = gumbel_softmax_from_uniform(jnp.array([0.1, 0.9]), jnp.zeros(2), hard=True)
    >>> y.tolist()
    [0.0, 1.0]
    """
    logits = _float_dtype(logits)
    g = -jnp.log(-jnp.log(_open_unit(u, logits.dtype)))
    perturbed = logits + g
    soft = jax.nn.softmax(perturbed / tau, axis=axis)
    if not hard:
        return soft
    axis = axis % perturbed.ndim
    index = jnp.argmax(perturbed, axis=axis, keepdims=True)
    positions = jnp.arange(perturbed.shape[axis]).reshape(
        [-1 if a == axis else 1 for a in range(perturbed.ndim)]
    )
    return _straight_through((positions == index).astype(soft.dtype), soft)


def relaxed_bernoulli_from_uniform(u, logits, tau=1.0, *, hard=False):
    """Relaxed Bernoulli sample from given uniform numbers (a pure transform).

    The same as :func:`relaxed_bernoulli` with the logistic noise
    ``l = log(u) - log(1 - u)`` made from ``u``.

    Parameters
    ----------
    u : array-like, same shape as ``logits``
        Uniform numbers in [0, 1) (clipped away from 0 and 1).
    logits : array-like
    tau : float or array, default=1.0
    hard : bool, default=False

    Returns
    -------
    y : jax array, same shape and float dtype as ``logits``

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from sklime import relaxed_bernoulli_from_uniform
    >>> relaxed_bernoulli_from_uniform(jnp.array([0.2, 0.6]), jnp.zeros(2), hard=True).tolist()
    [0.0, 1.0]
    """
    logits = _float_dtype(logits)
    u = _open_unit(u, logits.dtype)
    perturbed = logits + (jnp.log(u) - jnp.log1p(-u))
    soft = jax.nn.sigmoid(perturbed / tau)
    if not hard:
        return soft
    return _straight_through((perturbed > 0).astype(logits.dtype), soft)


def gumbel_softmax(key, logits, tau=1.0, *, hard=False, axis=-1):
    """Draw a Gumbel-softmax (concrete) sample of a categorical law.

    ``y = softmax((logits + g) / tau)`` with ``g`` i.i.d. standard Gumbel noise
    along ``axis``. ``argmax(logits + g)`` is an exact draw from the
    categorical law ``softmax(logits)`` (the Gumbel-max trick); ``y`` is its
    differentiable relaxation.

    Parameters
    ----------
    key : jax PRNG key
    logits : array-like of shape (..., K, ...)
        Unnormalised log-probabilities; categories that must never be drawn
        can be given a very negative logit (e.g. ``-1e9``).
    tau : float or array, default=1.0
        Temperature (> 0). May be a traced value.
    hard : bool, default=False
        Return the one-hot vector of ``argmax(logits + g)`` (forward pass),
        with the gradient of the relaxed sample (straight-through).
    axis : int, default=-1
        The category axis.

    Returns
    -------
    y : jax array, same shape and float dtype as ``logits``
        Non-negative, sums to 1 along ``axis``.

    See Also
    --------
    gumbel_softmax_from_uniform : The same from given uniform numbers.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from sklime import gumbel_softmax
    >>> y = gumbel_softmax(jax.random.key(0), jnp.log(jnp.array([0.2, 0.3, 0.5])), 0.5)
    >>> y.shape, bool(jnp.isclose(y.sum(), 1.0))
    ((3,), True)
    >>> h = gumbel_softmax(jax.random.key(0), jnp.zeros(4), hard=True)
    >>> sorted(h.tolist())
    [0.0, 0.0, 0.0, 1.0]
    """
    logits = _float_dtype(logits)
    u = jax.random.uniform(key, logits.shape, logits.dtype)
    return gumbel_softmax_from_uniform(u, logits, tau, hard=hard, axis=axis)


def relaxed_bernoulli(key, logits, tau=1.0, *, hard=False):
    """Draw a relaxed Bernoulli (binary concrete) sample.

    ``y = sigmoid((logits + l) / tau)`` with ``l`` i.i.d. standard logistic
    noise (``log u - log(1 - u)``, ``u`` uniform). For every ``tau``,
    ``P(y > 1/2) = sigmoid(logits)``: the sign of ``logits + l`` is an exact
    Bernoulli draw, and ``tau`` only sets how sharply ``y`` concentrates on
    0 and 1. The temperature divides the *perturbed logit*, so it cannot
    cancel out (as it does when both the numerator and the denominator of a
    two-class ratio are raised to the same ``1 / tau``, leaving ``p``).

    Parameters
    ----------
    key : jax PRNG key
    logits : array-like
        Log-odds ``log(p / (1 - p))`` of the Bernoulli probabilities ``p``.
    tau : float or array, default=1.0
        Temperature (> 0). May be a traced value.
    hard : bool, default=False
        Return the 0/1 draw ``logits + l > 0`` (forward pass), with the
        gradient of the relaxed sample (straight-through).

    Returns
    -------
    y : jax array, same shape and float dtype as ``logits``
        Values in [0, 1].

    See Also
    --------
    relaxed_bernoulli_from_uniform : The same from given uniform numbers.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> from sklime import relaxed_bernoulli
    >>> key = jax.random.key(0)
    >>> y = relaxed_bernoulli(key, jnp.zeros(20000), tau=0.1)
    >>> bool(abs(float((y > 0.5).mean()) - 0.5) < 0.02)
    True
    >>> relaxed_bernoulli(key, jnp.array([-30.0, 30.0]), hard=True).tolist()
    [0.0, 1.0]
    """
    logits = _float_dtype(logits)
    u = jax.random.uniform(key, logits.shape, logits.dtype)
    return relaxed_bernoulli_from_uniform(u, logits, tau, hard=hard)
