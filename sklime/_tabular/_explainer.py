"""LimeExplainer: tabular LIME as a vectorized scikit-learn estimator."""

import contextlib
from numbers import Integral, Real

import jax
import jax.numpy as jnp
import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.utils import check_array
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._engine._device_model import DeviceModel
from .._engine._model import (
    ModelCaller,
    PredictFnCloneMixin,
    check_probabilities,
    resolve_predict_fn,
)
from .._engine._precision import x64_scope
from .._engine._validation import named_input
from .._explanation._explanation import Explanation
from .._sampling import _random
from .._sampling._random import base_seed, row_bits, row_uniforms
from .._surrogate._design import surrogate_elements
from .._surrogate._fit import (
    coef_standard_errors,
    fit_surrogates,
    sample_weights,
    selection_masks,
)
from .._surrogate._selection import METHODS, resolve_method
from ._discretizer import Discretizer
from ._encoding import TabularEncoder
from ._groups import GroupPlan
from ._plan import TabularPlan

__all__ = ["LimeExplainer"]

#: Values (rows x samples x features) one chunk holds; bounds memory per chunk.
_CHUNK_ELEMENTS = 2**21
#: The same on accelerators: more memory, and every chunk costs a dispatch.
_CHUNK_ELEMENTS_ACCELERATOR = 2**25
#: n_samples="auto": first and largest number of samples per row.
_AUTO_START = 1000
_AUTO_CAP = 16000
#: Most instances in one chunk.
_MAX_CHUNK_ROWS = 256

_DISCRETIZERS = {
    "quartile": {"n_bins": 4, "strategy": "quantile"},
    "decile": {"n_bins": 10, "strategy": "quantile"},
    "entropy": {"n_bins": 8, "strategy": "entropy"},
}


def _chunk_budget():
    """Values one chunk may hold on the default JAX backend."""
    if jax.default_backend() == "cpu":
        return _CHUNK_ELEMENTS
    return _CHUNK_ELEMENTS_ACCELERATOR


def _chunk_rows(n_samples, n_features, surrogate_elements=0):
    """Largest power of two of rows that fit the chunk budget.

    A row costs ``n_samples * n_features`` values of samples, and
    ``surrogate_elements`` values in the surrogate fit (see
    :func:`sklime._surrogate._design.surrogate_elements`), which dominate for wide
    data.
    """
    per_row = max(n_samples * max(n_features, 1), surrogate_elements, 1)
    fit = max(_chunk_budget() // per_row, 1)
    return int(min(1 << int(np.log2(fit)), _MAX_CHUNK_ROWS))


class LimeExplainer(PredictFnCloneMixin, TransformerMixin, BaseEstimator):
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
        Width of the similarity kernel; ``None`` means
        ``0.75 * sqrt(n_features_in_)``.
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
    sampler : {"lime", "glime"}, default="lime"
        ``"lime"``: kernel-weighted fit of samples drawn from the training
        distribution, as ``lime``. ``"glime"`` (Tan et al., NeurIPS 2023): draw
        the samples from the kernel-weighted law itself and fit them without
        weights; same target, far lower variance when the kernel is narrow.
        Needs ``metric="euclidean"`` and the exponential kernel, under which
        the weighted law has a closed form (see the user guide).
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
        then jitted and vmapped over the rows of a chunk, so the samples
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
        The classifier's classes, when ``predict_fn`` is a fitted classifier.

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
        "predict_fn": [callable, HasMethods(["fit"]), None],
        "mode": [StrOptions({"auto", "classification", "regression"})],
        "n_samples": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "kernel_width": [Interval(Real, 0, None, closed="neither"), None],
        "kernel": [StrOptions({"exponential"}), callable],
        "metric": [StrOptions({"euclidean", "cosine"})],
        "discretizer": [StrOptions(set(_DISCRETIZERS)), Discretizer, None],
        "categorical_features": ["array-like", None],
        "sample_around_instance": ["boolean"],
        "sampler": [StrOptions({"lime", "glime"})],
        "feature_groups": [dict, "array-like", None],
        "baseline": [Real, "array-like", None],
        "feature_selection": [StrOptions(set(METHODS))],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "prior": ["array-like", dict, None],
        "surrogate": [HasMethods(["fit"]), None],
        "labels": [
            Interval(Integral, 0, None, closed="left"),
            "array-like",
            StrOptions({"all"}),
            None,
        ],
        "jax_model": ["boolean"],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
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
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn plumbing -----------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.target_tags.required = self.discretizer == "entropy"
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
            One name per input feature (its attribution).
        """
        check_is_fitted(self)
        return np.asarray(_check_feature_names_in(self, input_features), dtype=object)

    # -- fit -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the sampling statistics from training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (finite numbers).
        y : array-like of shape (n_samples,), default=None
            Class labels, used only by ``discretizer="entropy"``.

        Returns
        -------
        self : LimeExplainer
            The fitted explainer.
        """
        try:
            return self._fit(X, y)
        except BaseException:
            # A failed fit leaves the explainer unfitted, never half-fitted
            # (e.g. a predict_fn that raises on the probe rows).
            params = self.get_params(deep=False)
            for name in list(vars(self)):
                if name not in params and not name.startswith("_sklearn"):
                    delattr(self, name)
            raise

    def _fit(self, X, y):
        _check_2d(X)
        validate_data(self, X, skip_check_array=True)
        names = getattr(self, "feature_names_in_", None)
        self._encoder = TabularEncoder().fit(X, self.categorical_features, names)
        with named_input("X"):
            X = self._encoder.encode(X, names)
        n, d = X.shape
        categorical = self._encoder.categorical
        if self.feature_groups is not None:
            discretizer = None
            self._plan = GroupPlan.from_training(
                X,
                self.feature_groups,
                _check_feature_names_in(self, None),
                categorical,
                self.baseline,
                self._encode_row,
            )
            n_interpretable = self._plan.n_groups
        else:
            discretizer = self._fit_discretizer(X, y, categorical)
            if discretizer is not None:
                categorical = np.union1d(categorical, discretizer.categorical_features_)
            self._plan = TabularPlan.from_training(
                X, categorical, discretizer, self.sample_around_instance
            )
            n_interpretable = d
        self.categorical_features_ = categorical.astype(int)
        self.discretizer_ = discretizer
        self.kernel_width_ = (
            float(self.kernel_width)
            if self.kernel_width is not None
            else float(0.75 * np.sqrt(n_interpretable))
        )
        if self.prior is not None and self.surrogate is not None:
            raise ValueError(
                "prior works with the built-in ridge only (surrogate=None)."
            )
        if self.sampler == "glime" and (
            self.metric != "euclidean" or callable(self.kernel)
        ):
            raise ValueError(
                "sampler='glime' needs metric='euclidean' and kernel='exponential': "
                "its sampling law is the kernel-weighted law of those, in closed form."
            )
        fn, output_names = resolve_predict_fn(self.predict_fn, self.mode)
        enc = self._encoder
        if self.jax_model and (
            enc.frame or (enc.categorical.size and not enc.numeric_categories)
        ):
            raise ValueError(
                "jax_model=True needs numeric input: predict_fn would receive "
                "DataFrames or non-numeric categories here. Pass a numeric array."
            )
        # Ask the black box about a couple of training rows: it must work, and
        # its output shape decides the mode and the number of outputs.
        # (A JAX model sees float64 as it will at explain time.)
        with x64_scope() if self.jax_model else contextlib.nullcontext():
            probe = ModelCaller(fn, n, make_input=self._make_input)(
                X[: min(n, 2)], what="training rows"
            )
        if self.mode == "auto":
            self.mode_ = "classification" if probe.shape[1] >= 2 else "regression"
        else:
            self.mode_ = self.mode
        self._binary = self.mode_ == "classification" and probe.shape[1] == 1
        self.n_outputs_ = 2 if self._binary else probe.shape[1]
        if self.mode_ == "regression" and probe.shape[1] != 1:
            raise ValueError(
                f"mode='regression' needs a single output per row; predict_fn "
                f"returned {probe.shape[1]}."
            )
        self.output_names_ = output_names
        self._prior_table()  # a bad prior fails here, not at explain time
        self._device_model = (
            self._make_device_model(fn, X.dtype) if self.jax_model else None
        )
        self._description_table = (
            None
            if isinstance(self._plan, GroupPlan)
            else self._describe_codes(self.get_feature_names_out())
        )
        return self

    def _make_device_model(self, fn, dtype):
        """The jitted model of ``jax_model=True`` (see _device_model)."""
        enc = self._encoder
        lookup = [(j, enc.categories[j]) for j in enc.categorical]
        model = DeviceModel(fn, self._binary, lookup)
        with x64_scope():
            k = model.check(self.n_features_in_, dtype)
        if k != self.n_outputs_:
            raise ValueError(
                f"predict_fn traced by JAX returns {k} outputs per row but "
                f"{self.n_outputs_} when called on numpy rows."
            )
        return model

    def _fit_discretizer(self, X, y, categorical):
        spec = self.discretizer
        if spec is None:
            return None
        if isinstance(spec, str):
            disc = Discretizer(
                **_DISCRETIZERS[spec],
                categorical_features=categorical,
                random_state=self.random_state,
            )
            return disc.fit(X, y)
        if hasattr(spec, "bin_edges_"):
            if spec.n_features_in_ != X.shape[1]:
                raise ValueError(
                    f"discretizer was fitted on {spec.n_features_in_} features; "
                    f"X has {X.shape[1]}."
                )
            return spec
        return clone(spec).set_params(categorical_features=categorical).fit(X, y)

    def _prior_table(self):
        """The prior as an array (n_outputs, n_interpretable), or None."""
        if self.prior is None:
            return None
        p = (
            self._plan.n_groups
            if isinstance(self._plan, GroupPlan)
            else self.n_features_in_
        )
        k = self.n_outputs_
        if isinstance(self.prior, dict):
            table = np.zeros((k, p))
            for label, weights in self.prior.items():
                if not isinstance(label, Integral) or not 0 <= label < k:
                    raise ValueError(f"prior has a label {label!r} outside 0..{k - 1}.")
                table[label] = _prior_row(weights, p)
            return table
        values = np.asarray(self.prior, dtype=float)
        if values.ndim == 1:
            return np.tile(_prior_row(values, p), (k, 1))
        if values.shape != (k, p):
            raise ValueError(
                f"prior must have shape ({p},) or ({k}, {p}) (outputs x interpretable "
                f"features); got {values.shape}."
            )
        if not np.isfinite(values).all():
            raise ValueError(
                "prior must be finite (no NaN rows: explain those labels)."
            )
        return values

    def _encode_row(self, values):
        """Encode one raw row (e.g. a baseline) like the training data."""
        if self._encoder.frame:
            import pandas as pd

            row = pd.DataFrame([list(values)], columns=self._encoder.columns)
            row = row.astype(dict(zip(self._encoder.columns, self._encoder.dtypes)))
        else:
            row = np.asarray(
                values, dtype=object if self._encoder.categorical.size else float
            )
            row = row.reshape(1, -1)
        return self._encoder.encode(row)[0].astype(np.float64)

    def _make_input(self, block):
        """What predict_fn receives: rows as the user gave them (see _encoding)."""
        return self._encoder.decode(block)

    def _validate(self, X):
        """Explain-time checks and encoding of ``X`` to numeric rows."""
        check_is_fitted(self)
        _check_2d(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        with named_input("X"):
            return self._encoder.encode(X, getattr(self, "feature_names_in_", None))

    # -- explain -----------------------------------------------------------------

    def _label_spec(self, n_outputs):
        if self.mode_ == "regression" or self.labels is None:
            return None
        if isinstance(self.labels, str):
            return np.arange(n_outputs)
        labels = np.atleast_1d(np.asarray(self.labels))
        if labels.ndim != 1 or labels.size == 0 or labels.dtype.kind not in "iu":
            raise ValueError(
                f"labels must be None, 'all', an int or a list of ints; got {self.labels!r}."
            )
        if (labels < 0).any() or (labels >= n_outputs).any():
            raise ValueError(
                f"labels {labels.tolist()} out of range for a model with "
                f"{n_outputs} outputs."
            )
        return labels.astype(int)

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
        codes = self._plan.category_codes(X, self.discretizer_)
        if self.n_samples == "auto":
            results = self._explain_adaptive(X, codes)
        else:
            results = self._run(X, codes, self.n_samples)
        return self._assemble(X, codes, results)

    def _run(self, X, codes, n_samples, with_se=False, index=None):
        """Explain encoded rows with ``n_samples`` samples each; chunk results.

        ``index`` gives the rows' positions in the caller's ``X`` (for error
        messages); default ``0..n-1``.
        """
        n, d = X.shape
        index = np.arange(n) if index is None else index
        fn, _ = resolve_predict_fn(self.predict_fn, self.mode)
        batch = None if self.batch_size == "auto" else self.batch_size
        caller = ModelCaller(
            fn,
            batch,
            n_outputs=None if self._binary else self.n_outputs_,
            binary=self._binary,
            make_input=self._make_input,
        )
        labels = self._label_spec(self.n_outputs_)
        seed = base_seed(self.random_state)
        work = _ChunkWork(self, caller, labels, seed, X.dtype, n_samples, with_se)
        rows = work.size
        starts = list(range(0, n, rows))
        progress = self._progress(len(starts))
        if self.n_jobs in (None, 1) or len(starts) == 1:
            results = work.run_pipelined(X, codes, index, starts, rows, progress)
        else:
            tasks = (
                delayed(work.run_one)(
                    X[s : s + rows], codes[s : s + rows], index[s : s + rows]
                )
                for s in starts
            )
            results = _run_parallel(self.n_jobs, tasks, progress)
        for r in results:
            r["n_samples"] = np.full(len(r["labels"]), n_samples)
        return results

    def _explain_adaptive(self, X, codes):
        """``n_samples="auto"``: double the samples of a row until settled.

        In the spirit of S-LIME (Zhou, Hooker and Wang, KDD 2021): a row is
        settled when the gap between its k-th and (k+1)-th largest
        ``|weight|`` (k = min(5, n_features)) exceeds 1.96 standard errors
        of their difference (sandwich estimates). Rows start at
        ``_AUTO_START`` samples and stop at ``_AUTO_CAP``. Each round draws
        a row's samples afresh from its stream: the numbers are laid out
        feature by feature, so the samples at ``2n`` do not extend those at
        ``n`` (and the model sees all ``2n``).
        """
        k = min(5, self.n_features)
        remaining = np.arange(X.shape[0])
        final = [None] * X.shape[0]
        n_samples = _AUTO_START
        while remaining.size:
            chunks = self._run(
                X[remaining], codes[remaining], n_samples, with_se=True, index=remaining
            )
            part = {key: np.concatenate([c[key] for c in chunks]) for key in chunks[0]}
            settled = _top_k_settled(part["coef"][:, 0], part.pop("coef_se"), k)
            if 2 * n_samples > _AUTO_CAP:
                settled[:] = True
            for pos in np.flatnonzero(settled):
                final[remaining[pos]] = {
                    key: v[pos : pos + 1] for key, v in part.items()
                }
            remaining = remaining[~settled]
            n_samples *= 2
        return final

    def _neighbourhood(self, X):
        """The samples of every row of ``X``: ``(X_model, Z)``, numpy (b, n, d)."""
        X = self._validate(X)
        codes = self._plan.category_codes(X, self.discretizer_)
        n_samples = _AUTO_START if self.n_samples == "auto" else self.n_samples
        seed = base_seed(self.random_state)
        work = _ChunkWork(self, None, None, seed, X.dtype, n_samples)
        b, X_model, Z = work._dispatch(X, codes)
        # (b, n, d), samples-major, as the model sees them.
        return (
            np.asarray(X_model)[:b].transpose(0, 2, 1),
            np.asarray(Z)[:b].transpose(0, 2, 1),
        )

    def _progress(self, total):
        if not self.verbose or total < 2:
            return None
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - optional dependency
            return None
        return tqdm(total=total, desc="explaining", unit="chunk")

    def _assemble(self, X, codes, results):
        parts = {k: np.concatenate([r[k] for r in results]) for k in results[0]}
        if self.mode_ == "classification":
            check_probabilities(parts["model_pred"])
        names = self.get_feature_names_out()
        groups = isinstance(self._plan, GroupPlan)
        return Explanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            self._plan.names if groups else names,
            descriptions=None if groups else self._descriptions(X, codes, names),
            data=self._encoder.display_values(X),
            output_names=self.output_names_,
            mode=self.mode_,
            data_names=names,
            groups=self._plan.index if groups else None,
            n_samples=parts["n_samples"],
        )

    def _descriptions(self, X, codes, names):
        """What each feature means for each row: bin, ``name = value`` or name."""
        table = self._description_table
        d = table.shape[0]
        return table[np.arange(d), np.clip(codes, 0, table.shape[1] - 1)]

    def _describe_codes(self, names):
        """``(d, most bins or categories)`` descriptions, built once by ``fit``.

        A feature's row lists the description of each of its codes (bins,
        training categories), or its name alone; padded with the last one.
        Rows index it at once, without a loop over features per call (10 ms
        per 1000 features).
        """
        bins = (
            self.discretizer_.bin_descriptions(list(names))
            if self.discretizer_ is not None
            else None
        )
        rows = []
        for j, name in enumerate(names):
            cats = self._encoder.categories[j]
            if cats is not None:
                # Codes index the training categories seen in the plan.
                seen = cats[self._plan.categories[j].astype(int)]
                rows.append([f"{name} = {_fmt_value(v)}" for v in seen])
            elif bins is not None and bins[j] is not None:
                rows.append(list(bins[j]))
            else:
                rows.append([name])
        width = max(len(r) for r in rows)
        table = np.empty((len(rows), width), dtype=object)
        for j, r in enumerate(rows):
            table[j, : len(r)] = r
            table[j, len(r) :] = r[-1]
        return table

    def transform(self, X):
        """Attributions: the surrogate coefficients of each row's first label.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)

        Returns
        -------
        attributions : ndarray of shape (n_rows, `n_features_in_`)
            Zero for features the surrogate did not keep. With
            ``feature_groups`` every column gets its group's weight.
        """
        exp = self.explain(X)
        if exp.groups is not None:
            return exp.column_weights()[:, 0, :]
        return exp.coef[:, 0, :]

    def score(self, X, y=None):
        """Mean local fidelity (weighted R^2 of the surrogates) on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.explain(X).score))


def _fmt_value(value):
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return str(value)
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.4g}"


def _top_k_settled(coef, se, k):
    """Rows whose top-k set is separated from the rest by > 1.96 standard errors."""
    order = np.argsort(-np.abs(coef), axis=1, kind="stable")
    p = coef.shape[1]
    if k >= p:
        return np.ones(coef.shape[0], dtype=bool)
    rows = np.arange(coef.shape[0])
    inner, outer = order[:, k - 1], order[:, k]
    gap = np.abs(coef[rows, inner]) - np.abs(coef[rows, outer])
    spread = np.sqrt(se[rows, inner] ** 2 + se[rows, outer] ** 2)
    return gap > 1.96 * spread


def _prior_row(weights, p):
    row = np.asarray(weights, dtype=float)
    if row.shape != (p,) or not np.isfinite(row).all():
        raise ValueError(
            f"a prior must hold {p} finite weights; got shape {row.shape}."
        )
    return row


def _pad_rows(a, size, repeat=False):
    """Pad the first axis of ``a`` to ``size`` rows with zeros (or its first row)."""
    if a.shape[0] >= size:
        return a
    pad = (size - a.shape[0],) + a.shape[1:]
    fill = np.broadcast_to(a[:1], pad) if repeat else np.zeros(pad, a.dtype)
    return np.concatenate([a, fill])


def _check_2d(X):
    """Raise scikit-learn's usual errors, naming X, for input that is not a 2-D table."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(
                f"X must have at least one row and one column, got {X.shape}."
            )
        return
    with named_input("X"):
        check_array(X, dtype=None, ensure_all_finite=False)


class _ChunkWork:
    """Explains chunks of rows; holds what every chunk needs."""

    def __init__(self, est, caller, labels, seed, dtype, n_samples, with_se=False):
        self.est = est
        self.n_samples = int(n_samples)
        self.with_se = with_se
        self.caller = caller
        self.labels = labels
        self.seed = seed
        self.method = resolve_method(est.feature_selection, est.n_features)
        self.dtype = dtype
        p = (
            est._plan.n_groups
            if isinstance(est._plan, GroupPlan)
            else est.n_features_in_
        )
        n_labels = 1 if labels is None else labels.size
        self.size = _chunk_rows(
            self.n_samples,
            max(est.n_features_in_, p),
            surrogate_elements(self.n_samples, p, n_labels),
        )
        self.prior = est._prior_table()
        with x64_scope():
            self.tables = est._plan.device_tables(dtype, est.kernel_width_)

    # joblib backends that run in other processes (dask, loky) pickle the work.
    # A pickled float64 JAX array comes back as float32 outside x64_scope, so
    # the tables travel as numpy arrays and become JAX arrays again in scope.
    def __getstate__(self):
        state = self.__dict__.copy()
        state["tables"] = {k: np.asarray(v) for k, v in self.tables.items()}
        return state

    def __setstate__(self, state):
        with x64_scope():
            state["tables"] = {k: jnp.asarray(v) for k, v in state["tables"].items()}
        self.__dict__.update(state)

    def _draw(self, X, codes):
        """Pad a chunk to the chunk size and draw its random numbers.

        Every chunk has the same number of rows (padding repeats the first
        row; padding rows are never shown to the model), so the kernels
        always run on one shape: no recompilation, and a row's results are
        bit-for-bit the same whatever else is in its batch. On the CPU the
        numbers are NumPy's raw words (:func:`~sklime._sampling._random.row_bits`) for
        the real rows only; elsewhere JAX draws them on the device for the
        padded chunk, one compiled shape. (Drawing in a second thread while
        the model runs was measured: no faster on two cores.)
        """
        b = X.shape[0]
        size = self.size
        # Feature-major: each feature's samples are contiguous (see _tabular).
        shape = (self.est._plan.n_random(X.shape[1]), self.n_samples - 1)
        if size > b:
            X = np.concatenate([X, np.repeat(X[:1], size - b, axis=0)])
            codes = np.concatenate([codes, np.repeat(codes[:1], size - b, axis=0)])
        if _random._use_host_generator():
            u = _pad_rows(row_bits(self.seed, X[:b], shape), size, repeat=True)
        else:
            u = row_uniforms(self.seed, X, shape)
        return b, X, codes, u

    def _sample(self, b, X, codes, u):
        """Start sampling a drawn chunk (asynchronously)."""
        with x64_scope():
            X_model, Z = self.est._plan.sample(
                u,
                jnp.asarray(X),
                jnp.asarray(codes, jnp.int32),
                self.tables,
                glime=self.est.sampler == "glime",
            )
        return b, X_model, Z

    def _dispatch(self, X, codes):
        """Draw and start sampling a chunk."""
        return self._sample(*self._draw(X, codes))

    def _finish(self, b, X_model, Z, index, materialize=True):
        """Call the model on a sampled chunk and fit its surrogates.

        ``index`` (b,) are the rows' positions in the caller's ``X`` (errors
        name them). With ``materialize=False`` the surrogate arrays stay on
        the device (still being computed, JAX being asynchronous) so that the
        caller can move on to the next chunk's model calls; see
        :meth:`_materialize`.
        """
        est = self.est
        # (b, n, d) views of the feature-major samples: each row's block is an
        # F-contiguous (n, d) array, handed to the model without a copy.
        device = self.est._device_model
        if device is not None:
            with x64_scope():
                Y = device(X_model, b, est.n_outputs_)
            model_pred = np.asarray(Y[:, 0, :])[:b]  # (no slice kernel per b)
        else:
            Y = self.caller.per_row(np.asarray(X_model)[:b].transpose(0, 2, 1), index)
            model_pred = Y[:, 0, :].copy()  # a view would keep all of Y alive
        if self.labels is None:
            labels = (
                np.zeros((b, 1), dtype=int)
                if est.mode_ == "regression"
                else np.argmax(model_pred, axis=1)[:, None]
            )
        else:
            labels = np.broadcast_to(self.labels, (b, self.labels.size))
        size = Z.shape[0]
        if device is not None:  # Y is padded already, on the device
            with x64_scope():
                Yl = jnp.take_along_axis(
                    Y, jnp.asarray(_pad_rows(labels, size))[:, None, :], axis=2
                )
        else:
            Yl = _pad_rows(np.take_along_axis(Y, labels[:, None, :], axis=2), size)
        with x64_scope():
            Yl = jnp.asarray(Yl, self.dtype)
            kernel = None if est.kernel == "exponential" else est.kernel
            if est.sampler == "glime":  # the kernel is in the samples already
                w = jnp.ones((Z.shape[0], Z.shape[2]), self.dtype)
            else:
                w = sample_weights(
                    Z, est.kernel_width_, est.metric, kernel, feature_major=True
                ).astype(self.dtype)
            if est.surrogate is None:
                prior = (
                    None
                    if self.prior is None
                    else jnp.asarray(_pad_rows(self.prior[labels], size), self.dtype)
                )
                fit = fit_surrogates(
                    Z,
                    Yl,
                    w,
                    alpha=est.alpha,
                    method=self.method,
                    n_features=est.n_features,
                    prior=prior,
                    feature_major=True,
                )
                full = fit._asdict()
            else:
                Zs = jnp.swapaxes(Z, 1, 2).astype(self.dtype)  # samples-major
                full = _fit_user_surrogate(est, Zs, Yl, w, self.method, b)
            if self.with_se:
                full = {k: np.asarray(v) for k, v in full.items()}
                se = coef_standard_errors(
                    Z,
                    Yl,
                    w,
                    jnp.asarray(full["coef"], self.dtype),
                    jnp.asarray(full["intercept"], self.dtype),
                    est.alpha,
                    fm=True,
                    n_kept=None if self.method == "none" else est.n_features,
                )
                full["coef_se"] = np.asarray(se)
        out = dict(full, model_pred=model_pred, labels=labels, _rows=index)
        return self._materialize(out) if materialize else out

    @staticmethod
    def _materialize(out):
        """Numpy arrays of the real rows (waits for the device if needed)."""
        index = out.pop("_rows")
        out = {k: np.asarray(v)[: len(index)] for k, v in out.items()}
        _check_finite(out, index)
        return out

    def run_one(self, X, codes, index):
        return self._finish(*self._dispatch(X, codes), index)

    def run_pipelined(self, X, codes, index, starts, rows, progress=None):
        """Explain chunk after chunk, sampling the next while the model runs.

        ``index`` gives the rows' positions in the caller's ``X``.
        """
        results = []
        pending = self._dispatch(
            X[starts[0] : starts[0] + rows], codes[starts[0] : starts[0] + rows]
        )
        for c, start in enumerate(starts):
            current = pending
            if c + 1 < len(starts):
                s = starts[c + 1]
                pending = self._dispatch(X[s : s + rows], codes[s : s + rows])
            results.append(
                self._finish(*current, index[start : start + rows], materialize=False)
            )
            if progress is not None:
                progress.update(1)
        if progress is not None:
            progress.close()
        return [self._materialize(r) for r in results]


def _check_finite(out, index):
    """Refuse to return surrogates that overflowed (NaN or infinity)."""
    finite = np.ones(len(index), dtype=bool)
    for k in ("coef", "intercept", "score", "local_pred"):
        finite &= np.isfinite(out[k]).reshape(len(index), -1).all(axis=1)
    if not finite.all():
        rows = np.asarray(index)[~finite]
        raise ValueError(
            f"The surrogates of rows {rows[:5].tolist()}"
            f"{'...' if rows.size > 5 else ''} of X are not finite (numeric "
            "overflow): these rows lie too far from the training data, or the "
            "model's outputs, the kernel weights or the prior are too large, for "
            f"{out['coef'].dtype.name} arithmetic."
        )


def _run_parallel(n_jobs, tasks, progress=None):
    """Run chunk tasks with joblib, ticking ``progress`` as results arrive."""
    if progress is not None:
        try:
            parallel = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")
        except ValueError:  # a backend that cannot stream results: no bar
            progress.close()
        else:
            results = []
            for result in parallel(tasks):
                results.append(result)
                progress.update(1)
            progress.close()
            return results
    return Parallel(n_jobs=n_jobs, prefer="threads")(tasks)


def _fit_user_surrogate(est, Z, Yl, w, method, b):
    """Slow path: feature selection in JAX, then a user regressor per row and label.

    Only the chunk's ``b`` real rows are fitted; its padding rows get zeros.
    """
    masks = selection_masks(Z, Yl, w, method=method, n_features=est.n_features)
    Z, Yl, w = np.asarray(Z), np.asarray(Yl), np.asarray(w)
    size, L, p = Z.shape[0], Yl.shape[2], Z.shape[2]
    coef = np.zeros((size, L, p))
    intercept = np.zeros((size, L))
    score = np.zeros((size, L))
    local = np.zeros((size, L))
    for i in range(b):
        for slot in range(L):
            cols = np.flatnonzero(masks[i, slot])
            reg = clone(est.surrogate).fit(
                Z[i][:, cols], Yl[i, :, slot], sample_weight=w[i]
            )
            coef[i, slot, cols] = np.ravel(reg.coef_)
            intercept[i, slot] = (
                float(np.ravel(reg.intercept_)[0])
                if np.ndim(reg.intercept_)
                else float(reg.intercept_)
            )
            score[i, slot] = reg.score(
                Z[i][:, cols], Yl[i, :, slot], sample_weight=w[i]
            )
            local[i, slot] = float(np.ravel(reg.predict(Z[i][:1, cols]))[0])
    return {"coef": coef, "intercept": intercept, "score": score, "local_pred": local}
