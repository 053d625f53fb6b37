"""lime's ``ImageExplanation`` (see :mod:`sklime.compat.lime_image`)."""

import numpy as np

__all__ = ["ImageExplanation"]


class ImageExplanation:
    """One explained image, with ``lime``'s attributes and ``get_image_and_mask``.

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
        The explained image.
    segments : ndarray of shape (H, W), int
        Its superpixels (a label per pixel).

    Attributes
    ----------
    image, segments
        As above.
    local_exp : dict
        ``{label: [(segment, weight), ...]}``, largest ``|weight|`` first.
    intercept : dict
        ``{label: intercept}`` of each surrogate.
    score : float
        R^2 of the last explained label's surrogate (as ``lime``).
    local_pred : ndarray of shape (1,)
        The last label's surrogate prediction at the image.
    top_labels : list of int or None
        The labels of ``top_labels=k``, most probable first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.lime_image import ImageExplanation
    >>> segments = np.repeat([[0, 0, 1, 1, 2, 2]], 2, axis=0)
    >>> exp = ImageExplanation(np.full((2, 6, 3), 0.5), segments)
    >>> exp.local_exp[1] = [(2, 0.8), (0, -0.3), (1, 0.1)]
    >>> image, mask = exp.get_image_and_mask(1, num_features=2)
    >>> mask[0].tolist()
    [0, 0, 1, 1, 1, 1]
    >>> image, mask = exp.get_image_and_mask(1, positive_only=False, num_features=2)
    >>> mask[0].tolist()
    [-1, -1, 0, 0, 1, 1]
    """

    def __init__(self, image, segments):
        self.image = image
        self.segments = segments
        self.intercept = {}
        self.local_exp = {}
        self.local_pred = None
        self.score = None
        self.top_labels = None

    def get_image_and_mask(
        self,
        label,
        positive_only=True,
        negative_only=False,
        hide_rest=False,
        num_features=5,
        min_weight=0.0,
    ):
        """The image and a mask of its most important superpixels, as ``lime``.

        Parameters
        ----------
        label : int
            An explained label (a key of :attr:`local_exp`).
        positive_only : bool, default=True
            Only superpixels whose weight is above ``min_weight`` (for the
            label).
        negative_only : bool, default=False
            Only superpixels whose weight is below ``-min_weight`` (against
            the label). Not with ``positive_only``.
        hide_rest : bool, default=False
            Zeros (a float image) outside the shown superpixels.
        num_features : int, default=5
            Most superpixels shown: the first ones of ``local_exp[label]``
            that qualify (with both signs, the first ``num_features`` whose
            ``|weight|`` is at least ``min_weight``).
        min_weight : float, default=0.0
            Smallest ``|weight|`` shown.

        Returns
        -------
        image : ndarray of shape (H, W, C)
            A copy of the image (zeros outside the shown superpixels with
            ``hide_rest``). With both signs shown, channel 1 (positive) or 0
            (negative) of a shown superpixel is set to the image's maximum.
        mask : ndarray of shape (H, W), dtype of ``segments``
            1 on shown superpixels (-1 on negative ones when both signs are
            shown), 0 elsewhere; for :func:`skimage.segmentation.mark_boundaries`.

        Raises
        ------
        KeyError
            ``label`` was not explained.
        ValueError
            ``positive_only`` and ``negative_only`` are both true.
        """
        if label not in self.local_exp:
            raise KeyError(
                f"label {label!r} was not explained; explained labels: "
                f"{list(self.local_exp)} (pass labels=... or top_labels=... to "
                "explain_instance)."
            )
        if positive_only and negative_only:
            raise ValueError(
                "positive_only and negative_only cannot be true at the same time."
            )
        segments = np.asarray(self.segments)
        image = np.asarray(self.image)
        items = self.local_exp[label]
        if positive_only or negative_only:
            sign = 1 if positive_only else -1
            shown = [(f, 1) for f, w in items if sign * w > 0 and abs(w) > min_weight][
                :num_features
            ]
        else:
            shown = [
                (f, -1 if w < 0 else 1)
                for f, w in items[:num_features]
                if not abs(w) < min_weight
            ]
        temp = np.zeros(image.shape) if hide_rest else image.copy()
        value = np.zeros(segments.shape, dtype=int)
        if shown:
            ids = np.array([f for f, _ in shown])
            signs = np.array([s for _, s in shown])
            order = np.argsort(ids, kind="stable")
            where = np.isin(segments, ids)
            found = np.searchsorted(ids[order], segments[where])
            value[where] = signs[order][found]
            temp[where] = image[where]
            if not (positive_only or negative_only) and image.ndim == 3:
                top = np.max(image)
                temp[value > 0, 1] = top
                temp[value < 0, 0] = top
        mask = np.zeros(segments.shape, segments.dtype)
        mask[value != 0] = value[value != 0]
        return temp, mask
