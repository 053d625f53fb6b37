"""TextExplainer: LIME for text (words), vectorized, as an estimator."""

import re
from numbers import Integral, Real

from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._engine._estimator import (
    ENGINE_PARAMETERS,
    SURROGATE_PARAMETERS,
    ItemExplainerMixin,
)
from .._engine._model import PredictFnCloneMixin
from ._explanation import TextExplanation
from ._indexing import IndexedText, index_text, render_samples
from ._plan import TextPlan, refuse_device_model

__all__ = ["IndexedText", "TextExplainer", "index_text", "render_samples"]

_MASK_STRING = "UNKWORDZ"


class TextExplainer(ItemExplainerMixin, PredictFnCloneMixin, BaseEstimator):
    """LIME for text: word explanations, vectorized, as an estimator.

    Semantics and defaults follow ``lime.lime_text.LimeTextExplainer``: the
    text is cut into words by ``split_expression``; each sample removes a
    number of distinct words drawn uniformly from ``1 .. d`` (``d`` words),
    chosen uniformly (the first sample is the text itself); with
    ``bow=True`` a word is removed everywhere it occurs, with ``bow=False``
    each occurrence is its own feature and is replaced by ``mask_string``.
    Samples are weighted by the exponential kernel of 100 times the cosine
    distance between their mask and the all-on mask (width
    ``kernel_width``), and a ridge surrogate (``alpha=1``) on at most
    ``n_features`` words, chosen as ``lime`` does, explains each label. The
    masks come from a JAX kernel fed by a random stream of each text's own
    (seed and UTF-8 bytes); the surrogates of many texts are fitted at once.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box: a callable taking a list of strings and returning
        ``(m,)`` scores or ``(m, k)`` probabilities, or a fitted estimator
        (its ``predict_proba``, else ``predict``) on raw strings, e.g. a
        ``Pipeline(TfidfVectorizer(), LogisticRegression())``.
    split_expression : str or callable, default=r"\\W+"
        Regular expression of the separators between words, or a callable
        returning the list of words of a text, in order.
    bow : bool, default=True
        Bag of words: a word's occurrences form one feature. ``False``: each
        occurrence is a feature (for models that see word order).
    mask_string : str, default=None
        What replaces a removed word when ``bow=False``; ``None`` is
        ``"UNKWORDZ"``, as ``lime``.
    n_samples : int, default=5000
        Perturbed texts per explained text (the text included).
    kernel_width : float, default=25
        Width of the kernel on the distances (cosine distance times 100).
    kernel : {"exponential", "shapley"} or callable, default="exponential"
        ``"exponential"`` is LIME: random masks, the exponential kernel of
        their distance, a ridge surrogate. A callable ``kernel(distances,
        kernel_width)`` replaces the exponential kernel (``lime``'s
        ``kernel``): ``distances`` is a numpy array of shape ``(1,
        n_samples)``, 100 times the ``metric`` distances as ``lime``'s, and
        the weights it returns must be non-negative, of that shape. ``"shapley"`` is Kernel SHAP with
        the words as players and the removed word as the baseline: sample 1
        hides every word (its output is the base value, the
        ``intercept``), ``n_samples`` further coalitions follow ``shap``'s
        scheme (all of them when ``2**p - 2 <= n_samples``: exact values),
        and the values, fitted under the efficiency constraint, add up to
        the text's output minus the base value; ``kernel_width``,
        ``alpha``, ``feature_selection`` and ``n_features`` are
        then not used. See :ref:`kernel_shap`.
    metric : {"cosine", "euclidean"}, default="cosine"
        Distance between a sample's mask and the text's (all ones), as
        ``lime``'s ``distance_metric``; the kernel sees it times 100.
    labels : int, array-like of int, "all" or None, default=None
        Outputs explained: ``None`` is each text's predicted class (``lime``
        explains class 1 by default); ints are output indices; ``"all"``
        every output. A black box with one output explains that output.
    random_state : int, RandomState instance or None, default=None
        Seed. A text's samples depend only on this seed and the text.
    top_labels : int, default=None
        If set, explain the ``top_labels`` most probable outputs of each
        text (most probable first) instead of ``labels``, as ``lime``.
    n_features : int, default=10
        Words kept in each surrogate (``lime``'s ``num_features``).
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
        How the ``n_features`` words are chosen, as ``lime``.
    alpha : float, default=1.0
        Ridge strength of the surrogate.
    surrogate : regressor, default=None
        ``None``: the built-in batched ridge. Otherwise any scikit-learn
        regressor whose ``fit`` takes ``sample_weight`` and that has
        ``coef_`` and ``intercept_`` (``lime``'s ``model_regressor``); a
        clone is fitted per text and label, on the words feature selection
        kept (slow path). Not with ``kernel="shapley"``.
    batch_size : int or "auto", default="auto"
        Most perturbed texts in one call of ``predict_fn`` (a call never
        mixes the samples of two texts); ``"auto"`` gives the black box all
        the samples of a text at once, as ``lime``.
    jax_model : bool, default=False
        Accepted for a uniform interface; ``True`` is an error (the black
        box takes strings, which JAX cannot trace).
    n_jobs : int, default=None
        Texts explained in parallel by joblib (threads by default; any
        joblib backend through ``joblib.parallel_config``).
    class_names : array-like of str, default=None
        Names of the black box's outputs (one per output in
        classification), shown by plots and HTML; ``None`` takes a fitted
        classifier's ``classes_``, else the output indices.
    verbose : int, default=0
        ``> 0`` shows a progress bar (tqdm) over the texts.

    See Also
    --------
    TextExplanation : What :meth:`explain` returns.
    ImageExplainer : The same engine for images.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklime import TextExplainer
    >>> docs = ["great movie", "awful movie", "great plot", "awful plot",
    ...         "a great cast", "an awful cast"]
    >>> model = make_pipeline(TfidfVectorizer(), LogisticRegression())
    >>> model = model.fit(docs, [1, 0, 1, 0, 1, 0])
    >>> explainer = TextExplainer(model, n_samples=500, random_state=0)
    >>> exp = explainer.explain(["what a great movie", "the plot was awful"])
    >>> exp.as_list(0)[0][0], exp.as_list(1)[0][0]
    ('great', 'awful')
    """

    _parameter_constraints: dict = {
        **ENGINE_PARAMETERS,
        **SURROGATE_PARAMETERS,
        "split_expression": [str, callable],
        "bow": ["boolean"],
        "mask_string": [str, None],
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "kernel_width": [Interval(Real, 0, None, closed="neither")],
        "kernel": [StrOptions({"exponential", "shapley"}), callable],
        "metric": [StrOptions({"cosine", "euclidean"})],
        "surrogate": [HasMethods(["fit"]), None],
        "top_labels": [Interval(Integral, 1, None, closed="left"), None],
        "n_features": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        split_expression=r"\W+",
        bow=True,
        mask_string=None,
        n_samples=5000,
        kernel_width=25,
        kernel="exponential",
        metric="cosine",
        labels=None,
        random_state=None,
        top_labels=None,
        n_features=10,
        feature_selection="auto",
        alpha=1.0,
        surrogate=None,
        batch_size="auto",
        jax_model=False,
        n_jobs=None,
        class_names=None,
        verbose=0,
    ):
        self.predict_fn = predict_fn
        self.split_expression = split_expression
        self.bow = bow
        self.mask_string = mask_string
        self.n_samples = n_samples
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.metric = metric
        self.labels = labels
        self.random_state = random_state
        self.top_labels = top_labels
        self.n_features = n_features
        self.feature_selection = feature_selection
        self.alpha = alpha
        self.surrogate = surrogate
        self.batch_size = batch_size
        self.jax_model = jax_model
        self.n_jobs = n_jobs
        self.class_names = class_names
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Check the settings and the black box; nothing is learned.

        Parameters
        ----------
        X : list of str, default=None
            If given, the black box is asked about the first text, and
            :attr:`n_outputs_` records its number of outputs.
        y : None
            Ignored.

        Returns
        -------
        self : TextExplainer
        """
        self._check_jax_model()
        self._check_surrogate()
        if not callable(self.split_expression):
            re.compile(self.split_expression)
        if X is None:
            _, self.output_names_ = self._black_box()
        else:
            self._probe(_check_texts(X)[:1])
        return self

    def _check_jax_model(self):
        if self.jax_model:
            refuse_device_model()

    def _check_surrogate(self):
        if self.surrogate is not None and self.kernel == "shapley":
            raise ValueError(
                "surrogate is not used with kernel='shapley' (Kernel SHAP fits "
                "its own constrained model); pass surrogate=None."
            )

    def _plan_kernel(self):
        """The plan's kernel: ``None`` (exponential) or the user's, at lime's scale."""
        if not callable(self.kernel):
            return None
        kernel, width = self.kernel, self.kernel_width

        def scaled(distances, _plan_width):
            return kernel(100.0 * distances, width)

        return scaled

    def explain(self, texts):
        """Explain every text.

        Parameters
        ----------
        texts : str or list of str
            Texts to explain.

        Returns
        -------
        TextExplanation
            Words, surrogate weights, intercepts, fidelity scores and
            predictions of every text.
        """
        self._validate_params()
        self._black_box()
        self._check_jax_model()
        self._check_surrogate()
        texts = _check_texts(texts)
        try:
            indexed = [index_text(t, self.split_expression, self.bow) for t in texts]
        except re.error as exc:
            raise ValueError(
                f"split_expression {self.split_expression!r} is not a valid "
                f"regular expression: {exc}"
            ) from exc
        for k, item in enumerate(indexed):
            if not item.words:
                raise ValueError(
                    f"texts[{k}] has no words to explain ({texts[k]!r} split on "
                    f"{self.split_expression!r})."
                )
        mask = _MASK_STRING if self.mask_string is None else self.mask_string
        plan = TextPlan(
            texts,
            indexed,
            "" if self.bow else mask,
            kernel_width=self.kernel_width / 100.0,  # lime: distance * 100
            metric=self.metric,
            kernel=self._plan_kernel(),
        )
        batch = None if self.batch_size == "auto" else int(self.batch_size)
        parts, output_names = self._explain_plan(plan, batch)
        return TextExplanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            texts=texts,
            indexed=indexed,
            output_names=output_names,
            mode=parts["mode"],
        )


def _check_texts(texts):
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, bytes | bytearray):
        raise TypeError("texts must be strings; decode bytes first (e.g. .decode()).")
    try:
        items = list(texts)
    except TypeError as exc:
        raise TypeError(
            f"texts must be a list of strings, got {type(texts).__name__}."
        ) from exc
    if not items:
        raise ValueError("texts is empty: pass at least one string.")
    for k, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(
                f"texts must be a list of strings; texts[{k}] is a "
                f"{type(text).__name__}."
            )
    return [str(t) for t in items]
