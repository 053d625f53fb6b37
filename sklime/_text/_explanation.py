"""TextExplanation: word explanations of a batch of texts.

The class holds the texts, their words and the weights; its HTML view, the
texts with highlighted words, is drawn by :mod:`sklime._display._html`.
"""

import numpy as np

from .._display._html import text_explanation_html
from .._explanation._explanation import SURROGATE, Explanation, numbered

__all__ = ["TextExplanation"]


class TextExplanation(Explanation):
    """Local explanations of a batch of texts, one weight per word.

    ``coef[i, l, j]`` is the weight of word ``words[i][j]`` in the surrogate
    of text ``i`` for output ``labels[i, l]`` (0 for words the surrogate did
    not keep). Texts have different numbers of words: ``coef`` has
    ``max(n_words)`` columns and is 0 beyond ``n_words[i]``.

    Parameters
    ----------
    coef : ndarray of shape (n_texts, n_labels, max_words)
    intercept, score, local_pred : ndarray of shape (n_texts, n_labels)
    model_pred : ndarray of shape (n_texts, n_outputs)
    labels : ndarray of shape (n_texts, n_labels), int
    texts : list of str
        The explained texts.
    indexed : list of IndexedText
        How each text was cut into words (see :func:`sklime._text._explainer.index_text`).
    output_names : array-like of shape (n_outputs,), default=None
    mode : {"classification", "regression"}, default="classification"

    Attributes
    ----------
    texts : list of str
    words : list of list of str
        The interpretable features (words) of each text.
    n_words : ndarray of shape (n_texts,)
        Plus every attribute of :class:`Explanation`; ``descriptions[i, j]``
        is ``words[i][j]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime import TextExplanation
    >>> from sklime._text._explainer import index_text
    >>> exp = TextExplanation(
    ...     coef=np.array([[[0.0, 0.9, -0.1]]]), intercept=np.array([[0.1]]),
    ...     score=np.array([[0.8]]), local_pred=np.array([[0.7]]),
    ...     model_pred=np.array([[0.2, 0.8]]), labels=np.array([[1]]),
    ...     texts=["a great cast"], indexed=[index_text("a great cast")])
    >>> exp.as_list()
    [('great', 0.9), ('cast', -0.1)]
    """

    _row_fields = ("texts", "indexed")
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
        texts,
        indexed,
        output_names=None,
        mode="classification",
    ):
        coef = np.asarray(coef)
        n, _, p = coef.shape
        self.texts = list(texts)
        self.indexed = list(indexed)
        if len(self.texts) != n or len(self.indexed) != n:
            raise ValueError(
                f"texts and indexed must have one entry per row ({n}); got "
                f"{len(self.texts)} and {len(self.indexed)}."
            )
        self.words = [list(item.words) for item in self.indexed]
        self.n_words = np.array([len(w) for w in self.words], dtype=int)
        if (self.n_words > p).any():
            raise ValueError(
                f"coef has {p} columns; a text has {self.n_words.max()} words."
            )
        descriptions = np.full((n, p), "", dtype=object)
        for i, words in enumerate(self.words):
            descriptions[i, : len(words)] = words
        surrogate = (coef, intercept, score, local_pred, model_pred, labels)
        super().__init__(
            *surrogate,
            numbered("word", p),
            descriptions=descriptions,
            output_names=output_names,
            mode=mode,
        )

    def __repr__(self):
        n, L, _ = self.coef.shape
        return f"TextExplanation(n_texts={n}, n_labels={L}, mode={self.mode!r})"

    def to_html(self, i=None, label=None):
        """Self-contained HTML: the texts with highlighted words, and the weights.

        Words that speak for the label are highlighted in green, those that
        speak against it in red, stronger for larger ``|weight|``; hovering
        a word shows its weight. No scripts, no network.

        Parameters
        ----------
        i : int, default=None
            Text; ``None`` renders every text (up to 50).
        label : int, default=None
            Output; ``None`` is each text's first explained label.

        Returns
        -------
        str
        """
        return text_explanation_html(self, i, label)
