"""CounterfactualExplainer: L2C counterfactuals as a scikit-learn estimator.

The estimator's parameters, their validation, and the orchestration of
``fit``, ``explain`` and ``transform``. The pieces live in sibling modules of
:mod:`sklime._counterfactual`: ``_blackbox`` (the black box and the
differentiable model), ``_layout`` (the bins), ``_network`` (the L2C
forward pass), ``_training`` (optax) and ``_proxy`` (the distilled proxy).
"""

from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .._engine._model import PredictFnCloneMixin, _is_estimator, resolve_predict_fn
from .._engine._parallel import progress_bar
from .._engine._validation import resolve_features
from .._sampling._random import base_seed
from .._tabular._discretizer import Discretizer
from ._blackbox import ProxyModel, TracedModel, is_traceable, predict_proba
from ._explanation import CounterfactualExplanation
from ._layout import BinLayout
from ._mlp import mlp_to_numpy
from ._network import draw_bins
from ._proxy import distil
from ._training import import_optax, train_networks

__all__ = ["CounterfactualExplainer"]


def _check_layers(layers, name):
    sizes = tuple(np.atleast_1d(np.asarray(layers, dtype=object)).tolist())
    if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise ValueError(
            f"{name} must be a sequence of positive integers (hidden layer sizes), "
            f"got {layers!r}."
        )
    return tuple(int(s) for s in sizes)


class CounterfactualExplainer(
    PredictFnCloneMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator
):
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
    verbose : int, default=0
        Above 0, a progress bar over the training epochs (needs tqdm: the
        ``progress`` extra).

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
        "verbose": ["verbose"],
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
        verbose=0,
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
        self.verbose = verbose

    # -- scikit-learn plumbing -----------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    # -- the black box ---------------------------------------------------------------

    def _black_box(self):
        return resolve_predict_fn(
            self.predict_fn, "classification", owner="CounterfactualExplainer"
        )

    def _predict_proba(self, fn, X):
        """Class probabilities ``(n, n_outputs)``; a DataFrame in when fitted on one."""
        return predict_proba(fn, X, getattr(self, "feature_names_in_", None))

    def _targets(self, Y):
        """Target class of every row from the black box's probabilities."""
        if self.target is not None:
            return np.full(Y.shape[0], self.target, dtype=np.int32)
        if Y.shape[1] == 2:
            return (1 - np.argmax(Y, axis=1)).astype(np.int32)
        order = np.argsort(-Y, axis=1, kind="stable")
        return order[:, 1].astype(np.int32)

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
        import_optax()  # fail early, with a clear message
        X = validate_data(self, X, dtype=np.float64)
        progress = progress_bar(self.verbose, self.max_epochs, desc="training")
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
        self._layout = BinLayout(self.discretizer_, mutable)
        self._categorical_mask = np.isin(np.arange(d), categorical)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.n_outputs_ = k
        codes = self._layout.codes(X)
        rng = np.random.default_rng(base_seed(self.random_state))

        probe = X[: min(n, 8)]
        if not _is_estimator(self.predict_fn) and is_traceable(
            fn, d, k, probe, Y[: probe.shape[0]]
        ):
            model, model_params = TracedModel(fn, d), None
            self.differentiable_model_ = "predict_fn"
            self.proxy_agreement_ = None
            self.proxy_params_ = None
        else:
            model = ProxyModel()
            model_params, self.proxy_agreement_ = distil(
                partial(self._predict_proba, fn),
                X,
                Y,
                codes,
                self._layout,
                self.scale_,
                rng,
            )
            self.differentiable_model_ = "proxy"
            self.proxy_params_ = mlp_to_numpy(model_params)

        params, self.loss_curve_ = train_networks(
            rng,
            X,
            codes,
            self._targets(Y),
            self._layout,
            model,
            model_params,
            n_outputs=k,
            generator_layers=generator_layers,
            selector_layers=selector_layers,
            tau=self.tau,
            alpha=self.alpha,
            learning_rate=self.learning_rate,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            progress=progress,
        )
        self.generator_params_ = mlp_to_numpy(params["generator"])
        self.selector_params_ = mlp_to_numpy(params["selector"])
        self.immutable_features_ = immutable
        self.categorical_features_ = categorical
        self.output_names_ = output_names
        return self

    # -- explain ----------------------------------------------------------------------------

    def _validate(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _draw(self, X, codes, targets, n_counterfactuals):
        """Counterfactual bins ``(n, n_counterfactuals, d)`` (see :func:`draw_bins`)."""
        params = {
            "generator": self.generator_params_,
            "selector": self.selector_params_,
        }
        wanted = np.eye(self.n_outputs_, dtype=np.float32)[targets]
        seed = base_seed(self.random_state)
        return draw_bins(
            params, self._layout, X, codes, wanted, n_counterfactuals, seed
        )

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
        codes = self._layout.codes(X)
        bins = self._draw(X, codes, targets, k)
        cfs = self._layout.values(
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
        codes = self._layout.codes(X)
        bins = self._draw(X, codes, targets, 1)
        return self._layout.values(X, codes, bins[:, 0, :])
