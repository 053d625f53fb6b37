"""The black box, as the counterfactual explainer calls and differentiates it.

Two views of ``predict_fn``: its class probabilities on numpy rows
(:func:`predict_proba`; the real model, which judges validity), and the
differentiable model that training back-propagates through:
``predict_fn`` itself when JAX can trace it (:func:`is_traceable`,
:class:`TracedModel`), or else a distilled MLP (:class:`ProxyModel`, trained
in :mod:`sklime._counterfactual._proxy`). Both differentiable models map
decoded rows to log-probabilities with one signature,
``model(model_params, values, onehot)``.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._model import ModelCaller, output_matrix
from ._mlp import apply_mlp

__all__ = [
    "ProxyModel",
    "TracedModel",
    "is_traceable",
    "predict_proba",
    "proxy_logits",
]

#: Smallest probability whose log the traced model's loss sees.
_TINY_PROB = 1e-30


def _as_frame(block, columns):
    import pandas as pd

    return pd.DataFrame(block, columns=columns)


def predict_proba(fn, X, feature_names=None):
    """Class probabilities ``(n, n_outputs)`` of the real black box.

    Parameters
    ----------
    fn : callable
        The resolved black box (see
        :func:`sklime._engine._model.resolve_predict_fn`).
    X : ndarray of shape (n, n_features)
    feature_names : ndarray of str, default=None
        When given (the explainer was fitted on a DataFrame), ``fn`` receives
        a DataFrame with these columns.

    Returns
    -------
    Y : ndarray of shape (n, n_outputs)
        A 1-D output (or one column) is the probability of class 1 and
        becomes two columns ``[1 - p, p]``.
    """
    make_input = (
        None if feature_names is None else partial(_as_frame, columns=feature_names)
    )
    return ModelCaller(fn, None, binary=True, make_input=make_input)(X)


@dataclass(frozen=True)
class TracedModel:
    """The black box itself (JAX-traceable): log-probabilities of decoded rows.

    Parameters
    ----------
    fn : callable
        The traceable black box.
    n_features : int
        Its number of inputs; the decoded rows' padding features are cut off.
    """

    fn: Any
    n_features: int

    def __call__(self, model_params, values, onehot):
        p = jnp.asarray(self.fn(values[:, : self.n_features]))
        p = output_matrix(p, values.shape[0], binary=True)
        return jnp.log(jnp.clip(p, _TINY_PROB, 1.0))


@dataclass(frozen=True)
class ProxyModel:
    """The distilled MLP: log-probabilities from standardized values and one-hot."""

    def __call__(self, model_params, values, onehot):
        return jax.nn.log_softmax(proxy_logits(model_params, values, onehot), axis=-1)


def proxy_logits(model_params, values, onehot):
    """Proxy logits from values ``(b, D)`` and flat padded one-hot ``(b, D * K)``.

    Parameters
    ----------
    model_params : dict
        ``center`` and ``scale`` ``(D,)`` (the input standardization) and
        ``mlp`` (see :mod:`sklime._counterfactual._mlp`).
    values : array of shape (b, D)
    onehot : array of shape (b, D * K)

    Returns
    -------
    logits : array of shape (b, n_outputs)
    """
    z = (values - model_params["center"]) / model_params["scale"]
    return apply_mlp(model_params["mlp"], jnp.concatenate([z, onehot], axis=-1))


def is_traceable(fn, n_features, n_outputs, X_probe, Y_probe):
    """Whether ``fn`` can be used inside JAX: it traces and agrees with itself.

    ``fn`` is traced with :func:`jax.eval_shape` on a float32 input of shape
    ``(2, n_features)``; it must return one float array of shape ``(2,)``,
    ``(2, 1)`` or ``(2, n_outputs)``. Then the jitted function must give the
    same outputs (to float32 precision) as the plain calls on a few training
    rows. Any exception along the way means "not traceable".

    Parameters
    ----------
    fn : callable
    n_features, n_outputs : int
    X_probe : ndarray of shape (m, n_features)
        A few training rows.
    Y_probe : ndarray of shape (m, n_outputs)
        The black box's probabilities at them (see :func:`predict_proba`).

    Returns
    -------
    bool
    """
    spec = jax.ShapeDtypeStruct((2, n_features), jnp.float32)
    try:
        out = jax.eval_shape(fn, spec)
        if not hasattr(out, "shape") or not jnp.issubdtype(out.dtype, jnp.floating):
            return False
        if out.shape not in {(2,), (2, 1), (2, n_outputs)}:
            return False
        jitted = np.asarray(jax.jit(fn)(np.asarray(X_probe, np.float32)))
        jitted = output_matrix(jitted, Y_probe.shape[0], binary=True)
    except Exception:  # any failure means "use a proxy"
        return False
    return bool(np.allclose(jitted, Y_probe, rtol=1e-3, atol=1e-4))
