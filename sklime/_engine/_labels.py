"""Which outputs of the black box an explanation explains (the label policy)."""

from numbers import Integral

import numpy as np

__all__ = ["check_labels_param", "resolve_labels"]


def check_labels_param(labels):
    """Validate ``labels`` beyond the parameter constraints."""
    if labels is None or isinstance(labels, str | Integral):
        return
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu" or (arr < 0).any():
        raise ValueError(
            f"labels must be None, 'all', an int or a list of ints >= 0; got {labels!r}."
        )


def resolve_labels(labels, top_labels, model_pred):
    """Output indices explained for every item: ``(b, L)`` int.

    ``top_labels`` (as ``lime``): the ``top_labels`` most probable outputs of
    each item, most probable first. Else ``labels``: ``None`` is the
    predicted output (argmax), ``"all"`` every output, ints are indices. A
    black box with a single output always explains output 0.
    """
    b, k = model_pred.shape
    if k == 1:
        if labels is not None and not isinstance(labels, str):
            bad = np.atleast_1d(labels)
            if (bad != 0).any():
                raise ValueError(
                    f"labels {bad.tolist()} out of range: predict_fn returns a "
                    "single output (index 0)."
                )
        return np.zeros((b, 1), dtype=int)
    if top_labels is not None:
        order = np.argsort(-model_pred, axis=1, kind="stable")
        return order[:, : min(int(top_labels), k)]
    if labels is None:
        return np.argmax(model_pred, axis=1)[:, None]
    if isinstance(labels, str):
        return np.broadcast_to(np.arange(k), (b, k)).copy()
    arr = np.atleast_1d(np.asarray(labels)).astype(int)
    if (arr >= k).any():
        raise ValueError(
            f"labels {arr.tolist()} out of range for a model with {k} outputs."
        )
    return np.broadcast_to(arr, (b, arr.size)).copy()
