"""TextExplanation: word explanations of a batch of texts."""

from numbers import Integral

import numpy as np

from .._explanation._explanation import _HTML_STYLE, Explanation, _esc

__all__ = ["TextExplanation"]

_TEXT_STYLE = """<style>
.sklime-exp .text{line-height:1.9;max-width:60em;white-space:pre-wrap;
margin:0 0 10px 0;padding:6px 10px;background:#f8f9fa;border-radius:4px}
.sklime-exp .text span{border-radius:3px;padding:0 1px}
</style>"""


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
        super().__init__(
            coef,
            intercept,
            score,
            local_pred,
            model_pred,
            labels,
            np.array([f"word {j}" for j in range(p)], dtype=object),
            descriptions=descriptions,
            output_names=output_names,
            mode=mode,
        )

    def __getitem__(self, index):
        if isinstance(index, Integral):
            if not -len(self) <= index < len(self):
                raise IndexError(f"row {index} out of range for {len(self)} rows.")
            index = slice(index % len(self), index % len(self) + 1)
        rows = range(len(self))[index]
        return TextExplanation(
            self.coef[index],
            self.intercept[index],
            self.score[index],
            self.local_pred[index],
            self.model_pred[index],
            self.labels[index],
            texts=[self.texts[r] for r in rows],
            indexed=[self.indexed[r] for r in rows],
            output_names=self.output_names,
            mode=self.mode,
        )

    def __repr__(self):
        n, L, _ = self.coef.shape
        return f"TextExplanation(n_texts={n}, n_labels={L}, mode={self.mode!r})"

    def as_list(self, i=0, label=None):
        """``[(word, weight), ...]`` of one text, largest ``|weight|`` first.

        Parameters
        ----------
        i : int, default=0
            Text.
        label : int, default=None
            Output index; ``None`` is the text's first explained label.

        Returns
        -------
        list of (str, float)
            Every word the surrogate kept, as ``lime``'s ``as_list``.
        """
        return super().as_list(i, label)

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

        Returns
        -------
        str
        """
        rows = range(min(len(self), 50)) if i is None else [self._row(i)]
        parts = [_HTML_STYLE, _TEXT_STYLE]
        for r in rows:
            parts.append(self._row_html(r, label, text=self._highlighted(r, label)))
        if i is None and len(self) > 50:
            parts.append(f"<p>... and {len(self) - 50} more texts.</p>")
        return "<div class='sklime-exp'>" + "".join(parts) + "</div>"

    def _highlighted(self, i, label):
        w = self.coef[i, self._slot(i, label)]
        scale = max(float(np.max(np.abs(w))), 1e-300)
        item = self.indexed[i]
        out = []
        for piece, feature in zip(item.pieces, item.piece_feature):
            text = _esc(piece)
            weight = float(w[feature]) if feature >= 0 else 0.0
            if weight == 0:
                out.append(text)
                continue
            rgb = "43,138,62" if weight > 0 else "201,42,42"
            opacity = 0.15 + 0.75 * abs(weight) / scale
            ink = ";color:#fff" if opacity > 0.6 else ""
            out.append(
                f"<span style='background:rgba({rgb},{opacity:.2f}){ink}' "
                f"title='{weight:+.4f}'>{text}</span>"
            )
        return f"<div class='text'>{''.join(out)}</div>"
