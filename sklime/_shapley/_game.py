"""The game Kernel SHAP explains: the model averaged over a background.

``v(S) = sum_b w_b f(x_S, b_notS)``: the players in ``S`` keep the row's
values, the others take a background row's, and the model's outputs are
averaged with the background weights (the interventional game of ``shap``'s
``KernelExplainer``). The plan builds each coalition's ``B`` model rows (on
the device, while the model runs on the previous chunk) and the engine hands
them to the game as it hands a black box its samples, one coalition per
sample: the game *is* the black box of a Kernel SHAP plan. On the host it
calls ``predict_fn`` on ``k * B`` rows and averages; on the device it is a
JAX-traceable function of the user's JAX model. This module also summarises
the background (weighted k-means, as ``shap.kmeans``).
"""

import jax.numpy as jnp
import numpy as np
from sklearn.cluster import KMeans

from .._engine._model import ModelCaller, output_matrix

__all__ = ["DeviceGame", "HostGame", "summarise_background"]


def summarise_background(X, sample_weight, max_rows, random_state):
    """At most ``max_rows`` weighted rows standing for ``X``.

    Up to ``max_rows`` rows, ``X`` itself with its (normalised) weights;
    beyond, the centres of a weighted k-means with ``max_rows`` clusters,
    each value snapped to the nearest value of its column in ``X`` (so
    categorical codes and integer columns stay valid, as ``shap.kmeans``
    does), weighted by the weight of their cluster.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    sample_weight : ndarray of shape (n,) or None
    max_rows : int
    random_state : int, RandomState instance or None

    Returns
    -------
    background : ndarray of shape (B, d)
    weights : ndarray of shape (B,), summing to one
    """
    w = (
        np.ones(X.shape[0])
        if sample_weight is None
        else np.asarray(sample_weight, float)
    )
    if X.shape[0] <= max_rows:
        return X.copy(), w / w.sum()
    km = KMeans(n_clusters=max_rows, n_init=3, random_state=random_state)
    labels = km.fit(X, sample_weight=w).labels_
    centres = km.cluster_centers_.copy()
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        pos = np.clip(
            np.searchsorted(values, centres[:, j]), 1, max(values.size - 1, 1)
        )
        lo, hi = values[pos - 1], values[np.minimum(pos, values.size - 1)]
        centres[:, j] = np.where(centres[:, j] - lo <= hi - centres[:, j], lo, hi)
    weights = np.bincount(labels, weights=w, minlength=max_rows)
    keep = weights > 0
    return centres[keep], weights[keep] / weights[keep].sum()


class HostGame:
    """``v`` of coalitions from their model rows, with ``predict_fn`` on the host.

    A coalition reaches the game as one row of ``B * d`` numbers: its ``B``
    model rows (the explained row's values on the coalition, a background
    row's elsewhere) side by side, built by the plan.

    Parameters
    ----------
    fn : callable
        The black box.
    weights : ndarray of shape (B,)
        The background weights.
    binary : bool
        A 1-D output is a binary classifier's probability of class 1.
    rows_per_call : int or None
        Most model rows per call of ``fn`` (``None``: one call per block).
    make_input : callable or None
        Turns numeric rows into ``fn``'s input (a DataFrame).
    """

    def __init__(self, fn, weights, binary, rows_per_call, make_input):
        self.weights = weights
        self.caller = ModelCaller(
            fn, rows_per_call, binary=binary, make_input=make_input
        )

    def __call__(self, block):
        k, B = block.shape[0], self.weights.size
        rows = np.asarray(block).reshape(k * B, -1)
        out = self.caller(rows, what="coalition rows")
        return np.einsum("kbl,b->kl", out.reshape(k, B, -1), self.weights)


class DeviceGame:
    """The same game, JAX-traceable, for ``jax_model=True``.

    Parameters
    ----------
    fn : callable
        The user's JAX-traceable black box.
    weights : ndarray of shape (B,)
    binary : bool
    """

    def __init__(self, fn, weights, binary):
        self.fn = fn
        self.weights = weights
        self.binary = binary

    def __call__(self, block):
        k, B = block.shape[0], self.weights.size
        rows = block.reshape(k * B, -1)
        out = output_matrix(jnp.asarray(self.fn(rows)), k * B, self.binary)
        weights = jnp.asarray(self.weights, out.dtype)
        return jnp.einsum("kbl,b->kl", out.reshape(k, B, -1), weights)
