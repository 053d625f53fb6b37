"""ImageExplanation: superpixel explanations of a batch of images.

The class holds the images, their superpixels and the weights, and reads
them (``get_image_and_mask``); its overlay is drawn by
:mod:`sklime._display._image`.
"""

import numpy as np

from .._explanation._explanation import SURROGATE, Explanation, numbered
from .._explanation._weights import ranked

__all__ = ["ImageExplanation"]


class ImageExplanation(Explanation):
    """Local explanations of a batch of images, one weight per superpixel.

    ``coef[i, l, j]`` is the weight of superpixel ``j`` (pixels where
    ``segments[i] == j``) in the surrogate of image ``i`` for output
    ``labels[i, l]``. Images of a batch may have different numbers of
    superpixels: ``coef`` has ``max(n_segments)`` columns and is 0 beyond
    ``n_segments[i]``.

    Parameters
    ----------
    coef : ndarray of shape (n_images, n_labels, n_segments)
    intercept, score, local_pred : ndarray of shape (n_images, n_labels)
    model_pred : ndarray of shape (n_images, n_outputs)
    labels : ndarray of shape (n_images, n_labels), int
    segments : ndarray of shape (n_images, H, W), int
        Superpixel id of every pixel, ``0 .. n_segments[i] - 1``.
    images : ndarray of shape (n_images, H, W, C)
        The explained images.
    n_segments : ndarray of shape (n_images,), default=None
        Superpixels of each image (default: from ``segments``).
    output_names : array-like of shape (n_outputs,), default=None
    mode : {"classification", "regression"}, default="classification"

    Attributes
    ----------
    segments, images, n_segments
        As above; plus every attribute of :class:`Explanation`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import ImageExplanation
    >>> segments = np.repeat([[0, 0, 1, 1]], 4, axis=0)[None]
    >>> exp = ImageExplanation(
    ...     coef=np.array([[[0.8, -0.2]]]), intercept=np.array([[0.1]]),
    ...     score=np.array([[0.9]]), local_pred=np.array([[0.7]]),
    ...     model_pred=np.array([[0.3, 0.7]]), labels=np.array([[1]]),
    ...     segments=segments, images=np.ones((1, 4, 4, 3)))
    >>> exp.as_list()
    [('segment 0', 0.8), ('segment 1', -0.2)]
    >>> image, mask = exp.get_image_and_mask(num_features=1)
    >>> mask[0].tolist()
    [1, 1, 0, 0]
    """

    _row_fields = ("segments", "images", "n_segments")
    _shared_fields = ("output_names", "mode")
    _saved_fields = SURROGATE + _row_fields + _shared_fields

    def __init__(
        self,
        coef,
        intercept,
        score,
        local_pred,
        model_pred,
        labels,
        *,
        segments,
        images,
        n_segments=None,
        output_names=None,
        mode="classification",
    ):
        surrogate = (coef, intercept, score, local_pred, model_pred, labels)
        names = numbered("segment", np.shape(coef)[2])
        super().__init__(*surrogate, names, output_names=output_names, mode=mode)
        self.segments = np.asarray(segments)
        self.images = np.asarray(images)
        n = len(self)
        if self.segments.ndim != 3 or self.segments.shape[0] != n:
            raise ValueError(
                f"segments must have shape ({n}, H, W), got {self.segments.shape}."
            )
        if self.images.ndim != 4 or self.images.shape[:3] != self.segments.shape:
            raise ValueError(
                f"images must have shape {self.segments.shape + ('C',)}, "
                f"got {self.images.shape}."
            )
        if n_segments is None:
            n_segments = self.segments.reshape(n, -1).max(axis=1) + 1
        self.n_segments = np.asarray(n_segments, dtype=int)

    def __repr__(self):
        n, L, _ = self.coef.shape
        H, W = self.segments.shape[1:]
        return (
            f"ImageExplanation(n_images={n}, n_labels={L}, image_shape=({H}, {W}), "
            f"n_segments={self.n_segments.tolist() if n <= 5 else '...'})"
        )

    def _order(self, i, label):
        """Superpixels of image ``i`` with a non-zero weight, largest |w| first."""
        return ranked(self._weights(i, label)[: self.n_segments[i]])

    def get_image_and_mask(
        self,
        i=0,
        label=None,
        positive_only=True,
        num_features=5,
        hide_rest=False,
        *,
        negative_only=False,
        min_weight=0.0,
    ):
        """The image and a mask of its most important superpixels, as ``lime``.

        Parameters
        ----------
        i : int, default=0
            Image.
        label : int, default=None
            Output; ``None`` is the image's first explained label.
        positive_only : bool, default=True
            Only superpixels that speak for the label.
        num_features : int, default=5
            Superpixels shown (largest ``|weight|`` first).
        hide_rest : bool, default=False
            Black out (zeros) everything but the shown superpixels.
        negative_only : bool, default=False
            Only superpixels that speak against the label.
        min_weight : float, default=0.0
            Smallest ``|weight|`` shown.

        Returns
        -------
        image : ndarray of shape (H, W, C)
            A copy of the image (float zeros outside the shown superpixels
            when ``hide_rest``). With neither ``positive_only`` nor
            ``negative_only``, the shown superpixels get the image's maximum
            in channel 1 (positive) or 0 (negative), as ``lime`` does.
        mask : ndarray of shape (H, W), int
            1 on superpixels shown (positive ones), -1 on negative ones
            (only when both signs are shown), 0 elsewhere; for
            :func:`skimage.segmentation.mark_boundaries`.
        """
        i = self._row(i)
        if positive_only and negative_only:
            raise ValueError(
                "positive_only and negative_only cannot be true at the same time."
            )
        items = self._order(i, label)
        segments = self.segments[i]
        image = self.images[i]
        temp = np.zeros(image.shape) if hide_rest else image.copy()
        value = np.zeros(self.n_segments[i], dtype=int)
        if positive_only or negative_only:
            sign = 1 if positive_only else -1
            chosen = [j for j, w in items if sign * w > 0 and abs(w) > min_weight]
            value[chosen[:num_features]] = 1
        else:
            for j, w in items[:num_features]:
                if abs(w) >= min_weight:
                    value[j] = -1 if w < 0 else 1
        mask = value[segments]
        shown = mask != 0
        temp[shown] = image[shown]
        if not (positive_only or negative_only):
            top = image.max()
            for sign, channel in ((1, 1), (-1, 0)):
                if channel < image.shape[2]:
                    temp[mask == sign, channel] = top
        return temp, mask

    def plot(self, i=0, label=None, ax=None, num_features=None, alpha=0.6):
        """Overlay of the superpixel weights on the image.

        Superpixels that speak for the label are tinted green, those that
        speak against it red, more opaque for larger ``|weight|``;
        superpixel boundaries are drawn as yellow lines.

        Parameters
        ----------
        i : int, default=0
            Image.
        label : int, default=None
            Output to show, as in :meth:`get_image_and_mask`.
        ax : matplotlib Axes, default=None
            Drawn on a new figure when ``None``.
        num_features : int, default=None
            Tint only the superpixels with the largest ``|weight|``.
        alpha : float, default=0.6
            Opacity of the strongest superpixel.

        Returns
        -------
        ax : matplotlib Axes
        """
        from .._display._image import plot_overlay

        return plot_overlay(
            self, i, label, ax=ax, num_features=num_features, alpha=alpha
        )
