"""LimeExplainer: tabular LIME as a vectorized scikit-learn estimator.

The estimator validates and encodes rows, holds what ``fit`` learned (a
:class:`~sklime._tabular._plan.TabularPlan` or
:class:`~sklime._tabular._groups.GroupPlan`) and, for each ``explain``,
hands a :class:`~sklime._tabular._rows.RowPlan` to the engine
(:class:`~sklime._engine._engine.Engine`).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._engine._estimator import (
    ENGINE_PARAMETERS,
    SURROGATE_PARAMETERS,
    FidelityScoreMixin,
)
from .._engine._labels import label_indices
from .._engine._model import PredictFnCloneMixin, check_probabilities
from .._engine._validation import named_input
from .._explanation._explanation import Explanation
from ._adaptive import AUTO_START, explain_adaptive
from ._descriptions import descriptions
from ._discretizer import DISCRETIZERS, Discretizer
from ._encoding import check_table, dense_table
from ._fitting import learn
from ._rows import RowPlan, neighbourhood, row_engine

__all__ = ["LimeExplainer"]


class LimeExplainer(
    FidelityScoreMixin, PredictFnCloneMixin, TransformerMixin, BaseEstimator
):
    """LIME for tabular data, vectorized over rows, as a scikit-learn estimator.

    ``fit`` learns the sampling statistics from training data; ``explain``
    explains every row of ``X`` at once. Semantics and defaults follow
    ``lime.lime_tabular.LimeTabularExplainer``: with a discretizer the
    interpretable features are binary ("same bin as the instance"), samples
    draw bins by training frequency and values inside the bins; without, they
    are Gaussian around the training mean and the surrogate sees
    standardised values. The sampling, distances, kernel weights, feature
    selection and ridge surrogates run in JAX over chunks of rows; only the
    black box is called from Python, on many samples at a time.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box: a callable ``(n, d) -> (n,)`` or ``(n, k)``, or a fitted
        estimator (its ``predict_proba``, else ``predict``). Required at
        :meth:`fit`. A fitted estimator is kept as it is by ``clone``.
    mode : {"auto", "classification", "regression"}, default="auto"
        ``"auto"``: outputs with two or more columns are classification.
        In classification mode a 1-D output is the probability of class 1.
    n_samples : int or "auto", default=5000
        Perturbed samples per explained row (the row included). ``"auto"``
        starts at 1000 and doubles a row's samples (up to 16000) until its
        top-k features (k = min(5, n_features)) are statistically settled,
        in the spirit of S-LIME; ``Explanation.n_samples`` says how many each
        row used.
    kernel_width : float, default=None
        Width of the similarity kernel; ``None`` means ``0.75 * sqrt(p)``
        with ``p`` the number of interpretable features (the columns, or
        the groups with ``feature_groups``).
    kernel : "exponential" or callable, default="exponential"
        ``sqrt(exp(-d**2 / width**2))``, or ``kernel(distances, width)``
        returning weights; ``distances`` is a numpy array of shape
        ``(n_rows, n_samples)``.
    metric : {"euclidean", "cosine"}, default="euclidean"
        Distance between the interpretable samples and the instance.
    discretizer : {"quartile", "decile", "entropy"}, Discretizer or None, default="quartile"
        How continuous features are binned; ``None`` samples them as
        Gaussians (``lime``'s ``discretize_continuous=False``). ``"entropy"``
        needs ``y`` in :meth:`fit`.
    categorical_features : array-like of int, array-like of str or bool mask, default=None
        Categorical columns (numeric codes). Their values are drawn by
        training frequency; unseen values at explain time are an error.
    sample_around_instance : bool, default=False
        Centre the Gaussian samples on the instance instead of the training
        mean (continuous mode).
    sampler : {"lime", "glime", "lhs"}, default="lime"
        ``"lime"``: kernel-weighted fit of samples drawn from the training
        distribution, as ``lime``. ``"glime"`` (Tan et al., NeurIPS 2023): draw
        the samples from the kernel-weighted law itself and fit them without
        weights; same target, far lower variance when the kernel is narrow.
        Needs ``metric="euclidean"`` and the exponential kernel, under which
        the weighted law has a closed form (see the user guide). ``"lhs"``:
        ``lime``'s law, with the draws of the non-categorical columns
        stratified by a Latin hypercube over each row's samples (``lime``'s
        ``sampling_method="lhs"``); needs an int ``n_samples`` and no
        ``feature_groups``.
    feature_groups : dict or array-like of int, default=None
        Explain groups of columns instead of columns (Captum's
        ``feature_mask``): an integer group id per column, or
        ``{group name: [columns]}`` (columns by index or name; columns in no
        group form their own group). Each sample switches every group on or off
        with probability 1/2; a column whose group is off takes its
        ``baseline``. The surrogate has one weight per group; the
        discretizer is not used.
    baseline : float or array-like of shape (n_features,), default=None
        Values of switched-off columns with ``feature_groups``: ``None`` is the
        training mean (the most frequent category for categorical columns), a
        number replaces it for numeric columns, an array gives one value per
        column.
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
        How the ``n_features`` features of each surrogate are chosen;
        ``"auto"`` is forward selection for ``n_features <= 6``, else highest
        weights, as in ``lime``.
    n_features : int, default=10
        Features kept in each surrogate.
    alpha : float, default=1.0
        Ridge strength of the built-in surrogate.
    prior : array-like or dict, default=None
        Coefficients the ridge shrinks toward instead of 0 (G-LIME's
        prior-regularised ridge, with strength ``alpha``): an array of
        ``n_interpretable`` weights for every label, an array of shape
        ``(n_outputs, n_interpretable)`` with a row per output (e.g. from
        :func:`sklime.global_importance`), or ``{label: weights}``.
    surrogate : regressor, default=None
        ``None``: the built-in batched ridge. Otherwise any scikit-learn
        regressor whose ``fit`` takes ``sample_weight`` and that has ``coef_``
        and ``intercept_``; it is fitted row by row (slow path).
    labels : int, array-like of int, "all" or None, default=None
        Classification outputs to explain: ``None`` is each row's predicted
        class; an int or a list of ints are output indices; ``"all"`` every
        output. Ignored in regression.
    jax_model : bool, default=False
        ``predict_fn`` is a JAX-traceable function of an ``(n, d)`` array
        (``jax.numpy`` operations, e.g. a Flax/Equinox model's apply): it is
        then jitted and run on each row's samples in turn, so the samples
        never leave the device between sampling, model and surrogate fit.
        ``batch_size`` does not apply (each row's samples are one slice).
        Needs numeric input (not a DataFrame); checked by tracing at
        :meth:`fit`.
    batch_size : int or "auto", default="auto"
        Most rows in one call of ``predict_fn``. ``"auto"`` calls it once per
        explained row, on that row's ``n_samples`` samples: memory stays
        bounded, and a row's explanation is bit-for-bit independent of the
        other rows even for models whose rounding depends on how many rows
        they get at once (BLAS). An int gives calls of up to that many rows
        across rows.
    n_jobs : int, default=None
        Chunks of rows explained in parallel by joblib (threads by default; any
        joblib backend, e.g. dask, through ``joblib.parallel_config``).
    training_data : array-like of shape (n_train, n_features), default=None
        Fixed training data: :meth:`fit` then learns the sampling statistics
        from it and only checks that ``X`` has the same features. Lets
        ``GridSearchCV(explainer, ...).fit(rows)`` tune ``kernel_width`` (or
        any setting) on the rows to explain while every candidate samples
        from the training distribution, as the final explainer does
        (without it, each fold's statistics come from that fold's rows).
        Not with ``discretizer="entropy"`` (pass a :class:`Discretizer`
        fitted with the training labels instead).
    class_names : array-like of str, default=None
        Names of the black box's outputs (one per output in
        classification), shown by plots, ``as_list`` titles and HTML;
        ``None`` takes a fitted classifier's ``classes_``, else the output
        indices.
    random_state : int, RandomState instance or None, default=None
        Seed. The samples of a row depend only on this seed and the row's
        values, never on the other rows of the batch.
    verbose : int, default=0
        ``> 0`` shows a progress bar (tqdm) over chunks on long runs.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit` (DataFrames only).
    categorical_features_ : ndarray of int
        Indices of the categorical features.
    discretizer_ : Discretizer or None
        The fitted discretizer.
    kernel_width_ : float
        The kernel width used.
    mode_ : {"classification", "regression"}
        The resolved mode.
    n_outputs_ : int
        Number of outputs of the black box (2 for a 1-D binary probability).
    output_names_ : ndarray or None
        ``class_names``, or the classifier's classes when ``predict_fn`` is a
        fitted classifier.

    See Also
    --------
    Discretizer : The binning used by the discretized mode.
    Explanation : What :meth:`explain` returns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklime import LimeExplainer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    >>> explainer = LimeExplainer(model, n_samples=1000, random_state=0).fit(X)
    >>> exp = explainer.explain(X[:3])
    >>> exp.coef.shape
    (3, 1, 30)
    >>> explainer.transform(X[:3]).shape
    (3, 30)
    >>> bool(np.array_equal(explainer.transform(X[1:2]), explainer.transform(X[:3])[1:2]))
    True
    """

    _parameter_constraints: dict = {
        **ENGINE_PARAMETERS,
        **SURROGATE_PARAMETERS,
        "mode": [StrOptions({"auto", "classification", "regression"})],
        "n_samples": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "kernel_width": [Interval(Real, 0, None, closed="neither"), None],
        "kernel": [StrOptions({"exponential"}), callable],
        "metric": [StrOptions({"euclidean", "cosine"})],
        "discretizer": [StrOptions(set(DISCRETIZERS)), Discretizer, None],
        "categorical_features": ["array-like", None],
        "sample_around_instance": ["boolean"],
        "sampler": [StrOptions({"lime", "glime", "lhs"})],
        "feature_groups": [dict, "array-like", None],
        "baseline": [Real, "array-like", None],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "prior": ["array-like", dict, None],
        "surrogate": [HasMethods(["fit"]), None],
        "training_data": ["array-like", "sparse matrix", None],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        mode="auto",
        n_samples=5000,
        kernel_width=None,
        kernel="exponential",
        metric="euclidean",
        discretizer="quartile",
        categorical_features=None,
        sample_around_instance=False,
        sampler="lime",
        feature_groups=None,
        baseline=None,
        feature_selection="auto",
        n_features=10,
        alpha=1.0,
        prior=None,
        surrogate=None,
        labels=None,
        jax_model=False,
        batch_size="auto",
        n_jobs=None,
        training_data=None,
        class_names=None,
        random_state=None,
        verbose=0,
    ):
        self.predict_fn = predict_fn
        self.mode = mode
        self.n_samples = n_samples
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.metric = metric
        self.discretizer = discretizer
        self.categorical_features = categorical_features
        self.sample_around_instance = sample_around_instance
        self.sampler = sampler
        self.feature_groups = feature_groups
        self.baseline = baseline
        self.feature_selection = feature_selection
        self.n_features = n_features
        self.alpha = alpha
        self.prior = prior
        self.surrogate = surrogate
        self.labels = labels
        self.jax_model = jax_model
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.training_data = training_data
        self.class_names = class_names
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn plumbing -----------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.target_tags.required = self.discretizer == "entropy"
        tags.input_tags.sparse = True
        return tags

    def get_feature_names_out(self, input_features=None):
        """Names of the attribution columns of :meth:`transform`.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per input feature (its attribution); with several
            explained labels (``labels`` a list or ``"all"``),
            ``"<label>__<feature>"`` for each label in turn, the label named
            by ``class_names`` or the classifier's classes when known.
        """
        check_is_fitted(self)
        names = np.asarray(_check_feature_names_in(self, input_features), dtype=object)
        labels = self._transform_labels()
        if labels is None:
            return names
        outputs = self.output_names_
        return np.asarray(
            [
                f"{outputs[k] if outputs is not None else k}__{name}"
                for k in labels
                for name in names
            ],
            dtype=object,
        )

    def _transform_labels(self):
        """The labels of :meth:`transform`'s blocks, or None for one block."""
        if self.mode_ == "regression" or self.labels is None:
            return None
        if isinstance(self.labels, Integral):
            return None
        return label_indices(self.labels, self.n_outputs_)

    # -- fit -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the sampling statistics from training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (finite numbers); with ``training_data`` set, only
            checked (its features must be those of ``training_data``).
        y : array-like of shape (n_samples,), default=None
            Class labels, used only by ``discretizer="entropy"``.

        Returns
        -------
        self : LimeExplainer
            The fitted explainer.
        """
        try:
            return learn(self, X, y)
        except BaseException:
            # A failed fit leaves the explainer unfitted, never half-fitted
            # (e.g. a predict_fn that raises on the probe rows).
            params = self.get_params(deep=False)
            for name in list(vars(self)):
                if name not in params and not name.startswith("_sklearn"):
                    delattr(self, name)
            raise

    # -- explain -----------------------------------------------------------------

    def _validate(self, X):
        """Explain-time checks and encoding of ``X`` to numeric rows."""
        check_is_fitted(self)
        X = dense_table(X)
        check_table(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        with named_input("X"):
            return self._encoder.encode(X, getattr(self, "feature_names_in_", None))

    def _row_plan(self, X):
        enc = self._encoder
        return RowPlan(
            self._plan,
            X,
            self._plan.category_codes(X, self.discretizer_),
            kernel_width=self.kernel_width_,
            metric=self.metric,
            kernel=None if self.kernel == "exponential" else self.kernel,
            glime=self.sampler == "glime",
            lhs=self.sampler == "lhs",
            make_input=enc.decode,
            lookup=[(j, enc.categories[j]) for j in enc.categorical],
        )

    def _engine(self, n_samples):
        return row_engine(self, n_samples)

    def explain(self, X):
        """Explain every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Rows to explain.

        Returns
        -------
        Explanation
            Surrogate coefficients, intercepts, fidelity scores and
            predictions for every row and explained label.
        """
        X = self._validate(X)
        plan = self._row_plan(X)
        if self.n_samples == "auto":
            k = min(5, self.n_features)

            def run(rows, n_samples):
                return self._engine(n_samples).run(plan, rows, with_se=True)

            parts = explain_adaptive(run, X.shape[0], k)
        else:
            parts = self._engine(self.n_samples).run(plan)
            parts["n_samples"] = np.full(parts["labels"].shape, self.n_samples)
        return self._assemble(plan, parts)

    def _neighbourhood(self, X):
        """The samples of every row of ``X``: ``(X_model, Z)``, numpy (b, n, d)."""
        plan = self._row_plan(self._validate(X))
        n_samples = AUTO_START if self.n_samples == "auto" else self.n_samples
        return neighbourhood(self._engine(n_samples), plan, n_samples)

    def _assemble(self, plan, parts):
        if self.mode_ == "classification":
            check_probabilities(parts["model_pred"])
        names = np.asarray(_check_feature_names_in(self, None), dtype=object)
        groups = self._plan.column_groups
        table = self._description_table
        return Explanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            self._plan.interpretable_names(names),
            descriptions=None if table is None else descriptions(table, plan.codes),
            data=self._encoder.display_values(plan.X),
            output_names=self.output_names_,
            mode=self.mode_,
            data_names=names,
            groups=groups,
            n_samples=parts["n_samples"][:, 0],
        )

    def transform(self, X):
        """Attributions: the surrogate coefficients of each row's explained labels.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)

        Returns
        -------
        attributions : ndarray of shape (n_rows, n_labels * `n_features_in_`)
            One block of ``n_features_in_`` columns per explained label (one
            block with ``labels=None``, an int or in regression; every
            listed label, in order, with a list or ``"all"``), named by
            :meth:`get_feature_names_out`. Zero for features the surrogate
            did not keep. With ``feature_groups`` every column gets its
            group's weight.
        """
        exp = self.explain(X)
        W = exp.column_weights() if exp.groups is not None else exp.coef
        return W.reshape(W.shape[0], -1)
