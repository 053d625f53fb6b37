"""Small batched linear algebra in plain XLA operations.

``jnp.linalg.solve`` and friends call LAPACK through custom calls that, on the
CPU, wait for helper tasks on the same thread pool the computation runs on;
two such computations started from two threads (``n_jobs``, or users calling
sklime concurrently) can then wait for each other forever. The surrogate
systems are small and symmetric positive definite, so a Cholesky
factorisation written with ``lax.fori_loop`` is as accurate, fast enough,
and safe to run from any number of threads.
"""

import jax
import jax.numpy as jnp

__all__ = ["cholesky", "cholesky_solve"]

#: Systems up to this size are unrolled at trace time. Unrolling 30 columns
#: made the first explanation of breast_cancer compile for ~40 s instead of
#: ~3 s, and the loop runs no slower on the CPU: the default is not to.
_UNROLL = 0


def _loop(p, step, init):
    return jax.lax.fori_loop(0, p, step, init, unroll=p <= _UNROLL)


def cholesky(A):
    """Lower Cholesky factor of a batch of symmetric positive definite matrices.

    Parameters
    ----------
    A : array of shape (..., p, p)

    Returns
    -------
    L : array of shape (..., p, p), lower triangular, ``L @ L.T == A``.
        A pivot that rounding makes non-positive is replaced by a tiny
        positive one (relative to the diagonal), so semi-definite input gives
        a finite factor.
    """
    p = A.shape[-1]
    idx = jnp.arange(p)
    floor = jnp.finfo(A.dtype).eps * jnp.maximum(
        jnp.max(jnp.abs(jnp.diagonal(A, axis1=-2, axis2=-1)), axis=-1),
        jnp.finfo(A.dtype).tiny,
    )

    def step(j, L):
        row = L[..., j, :]  # entries k < j are filled
        s = A[..., :, j] - jnp.einsum("...ik,...k->...i", L, row)
        pivot = jnp.sqrt(jnp.maximum(s[..., j], floor))
        col = jnp.where(idx > j, s / pivot[..., None], 0)
        col = jnp.where(idx == j, pivot[..., None], col)
        return L.at[..., :, j].set(col)

    return _loop(p, step, jnp.zeros_like(A))


def _forward(L, b):
    """Solve ``L x = b`` for lower triangular ``L``; b of shape (..., p)."""
    p = L.shape[-1]

    def step(i, x):
        xi = (b[..., i] - jnp.sum(L[..., i, :] * x, axis=-1)) / L[..., i, i]
        return x.at[..., i].set(xi)

    return _loop(p, step, jnp.zeros_like(b))


def _backward(L, y):
    """Solve ``L.T x = y`` for lower triangular ``L``."""
    p = L.shape[-1]

    def step(k, x):
        i = p - 1 - k
        xi = (y[..., i] - jnp.sum(L[..., :, i] * x, axis=-1)) / L[..., i, i]
        return x.at[..., i].set(xi)

    return _loop(p, step, jnp.zeros_like(y))


def cholesky_solve(A, b):
    """Solve ``A x = b`` for a batch of SPD matrices ``A (..., p, p)``, ``b (..., p)``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[4.0, 2.0], [2.0, 3.0]])
    >>> np.round(np.asarray(cholesky_solve(A, np.array([2.0, 1.0]))), 6).tolist()
    [0.5, 0.0]
    """
    A = jnp.asarray(A)
    b = jnp.asarray(b, A.dtype)
    L = cholesky(A)
    return _backward(L, _forward(L, b))
