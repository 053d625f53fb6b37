"""Explanation: a batch of local explanations, as numpy arrays.

The class holds the data and reads it (rows, labels, lists, maps, frames);
its views are drawn by :mod:`sklime._display` (``_bars``, ``_html``,
``_plotting``), which its thin ``plot``, ``plot_summary``, ``to_html`` and
``_repr_html_`` call. ``row_index`` and ``numbered`` serve the subclasses
too.
"""

from numbers import Integral

import numpy as np

from .._display._html import explanation_html
from ._saving import SavedMixin
from ._weights import ranked

__all__ = ["Explanation", "numbered", "row_index"]

#: The surrogate's arrays, positional arguments of every explanation class.
SURROGATE = ("coef", "intercept", "score", "local_pred", "model_pred", "labels")


class Explanation(SavedMixin):
    """Local explanations of a batch of rows.

    Every array has one entry per explained row (first axis) and, where it
    applies, per explained label (second axis). ``coef[i, l, j]`` is the
    weight of interpretable feature ``j`` in the surrogate of row ``i`` for
    output ``labels[i, l]``; it is 0 for features the surrogate did not keep.

    Parameters
    ----------
    coef : ndarray of shape (n_rows, n_labels, n_features)
    intercept, score, local_pred : ndarray of shape (n_rows, n_labels)
    model_pred : ndarray of shape (n_rows, n_outputs)
    labels : ndarray of shape (n_rows, n_labels), int
    feature_names : array-like of str, shape (n_features,)
    descriptions : ndarray of shape (n_rows, n_features), dtype object, default=None
        What each interpretable feature means for each row (e.g.
        ``"mean radius <= 13.37"``); defaults to the feature names.
    data : ndarray of shape (n_rows, n_features_in), default=None
        The explained rows, for display.
    output_names : array-like of shape (n_outputs,), default=None
        Names of the black box's outputs (class labels).
    mode : {"classification", "regression"}, default="classification"
    data_names : array-like of str, default=None
        Names of the columns of ``data`` (defaults to ``feature_names``).
    n_samples : array-like of int of shape (n_rows,), default=None
        Samples each row's surrogate was fitted on.
    groups : array-like of int of shape (n_columns,), default=None
        When the interpretable features are groups of columns: the group
        (position in ``feature_names``) of each input column.

    Attributes
    ----------
    coef, intercept, score, local_pred, model_pred, labels, feature_names
        As above.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Explanation
    >>> exp = Explanation(
    ...     coef=np.array([[[0.5, -2.0, 0.0]]]), intercept=np.array([[0.1]]),
    ...     score=np.array([[0.9]]), local_pred=np.array([[0.7]]),
    ...     model_pred=np.array([[0.3, 0.7]]), labels=np.array([[1]]),
    ...     feature_names=["a", "b", "c"])
    >>> exp.as_list()
    [('b', -2.0), ('a', 0.5)]
    >>> len(exp), exp[0].coef.shape
    (1, (1, 1, 3))
    """

    def __init__(
        self,
        coef,
        intercept,
        score,
        local_pred,
        model_pred,
        labels,
        feature_names,
        *,
        descriptions=None,
        data=None,
        output_names=None,
        mode="classification",
        data_names=None,
        groups=None,
        n_samples=None,
    ):
        self.coef = np.asarray(coef)
        self.intercept = np.asarray(intercept)
        self.score = np.asarray(score)
        self.local_pred = np.asarray(local_pred)
        self.model_pred = np.asarray(model_pred)
        self.labels = np.asarray(labels, dtype=int)
        self.feature_names = np.asarray(feature_names, dtype=object)
        n, L, p = self.coef.shape
        for name, shape in (
            ("intercept", (n, L)),
            ("score", (n, L)),
            ("local_pred", (n, L)),
            ("labels", (n, L)),
            ("feature_names", (p,)),
        ):
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape}, got {getattr(self, name).shape}."
                )
        if self.model_pred.ndim != 2 or self.model_pred.shape[0] != n:
            raise ValueError(
                f"model_pred must have shape ({n}, n_outputs), got {self.model_pred.shape}."
            )
        if descriptions is None:
            descriptions = np.broadcast_to(self.feature_names, (n, p))
        self.descriptions = np.asarray(descriptions, dtype=object)
        self.data = None if data is None else np.asarray(data)
        self.output_names = None if output_names is None else np.asarray(output_names)
        self.mode = mode
        self.data_names = (
            self.feature_names
            if data_names is None
            else np.asarray(data_names, dtype=object)
        )
        self.groups = None if groups is None else np.asarray(groups, dtype=int)
        self.n_samples = None if n_samples is None else np.asarray(n_samples, dtype=int)
        if self.groups is not None and (
            self.groups.ndim != 1 or self.groups.min() < 0 or self.groups.max() >= p
        ):
            raise ValueError(f"groups must map columns to groups 0..{p - 1}.")

    # -- container protocol -------------------------------------------------

    #: Constructor arguments with one entry per row (``__getitem__`` takes the
    #: chosen rows of each) and those every row shares (passed on as they
    #: are). A subclass declares its own; the arrays of the surrogate
    #: (``SURROGATE``) are always taken per row.
    _row_fields = ("descriptions", "data", "n_samples")
    _shared_fields = ("feature_names", "output_names", "mode", "data_names", "groups")
    _saved_fields = SURROGATE + _row_fields + _shared_fields

    def __len__(self):
        return self.coef.shape[0]

    def __getitem__(self, index):
        index = row_index(index, len(self))
        fields = SURROGATE + self._row_fields
        rows = {name: _take(getattr(self, name), index) for name in fields}
        shared = {name: getattr(self, name) for name in self._shared_fields}
        return type(self)(**rows, **shared)

    def __repr__(self):
        n, L, p = self.coef.shape
        return (
            f"Explanation(n_rows={n}, n_labels={L}, n_features={p}, mode={self.mode!r})"
        )

    # -- access ---------------------------------------------------------------

    def _row(self, i):
        if not isinstance(i, Integral) or not -len(self) <= i < len(self):
            raise IndexError(f"i must be a row index in [0, {len(self)}), got {i!r}.")
        return int(i) % len(self)

    def _slot(self, i, label):
        """Position in ``labels[i]`` of output ``label`` (first slot if None)."""
        if label is None:
            return 0
        slots = np.flatnonzero(self.labels[i] == label)
        if slots.size == 0:
            raise KeyError(
                f"label {label!r} was not explained for row {i}; explained labels: "
                f"{self.labels[i].tolist()} (use labels=... when explaining)."
            )
        return int(slots[0])

    def _weights(self, i, label):
        """Weights ``(n_features,)`` of row ``i`` for output ``label``."""
        return self.coef[i, self._slot(i, label)]

    def _output_name(self, k):
        """Display name of output ``k``."""
        if self.mode == "regression":
            return "prediction"
        if self.output_names is not None and k < len(self.output_names):
            return str(self.output_names[k])
        return str(k)

    def label_name(self, i=0, label=None):
        """Display name of an explained label of row ``i``."""
        i = self._row(i)
        return self._output_name(int(self.labels[i, self._slot(i, label)]))

    def _target(self, i, label):
        """What row ``i`` explains, for titles: a class or the prediction."""
        if self.mode == "regression":
            return "the prediction"
        return f"class {self.label_name(i, label)}"

    def as_list(self, i=0, label=None):
        """The surrogate's weights for one row, as ``lime``'s ``as_list``.

        Parameters
        ----------
        i : int, default=0
            Row (image, text).
        label : int, default=None
            Output index to show; ``None`` is the row's first explained label.

        Returns
        -------
        list of (str, float)
            ``(description, weight)`` for every kept feature, largest
            ``|weight|`` first.
        """
        i = self._row(i)
        items = ranked(self._weights(i, label))
        return [(str(self.descriptions[i, j]), w) for j, w in items]

    def column_weights(self, how="copy"):
        """Spread group weights back over the input columns.

        Parameters
        ----------
        how : {"copy", "split"}, default="copy"
            ``"copy"``: every column gets its group's weight (Captum's
            convention for grouped attributions); ``"split"``: the group's
            weight is shared equally by its columns.

        Returns
        -------
        weights : ndarray of shape (n_rows, n_labels, n_columns)
            Equals ``coef`` when the features are not grouped.
        """
        if self.groups is None:
            return self.coef.copy()
        if how not in ("copy", "split"):
            raise ValueError(f"how must be 'copy' or 'split', got {how!r}.")
        out = self.coef[:, :, self.groups]
        if how == "split":
            sizes = np.bincount(self.groups, minlength=self.coef.shape[2])
            out = out / sizes[self.groups]
        return out

    def as_map(self, i=0):
        """``{label: [(feature index, weight), ...]}`` for one row, as ``lime``."""
        i = self._row(i)
        return {
            int(label): ranked(self.coef[i, slot])
            for slot, label in enumerate(self.labels[i])
        }

    def to_frame(self, kind="long"):
        """The explanations as a pandas DataFrame.

        Parameters
        ----------
        kind : {"long", "wide"}, default="long"
            ``"long"``: one row per (row, label, feature) with columns
            ``row, label, feature, description, weight``, kept features only.
            ``"wide"``: one row per (row, label), one column of weights per
            feature, plus ``intercept, score, local_pred``.

        Returns
        -------
        pandas.DataFrame
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on environment
            raise ImportError(
                'to_frame needs pandas: pip install "sklime[pandas]"'
            ) from exc
        n, L, p = self.coef.shape
        rows = np.repeat(np.arange(n), L)
        labels = self.labels.reshape(-1)
        if kind == "wide":
            frame = pd.DataFrame(
                self.coef.reshape(n * L, p), columns=list(self.feature_names)
            )
            frame.insert(0, "label", labels)
            frame.insert(0, "row", rows)
            frame["intercept"] = self.intercept.reshape(-1)
            frame["score"] = self.score.reshape(-1)
            frame["local_pred"] = self.local_pred.reshape(-1)
            return frame
        if kind != "long":
            raise ValueError(f"kind must be 'long' or 'wide', got {kind!r}.")
        i, slot, j = np.nonzero(self.coef)
        return pd.DataFrame(
            {
                "row": i,
                "label": self.labels[i, slot],
                "feature": self.feature_names[j],
                "description": self.descriptions[i, j],
                "weight": self.coef[i, slot, j],
            }
        )

    # -- display (drawn by sklime._display) -----------------------------------

    def plot(self, i=0, label=None, ax=None, max_features=None):
        """Horizontal bar chart of one row's weights (like ``lime``'s pyplot figure).

        One bar per kept feature, largest ``|weight|`` on top, green for
        weights that speak for the label and red for those against it, as
        ``lime``'s ``as_pyplot_figure``.

        Parameters
        ----------
        i : int, default=0
        label : int, default=None
        ax : matplotlib Axes, default=None
            Drawn on a new figure when ``None``.
        max_features : int, default=None
            Show only the largest weights.

        Returns
        -------
        ax : matplotlib Axes
        """
        from .._display._bars import plot_bars

        return plot_bars(self, i, label, ax=ax, max_features=max_features)

    def plot_waterfall(self, i=0, label=None, ax=None, max_features=10):
        """Waterfall of one row: from the base value to the prediction.

        Starts at ``intercept`` (the base value; ``E[f]`` for Kernel SHAP) and
        adds each feature's value, largest ``|value|`` first, up to
        ``local_pred``; the smallest ones share one bar. Meaningful where the
        values add up to the prediction: Kernel SHAP, and LIME on binary
        interpretable features (the discretized and group modes).

        Parameters
        ----------
        i : int, default=0
        label : int, default=None
        ax : matplotlib Axes, default=None
        max_features : int, default=10
            Bars in all, the last one for the remaining features.

        Returns
        -------
        ax : matplotlib Axes
        """
        from .._display._waterfall import plot_waterfall

        return plot_waterfall(self, i, label, ax=ax, max_features=max_features)

    def to_shap(self, label=None):
        """The values as a ``shap.Explanation``, for shap's own plots.

        Parameters
        ----------
        label : int, default=None
            One output; ``None`` takes each row's first explained label
            (values ``(n_rows, n_features)``).

        Returns
        -------
        shap.Explanation
            ``values``, ``base_values`` (``intercept``), ``data`` (the rows'
            values when the features are the columns) and
            ``feature_names``.
        """
        try:
            import shap
        except ImportError as exc:
            raise ImportError(
                "Explanation.to_shap needs the shap package: pip install shap"
            ) from exc
        slots = np.array([self._slot(i, label) for i in range(len(self))])
        rows = np.arange(len(self))
        same_columns = self.data is not None and self.groups is None
        return shap.Explanation(
            values=self.coef[rows, slots],
            base_values=self.intercept[rows, slots],
            data=self.data if same_columns else None,
            feature_names=[str(f) for f in self.feature_names],
        )

    def plot_summary(self, label=None, *, max_features=10, kind="beeswarm", ax=None):
        """Summary of all rows' weights: a beeswarm (or heatmap) per feature.

        See :func:`sklime.plot_summary`.

        Parameters
        ----------
        label : int, default=None
            Output to summarise; ``None`` takes each row's first explained label.
        max_features : int, default=10
        kind : {"beeswarm", "heatmap"}, default="beeswarm"
        ax : matplotlib Axes, default=None

        Returns
        -------
        ax : matplotlib Axes
        """
        from .._display._plotting import plot_summary

        return plot_summary(self, label, max_features=max_features, kind=kind, ax=ax)

    def to_html(self, i=None, label=None):
        """Self-contained HTML (no scripts, no network) for one row or all rows.

        Each row shows the model's prediction, the surrogate's weights as
        bars (green for the label, red against it) and the row's values of
        the explained features. The HTML is a fragment with inline styles,
        ASCII only, that renders offline in a notebook or a browser.

        Parameters
        ----------
        i : int, default=None
            Row; ``None`` renders every row (up to 50).
        label : int, default=None

        Returns
        -------
        str
        """
        return explanation_html(self, i, label)

    def _repr_html_(self):
        return self.to_html(0 if len(self) == 1 else None)


def row_index(index, n):
    """``index`` of ``__getitem__`` over ``n`` rows; an int becomes a slice.

    Examples
    --------
    >>> row_index(-1, 3), row_index(slice(2), 3)
    (slice(2, 3, None), slice(None, 2, None))
    """
    if isinstance(index, Integral):
        if not -n <= index < n:
            raise IndexError(f"row {index} out of range for {n} rows.")
        index = slice(index % n, index % n + 1)
    return index


def numbered(noun, p):
    """Feature names ``"<noun> 0" .. "<noun> p-1"``, as an object array."""
    return np.array([f"{noun} {j}" for j in range(p)], dtype=object)


def _take(value, index):
    """The rows ``index`` of a per-row field: an array, a list or None."""
    if value is None:
        return None
    if isinstance(value, list):
        return [value[r] for r in range(len(value))[index]]
    return value[index]
