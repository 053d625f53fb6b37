"""Superpixels and the colours of hidden superpixels; image input checks."""

from functools import partial

import numpy as np

__all__ = [
    "check_hide_color",
    "check_images",
    "hide_image",
    "segment_image",
    "skimage_segmentation",
]

#: ``lime``'s default segmentation (``LimeImageExplainer.explain_instance``).
_SEGMENTATIONS = {
    "quickshift": {"kernel_size": 4, "max_dist": 200, "ratio": 0.2},
    "slic": {},
    "felzenszwalb": {},
}


def skimage_segmentation(what):
    """``skimage.segmentation``, or an ImportError that says how to get it."""
    try:
        from skimage import segmentation
    except ImportError as exc:
        raise ImportError(
            f"{what} needs scikit-image, an optional dependency of sklime: "
            'pip install "sklime[image]" (or pip install scikit-image).'
        ) from exc
    return segmentation


def _segmenter(name, n_channels):
    seg = skimage_segmentation(f"segmentation={name!r}")

    kwargs = dict(_SEGMENTATIONS[name])
    if name == "quickshift":
        # Lab conversion needs RGB; other channel counts are clustered as they are.
        kwargs["convert2lab"] = n_channels == 3
    func = getattr(seg, name)
    if n_channels == 1:
        return lambda image: func(image[..., 0], channel_axis=None, **kwargs)
    return partial(func, **kwargs)


def segment_image(image, segmentation="quickshift", user_image=None):
    """Superpixels of one image, relabelled ``0 .. p - 1``.

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
    segmentation : {"quickshift", "slic", "felzenszwalb"} or callable
        The names use ``lime``'s parameters for quickshift
        (``kernel_size=4, max_dist=200, ratio=0.2``) and scikit-image's
        defaults otherwise. A callable gets the image (as the user gave it)
        and returns an integer label image of shape ``(H, W)``.
    user_image : ndarray, default=None
        What a callable receives (defaults to ``image``).

    Returns
    -------
    segments : ndarray of shape (H, W), int32
        Superpixel id of every pixel, ids ``0 .. p - 1`` in order of the
        original labels.
    p : int
        Number of superpixels.
    """
    if callable(segmentation):
        labels = np.asarray(segmentation(image if user_image is None else user_image))
        if labels.shape != image.shape[:2]:
            raise ValueError(
                f"segmentation returned labels of shape {labels.shape}; expected "
                f"one label per pixel, shape {image.shape[:2]}."
            )
        integral = labels.dtype.kind in "iub" or (
            labels.dtype.kind == "f" and bool(np.all(np.mod(labels, 1) == 0))
        )
        if not integral:
            raise ValueError(
                "segmentation must return integer labels; got an array of "
                f"dtype {labels.dtype}."
            )
    else:
        labels = _segmenter(segmentation, image.shape[2])(image)
    ids, segments = np.unique(labels, return_inverse=True)
    return segments.reshape(image.shape[:2]).astype(np.int32), int(ids.size)


def hide_image(image, segments, n_segments, hide_color=None):
    """The image a superpixel shows when it is switched off.

    As ``lime``: ``hide_color=None`` paints each superpixel with its mean
    colour (per channel); otherwise every pixel takes ``hide_color`` (a
    number, or one number per channel). The result has the image's dtype
    (integer images round towards zero, as ``lime``'s assignment does).

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
    segments : ndarray of shape (H, W), ids ``0 .. n_segments - 1``
    n_segments : int
    hide_color : None, float or array-like of shape (C,)

    Returns
    -------
    hidden : ndarray of shape (H, W, C), dtype of ``image``
    """
    if hide_color is None:
        flat = segments.ravel()
        counts = np.bincount(flat, minlength=n_segments).astype(np.float64)
        pixels = image.reshape(-1, image.shape[2]).astype(np.float64)
        means = (
            np.stack(
                [
                    np.bincount(flat, weights=pixels[:, c], minlength=n_segments)
                    for c in range(image.shape[2])
                ],
                axis=1,
            )
            / np.maximum(counts, 1)[:, None]
        )
        values = means[segments]
    else:
        values = np.broadcast_to(np.asarray(hide_color, np.float64), image.shape)
    return values.astype(image.dtype)


def check_images(images):
    """``(n, H, W, C)`` array and whether the user gave 2-D (grayscale) images."""
    try:
        arr = np.asarray(images)
    except ValueError as exc:
        raise ValueError(
            "images must all have the same shape (explain images of different "
            f"sizes in separate calls): {exc}"
        ) from exc
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"images must be numeric arrays (integers or floats); got dtype {arr.dtype}."
        )
    if arr.ndim == 2:
        arr, layout = arr[None, :, :, None], "gray"
    elif arr.ndim == 3:
        arr, layout = arr[None], "single"
    elif arr.ndim == 4:
        layout = "batch"
    else:
        raise ValueError(
            "images must be one image (H, W) or (H, W, C), or a batch "
            f"(n, H, W, C); got an array of shape {arr.shape}."
        )
    if 0 in arr.shape:
        raise ValueError(f"images must not be empty; got shape {arr.shape}.")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError("images contain NaN or infinity.")
    return arr, layout


def check_hide_color(hide_color, n_channels):
    if hide_color is None:
        return None
    color = np.asarray(hide_color, dtype=np.float64)
    if color.ndim > 1 or (color.ndim == 1 and color.size not in (1, n_channels)):
        raise ValueError(
            f"hide_color must be a number or one number per channel ({n_channels}); "
            f"got {hide_color!r}."
        )
    if not np.isfinite(color).all():
        raise ValueError(f"hide_color must be finite; got {hide_color!r}.")
    return color
