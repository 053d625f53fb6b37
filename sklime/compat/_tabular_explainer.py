"""``LimeTabularExplainer`` and ``TableDomainMapper`` (see :mod:`sklime.compat.lime_tabular`)."""

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler

from .._engine._model import PredictFnOutputError
from .._tabular._explainer import LimeExplainer
from ._common import (
    check_choice,
    chosen_labels,
    class_names_for,
    fixed_seed,
    same_callable,
)
from .discretize import (
    BaseDiscretizer,
    DecileDiscretizer,
    EntropyDiscretizer,
    QuartileDiscretizer,
    StatsDiscretizer,
)
from .explanation import DomainMapper, Explanation, from_native

__all__ = ["LimeTabularExplainer", "TableDomainMapper"]

_DISCRETIZERS = {
    "quartile": QuartileDiscretizer,
    "decile": DecileDiscretizer,
    "entropy": EntropyDiscretizer,
}
_STATS_KEYS = ("means", "mins", "maxs", "stds", "feature_values", "feature_frequencies")


class TableDomainMapper(DomainMapper):
    """Names of a row's features: bins, ``name=value`` or names (``lime``'s).

    Parameters
    ----------
    feature_names : list of str
        Names, ``name=value`` for categorical features.
    feature_values : list of str
        The row's values, formatted.
    scaled_row : ndarray
        The row as the surrogate sees it.
    categorical_features : list of int
    discretized_feature_names : list of str, default=None
        The row's bin of each feature (used by :meth:`map_exp_ids` when given).
    feature_indexes : ndarray of int, default=None
        The non-zero columns of a sparse row.
    """

    def __init__(
        self,
        feature_names,
        feature_values,
        scaled_row,
        categorical_features,
        discretized_feature_names=None,
        feature_indexes=None,
    ):
        self.exp_feature_names = feature_names
        self.feature_names = feature_names
        self.discretized_feature_names = discretized_feature_names
        self.feature_values = feature_values
        self.feature_indexes = feature_indexes
        self.scaled_row = scaled_row
        self.categorical_features = categorical_features
        self.all_categorical = len(categorical_features) == len(feature_names)

    def map_exp_ids(self, exp):
        """``[(id, weight)]`` to ``[(name, weight)]``, bins first."""
        names = self.discretized_feature_names or self.exp_feature_names
        return [(names[j], w) for j, w in exp]


class _Recorded:
    """The black box, checked as ``lime`` expects, with its output range."""

    def __init__(self, fn, mode, reshape):
        self.fn, self.mode, self.reshape = fn, mode, reshape
        self.reset()

    def reset(self):
        self.low, self.high = np.inf, -np.inf

    def __call__(self, X):
        out = np.asarray(self.fn(self.reshape(X)))
        if self.mode == "classification" and (out.ndim != 2 or out.shape[1] < 2):
            raise PredictFnOutputError(
                "predict_fn must return class probabilities of shape "
                f"(n_samples, n_classes) with n_classes >= 2; got shape {out.shape}. "
                "Pass predict_proba, or mode='regression' for one output."
            )
        if self.mode == "regression":
            if out.ndim == 2 and out.shape[1] == 1:
                out = out[:, 0]
            if out.ndim != 1:
                raise PredictFnOutputError(
                    "predict_fn must return one prediction per row in regression "
                    f"mode, shape (n_samples,); got shape {out.shape}."
                )
        if out.size and np.isfinite(out).all():
            self.low = min(self.low, float(out.min()))
            self.high = max(self.high, float(out.max()))
        return out


class LimeTabularExplainer:
    """``lime``'s tabular explainer on sklime's engine.

    Parameters are ``lime.lime_tabular.LimeTabularExplainer``'s.

    Parameters
    ----------
    training_data : array-like or scipy.sparse matrix of shape (n, d)
    mode : {"classification", "regression"}, default="classification"
    training_labels : array-like of shape (n,), default=None
        Class labels, for the entropy discretizer.
    feature_names : list of str, default=None
        ``"0", "1", ...`` when ``None``.
    categorical_features : list of int, default=None
    categorical_names : dict, default=None
        ``{feature: names of its values}`` (values are codes 0, 1, ...).
    kernel_width : float, default=None
        ``0.75 * sqrt(d)`` when ``None``.
    kernel : callable, default=None
        ``kernel(distances, kernel_width)``; ``None`` is
        ``sqrt(exp(-d**2 / width**2))``.
    verbose : bool, default=False
        Progress bars on long runs (``lime`` prints the local prediction).
    class_names : list of str, default=None
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
    discretize_continuous : bool, default=True
        Ignored for sparse training data (as ``lime``).
    discretizer : {"quartile", "decile", "entropy"} or BaseDiscretizer, default="quartile"
    sample_around_instance : bool, default=False
    random_state : int, RandomState instance or None, default=None
        A fixed seed gives the same explanation on every call.
    training_data_stats : dict, default=None
        ``lime``'s statistics (``means``, ``mins``, ``maxs``, ``stds``,
        ``bins``, ``feature_values``, ``feature_frequencies``) replacing
        those of ``training_data`` in the discretized mode.

    Attributes
    ----------
    feature_names, categorical_features, categorical_names, class_names
        As ``lime``; ``categorical_features`` lists every feature when
        discretizing.
    discretizer : BaseDiscretizer or None
    feature_values, feature_frequencies : dict
        Values of each categorical (or discretized) feature and their
        training frequencies.
    scaler : StandardScaler
        ``lime``'s standardisation (mean 0 and scale 1 for categorical features).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklime.compat.lime_tabular import LimeTabularExplainer
    >>> iris = load_iris()
    >>> model = LogisticRegression(max_iter=500).fit(iris.data, iris.target)
    >>> explainer = LimeTabularExplainer(
    ...     iris.data, feature_names=iris.feature_names,
    ...     class_names=list(iris.target_names), random_state=0)
    >>> exp = explainer.explain_instance(
    ...     iris.data[0], model.predict_proba, num_features=2, num_samples=1000)
    >>> len(exp.as_list(label=1))
    2
    >>> exp.as_map() == explainer.explain_instance(
    ...     iris.data[0], model.predict_proba, num_features=2, num_samples=1000).as_map()
    True
    """

    def __init__(
        self,
        training_data,
        mode="classification",
        training_labels=None,
        feature_names=None,
        categorical_features=None,
        categorical_names=None,
        kernel_width=None,
        kernel=None,
        verbose=False,
        class_names=None,
        feature_selection="auto",
        discretize_continuous=True,
        discretizer="quartile",
        sample_around_instance=False,
        random_state=None,
        training_data_stats=None,
    ):
        self.mode = check_choice("mode", mode, {"classification", "regression"})
        self._sparse = sp.issparse(training_data)
        data = np.asarray(
            training_data.toarray() if self._sparse else training_data, dtype=np.float64
        )
        if data.ndim != 2 or 0 in data.shape:
            raise ValueError(
                "training_data must be a non-empty 2-D array, got shape "
                f"{np.shape(training_data)}."
            )
        if not np.isfinite(data).all():
            raise ValueError("training_data must be finite (no NaN or infinity).")
        d = data.shape[1]
        self.feature_names = (
            [str(j) for j in range(d)] if feature_names is None else list(feature_names)
        )
        if len(self.feature_names) != d:
            raise ValueError(
                f"feature_names must name the {d} columns of training_data, "
                f"got {len(self.feature_names)} names."
            )
        self._categorical = sorted(
            int(j)
            for j in ([] if categorical_features is None else categorical_features)
        )
        self.categorical_features = list(self._categorical)
        self.categorical_names = dict(categorical_names or {})
        self.class_names = class_names
        self.feature_selection = feature_selection
        self.sample_around_instance = sample_around_instance
        self.random_state = random_state
        self.training_data_stats = training_data_stats
        self.verbose = verbose
        if training_data_stats:
            missing = sorted(set(_STATS_KEYS) - set(training_data_stats))
            if missing:
                raise ValueError(f"training_data_stats misses the keys {missing}.")
        self.discretizer = None
        if discretize_continuous and not self._sparse:
            self.discretizer = self._make_discretizer(
                discretizer, data, training_labels, training_data_stats
            )
            self.categorical_features = list(range(d))
        self.kernel_width = float(
            np.sqrt(d) * 0.75 if kernel_width is None else kernel_width
        )
        self.kernel = kernel
        self._training = data
        self._set_frequencies(data, training_data_stats)
        self.scaler = StandardScaler(with_mean=False).fit(data)
        self.scaler.mean_[self.categorical_features] = 0
        self.scaler.scale_[self.categorical_features] = 1
        self._seed = fixed_seed(random_state, getattr(self.discretizer, "_seed", None))
        self._native = None
        self._native_params = None

    # -- construction ----------------------------------------------------------

    def _make_discretizer(self, spec, data, labels, stats):
        names, cats = self.feature_names, self._categorical
        if stats:
            if cats:
                raise ValueError(
                    "training_data_stats with categorical_features is not "
                    "supported: the categories' frequencies come from "
                    "training_data; pass the training data instead."
                )
            return StatsDiscretizer(
                data, cats, names, labels, self.random_state, data_stats=stats
            )
        if isinstance(spec, BaseDiscretizer):
            return spec
        if isinstance(spec, str) and spec in _DISCRETIZERS:
            return _DISCRETIZERS[spec](data, cats, names, labels, self.random_state)
        raise ValueError(
            "discretizer must be 'quartile', 'decile', 'entropy' or a "
            f"BaseDiscretizer instance, got {spec!r}."
        )

    def _set_frequencies(self, data, stats):
        """``feature_values`` and ``feature_frequencies`` as ``lime``."""
        self.feature_values, self.feature_frequencies = {}, {}
        binned = self.discretizer.discretize(data) if self.discretizer else data
        for j in self.categorical_features:
            if stats:
                values = list(stats["feature_values"][j])
                counts = np.asarray(stats["feature_frequencies"][j], dtype=float)
            else:
                values, counts = np.unique(binned[:, j], return_counts=True)
                values = values.tolist()
            self.feature_values[j] = values
            self.feature_frequencies[j] = counts / counts.sum()
        if stats and self.discretizer is not None:
            # The bins' sampling frequencies are those of the statistics.
            native = self.discretizer.discretizer_
            for j in self.discretizer.to_discretize:
                freq = np.zeros(native.n_bins_[j])
                for v, f in zip(self.feature_values[j], self.feature_frequencies[j]):
                    freq[int(v)] = f
                native.bin_frequencies_[j] = freq

    # -- the native explainer ----------------------------------------------------

    def _reshape_input(self, X):
        """Samples as the black box takes them (identity; 3-D for recurrent)."""
        return X

    def _explainer(self, predict_fn):
        """The native LimeExplainer of ``predict_fn``, fitted once and kept."""
        if self._native is not None and same_callable(self._native[0], predict_fn):
            return self._native[1]
        recorded = _Recorded(predict_fn, self.mode, self._reshape_input)
        native = LimeExplainer(
            recorded,
            mode=self.mode,
            kernel_width=self.kernel_width,
            kernel="exponential" if self.kernel is None else self.kernel,
            discretizer=self.discretizer.discretizer_ if self.discretizer else None,
            categorical_features=self._categorical or None,
            sample_around_instance=self.sample_around_instance,
            feature_selection=self.feature_selection,
            random_state=self._seed,
            verbose=int(bool(self.verbose)),
        ).fit(self._training)
        if self.mode == "classification":
            self.class_names = class_names_for(self.class_names, native.n_outputs_)
            native.output_names_ = np.asarray(self.class_names, dtype=object)
        self._native = (predict_fn, native, recorded)
        self._native_params = None
        return native

    # -- explain ---------------------------------------------------------------

    def _rows(self, rows):
        X = rows.toarray() if sp.issparse(rows) else np.asarray(rows, dtype=np.float64)
        d = self._training.shape[1]
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(
                f"data_row must have {d} features (as training_data), got "
                f"shape {np.shape(rows)}."
            )
        if not np.isfinite(X).all():
            raise ValueError("data_row must be finite (no NaN or infinity).")
        return X

    def explain_instance(
        self,
        data_row,
        predict_fn,
        labels=(1,),
        top_labels=None,
        num_features=10,
        num_samples=5000,
        distance_metric="euclidean",
        model_regressor=None,
        sampling_method="gaussian",
    ):
        """Explain one row, as ``lime``'s ``explain_instance``.

        Parameters
        ----------
        data_row : ndarray of shape (d,) or sparse row (1, d)
        predict_fn : callable
            ``(n, d) -> (n, n_classes)`` probabilities, or ``(n,)`` in regression.
        labels : iterable of int, default=(1,)
        top_labels : int, default=None
            Explain the ``top_labels`` most probable classes instead.
        num_features : int, default=10
        num_samples : int, default=5000
        distance_metric : {"euclidean", "cosine"}, default="euclidean"
        model_regressor : regressor, default=None
            ``None``: ridge (``alpha=1``); else fitted with ``sample_weight``.
        sampling_method : {"gaussian", "lhs"}, default="gaussian"
            How continuous features are drawn (without discretizer).

        Returns
        -------
        Explanation
        """
        if sp.issparse(data_row):
            rows = data_row.reshape(1, -1)
        else:
            row = np.asarray(data_row)
            if row.ndim != 1:
                raise ValueError(
                    f"data_row must be a 1-D array (one row), got shape {row.shape}."
                )
            rows = row[None]
        return self.explain_instances(
            rows,
            predict_fn,
            labels=labels,
            top_labels=top_labels,
            num_features=num_features,
            num_samples=num_samples,
            distance_metric=distance_metric,
            model_regressor=model_regressor,
            sampling_method=sampling_method,
        )[0]

    def explain_instances(
        self,
        data_rows,
        predict_fn,
        labels=(1,),
        top_labels=None,
        num_features=10,
        num_samples=5000,
        distance_metric="euclidean",
        model_regressor=None,
        sampling_method="gaussian",
    ):
        """Explain many rows in one vectorized call (beyond ``lime``).

        Parameters are :meth:`explain_instance`'s, with ``data_rows`` of
        shape ``(n_rows, d)`` (dense or sparse). Row ``i`` gets the same
        explanation as ``explain_instance(data_rows[i], ...)``.

        Returns
        -------
        list of Explanation
        """
        check_choice("distance_metric", distance_metric, {"euclidean", "cosine"})
        check_choice("sampling_method", sampling_method, {"gaussian", "lhs"})
        X = self._rows(data_rows)
        native = self._explainer(predict_fn)
        lhs = sampling_method == "lhs" and self.discretizer is None
        if self.mode == "classification" and not top_labels:
            chosen = chosen_labels(None, labels, None)[0]
            native_labels = sorted(set(chosen))
        else:
            native_labels = "all"
        params = dict(
            n_samples=num_samples,
            n_features=num_features,
            metric=distance_metric,
            surrogate=model_regressor,
            sampler="lhs" if lhs else "lime",
            labels=native_labels,
        )
        if params != self._native_params:  # validated once per new setting
            native.set_params(**params)
            native._validate_params()
            self._native_params = params
        recorded = self._native[2]
        recorded.reset()
        batch = native.explain(X)
        return [
            self._lime_explanation(batch, i, X[i], labels, top_labels, recorded)
            for i in range(X.shape[0])
        ]

    def _lime_explanation(self, batch, i, row, labels, top_labels, recorded):
        names = list(self.feature_names)
        values = [f"{v:.2f}" for v in row]
        lambdas = self.discretizer.lambdas if self.discretizer else {}
        for j in self.categorical_features:
            if j in lambdas:
                continue
            value = int(row[j])
            if j in self.categorical_names:
                value = self.categorical_names[j][value]
            names[j] = f"{names[j]}={value}"
            values[j] = "True"
        binned = None
        if self.discretizer is not None:
            codes = self.discretizer.discretize(row)
            binned = list(names)
            for j, bin_names in self.discretizer.names.items():
                binned[j] = bin_names[int(codes[j])]
        mapper = TableDomainMapper(
            names,
            values,
            (row - self.scaler.mean_) / self.scaler.scale_,
            categorical_features=self.categorical_features,
            discretized_feature_names=binned,
            feature_indexes=np.flatnonzero(row) if self._sparse else None,
        )
        exp = Explanation(mapper, mode=self.mode, class_names=self.class_names)
        chosen, top = chosen_labels(batch.model_pred[i], labels, top_labels)
        return from_native(
            exp,
            batch,
            i,
            chosen,
            top_labels=top,
            output_range=(recorded.low, recorded.high),
        )
