"""lime's ``IndexedString``, ``IndexedCharacters`` and ``TextDomainMapper``
(see :mod:`sklime.compat.lime_text`), on :mod:`sklime._text._indexing`."""

import re

import numpy as np

from .._text._indexing import index_text, render_samples
from .explanation import DomainMapper

__all__ = ["IndexedCharacters", "IndexedString", "TextDomainMapper"]


_WORD_MASK = "UNKWORDZ"
_CHAR_MASK = chr(0)


class _Indexed:
    """What :class:`IndexedString` and :class:`IndexedCharacters` share.

    Subclasses set ``raw``, ``mask_string``, ``bow``, ``as_list``,
    ``as_np``, ``string_start`` and ``_indexed`` (sklime's
    :class:`~sklime._text._indexing.IndexedText`); this fills
    ``inverse_vocab`` and ``positions`` from it.
    """

    def _set_vocabulary(self):
        feature = self._indexed.piece_feature
        self.inverse_vocab = list(self._indexed.words)
        if self.bow:
            pieces = [[] for _ in self.inverse_vocab]
            for k, f in enumerate(feature.tolist()):
                if f >= 0:
                    pieces[f].append(k)
            self.positions = pieces
        else:
            self.positions = np.array(np.flatnonzero(feature >= 0).tolist())

    def raw_string(self):
        """The text as it was given."""
        return self.raw

    def num_words(self):
        """Number of features (distinct words with ``bow=True``, occurrences without)."""
        return len(self.inverse_vocab)

    def word(self, id_):
        """The word (or character) of feature ``id_``."""
        return self.inverse_vocab[id_]

    def string_position(self, id_):
        """Offsets in the text of feature ``id_``'s occurrences, an array."""
        if self.bow:
            return self.string_start[self.positions[id_]]
        return self.string_start[[self.positions[id_]]]

    def inverse_removing(self, words_to_remove):
        """The text without the features ``words_to_remove`` (a list of ids).

        With ``bow=True`` every occurrence of a removed word goes; with
        ``bow=False`` each removed occurrence becomes ``mask_string``.

        Returns
        -------
        str
        """
        n = self.num_words()
        if n == 0:
            return "".join(self._indexed.pieces)
        keep = np.ones((1, n), dtype=bool)
        keep[0, np.asarray(words_to_remove, dtype=np.int64).ravel()] = False
        removed = "" if self.bow else self.mask_string
        return render_samples(self._indexed, keep, removed)[0]


def _string_start(pieces):
    return np.hstack(([0], np.cumsum([len(x) for x in pieces[:-1]])))


class IndexedString(_Indexed):
    """A text cut into words and separators, with ``lime``'s indexes.

    Parameters
    ----------
    raw_string : str
    split_expression : str or callable, default=r"\\W+"
        Regular expression of the separators, or a callable returning the
        text's tokens (words) in order.
    bow : bool, default=True
        One feature per distinct word (``True``) or per occurrence.
    mask_string : str, default=None
        What replaces a removed occurrence when ``bow=False``; ``None`` is
        ``"UNKWORDZ"``.

    Attributes
    ----------
    raw : str
    as_list : list of str
        Words and separators in order (``"".join(as_list) == raw``).
    as_np : ndarray of str
    string_start : ndarray of int
        Offset of each piece of ``as_list`` in the text.
    inverse_vocab : list of str
        The word of each feature.
    positions : list of list of int, or ndarray of int
        Pieces of each feature: the occurrences of a word (``bow=True``), or
        the piece of an occurrence (``bow=False``).

    Examples
    --------
    >>> from sklime.compat.lime_text import IndexedString
    >>> s = IndexedString("the cat saw the dog")
    >>> s.inverse_vocab, s.positions
    (['the', 'cat', 'saw', 'dog'], [[0, 6], [2], [4], [8]])
    >>> s.inverse_removing([0]), s.string_position(0).tolist()
    (' cat saw  dog', [0, 12])
    """

    def __init__(self, raw_string, split_expression=r"\W+", bow=True, mask_string=None):
        self.raw = raw_string
        self.mask_string = _WORD_MASK if mask_string is None else mask_string
        self.bow = bow
        self._indexed = _index(raw_string, split_expression, bow)
        self.as_list = list(self._indexed.pieces)
        self.as_np = np.array(self.as_list)
        self.string_start = _string_start(self.as_np)
        self._set_vocabulary()


class IndexedCharacters(_Indexed):
    """A text as characters, each one a feature (``lime``'s ``char_level``).

    Parameters
    ----------
    raw_string : str
    bow : bool, default=True
        One feature per distinct character (``True``) or per position.
    mask_string : str, default=None
        What replaces a removed character when ``bow=False``; ``None`` is
        ``chr(0)``.

    Attributes
    ----------
    raw, as_list, as_np, string_start, inverse_vocab, positions
        As :class:`IndexedString`'s, a piece being one character.

    Examples
    --------
    >>> from sklime.compat.lime_text import IndexedCharacters
    >>> c = IndexedCharacters("abba", bow=False, mask_string="_")
    >>> c.inverse_vocab, c.inverse_removing([1, 2])
    (['a', 'b', 'b', 'a'], 'a__a')
    """

    def __init__(self, raw_string, bow=True, mask_string=None):
        self.raw = raw_string
        self.mask_string = _CHAR_MASK if mask_string is None else mask_string
        self.bow = bow
        self._indexed = index_text(raw_string, list, bow)
        self.as_list = list(raw_string)
        self.as_np = np.array(self.as_list)
        self.string_start = np.arange(len(raw_string))
        self._set_vocabulary()


def _index(text, split_expression, bow):
    if not isinstance(text, str):
        raise TypeError(f"the text must be a str, got {type(text).__name__}.")
    try:
        return index_text(text, split_expression, bow)
    except re.error as exc:
        raise ValueError(
            f"split_expression {split_expression!r} is not a valid regular "
            f"expression: {exc}"
        ) from exc


class TextDomainMapper(DomainMapper):
    """Names the features of a text explanation: words, or words with offsets.

    Parameters
    ----------
    indexed_string : IndexedString or IndexedCharacters

    Examples
    --------
    >>> from sklime.compat.lime_text import IndexedString, TextDomainMapper
    >>> mapper = TextDomainMapper(IndexedString("bad, very bad"))
    >>> mapper.map_exp_ids([(0, -0.5)]), mapper.map_exp_ids([(0, -0.5)], positions=True)
    ([('bad', -0.5)], [('bad_0-10', -0.5)])
    """

    def __init__(self, indexed_string):
        self.indexed_string = indexed_string

    def map_exp_ids(self, exp, positions=False):
        """``[(id, weight), ...]`` to ``[(word, weight), ...]``.

        Parameters
        ----------
        exp : list of (int, float)
        positions : bool, default=False
            Name a feature ``"word_3-17"``: the word and the offsets of its
            occurrences.

        Returns
        -------
        list of (str, float)
        """
        s = self.indexed_string
        if positions:
            return [
                (f"{s.word(j)}_{'-'.join(str(k) for k in s.string_position(j))}", w)
                for j, w in exp
            ]
        return [(s.word(j), w) for j, w in exp]

    def visualize_instance_html(
        self, exp, label, div_name, exp_object_name, text=True, opacity=True
    ):
        """``""``: the page's highlighted text is drawn by sklime's HTML."""
        return ""
