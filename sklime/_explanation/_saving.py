"""Saving explanations as data: one ``.npz`` file, no pickle.

Every explanation class lists the constructor arguments that rebuild it
(``_saved_fields``); :meth:`SavedMixin.save` writes each of them as a plain
array (numbers, booleans or unicode strings) and the class's name, and
:meth:`SavedMixin.load` reads them back with ``allow_pickle=False`` and calls
the constructor. Object arrays are written as numbers when they hold only
numbers, else as strings (names, descriptions, displayed values); a list of
texts as a string array; a text's indexing (pieces, word of each piece,
words) as three arrays per text. ``None`` fields are left out.

numpy's ``savez`` is the format: any numpy reads it, without sklime.
"""

import numpy as np

__all__ = ["SavedMixin"]

_CLASS_KEY = "__class__"
_SEP = "."


def _registry():
    from .._counterfactual._explanation import CounterfactualExplanation
    from .._image._explanation import ImageExplanation
    from .._text._explanation import TextExplanation
    from ._explanation import Explanation

    return {
        cls.__name__: cls
        for cls in (
            Explanation,
            ImageExplanation,
            TextExplanation,
            CounterfactualExplanation,
        )
    }


def _plain(value):
    """``value`` as an array that loads without pickle."""
    arr = np.asarray(value)
    if arr.dtype != object:
        return arr
    try:
        numbers = np.asarray(arr.tolist(), dtype=np.float64)
    except (TypeError, ValueError):
        return arr.astype(str)
    if numbers.shape == arr.shape and all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
        for v in arr.ravel()
    ):
        return numbers
    return arr.astype(str)


def _encode(name, value):
    """The arrays of one field: ``{key: array}``."""
    if name == "indexed":  # a list of IndexedText
        out = {f"{name}{_SEP}n": np.asarray(len(value))}
        for i, item in enumerate(value):
            out[f"{name}{_SEP}{i}{_SEP}pieces"] = np.asarray(item.pieces, dtype=str)
            out[f"{name}{_SEP}{i}{_SEP}piece_feature"] = np.asarray(item.piece_feature)
            out[f"{name}{_SEP}{i}{_SEP}words"] = np.asarray(item.words, dtype=str)
        return out
    if isinstance(value, list):
        return {name: np.asarray(value, dtype=str)}
    return {name: _plain(value)}


def _decode(name, files):
    if name == "indexed":
        from .._text._indexing import IndexedText

        return [
            IndexedText(
                [str(p) for p in files[f"{name}{_SEP}{i}{_SEP}pieces"]],
                files[f"{name}{_SEP}{i}{_SEP}piece_feature"],
                [str(w) for w in files[f"{name}{_SEP}{i}{_SEP}words"]],
            )
            for i in range(int(files[f"{name}{_SEP}n"]))
        ]
    value = files[name]
    if value.ndim == 0 and value.dtype.kind == "U":
        return str(value)
    if name == "texts":
        return [str(t) for t in value]
    if value.dtype.kind == "U":
        return value.astype(object)
    return value


class SavedMixin:
    """``save`` and ``load`` for a class that lists ``_saved_fields``."""

    #: Constructor arguments, stored under their names (attributes of the
    #: same names hold them).
    _saved_fields = ()

    def save(self, path):
        """Write the explanations to ``path`` (a ``.npz`` file, no pickle).

        Parameters
        ----------
        path : str or path-like
            numpy adds ``.npz`` when the name has no such suffix.

        Examples
        --------
        >>> import numpy as np, tempfile, os
        >>> from sklime import Explanation
        >>> exp = Explanation(
        ...     coef=np.array([[[0.5, -2.0]]]), intercept=np.array([[0.1]]),
        ...     score=np.array([[0.9]]), local_pred=np.array([[0.7]]),
        ...     model_pred=np.array([[0.3, 0.7]]), labels=np.array([[1]]),
        ...     feature_names=["a", "b"])
        >>> path = os.path.join(tempfile.mkdtemp(), "exp.npz")
        >>> exp.save(path)
        >>> Explanation.load(path).as_list()
        [('b', -2.0), ('a', 0.5)]
        """
        arrays = {_CLASS_KEY: np.asarray(type(self).__name__)}
        for name in self._saved_fields:
            value = getattr(self, name)
            if value is not None:
                arrays.update(_encode(name, value))
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path):
        """Read explanations written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        Explanation, ImageExplanation, TextExplanation or CounterfactualExplanation
            The class that was saved (``load`` may be called on any of them).
        """
        with np.load(path, allow_pickle=False) as files:
            if _CLASS_KEY not in files:
                raise ValueError(f"{path} was not written by Explanation.save.")
            name = str(files[_CLASS_KEY])
            registry = _registry()
            if name not in registry:
                raise ValueError(f"{path} holds an unknown class {name!r}.")
            target = registry[name]
            keys = set(files.files)
            kwargs = {
                field: _decode(field, files)
                for field in target._saved_fields
                if field in keys or f"{field}{_SEP}n" in keys
            }
        return target(**kwargs)
