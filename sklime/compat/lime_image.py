"""``lime.lime_image`` on :class:`sklime.ImageExplainer`.

:class:`LimeImageExplainer` has ``lime``'s constructor and
``explain_instance``, and returns ``lime``'s :class:`ImageExplanation`
(``image``, ``segments``, ``local_exp``, ``intercept``, ``score``,
``local_pred``, ``top_labels`` and ``get_image_and_mask``). The superpixel
masks, the perturbed images, the black-box calls, the kernel and the
surrogates are :class:`sklime.ImageExplainer`'s, and
:meth:`LimeImageExplainer.explain_instances` explains many images in one
vectorized call. The default segmentation is ``lime``'s quickshift
(``kernel_size=4, max_dist=200, ratio=0.2``), which needs scikit-image
(``pip install "sklime[image]"``); a ``segmentation_fn`` of one's own does
not.

Differences from ``lime``, on purpose: the same ``random_state`` gives the
same explanation on every call (``lime`` draws on from one generator);
``random_seed`` reaches quickshift as scikit-image's ``rng``, and without
it quickshift keeps scikit-image's fixed seed (``lime`` draws a seed that
scikit-image >= 0.22 never receives); segment labels need not be ``0 ..
p - 1`` (``lime`` silently mismatches masks and segments otherwise, e.g.
with ``slic``'s ``start_label=1``): ``local_exp`` names segments by their
labels; images of any number of channels are explained (``lime``: three);
``distance_metric`` is ``"cosine"`` or ``"euclidean"``; a bad argument, a
classifier output that is not ``(n_images, n_classes)`` with ``n_classes >=
2``, NaN outputs and a segmentation that is not one integer label per pixel
raise a ``ValueError`` that names the argument; an exception inside
``classifier_fn`` comes back as a ``RuntimeError`` naming it (the original
as its cause); ``top_labels`` is ``None`` when labels were given (``lime``
leaves the attribute unset).
"""

import warnings
from numbers import Real

import numpy as np
from sklearn.utils import check_random_state

from .._explanation._weights import ranked
from .._image._explainer import ImageExplainer
from ._common import (
    check_choice,
    check_int,
    check_labels,
    checked_classifier,
    fixed_seed,
    row_kernel,
)
from ._image_explanation import ImageExplanation
from .wrappers.scikit_image import SegmentationAlgorithm

__all__ = ["ImageExplanation", "LimeImageExplainer"]

_METRICS = ("cosine", "euclidean")
_SELECTIONS = {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}


class LimeImageExplainer:
    """Explains image classifiers, as ``lime.lime_image.LimeImageExplainer``.

    Each explained image is cut into superpixels; each sample switches
    every superpixel on or off with probability 1/2 (the first sample is
    the image), a switched-off superpixel shows its mean colour or
    ``hide_color``; samples are weighted by ``kernel`` on the distance of
    their masks to the image's; a ridge surrogate on the masks explains
    each label. All of it runs on :class:`sklime.ImageExplainer`.

    Parameters
    ----------
    kernel_width : float, default=0.25
        Width of the kernel on the mask distances.
    kernel : callable, default=None
        ``kernel(distances, kernel_width=...)`` returning the weights of an
        image's samples from their distances (a 1-D array); ``None`` is
        ``sqrt(exp(-d**2 / kernel_width**2))``.
    verbose : bool, default=False
        Print each label's intercept, local prediction and model prediction.
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
        How the ``num_features`` superpixels are chosen.
    random_state : int, RandomState instance or None, default=None
        Seed of the samples; turned into one integer at construction, so that
        every call with the same image gives the same explanation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.lime_image import LimeImageExplainer
    >>> image = np.full((8, 8, 3), 0.5)
    >>> image[:4, :4] = 1.0  # a bright top-left quarter
    >>> rows, cols = np.indices((8, 8))
    >>> def quarters(img):
    ...     return (rows >= 4) * 2 + (cols >= 4)
    >>> def classifier_fn(images):
    ...     p = images[:, :4, :4].mean(axis=(1, 2, 3))
    ...     return np.column_stack([1 - p, p])
    >>> explainer = LimeImageExplainer(random_state=0)
    >>> exp = explainer.explain_instance(image, classifier_fn, top_labels=1,
    ...                                  hide_color=0, segmentation_fn=quarters,
    ...                                  num_samples=100)
    >>> exp.top_labels, exp.local_exp[1][0][0]
    ([1], 0)
    """

    def __init__(
        self,
        kernel_width=0.25,
        kernel=None,
        verbose=False,
        feature_selection="auto",
        random_state=None,
    ):
        if kernel is not None and not callable(kernel):
            raise TypeError(
                "kernel must be None or a callable kernel(distances, kernel_width), "
                f"got {type(kernel).__name__}."
            )
        if (
            isinstance(kernel_width, bool)
            or not isinstance(kernel_width, Real)
            or not kernel_width > 0
        ):
            raise ValueError(
                f"kernel_width must be a positive number, got {kernel_width!r}."
            )
        check_choice("feature_selection", feature_selection, _SELECTIONS)
        self.kernel_width = float(kernel_width)
        self.kernel = kernel
        self.verbose = verbose
        self.feature_selection = feature_selection
        self._seed = fixed_seed(random_state)
        self.random_state = check_random_state(random_state)

    def explain_instance(
        self,
        image,
        classifier_fn,
        labels=(1,),
        hide_color=None,
        top_labels=5,
        num_features=100000,
        num_samples=1000,
        batch_size=10,
        segmentation_fn=None,
        distance_metric="cosine",
        model_regressor=None,
        random_seed=None,
        progress_bar=True,
    ):
        """Explain the classifier's prediction for one image.

        Parameters
        ----------
        image : array-like of shape (H, W, C) or (H, W)
            The image; a 2-D (grey) image is made RGB by repeating it.
        classifier_fn : callable
            A batch of images ``(m, H, W, C)`` (in the image's dtype) ->
            ``(m, n_classes)`` probabilities.
        labels : iterable of int, default=(1,)
            Classes to explain when ``top_labels`` is ``None`` (or 0).
        hide_color : float, array-like of shape (C,) or None, default=None
            Colour of a switched-off superpixel; ``None`` is its mean colour.
        top_labels : int or None, default=5
            Explain the ``top_labels`` most probable classes (instead of
            ``labels``).
        num_features : int, default=100000
            Most superpixels in each surrogate.
        num_samples : int, default=1000
            Perturbed images (the image included).
        batch_size : int, default=10
            Most images in one call of ``classifier_fn``.
        segmentation_fn : callable, default=None
            ``image -> labels``, an integer array ``(H, W)`` (e.g. a
            :class:`~sklime.compat.wrappers.scikit_image.SegmentationAlgorithm`);
            ``None`` is quickshift with ``kernel_size=4, max_dist=200,
            ratio=0.2``.
        distance_metric : {"cosine", "euclidean"}, default="cosine"
            Distance between a sample's mask and the image's.
        model_regressor : regressor, default=None
            Surrogate instead of ``Ridge(alpha=1)``: a scikit-learn regressor
            whose ``fit`` takes ``sample_weight``, with ``coef_`` and
            ``intercept_``.
        random_seed : int, default=None
            Seed of the default quickshift (scikit-image's ``rng``); ``None``
            keeps scikit-image's default.
        progress_bar : bool, default=True
            A progress bar (tqdm) when the work comes in several chunks; as
            it is the default, it is left out quietly when tqdm (the
            ``progress`` extra) is not installed.

        Returns
        -------
        ImageExplanation
        """
        image = _check_image(image, "image")
        return self._explain(
            [image],
            classifier_fn,
            labels,
            hide_color,
            top_labels,
            num_features,
            num_samples,
            batch_size,
            segmentation_fn,
            distance_metric,
            model_regressor,
            random_seed,
            progress_bar,
        )[0]

    def explain_instances(
        self,
        images,
        classifier_fn,
        labels=(1,),
        hide_color=None,
        top_labels=5,
        num_features=100000,
        num_samples=1000,
        batch_size=10,
        segmentation_fn=None,
        distance_metric="cosine",
        model_regressor=None,
        random_seed=None,
        progress_bar=True,
    ):
        """Explain many images in one vectorized call (per image size).

        Each explanation equals :meth:`explain_instance`'s for that image
        (its samples depend only on the seed and its pixels); images of the
        same shape and dtype are explained by one native call.

        Parameters
        ----------
        images : list of array-like, or ndarray of shape (n, H, W, C)
            The images (each ``(H, W, C)`` or ``(H, W)``).
        classifier_fn, labels, hide_color, top_labels, num_features, num_samples
            As in :meth:`explain_instance`.
        batch_size, segmentation_fn, distance_metric, model_regressor, random_seed, progress_bar
            As in :meth:`explain_instance`.

        Returns
        -------
        list of ImageExplanation

        Examples
        --------
        >>> import numpy as np
        >>> from sklime.compat.lime_image import LimeImageExplainer
        >>> rows, cols = np.indices((8, 8))
        >>> def halves(img):
        ...     return (cols >= 4).astype(int)
        >>> def classifier_fn(images):
        ...     p = images[:, :, 4:].mean(axis=(1, 2, 3))
        ...     return np.column_stack([1 - p, p])
        >>> images = np.full((2, 8, 8, 3), 0.2)
        >>> images[1, :, 4:] = 0.9
        >>> exps = LimeImageExplainer(random_state=0).explain_instances(
        ...     images, classifier_fn, segmentation_fn=halves, num_samples=50)
        >>> [exp.top_labels for exp in exps]
        [[0, 1], [1, 0]]
        """
        if isinstance(images, np.ndarray) and images.ndim != 4:
            raise ValueError(
                "images must be a list of images or an array of shape "
                f"(n, H, W, C); got an array of shape {images.shape} (for one "
                "image use explain_instance; pass grey images as a list)."
            )
        images = list(images)
        if not images:
            raise ValueError("images is empty: pass at least one image.")
        images = [_check_image(x, f"images[{k}]") for k, x in enumerate(images)]
        return self._explain(
            images,
            classifier_fn,
            labels,
            hide_color,
            top_labels,
            num_features,
            num_samples,
            batch_size,
            segmentation_fn,
            distance_metric,
            model_regressor,
            random_seed,
            progress_bar,
        )

    def _explain(
        self,
        images,
        classifier_fn,
        labels,
        hide_color,
        top_labels,
        num_features,
        num_samples,
        batch_size,
        segmentation_fn,
        distance_metric,
        model_regressor,
        random_seed,
        progress_bar,
    ):
        check_choice("distance_metric", distance_metric, set(_METRICS))
        check_int("num_features", num_features, 1)
        check_int("num_samples", num_samples, 2)
        check_int("batch_size", batch_size, 1)
        if top_labels:  # lime: 0 and None explain ``labels``
            check_int("top_labels", top_labels, 1)
            native_labels, top_labels = None, int(top_labels)
        else:
            native_labels, top_labels = check_labels(labels), None
        if model_regressor is not None and not hasattr(model_regressor, "fit"):
            raise TypeError(
                "model_regressor must be a scikit-learn regressor (with fit, "
                f"coef_ and intercept_), got {type(model_regressor).__name__}."
            )
        classifier = checked_classifier(
            classifier_fn, "images", "a batch of images (m, H, W, C)"
        )
        kernel = "exponential" if self.kernel is None else row_kernel(self.kernel)
        segments = [
            _segments(segmentation_fn, image, random_seed, f"images[{k}]")
            for k, image in enumerate(images)
        ]
        groups = {}
        for k, image in enumerate(images):
            groups.setdefault((image.shape, image.dtype.str), []).append(k)
        out = [None] * len(images)
        for members in groups.values():
            native = ImageExplainer(
                classifier,
                segmentation=_Given([segments[k] for k in members]),
                hide_color=hide_color,
                n_samples=int(num_samples),
                kernel_width=self.kernel_width,
                kernel=kernel,
                metric=distance_metric,
                labels=native_labels,
                batch_size=int(batch_size),
                random_state=self._seed,
                top_labels=top_labels,
                n_features=int(num_features),
                feature_selection=self.feature_selection,
                surrogate=model_regressor,
                verbose=int(bool(progress_bar) and _has_tqdm()),
            )
            with warnings.catch_warnings():
                # lime_image takes any scores without a word about probabilities.
                warnings.filterwarnings(
                    "ignore", message="predict_fn's outputs do not sum to 1"
                )
                result = native.explain(np.stack([images[k] for k in members]))
            for i, k in enumerate(members):
                out[k] = self._explanation(
                    result, i, images[k], segments[k], native_labels, top_labels
                )
        return out

    def _explanation(self, native, i, image, segments, labels, top_labels):
        exp = ImageExplanation(image, segments)
        ids = np.unique(segments).tolist()  # native superpixel j is label ids[j]
        row = native.labels[i].tolist()
        if top_labels is not None:
            exp.top_labels = row  # most probable first
            order = row[::-1]  # lime explains them in increasing probability
        else:
            order = labels
        p = int(native.n_segments[i])
        for label in order:
            slot = row.index(label)
            weights = native.coef[i, slot, :p]
            exp.local_exp[label] = [(ids[j], w) for j, w in ranked(weights)]
            exp.intercept[label] = float(native.intercept[i, slot])
            exp.score = float(native.score[i, slot])
            exp.local_pred = np.array([native.local_pred[i, slot]])
            if self.verbose:
                print("Intercept", exp.intercept[label])
                print("Prediction_local", exp.local_pred)
                print("Right:", native.model_pred[i, label])
        return exp


class _Given:
    """The segmentation computed beforehand, handed to the native explainer.

    The native explainer segments its images in order, once each; this
    returns the labels of the next one (the compat layer segments the
    images itself, to keep ``segmentation_fn``'s labels for ``segments``).
    """

    def __init__(self, segments):
        self._segments = segments
        self._next = 0

    def __call__(self, image):
        labels = self._segments[self._next]
        self._next += 1
        return labels


def _has_tqdm():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _check_image(image, name):
    """A numeric ``(H, W, C)`` array; 2-D images become RGB (``gray2rgb``)."""
    image = np.asarray(image)
    if image.dtype.kind not in "iuf":
        raise ValueError(
            f"{name} must be a numeric array (an image), got dtype {image.dtype}."
        )
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    if image.ndim != 3 or 0 in image.shape:
        raise ValueError(
            f"{name} must be an image of shape (H, W, C) or (H, W), got shape "
            f"{image.shape}."
        )
    return image


def _segments(segmentation_fn, image, random_seed, name):
    """``segmentation_fn(image)``, checked: one integer label per pixel."""
    if segmentation_fn is None:
        segmentation_fn = SegmentationAlgorithm(
            "quickshift",
            kernel_size=4,
            max_dist=200,
            ratio=0.2,
            random_seed=random_seed,
            convert2lab=image.shape[2] == 3,
        )
    elif not callable(segmentation_fn):
        raise TypeError(
            "segmentation_fn must be a callable image -> labels (e.g. "
            f"SegmentationAlgorithm('slic')), got {type(segmentation_fn).__name__}."
        )
    labels = np.asarray(segmentation_fn(image))
    if labels.shape != image.shape[:2]:
        raise ValueError(
            f"segmentation_fn returned labels of shape {labels.shape} for {name}; "
            f"expected one label per pixel, shape {image.shape[:2]}."
        )
    integral = labels.dtype.kind in "iub" or (
        labels.dtype.kind == "f" and bool(np.all(np.mod(labels, 1) == 0))
    )
    if not integral:
        raise ValueError(
            "segmentation_fn must return integer labels; got an array of dtype "
            f"{labels.dtype} for {name}."
        )
    return labels
