"""Kernel SHAP on images and texts: a mask plan with Shapley coalitions.

:class:`ShapleyMasks` wraps the plan of an item explainer whose samples are
masks over the item's features (superpixels, words): the players. It keeps
how the masks reach the model (hidden superpixels, removed words) and
replaces how they are drawn and weighed: sample 0 is the item, sample 1 the
item with every feature hidden (the base value), then the coalitions of
:func:`~sklime._shapley._coalitions.coalition_scheme` for the item's own
number of players, with their kernel weights. Items with fewer coalitions
than the run's sample count (few players, all enumerated) are filled up
with copies of the item at weight zero.
"""

import jax.numpy as jnp
import numpy as np

from ._coalitions import coalition_scheme, sampled_masks

__all__ = ["ShapleyMasks", "shapley_sample_count"]


def shapley_sample_count(widths, budget):
    """Samples per item of a run: the item, the empty mask and the coalitions."""
    return 2 + max(coalition_scheme(int(p), budget).n_coalitions for p in set(widths))


class ShapleyMasks:
    """A mask plan (one item per chunk) with Kernel SHAP's coalitions.

    Parameters
    ----------
    plan : Plan
        An :class:`~sklime._engine._plan.ItemPlanMixin` plan whose model-space
        samples are its masks (``ImagePlan``, ``TextPlan``).
    budget : int
        Coalitions per item besides the empty and the full one.
    """

    def __init__(self, plan, budget):
        self.plan = plan
        self.budget = int(budget)
        self.n_samples = shapley_sample_count(plan.widths(), self.budget)
        self._schemes = {}
        self._layouts = {}

    def __getattr__(self, name):  # widths, chunks, streams, model input: the plan's
        return getattr(self.plan, name)

    def _scheme(self, p):
        if p not in self._schemes:
            self._schemes[p] = coalition_scheme(p, self.budget)
        return self._schemes[p]

    def n_random(self, width):
        return width // 2 + 1

    def _layout(self, p, width):
        """The fixed masks ``(width, k)`` and weights ``(n,)`` of a ``p``-player item."""
        if (p, width) not in self._layouts:
            self._layouts[p, width] = self._build_layout(p, width)
        return self._layouts[p, width]

    def _build_layout(self, p, width):
        scheme = self._scheme(p)
        fixed = np.zeros((width, 2 + scheme.enumerated.shape[0]))
        fixed[:p, 0] = 1
        fixed[:p, 2:] = scheme.enumerated.T
        fill = self.n_samples - 2 - scheme.n_coalitions
        weights = np.concatenate([[0.0, 0.0], scheme.weights, np.zeros(fill)])
        return scheme, fixed, fill, weights

    def sample(self, u, items, width):
        p = int(self.plan.widths()[items[0]])
        scheme, fixed, fill, _ = self._layout(p, width)
        dtype = self.plan.dtype
        parts = [jnp.asarray(fixed, dtype)[None]]
        if scheme.n_sampled:
            start = fixed.shape[1] - 1  # u's columns are samples 1..n-1
            drawn = sampled_masks(
                u[:, :, start : start + scheme.n_sampled],
                scheme.pair_sizes,
                scheme.pair_cdf,
                p,
                dtype,
            )
            parts.append(jnp.pad(drawn, ((0, 0), (0, width - p), (0, 0))))
        if fill:
            parts.append(
                jnp.broadcast_to(jnp.asarray(fixed[:, :1], dtype), (1, width, fill))
            )
        Z = jnp.concatenate(parts, axis=2)
        Z = jnp.broadcast_to(Z, (len(items),) + Z.shape[1:])
        return Z, Z

    def weights(self, Z):
        # One item per chunk: its player count is the full coalition's size.
        p = int(np.asarray(Z[0, :, 0]).sum())
        w = self._layout(p, Z.shape[1])[3]
        return jnp.broadcast_to(jnp.asarray(w, Z.dtype), (Z.shape[0], Z.shape[2]))
