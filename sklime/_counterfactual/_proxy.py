"""Proxy distillation: a small JAX MLP that stands in for an opaque black box.

Training needs gradients of the model. When ``predict_fn`` cannot be traced
by JAX (a scikit-learn estimator, numpy code), :func:`distil` fits an MLP to
the black box's probabilities on the training rows and on perturbed copies
of them (:func:`perturb`: features moved to random bins, as counterfactuals
move them), and measures its agreement with the black box on held-out
perturbed rows. The proxy reads standardized values and the padded one-hot
(see :func:`sklime._counterfactual._blackbox.proxy_logits`); it is used for
training only.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._shapes import bucket, pad_rows
from ._blackbox import proxy_logits
from ._mlp import init_mlp
from ._network import bins_onehot
from ._training import import_optax

__all__ = ["distil", "perturb"]

#: The distilled proxy: hidden layers, batch size, learning rate, and its
#: number of Adam steps: ``_PROXY_EPOCHS`` passes over its data, within bounds.
_PROXY_LAYERS = (64, 64)
_PROXY_BATCH = 256
_PROXY_LR = 3e-3
_PROXY_EPOCHS = 40
_PROXY_STEPS = (200, 1500)
#: Perturbed copies of each training row in the proxy's data, and bounds.
_PROXY_COPIES = 10
_PROXY_ROWS = (1000, 20000)
#: Fraction of the proxy's perturbed rows held out to measure agreement.
_PROXY_HOLDOUT = 0.2


@jax.jit
def _train_proxy(mlp, data, center, scale, order, lr):
    """Distil the black box: Adam on the soft-label cross-entropy.

    ``order`` (n_steps, batch_size) holds the rows of every minibatch.
    """
    optax = import_optax()
    opt = optax.adam(lr)

    def loss(mlp, batch):
        model_params = {"mlp": mlp, "center": center, "scale": scale}
        logits = proxy_logits(model_params, batch["values"], batch["onehot"])
        logp = jax.nn.log_softmax(logits, axis=-1)
        return -jnp.mean(jnp.sum(batch["proba"] * logp, axis=-1))

    grad_fn = jax.value_and_grad(loss)

    def step(carry, idx):
        mlp, opt_state = carry
        batch = {k: v[idx] for k, v in data.items()}
        value, grads = grad_fn(mlp, batch)
        updates, opt_state = opt.update(grads, opt_state, mlp)
        return (optax.apply_updates(mlp, updates), opt_state), value

    (mlp, _), losses = jax.lax.scan(step, (mlp, opt.init(mlp)), order)
    return mlp, losses


@jax.jit
def _proxy_predict(model_params, values, codes, tab):
    b = codes.shape[0]
    x_onehot = bins_onehot(codes, tab).reshape(b, -1)
    return proxy_logits(model_params, values, x_onehot)


def perturb(layout, X, codes, n_rows, rng):
    """Training rows with random features moved to random bins.

    Each perturbed row starts from a random training row; each mutable
    feature moves, with a per-row probability drawn uniformly in
    [0.05, 1], to a bin drawn uniformly among the feature's bins: the
    kind of rows the generator produces.

    Parameters
    ----------
    layout : BinLayout
    X : ndarray of shape (n, d)
        Training rows.
    codes : ndarray of shape (n, d), int
        Their bins.
    n_rows : int
        Perturbed rows to make.
    rng : numpy Generator

    Returns
    -------
    values : ndarray of shape (n_rows, d)
        The perturbed rows in model space.
    new_codes : ndarray of shape (n_rows, d), int
        Their bins.
    """
    n, d = X.shape
    rows = rng.integers(0, n, n_rows)
    rate = rng.uniform(0.05, 1.0, (n_rows, 1))
    move = (rng.random((n_rows, d)) < rate) & (layout.mutable > 0)
    new = np.floor(rng.random((n_rows, d)) * layout.n_bins).astype(np.int32)
    new_codes = np.where(move, new, codes[rows])
    return layout.values(X[rows], codes[rows], new_codes), new_codes


def distil(proba, X, Y, codes, layout, scale, rng):
    """Train the proxy MLP on the black box's probabilities.

    Parameters
    ----------
    proba : callable
        ``proba(rows) -> (m, n_outputs)``: the black box's probabilities.
    X : ndarray of shape (n, d)
        Training rows.
    Y : ndarray of shape (n, n_outputs)
        The black box's probabilities at them.
    codes : ndarray of shape (n, d), int
        Their bins.
    layout : BinLayout
    scale : ndarray of shape (d,)
        Positive standard deviations of the training rows.
    rng : numpy Generator
        Draws the perturbed rows, the initial weights and the minibatches.

    Returns
    -------
    model_params : dict
        The proxy's ``mlp`` and input standardization (``center``,
        ``scale``), padded to ``D`` features: the parameters of
        :class:`~sklime._counterfactual._blackbox.ProxyModel`.
    agreement : float
        Fraction of held-out perturbed rows on which the proxy's predicted
        class equals the black box's.
    """
    n, d = X.shape
    lo, hi = _PROXY_ROWS
    n_pert = int(np.clip(_PROXY_COPIES * n, lo, hi))
    n_hold = max(int(_PROXY_HOLDOUT * n_pert), 1)
    values, new_codes = perturb(layout, X, codes, n_pert, rng)
    Y_pert = proba(values)
    tab = layout.device_tables()
    D, K = tab["rep"].shape
    pad = layout.pad_features
    all_codes = pad(np.vstack([codes, new_codes[n_hold:]]))
    n_train = all_codes.shape[0]
    rows = bucket(n_train)
    train = {
        "values": pad_rows(pad(np.vstack([X, values[n_hold:]])), rows).astype(
            np.float32
        ),
        "onehot": pad_rows(
            (all_codes[..., None] == np.arange(K)).reshape(n_train, D * K), rows
        ).astype(np.float32),
        "proba": pad_rows(np.vstack([Y, Y_pert[n_hold:]]), rows).astype(np.float32),
    }
    model_params = {
        "center": pad(X.mean(axis=0)).astype(np.float32),
        "scale": np.pad(scale, (0, D - d), constant_values=1.0).astype(np.float32),
        "mlp": init_mlp(rng, (D + D * K, *_PROXY_LAYERS, Y.shape[1])),
    }
    batch = min(_PROXY_BATCH, n_train)
    steps = int(np.clip(_PROXY_EPOCHS * n_train // batch, *_PROXY_STEPS))
    order = rng.integers(0, n_train, (bucket(steps), batch)).astype(np.int32)
    model_params["mlp"], _ = _train_proxy(
        model_params["mlp"],
        train,
        model_params["center"],
        model_params["scale"],
        order,
        np.float32(_PROXY_LR),
    )
    held = _proxy_predict(
        model_params,
        pad(values[:n_hold]).astype(np.float32),
        pad(new_codes[:n_hold]),
        tab,
    )
    agree = np.argmax(np.asarray(held), axis=1) == np.argmax(Y_pert[:n_hold], axis=1)
    return model_params, float(agree.mean())
