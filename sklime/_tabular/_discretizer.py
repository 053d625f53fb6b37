"""Discretizer: lime-compatible quantile and entropy binning, with in-bin sampling."""

from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .._engine._precision import x64_scope
from .._engine._validation import named_input, resolve_features
from .._sampling._random import base_seed
from .._sampling._truncnorm import truncnorm_from_uniform, truncnorm_tables
from ._bins import (
    bin_statistics,
    entropy_edges,
    format_category,
    format_edges,
    quantile_edges,
    sampling_bounds,
)

__all__ = ["DISCRETIZERS", "Discretizer", "fit_discretizer"]


#: The per-feature arrays of a fitted Discretizer, in ``bin_statistics`` order
#: after the edges.
_BIN_ATTRIBUTES = (
    "bin_edges_",
    "bin_means_",
    "bin_stds_",
    "bin_mins_",
    "bin_maxs_",
    "bin_frequencies_",
)


class Discretizer(TransformerMixin, BaseEstimator):
    """Bin continuous features as ``lime`` does, and sample values inside bins.

    Quantile bins reproduce ``lime``'s ``QuartileDiscretizer``
    (``n_bins=4``) and ``DecileDiscretizer`` (``n_bins=10``); entropy bins
    reproduce its ``EntropyDiscretizer`` (``n_bins=8``). Bins are
    right-closed: value ``x`` of feature ``j`` falls in bin
    ``searchsorted(bin_edges_[j], x)``, so edges ``[2.25, 4.5, 6.75]`` put
    ``0..9`` in bins ``[0, 0, 0, 1, 1, 2, 2, 3, 3, 3]``; values outside the
    training range fall in the end bins. Categorical features pass through
    unchanged.

    Parameters
    ----------
    n_bins : int, default=4
        Number of bins per continuous feature (at most; duplicate edges
        are merged).
    strategy : {"quantile", "entropy"}, default="quantile"
        ``"quantile"``: edges at the ``k / n_bins`` training percentiles.
        ``"entropy"``: split points of a decision tree with the entropy
        criterion fitted on ``y`` (supervised), depth ``ceil(log2(n_bins))``;
        the median when the tree makes no split.
    encode : {"ordinal", "onehot"}, default="ordinal"
        ``"ordinal"``: one column per feature with the bin index (categorical
        features keep their value). ``"onehot"``: a dense 0/1 column per bin
        (per category for categorical features).
    categorical_features : array-like of int, array-like of str or bool mask, default=None
        Features that are not binned.
    random_state : int, RandomState instance or None, default=None
        Seeds the entropy trees and, by default, :meth:`sample`.

    Attributes
    ----------
    bin_edges_ : ndarray of shape (n_features,), dtype object
        Interior edges (sorted, unique) of each continuous feature; ``None``
        for categorical features.
    n_bins_ : ndarray of shape (n_features,), dtype int
        Bins per feature (categories for categorical features).
    bin_means_, bin_stds_, bin_mins_, bin_maxs_ : ndarray of shape (n_features,), dtype object
        Per bin of each continuous feature: training mean and standard
        deviation of the values in the bin, and the bin's bounds (the
        training minimum and maximum close the end bins, as in ``lime``).
        ``None`` for categorical features. An empty bin gets the midpoint of
        its bounds as mean and a zero standard deviation.
    bin_frequencies_ : ndarray of shape (n_features,), dtype object
        Fraction of training rows in each bin (each category for categorical
        features).
    categories_ : ndarray of shape (n_features,), dtype object
        Sorted training values of each categorical feature; ``None`` for
        continuous features.
    categorical_features_ : ndarray of int
        Indices of the categorical features.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit` (DataFrames with string
        column names only).

    See Also
    --------
    sklearn.preprocessing.KBinsDiscretizer : Binning without in-bin statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Discretizer
    >>> X = np.arange(10.0).reshape(-1, 1)
    >>> disc = Discretizer().fit(X)
    >>> disc.bin_edges_[0]
    array([2.25, 4.5 , 6.75])
    >>> disc.transform(X).ravel()
    array([0., 0., 0., 1., 1., 2., 2., 3., 3., 3.])
    >>> disc.inverse_transform([[0.0], [3.0]]).ravel()
    array([1., 8.])
    >>> disc.bin_descriptions(["age"])[0]
    ['age <= 2.25', '2.25 < age <= 4.50', '4.50 < age <= 6.75', 'age > 6.75']
    >>> s = disc.sample(np.zeros((1000, 1)), random_state=0)
    >>> bool(((s >= 0) & (s <= 2.25)).all())
    True
    """

    _parameter_constraints: dict = {
        "n_bins": [Interval(Integral, 2, None, closed="left")],
        "strategy": [StrOptions({"quantile", "entropy"})],
        "encode": [StrOptions({"ordinal", "onehot"})],
        "categorical_features": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_bins=4,
        strategy="quantile",
        encode="ordinal",
        categorical_features=None,
        random_state=None,
    ):
        self.n_bins = n_bins
        self.strategy = strategy
        self.encode = encode
        self.categorical_features = categorical_features
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the bin edges and the per-bin statistics.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; finite numbers.
        y : array-like of shape (n_samples,), default=None
            Class labels; required by ``strategy="entropy"``, ignored otherwise.

        Returns
        -------
        self : Discretizer
            The fitted discretizer.
        """
        with named_input("X"):
            X = validate_data(self, X, dtype=[np.float64, np.float32])
        n, d = X.shape
        categorical = resolve_features(
            self.categorical_features, d, getattr(self, "feature_names_in_", None)
        )
        if self.strategy == "entropy":
            if y is None:
                raise ValueError(
                    "y is required by strategy='entropy' (class labels of the "
                    "training rows); use strategy='quantile' without labels."
                )
            y = column_or_1d(y, warn=True)
            if y.shape[0] != n:
                raise ValueError(f"y has {y.shape[0]} labels but X has {n} rows.")
            if type_of_target(y) not in ("binary", "multiclass"):
                raise ValueError(
                    "strategy='entropy' needs class labels in y, got a "
                    f"{type_of_target(y)!r} target."
                )
        rng = check_random_state(self.random_state)
        for key in _BIN_ATTRIBUTES + ("categories_",):
            setattr(self, key, np.empty(d, dtype=object))
        self.n_bins_ = np.zeros(d, dtype=int)
        is_cat = np.zeros(d, dtype=bool)
        is_cat[categorical] = True
        for j in range(d):
            col = X[:, j].astype(np.float64)
            if is_cat[j]:
                values, counts = np.unique(col, return_counts=True)
                self.categories_[j] = values
                self.bin_frequencies_[j] = counts / n
                self.n_bins_[j] = values.size
            elif self.strategy == "quantile":
                self._set_edges(j, col, quantile_edges(col, self.n_bins))
            else:
                self._set_edges(j, col, entropy_edges(col, y, self.n_bins, rng))
        self.categorical_features_ = categorical
        return self

    def _set_edges(self, j, col, edges):
        """Bin feature ``j`` at ``edges``: its edges and per-bin statistics."""
        edges = np.unique(np.asarray(edges, dtype=np.float64))
        self.bin_edges_[j] = edges
        for key, value in zip(_BIN_ATTRIBUTES[1:], bin_statistics(col, edges)):
            getattr(self, key)[j] = value
        self.n_bins_[j] = edges.size + 1

    def _check_is_cat(self):
        is_cat = np.zeros(self.n_features_in_, dtype=bool)
        is_cat[self.categorical_features_] = True
        return is_cat

    def _bins(self, X):
        """Ordinal codes: bin index, or the raw value for categorical features."""
        out = np.array(X, dtype=np.float64, copy=True)
        for j, edges in enumerate(self.bin_edges_):
            if edges is not None:
                out[:, j] = np.searchsorted(edges, X[:, j], side="left")
        return out

    def transform(self, X):
        """Bin ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_features) or (n_samples, sum(`n_bins_`))
            Bin indices (``encode="ordinal"``; categorical values unchanged),
            or one-hot columns (``encode="onehot"``).
        """
        check_is_fitted(self)
        with named_input("X"):
            X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        codes = self._bins(X)
        if self.encode == "ordinal":
            return codes
        return self._onehot(codes)

    def _category_index(self, codes, j):
        values = self.categories_[j]
        idx = np.searchsorted(values, codes[:, j])
        idx = np.minimum(idx, values.size - 1)
        unseen = values[idx] != codes[:, j]
        if unseen.any():
            raise ValueError(
                f"Feature {j} has categories unseen during fit: "
                f"{np.unique(codes[unseen, j])[:5].tolist()}."
            )
        return idx

    def _onehot(self, codes):
        blocks = []
        for j in range(self.n_features_in_):
            if self.categories_[j] is not None:
                idx = self._category_index(codes, j)
            else:
                idx = codes[:, j].astype(int)
            blocks.append(np.eye(self.n_bins_[j])[idx])
        return np.hstack(blocks)

    def _decode(self, Xt):
        """Ordinal codes from ordinal or one-hot ``Xt``, checked against the bins."""
        check_is_fitted(self)
        try:
            Xt = np.asarray(Xt, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Xt must hold bin indices (numbers): {exc}") from exc
        if Xt.ndim != 2:
            raise ValueError(f"Xt must be 2-D, got an array of shape {Xt.shape}.")
        if not np.isfinite(Xt).all():
            raise ValueError("Xt contains NaN or infinity.")
        if self.encode == "onehot":
            width = int(self.n_bins_.sum())
            if Xt.shape[1] != width:
                raise ValueError(
                    f"Xt has {Xt.shape[1]} columns; the one-hot encoding has {width}."
                )
            starts = np.concatenate([[0], np.cumsum(self.n_bins_)[:-1]])
            codes = np.empty((Xt.shape[0], self.n_features_in_))
            for j, (s, k) in enumerate(zip(starts, self.n_bins_)):
                idx = np.argmax(Xt[:, s : s + k], axis=1)
                cats = self.categories_[j]
                codes[:, j] = cats[idx] if cats is not None else idx
            return codes
        if Xt.shape[1] != self.n_features_in_:
            raise ValueError(
                f"Xt has {Xt.shape[1]} features, but Discretizer is expecting "
                f"{self.n_features_in_} features as input."
            )
        for j, edges in enumerate(self.bin_edges_):
            if edges is None:
                continue
            col = Xt[:, j]
            if ((col != np.round(col)) | (col < 0) | (col >= self.n_bins_[j])).any():
                raise ValueError(
                    f"Xt[:, {j}] must hold bin indices in [0, {self.n_bins_[j] - 1}]."
                )
        return Xt

    def inverse_transform(self, Xt):
        """Map bins back to a representative value: the bin's training mean.

        Parameters
        ----------
        Xt : array-like of shape (n_samples, n_features) or (n_samples, sum(`n_bins_`))
            Output of :meth:`transform`.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Bin means for continuous features, values for categorical ones.
        """
        codes = self._decode(Xt)
        out = codes.copy()
        for j, means in enumerate(self.bin_means_):
            if means is not None:
                out[:, j] = means[codes[:, j].astype(int)]
        return out

    def _tables(self):
        """Padded per-bin tables (n_features, max_bins) for the JAX samplers."""
        d = self.n_features_in_
        K = max(int(self.n_bins_.max()), 1)
        mean = np.zeros((d, K))
        std = np.zeros((d, K))
        lower = np.zeros((d, K))
        upper = np.zeros((d, K))
        freq = np.zeros((d, K))
        for j in range(d):
            k = self.n_bins_[j]
            freq[j, :k] = self.bin_frequencies_[j]
            if self.bin_edges_[j] is None:
                continue
            mean[j, :k] = self.bin_means_[j]
            std[j, :k] = self.bin_stds_[j]
            lower[j, :k] = self.bin_mins_[j]
            upper[j, :k] = self.bin_maxs_[j]
        return {"mean": mean, "std": std, "lower": lower, "upper": upper, "freq": freq}

    def sample(self, Xt, random_state=None):
        """Draw continuous values inside the given bins.

        Each value of a continuous feature is drawn from the normal with the
        bin's training mean and standard deviation, truncated to the bin's
        bounds (``lime``'s ``undiscretize``). Bins whose training values are
        all equal return that value. Categorical features are returned as
        they are.

        Parameters
        ----------
        Xt : array-like of shape (n_samples, n_features) or (n_samples, sum(`n_bins_`))
            Bins, as :meth:`transform` returns them.
        random_state : int, RandomState instance or None, default=None
            Seed for the draw; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Values inside the bins.
        """
        codes = self._decode(Xt)
        rs = self.random_state if random_state is None else random_state
        tables = self._tables()
        cont = np.array([e is not None for e in self.bin_edges_])
        bins = np.where(cont, codes, 0).astype(np.int32)
        t = truncnorm_tables(
            tables["mean"], tables["std"], tables["lower"], tables["upper"]
        )
        t["lower"], t["upper"] = sampling_bounds(
            tables["lower"], tables["upper"], np.float64
        )
        key = jax.random.key(base_seed(rs))
        with x64_scope():
            params = {k: jnp.asarray(v) for k, v in t.items()}
            values = np.asarray(_sample_in_bins(key, jnp.asarray(bins), params))
        return np.where(cont, values, codes)

    def bin_descriptions(self, input_features=None):
        """Human-readable description of every bin, as ``lime`` writes them.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Feature names; defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        descriptions : list of (list of str or None)
            For each feature, one string per bin: ``"name <= a"``,
            ``"a < name <= b"``, ..., ``"name > z"``; ``None`` for
            categorical features.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = []
        for name, edges in zip(names, self.bin_edges_):
            if edges is None:
                out.append(None)
                continue
            text = format_edges(edges)
            desc = [f"{name} <= {text[0]}"]
            desc += [f"{a} < {name} <= {b}" for a, b in zip(text[:-1], text[1:])]
            desc.append(f"{name} > {text[-1]}")
            out.append(desc)
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The input names for ``encode="ordinal"``; ``"<name>_<bin>"`` (or
            ``"<name>_<category>"``) for ``encode="onehot"``.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        if self.encode == "ordinal":
            return np.asarray(names, dtype=object)
        out = []
        for j, name in enumerate(names):
            cats = self.categories_[j]
            labels = (
                range(self.n_bins_[j])
                if cats is None
                else [format_category(c) for c in cats]
            )
            out.extend(f"{name}_{c}" for c in labels)
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = self.strategy == "entropy"
        return tags


@jax.jit
def _sample_in_bins(key, bins, params):
    """Truncated-normal values for bins (n, d) from padded (d, K) tables."""
    d = bins.shape[1]
    u = jax.random.uniform(key, bins.shape, params["a"].dtype)
    gathered = {k: v[jnp.arange(d), bins] for k, v in params.items()}
    return truncnorm_from_uniform(u, **gathered)


#: ``lime``'s discretizers by name: quartile, decile and entropy bins.
DISCRETIZERS = {
    "quartile": {"n_bins": 4, "strategy": "quantile"},
    "decile": {"n_bins": 10, "strategy": "quantile"},
    "entropy": {"n_bins": 8, "strategy": "entropy"},
}


def fit_discretizer(spec, X, y, categorical, random_state=None):
    """The fitted discretizer of ``LimeExplainer(discretizer=spec)``, or None.

    ``spec`` is a name of :data:`DISCRETIZERS`, a fitted :class:`Discretizer`
    (kept as it is), an unfitted one (cloned, told the categorical
    columns, fitted) or None.
    """
    if spec is None:
        return None
    if isinstance(spec, str):
        disc = Discretizer(
            **DISCRETIZERS[spec],
            categorical_features=categorical,
            random_state=random_state,
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
