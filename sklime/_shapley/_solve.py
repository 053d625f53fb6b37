"""Shapley values from coalition values: the constrained weighted least squares.

With coalition masks ``z_i``, their kernel weights ``w_i`` and values
``y_i = v(z_i) - v(none)``, the Kernel SHAP estimate minimises
``sum_i w_i (y_i - z_i . phi)**2`` subject to ``m . phi = v(all) - v(none)``
(``m``: the item's real players; efficiency). With ``A = Z' W Z`` and
``c = Z' W y`` the Lagrangian gives ``phi = A+ (c - lam m)`` with ``lam``
chosen to meet the constraint, ``A+`` the pseudo-inverse (``shap`` falls
back to least squares when ``A`` is singular; the pseudo-inverse is that
minimum-norm solution, and it keeps padding players, which never join a
coalition, at zero). Batched over items and labels, in one jitted kernel.
"""

from functools import partial

import jax
import jax.numpy as jnp

from .._engine._rowwise import map_rows

__all__ = ["LINKS", "kernel_shap_fit", "shapley_fit"]

#: Probabilities are clipped to ``[_EPS, 1 - _EPS]`` before the logit.
_EPS = 1e-15


def _logit(p):
    p = jnp.clip(p, _EPS, 1 - _EPS)
    return jnp.log(p) - jnp.log1p(-p)


#: ``link`` functions (``shap``'s ``identity`` and ``logit``); None: identity.
LINKS = {"identity": None, "logit": _logit}


def kernel_shap_fit(Z, Y, w, labels, *, link="identity"):
    """The engine's fit (``Engine(fit=...)``) for Kernel SHAP."""
    return shapley_fit(Z, Y, w, link=LINKS[link])


@partial(jax.jit, static_argnames=("link",))
def shapley_fit(Z, Y, w, link=None):
    """Kernel SHAP values of a chunk of items.

    Parameters
    ----------
    Z : array of shape (size, P, n)
        Feature-major coalition masks; sample 0 is the full coalition (1
        for every real player, 0 for padding), sample 1 the empty one.
    Y : array of shape (size, n, L)
        Coalition values.
    w : array of shape (size, n)
        Kernel weights (those of samples 0 and 1 are not used: the full and
        the empty coalition enter through the constraint and the base).
    link : callable, default=None
        Applied to ``Y`` first (``None``: identity).

    Returns
    -------
    dict
        ``coef (size, L, P)``: the values; ``intercept (size, L)``: the
        base ``v(none)``; ``local_pred``: base plus the sum of the values (``v(all)``
        to rounding); ``score``: weighted R^2 of the linear game on the
        sampled coalitions.
    """
    return map_rows(lambda *a: _shapley_rows(*a, link), Z, Y, w)


def _shapley_rows(Z, Y, w, link):
    if link is not None:
        Y = link(Y)
    m = Z[:, :, 0]
    w = w.at[:, :2].set(0)
    base = Y[:, 1, :]
    y = Y - base[:, None, :]
    delta = y[:, 0, :]  # (size, L)
    Zw = Z * w[:, None, :]
    A = jnp.einsum("bpn,bqn->bpq", Zw, Z)
    c = jnp.einsum("bpn,bnl->bpl", Zw, y)
    A_inv = jnp.linalg.pinv(A, hermitian=True)
    Ac = jnp.einsum("bpq,bql->bpl", A_inv, c)
    Am = jnp.einsum("bpq,bq->bp", A_inv, m)
    denom = jnp.einsum("bp,bp->b", m, Am)
    ok = denom > 1e-12 * jnp.maximum(jnp.abs(A).max(axis=(1, 2)), 1e-300)
    lam = (jnp.einsum("bp,bpl->bl", m, Ac) - delta) / jnp.where(ok, denom, 1)[:, None]
    phi = Ac - lam[:, None, :] * Am[:, :, None]
    # No coalition informs the split (one player): efficiency alone decides.
    even = delta[:, None, :] * m[:, :, None] / jnp.maximum(m.sum(1), 1)[:, None, None]
    phi = jnp.where(ok[:, None, None], phi, even)  # (size, P, L)
    # Weighted R^2 from the moments: sum w (y - z.phi)^2 = yWy - 2 phi.c + phi.A.phi
    total = jnp.maximum(w.sum(axis=1), 1e-300)[:, None]
    yy = jnp.einsum("bn,bnl->bl", w, y**2)
    mean = jnp.einsum("bn,bnl->bl", w, y) / total
    ss_res = yy - 2 * jnp.einsum("bpl,bpl->bl", phi, c)
    ss_res = jnp.maximum(ss_res + jnp.einsum("bpl,bpq,bql->bl", phi, A, phi), 0)
    ss_tot = jnp.maximum(yy - total * mean**2, 0)
    tiny = 1e-12 * jnp.maximum(yy, 1e-300)
    score = jnp.where(
        ss_tot > tiny, 1 - ss_res / jnp.where(ss_tot > tiny, ss_tot, 1), 1.0
    )
    coef = jnp.swapaxes(phi, 1, 2)
    return {
        "coef": coef,
        "intercept": base,
        "score": score,
        "local_pred": base + coef.sum(axis=2),
    }
