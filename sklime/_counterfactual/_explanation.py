"""CounterfactualExplanation: a batch of counterfactuals, as numpy arrays."""

from numbers import Integral

import numpy as np

from .._explanation._saving import SavedMixin

__all__ = ["CounterfactualExplanation", "standardized_l1"]


def standardized_l1(a, b, scale, categorical):
    """L1 distance in standardized units along the last axis.

    Continuous features count ``|a - b| / scale``; categorical ones count 1
    when the categories differ.

    Parameters
    ----------
    a, b : ndarray of shape (..., n_features)
        Broadcastable.
    scale : ndarray of shape (n_features,)
        Positive per-feature scales (training standard deviations).
    categorical : ndarray of shape (n_features,), bool

    Returns
    -------
    distance : ndarray of shape (...)

    Examples
    --------
    >>> import numpy as np
    >>> float(standardized_l1(np.array([0.0, 1.0]), np.array([2.0, 3.0]),
    ...                       np.array([2.0, 1.0]), np.array([False, True])))
    2.0
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    diff = np.abs(a - b) / np.asarray(scale, dtype=np.float64)
    diff = np.where(np.asarray(categorical, dtype=bool), (a != b) * 1.0, diff)
    return diff.sum(axis=-1)


class CounterfactualExplanation(SavedMixin):
    """Counterfactuals of a batch of rows, with their validity and cost.

    ``counterfactuals[i, c]`` is the ``c``-th counterfactual of row ``i``: the
    row with some features moved to another bin (continuous features take the
    bin's representative value, its training mean) or another category.
    Validity is judged by the real black box.

    Parameters
    ----------
    instances : ndarray of shape (n_rows, n_features)
        The explained rows.
    counterfactuals : ndarray of shape (n_rows, n_counterfactuals, n_features)
    model_pred : ndarray of shape (n_rows, n_outputs)
        Black-box outputs at the rows.
    counterfactual_pred : ndarray of shape (n_rows, n_counterfactuals, n_outputs)
        Black-box outputs at the counterfactuals.
    target : ndarray of shape (n_rows,), int
        The output (class index) each row's counterfactuals aim at.
    feature_names : array-like of str, shape (n_features,)
    scale : ndarray of shape (n_features,)
        Per-feature scales (training standard deviations) of the proximity.
    categorical : ndarray of shape (n_features,), bool
        Categorical features (a change counts 1 in the proximity).
    output_names : array-like of shape (n_outputs,), default=None
        Class labels of the outputs, when known.

    Attributes
    ----------
    valid : ndarray of shape (n_rows, n_counterfactuals), bool
        The black box predicts ``target`` at the counterfactual.
    validity : ndarray of shape (n_rows,)
        Fraction of each row's counterfactuals that are valid.
    changed : ndarray of shape (n_rows, n_counterfactuals, n_features), bool
        Features whose value differs from the row's.
    n_changed : ndarray of shape (n_rows, n_counterfactuals), int
        Number of changed features.
    proximity : ndarray of shape (n_rows, n_counterfactuals)
        L1 distance to the row in standardized units (a changed categorical
        feature counts 1); lower is closer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import CounterfactualExplanation
    >>> exp = CounterfactualExplanation(
    ...     instances=np.array([[1.0, 5.0]]),
    ...     counterfactuals=np.array([[[1.0, 7.0]]]),
    ...     model_pred=np.array([[0.9, 0.1]]),
    ...     counterfactual_pred=np.array([[[0.2, 0.8]]]),
    ...     target=np.array([1]), feature_names=["a", "b"],
    ...     scale=np.array([1.0, 2.0]), categorical=np.array([False, False]))
    >>> exp.valid.tolist(), exp.proximity.tolist(), exp.n_changed.tolist()
    ([[True]], [[1.0]], [[1]])
    >>> exp.as_list(0)
    [('b', 5.0, 7.0)]
    """

    _saved_fields = (
        "instances",
        "counterfactuals",
        "model_pred",
        "counterfactual_pred",
        "target",
        "feature_names",
        "scale",
        "categorical",
        "output_names",
    )

    def __init__(
        self,
        instances,
        counterfactuals,
        model_pred,
        counterfactual_pred,
        target,
        feature_names,
        scale,
        categorical,
        output_names=None,
    ):
        self.instances = np.asarray(instances, dtype=np.float64)
        self.counterfactuals = np.asarray(counterfactuals, dtype=np.float64)
        self.model_pred = np.asarray(model_pred, dtype=np.float64)
        self.counterfactual_pred = np.asarray(counterfactual_pred, dtype=np.float64)
        self.target = np.asarray(target, dtype=int)
        self.feature_names = np.asarray(feature_names, dtype=object)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.categorical = np.asarray(categorical, dtype=bool)
        self.output_names = None if output_names is None else np.asarray(output_names)
        n, k, d = self.counterfactuals.shape
        if self.instances.shape != (n, d):
            raise ValueError(
                f"instances has shape {self.instances.shape}; counterfactuals "
                f"{self.counterfactuals.shape} need ({n}, {d})."
            )
        if self.target.shape != (n,):
            raise ValueError(f"target must have shape ({n},), got {self.target.shape}.")
        if self.counterfactual_pred.shape[:2] != (n, k):
            raise ValueError(
                f"counterfactual_pred must have shape ({n}, {k}, n_outputs), got "
                f"{self.counterfactual_pred.shape}."
            )
        self.valid = np.argmax(self.counterfactual_pred, axis=2) == self.target[:, None]
        self.changed = self.counterfactuals != self.instances[:, None, :]
        self.n_changed = self.changed.sum(axis=2)
        self.proximity = standardized_l1(
            self.counterfactuals,
            self.instances[:, None, :],
            self.scale,
            self.categorical,
        )

    @property
    def validity(self):
        """Fraction of each row's counterfactuals that are valid, shape (n_rows,)."""
        return self.valid.mean(axis=1)

    @property
    def n_counterfactuals(self):
        """Counterfactuals per row."""
        return self.counterfactuals.shape[1]

    def __len__(self):
        return self.instances.shape[0]

    def __getitem__(self, index):
        if isinstance(index, Integral):
            if not -len(self) <= index < len(self):
                raise IndexError(f"row {index} out of range for {len(self)} rows.")
            index = slice(index, index + 1 if index != -1 else None)
        return CounterfactualExplanation(
            self.instances[index],
            self.counterfactuals[index],
            self.model_pred[index],
            self.counterfactual_pred[index],
            self.target[index],
            self.feature_names,
            self.scale,
            self.categorical,
            self.output_names,
        )

    def __repr__(self):
        return (
            f"CounterfactualExplanation(n_rows={len(self)}, "
            f"n_counterfactuals={self.n_counterfactuals}, "
            f"validity={float(self.valid.mean()) if self.valid.size else 0.0:.3f})"
        )

    def as_list(self, i=0, c=0):
        """The changes of one counterfactual: ``[(feature, from, to), ...]``.

        Parameters
        ----------
        i : int, default=0
            Row.
        c : int, default=0
            Counterfactual of that row.

        Returns
        -------
        changes : list of (str, float, float)
            In feature order.
        """
        cols = np.flatnonzero(self.changed[i, c])
        return [
            (
                str(self.feature_names[j]),
                float(self.instances[i, j]),
                float(self.counterfactuals[i, c, j]),
            )
            for j in cols
        ]

    def to_frame(self):
        """All counterfactuals as a pandas DataFrame.

        Returns
        -------
        frame : pandas.DataFrame
            One row per (row, counterfactual), indexed by ``("row",
            "counterfactual")``: the feature values, then ``valid``,
            ``proximity`` and ``n_changed``.
        """
        import pandas as pd

        n, k, d = self.counterfactuals.shape
        index = pd.MultiIndex.from_product(
            [range(n), range(k)], names=["row", "counterfactual"]
        )
        frame = pd.DataFrame(
            self.counterfactuals.reshape(n * k, d),
            index=index,
            columns=[str(f) for f in self.feature_names],
        )
        frame["valid"] = self.valid.ravel()
        frame["proximity"] = self.proximity.ravel()
        frame["n_changed"] = self.n_changed.ravel()
        return frame
