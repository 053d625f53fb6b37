"""The G-LIME prior: the coefficients the ridge shrinks toward, per output."""

from numbers import Integral

import numpy as np

__all__ = ["prior_table"]


def prior_table(prior, n_outputs, p):
    """The ``prior`` parameter as an array ``(n_outputs, p)``, or None.

    Parameters
    ----------
    prior : array-like of shape (p,) or (n_outputs, p), dict or None
        One set of weights for every output, a row per output, or
        ``{output: weights}`` (outputs not named get 0).
    n_outputs : int
    p : int
        Interpretable features.

    Examples
    --------
    >>> prior_table({1: [0.5, -1.0]}, 2, 2).tolist()
    [[0.0, 0.0], [0.5, -1.0]]
    """
    if prior is None:
        return None
    k = n_outputs
    if isinstance(prior, dict):
        table = np.zeros((k, p))
        for label, weights in prior.items():
            if not isinstance(label, Integral) or not 0 <= label < k:
                raise ValueError(f"prior has a label {label!r} outside 0..{k - 1}.")
            table[label] = _prior_row(weights, p)
        return table
    values = np.asarray(prior, dtype=float)
    if values.ndim == 1:
        return np.tile(_prior_row(values, p), (k, 1))
    if values.shape != (k, p):
        raise ValueError(
            f"prior must have shape ({p},) or ({k}, {p}) (outputs x interpretable "
            f"features); got {values.shape}."
        )
    if not np.isfinite(values).all():
        raise ValueError("prior must be finite (no NaN rows: explain those labels).")
    return values


def _prior_row(weights, p):
    row = np.asarray(weights, dtype=float)
    if row.shape != (p,) or not np.isfinite(row).all():
        raise ValueError(
            f"a prior must hold {p} finite weights; got shape {row.shape}."
        )
    return row
