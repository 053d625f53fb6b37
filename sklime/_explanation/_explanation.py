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
        from .._display._plotting import NEGATIVE, POSITIVE, pyplot

        plt = pyplot("Explanation.plot")
        items = self.as_list(i, label)[:max_features][::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.4 * max(len(items), 1) + 1.2))
        weights = [w for _, w in items]
        colors = [POSITIVE if w > 0 else NEGATIVE for w in weights]
        ax.barh(range(len(items)), weights, color=colors)
        ax.set_yticks(range(len(items)), [d for d, _ in items])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("weight in the local surrogate")
        name = self.label_name(i, label)
        target = "the prediction" if self.mode == "regression" else f"class {name}"
        ax.set_title(f"Local explanation for {target}")
        return ax

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
        rows = range(min(len(self), 50)) if i is None else [self._row(i)]
        parts = [_HTML_STYLE]
        for r in rows:
            parts.append(self._row_html(r, label))
        if i is None and len(self) > 50:
            parts.append(f"<p>... and {len(self) - 50} more rows.</p>")
        return "<div class='sklime-exp'>" + "".join(parts) + "</div>"

    def _row_html(self, i, label, text=""):
        """One row: header, optional ``text`` block, then the three panels."""
        slot = self._slot(i, label)
        name = _esc(self.label_name(i, label))
        target = "the prediction" if self.mode == "regression" else f"class {name}"
        w = self.coef[i, slot]
        order = [j for j in np.argsort(-np.abs(w), kind="stable") if w[j] != 0]
        panels = [
            self._prediction_panel(i, slot),
            _weights_panel(
                [(str(self.descriptions[i, j]), float(w[j])) for j in order], target
            ),
        ]
        values = self._values_panel(i, order, w)
        if values:
            panels.append(values)
        samples = (
            "" if self.n_samples is None else f"; {int(self.n_samples[i])} samples"
        )
        return (
            f"<div class='row'><h4>Row {i}: explaining {target}</h4>"
            f"<p class='meta'>surrogate at the row: {self.local_pred[i, slot]:.4g}; "
            f"fidelity (weighted R&sup2;): {self.score[i, slot]:.3f}{samples}</p>"
            f"{text}<div class='panels'>{''.join(panels)}</div>"
            f"{self._all_values(i)}</div>"
        )

    def _prediction_panel(self, i, slot):
        pred = np.asarray(self.model_pred[i], dtype=float)
        explained = int(self.labels[i, slot])
        if self.mode == "regression":
            body = (
                f"<div class='big'>{pred[0]:.4g}</div>"
                if pred.size == 1
                else _prob_table(
                    [
                        (_esc(self._output_name(k)), v, k == explained)
                        for k, v in enumerate(pred)
                    ],
                    bars=False,
                )
            )
            return f"<div class='panel'><h5>Model prediction</h5>{body}</div>"
        order = np.argsort(-pred, kind="stable")[:10]
        if explained not in order:
            order = np.append(order[:9], explained)
        bars = bool(np.all((pred >= 0) & (pred <= 1)))
        table = _prob_table(
            [(_esc(self._output_name(k)), pred[k], k == explained) for k in order],
            bars=bars,
        )
        title = "Prediction probabilities" if bars else "Model outputs"
        return f"<div class='panel'><h5>{title}</h5>{table}</div>"

    def _values_panel(self, i, order, w):
        """The row's values of the explained features (tabular, ungrouped only)."""
        if self.data is None or self.groups is not None:
            return ""
        if self.data.ndim != 2 or self.data.shape[1] != self.coef.shape[2]:
            return ""
        cells = "".join(
            f"<tr class='{'pos' if w[j] > 0 else 'neg'}'>"
            f"<td class='name'>{_esc(self.data_names[j])}</td>"
            f"<td class='num'>{_esc(_fmt(self.data[i, j]))}</td></tr>"
            for j in order
        )
        return (
            "<div class='panel'><h5>Feature values</h5>"
            f"<table class='values'>{cells}</table></div>"
        )

    def _all_values(self, i):
        if self.data is None:
            return ""
        cells = "".join(
            f"<tr><td class='name'>{_esc(n)}</td><td class='num'>{_esc(_fmt(v))}</td></tr>"
            for n, v in zip(self.data_names, self.data[i])
        )
        return (
            f"<details><summary>all {len(self.data[i])} feature values</summary>"
            f"<table class='values'>{cells}</table></details>"
        )

    def _output_name(self, k):
        if self.mode == "regression":
            return "prediction"
        if self.output_names is not None and k < len(self.output_names):
            return str(self.output_names[k])
        return str(k)

    def _repr_html_(self):
        return self.to_html(0 if len(self) == 1 else None)


def _esc(value):
    """HTML-escaped text, ASCII only (character references), whatever the charset."""
    text = html.escape(str(value), quote=True)
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _prob_table(items, bars=True):
    """Rows ``(name, value, explained)``: a name, a bar (if ``bars``) and the value."""
    out = []
    for name, value, explained in items:
        bar = (
            f"<td class='bar'><div class='prob' style='width:{100 * value:.1f}%'>"
            "</div></td>"
            if bars
            else ""
        )
        cls = " class='explained'" if explained else ""
        number = f"{value:.3f}" if bars else f"{value:.4g}"
        out.append(
            f"<tr{cls}><td class='name'>{name}</td>{bar}"
            f"<td class='num'>{number}</td></tr>"
        )
    return f"<table class='probs'>{''.join(out)}</table>"


def _weights_panel(items, name):
    """Diverging bars: weights against the label to the left, for it to the right."""
    scale = max([abs(w) for _, w in items] + [1e-300])
    rows = []
    for desc, w in items:
        width = f"style='width:{100 * abs(w) / scale:.1f}%'"
        neg = f"<div class='neg' {width}></div>" if w < 0 else ""
        pos = f"<div class='pos' {width}></div>" if w > 0 else ""
        rows.append(
            f"<tr><td class='desc'>{_esc(desc)}</td>"
            f"<td class='half left'>{neg}</td><td class='half right'>{pos}</td>"
            f"<td class='num'>{w:+.4f}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td class='desc'>(no feature kept)</td></tr>")
    head = (
        "<tr class='axis'><td></td><td class='left'>&larr; against</td>"
        "<td class='right'>for &rarr;</td><td></td></tr>"
    )
    return (
        f"<div class='panel'><h5>Weights for {name}</h5>"
        f"<table class='bars'>{head}{''.join(rows)}</table></div>"
    )


def _fmt(value):
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


_HTML_STYLE = """<style>
.sklime-exp{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
font-size:13px;color:#212529;background:#fff;padding:4px 0}
.sklime-exp .row{border:1px solid #dee2e6;border-radius:6px;padding:10px 14px;
margin:0 0 12px 0}
.sklime-exp h4{margin:0 0 2px 0;font-size:15px}
.sklime-exp h5{margin:0 0 6px 0;font-size:13px;color:#495057}
.sklime-exp p.meta{margin:0 0 8px 0;color:#6c757d}
.sklime-exp .panels{display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start}
.sklime-exp table{border-collapse:collapse}
.sklime-exp td{padding:2px 6px;vertical-align:middle}
.sklime-exp td.num{font-family:ui-monospace,Menlo,Consolas,monospace;text-align:right}
.sklime-exp td.desc{text-align:right;max-width:22em}
.sklime-exp td.half{width:90px;padding:2px 0}
.sklime-exp td.left{border-right:1px solid #495057}
.sklime-exp tr.axis td{font-size:11px;color:#6c757d;padding-bottom:4px}
.sklime-exp tr.axis td.left{text-align:right;padding-right:4px}
.sklime-exp tr.axis td.right{padding-left:4px}
.sklime-exp div.pos{background:#2b8a3e;height:14px;border-radius:0 2px 2px 0}
.sklime-exp div.neg{background:#c92a2a;height:14px;margin-left:auto;border-radius:2px 0 0 2px}
.sklime-exp td.bar{width:100px;background:#f1f3f5;padding:0}
.sklime-exp .prob{background:#1c7ed6;height:14px}
.sklime-exp tr.explained td.name{font-weight:bold}
.sklime-exp .big{font-size:22px;font-weight:bold}
.sklime-exp table.values tr.pos td.name{border-left:4px solid #2b8a3e}
.sklime-exp table.values tr.neg td.name{border-left:4px solid #c92a2a}
.sklime-exp table.values tr:nth-child(even){background:#f8f9fa}
.sklime-exp details{margin-top:8px;color:#495057}
.sklime-exp summary{cursor:pointer}
</style>"""
