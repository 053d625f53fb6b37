"""A tiny multilayer perceptron in pure JAX (no flax): init and apply.

Parameters are a tuple of ``(W, b)`` pairs, a pytree that optax, ``jit`` and
``pickle`` handle as they are.
"""

import jax
import numpy as np

__all__ = ["init_mlp", "apply_mlp", "mlp_to_numpy"]


def init_mlp(random_state, sizes, dtype=np.float32):
    """He-initialised weights and zero biases for layer ``sizes``.

    The weights are drawn with numpy (no JAX random kernel to compile).

    Parameters
    ----------
    random_state : int or numpy Generator
    sizes : sequence of int
        ``(n_inputs, hidden_1, ..., n_outputs)``.
    dtype : float dtype, default=float32

    Returns
    -------
    params : tuple of (W, b)
        numpy arrays: ``W`` of shape ``(sizes[i], sizes[i + 1])``, ``b`` of
        shape ``(sizes[i + 1],)``.

    Examples
    --------
    >>> import jax
    >>> params = init_mlp(0, (3, 8, 2))
    >>> [w.shape for w, _ in params]
    [(3, 8), (8, 2)]
    >>> apply_mlp(params, jax.numpy.ones((5, 3))).shape
    (5, 2)
    """
    rng = np.random.default_rng(random_state)
    sizes = [int(s) for s in sizes]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        scale = np.sqrt(2.0 / max(n_in, 1))
        w = (scale * rng.standard_normal((n_in, n_out))).astype(dtype)
        params.append((w, np.zeros((n_out,), dtype)))
    return tuple(params)


def apply_mlp(params, x, activation=jax.nn.relu):
    """Forward pass: ``activation`` after every layer but the last.

    Parameters
    ----------
    params : tuple of (W, b)
    x : array of shape (..., n_inputs)
    activation : callable, default=jax.nn.relu

    Returns
    -------
    out : array of shape (..., n_outputs)
    """
    *hidden, last = params
    for w, b in hidden:
        x = activation(x @ w + b)
    w, b = last
    return x @ w + b


def mlp_to_numpy(params):
    """The same parameters as numpy arrays (for fitted attributes, pickling)."""
    return jax.tree_util.tree_map(np.asarray, params)
