"""Input checks shared by the estimators."""

import re
from contextlib import contextmanager
from numbers import Integral

import numpy as np

__all__ = ["named_input", "resolve_features"]


@contextmanager
def named_input(name):
    """Put the argument's name in front of scikit-learn's input errors.

    ``check_array`` says "Found array with 0 sample(s)..." or "Expected 2D
    array..." without saying which argument; inside this block such a
    ``ValueError`` becomes ``"X: Found array with 0 sample(s)..."``. Messages
    that already name the argument, and subclasses of ``ValueError``
    (``NotFittedError``...), pass through unchanged.

    Examples
    --------
    >>> from sklearn.utils import check_array
    >>> with named_input("X"):
    ...     check_array([[]])
    Traceback (most recent call last):
    ...
    ValueError: X: Found array with 0 feature(s) (shape=(1, 0)) while a minimum of 1 is required.
    """
    try:
        yield
    except ValueError as exc:
        if type(exc) is not ValueError or re.search(
            rf"\b{re.escape(name)}\b", str(exc)
        ):
            raise
        raise ValueError(f"{name}: {exc}") from exc


def resolve_features(spec, n_features, feature_names=None, name="categorical_features"):
    """Turn a feature specification into a sorted array of column indices.

    Parameters
    ----------
    spec : None, array-like of int, array-like of str, or boolean mask
        ``None`` selects no feature. Integers are column indices (negative
        ones count from the end); strings are column names (needs
        ``feature_names``); a boolean array of length ``n_features`` is a mask.
    n_features : int
    feature_names : array-like of str, default=None
    name : str
        Parameter name used in error messages.

    Returns
    -------
    indices : ndarray of int

    Examples
    --------
    >>> resolve_features([True, False, True], 3).tolist()
    [0, 2]
    >>> resolve_features(["b"], 2, feature_names=["a", "b"]).tolist()
    [1]
    """
    if spec is None:
        return np.array([], dtype=int)
    values = np.asarray(spec)
    if values.ndim == 0:
        values = values.reshape(1)
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {values.shape}.")
    if values.size == 0:
        return np.array([], dtype=int)
    if values.dtype == bool:
        if values.shape[0] != n_features:
            raise ValueError(
                f"{name} as a boolean mask must have length n_features={n_features}, "
                f"got {values.shape[0]}."
            )
        return np.flatnonzero(values)
    if values.dtype.kind in "USO":
        if not all(isinstance(v, str) for v in values):
            raise ValueError(f"{name} must be all integers, all strings, or a mask.")
        if feature_names is None:
            raise ValueError(
                f"{name} names columns {[str(v) for v in values]}, but X has no "
                "feature names "
                "(fit on a pandas DataFrame, or pass integer indices)."
            )
        lookup = {str(f): i for i, f in enumerate(feature_names)}
        missing = [str(v) for v in values if v not in lookup]
        if missing:
            raise ValueError(f"{name} names unknown columns {missing}.")
        return np.unique([lookup[v] for v in values])
    if not all(isinstance(v, Integral | np.integer) for v in values.tolist()):
        raise ValueError(
            f"{name} must be integer indices, column names or a boolean mask, "
            f"got {spec!r}."
        )
    idx = values.astype(int)
    if (idx >= n_features).any() or (idx < -n_features).any():
        raise ValueError(
            f"{name} has indices out of range for {n_features} features: {spec!r}."
        )
    return np.unique(np.where(idx < 0, idx + n_features, idx))
