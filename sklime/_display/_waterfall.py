"""The waterfall of one row (``Explanation.plot_waterfall``): base value to prediction.

The usual one-row picture of additive attributions (Kernel SHAP, or LIME on
binary interpretable features): starting from the base value
(``intercept``), each feature's value moves the running total, largest
first, to the explanation's ``local_pred``. matplotlib is imported when the
chart is drawn.
"""

import numpy as np

from ._colours import NEGATIVE, POSITIVE
from ._plotting import pyplot

__all__ = ["plot_waterfall"]


def plot_waterfall(explanation, i=0, label=None, ax=None, max_features=10):
    """Draw :meth:`Explanation.plot_waterfall <sklime.Explanation.plot_waterfall>`.

    Parameters
    ----------
    explanation : Explanation
    i, label, ax, max_features
        As :meth:`sklime.Explanation.plot_waterfall`.

    Returns
    -------
    ax : matplotlib Axes
    """
    plt = pyplot("Explanation.plot_waterfall")
    i = explanation._row(i)
    slot = explanation._slot(i, label)
    items = explanation.as_list(i, label)
    if len(items) > max_features:
        rest = sum(w for _, w in items[max_features - 1 :])
        n_rest = len(items) - max_features + 1
        items = items[: max_features - 1] + [(f"{n_rest} other features", rest)]
    base = float(explanation.intercept[i, slot])
    end = float(explanation.local_pred[i, slot])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(items) + 1.6))
    starts = base + np.concatenate([[0.0], np.cumsum([w for _, w in items])[:-1]])
    for row, ((_, w), start) in enumerate(zip(items, starts)):
        y = len(items) - 1 - row
        ax.barh(y, w, left=start, color=POSITIVE if w > 0 else NEGATIVE, height=0.7)
        ax.annotate(
            f"{w:+.3g}",
            (start + w, y),
            xytext=(4 if w > 0 else -4, 0),
            textcoords="offset points",
            ha="left" if w > 0 else "right",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(items)), [name for name, _ in items][::-1])
    ax.axvline(base, color="grey", linewidth=0.8, linestyle="--")
    ax.axvline(end, color="black", linewidth=0.8)
    ax.set_xlabel(f"base value {base:.3g}  →  {end:.3g}")
    ax.set_title(f"Attributions for {explanation._target(i, label)}")
    return ax
