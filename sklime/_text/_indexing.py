"""Texts as words: cutting a text into pieces, and rendering a sample's text."""

import re
from typing import NamedTuple

import numpy as np

__all__ = ["IndexedText", "Renderer", "index_text", "render_samples"]


class IndexedText(NamedTuple):
    """A text cut into pieces, as ``lime.lime_text.IndexedString`` does.

    ``pieces`` are the words and separators in order (``"".join(pieces)`` is
    the text); ``piece_feature[k]`` is the interpretable feature of piece
    ``k`` (-1 for separators, always kept); ``words[j]`` is feature ``j``
    (with ``bow=True`` a distinct word, all its occurrences together; with
    ``bow=False`` one occurrence).
    """

    pieces: list
    piece_feature: np.ndarray
    words: list


def index_text(text, split_expression=r"\W+", bow=True):
    """Cut ``text`` into words and separators, as ``lime`` does.

    Parameters
    ----------
    text : str
    split_expression : str or callable, default=r"\\W+"
        A regular expression matching separators, or a callable returning
        the list of tokens (words) of the text, in order.
    bow : bool, default=True
        One feature per distinct word (``True``) or per occurrence.

    Returns
    -------
    IndexedText

    Examples
    --------
    >>> t = index_text("the cat saw the dog")
    >>> t.words, t.piece_feature.tolist()
    (['the', 'cat', 'saw', 'dog'], [0, -1, 1, -1, 2, -1, 0, -1, 3])
    """
    if callable(split_expression):
        tokens = list(split_expression(text))
        pieces = _segment_with_tokens(text, tokens)
        vocab_tokens = set(tokens)

        def non_word(piece):
            return piece not in vocab_tokens

    else:
        splitter = re.compile(rf"({split_expression})|$")
        pieces = [s for s in splitter.split(text) if s]
        non_word = splitter.match
    feature = np.full(len(pieces), -1, dtype=np.int64)
    vocab, words, separators = {}, [], set()
    for k, piece in enumerate(pieces):
        if piece in separators:
            continue
        if non_word(piece):
            separators.add(piece)
            continue
        if bow:
            if piece not in vocab:
                vocab[piece] = len(words)
                words.append(piece)
            feature[k] = vocab[piece]
        else:
            feature[k] = len(words)
            words.append(piece)
    return IndexedText(pieces, feature, words)


def _segment_with_tokens(text, tokens):
    """``lime``'s segmentation of a string around a tokenizer's tokens."""
    pieces, ptr = [], 0
    for token in tokens:
        start = text.find(token, ptr)
        if start < 0:
            raise ValueError(
                f"split_expression returned the token {token!r}, which is not "
                "in the text (after the previous tokens)."
            )
        if start > ptr:
            pieces.append(text[ptr:start])
        pieces.append(token)
        ptr = start + len(token)
    if ptr < len(text):
        pieces.append(text[ptr:])
    return pieces


class Renderer:
    """Renders masks as texts with a few array operations per block.

    With a mask string (``removed``), each piece of the text gets two
    versions: the piece itself and its replacement (a separator's is empty,
    as it is always kept); without, one. A sample's text is the version of
    every piece its mask chooses, in order. The choices of a block are one
    ``(m, versions)`` boolean array, repeated to the code points of the
    versions; one selection over the block's code points, one
    decode into a single string and a slice of it per sample give the texts.
    No Python work per piece or word (``lime`` builds each text in a loop;
    the previous renderer joined an object array row by row: 96 against
    25 ms for 2000 samples of a 1000-word text).
    """

    def __init__(self, indexed, removed=""):
        feature = np.asarray(indexed.piece_feature)
        # With nothing to put in a removed word's place (bag of words), each
        # piece has one version, kept or not.
        self.pairs = removed != ""
        versions = [
            text
            for piece, f in zip(indexed.pieces, feature.tolist())
            for text in ((piece, removed if f >= 0 else "") if self.pairs else (piece,))
        ]
        self.owner = np.maximum(feature, 0)  # feature of each piece
        self.fixed = feature < 0  # separators: always kept
        self.lengths = np.array([len(v) for v in versions])
        text = "".join(versions)
        # One byte per code point when they all fit (ASCII), else UTF-32.
        self.encoding = "latin-1" if text.isascii() else "utf-32-le"
        self.codes = np.frombuffer(
            text.encode(self.encoding, "surrogatepass"),
            np.uint8 if self.encoding == "latin-1" else "<u4",
        )

    def __call__(self, masks):
        m = masks.shape[0]
        keep = (np.asarray(masks) > 0.5)[:, self.owner] | self.fixed  # (m, pieces)
        if self.pairs:  # (m, versions): the piece or its replacement
            chosen = np.empty((m, 2 * keep.shape[1]), dtype=bool)
            chosen[:, 0::2], chosen[:, 1::2] = keep, ~keep
        else:
            chosen = keep
        points = np.repeat(chosen, self.lengths, axis=1)
        ends = np.cumsum(np.count_nonzero(points, axis=1)).tolist()
        text = np.compress(points.ravel(), np.tile(self.codes, m)).tobytes()
        text = text.decode(self.encoding, "surrogatepass")
        return [text[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def render_samples(indexed, masks, removed=""):
    """The texts of a block of masks, as ``lime``'s ``inverse_removing``.

    Parameters
    ----------
    indexed : IndexedText
    masks : ndarray of shape (m, n_words)
        1 keeps a word (all its occurrences with ``bow=True``), 0 removes it.
    removed : str, default=""
        What replaces a removed word: ``""`` (bag of words) or the mask
        string (``bow=False``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import numpy as np
    >>> render_samples(index_text("the cat saw the dog"), np.array([[0, 1, 1, 1]]))
    [' cat saw  dog']
    """
    return Renderer(indexed, removed)(masks)
