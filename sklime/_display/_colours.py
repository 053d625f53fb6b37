"""The colours of every display, defined once.

Weights that speak for the explained label are green, those that speak
against it red: in bar charts, summary plots and heatmaps (matplotlib takes
the hex strings), in the HTML views (CSS, and ``rgba()`` highlights from
:func:`rgb_bytes`) and in image overlays (:func:`rgb_floats`).
"""

import numpy as np

__all__ = ["NEGATIVE", "POSITIVE", "rgb_bytes", "rgb_floats"]

#: For the label (green).
POSITIVE = "#2b8a3e"
#: Against the label (red).
NEGATIVE = "#c92a2a"


def rgb_bytes(colour):
    """``(r, g, b)`` in 0..255 of a ``"#rrggbb"`` colour.

    Examples
    --------
    >>> rgb_bytes(POSITIVE)
    (43, 138, 62)
    """
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def rgb_floats(colour):
    """``[r, g, b]`` in [0, 1] of a ``"#rrggbb"`` colour, as an array.

    Examples
    --------
    >>> rgb_floats(NEGATIVE).round(2).tolist()
    [0.79, 0.16, 0.16]
    """
    return np.array(rgb_bytes(colour)) / 255.0
