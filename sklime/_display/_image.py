"""The overlay of superpixel weights on an image (``ImageExplanation.plot``).

:func:`plot_overlay` tints each superpixel by its weight and draws the
superpixel boundaries; :func:`boundaries` and :func:`display_image` are its
geometry and its colour conversion. matplotlib is imported when drawing.
"""

import numpy as np

from ._colours import NEGATIVE, POSITIVE, rgb_floats
from ._plotting import pyplot

__all__ = ["boundaries", "display_image", "plot_overlay"]

#: Colour of the lines between superpixels (yellow).
BOUNDARY = "#ffd400"


def plot_overlay(explanation, i=0, label=None, ax=None, num_features=None, alpha=0.6):
    """Draw :meth:`ImageExplanation.plot <sklime.ImageExplanation.plot>`.

    Superpixels are tinted green (for the label) or red (against it), more
    opaque for larger ``|weight|``, under yellow superpixel boundaries.

    Parameters
    ----------
    explanation : ImageExplanation
    i, label, ax, num_features, alpha
        As :meth:`sklime.ImageExplanation.plot`.

    Returns
    -------
    ax : matplotlib Axes
    """
    plt = pyplot("ImageExplanation.plot")
    i = explanation._row(i)
    items = explanation._order(i, label)[:num_features]
    segments = explanation.segments[i]
    shown = display_image(explanation.images[i])
    scale = max([abs(w) for _, w in items] + [1e-300])
    rgba = np.zeros((explanation.n_segments[i], 4))
    positive, negative = rgb_floats(POSITIVE), rgb_floats(NEGATIVE)
    for j, w in items:
        rgba[j, :3] = positive if w > 0 else negative
        rgba[j, 3] = alpha * abs(w) / scale
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(shown)
    ax.imshow(rgba[segments])
    from matplotlib.collections import LineCollection

    ax.add_collection(
        LineCollection(boundaries(segments), colors=BOUNDARY, linewidths=0.8)
    )
    ax.set_axis_off()
    ax.set_title(f"Superpixel weights for {explanation.label_name(i, label)}")
    return ax


def boundaries(segments):
    """Segments ``((x0, y0), (x1, y1))`` between pixels of different superpixels.

    Examples
    --------
    >>> boundaries(np.array([[0, 1]])).tolist()
    [[[0.5, -0.5], [0.5, 0.5]]]
    """
    ys, xs = np.nonzero(segments[:, 1:] != segments[:, :-1])  # vertical edges
    vertical = np.stack(
        [np.column_stack([xs + 0.5, ys - 0.5]), np.column_stack([xs + 0.5, ys + 0.5])],
        axis=1,
    )
    ys, xs = np.nonzero(segments[1:] != segments[:-1])  # horizontal edges
    horizontal = np.stack(
        [np.column_stack([xs - 0.5, ys + 0.5]), np.column_stack([xs + 0.5, ys + 0.5])],
        axis=1,
    )
    return np.concatenate([vertical, horizontal])


def display_image(image):
    """``(H, W, 3)`` float RGB in [0, 1] for display.

    One channel is repeated, extra channels are dropped; integers are scaled
    by 255 (``uint8``) or their maximum, floats outside [0, 1] by their range.
    """
    img = np.asarray(image, dtype=np.float64)
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    elif img.shape[2] != 3:
        img = img[..., :3] if img.shape[2] > 3 else np.repeat(img[..., :1], 3, axis=2)
    if np.issubdtype(image.dtype, np.integer):
        top = 255.0 if image.dtype == np.uint8 else max(float(img.max()), 1.0)
        return np.clip(img / top, 0, 1)
    lo, hi = float(img.min()), float(img.max())
    if lo >= 0 and hi <= 1:
        return img.copy()
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
