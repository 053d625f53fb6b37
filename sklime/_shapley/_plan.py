"""ShapleyPlan: the :class:`~sklime._engine._plan.Plan` of Kernel SHAP on rows.

Interpretable samples are coalition masks over the players (columns, or
groups of columns); sample 0 is the full coalition (the row itself), sample
1 the empty one (the background alone: the base value). The
model-space sample of a coalition is its ``B`` model rows side by side
(``B * d`` numbers: the row's values on the coalition's columns, a
background row's elsewhere), samples-major, which the game (:mod:`._game`)
averages the model over. The first coalitions are the enumerated ones, the
same for every row; the rest are drawn from the row's own stream.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._precision import x64_scope
from .._engine._shapes import chunk_rows
from ._coalitions import sampled_masks

__all__ = ["ShapleyPlan"]


class ShapleyPlan:
    """Kernel SHAP coalitions of the rows of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_items, d)
        Numeric (encoded) rows.
    scheme : CoalitionScheme
    players : ndarray of int of shape (d,)
        The player of each column.
    background : ndarray of shape (B, d)
    """

    stream_dtype = np.float32
    samples_major = True

    def __init__(self, X, scheme, players, background):
        self.X = X
        self.background = background
        self.scheme = scheme
        self.players = np.asarray(players)
        self.n_items = X.shape[0]
        self.dtype = np.dtype(np.float64)
        self._weights = np.concatenate([[0.0, 0.0], scheme.weights])
        self._players = tuple(self.players.tolist())
        with x64_scope():  # the per-run constants, on the device once
            self._tables = (
                jnp.asarray(background, self.dtype),
                jnp.asarray(scheme.enumerated.T, self.dtype),
                jnp.asarray(scheme.pair_sizes),
                jnp.asarray(scheme.pair_cdf, np.float32),
            )

    def widths(self):
        return np.full(self.n_items, self.scheme.n_players)

    def padded_width(self, p):
        return p

    def chunk_size(self, width, n_samples, n_labels):
        # S is the one large array (B * d model values per coalition) and the
        # model consumes it as it is; it may take four times the budget a
        # LIME chunk gives its samples (shared there with Z, the distances
        # and the surrogate's matrices). At the defaults (2049 coalitions,
        # B = 10, d = 30) that is 4 rows instead of 2: a chunk's fixed costs
        # halve, own time per row drops by a third (asv_bench/compare_shap.py).
        return chunk_rows(n_samples, max((self.background.size + width) // 4, 1))

    def stream_rows(self, items):
        return self.X[items]

    def n_random(self, width):
        return width // 2 + 1  # a pair's two columns hold its M + 1 numbers

    def sample(self, u, items, width):
        return _coalition_samples(
            jnp.asarray(u),
            jnp.asarray(self.X[items], self.dtype),
            *self._tables,
            players=self._players,
            n_sampled=self.scheme.n_sampled,
        )

    def model_input(self, items):
        return None

    def device_input(self, S, items):
        return S

    def weights(self, Z):
        return jnp.broadcast_to(
            jnp.asarray(self._weights, Z.dtype), (Z.shape[0], Z.shape[2])
        )


@partial(jax.jit, static_argnames=("players", "n_sampled"))
def _coalition_samples(u, x, background, enumerated, sizes, cdf, players, n_sampled):
    """``S (size, n, B * d)`` (samples-major) and ``Z (size, M, n)`` of a chunk."""
    size, (M, n_enum) = x.shape[0], enumerated.shape
    parts = [
        jnp.ones((size, M, 1), x.dtype),
        jnp.zeros((size, M, 1), x.dtype),
        jnp.broadcast_to(enumerated, (size, M, n_enum)),
    ]
    if n_sampled:
        parts.append(sampled_masks(u[:, :, n_enum + 1 :], sizes, cdf, M, x.dtype))
    Z = jnp.concatenate(parts, axis=2)
    columns = jnp.swapaxes(Z[:, jnp.asarray(players), :], 1, 2) > 0.5  # (size, n, d)
    S = jnp.where(columns[:, :, None, :], x[:, None, None, :], background[None, None])
    return S.reshape(size, Z.shape[2], -1), Z
