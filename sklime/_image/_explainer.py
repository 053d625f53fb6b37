"""ImageExplainer: LIME for images (superpixels), vectorized, as an estimator."""

from functools import partial
from numbers import Integral, Real

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._engine._labels import check_labels_param
from .._engine._masked import MaskedEngine
from .._engine._model import PredictFnCloneMixin, resolve_predict_fn
from .._engine._precision import x64_scope
from .._engine._shapes import padded_width
from .._sampling._content import content_digest, content_uniforms
from .._sampling._random import base_seed
from .._surrogate._selection import METHODS
from ._explanation import ImageExplanation

__all__ = ["ImageExplainer", "hide_image", "perturb_images", "segment_image"]

#: Bytes of perturbed images in one call of the black box (batch_size="auto").
_BATCH_BYTES = 2**23

#: ``lime``'s default segmentation (``LimeImageExplainer.explain_instance``).
_SEGMENTATIONS = {
    "quickshift": {"kernel_size": 4, "max_dist": 200, "ratio": 0.2},
    "slic": {},
    "felzenszwalb": {},
}


# ----------------------------------------------------------------------------
# Pure pieces: segmentation, hidden colours, masks, perturbed images
# ----------------------------------------------------------------------------


def _segmenter(name, n_channels):
    from skimage import segmentation as seg

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


@jax.jit
def _bernoulli_masks(u, n_segments):
    """Masks ``(n, P)``: the image (first row), then each superpixel on w.p. 1/2.

    ``u`` are ``(P, n - 1)`` uniforms, one row per superpixel: the numbers
    of superpixel ``j`` come at the same place of the image's stream whatever
    the padded width ``P``. Columns ``>= n_segments`` are padding, zero
    everywhere.
    """
    real = jnp.arange(u.shape[0]) < n_segments
    rest = (u.T < 0.5) & real
    return jnp.concatenate([real[None], rest]).astype(jnp.float64)


@jax.jit
def perturb_images(image, hidden, segments, masks):
    """Perturbed images ``(s, H, W, C)`` from masks ``(s, P)`` (bool).

    Pixel ``(y, x)`` of image ``k`` is ``image[y, x]`` when superpixel
    ``segments[y, x]`` is on in ``masks[k]``, else ``hidden[y, x]``.
    """
    # An arithmetic blend vectorizes better than a select on the CPU and is
    # exact for 0/1 weights: x * 1 + h * 0 == x, x * 0 + h * 1 == h.
    keep = masks.astype(image.dtype)[:, segments][..., None]  # (s, H, W, 1)
    return image[None] * keep + hidden[None] * (1 - keep)


# ----------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------


def _check_images(images):
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


def _check_hide_color(hide_color, n_channels):
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


def _auto_batch(n_samples, image_bytes):
    """Equal slices of at most ``_BATCH_BYTES`` of images each."""
    cap = max(1, min(n_samples, _BATCH_BYTES // max(image_bytes, 1)))
    calls = -(-n_samples // cap)
    return -(-n_samples // calls)


# ----------------------------------------------------------------------------
# The estimator
# ----------------------------------------------------------------------------


class ImageExplainer(PredictFnCloneMixin, BaseEstimator):
    """LIME for images: superpixel explanations, vectorized, as an estimator.

    Semantics and defaults follow ``lime.lime_image.LimeImageExplainer``:
    the image is cut into superpixels; each sample switches every superpixel
    on or off with probability 1/2 (the first sample is the image itself); a
    switched-off superpixel shows its mean colour (``hide_color=None``) or
    ``hide_color``; samples are weighted by the exponential kernel
    ``sqrt(exp(-d**2 / kernel_width**2))`` of the cosine distance between
    their mask and the all-on mask; a ridge surrogate (``alpha=1``) on the
    masks explains each label. The masks are drawn in JAX from a random
    stream of each image's own (seed and pixel bytes), the perturbed images
    are built in one vectorized JAX kernel per slice of ``batch_size``
    samples, and the surrogates of many images are fitted at once.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box: a callable taking a batch of images ``(m, H, W, C)``
        (``(m, H, W)`` when 2-D images are explained) in the dtype of the
        explained images and returning ``(m,)`` scores or ``(m, k)``
        probabilities; or a fitted estimator (its ``predict_proba``, else
        ``predict``) that takes such batches. Required at :meth:`explain`.
    segmentation : {"quickshift", "slic", "felzenszwalb"} or callable, default="quickshift"
        How superpixels are made: scikit-image's algorithms (quickshift with
        ``lime``'s ``kernel_size=4, max_dist=200, ratio=0.2``, the others
        with scikit-image's defaults), or a callable ``image -> labels``
        returning an integer array ``(H, W)`` (use :func:`functools.partial`
        to set an algorithm's parameters). Labels are renumbered ``0 ..
        p - 1``; ``ImageExplanation.segments`` holds the renumbered ids.
        The named algorithms are deterministic (their seed is fixed).
    hide_color : float, array-like of shape (C,) or None, default=None
        Colour of a switched-off superpixel; ``None`` is the superpixel's
        mean colour, as ``lime``.
    n_samples : int, default=1000
        Perturbed images per explained image (the image included).
    kernel_width : float, default=0.25
        Width of the kernel on the mask distances.
    metric : {"cosine", "euclidean"}, default="cosine"
        Distance between a sample's mask and the all-on mask.
    labels : int, array-like of int, "all" or None, default=None
        Outputs explained: ``None`` is each image's predicted class
        (``lime``'s ``top_labels=1``); ints are output indices; ``"all"``
        every output. A black box with one output explains that output.
    batch_size : int or "auto", default="auto"
        Most perturbed images in one call of ``predict_fn`` (a call never
        mixes the samples of two images). ``"auto"`` makes equal slices of
        at most 8 MiB of images each (small slices stay in the caches; set
        an int for models that prefer big batches, e.g. on a GPU).
    random_state : int, RandomState instance or None, default=None
        Seed. An image's samples depend only on this seed and its pixels.
    top_labels : int, default=None
        If set, explain the ``top_labels`` most probable outputs of each
        image (most probable first) instead of ``labels``, as ``lime``'s
        ``top_labels`` (whose default there is 5).
    n_features : int, default=None
        Superpixels kept in each surrogate; ``None`` keeps them all (as
        ``lime``'s default ``num_features=100000``).
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
        How ``n_features`` superpixels are chosen, as ``lime``.
    alpha : float, default=1.0
        Ridge strength of the surrogate.

    See Also
    --------
    ImageExplanation : What :meth:`explain` returns.
    TextExplainer : The same engine for text.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import ImageExplainer
    >>> rng = np.random.default_rng(0)
    >>> image = rng.uniform(size=(24, 24, 3))
    >>> image[:12, :12, 0] = 1.0  # the model looks at this red corner
    >>> def redness(images):
    ...     return images[:, :12, :12, 0].mean(axis=(1, 2))
    >>> grid = np.arange(24 * 24).reshape(24, 24)
    >>> quarters = lambda img: (grid // 24 >= 12) * 2 + (grid % 24 >= 12)
    >>> explainer = ImageExplainer(redness, segmentation=quarters,
    ...                            n_samples=200, random_state=0)
    >>> exp = explainer.explain(image)
    >>> exp.coef.shape, exp.segments.shape
    ((1, 1, 4), (1, 24, 24))
    >>> int(np.argmax(exp.coef[0, 0]))  # the top-left quarter
    0
    """

    _parameter_constraints: dict = {
        "predict_fn": [callable, HasMethods(["fit"]), None],
        "segmentation": [StrOptions(set(_SEGMENTATIONS)), callable],
        "hide_color": [Real, "array-like", None],
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "kernel_width": [Interval(Real, 0, None, closed="neither")],
        "metric": [StrOptions({"cosine", "euclidean"})],
        "labels": [
            Interval(Integral, 0, None, closed="left"),
            "array-like",
            StrOptions({"all"}),
            None,
        ],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "random_state": ["random_state"],
        "top_labels": [Interval(Integral, 1, None, closed="left"), None],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "feature_selection": [StrOptions(set(METHODS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        segmentation="quickshift",
        hide_color=None,
        n_samples=1000,
        kernel_width=0.25,
        metric="cosine",
        labels=None,
        batch_size="auto",
        random_state=None,
        top_labels=None,
        n_features=None,
        feature_selection="auto",
        alpha=1.0,
    ):
        self.predict_fn = predict_fn
        self.segmentation = segmentation
        self.hide_color = hide_color
        self.n_samples = n_samples
        self.kernel_width = kernel_width
        self.metric = metric
        self.labels = labels
        self.batch_size = batch_size
        self.random_state = random_state
        self.top_labels = top_labels
        self.n_features = n_features
        self.feature_selection = feature_selection
        self.alpha = alpha

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.non_deterministic = self.random_state is None
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Check the settings and the black box; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n, H, W, C) or (H, W, C), default=None
            If given, the black box is asked about the first image, and
            :attr:`n_outputs_` records its number of outputs.
        y : None
            Ignored.

        Returns
        -------
        self : ImageExplainer
        """
        fn, self.output_names_ = resolve_predict_fn(self.predict_fn, "auto", "ImageExplainer")
        check_labels_param(self.labels)
        if X is not None:
            images, layout = _check_images(X)
            first = images[:1, ..., 0] if layout == "gray" else images[:1]
            out = np.asarray(fn(first))
            self.n_outputs_ = 1 if out.ndim == 1 else int(out.shape[1])
        return self

    def explain(self, images):
        """Explain every image.

        Parameters
        ----------
        images : array-like of shape (n, H, W, C), (H, W, C) or (H, W)
            Images to explain (a 3-D array is one image with channels last).

        Returns
        -------
        ImageExplanation
            Superpixels, surrogate weights (one per superpixel), intercepts,
            fidelity scores and predictions of every image.
        """
        self._validate_params()
        check_labels_param(self.labels)
        fn, output_names = resolve_predict_fn(self.predict_fn, "auto", "ImageExplainer")
        images, layout = _check_images(images)
        n, H, W, C = images.shape
        hide_color = _check_hide_color(self.hide_color, C)
        segments = np.empty((n, H, W), dtype=np.int32)
        widths = np.empty(n, dtype=int)
        for i in range(n):
            user = images[i, ..., 0] if layout == "gray" else images[i]
            segments[i], widths[i] = segment_image(images[i], self.segmentation, user)
        seed = base_seed(self.random_state)
        n_samples = self.n_samples
        image_bytes = images[0].nbytes
        batch = (
            _auto_batch(n_samples, image_bytes)
            if self.batch_size == "auto"
            else min(int(self.batch_size), n_samples)
        )

        def draw(i, P):
            digest = content_digest(
                str(images.dtype).encode(),
                np.asarray(images.shape[1:], np.int64).tobytes(),
                np.ascontiguousarray(images[i]),
            )
            with x64_scope():
                u = content_uniforms(seed, digest, (P, n_samples - 1))
                return _bernoulli_masks(u, widths[i])

        def make_input(i):
            hidden = hide_image(images[i], segments[i], widths[i], hide_color)
            with x64_scope():
                args = (
                    jnp.asarray(images[i]),
                    jnp.asarray(hidden),
                    jnp.asarray(segments[i]),
                )
            P = padded_width(widths[i])

            def build(block):
                m, p = block.shape
                masks = np.zeros((batch, P), dtype=bool)
                masks[:m, :p] = block > 0.5
                with x64_scope():
                    out = perturb_images(*args, masks)
                out = np.array(np.asarray(out)[:m])  # writable, like lime's
                return out[..., 0] if layout == "gray" else out

            return build

        engine = MaskedEngine(
            fn,
            n_samples=n_samples,
            kernel_width=self.kernel_width,
            metric=self.metric,
            alpha=self.alpha,
            feature_selection=self.feature_selection,
            n_features=self.n_features,
            labels=self.labels,
            top_labels=self.top_labels,
        )
        parts = engine.run(widths, draw, make_input, lambda i: batch)
        return ImageExplanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            segments=segments,
            images=images,
            n_segments=widths,
            output_names=output_names,
            mode="classification" if parts["model_pred"].shape[1] > 1 else "regression",
        )

    def score(self, X, y=None):
        """Mean local fidelity (weighted R^2 of the surrogates) on images ``X``.

        Parameters
        ----------
        X : array-like of shape (n, H, W, C) or (H, W, C)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.explain(X).score))
