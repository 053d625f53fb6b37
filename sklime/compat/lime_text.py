"""``lime.lime_text`` on :class:`sklime.TextExplainer`.

:class:`LimeTextExplainer` has ``lime``'s constructor and
``explain_instance``, and returns ``lime``'s :class:`~sklime.compat.explanation.Explanation`
with a :class:`TextDomainMapper`; the sampling, the black-box calls, the
kernel and the surrogates are :class:`sklime.TextExplainer`'s, and
:meth:`LimeTextExplainer.explain_instances` explains many texts in one
vectorized call. :class:`IndexedString` and :class:`IndexedCharacters` have
``lime``'s attributes and methods, on sklime's word indexing.

Differences from ``lime``, on purpose: the same ``random_state`` gives the
same explanation on every call (``lime`` draws on from one generator);
``distance_metric`` is ``"cosine"`` or ``"euclidean"`` (``lime`` takes any
of scikit-learn's metrics); a bad argument, a classifier output that is not
``(n_texts, n_classes)`` probabilities with ``n_classes >= 2``, NaN outputs
and a text without words raise a ``ValueError`` that names the argument;
an exception inside ``classifier_fn`` comes back as a ``RuntimeError``
naming it (the original as its cause); ``class_names`` is not overwritten by
the default names; the HTML page is drawn without scripts.
"""

from numbers import Real

from sklearn.utils import check_random_state

from .._text._explainer import TextExplainer
from ._common import (
    check_choice,
    check_int,
    check_labels,
    checked_classifier,
    class_names_for,
    fixed_seed,
    row_kernel,
)
from ._indexed_text import (
    _CHAR_MASK,
    _WORD_MASK,
    IndexedCharacters,
    IndexedString,
    TextDomainMapper,
)
from .explanation import Explanation, from_native

__all__ = [
    "IndexedCharacters",
    "IndexedString",
    "LimeTextExplainer",
    "TextDomainMapper",
]

_METRICS = ("cosine", "euclidean")


class LimeTextExplainer:
    """Explains text classifiers, as ``lime.lime_text.LimeTextExplainer``.

    Each explained text is cut into words; its samples remove a number of
    distinct words, drawn uniformly, weighted by ``kernel`` on 100 times
    the distance of their masks to the text's; a ridge surrogate on at most
    ``num_features`` words explains each label. All of it runs on
    :class:`sklime.TextExplainer`.

    Parameters
    ----------
    kernel_width : float, default=25
        Width of the kernel (on distances times 100).
    kernel : callable, default=None
        ``kernel(distances, kernel_width)`` returning the weights of a text's
        samples from their distances (a 1-D array); ``None`` is
        ``sqrt(exp(-d**2 / kernel_width**2))``.
    verbose : bool, default=False
        Print each label's intercept, local prediction and model prediction.
    class_names : list of str, default=None
        Names of the classifier's classes; ``None`` is ``"0", "1", ...``.
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
        How the ``num_features`` words are chosen.
    split_expression : str or callable, default=r"\\W+"
        Regular expression of the separators between words, or a callable
        returning the words of a text.
    bow : bool, default=True
        Bag of words: removing a word removes all its occurrences. ``False``:
        each occurrence is a feature, replaced by ``mask_string``.
    mask_string : str, default=None
        Replacement of removed occurrences with ``bow=False``; ``None`` is
        ``"UNKWORDZ"`` (``chr(0)`` with ``char_level=True``).
    random_state : int, RandomState instance or None, default=None
        Seed; turned into one integer at construction, so that every call
        with the same text gives the same explanation.
    char_level : bool, default=False
        Every character is a feature (:class:`IndexedCharacters`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.lime_text import LimeTextExplainer
    >>> def classifier_fn(texts):
    ...     p = np.array([0.9 if "good" in t.split() else 0.2 for t in texts])
    ...     return np.column_stack([1 - p, p])
    >>> explainer = LimeTextExplainer(class_names=["bad", "good"], random_state=0)
    >>> exp = explainer.explain_instance("a good film", classifier_fn,
    ...                                  num_features=2, num_samples=300)
    >>> exp.as_list()[0][0], exp.as_list()[0][1] > 0.5
    ('good', True)
    """

    def __init__(
        self,
        kernel_width=25,
        kernel=None,
        verbose=False,
        class_names=None,
        feature_selection="auto",
        split_expression=r"\W+",
        bow=True,
        mask_string=None,
        random_state=None,
        char_level=False,
    ):
        if kernel is not None and not callable(kernel):
            raise TypeError(
                "kernel must be None or a callable kernel(distances, kernel_width), "
                f"got {type(kernel).__name__}."
            )
        if not (isinstance(kernel_width, Real) and kernel_width > 0):
            raise ValueError(
                f"kernel_width must be a positive number, got {kernel_width!r}."
            )
        check_choice(
            "feature_selection",
            feature_selection,
            {"auto", "none", "forward_selection", "highest_weights", "lasso_path"},
        )
        if not (callable(split_expression) or isinstance(split_expression, str)):
            raise TypeError(
                "split_expression must be a regular expression (str) or a callable "
                f"tokenizer, got {type(split_expression).__name__}."
            )
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.verbose = verbose
        self.class_names = class_names
        self.feature_selection = feature_selection
        self.split_expression = split_expression
        self.bow = bow
        self.mask_string = mask_string
        self.char_level = char_level
        self._seed = fixed_seed(random_state)
        self.random_state = check_random_state(random_state)

    def _indexed(self, text, name):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {type(text).__name__}.")
        if self.char_level:
            indexed = IndexedCharacters(
                text, bow=self.bow, mask_string=self.mask_string
            )
        else:
            indexed = IndexedString(
                text,
                split_expression=self.split_expression,
                bow=self.bow,
                mask_string=self.mask_string,
            )
        if indexed.num_words() == 0:
            how = (
                "characters"
                if self.char_level
                else f"split on {self.split_expression!r}"
            )
            raise ValueError(f"{name} has no words to explain ({text!r}, {how}).")
        return indexed

    def _native(
        self,
        classifier_fn,
        labels,
        top_labels,
        num_features,
        num_samples,
        distance_metric,
        model_regressor,
    ):
        """The native explainer of one ``explain_instance(s)`` call."""
        check_choice("distance_metric", distance_metric, set(_METRICS))
        check_int("num_features", num_features, 1)
        check_int("num_samples", num_samples, 2)
        if top_labels is not None:
            check_int("top_labels", top_labels, 1)
            native_labels = None
        else:
            native_labels = check_labels(labels)
        if model_regressor is not None and not hasattr(model_regressor, "fit"):
            raise TypeError(
                "model_regressor must be a scikit-learn regressor (with fit, "
                f"coef_ and intercept_), got {type(model_regressor).__name__}."
            )
        if self.char_level:
            split, mask = list, _CHAR_MASK
        else:
            split, mask = self.split_expression, _WORD_MASK
        return TextExplainer(
            checked_classifier(
                classifier_fn,
                "texts",
                "a list of strings (e.g. pipeline.predict_proba)",
            ),
            split_expression=split,
            bow=self.bow,
            mask_string=mask if self.mask_string is None else self.mask_string,
            n_samples=int(num_samples),
            kernel_width=self.kernel_width,
            kernel="exponential" if self.kernel is None else row_kernel(self.kernel),
            metric=distance_metric,
            labels=native_labels,
            random_state=self._seed,
            top_labels=None if top_labels is None else int(top_labels),
            n_features=int(num_features),
            feature_selection=self.feature_selection,
            surrogate=model_regressor,
        )

    def _explanation(self, native, i, indexed, labels, top_labels):
        n_outputs = native.model_pred.shape[1]
        exp = Explanation(
            TextDomainMapper(indexed),
            class_names=class_names_for(self.class_names, n_outputs),
            random_state=self.random_state,
        )
        if top_labels is not None:
            top = native.labels[i].tolist()  # most probable first
            order = top[::-1]  # lime explains them in increasing probability
        else:
            top, order = None, [int(k) for k in labels]
        from_native(exp, native, i, order, top_labels=top)
        if self.verbose:
            for label in order:
                slot = native.labels[i].tolist().index(label)
                print("Intercept", native.intercept[i, slot])
                print("Prediction_local", native.local_pred[i, slot : slot + 1])
                print("Right:", native.model_pred[i, label])
        return exp

    def explain_instance(
        self,
        text_instance,
        classifier_fn,
        labels=(1,),
        top_labels=None,
        num_features=10,
        num_samples=5000,
        distance_metric="cosine",
        model_regressor=None,
    ):
        """Explain the classifier's prediction for one text.

        Parameters
        ----------
        text_instance : str
            The text to explain.
        classifier_fn : callable
            ``list of str -> (n_texts, n_classes)`` probabilities, e.g. a
            pipeline's ``predict_proba``.
        labels : iterable of int, default=(1,)
            Classes to explain.
        top_labels : int, default=None
            If set, explain the ``top_labels`` most probable classes instead
            of ``labels``.
        num_features : int, default=10
            Words kept in each explanation.
        num_samples : int, default=5000
            Perturbed texts (the text included).
        distance_metric : {"cosine", "euclidean"}, default="cosine"
            Distance between the masks of the samples and the text's.
        model_regressor : regressor, default=None
            The surrogate; ``None`` is a ridge with ``alpha=1``. Any
            scikit-learn regressor whose ``fit`` takes ``sample_weight``,
            with ``coef_`` and ``intercept_``.

        Returns
        -------
        Explanation
            ``lime``'s explanation, with a :class:`TextDomainMapper`.
        """
        indexed = self._indexed(text_instance, "text_instance")
        native = self._native(
            classifier_fn,
            labels,
            top_labels,
            num_features,
            num_samples,
            distance_metric,
            model_regressor,
        ).explain([text_instance])
        return self._explanation(native, 0, indexed, labels, top_labels)

    def explain_instances(
        self,
        texts,
        classifier_fn,
        labels=(1,),
        top_labels=None,
        num_features=10,
        num_samples=5000,
        distance_metric="cosine",
        model_regressor=None,
    ):
        """Explain many texts in one vectorized call (not in ``lime``).

        The parameters are :meth:`explain_instance`'s, with ``texts`` a list
        of strings; each text's explanation is the one
        :meth:`explain_instance` gives it (with the same ``random_state``).

        Returns
        -------
        list of Explanation

        Examples
        --------
        >>> import numpy as np
        >>> from sklime.compat.lime_text import LimeTextExplainer
        >>> def classifier_fn(texts):
        ...     p = np.array([0.9 if "good" in t.split() else 0.2 for t in texts])
        ...     return np.column_stack([1 - p, p])
        >>> explainer = LimeTextExplainer(random_state=0)
        >>> exps = explainer.explain_instances(["a good film", "not bad, just good"],
        ...                                    classifier_fn, num_samples=300)
        >>> [exp.as_list()[0][0] for exp in exps]
        ['good', 'good']
        """
        if isinstance(texts, str | bytes):
            raise TypeError(
                "texts must be a list of strings; for one text use explain_instance."
            )
        texts = list(texts)
        if not texts:
            raise ValueError("texts is empty: pass at least one string.")
        indexed = [self._indexed(t, f"texts[{k}]") for k, t in enumerate(texts)]
        native = self._native(
            classifier_fn,
            labels,
            top_labels,
            num_features,
            num_samples,
            distance_metric,
            model_regressor,
        ).explain(texts)
        return [
            self._explanation(native, i, item, labels, top_labels)
            for i, item in enumerate(indexed)
        ]
