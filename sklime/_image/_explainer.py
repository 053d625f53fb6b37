"""ImageExplainer: LIME for images (superpixels), vectorized, as an estimator."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._engine._estimator import (
    ENGINE_PARAMETERS,
    SURROGATE_PARAMETERS,
    ItemExplainerMixin,
)
from .._engine._model import PredictFnCloneMixin
from ._explanation import ImageExplanation
from ._plan import ImagePlan, auto_batch, perturb_images
from ._segmentation import (
    _SEGMENTATIONS,
    check_hide_color,
    check_images,
    hide_image,
    segment_image,
)

__all__ = ["ImageExplainer", "hide_image", "perturb_images", "segment_image"]


class ImageExplainer(ItemExplainerMixin, PredictFnCloneMixin, BaseEstimator):
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
    kernel : {"exponential", "shapley"} or callable, default="exponential"
        ``"exponential"`` is LIME: random masks, the exponential kernel of
        their distance, a ridge surrogate. A callable ``kernel(distances,
        kernel_width)`` replaces the exponential kernel (``lime``'s
        ``kernel``): ``distances`` is a numpy array of shape ``(1,
        n_samples)`` of ``metric`` distances, and the weights it returns
        must be non-negative, of that shape. ``"shapley"`` is Kernel SHAP with
        the superpixels as players and the hidden colour as the baseline: sample 1
        hides every superpixel (its output is the base value, the
        ``intercept``), ``n_samples`` further coalitions follow ``shap``'s
        scheme (all of them when ``2**p - 2 <= n_samples``: exact values),
        and the values, fitted under the efficiency constraint, add up to
        the image's output minus the base value; ``kernel_width``,
        ``metric``, ``alpha``, ``feature_selection`` and ``n_features`` are
        then not used. See :ref:`kernel_shap`.
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
    surrogate : regressor, default=None
        ``None``: the built-in batched ridge. Otherwise any scikit-learn
        regressor whose ``fit`` takes ``sample_weight`` and that has
        ``coef_`` and ``intercept_`` (``lime``'s ``model_regressor``); a
        clone is fitted per image and label, on the superpixels feature
        selection kept (slow path). Not with ``kernel="shapley"``.
    jax_model : bool, default=False
        ``predict_fn`` is a JAX-traceable function of a batch of images: the
        perturbed images are built and scored on the device, in one jitted
        call per image (``batch_size`` does not apply).
    n_jobs : int, default=None
        Images explained in parallel by joblib (threads by default; any
        joblib backend through ``joblib.parallel_config``).
    class_names : array-like of str, default=None
        Names of the black box's outputs (one per output in
        classification), shown by plots and HTML; ``None`` takes a fitted
        classifier's ``classes_``, else the output indices.
    verbose : int, default=0
        ``> 0`` shows a progress bar (tqdm) over the images.

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
        **ENGINE_PARAMETERS,
        **SURROGATE_PARAMETERS,
        "segmentation": [StrOptions(set(_SEGMENTATIONS)), callable],
        "hide_color": [Real, "array-like", None],
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "kernel_width": [Interval(Real, 0, None, closed="neither")],
        "kernel": [StrOptions({"exponential", "shapley"}), callable],
        "metric": [StrOptions({"cosine", "euclidean"})],
        "surrogate": [HasMethods(["fit"]), None],
        "top_labels": [Interval(Integral, 1, None, closed="left"), None],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        segmentation="quickshift",
        hide_color=None,
        n_samples=1000,
        kernel_width=0.25,
        kernel="exponential",
        metric="cosine",
        labels=None,
        batch_size="auto",
        random_state=None,
        top_labels=None,
        n_features=None,
        feature_selection="auto",
        alpha=1.0,
        surrogate=None,
        jax_model=False,
        n_jobs=None,
        class_names=None,
        verbose=0,
    ):
        self.predict_fn = predict_fn
        self.segmentation = segmentation
        self.hide_color = hide_color
        self.n_samples = n_samples
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.metric = metric
        self.labels = labels
        self.batch_size = batch_size
        self.random_state = random_state
        self.top_labels = top_labels
        self.n_features = n_features
        self.feature_selection = feature_selection
        self.alpha = alpha
        self.surrogate = surrogate
        self.jax_model = jax_model
        self.n_jobs = n_jobs
        self.class_names = class_names
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def _check_surrogate(self):
        if self.surrogate is not None and self.kernel == "shapley":
            raise ValueError(
                "surrogate is not used with kernel='shapley' (Kernel SHAP fits "
                "its own constrained model); pass surrogate=None."
            )

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
        self._check_surrogate()
        if X is None:
            _, self.output_names_ = self._black_box()
        else:
            images, layout = check_images(X)
            self._probe(images[:1, ..., 0] if layout == "gray" else images[:1])
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
        self._black_box()
        self._check_surrogate()
        images, layout = check_images(images)
        n, H, W, C = images.shape
        hide_color = check_hide_color(self.hide_color, C)
        segments = np.empty((n, H, W), dtype=np.int32)
        widths = np.empty(n, dtype=int)
        for i in range(n):
            user = images[i, ..., 0] if layout == "gray" else images[i]
            segments[i], widths[i] = segment_image(images[i], self.segmentation, user)
        batch = (
            auto_batch(self.n_samples, images[0].nbytes)
            if self.batch_size == "auto"
            else min(int(self.batch_size), self.n_samples)
        )
        plan = ImagePlan(
            images,
            layout,
            segments,
            widths,
            hide_color,
            kernel_width=self.kernel_width,
            metric=self.metric,
            batch_size=batch,
            kernel=self.kernel if callable(self.kernel) else None,
        )
        parts, output_names = self._explain_plan(plan, batch)
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
            mode=parts["mode"],
        )
