"""Which coalitions Kernel SHAP evaluates, and with what weight.

The Shapley values of a game ``v`` on ``M`` players are the coefficients of
the weighted least-squares fit of ``v(z)`` on the coalition masks ``z``
with the Shapley kernel ``(M - 1) / (C(M, s) s (M - s))`` for a coalition
of size ``s``, subject to the values summing to ``v(all) - v(none)``
(Lundberg & Lee 2017, theorem 2). The kernel puts most of its weight on
the smallest and largest coalitions, so the scheme of ``shap``'s
``KernelExplainer`` is the right one to copy in substance: enumerate the
sizes with the most weight completely while the budget allows (each size
``s`` with its complement size ``M - s``), and sample the rest.

The sampled part here is drawn in pairs, a coalition and its complement,
for every size (``shap`` pairs all sizes but the middle one and redraws
duplicates); a pair's size ``s <= M / 2`` is drawn with probability
proportional to the kernel mass it covers per sample, so that every
sampled coalition has the same weight. With ``2**M - 2`` coalitions within
the budget every coalition is enumerated and the result is exact.

Written here rather than taken from ``shap``: ``shap`` builds the masks one
coalition at a time in Python for one row; the engine needs a fixed layout
(the enumerated masks and their weights, the same for every row) and a
kernel that turns each row's uniform numbers into its sampled masks.
"""

import itertools
from math import comb

import jax
import jax.numpy as jnp
import numpy as np

from .._sampling._random import as_uniform

__all__ = ["CoalitionScheme", "coalition_scheme", "sampled_masks"]


class CoalitionScheme:
    """The coalitions of a game on ``M`` players within a budget.

    Attributes
    ----------
    n_players : int
    enumerated : ndarray of shape (n_enumerated, M), float
        Every coalition of the fully enumerated sizes (each next to its
        complement).
    weights : ndarray of shape (n_coalitions,)
        Kernel weight of each coalition: the enumerated ones first, then
        ``n_sampled`` equal weights; they sum to one.
    n_sampled : int
        Coalitions drawn at random (an even number: pairs).
    pair_sizes : ndarray of int
        The sizes ``s <= M / 2`` a sampled pair can have.
    pair_cdf : ndarray of float
        Cumulative probabilities of ``pair_sizes``.
    exact : bool
        Every coalition is enumerated.
    """

    def __init__(self, n_players, enumerated, weights, n_sampled, sizes, cdf):
        self.n_players = n_players
        self.enumerated = enumerated
        self.weights = weights
        self.n_sampled = n_sampled
        self.pair_sizes = sizes
        self.pair_cdf = cdf
        self.exact = n_sampled == 0

    @property
    def n_coalitions(self):
        return self.enumerated.shape[0] + self.n_sampled


def _size_mass(M):
    """Kernel mass of each size class ``s = 1..ceil((M-1)/2)`` (with ``M - s``)."""
    sizes = np.arange(1, (M - 1) // 2 + (M - 1) % 2 + 1)
    mass = (M - 1.0) / (sizes * (M - sizes))
    paired = sizes < M - sizes
    return sizes, np.where(paired, 2 * mass, mass), paired


def coalition_scheme(n_players, budget):
    """Enumerate what the budget allows, by kernel weight; sample the rest.

    Parameters
    ----------
    n_players : int
        ``M``, at least 1.
    budget : int
        Coalitions to evaluate besides the empty and the full one.

    Returns
    -------
    CoalitionScheme

    Examples
    --------
    >>> s = coalition_scheme(3, 100)
    >>> s.exact, s.n_coalitions, round(float(s.weights.sum()), 12)
    (True, 6, 1.0)
    >>> s = coalition_scheme(10, 100)
    >>> s.enumerated.shape, s.n_sampled
    ((20, 10), 80)
    """
    M = int(n_players)
    if M == 1:  # the empty and the full coalition are all there is
        return CoalitionScheme(
            1, np.ones((1, 1)), np.zeros(1), 0, np.ones(0), np.ones(0)
        )
    if M <= 30:
        budget = min(int(budget), 2**M - 2)
    sizes, mass, paired = _size_mass(M)
    share = mass / mass.sum()
    left_share, left = share.copy(), int(budget)
    masks, weights, n_full = [], [], 0
    for k, s in enumerate(sizes):
        n_subsets = comb(M, int(s)) * (2 if paired[k] else 1)
        if left * left_share[k] / n_subsets < 1 - 1e-8:
            break
        n_full += 1
        left -= n_subsets
        if left_share[k] < 1:
            left_share = left_share / (1 - left_share[k])
        w = share[k] / n_subsets
        for players in itertools.combinations(range(M), int(s)):
            z = np.zeros(M)
            z[list(players)] = 1.0
            masks.append(z)
            weights.append(w)
            if paired[k]:
                masks.append(1.0 - z)
                weights.append(w)
    enumerated = np.asarray(masks, dtype=float).reshape(-1, M)
    n_sampled = 0 if n_full == sizes.size else 2 * (left // 2)
    rest = sizes[n_full:]
    # A pair of size s gives a coalition of size s and one of size M - s (or
    # two of the middle size): drawing it with probability proportional to
    # its size class's mass gives every sampled coalition the same weight.
    cdf = np.cumsum(mass[n_full:]) / mass[n_full:].sum() if rest.size else np.ones(0)
    sampled_w = share[n_full:].sum() / n_sampled if n_sampled else 0.0
    weights = np.concatenate(
        [np.asarray(weights, float), np.full(n_sampled, sampled_w)]
    )
    return CoalitionScheme(M, enumerated, weights, n_sampled, rest, cdf)


def sampled_masks(u, sizes, cdf, n_players, dtype):
    """The sampled coalitions of a chunk of items, from their uniforms.

    Parameters
    ----------
    u : array of shape (size, R, n_sampled), ``2 * R >= M + 1``
        Uniform numbers (or raw words); a pair uses the columns of its two
        coalitions, ``M + 1`` of their numbers: one for the size, ``M`` for
        the players (who join by selection sampling).
    sizes, cdf : arrays
        A scheme's ``pair_sizes`` and ``pair_cdf``.
    n_players : int
    dtype : float dtype

    Returns
    -------
    masks : jax array of shape (size, M, n_sampled)
        Feature-major, each pair's coalition next to its complement.
    """
    u = as_uniform(jnp.asarray(u))
    u = jnp.concatenate([u[:, :, 0::2], u[:, :, 1::2]], axis=1)  # (size, 2R, pairs)
    cdf = jnp.asarray(cdf, u.dtype)
    k = jnp.minimum(jnp.searchsorted(cdf, u[:, 0, :], side="right"), cdf.size - 1)
    size = jnp.asarray(sizes)[k]  # (size, pairs)
    z = _subsets(u[:, 1 : n_players + 1, :], size).astype(dtype)  # (size, M, pairs)
    pairs = jnp.stack([z, 1 - z], axis=-1)  # (size, M, pairs, 2)
    return pairs.reshape(z.shape[0], z.shape[1], -1)


def _subsets(v, size):
    """Random subsets of exactly ``size`` players, ``(size, M, k)`` of bool.

    Selection sampling (Knuth's algorithm S): player ``j`` joins with
    probability ``needed / (M - j)``, ``needed`` the places still open, which
    gives every subset of the drawn size the same probability. One pass over
    the players, no sort (XLA's sort on the CPU costs far more).
    """
    M = v.shape[1]
    left = (M - jnp.arange(M)).astype(v.dtype)

    def step(needed, uj_left):
        uj, places = uj_left
        take = uj * places < needed
        return needed - take, take

    _, z = jax.lax.scan(step, size, (jnp.moveaxis(v, 1, 0), left))
    return jnp.moveaxis(z, 0, 1)
