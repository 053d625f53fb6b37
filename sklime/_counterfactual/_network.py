"""The L2C networks' forward pass: relaxed counterfactuals and discrete draws.

L2C (Vo et al., KDD 2023) trains two small networks on the one-hot encoding of
the binned data: a *generator* that gives, for every feature, logits over
that feature's bins (categories), and a *selector* that gives, for every
feature, the probability of changing it. A counterfactual is one draw of
both: per feature, a candidate bin (Gumbel-softmax) and a change mask
(relaxed Bernoulli), mixed as ``x * (1 - mask) + candidate * mask`` in the
one-hot space (:func:`relaxed_counterfactuals`, what training sees). At
inference the draws are discrete (:func:`draw_bins`), and several draws per
row give diverse counterfactuals.

Shapes follow :class:`~sklime._counterfactual._layout.BinLayout`: ``D``
padded features of ``K`` bins. Rows are padded to bucket sizes too, so the
jitted kernels see few distinct shapes. All random numbers are drawn with
numpy (per-row streams at inference, see
:func:`sklime._sampling._random.row_uniforms`) and enter the kernels as
uniform noise.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._shapes import bucket, pad_rows
from .._sampling._random import row_uniforms
from .._sampling._relaxed import (
    gumbel_softmax_from_uniform,
    relaxed_bernoulli_from_uniform,
)
from ._mlp import apply_mlp, init_mlp

__all__ = [
    "bins_onehot",
    "decode",
    "draw_bins",
    "heads",
    "init_networks",
    "relaxed_counterfactuals",
]

#: Logit given to the padding bins (never drawn).
_NEG = -1e9


def init_networks(rng, D, K, n_outputs, generator_layers, selector_layers):
    """Initial weights of the generator and the selector.

    Parameters
    ----------
    rng : numpy Generator
    D, K : int
        Padded features and bins per feature.
    n_outputs : int
        Classes of the black box (the width of the target's one-hot).
    generator_layers, selector_layers : tuple of int
        Hidden layer sizes.

    Returns
    -------
    params : dict
        ``{"generator": mlp, "selector": mlp}``; both read ``D * K + n_outputs``
        inputs, the generator gives ``D * K`` logits, the selector ``D``.
    """
    n_in = D * K + n_outputs
    return {
        "generator": init_mlp(rng, (n_in, *generator_layers, D * K)),
        "selector": init_mlp(rng, (n_in, *selector_layers, D)),
    }


def bins_onehot(codes, tab):
    """Padded one-hot ``(..., D, K)`` of bin codes ``(..., D)``."""
    K = tab["rep"].shape[1]
    return (codes[..., None] == jnp.arange(K)).astype(tab["rep"].dtype)


def heads(params, x_onehot, wanted, tab):
    """Generator logits ``(b, D, K)`` and selector logits ``(b, D)``.

    Both networks see the row's one-hot and the one-hot ``wanted``
    ``(b, n_outputs)`` of its target class: rows with the same bins on
    either side of the decision boundary must move in opposite directions.
    """
    b = x_onehot.shape[0]
    D, K = tab["rep"].shape
    inputs = jnp.concatenate([x_onehot.reshape(b, D * K), wanted], axis=1)
    logits = apply_mlp(params["generator"], inputs).reshape(b, D, K)
    logits = jnp.where(tab["valid"], logits, _NEG)
    return logits, apply_mlp(params["selector"], inputs)


def decode(cf, x, x_onehot, tab):
    """Model-space values of one-hot counterfactuals: a differentiable weighted sum.

    Each bin contributes its representative value (training mean; the
    category value for categorical features), except the row's own bin,
    which contributes the row's own value: a feature the counterfactual
    leaves in its bin keeps its exact value.
    """
    rep = jnp.where(x_onehot > 0, x[..., None], tab["rep"])
    return jnp.sum(cf * rep, axis=-1)


def relaxed_counterfactuals(params, x, codes, wanted, tab, noise, tau):
    """Relaxed (training-time) L2C counterfactuals of a batch of rows.

    Parameters
    ----------
    params : dict
        ``{"generator": mlp, "selector": mlp}`` (see :mod:`sklime._counterfactual._mlp`).
    x : array of shape (b, D)
        The rows in model space (padding features: 0).
    codes : int array of shape (b, D)
        Their bin (category) indices.
    wanted : array of shape (b, n_outputs)
        One-hot of each row's target class.
    tab : dict
        Layout tables: ``rep`` (D, K) representative values, ``valid``
        (D, K) real bins, ``mutable`` (D,) 0/1.
    noise : array of shape (b, D * K + D)
        Uniform numbers: the Gumbel noise of the candidates, then the
        logistic noise of the masks.
    tau : float
        Temperature of both relaxations.

    Returns
    -------
    cf : array of shape (b, D, K)
        Relaxed one-hot counterfactuals ``x * (1 - mask) + candidate * mask``.
    values : array of shape (b, D)
        Their decoded model-space values.
    mask : array of shape (b, D)
        Relaxed change masks (0 on immutable features).
    """
    b = x.shape[0]
    D, K = tab["rep"].shape
    x_oh = bins_onehot(codes, tab)
    logits, sel = heads(params, x_oh, wanted, tab)
    candidate = gumbel_softmax_from_uniform(
        noise[:, : D * K].reshape(b, D, K), logits, tau
    )
    mask = relaxed_bernoulli_from_uniform(noise[:, D * K :], sel, tau) * tab["mutable"]
    cf = x_oh * (1 - mask[..., None]) + candidate * mask[..., None]
    return cf, decode(cf, x, x_oh, tab), mask


@jax.jit
def _draw_padded(params, codes, wanted, tab, noise):
    """Discrete counterfactual bins ``(b, n_counterfactuals, D)``.

    ``noise`` (b, n_counterfactuals, D * K + D) holds each draw's uniform
    numbers: the candidate is an exact categorical draw from the generator's
    softmax (Gumbel-max), the change an exact Bernoulli draw of the
    selector's probability.
    """
    b, n_cf, _ = noise.shape
    D, K = tab["rep"].shape
    logits, sel = heads(params, bins_onehot(codes, tab), wanted, tab)
    u_gen = noise[..., : D * K].reshape(b, n_cf, D, K)
    draws = gumbel_softmax_from_uniform(u_gen, logits[:, None], hard=True)
    change = relaxed_bernoulli_from_uniform(
        noise[..., D * K :], sel[:, None], hard=True
    )
    change = change * tab["mutable"]
    return jnp.where(change > 0, jnp.argmax(draws, axis=-1), codes[:, None, :])


def draw_bins(params, layout, X, codes, wanted, n_counterfactuals, seed):
    """Counterfactual bins ``(n, n_counterfactuals, d)`` of the rows ``X``.

    Every row's uniform numbers come from its own stream (the seed and
    the row's values), and rows are padded to bucket sizes: a row's
    counterfactuals do not depend on the other rows.

    Parameters
    ----------
    params : dict
        ``{"generator": mlp, "selector": mlp}``.
    layout : BinLayout
    X : ndarray of shape (n, d)
    codes : ndarray of shape (n, d), int
        The rows' bins.
    wanted : ndarray of shape (n, n_outputs)
        One-hot of each row's target class.
    n_counterfactuals : int
    seed : int

    Returns
    -------
    bins : ndarray of shape (n, n_counterfactuals, d), int64
    """
    n, d = X.shape
    tab = layout.device_tables()
    D, K = tab["rep"].shape
    noise = row_uniforms(seed, X, (n_counterfactuals, D * K + D), np.float32)
    size = bucket(n)
    codes = pad_rows(layout.pad_features(codes), size)
    wanted = pad_rows(wanted, size)
    if size > n:
        xp = np if isinstance(noise, np.ndarray) else jnp
        noise = xp.concatenate([noise, xp.repeat(noise[:1], size - n, axis=0)])
    bins = _draw_padded(params, codes, wanted, tab, noise)
    return np.asarray(bins)[:n, :, :d].astype(np.int64)
