"""KernelShapExplainer: Kernel SHAP as a scikit-learn estimator on sklime's engine.

Kernel SHAP (Lundberg & Lee 2017) is LIME with the Shapley kernel, no
regularisation, coalition masks for samples and a background standing in
for the players left out; Captum's ``KernelShap`` is a subclass of its
``LimeBase`` for that reason. Here it is one more plan (:mod:`._plan`) and
one more fit (:mod:`._solve`) on the engine every sklime explainer runs on:
per-row random streams, pipelined model calls, ``n_jobs``, the device path.
"""

import contextlib
from functools import partial
from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._engine._device_model import DeviceModel
from .._engine._engine import Engine
from .._engine._estimator import ENGINE_PARAMETERS, FidelityScoreMixin
from .._engine._labels import label_indices
from .._engine._model import (
    ModelCaller,
    PredictFnCloneMixin,
    check_class_names,
    output_mode,
    resolve_predict_fn,
)
from .._engine._precision import x64_scope
from .._engine._validation import named_input
from .._explanation._explanation import Explanation
from .._sampling._random import base_seed
from .._tabular._encoding import TabularEncoder, check_table
from .._tabular._groups import resolve_groups
from ._coalitions import coalition_scheme
from ._game import DeviceGame, HostGame, summarise_background
from ._plan import ShapleyPlan
from ._solve import LINKS, kernel_shap_fit

__all__ = ["KernelShapExplainer"]


class KernelShapExplainer(
    FidelityScoreMixin, PredictFnCloneMixin, TransformerMixin, BaseEstimator
):
    """Kernel SHAP: Shapley values of any model, over a background, for many rows.

    The value of a coalition ``S`` of players (columns, or groups of columns)
    is the model's output with the players outside ``S`` taken from the
    background, averaged over the background rows with their weights:
    ``v(S) = sum_b w_b f(x_S, b_notS)``. The Shapley values of ``v`` are the
    coefficients of the Shapley-kernel weighted linear fit of ``v`` on the
    coalitions, constrained to sum to ``f(x) - E[f]`` (efficiency, exactly).
    Every coalition is evaluated when ``2**M - 2 <= n_samples`` (exact
    values); otherwise the sizes with the most kernel weight are enumerated
    and the rest is sampled in complementary pairs, as in ``shap``.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box on numeric rows (or DataFrames, as it was fitted).
        A fitted estimator's ``predict_proba`` (``predict`` for regressors or
        ``mode="regression"``); any callable ``(n, d) -> (n,)`` or ``(n, k)``,
        e.g. ``model.decision_function``. Required.
    mode : {"auto", "classification", "regression"}, default="auto"
    n_samples : int or "auto", default="auto"
        Coalitions evaluated per row besides the empty and the full one:
        ``"auto"`` is ``2 * M + 2048`` (``shap``'s), ``M`` the players; never
        more than the ``2**M - 2`` there are.
    max_background : int, default=100
        A larger ``X`` at :meth:`fit` is summarised by weighted k-means into
        this many rows (as ``shap.kmeans``). Each explained row costs
        ``n_samples * len(background_)`` model rows.
    link : {"identity", "logit"}, default="identity"
        The values explain ``link(f)``: ``"logit"`` turns probabilities into
        log-odds (clipped to ``[1e-15, 1 - 1e-15]``), as ``shap``'s.
    feature_groups : dict or array-like of int, default=None
        Players are groups of columns (Captum's ``feature_mask``): an integer
        group id per column, or ``{group name: [columns]}``.
    labels : int, array-like of int, "all" or None, default=None
        Outputs explained; ``None`` explains each row's predicted class (the
        single output of a regressor).
    jax_model : bool, default=False
        ``predict_fn`` is JAX-traceable: the game runs jitted on the device.
    batch_size : int or "auto", default="auto"
        Most model rows per call of ``predict_fn`` (``"auto"``: one call per
        explained row, on all its coalitions and background rows).
    n_jobs : int, default=None
        Chunks of rows explained in parallel (joblib).
    random_state : int, RandomState instance or None, default=None
        Seed of the sampled coalitions (and of the k-means summary).
    class_names : array-like of str, default=None
        Names of the black box's outputs (one per output in
        classification), shown by plots and HTML; ``None`` takes a fitted
        classifier's ``classes_``, else the output indices.
    verbose : int, default=0
        A progress bar over chunks when positive (tqdm).

    Attributes
    ----------
    background_ : ndarray of shape (B, n_features)
        The background rows (numeric: categorical columns as codes).
    background_weights_ : ndarray of shape (B,)
        Their weights, summing to one.
    expected_value_ : ndarray of shape (n_outputs,)
        ``link`` of the weighted mean output over the background: the base
        value of every explanation.
    n_outputs_ : int
    mode_ : str
    output_names_ : ndarray or None
        The classifier's ``classes_`` when known.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when ``X`` at ``fit`` has column names.

    See Also
    --------
    LimeExplainer : The same engine with LIME's sampling and kernel.

    Examples
    --------
    For an additive model the values are the terms' deviations from the
    background mean:

    >>> import numpy as np
    >>> from sklime import KernelShapExplainer
    >>> X = np.random.default_rng(0).normal(size=(50, 3))
    >>> model = lambda A: A @ np.array([1.0, -2.0, 0.5])
    >>> explainer = KernelShapExplainer(model, random_state=0).fit(X)
    >>> phi = explainer.transform(X[:2])
    >>> bool(np.allclose(phi, (X[:2] - X.mean(0)) * [1.0, -2.0, 0.5]))
    True
    """

    _parameter_constraints: dict = {
        **ENGINE_PARAMETERS,
        "mode": [StrOptions({"auto", "classification", "regression"})],
        "n_samples": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_background": [Interval(Integral, 1, None, closed="left")],
        "link": [StrOptions(set(LINKS))],
        "feature_groups": [dict, "array-like", None],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        mode="auto",
        n_samples="auto",
        max_background=100,
        link="identity",
        feature_groups=None,
        labels=None,
        jax_model=False,
        batch_size="auto",
        n_jobs=None,
        class_names=None,
        random_state=None,
        verbose=0,
    ):
        self.predict_fn = predict_fn
        self.mode = mode
        self.n_samples = n_samples
        self.max_background = max_background
        self.link = link
        self.feature_groups = feature_groups
        self.labels = labels
        self.jax_model = jax_model
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.class_names = class_names
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Learn the background and the base value.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_rows, n_features)
            Background rows (finite; categories in DataFrames as in
            :class:`LimeExplainer`).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_rows,), default=None
            Weights of the background rows.

        Returns
        -------
        self : KernelShapExplainer
        """
        check_table(X)
        validate_data(self, X, skip_check_array=True)
        names = getattr(self, "feature_names_in_", None)
        self._encoder = enc = TabularEncoder().fit(X, None, names)
        with named_input("X"):
            Xe = enc.encode(X, names)
        with named_input("sample_weight"):
            w = _check_sample_weight(sample_weight, Xe, ensure_non_negative=True)
        if not w.sum() > 0:
            raise ValueError("sample_weight must have a positive sum.")
        self.background_, self.background_weights_ = summarise_background(
            Xe, w, self.max_background, self.random_state
        )
        self._players, self._player_names = self._resolve_players()
        fn, classes = resolve_predict_fn(
            self.predict_fn, self.mode, type(self).__name__
        )
        # (A JAX model sees float64, as it will at explain time.)
        with x64_scope() if self.jax_model else contextlib.nullcontext():
            out = ModelCaller(fn, None, make_input=enc.decode)(
                self.background_, what="background rows"
            )
        self.mode_, self._binary, self.n_outputs_ = output_mode(self.mode, out.shape[1])
        self.output_names_ = check_class_names(
            self.class_names, classes, self.mode_, self.n_outputs_
        )
        if self._binary:
            out = np.column_stack([1 - out[:, 0], out[:, 0]])
        mean = self.background_weights_ @ out
        if self.link == "logit" and (self.mode_ != "classification"):
            raise ValueError(
                "link='logit' explains probabilities: it needs a classifier."
            )
        link = LINKS[self.link] or (lambda y: y)
        with x64_scope():
            self.expected_value_ = np.asarray(link(jnp.asarray(mean)))
        if self.jax_model:
            self._device_game = DeviceGame(fn, self.background_weights_, self._binary)
            spec = jax.ShapeDtypeStruct((1, 2, self.background_.size), np.float64)
            with x64_scope():
                DeviceModel(self._device_game, False).check(spec)
        return self

    def _resolve_players(self):
        names = _check_feature_names_in(self, None)
        if self.feature_groups is None:
            return np.arange(self.n_features_in_), np.asarray(names, dtype=object)
        return resolve_groups(self.feature_groups, self.n_features_in_, names)

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of :meth:`transform`: the players.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the names seen in :meth:`fit`.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The columns, or the groups with ``feature_groups``.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return self._player_names.copy()

    def _budget(self):
        M = self._player_names.size
        return 2 * M + 2048 if self.n_samples == "auto" else int(self.n_samples)

    def explain(self, X):
        """Shapley values of every row of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_rows, n_features)

        Returns
        -------
        Explanation
            ``coef (n_rows, n_labels, n_players)``: the Shapley values;
            ``intercept``: the base value; ``local_pred``: base plus the sum
            of the values, equal to ``link(model_pred)`` of the label;
            ``model_pred``: ``f(x)``; ``score``: weighted R^2 of the linear
            game on the sampled coalitions (1 for an additive model).
        """
        check_is_fitted(self)
        self._validate_params()
        check_table(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        with named_input("X"):
            Xe = self._encoder.encode(X, getattr(self, "feature_names_in_", None))
        scheme = coalition_scheme(self._player_names.size, self._budget())
        plan = ShapleyPlan(Xe, scheme, self._players, self.background_)
        parts = self._engine(scheme.n_coalitions + 2).run(plan)
        return Explanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            self._player_names.copy(),
            data=self._encoder.display_values(Xe),
            output_names=self.output_names_,
            mode=self.mode_,
            data_names=_check_feature_names_in(self, None),
            groups=None if self.feature_groups is None else self._players,
        )

    def _engine(self, n_samples):
        fn, _ = resolve_predict_fn(self.predict_fn, self.mode, type(self).__name__)
        B = self.background_.shape[0]
        rows = None if self.batch_size == "auto" else int(self.batch_size)
        game = HostGame(
            fn, self.background_weights_, self._binary, rows, self._encoder.decode
        )
        device = None
        if self.jax_model:
            device = DeviceModel(self._device_game, False, self.n_outputs_)
        labels = None if self.mode_ == "regression" else self.labels
        return Engine(
            game,
            n_samples=n_samples,
            seed=base_seed(self.random_state),
            labels=label_indices(labels, self.n_outputs_),
            n_outputs=self.n_outputs_,
            batch_size=None if rows is None else max(1, rows // B),
            device_model=device,
            fit=partial(kernel_shap_fit, link=self.link),
            n_jobs=self.n_jobs,
            verbose=self.verbose,
        )

    def transform(self, X):
        """The Shapley values of each row's first explained label.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_rows, n_features)

        Returns
        -------
        ndarray of shape (n_rows, n_players)
        """
        return self.explain(X).coef[:, 0, :]
