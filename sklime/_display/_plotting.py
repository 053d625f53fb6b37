"""Plots of many explanations: the summary across rows and the stability curve.

Also :func:`pyplot`, the one import of matplotlib for every plot of
:mod:`sklime._display`. matplotlib is an optional dependency
(``pip install "sklime[plot]"``); it is imported when a plot is drawn, never
at ``import sklime``.
"""

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np

from .._explanation._weights import label_weights
from ._colours import NEGATIVE, POSITIVE

__all__ = ["plot_stability", "plot_summary", "pyplot"]


def pyplot(what):
    """``matplotlib.pyplot``, or an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{what} needs matplotlib, an optional dependency of sklime: "
            'pip install "sklime[plot]" (or pip install matplotlib).'
        ) from exc
    return plt


def plot_summary(explanation, label=None, *, max_features=10, kind="beeswarm", ax=None):
    """Summary of the explanations of many rows: one line of dots per feature.

    Features are sorted by their mean ``|weight|`` over the rows (the ``avg``
    global importance), most important on top. With ``kind="beeswarm"`` every
    row is a dot at its weight, dots of equal weight pile up sideways, and
    dots are coloured by the row's value of the feature (blue low, red high)
    when the explanation holds the rows' numeric values; otherwise green for
    positive and red for negative weights. Rows whose surrogate did not keep a
    feature (weight exactly 0) are left out of that feature's line. With
    ``kind="heatmap"`` the weights form an image, features by rows.

    Meant for tabular explanations, whose features mean the same thing in
    every row (not superpixels or word positions).

    Parameters
    ----------
    explanation : Explanation
        Local explanations of many rows.
    label : int, default=None
        Output to summarise: rows that did not explain it are left out.
        ``None`` takes each row's first explained label (with ``labels=None``
        when explaining, each row's predicted class).
    max_features : int, default=10
        Features shown.
    kind : {"beeswarm", "heatmap"}, default="beeswarm"
    ax : matplotlib Axes, default=None
        Drawn on a new figure when ``None``.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import Explanation, plot_summary
    >>> rng = np.random.default_rng(0)
    >>> exp = Explanation(
    ...     coef=rng.normal(size=(50, 1, 4)) * [1, 4, 2, 0.5], intercept=np.zeros((50, 1)),
    ...     score=np.ones((50, 1)), local_pred=np.zeros((50, 1)),
    ...     model_pred=np.full((50, 2), 0.5), labels=np.ones((50, 1), dtype=int),
    ...     feature_names=["a", "b", "c", "d"], data=rng.normal(size=(50, 4)))
    >>> ax = plot_summary(exp, max_features=3)
    >>> [t.get_text() for t in ax.get_yticklabels()]  # most important on top
    ['a', 'c', 'b']
    """
    plt = pyplot("plot_summary")
    if kind not in ("beeswarm", "heatmap"):
        raise ValueError(f"kind must be 'beeswarm' or 'heatmap', got {kind!r}.")
    if not isinstance(max_features, Integral) or max_features < 1:
        raise ValueError(f"max_features must be a positive int, got {max_features!r}.")
    if np.ndim(explanation.coef) != 3 or len(explanation.coef) == 0:
        raise ValueError("plot_summary needs an Explanation of at least one row.")
    weights, rows = label_weights(explanation, label)
    importance = np.abs(weights).mean(axis=0)
    top = np.argsort(-importance, kind="stable")[:max_features]
    names = [str(explanation.feature_names[j]) for j in top]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(top) + 1.6))
    target = _label_text(explanation, label)
    if kind == "heatmap":
        _heatmap(ax, weights[:, top].T, names)
        ax.set_title(f"Local weights of {len(rows)} rows, {target}")
        return ax
    values = _feature_values(explanation, rows, top)
    span = float(np.ptp(weights[:, top])) if weights.size else 0.0
    scatter = None
    for position, j in enumerate(top[::-1]):  # most important on top
        column = list(top).index(j)
        w = weights[:, j]
        kept = w != 0
        y = position + _swarm_offsets(w[kept], span)
        if values is None:
            colors = np.where(w[kept] > 0, POSITIVE, NEGATIVE)
            ax.scatter(w[kept], y, s=14, c=colors, linewidths=0, alpha=0.85)
        else:
            scatter = ax.scatter(
                w[kept],
                y,
                s=14,
                c=values[kept, column],
                cmap="coolwarm",
                vmin=0,
                vmax=1,
                linewidths=0,
                alpha=0.9,
            )
    ax.axvline(0, color="0.3", linewidth=0.8, zorder=0)
    ax.set_yticks(range(len(top)), names[::-1])
    ax.set_ylim(-0.6, len(top) - 0.4)
    ax.set_xlabel("weight in the local surrogate")
    ax.set_title(f"Local weights of {len(rows)} rows, {target}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if scatter is not None:
        bar = ax.figure.colorbar(scatter, ax=ax, ticks=[0, 1], aspect=30, pad=0.02)
        bar.ax.set_yticklabels(["low", "high"])
        bar.set_label("feature value")
        bar.outline.set_visible(False)
    return ax


def _label_text(explanation, label):
    if explanation.mode == "regression":
        return "the prediction"
    if label is None:
        first = np.unique(explanation.labels[:, 0])
        if first.size > 1:
            return "each row's explained class"
        label = int(first[0])
    return f"class {explanation._output_name(label)}"


def _feature_values(explanation, rows, features):
    """Per-feature ranks in [0, 1] of the rows' values, or None when unknown."""
    data = explanation.data
    if data is None or explanation.groups is not None:
        return None
    if data.ndim != 2 or data.shape[1] != explanation.coef.shape[2]:
        return None
    out = np.full((rows.size, len(features)), 0.5)
    numeric = False
    for c, j in enumerate(features):
        try:
            x = np.asarray(data[rows, j], dtype=float)
        except (TypeError, ValueError):
            continue  # categories shown as text: no order to colour by
        finite = np.isfinite(x)
        if not finite.any():
            continue
        lo, hi = np.percentile(x[finite], [5, 95])
        if hi > lo:
            out[finite, c] = np.clip((x[finite] - lo) / (hi - lo), 0, 1)
        numeric = True
    return out if numeric else None


def _swarm_offsets(x, span, width=0.38, n_bins=70):
    """Vertical offsets that pile up dots of similar ``x`` (a simple beeswarm)."""
    n = x.size
    if n == 0:
        return np.zeros(0)
    step = span / n_bins if span > 0 else 1.0
    bins = np.floor((x - x.min()) / step).astype(int)
    offsets = np.zeros(n)
    count = {}
    for idx in np.argsort(x, kind="stable"):
        c = count.get(bins[idx], 0)
        count[bins[idx]] = c + 1
        offsets[idx] = (c + 1) // 2 * (1 if c % 2 else -1)
    peak = max(max(count.values()) // 2, 1)
    return offsets * min(width / peak, 0.08)


def _heatmap(ax, matrix, names):
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("sklime", [NEGATIVE, "#f8f9fa", POSITIVE])
    top = float(np.max(np.abs(matrix))) if matrix.size else 1.0
    top = top if top > 0 else 1.0
    image = ax.imshow(
        matrix, aspect="auto", cmap=cmap, vmin=-top, vmax=top, interpolation="nearest"
    )
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("explained row")
    bar = ax.figure.colorbar(image, ax=ax, aspect=30, pad=0.02)
    bar.set_label("weight")
    bar.outline.set_visible(False)


_METRICS = {
    "jaccard": "top-k Jaccard between seeds",
    "fidelity": "fidelity (weighted R²)",
    "coef_variance": "variance of a weight across seeds",
}


def plot_stability(reports, metric="jaccard", *, xlabel="n_samples", ax=None):
    """Stability curve: how much runs with different seeds agree, against a setting.

    Plots a metric of :func:`sklime.metrics.stability_report` (by default
    the mean top-k Jaccard index between runs with different seeds: 1 means
    every run picks the same top features) against a setting such as
    ``n_samples`` or ``kernel_width``. For the Jaccard index, a band shows
    the middle half of the rows (the 25th to 75th percentile of each row's
    mean Jaccard over pairs of runs).

    Parameters
    ----------
    reports : mapping
        ``{setting: report}``, with ``report`` a dict from
        :func:`~sklime.metrics.stability_report` (or a number): one curve.
        Or ``{name: {setting: report}}``: one curve per name, with a legend
        (e.g. ``{"lime": ..., "glime": ...}``).
    metric : {"jaccard", "fidelity", "coef_variance"}, default="jaccard"
        Which entry of the reports to plot.
    xlabel : str, default="n_samples"
        What the settings are. Numeric settings spanning more than a factor
        of 8 get a logarithmic axis.
    ax : matplotlib Axes, default=None
        Where to draw; by default a new figure.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    ::

        from sklime import LimeExplainer, plot_stability
        from sklime.metrics import stability_report

        explainer = LimeExplainer(model).fit(X_train)
        reports = {
            n: stability_report(explainer.set_params(n_samples=n), X_test[:20])
            for n in (250, 1000, 4000)
        }
        plot_stability(reports)
    """
    plt = pyplot("plot_stability")
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)}, got {metric!r}.")
    curves = _curves(reports)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    every_x = []
    for name, curve in curves.items():
        xs = list(curve)
        ys = [_metric(curve[x], metric) for x in xs]
        numeric = all(isinstance(x, Real) for x in xs)
        positions = xs if numeric else list(range(len(xs)))
        every_x.extend(xs)
        (line,) = ax.plot(positions, ys, "o-", label=name)
        if metric == "jaccard":
            bands = [_jaccard_band(curve[x]) for x in xs]
            if all(b is not None for b in bands):
                lo, hi = np.array(bands).T
                ax.fill_between(positions, lo, hi, color=line.get_color(), alpha=0.15)
        if not numeric:
            ax.set_xticks(positions, [str(x) for x in xs])
    xs = [x for x in every_x if isinstance(x, Real)]
    if xs and len(xs) == len(every_x) and min(xs) > 0 and max(xs) / min(xs) > 8:
        ax.set_xscale("log")
        ticks = sorted(set(xs))
        ax.set_xticks(ticks, [f"{x:g}" for x in ticks])
        ax.minorticks_off()
    if metric in ("jaccard", "fidelity"):
        low = min(0.0, ax.get_ylim()[0])
        ax.set_ylim(low, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_METRICS[metric])
    ax.grid(alpha=0.3)
    if len(curves) > 1 or next(iter(curves)) is not None:
        ax.legend(frameon=False)
    return ax


def _is_report(value):
    return isinstance(value, Real) or (
        isinstance(value, Mapping) and "jaccard" in value
    )


def _curves(reports):
    if not isinstance(reports, Mapping) or not reports:
        raise ValueError(
            "reports must be a non-empty mapping {setting: report} or "
            "{name: {setting: report}}."
        )
    values = list(reports.values())
    if all(_is_report(v) for v in values):
        return {None: dict(reports)}
    if all(
        isinstance(v, Mapping) and v and all(map(_is_report, v.values()))
        for v in values
    ):
        return {str(k): dict(v) for k, v in reports.items()}
    raise ValueError(
        "reports must map settings to stability_report results (or numbers), or "
        "names to such mappings."
    )


def _metric(report, metric):
    if isinstance(report, Real):
        return float(report)
    if metric not in report:
        raise KeyError(f"a report has no {metric!r} entry.")
    return float(report[metric])


def _jaccard_band(report):
    if isinstance(report, Mapping) and "jaccard_rows" in report:
        rows = np.asarray(report["jaccard_rows"], dtype=float)
        if rows.size:
            return np.percentile(rows, [25, 75])
    return None
