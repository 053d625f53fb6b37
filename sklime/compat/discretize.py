"""``lime.discretize`` on :class:`sklime.Discretizer`.

The constructors, attributes (``names``, ``lambdas``, ``means``, ``stds``,
``mins``, ``maxs``, ``to_discretize``) and methods (``discretize``,
``undiscretize``, ``bins``) of ``lime``'s discretizers; the binning, the
per-bin statistics and the in-bin draws are :class:`sklime.Discretizer`'s.
Differences from ``lime``, on purpose: an empty bin's mean is the middle of
its bounds (``lime``: 0) and its standard deviation 0 (``lime``: 1e-11); a
bin whose bounds are equal undiscretizes to that value (``lime`` returns its
z-score); bin names get more decimals where ``lime``'s ``%.2f`` would print
two edges alike; bad input raises an error that names the argument.
"""

import numpy as np
from sklearn.utils import check_random_state

from .._tabular._discretizer import Discretizer
from ._common import fixed_seed

__all__ = [
    "BaseDiscretizer",
    "DecileDiscretizer",
    "EntropyDiscretizer",
    "QuartileDiscretizer",
    "StatsDiscretizer",
]


def _check_data(data, name="data"):
    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 2 or 0 in data.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D array, got shape {data.shape}."
        )
    if not np.isfinite(data).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity).")
    return data


class BaseDiscretizer:
    """``lime``'s discretizer base class: subclasses define :meth:`bins`.

    Parameters
    ----------
    data : array-like of shape (n_rows, n_features)
        Training data.
    categorical_features : list of int
        Columns that are not discretized.
    feature_names : list of str
    labels : array-like of shape (n_rows,), default=None
        Class labels (the entropy discretizer's tree).
    random_state : int, RandomState instance or None, default=None
        Seeds the entropy tree and :meth:`undiscretize`'s draws.
    data_stats : dict, default=None
        ``"means"``, ``"stds"``, ``"mins"``, ``"maxs"`` (dicts from feature
        index to one value per bin) replacing those computed from ``data``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.discretize import QuartileDiscretizer
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> d = QuartileDiscretizer(X, [], ["a", "b"], random_state=0)
    >>> d.names[0]
    ['a <= 4.50', '4.50 < a <= 9.00', '9.00 < a <= 13.50', 'a > 13.50']
    >>> d.discretize(X)[:3, 0]
    array([0., 0., 0.])
    """

    _strategy = ("quantile", 4)

    def __init__(
        self,
        data,
        categorical_features,
        feature_names,
        labels=None,
        random_state=None,
        data_stats=None,
    ):
        data = _check_data(data)
        d = data.shape[1]
        categorical = sorted({int(j) for j in categorical_features})
        if any(not 0 <= j < d for j in categorical):
            raise ValueError(
                f"categorical_features must be column indices in [0, {d}), "
                f"got {list(categorical_features)}."
            )
        if len(feature_names) != d:
            raise ValueError(
                f"feature_names must name the {d} columns, got {len(feature_names)} names."
            )
        self.to_discretize = [j for j in range(d) if j not in categorical]
        self.data_stats = data_stats
        self.random_state = check_random_state(random_state)
        strategy, n_bins = self._strategy
        self.discretizer_ = Discretizer(
            n_bins=n_bins,
            strategy=strategy,
            categorical_features=categorical or None,
            random_state=self.random_state,
        ).fit(data, labels)
        # The compat explainers mix this seed into theirs (lime draws in-bin
        # values from the discretizer's own random state).
        self._seed = fixed_seed(random_state)
        if type(self).bins is not BaseDiscretizer.bins:  # a subclass's own bins
            for j, edges in zip(self.to_discretize, self.bins(data, labels)):
                self.discretizer_._set_edges(j, data[:, j], edges)
        if data_stats:
            for key, attr in (
                ("means", "bin_means_"),
                ("stds", "bin_stds_"),
                ("mins", "bin_mins_"),
                ("maxs", "bin_maxs_"),
            ):
                for j, values in data_stats[key].items():
                    getattr(self.discretizer_, attr)[int(j)] = np.asarray(values, float)
        self._set_lime_attributes(feature_names)

    def _set_lime_attributes(self, feature_names):
        disc = self.discretizer_
        descriptions = disc.bin_descriptions([str(f) for f in feature_names])
        self.names, self.lambdas = {}, {}
        self.means, self.stds, self.mins, self.maxs = {}, {}, {}, {}
        for j in self.to_discretize:
            edges = disc.bin_edges_[j]
            self.names[j] = descriptions[j]
            self.lambdas[j] = lambda x, edges=edges: np.searchsorted(edges, x)
            self.means[j] = list(disc.bin_means_[j])
            self.stds[j] = list(disc.bin_stds_[j])
            self.mins[j] = list(disc.bin_mins_[j])
            self.maxs[j] = list(disc.bin_maxs_[j])

    def bins(self, data, labels):
        """Interior edges of each feature of ``to_discretize`` (to override).

        Parameters
        ----------
        data : ndarray of shape (n_rows, n_features)
        labels : array-like or None

        Returns
        -------
        list of ndarray
            One array of edges per feature of ``to_discretize``.
        """
        disc = self.discretizer_
        return [disc.bin_edges_[j] for j in self.to_discretize]

    def discretize(self, data):
        """Bin indices of the discretized columns (a copy; others unchanged).

        Parameters
        ----------
        data : ndarray of shape (n_rows, n_features) or (n_features,)

        Returns
        -------
        ndarray of the same shape
        """
        arr = np.asarray(data)
        rows = _check_data(np.atleast_2d(arr))
        out = self.discretizer_._bins(rows).astype(arr.dtype, copy=False)
        return out[0] if arr.ndim == 1 else out

    def undiscretize(self, data):
        """Values drawn inside the bins (truncated normals), as ``lime``.

        Parameters
        ----------
        data : ndarray of shape (n_rows, n_features) or (n_features,)
            Bin indices in the discretized columns.

        Returns
        -------
        ndarray of the same shape
        """
        arr = np.asarray(data)
        rows = _check_data(np.atleast_2d(arr))
        out = self.discretizer_.sample(rows, random_state=self.random_state)
        return out[0] if arr.ndim == 1 else out


class QuartileDiscretizer(BaseDiscretizer):
    """Quartile bins (``lime.discretize.QuartileDiscretizer``)."""

    _strategy = ("quantile", 4)


class DecileDiscretizer(BaseDiscretizer):
    """Decile bins (``lime.discretize.DecileDiscretizer``)."""

    _strategy = ("quantile", 10)


class EntropyDiscretizer(BaseDiscretizer):
    """Entropy bins of a depth-3 tree on the labels (``lime.discretize.EntropyDiscretizer``)."""

    _strategy = ("entropy", 8)

    def __init__(
        self, data, categorical_features, feature_names, labels=None, random_state=None
    ):
        if labels is None:
            raise ValueError(
                "labels are required by EntropyDiscretizer (class labels)."
            )
        super().__init__(
            data, categorical_features, feature_names, labels, random_state
        )


class StatsDiscretizer(BaseDiscretizer):
    """Bins and statistics given in ``data_stats`` (``lime``'s ``training_data_stats``).

    ``data_stats["bins"]`` maps a feature index to its interior edges.
    """

    _strategy = ("quantile", 4)  # replaced by data_stats["bins"]

    def __init__(
        self,
        data,
        categorical_features,
        feature_names,
        labels=None,
        random_state=None,
        data_stats=None,
    ):
        if not data_stats or "bins" not in data_stats:
            raise ValueError(
                "data_stats must hold 'bins' (and 'means', 'stds', 'mins', 'maxs')."
            )
        super().__init__(
            data, categorical_features, feature_names, labels, random_state, data_stats
        )

    def bins(self, data, labels):
        return [np.asarray(self.data_stats["bins"][j]) for j in self.to_discretize]
