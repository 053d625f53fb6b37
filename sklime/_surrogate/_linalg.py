"""Batched Cholesky factorisation and solves that are safe from any thread.

Why not ``jnp.linalg.cholesky``: on the CPU, JAX lowers it to LAPACK's
``potrf`` through a custom call that waits for helper tasks on the thread
pool the computation itself runs on. Two float64 factorisations started from
two Python threads (``n_jobs``, or users calling sklime concurrently) can
then wait for each other forever: with jax 0.10 (not 0.9), four threads
each calling a jitted ``cho_factor`` on 64 systems of 30 x 30 hang (float32
does not).
``lax.linalg.triangular_solve`` does not hang (the jax versions measured are
in doc/architecture.rst; ``tests/test_linalg.py`` checks that the hang is
still there and that ours is immune).

So the factorisation here is blocked and recursive: a system of at most
``max(_LEAF, p / _LEAVES)`` is factored column by column in a
``lax.fori_loop`` (plain XLA operations); a larger one is split in two, ``L11 = chol(A11)``,
``L21 = A21 L11^-T`` (a triangular solve), ``L22 = chol(A22 - L21 L21')``.
The triangular solves are recursive in the same way, with substitution
loops at the leaves: XLA's own ``triangular_solve`` was less accurate on
nearly singular blocks (a ridge at ``alpha = 0``), enough to make the next
Schur complement indefinite (NaN factors where the column loop gave finite
ones). Nearly all the work is matrix products at BLAS speed (see
doc/architecture.rst for the timings against the column loop and LAPACK).
"""

import jax
import jax.numpy as jnp

__all__ = ["cho_solve", "cholesky", "cholesky_solve"]

#: Systems up to this size are factored by the column loop.
_LEAF = 64
#: Most leaves of a factorisation (larger leaves beyond ``_LEAVES * _LEAF``).
_LEAVES = 8


def _pivot_floor(A):
    """Smallest pivot allowed: ``eps`` times the largest diagonal entry."""
    diag = jnp.diagonal(A, axis1=-2, axis2=-1)
    return jnp.finfo(A.dtype).eps * jnp.maximum(
        jnp.max(jnp.abs(diag), axis=-1), jnp.finfo(A.dtype).tiny
    )


def _cholesky_loop(A, floor):
    """Column-by-column Cholesky of ``A (..., p, p)``; pivots at least ``floor``."""
    p = A.shape[-1]
    idx = jnp.arange(p)

    def step(j, L):
        row = L[..., j, :]  # entries k < j are filled
        s = A[..., :, j] - jnp.einsum("...ik,...k->...i", L, row)
        # A pivot at the floor is a direction that rounding made dependent:
        # its column below is dropped, so it cannot inflate later columns.
        kept = s[..., j] > floor
        pivot = jnp.sqrt(jnp.maximum(s[..., j], floor))
        col = jnp.where((idx > j) & kept[..., None], s / pivot[..., None], 0)
        col = jnp.where(idx == j, pivot[..., None], col)
        return L.at[..., :, j].set(col)

    return jax.lax.fori_loop(0, p, step, jnp.zeros_like(A))


def _leaf(p):
    """Leaf size for a system of ``p``: at least ``_LEAF``, and at most about
    ``_LEAVES`` leaves, so that compilation time does not grow with ``p``."""
    return max(_LEAF, -(-p // _LEAVES))


def _split(p, leaf):
    """Size of the leading block: a whole number of leaves, about half."""
    return leaf * max(p // (2 * leaf), 1)


def _mm(a, b):
    return jnp.einsum("...ik,...kj->...ij", a, b, precision=jax.lax.Precision.HIGHEST)


def _lower_loop(L, B, transpose):
    """Substitution for ``L X = B`` (or ``L' X = B``), row by row."""
    p = L.shape[-1]
    T = jnp.swapaxes(L, -1, -2) if transpose else L

    def step(k, X):
        i = p - 1 - k if transpose else k
        xi = (B[..., i, :] - jnp.einsum("...k,...kr->...r", T[..., i, :], X)) / T[
            ..., i, i, None
        ]
        return X.at[..., i, :].set(xi)

    return jax.lax.fori_loop(0, p, step, jnp.zeros_like(B))


def _solve_lower(L, B, transpose=False, leaf=None):
    """``X`` with ``L X = B`` (``L' X = B`` if ``transpose``); B (..., p, r)."""
    p = L.shape[-1]
    leaf = _leaf(p) if leaf is None else leaf
    if p <= leaf:
        return _lower_loop(L, B, transpose)
    h = _split(p, leaf)
    L11, L21, L22 = L[..., :h, :h], L[..., h:, :h], L[..., h:, h:]
    if transpose:  # [[L11', L21'], [0, L22']]
        X2 = _solve_lower(L22, B[..., h:, :], True, leaf)
        rest = B[..., :h, :] - _mm(jnp.swapaxes(L21, -1, -2), X2)
        X1 = _solve_lower(L11, rest, True, leaf)
    else:
        X1 = _solve_lower(L11, B[..., :h, :], False, leaf)
        X2 = _solve_lower(L22, B[..., h:, :] - _mm(L21, X1), False, leaf)
    return jnp.concatenate([X1, X2], axis=-2)


def _cholesky(A, floor, leaf=None):
    p = A.shape[-1]
    leaf = _leaf(p) if leaf is None else leaf
    if p <= leaf:
        return _cholesky_loop(A, floor)
    h = _split(p, leaf)
    L11 = _cholesky(A[..., :h, :h], floor, leaf)
    panel = _solve_lower(L11, jnp.swapaxes(A[..., h:, :h], -1, -2), False, leaf)
    L21 = jnp.swapaxes(panel, -1, -2)
    # Columns dropped in L11 (pivot at the floor) are dropped below too.
    dropped = jnp.diagonal(L11, axis1=-2, axis2=-1) <= jnp.sqrt(floor)[..., None]
    L21 = jnp.where(dropped[..., None, :], 0, L21)
    schur = A[..., h:, h:] - _mm(L21, jnp.swapaxes(L21, -1, -2))
    L22 = _cholesky(schur, floor, leaf)
    top = jnp.concatenate([L11, jnp.zeros_like(A[..., :h, h:])], axis=-1)
    return jnp.concatenate([top, jnp.concatenate([L21, L22], axis=-1)], axis=-2)


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
    A = jnp.asarray(A)
    return _cholesky(A, _pivot_floor(A))


def cho_solve(L, B):
    """Solve ``L L' X = B`` for a Cholesky factor ``L (..., p, p)``, ``B (..., p, r)``."""
    return _solve_lower(L, _solve_lower(L, B), transpose=True)


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
    return cho_solve(cholesky(A), b[..., None])[..., 0]
