"""Explanation: a batch of local explanations, as numpy arrays."""

import html
from numbers import Integral

import numpy as np

__all__ = ["Explanation"]


class Explanation:
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

    def __len__(self):
        return self.coef.shape[0]

    def __getitem__(self, index):
        if isinstance(index, Integral):
            if not -len(self) <= index < len(self):
                raise IndexError(f"row {index} out of range for {len(self)} rows.")
            index = slice(index % len(self), index % len(self) + 1)
        return Explanation(
            self.coef[index],
            self.intercept[index],
            self.score[index],
            self.local_pred[index],
            self.model_pred[index],
            self.labels[index],
            self.feature_names,
            descriptions=self.descriptions[index],
            data=None if self.data is None else self.data[index],
            output_names=self.output_names,
            mode=self.mode,
            data_names=self.data_names,
            groups=self.groups,
            n_samples=None if self.n_samples is None else self.n_samples[index],
        )

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

    def label_name(self, i=0, label=None):
        """Display name of an explained label of row ``i``."""
        i = self._row(i)
        out = int(self.labels[i, self._slot(i, label)])
        if self.mode == "regression":
            return "prediction"
        if self.output_names is not None and out < len(self.output_names):
            return str(self.output_names[out])
        return str(out)

    def as_list(self, i=0, label=None):
        """The surrogate's weights for one row, as ``lime``'s ``as_list``.

        Parameters
        ----------
        i : int, default=0
            Row.
        label : int, default=None
            Output index to show; ``None`` is the row's first explained label.

        Returns
        -------
        list of (str, float)
            ``(description, weight)`` for every kept feature, largest
            ``|weight|`` first.
        """
        i = self._row(i)
        w = self.coef[i, self._slot(i, label)]
        order = np.argsort(-np.abs(w), kind="stable")
        return [(str(self.descriptions[i, j]), float(w[j])) for j in order if w[j] != 0]

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
        out = {}
        for slot, label in enumerate(self.labels[i]):
            w = self.coef[i, slot]
            order = np.argsort(-np.abs(w), kind="stable")
            out[int(label)] = [(int(j), float(w[j])) for j in order if w[j] != 0]
        return out

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
            raise ImportError("to_frame needs pandas: pip install pandas") from exc
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

    # -- display --------------------------------------------------------------

    def plot(self, i=0, label=None, ax=None, max_features=None):
        """Horizontal bar chart of one row's weights (like ``lime``'s pyplot figure).

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
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - depends on environment
            raise ImportError("plot needs matplotlib: pip install matplotlib") from exc
        items = self.as_list(i, label)[:max_features][::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.4 * max(len(items), 1) + 1.2))
        weights = [w for _, w in items]
        colors = ["#2b8a3e" if w > 0 else "#c92a2a" for w in weights]
        ax.barh(range(len(items)), weights, color=colors)
        ax.set_yticks(range(len(items)), [d for d, _ in items])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("weight in the local surrogate")
        ax.set_title(f"Local explanation for {self.label_name(i, label)}")
        return ax

    def to_html(self, i=None, label=None):
        """Self-contained HTML (no scripts, no network) for one row or all rows.

        Parameters
        ----------
        i : int, default=None
            Row; ``None`` renders every row (up to 50).
        label : int, default=None

        Returns
        -------
        str
        """
        rows = range(min(len(self), 50)) if i is None else [self._row(i)]
        parts = [_HTML_STYLE]
        for r in rows:
            parts.append(self._row_html(r, label))
        if i is None and len(self) > 50:
            parts.append(f"<p>... and {len(self) - 50} more rows.</p>")
        return "<div class='sklime-exp'>" + "".join(parts) + "</div>"

    def _row_html(self, i, label):
        items = self.as_list(i, label)
        slot = self._slot(i, label)
        scale = max([abs(w) for _, w in items] + [1e-300])
        bars = []
        for desc, w in items:
            width = 100 * abs(w) / scale
            cls = "pos" if w > 0 else "neg"
            bars.append(
                f"<tr><td class='desc'>{html.escape(desc)}</td>"
                f"<td class='bar'><div class='{cls}' style='width:{width:.1f}%'></div></td>"
                f"<td class='num'>{w:+.4f}</td></tr>"
            )
        preds = ", ".join(
            f"{html.escape(self._output_name(k))}: {v:.4g}"
            for k, v in enumerate(self.model_pred[i])
        )
        values = ""
        if self.data is not None:
            cells = "".join(
                f"<tr><td>{html.escape(str(n))}</td><td>{html.escape(_fmt(v))}</td></tr>"
                for n, v in zip(self.data_names, self.data[i])
            )
            values = f"<details><summary>feature values</summary><table>{cells}</table></details>"
        return (
            f"<div class='row'><h4>Row {i}: explaining "
            f"{html.escape(self.label_name(i, label))}</h4>"
            f"<p>model: {preds}; surrogate at the row: "
            f"{self.local_pred[i, slot]:.4g}; fidelity (weighted R&sup2;): "
            f"{self.score[i, slot]:.3f}</p><table class='bars'>{''.join(bars)}</table>"
            f"{values}</div>"
        )

    def _output_name(self, k):
        if self.mode == "regression":
            return "prediction"
        if self.output_names is not None and k < len(self.output_names):
            return str(self.output_names[k])
        return str(k)

    def _repr_html_(self):
        return self.to_html(0 if len(self) == 1 else None)


def _fmt(value):
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


_HTML_STYLE = """<style>
.sklime-exp{font-family:sans-serif;font-size:13px}
.sklime-exp table.bars{border-collapse:collapse}
.sklime-exp td{padding:2px 6px}
.sklime-exp td.desc{text-align:right}
.sklime-exp td.bar{width:220px}
.sklime-exp td.num{font-family:monospace}
.sklime-exp .pos{background:#2b8a3e;height:12px}
.sklime-exp .neg{background:#c92a2a;height:12px}
</style>"""
