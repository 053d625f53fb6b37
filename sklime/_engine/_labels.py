"""Which outputs of the black box an explanation explains (the label policy).

``labels=None`` is each item's predicted output (argmax), an int or a list
of ints are output indices, ``"all"`` is every output; ``top_labels`` (as
``lime``) the most probable outputs of each item, most probable first. A
black box with a single output always explains output 0.
"""

from numbers import Integral

import numpy as np

__all__ = ["check_labels_param", "label_indices", "resolve_labels"]


def check_labels_param(labels):
    """Validate the form of ``labels`` (before the number of outputs is known)."""
    if labels is None or isinstance(labels, str | Integral):
        return
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu" or (arr < 0).any():
        raise ValueError(
            f"labels must be None, 'all', an int or a list of ints >= 0; got {labels!r}."
        )


def label_indices(labels, n_outputs):
    """``labels`` as output indices ``(L,)`` for ``n_outputs`` outputs, or None.

    ``None`` stays None (each item's predicted output).

    Examples
    --------
    >>> label_indices("all", 3).tolist(), label_indices(2, 3).tolist()
    ([0, 1, 2], [2])
    """
    check_labels_param(labels)
    if labels is None:
        return None
    if isinstance(labels, str):
        return np.arange(n_outputs)
    arr = np.atleast_1d(np.asarray(labels)).astype(int)
    if (arr >= n_outputs).any():
        if n_outputs == 1:
            raise ValueError(
                f"labels {arr.tolist()} out of range: predict_fn returns a "
                "single output (index 0)."
            )
        raise ValueError(
            f"labels {arr.tolist()} out of range for a model with {n_outputs} outputs."
        )
    return arr


def resolve_labels(labels, top_labels, model_pred):
    """Output indices explained for every item: ``(b, L)`` int.

    Parameters
    ----------
    labels : None, "all", int or list of int
    top_labels : int or None
        Takes precedence over ``labels`` when given.
    model_pred : ndarray of shape (b, k)
        The black box's outputs for the items themselves.

    Examples
    --------
    >>> import numpy as np
    >>> pred = np.array([[0.2, 0.5, 0.3]])
    >>> resolve_labels(None, None, pred).tolist(), resolve_labels(None, 2, pred).tolist()
    ([[1]], [[1, 2]])
    """
    b, k = model_pred.shape
    indices = label_indices(labels, k)
    if k == 1:
        return np.zeros((b, 1), dtype=int)
    if top_labels is not None:
        order = np.argsort(-model_pred, axis=1, kind="stable")
        return order[:, : min(int(top_labels), k)]
    if indices is None:
        return np.argmax(model_pred, axis=1)[:, None]
    return np.broadcast_to(indices, (b, indices.size)).copy()
