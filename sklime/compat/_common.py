"""What every ``sklime.compat`` explainer shares: seeds, labels, checks.

``lime`` draws from one ``RandomState`` per explainer, so a fixed seed gives
another explanation on every call (lime #231). Here a compat explainer turns
its ``random_state`` into one integer at construction (:func:`fixed_seed`)
and passes it to the native explainer on every call: the same seed, the same
explanation, call after call.
"""

import inspect
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from .._engine._model import PredictFnError, PredictFnOutputError

__all__ = [
    "check_choice",
    "check_int",
    "check_labels",
    "checked_classifier",
    "chosen_labels",
    "class_names_for",
    "fixed_seed",
    "row_kernel",
    "same_callable",
]


def fixed_seed(random_state, *more):
    """One integer seed from ``random_state`` (and more seeds), or None.

    ``None`` stays ``None`` (fresh randomness on every call, as ``lime``
    without a seed); an int or a ``RandomState`` gives an int, mixed with
    the integers of ``more`` by :class:`numpy.random.SeedSequence`.

    Examples
    --------
    >>> fixed_seed(None) is None
    True
    >>> fixed_seed(10) == fixed_seed(10), fixed_seed(10, 1) == fixed_seed(10, 2)
    (True, False)
    """
    if random_state is None:
        return None
    if isinstance(random_state, (int, np.integer)):
        base = int(random_state)
    else:
        base = int(check_random_state(random_state).randint(2**31 - 1))
    entropy = [base] + [int(m) for m in more if m is not None]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0] & 0x7FFFFFFF)


def chosen_labels(proba, labels, top_labels):
    """``lime``'s labels: ``(labels to explain, top_labels or None)``.

    With ``top_labels=k`` the ``k`` most probable classes of ``proba``
    (explained in increasing probability, reported most probable first).

    Examples
    --------
    >>> chosen_labels([0.1, 0.6, 0.3], (1,), None)
    ([1], None)
    >>> chosen_labels([0.1, 0.6, 0.3], (1,), 2)
    ([2, 1], [1, 2])
    """
    if top_labels:
        top = [int(k) for k in np.argsort(np.asarray(proba))[-int(top_labels) :]]
        return top, top[::-1]
    return [int(k) for k in np.atleast_1d(labels)], None


def class_names_for(class_names, n_outputs):
    """``class_names`` or ``lime``'s ``"0", "1", ...``, checked against the outputs."""
    if class_names is None:
        return [str(k) for k in range(n_outputs)]
    names = list(class_names)
    if len(names) < n_outputs:
        raise ValueError(
            f"class_names has {len(names)} names but the classifier returns "
            f"{n_outputs} classes."
        )
    return names


def check_choice(name, value, options):
    """Raise a ``ValueError`` naming ``name`` unless ``value`` is an option."""
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")
    return value


def check_int(name, value, low):
    """Raise a ``ValueError`` naming ``name`` unless ``value`` is an int >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")


def check_labels(labels):
    """``lime``'s ``labels`` as a list of class indices, or a ``ValueError``."""
    arr = np.atleast_1d(np.asarray(labels))
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu" or (arr < 0).any():
        raise ValueError(
            "labels must be a non-empty list of class indices (ints >= 0), got "
            f"{labels!r}."
        )
    return [int(k) for k in arr]


def row_kernel(kernel):
    """``lime``'s ``kernel(d, kernel_width=w)``, called on each item's 1-D distances."""

    def rows(distances, kernel_width):
        return np.stack(
            [
                np.asarray(kernel(d, kernel_width=kernel_width), dtype=np.float64)
                for d in distances
            ]
        )

    return rows


def checked_classifier(classifier_fn, noun, takes):
    """``classifier_fn`` with its answers checked, errors naming it.

    Parameters
    ----------
    classifier_fn : callable
    noun : str
        What it is called on, plural (``"texts"``, ``"images"``).
    takes : str
        What it takes, for the error when it is not callable.
    """
    if not callable(classifier_fn):
        raise TypeError(
            f"classifier_fn must be a callable taking {takes}, "
            f"got {type(classifier_fn).__name__}."
        )

    def call(items):
        n = len(items)
        try:
            out = classifier_fn(items)
        except Exception as exc:
            raise PredictFnError(
                f"classifier_fn raised {type(exc).__name__}: {exc}"
            ) from exc
        try:
            out = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise PredictFnOutputError(
                "classifier_fn must return an array of probabilities; numpy cannot "
                f"convert its {type(out).__name__} to floats ({exc})."
            ) from exc
        if out.ndim != 2 or out.shape[1] < 2:
            raise PredictFnOutputError(
                f"classifier_fn must return probabilities of shape (n_{noun}, "
                f"n_classes) with n_classes >= 2; got shape {out.shape} for {n} "
                f"{noun}. A binary classifier returns both columns (predict_proba), "
                "not only class 1's."
            )
        if out.shape[0] != n:
            raise PredictFnOutputError(
                f"classifier_fn returned {out.shape[0]} rows for {n} {noun}; it must "
                f"return one row of probabilities per {noun[:-1]}."
            )
        if not np.isfinite(out).all():
            bad = int((~np.isfinite(out).all(axis=1)).sum())
            raise PredictFnOutputError(
                f"classifier_fn returned NaN or infinity for {bad} of {n} {noun}."
            )
        return out

    return call


def same_callable(a, b):
    """Whether ``a`` and ``b`` are the same black box.

    ``model.predict_proba`` makes a new bound-method object at every
    attribute access, so lime-style code that passes it on every call never
    passes the same object twice: bound methods are the same when they bind
    the same function to the same object (``==``); anything else only when
    it is the same object.

    Examples
    --------
    >>> class Model:
    ...     def predict(self, X):
    ...         return X
    >>> m = Model()
    >>> same_callable(m.predict, m.predict), same_callable(m.predict, Model().predict)
    (True, False)
    """
    if a is b:
        return True
    return inspect.ismethod(a) and inspect.ismethod(b) and a == b
