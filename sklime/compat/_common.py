"""What every ``sklime.compat`` explainer shares: seeds, labels, class names.

``lime`` draws from one ``RandomState`` per explainer, so a fixed seed gives
another explanation on every call (lime #231). Here a compat explainer turns
its ``random_state`` into one integer at construction (:func:`fixed_seed`)
and passes it to the native explainer on every call: the same seed, the same
explanation, call after call.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["chosen_labels", "class_names_for", "fixed_seed", "check_choice"]


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
