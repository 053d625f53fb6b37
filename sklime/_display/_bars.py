"""The bar chart of one row's weights (``Explanation.plot``).

matplotlib is imported when the chart is drawn (see
:func:`sklime._display._plotting.pyplot`).
"""

from ._colours import NEGATIVE, POSITIVE
from ._plotting import pyplot

__all__ = ["plot_bars"]


def plot_bars(explanation, i=0, label=None, ax=None, max_features=None):
    """Draw :meth:`Explanation.plot <sklime.Explanation.plot>` of ``explanation``.

    Parameters
    ----------
    explanation : Explanation
    i, label, ax, max_features
        As :meth:`sklime.Explanation.plot`.

    Returns
    -------
    ax : matplotlib Axes
    """
    plt = pyplot("Explanation.plot")
    items = explanation.as_list(i, label)[:max_features][::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.4 * max(len(items), 1) + 1.2))
    weights = [w for _, w in items]
    colors = [POSITIVE if w > 0 else NEGATIVE for w in weights]
    ax.barh(range(len(items)), weights, color=colors)
    ax.set_yticks(range(len(items)), [d for d, _ in items])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("weight in the local surrogate")
    ax.set_title(f"Local explanation for {explanation._target(i, label)}")
    return ax
