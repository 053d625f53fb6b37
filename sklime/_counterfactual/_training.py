"""Training the generator and the selector with optax.

The loss is the cross-entropy of the differentiable model's prediction at
the decoded relaxed counterfactual towards the target class, plus ``alpha``
times the L1 norm of the change masks. An epoch is one ``lax.scan`` of Adam
steps over shuffled minibatches; minibatches and epochs are padded to bucket
sizes with weight-0 slots, and a step on a batch of zero total weight
changes nothing. optax is imported lazily (:func:`import_optax`), with a
clear message when it is missing.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._shapes import bucket, pad_rows
from ._network import init_networks, relaxed_counterfactuals

__all__ = ["epoch_batches", "import_optax", "train_networks"]


def import_optax():
    """The ``optax`` module, or an ImportError saying how to install it."""
    try:
        import optax
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "CounterfactualExplainer trains its networks with optax, which is not "
            "installed. Install it with `pip install optax` or "
            "`pip install sklime[counterfactual]`."
        ) from exc
    return optax


def _loss(params, batch, tab, model, model_params, hyper):
    cf, values, mask = relaxed_counterfactuals(
        params,
        batch["x"],
        batch["codes"],
        batch["wanted"],
        tab,
        batch["noise"],
        hyper["tau"],
    )
    b = cf.shape[0]
    logp = model(model_params, values, cf.reshape(b, -1))
    ce = -jnp.sum(logp * batch["wanted"], axis=1)
    per_row = ce + hyper["alpha"] * jnp.sum(jnp.abs(mask), axis=1)
    w = batch["weight"]
    return jnp.sum(w * per_row) / jnp.maximum(jnp.sum(w), 1.0)


def _masked_step(opt, grad_fn, params, opt_state, *args):
    """One Adam step; a batch of zero total weight (padding) changes nothing."""
    optax = import_optax()
    loss, grads = grad_fn(params, *args)
    updates, new_state = opt.update(grads, opt_state, params)
    new_params = optax.apply_updates(params, updates)
    active = jnp.sum(args[0]["weight"]) > 0
    keep = partial(jax.tree_util.tree_map, lambda new, old: jnp.where(active, new, old))
    return keep(new_params, params), keep(new_state, opt_state), loss, active


@jax.jit
def _adam_init(params):
    return import_optax().adam(1.0).init(params)


@partial(jax.jit, static_argnames=("model",))
def _train_epoch(
    params, opt_state, data, order, weight, noise, tab, model, model_params, hyper
):
    """One epoch of Adam over minibatches (a ``lax.scan``).

    ``order`` (n_batches, B) holds the rows of every minibatch, ``weight``
    (n_batches, B) their weights (0 for padding), ``noise``
    (n_batches, B, D * K + D) their uniform numbers.
    """
    opt = import_optax().adam(hyper["learning_rate"])
    grad_fn = jax.value_and_grad(_loss)

    def step(carry, inputs):
        idx, w, u = inputs
        batch = {k: v[idx] for k, v in data.items()}
        batch.update(weight=w, noise=u)
        params, opt_state, loss, active = _masked_step(
            opt, grad_fn, *carry, batch, tab, model, model_params, hyper
        )
        return (params, opt_state), (loss * active, active)

    (params, opt_state), (losses, active) = jax.lax.scan(
        step, (params, opt_state), (order, weight, noise)
    )
    return params, opt_state, jnp.sum(losses) / jnp.maximum(jnp.sum(active), 1)


def epoch_batches(rng, n, batch_size):
    """Rows and weights ``(n_batches, B)`` of one epoch of shuffled minibatches.

    Every batch holds ``batch_size`` rows but the last (the remainder, as
    with ``drop_last=False``); batches are padded to ``B`` slots and the
    epoch to a bucketed number of batches with weight-0 slots pointing at
    row ``n`` (a padding row).
    """
    B = batch_size if n >= batch_size else bucket(n, minimum=8)
    n_batches = -(-n // batch_size)
    total = bucket(n_batches, minimum=1)
    order = np.full((total, B), n, dtype=np.int32)
    weight = np.zeros((total, B), dtype=np.float32)
    perm = rng.permutation(n)
    for i in range(n_batches):
        rows = perm[i * batch_size : (i + 1) * batch_size]
        order[i, : rows.size] = rows
        weight[i, : rows.size] = 1.0
    return order, weight


def train_networks(
    rng,
    X,
    codes,
    targets,
    layout,
    model,
    model_params,
    *,
    n_outputs,
    generator_layers,
    selector_layers,
    tau,
    alpha,
    learning_rate,
    max_epochs,
    batch_size,
    progress=None,
):
    """Initialise the generator and the selector and train them with Adam.

    Parameters
    ----------
    rng : numpy Generator
        Draws the initial weights, then every epoch's minibatches and noise.
    X : ndarray of shape (n, d)
        Training rows.
    codes : ndarray of shape (n, d), int
        Their bins.
    targets : ndarray of shape (n,), int
        Each row's target class.
    layout : BinLayout
    model : TracedModel or ProxyModel
        The differentiable model (a static argument of the jitted epoch).
    model_params : pytree or None
        Its parameters.
    n_outputs : int
    generator_layers, selector_layers : tuple of int
    tau, alpha, learning_rate : float
    max_epochs, batch_size : int
    progress : tqdm bar or None, default=None
        Ticks once per epoch (and is closed at the end).

    Returns
    -------
    params : dict
        ``{"generator": mlp, "selector": mlp}``, trained.
    losses : ndarray of shape (max_epochs,)
        Mean training loss per epoch.
    """
    n = X.shape[0]
    tab = layout.device_tables()
    D, K = tab["rep"].shape
    params = init_networks(rng, D, K, n_outputs, generator_layers, selector_layers)
    opt_state = _adam_init(params)
    rows = bucket(n + 1)  # row n is the padding row of the minibatches
    data = {
        "x": pad_rows(layout.pad_features(X), rows).astype(np.float32),
        "codes": pad_rows(layout.pad_features(codes), rows),
        "wanted": pad_rows(np.eye(n_outputs, dtype=np.float32)[targets], rows),
    }
    hyper = {
        "tau": np.float32(tau),
        "alpha": np.float32(alpha),
        "learning_rate": np.float32(learning_rate),
    }
    losses = []
    for _ in range(max_epochs):
        order, weight = epoch_batches(rng, n, int(batch_size))
        noise = rng.random(order.shape + (D * K + D,), dtype=np.float32)
        params, opt_state, loss = _train_epoch(
            params,
            opt_state,
            data,
            order,
            weight,
            noise,
            tab,
            model,
            model_params,
            hyper,
        )
        losses.append(loss)
        if progress is not None:
            progress.update(1)
    if progress is not None:
        progress.close()
    return params, np.asarray(jax.device_get(losses), dtype=np.float64)
