"""PerturbationPlan: the :class:`~sklime._engine._plan.Plan` of a user's perturbation.

The user's ``perturb(x, u)`` turns an item ``x`` (a row of numbers) and its
uniform numbers ``u`` into interpretable samples ``Z`` and model-space
samples ``S`` (row 0 of both: the item itself), in numpy or JAX. The engine
gives ``u`` from the item's own stream (keyed by its values, as
``LimeExplainer``'s rows), so equal items get equal samples in any batch.
"""

import jax.numpy as jnp
import numpy as np

from .._engine._shapes import chunk_rows
from .._sampling._random import as_uniform
from .._surrogate._fit import sample_weights

__all__ = ["PerturbationPlan"]


class PerturbationPlan:
    """Rows ``X`` perturbed by a user's function.

    Parameters
    ----------
    X : ndarray of shape (n_items, d)
    perturb : callable ``(x (d,), u (n_random, n - 1)) -> (Z (n, p), S (n, m))``
    n_random : int
    n_interpretable : int
        ``p``, from a probe of ``perturb``.
    similarity : callable or None
        ``similarity(Z (n, p)) -> (n,)`` weights; ``None`` is the
        exponential kernel of the euclidean distance to ``Z[0]``.
    kernel_width : float
    """

    stream_dtype = np.float32

    def __init__(
        self, X, perturb, *, n_random, n_interpretable, similarity, kernel_width
    ):
        self.X = X
        self.perturb = perturb
        self._n_random = int(n_random)
        self.p = int(n_interpretable)
        self.similarity = similarity
        self.kernel_width = float(kernel_width)
        self.n_items = X.shape[0]
        self.dtype = X.dtype

    def widths(self):
        return np.full(self.n_items, self.p)

    def padded_width(self, p):
        return p

    def chunk_size(self, width, n_samples, n_labels):
        return chunk_rows(n_samples, max(width, self.X.shape[1]))

    def stream_rows(self, items):
        return self.X[items]

    def n_random(self, width):
        return self._n_random

    def sample(self, u, items, width):
        u = as_uniform(jnp.asarray(u))
        Zs, Ss = [], []
        for r, i in enumerate(items):
            Z, S = self.perturb(self.X[i], u[r])
            Z = jnp.asarray(Z)
            if not jnp.issubdtype(Z.dtype, jnp.floating):
                Z = Z.astype(self.dtype)
            Zs.append(Z.T)
            Ss.append(jnp.asarray(S).T)
        return jnp.stack(Ss), jnp.stack(Zs)

    def model_input(self, items):
        return None

    def device_input(self, S, items):
        return jnp.swapaxes(S, 1, 2)

    def weights(self, Z):
        if self.similarity is None:
            return sample_weights(Z, self.kernel_width, "euclidean", feature_major=True)
        w = jnp.stack([jnp.asarray(self.similarity(z.T), self.dtype) for z in Z])
        if w.shape != (Z.shape[0], Z.shape[2]):
            raise ValueError(
                f"similarity must return one weight per sample, shape "
                f"({Z.shape[2]},); got {tuple(w.shape[1:])}."
            )
        return w
