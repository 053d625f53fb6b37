"""CounterfactualExplainer: L2C counterfactuals as a scikit-learn estimator.

L2C (Vo et al., KDD 2023) trains two small networks on the one-hot encoding of
the binned data: a *generator* that gives, for every feature, logits over
that feature's bins (categories), and a *selector* that gives, for every
feature, the probability of changing it. A counterfactual is one draw of
both: per feature, a candidate bin (Gumbel-softmax) and a change mask
(relaxed Bernoulli), mixed as ``x * (1 - mask) + candidate * mask`` in the
one-hot space. Training pushes the model's prediction at the decoded
counterfactual towards the target class, with an L1 penalty on the masks for
sparsity. At inference the draws are discrete, and several draws per row give
diverse counterfactuals.

Shapes. ``d`` features are padded to ``D = bucket(d)`` (the padding features
have a single bin and never change) and every feature to ``K`` bins (the
widest feature's; padding bins are never drawn), so the jitted kernels see
few distinct shapes. Rows are padded to bucket sizes too, with zero weight.
All random numbers are drawn with numpy (per-row streams at inference, see
:func:`sklime._sampling._random.row_uniforms`) and enter the kernels as uniform noise.
"""

from dataclasses import dataclass
from functools import partial
from numbers import Integral, Real
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._engine._model import (
    ModelCaller,
    PredictFnCloneMixin,
    _is_estimator,
    resolve_predict_fn,
)
from .._engine._shapes import bucket, pad_rows
from .._engine._validation import resolve_features
from .._sampling._random import base_seed, row_uniforms
from .._sampling._relaxed import (
    gumbel_softmax_from_uniform,
    relaxed_bernoulli_from_uniform,
)
from .._tabular._discretizer import Discretizer
from ._explanation import CounterfactualExplanation
from ._mlp import apply_mlp, init_mlp, mlp_to_numpy

__all__ = ["CounterfactualExplainer", "relaxed_counterfactuals"]

#: Logit given to the padding bins (never drawn).
_NEG = -1e9
#: Smallest probability whose log the traced model's loss sees.
_TINY_PROB = 1e-30
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


def _import_optax():
    try:
        import optax
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "CounterfactualExplainer trains its networks with optax, which is not "
            "installed. Install it with `pip install optax` or "
            "`pip install sklime[counterfactual]`."
        ) from exc
    return optax


# -- the differentiable model ---------------------------------------------------


@dataclass(frozen=True)
class _TracedModel:
    """The black box itself (JAX-traceable): log-probabilities of decoded rows."""

    fn: Any
    n_features: int

    def __call__(self, model_params, values, onehot):
        p = jnp.asarray(self.fn(values[:, : self.n_features]))
        if p.ndim == 2 and p.shape[1] == 1:
            p = p[:, 0]
        if p.ndim == 1:  # the probability of class 1
            p = jnp.stack([1 - p, p], axis=-1)
        return jnp.log(jnp.clip(p, _TINY_PROB, 1.0))


@dataclass(frozen=True)
class _ProxyModel:
    """The distilled MLP: log-probabilities from standardized values and one-hot."""

    def __call__(self, model_params, values, onehot):
        return jax.nn.log_softmax(_proxy_logits(model_params, values, onehot), axis=-1)


def _proxy_logits(model_params, values, onehot):
    """Proxy logits from values ``(b, D)`` and flat padded one-hot ``(b, D * K)``."""
    z = (values - model_params["center"]) / model_params["scale"]
    return apply_mlp(model_params["mlp"], jnp.concatenate([z, onehot], axis=-1))


def _is_traceable(fn, n_features, n_outputs, X_probe, Y_probe):
    """Whether ``fn`` can be used inside JAX: it traces and agrees with itself.

    ``fn`` is traced with :func:`jax.eval_shape` on a float32 input of shape
    ``(2, n_features)``; it must return one float array of shape ``(2,)``,
    ``(2, 1)`` or ``(2, n_outputs)``. Then the jitted function must give the
    same outputs (to float32 precision) as the plain calls on a few training
    rows. Any exception along the way means "not traceable".
    """
    spec = jax.ShapeDtypeStruct((2, n_features), jnp.float32)
    try:
        out = jax.eval_shape(fn, spec)
        if not hasattr(out, "shape") or not jnp.issubdtype(out.dtype, jnp.floating):
            return False
        if out.shape not in {(2,), (2, 1), (2, n_outputs)}:
            return False
        jitted = np.asarray(jax.jit(fn)(np.asarray(X_probe, np.float32)))
    except Exception:  # any failure means "use a proxy"
        return False
    jitted = jitted.reshape(Y_probe.shape[0], -1)
    if jitted.shape[1] == 1:
        jitted = np.hstack([1 - jitted, jitted])
    return bool(np.allclose(jitted, Y_probe, rtol=1e-3, atol=1e-4))


# -- the L2C forward pass ---------------------------------------------------------


def _onehot(codes, tab):
    """Padded one-hot ``(..., D, K)`` of bin codes ``(..., D)``."""
    K = tab["rep"].shape[1]
    return (codes[..., None] == jnp.arange(K)).astype(tab["rep"].dtype)


def _heads(params, x_onehot, wanted, tab):
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


def _decode(cf, x, x_onehot, tab):
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
    x_oh = _onehot(codes, tab)
    logits, sel = _heads(params, x_oh, wanted, tab)
    candidate = gumbel_softmax_from_uniform(
        noise[:, : D * K].reshape(b, D, K), logits, tau
    )
    mask = relaxed_bernoulli_from_uniform(noise[:, D * K :], sel, tau) * tab["mutable"]
    cf = x_oh * (1 - mask[..., None]) + candidate * mask[..., None]
    return cf, _decode(cf, x, x_oh, tab), mask


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
    optax = _import_optax()
    loss, grads = grad_fn(params, *args)
    updates, new_state = opt.update(grads, opt_state, params)
    new_params = optax.apply_updates(params, updates)
    active = jnp.sum(args[0]["weight"]) > 0
    keep = partial(jax.tree_util.tree_map, lambda new, old: jnp.where(active, new, old))
    return keep(new_params, params), keep(new_state, opt_state), loss, active


@jax.jit
def _adam_init(params):
    return _import_optax().adam(1.0).init(params)


@partial(jax.jit, static_argnames=("model",))
def _train_epoch(
    params, opt_state, data, order, weight, noise, tab, model, model_params, hyper
):
    """One epoch of Adam over minibatches (a ``lax.scan``).

    ``order`` (n_batches, B) holds the rows of every minibatch, ``weight``
    (n_batches, B) their weights (0 for padding), ``noise``
    (n_batches, B, D * K + D) their uniform numbers.
    """
    opt = _import_optax().adam(hyper["learning_rate"])
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


@jax.jit
def _draw_bins(params, codes, wanted, tab, noise):
    """Discrete counterfactual bins ``(b, n_counterfactuals, D)``.

    ``noise`` (b, n_counterfactuals, D * K + D) holds each draw's uniform
    numbers: the candidate is an exact categorical draw from the generator's
    softmax (Gumbel-max), the change an exact Bernoulli draw of the
    selector's probability.
    """
    b, n_cf, _ = noise.shape
    D, K = tab["rep"].shape
    logits, sel = _heads(params, _onehot(codes, tab), wanted, tab)
    u_gen = noise[..., : D * K].reshape(b, n_cf, D, K)
    onehot = gumbel_softmax_from_uniform(u_gen, logits[:, None], hard=True)
    change = relaxed_bernoulli_from_uniform(
        noise[..., D * K :], sel[:, None], hard=True
    )
    change = change * tab["mutable"]
    return jnp.where(change > 0, jnp.argmax(onehot, axis=-1), codes[:, None, :])


# -- the distilled proxy ------------------------------------------------------------


@jax.jit
def _train_proxy(mlp, data, center, scale, order, lr):
    """Distil the black box: Adam on the soft-label cross-entropy.

    ``order`` (n_steps, batch_size) holds the rows of every minibatch.
    """
    optax = _import_optax()
    opt = optax.adam(lr)

    def loss(mlp, batch):
        model_params = {"mlp": mlp, "center": center, "scale": scale}
        logits = _proxy_logits(model_params, batch["values"], batch["onehot"])
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
    onehot = _onehot(codes, tab).reshape(b, -1)
    return _proxy_logits(model_params, values, onehot)


# -- helpers ---------------------------------------------------------------------------


def _epoch_batches(rng, n, batch_size):
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


def _check_layers(layers, name):
    sizes = tuple(np.atleast_1d(np.asarray(layers, dtype=object)).tolist())
    if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise ValueError(
            f"{name} must be a sequence of positive integers (hidden layer sizes), "
            f"got {layers!r}."
        )
    return tuple(int(s) for s in sizes)


class CounterfactualExplainer(PredictFnCloneMixin, TransformerMixin, BaseEstimator):
    """Counterfactual explanations learned with L2C, as a scikit-learn estimator.

    ``fit`` bins the training data with a quantile :class:`Discretizer`
    (one-hot encoded; categorical features are one-hot as they are) and trains
    two small networks with optax, following L2C [1]_: a *generator* that
    gives, for every feature, logits over the feature's bins, and a
    *selector* that gives, for every feature, the probability of changing it.
    Both read the row's one-hot encoding and the one-hot of its target class.
    A counterfactual of a row ``x`` (one-hot) is, per feature,

    - ``candidate``: a Gumbel-softmax sample of the generator's logits
      (at inference, the one-hot of a categorical draw),
    - ``mask``: a relaxed Bernoulli sample of the selector's probability (at
      inference, a Bernoulli draw), 0 for immutable features,
    - ``x * (1 - mask) + candidate * mask``.

    The loss is the cross-entropy of the model's prediction at the decoded
    counterfactual towards the target class, plus ``alpha`` times the L1 norm
    of the masks (sparsity). ``explain`` draws ``n_counterfactuals``
    counterfactuals per row and judges them with the real black box.

    **Decoding.** A one-hot counterfactual becomes a model input by a
    weighted sum of representative values: a bin's training mean for
    continuous features, the category value for categorical ones; the row's
    own bin contributes the row's own value, so features left in their bin
    keep their exact value. The sum is differentiable in the relaxed one-hot
    and exact for discrete draws.

    **The differentiable model.** Training needs gradients of the model.
    When ``predict_fn`` is a plain callable (not an estimator) that JAX can
    trace -- ``jax.eval_shape`` on a float32 ``(2, n_features)`` input
    returns one float array of shape ``(2,)``, ``(2, 1)`` or
    ``(2, n_outputs)``, and its jitted outputs on a few training rows agree
    with its plain outputs -- it is used directly. Otherwise (any scikit-learn
    estimator, numpy code, Python control flow on values) a small JAX MLP
    *proxy* is distilled from the black box's probabilities on the training
    rows and on perturbed copies of them (features moved to random bins, as
    counterfactuals move them); its agreement with the black box on held-out
    perturbed rows is ``proxy_agreement_``. Validity is always judged with
    the real black box.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box, returning class probabilities: a callable
        ``(n, d) -> (n,)`` (probability of class 1) or ``(n, k)``, or a
        fitted classifier (its ``predict_proba``). Required at :meth:`fit`.
        A fitted estimator is kept as it is by ``clone``.
    generator_layers : tuple of int, default=(64, 64, 64)
        Hidden layer sizes of the generator.
    selector_layers : tuple of int, default=(64,)
        Hidden layer sizes of the selector.
    n_bins : int, default=4
        Quantile bins per continuous feature (quartiles).
    alpha : float, default=1e-4
        Weight of the L1 sparsity penalty on the change masks; larger values
        change fewer features.
    tau : float, default=0.7
        Temperature of the Gumbel-softmax and relaxed Bernoulli samples during
        training; lower is closer to discrete draws (harder masks).
    immutable_features : array-like of int, array-like of str or bool mask, default=None
        Features that counterfactuals never change.
    categorical_features : array-like of int, array-like of str or bool mask, default=None
        Categorical features (numeric codes): one-hot encoded as they are,
        and changed only to categories seen in training.
    target : int, default=None
        Output (class index) the counterfactuals aim at. ``None``: the other
        class for binary models; for multi-class models, each row's
        second most probable class.
    learning_rate : float, default=1e-3
        Adam's learning rate.
    max_epochs : int, default=10
        Epochs of training over the training rows (small datasets need more:
        an epoch is ``ceil(n_samples / batch_size)`` Adam steps).
    batch_size : int, default=128
        Rows per minibatch (at most the number of training rows).
    random_state : int, RandomState instance or None, default=None
        Seeds the networks' initialisation, the training, and the draws of
        :meth:`explain`; a row's counterfactuals depend only on this seed and
        on the row's values.

    Attributes
    ----------
    discretizer_ : Discretizer
        The fitted one-hot quantile discretizer.
    differentiable_model_ : {"predict_fn", "proxy"}
        Whether training used ``predict_fn`` itself or a distilled proxy.
    proxy_agreement_ : float or None
        Fraction of held-out perturbed rows on which the proxy's predicted
        class equals the black box's; ``None`` when no proxy was needed.
    generator_params_, selector_params_ : tuple of (ndarray, ndarray)
        Weights and biases of the networks.
    proxy_params_ : dict or None
        The proxy's weights and input standardization.
    loss_curve_ : ndarray of shape (n_epochs,)
        Mean training loss per epoch.
    n_outputs_ : int
        Number of classes of the black box (2 for a 1-D output).
    output_names_ : ndarray or None
        The classifier's classes, when ``predict_fn`` is a fitted classifier.
    immutable_features_, categorical_features_ : ndarray of int
        Resolved feature indices.
    scale_ : ndarray of shape (`n_features_in_`,)
        Training standard deviations (1 where zero): the units of proximity.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit` (DataFrames only).

    See Also
    --------
    LimeExplainer : Which features matter locally (attributions).
    sklime.metrics.counterfactual_validity : And the other counterfactual metrics.

    Notes
    -----
    Where this implementation departs from the paper's reference code: the
    temperature divides the perturbed logit of the relaxed Bernoulli, so
    ``tau`` takes effect (it cancels out in formulations that raise both
    class weights to ``1 / tau`` and renormalise); the networks also read the
    target class, so that rows with the same bins on either side of the
    decision boundary can move in opposite directions; and a
    non-differentiable black box is replaced by a distilled proxy, for
    training only.

    The defaults suit datasets of thousands of rows: an epoch is
    ``ceil(n_samples / batch_size)`` Adam steps, so small datasets need more
    epochs or a larger learning rate (see the user guide's measurements).

    References
    ----------
    .. [1] V. Vo, T. Le, V. Nguyen, H. Zhao, E. V. Bonilla, G. Haffari and
       D. Phung, "Feature-based Learning for Diverse and Privacy-Preserving
       Counterfactual Explanations", KDD 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklime import CounterfactualExplainer
    >>> X, y = make_classification(n_samples=300, n_features=6, random_state=0)
    >>> model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> cfx = CounterfactualExplainer(model, max_epochs=30, learning_rate=1e-2,
    ...                               immutable_features=[0], random_state=0).fit(X)
    >>> cfx.differentiable_model_
    'proxy'
    >>> exp = cfx.explain(X[:5], n_counterfactuals=3)
    >>> exp.counterfactuals.shape, exp.valid.shape
    ((5, 3, 6), (5, 3))
    >>> bool((exp.counterfactuals[:, :, 0] == X[:5, None, 0]).all())
    True
    >>> cfx.transform(X[:5]).shape
    (5, 6)
    """

    _parameter_constraints: dict = {
        "predict_fn": [callable, HasMethods(["fit"]), None],
        "generator_layers": ["array-like"],
        "selector_layers": ["array-like"],
        "n_bins": [Interval(Integral, 2, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "immutable_features": ["array-like", None],
        "categorical_features": ["array-like", None],
        "target": [Interval(Integral, 0, None, closed="left"), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        generator_layers=(64, 64, 64),
        selector_layers=(64,),
        n_bins=4,
        alpha=1e-4,
        tau=0.7,
        immutable_features=None,
        categorical_features=None,
        target=None,
        learning_rate=1e-3,
        max_epochs=10,
        batch_size=128,
        random_state=None,
    ):
        self.predict_fn = predict_fn
        self.generator_layers = generator_layers
        self.selector_layers = selector_layers
        self.n_bins = n_bins
        self.alpha = alpha
        self.tau = tau
        self.immutable_features = immutable_features
        self.categorical_features = categorical_features
        self.target = target
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.random_state = random_state

    # -- scikit-learn plumbing -----------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of :meth:`transform`: the input features.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.asarray(_check_feature_names_in(self, input_features), dtype=object)

    # -- the black box ---------------------------------------------------------------

    def _black_box(self):
        if _is_estimator(self.predict_fn):
            try:
                check_is_fitted(self.predict_fn)
            except NotFittedError as exc:
                raise NotFittedError(
                    f"predict_fn is an unfitted {type(self.predict_fn).__name__}: "
                    "CounterfactualExplainer explains a fitted model, so fit it first."
                ) from exc
        return resolve_predict_fn(self.predict_fn, "classification")

    def _make_input(self, block):
        """What predict_fn receives: a DataFrame when fitted on one."""
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return block
        import pandas as pd

        return pd.DataFrame(block, columns=names)

    def _predict_proba(self, fn, X):
        """Class probabilities ``(n, n_outputs)`` of the real black box."""
        Y = ModelCaller(fn, None, make_input=self._make_input)(X)
        if Y.shape[1] == 1:
            Y = np.hstack([1 - Y, Y])
        return Y

    def _targets(self, Y):
        """Target class of every row from the black box's probabilities."""
        if self.target is not None:
            return np.full(Y.shape[0], self.target, dtype=np.int32)
        if Y.shape[1] == 2:
            return (1 - np.argmax(Y, axis=1)).astype(np.int32)
        order = np.argsort(-Y, axis=1, kind="stable")
        return order[:, 1].astype(np.int32)

    # -- layout --------------------------------------------------------------------------

    def _codes(self, X):
        """Bin (category) index of every value, from the one-hot discretizer."""
        disc = self.discretizer_
        onehot = disc.transform(X)
        starts = np.concatenate([[0], np.cumsum(disc.n_bins_)[:-1]])
        return np.stack(
            [
                np.argmax(onehot[:, s : s + k], axis=1)
                for s, k in zip(starts, disc.n_bins_)
            ],
            axis=1,
        ).astype(np.int32)

    def _layout(self, disc, mutable):
        """Tables ``(d, K)``: representative values of the bins, real bins."""
        d = disc.n_features_in_
        K = int(disc.n_bins_.max())
        rep = np.zeros((d, K))
        valid = np.zeros((d, K), dtype=bool)
        for j in range(d):
            k = disc.n_bins_[j]
            valid[j, :k] = True
            means = disc.bin_means_[j]
            rep[j, :k] = disc.categories_[j] if means is None else means
        return {"rep": rep, "valid": valid, "mutable": mutable}

    def _device_tables(self):
        """The tables padded to ``D`` features, float32, for the kernels."""
        t = self._tables
        d, K = t["rep"].shape
        D = self._n_padded
        valid = np.zeros((D, K), dtype=bool)
        valid[:d] = t["valid"]
        valid[d:, 0] = True
        return {
            "rep": pad_rows(t["rep"], D).astype(np.float32),
            "valid": valid,
            "mutable": pad_rows(t["mutable"], D).astype(np.float32),
        }

    def _pad_features(self, A):
        return np.pad(A, [(0, 0)] * (A.ndim - 1) + [(0, self._n_padded - A.shape[-1])])

    def _values(self, X, codes, new_codes):
        """Model-space rows: representative values where the bin changed."""
        rep = self._tables["rep"]
        cols = np.arange(X.shape[1])
        return np.where(new_codes != codes, rep[cols, new_codes], X)

    # -- fit -------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Bin the data, then train the generator and the selector.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (finite numbers; categorical features as numeric
            codes).
        y : None
            Ignored: the targets come from the black box.

        Returns
        -------
        self : CounterfactualExplainer
            The fitted explainer.
        """
        _import_optax()  # fail early, with a clear message
        X = validate_data(self, X, dtype=np.float64)
        n, d = X.shape
        names = getattr(self, "feature_names_in_", None)
        generator_layers = _check_layers(self.generator_layers, "generator_layers")
        selector_layers = _check_layers(self.selector_layers, "selector_layers")
        categorical = resolve_features(self.categorical_features, d, names)
        immutable = resolve_features(
            self.immutable_features, d, names, name="immutable_features"
        )
        fn, output_names = self._black_box()
        Y = self._predict_proba(fn, X)
        if (Y < -1e-6).any() or (Y > 1 + 1e-6).any():
            raise ValueError(
                "predict_fn must return class probabilities (values in [0, 1]), "
                f"got values in [{Y.min():.3g}, {Y.max():.3g}]. Pass the model's "
                "predict_proba (or a callable returning probabilities)."
            )
        k = Y.shape[1]
        if self.target is not None and self.target >= k:
            raise ValueError(
                f"target={self.target} is out of range for a model with {k} classes."
            )

        self.discretizer_ = Discretizer(
            n_bins=self.n_bins,
            strategy="quantile",
            encode="onehot",
            categorical_features=categorical,
        ).fit(X)
        mutable = np.ones(d)
        mutable[immutable] = 0.0
        self._tables = self._layout(self.discretizer_, mutable)
        self._n_padded = bucket(d)
        self._categorical_mask = np.isin(np.arange(d), categorical)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.n_outputs_ = k
        codes = self._codes(X)
        tab = self._device_tables()
        rng = np.random.default_rng(base_seed(self.random_state))

        probe = X[: min(n, 8)]
        if not _is_estimator(self.predict_fn) and _is_traceable(
            fn, d, k, probe, Y[: probe.shape[0]]
        ):
            model, model_params = _TracedModel(fn, d), None
            self.differentiable_model_ = "predict_fn"
            self.proxy_agreement_ = None
            self.proxy_params_ = None
        else:
            model = _ProxyModel()
            model_params = self._distil(fn, X, Y, codes, tab, rng)
            self.differentiable_model_ = "proxy"
            self.proxy_params_ = mlp_to_numpy(model_params)

        D, K = tab["rep"].shape
        params = {
            "generator": init_mlp(rng, (D * K + k, *generator_layers, D * K)),
            "selector": init_mlp(rng, (D * K + k, *selector_layers, D)),
        }
        opt_state = _adam_init(params)
        targets = self._targets(Y)
        rows = bucket(n + 1)  # row n is the padding row of the minibatches
        data = {
            "x": pad_rows(self._pad_features(X), rows).astype(np.float32),
            "codes": pad_rows(self._pad_features(codes), rows),
            "wanted": pad_rows(np.eye(k, dtype=np.float32)[targets], rows),
        }
        hyper = {
            "tau": np.float32(self.tau),
            "alpha": np.float32(self.alpha),
            "learning_rate": np.float32(self.learning_rate),
        }
        losses = []
        for _ in range(self.max_epochs):
            order, weight = _epoch_batches(rng, n, int(self.batch_size))
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
        self.loss_curve_ = np.asarray(jax.device_get(losses), dtype=np.float64)
        self.generator_params_ = mlp_to_numpy(params["generator"])
        self.selector_params_ = mlp_to_numpy(params["selector"])
        self.immutable_features_ = immutable
        self.categorical_features_ = categorical
        self.output_names_ = output_names
        return self

    def _perturb(self, X, codes, n_rows, rng):
        """Training rows with random features moved to random bins.

        Each perturbed row starts from a random training row; each mutable
        feature moves, with a per-row probability drawn uniformly in
        [0.05, 1], to a bin drawn uniformly among the feature's bins: the
        kind of rows the generator produces.
        """
        n, d = X.shape
        rows = rng.integers(0, n, n_rows)
        rate = rng.uniform(0.05, 1.0, (n_rows, 1))
        move = (rng.random((n_rows, d)) < rate) & (self._tables["mutable"] > 0)
        n_bins = self.discretizer_.n_bins_
        new = np.floor(rng.random((n_rows, d)) * n_bins).astype(np.int32)
        new_codes = np.where(move, new, codes[rows])
        return self._values(X[rows], codes[rows], new_codes), new_codes

    def _distil(self, fn, X, Y, codes, tab, rng):
        """Train the proxy MLP on the black box's probabilities; set agreement."""
        n, d = X.shape
        lo, hi = _PROXY_ROWS
        n_pert = int(np.clip(_PROXY_COPIES * n, lo, hi))
        n_hold = max(int(_PROXY_HOLDOUT * n_pert), 1)
        values, new_codes = self._perturb(X, codes, n_pert, rng)
        Y_pert = self._predict_proba(fn, values)
        D, K = tab["rep"].shape
        all_codes = self._pad_features(np.vstack([codes, new_codes[n_hold:]]))
        n_train = all_codes.shape[0]
        rows = bucket(n_train)
        train = {
            "values": pad_rows(
                self._pad_features(np.vstack([X, values[n_hold:]])), rows
            ).astype(np.float32),
            "onehot": pad_rows(
                (all_codes[..., None] == np.arange(K)).reshape(n_train, D * K), rows
            ).astype(np.float32),
            "proba": pad_rows(np.vstack([Y, Y_pert[n_hold:]]), rows).astype(np.float32),
        }
        model_params = {
            "center": self._pad_features(X.mean(axis=0)).astype(np.float32),
            "scale": np.pad(self.scale_, (0, D - d), constant_values=1.0).astype(
                np.float32
            ),
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
            self._pad_features(values[:n_hold]).astype(np.float32),
            self._pad_features(new_codes[:n_hold]),
            tab,
        )
        agree = np.argmax(np.asarray(held), axis=1) == np.argmax(
            Y_pert[:n_hold], axis=1
        )
        self.proxy_agreement_ = float(agree.mean())
        return model_params

    # -- explain ----------------------------------------------------------------------------

    def _validate(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _draw(self, X, codes, targets, n_counterfactuals, seed):
        """Counterfactual bins ``(n, n_counterfactuals, d)``.

        Every row's uniform numbers come from its own stream (the seed and
        the row's values), and rows are padded to bucket sizes: a row's
        counterfactuals do not depend on the other rows.
        """
        n, d = X.shape
        tab = self._device_tables()
        D, K = tab["rep"].shape
        noise = row_uniforms(seed, X, (n_counterfactuals, D * K + D), np.float32)
        wanted = np.eye(self.n_outputs_, dtype=np.float32)[targets]
        size = bucket(n)
        codes = pad_rows(self._pad_features(codes), size)
        wanted = pad_rows(wanted, size)
        if size > n:
            xp = np if isinstance(noise, np.ndarray) else jnp
            noise = xp.concatenate([noise, xp.repeat(noise[:1], size - n, axis=0)])
        params = {
            "generator": self.generator_params_,
            "selector": self.selector_params_,
        }
        bins = _draw_bins(params, codes, wanted, tab, noise)
        return np.asarray(bins)[:n, :, :d].astype(np.int64)

    def explain(self, X, n_counterfactuals=1):
        """Draw counterfactuals of every row of ``X`` and judge them.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Rows to explain.
        n_counterfactuals : int, default=1
            Counterfactuals drawn per row (independent draws of the learned
            generator and selector; more give diversity).

        Returns
        -------
        CounterfactualExplanation
            Counterfactuals in the original feature space, the black box's
            outputs at them, their validity, proximity and changed features.
        """
        X = self._validate(X)
        if not isinstance(n_counterfactuals, Integral) or n_counterfactuals < 1:
            raise ValueError(
                "n_counterfactuals must be a positive integer, got "
                f"{n_counterfactuals!r}."
            )
        n, d = X.shape
        k = int(n_counterfactuals)
        fn, _ = self._black_box()
        model_pred = self._predict_proba(fn, X)
        targets = self._targets(model_pred)
        codes = self._codes(X)
        bins = self._draw(X, codes, targets, k, base_seed(self.random_state))
        cfs = self._values(
            np.repeat(X, k, axis=0), np.repeat(codes, k, axis=0), bins.reshape(n * k, d)
        )
        cf_pred = self._predict_proba(fn, cfs).reshape(n, k, -1)
        return CounterfactualExplanation(
            X,
            cfs.reshape(n, k, d),
            model_pred,
            cf_pred,
            targets,
            self.get_feature_names_out(),
            self.scale_,
            self._categorical_mask,
            self.output_names_,
        )

    def transform(self, X):
        """One counterfactual per row (the first draw of :meth:`explain`).

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)

        Returns
        -------
        counterfactuals : ndarray of shape (n_rows, `n_features_in_`)
            In the original feature space.
        """
        X = self._validate(X)
        fn, _ = self._black_box()
        targets = self._targets(self._predict_proba(fn, X))
        codes = self._codes(X)
        bins = self._draw(X, codes, targets, 1, base_seed(self.random_state))
        return self._values(X, codes, bins[:, 0, :])
