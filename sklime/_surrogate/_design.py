"""The weighted design of a chunk of surrogates, primal or dual (JAX).

A surrogate is a weighted ridge regression with intercept of the targets on
``p`` interpretable features over ``n`` samples. After centring on the
weighted means and scaling each sample by ``sqrt(w)`` (``A (n, p)``, targets
``yc (n, L)``), the ridge coefficients are

    beta = (A'A + r I)^-1 A' yc = A' (A A' + r I)^-1 yc,

the primal and the dual form of one unique solution. Which one is cheaper is
a matter of shape (Saunders, Gammerman and Vovk 1998 for the dual):

- ``p <= n`` (tabular data): the ``p x p`` Gram ``G = A'A``, ``O(n p^2)``,
  factored in ``O(p^3)``;
- ``p > n`` (wide tables, long texts with few samples): the ``n x n`` kernel
  ``K = A A'``, ``O(n^2 p)``, factored in ``O(n^3)``; ``G`` is never formed,
  and the rows of it that feature selection needs are ``A' a_j``.

Feature selection and the final fit on the ``k`` kept features use only
``G[S, S]``, ``G[j, :]`` and ``diag(G)`` (see :mod:`sklime._surrogate._selection`),
which both forms provide; so no step costs more than its algebra requires,
and a ``p x p`` matrix exists only when ``p <= n``.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ._linalg import cho_solve, cholesky
from ._ridge import _FEATURE_MAJOR_PRODUCT, _HIGHEST, Moments, masked_system
from ._ridge import ridge_strength as _ridge_strength

__all__ = [
    "Design",
    "SampleDesign",
    "complete_design",
    "design",
    "full_ridge",
    "gram_diagonal",
    "gram_rows",
    "ridge_strength",
    "sample_design",
    "subset_ridge",
    "surrogate_elements",
]


class Design(NamedTuple):
    """Sufficient statistics of a chunk's regressions.

    ``m`` holds the means, ``zy (b, p, L)`` and ``syy (b, L)``; its ``gram``
    is ``(b, p, p)`` in the primal form and ``None`` in the dual one, where
    ``A (b, n, p)`` are the centred, weighted samples, ``yc (b, n, L)`` the
    centred, weighted targets and ``kernel (b, n, n)`` is ``A A'``.
    """

    m: Moments
    A: jax.Array = None
    yc: jax.Array = None
    kernel: jax.Array = None

    @property
    def dual(self):
        return self.m.gram is None


def use_dual(n, p):
    """Whether ``n`` samples of ``p`` features are cheaper in the dual form."""
    return p > n


def surrogate_elements(n, p, n_labels=1):
    """Values one row's surrogate fit holds besides its samples (chunk budgets).

    Primal: the Gram matrix and its factor; dual: the centred samples and the
    kernel with its factor.
    """
    if use_dual(n, p):
        return n * p + 2 * n * n + n * n_labels
    return 2 * p * p + p * n_labels


class SampleDesign(NamedTuple):
    """The half of a :class:`Design` that the targets do not enter.

    ``sw (b,)``, ``z_mean (b, p)``, ``sq (b, n)`` (``sqrt(w)``) and, in the
    primal form, ``gram (b, p, p)``; in the dual form ``A (b, n, p)`` and
    ``kernel (b, n, n)``. The engine computes it from the samples and their
    weights while the black box runs (:func:`sample_design`), and completes
    it with the model's outputs (:func:`complete_design`): the ``O(n p^2)``
    (or ``O(n^2 p)``) product is off the critical path of a single request.
    """

    sw: jax.Array
    z_mean: jax.Array
    sq: jax.Array
    gram: jax.Array = None
    A: jax.Array = None
    kernel: jax.Array = None


def _centred(Z, z_mean, sq, feature_major):
    """``(Z - z_mean) * sqrt(w)``, in ``Z``'s layout."""
    if feature_major:
        return (Z - z_mean[:, :, None]) * sq[:, None, :]
    return (Z - z_mean[:, None, :]) * sq[:, :, None]


def sample_design(Z, w, feature_major=False, dual=None):
    """:class:`SampleDesign` of weighted samples (see :func:`design`)."""
    n, p = (Z.shape[2], Z.shape[1]) if feature_major else Z.shape[1:]
    zn = "bpn" if feature_major else "bnp"
    sw = jnp.sum(w, axis=1)
    z_mean = jnp.einsum(f"bn,{zn}->bp", w, Z, precision=_HIGHEST) / sw[:, None]
    sq = jnp.sqrt(w)
    A = _centred(Z, z_mean, sq, feature_major)
    if not (use_dual(n, p) if dual is None else dual):
        # The faster product for the width (measured in weighted_moments).
        if p >= _FEATURE_MAJOR_PRODUCT:
            Af = A if feature_major else jnp.swapaxes(A, 1, 2)
            gram = jnp.einsum("bpn,bqn->bpq", Af, Af, precision=_HIGHEST)
        else:
            As = jnp.swapaxes(A, 1, 2) if feature_major else A
            gram = jnp.einsum("bnp,bnq->bpq", As, As, precision=_HIGHEST)
        return SampleDesign(sw, z_mean, sq, gram=gram)
    if feature_major:
        A = jnp.swapaxes(A, 1, 2)
    kernel = jnp.einsum("bnp,bmp->bnm", A, A, precision=_HIGHEST)
    return SampleDesign(sw, z_mean, sq, A=A, kernel=kernel)


def complete_design(sd, Z, y, w, feature_major=False):
    """The :class:`Design` of :func:`sample_design`'s result and targets ``y``."""
    y_mean = jnp.einsum("bn,bnl->bl", w, y, precision=_HIGHEST) / sd.sw[:, None]
    yc = (y - y_mean[:, None, :]) * sd.sq[:, :, None]
    syy = jnp.sum(yc * yc, axis=1)
    if sd.gram is None:
        zy = jnp.einsum("bnp,bnl->bpl", sd.A, yc, precision=_HIGHEST)
        m = Moments(sd.sw, sd.z_mean, y_mean, None, zy, syy)
        return Design(m, sd.A, yc, sd.kernel)
    A = _centred(Z, sd.z_mean, sd.sq, feature_major)
    zn = "bpn" if feature_major else "bnp"
    zy = jnp.einsum(f"{zn},bnl->bpl", A, yc, precision=_HIGHEST)
    return Design(Moments(sd.sw, sd.z_mean, y_mean, sd.gram, zy, syy))


def design(Z, y, w, feature_major=False, dual=None):
    """The :class:`Design` of weighted samples, in the cheaper form.

    The same as :func:`complete_design` of :func:`sample_design`.

    Parameters
    ----------
    Z : array of shape (b, n, p), or (b, p, n) when ``feature_major``
    y : array of shape (b, n, L)
    w : array of shape (b, n), non-negative, positive sum per row
    feature_major : bool, default=False
    dual : bool, default=None
        Force the form (tests); ``None`` chooses by :func:`use_dual`.
    """
    return complete_design(
        sample_design(Z, w, feature_major, dual), Z, y, w, feature_major
    )


def gram_diagonal(d):
    """``diag(G)``, shape (b, p)."""
    if d.dual:
        return jnp.sum(d.A * d.A, axis=1)
    return jnp.diagonal(d.m.gram, axis1=1, axis2=2)


def ridge_strength(d, alpha):
    """:func:`sklime._surrogate._ridge.ridge_strength` of the design's Gram diagonal; (b,)."""
    return _ridge_strength(alpha, gram_diagonal(d))


def gram_rows(d, j):
    """Rows ``G[j, :]`` for indices ``j (b, L)``: shape (b, L, p)."""
    if d.dual:
        cols = jnp.take_along_axis(d.A, j[:, None, :], axis=2)  # (b, n, L)
        return jnp.einsum("bnl,bnp->blp", cols, d.A, precision=_HIGHEST)
    return jnp.take_along_axis(d.m.gram, j[:, :, None], axis=1)


def _subset_gram(d, S):
    """``G[S, S]`` for index sets ``S (b, L, k)``: shape (b, L, k, k)."""
    if d.dual:
        b, L, k = S.shape
        cols = jnp.take_along_axis(d.A, S.reshape(b, 1, L * k), axis=2)
        cols = cols.reshape(b, -1, L, k)  # (b, n, L, k)
        return jnp.einsum("bnlk,bnlj->blkj", cols, cols, precision=_HIGHEST)
    rows = jnp.take_along_axis(d.m.gram[:, None], S[..., None], axis=2)  # (b,L,k,p)
    return jnp.take_along_axis(rows, S[:, :, None, :], axis=3)


def subset_ridge(d, alpha, S, valid, prior=None):
    """Ridge on the features ``S (b, L, k)`` (those with ``valid``) alone.

    Returns the coefficients ``(b, L, k)`` of the features in ``S`` (0 where
    not ``valid``) and ``G[S, S]`` (for the fit's R^2).
    """
    vf = valid.astype(d.m.zy.dtype)
    G = _subset_gram(d, S)
    system = masked_system(G, ridge_strength(d, alpha)[:, None, None], vf)
    rhs = jnp.take_along_axis(jnp.swapaxes(d.m.zy, 1, 2), S, axis=2)
    if prior is not None:
        rhs = rhs + jnp.maximum(alpha, 0) * jnp.take_along_axis(prior, S, axis=2)
    coef = cho_solve(cholesky(system), (rhs * vf)[..., None])[..., 0] * vf
    return coef, G


def full_ridge(d, alpha, prior=None):
    """Ridge on every feature: coefficients (b, L, p).

    With a ``prior`` ``w0`` (b, L, p), the penalty is ``alpha ||beta - w0||^2``
    and ``(G + r I) beta = zy + alpha w0``; in the dual form
    ``beta = c w0 + A' (K + r I)^-1 (yc - c A w0)`` with ``c = alpha / r``.
    """
    reg = ridge_strength(d, alpha)
    zy = d.m.zy  # (b, p, L)
    if not d.dual:
        p = zy.shape[1]
        system = d.m.gram + reg[:, None, None] * jnp.eye(p, dtype=zy.dtype)
        rhs = (
            zy
            if prior is None
            else zy + jnp.maximum(alpha, 0) * jnp.swapaxes(prior, 1, 2)
        )
        return jnp.swapaxes(cho_solve(cholesky(system), rhs), 1, 2)
    n = d.kernel.shape[-1]
    system = d.kernel + reg[:, None, None] * jnp.eye(n, dtype=zy.dtype)
    rhs = d.yc
    if prior is not None:
        c = (jnp.maximum(alpha, 0) / reg)[:, None, None]
        rhs = rhs - c * jnp.einsum("bnp,blp->bnl", d.A, prior, precision=_HIGHEST)
    u = cho_solve(cholesky(system), rhs)  # (b, n, L)
    coef = jnp.einsum("bnp,bnl->blp", d.A, u, precision=_HIGHEST)
    return coef if prior is None else coef + c * prior


def quadratic_form(d, coef):
    """``coef' G coef`` per row and label, for full coefficients (b, L, p)."""
    if d.dual:
        fitted = jnp.einsum("bnp,blp->bnl", d.A, coef, precision=_HIGHEST)
        return jnp.sum(fitted * fitted, axis=1)
    return jnp.einsum("blp,bpq,blq->bl", coef, d.m.gram, coef, precision=_HIGHEST)
