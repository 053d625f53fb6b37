"""Quality of counterfactuals: validity, proximity, sparsity, diversity.

Every metric takes either a :class:`~sklime.CounterfactualExplanation` or
plain arrays. Counterfactual arrays have shape ``(n_rows, n_features)`` (one
per row) or ``(n_rows, n_counterfactuals, n_features)``.
"""

import numpy as np

from .._counterfactual._explanation import standardized_l1

__all__ = [
    "counterfactual_diversity",
    "counterfactual_proximity",
    "counterfactual_sparsity",
    "counterfactual_validity",
]


def _is_explanation(obj):
    return hasattr(obj, "counterfactuals") and hasattr(obj, "instances")


def _as_3d(counterfactuals, n_rows=None):
    cf = np.asarray(counterfactuals, dtype=np.float64)
    if cf.ndim == 2:
        cf = cf[:, None, :]
    if cf.ndim != 3:
        raise ValueError(
            "counterfactuals must have shape (n_rows, n_features) or (n_rows, "
            f"n_counterfactuals, n_features), got {cf.shape}."
        )
    if n_rows is not None and cf.shape[0] != n_rows:
        raise ValueError(f"counterfactuals has {cf.shape[0]} rows but X has {n_rows}.")
    return cf


def _units(n_features, scale, categorical_features):
    scale = (
        np.ones(n_features)
        if scale is None
        else np.broadcast_to(np.asarray(scale, dtype=np.float64), (n_features,))
    )
    if (scale <= 0).any():
        raise ValueError("scale must be positive.")
    categorical = np.zeros(n_features, dtype=bool)
    if categorical_features is not None:
        spec = np.asarray(categorical_features)
        if spec.dtype == bool:
            categorical[:] = spec
        else:
            categorical[spec.astype(int)] = True
    return scale, categorical


def _arrays(X, counterfactuals, scale, categorical_features):
    if _is_explanation(X):
        if counterfactuals is not None:
            raise TypeError("pass either an explanation or (X, counterfactuals).")
        return X.instances, X.counterfactuals, X.scale, X.categorical
    if counterfactuals is None:
        raise TypeError("counterfactuals is required when X is an array.")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}.")
    cf = _as_3d(counterfactuals, X.shape[0])
    if cf.shape[2] != X.shape[1]:
        raise ValueError(
            f"counterfactuals have {cf.shape[2]} features but X has {X.shape[1]}."
        )
    scale, categorical = _units(X.shape[1], scale, categorical_features)
    return X, cf, scale, categorical


def counterfactual_validity(explanation=None, *, y_pred=None, target=None):
    """Fraction of counterfactuals that reach their target class.

    Parameters
    ----------
    explanation : CounterfactualExplanation, default=None
        Uses its ``valid`` flags (judged by the real black box).
    y_pred : array-like of shape (n_rows,) or (n_rows, n_counterfactuals), default=None
        Instead of ``explanation``: the classes the model predicts at the
        counterfactuals.
    target : int or array-like of shape (n_rows,), default=None
        The wanted class (per row).

    Returns
    -------
    validity : float
        In [0, 1]; higher is better.

    Examples
    --------
    >>> from sklime.metrics import counterfactual_validity
    >>> counterfactual_validity(y_pred=[[1, 0], [1, 1]], target=[1, 1])
    0.75
    """
    if explanation is not None:
        return float(np.mean(explanation.valid))
    if y_pred is None or target is None:
        raise TypeError("pass an explanation, or both y_pred and target.")
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    target = np.asarray(target)
    if target.ndim == 1:
        target = target[:, None]
    return float(np.mean(y_pred == target))


def counterfactual_proximity(
    X, counterfactuals=None, *, scale=None, categorical_features=None
):
    """Mean L1 distance from the rows to their counterfactuals, in standardized units.

    Continuous features count ``|x - x'| / scale``; categorical features
    count 1 when the category changed.

    Parameters
    ----------
    X : CounterfactualExplanation or array-like of shape (n_rows, n_features)
        An explanation (its rows, counterfactuals and units), or the rows.
    counterfactuals : array-like of shape (n_rows, [n_counterfactuals,] n_features), default=None
        Required with array ``X``.
    scale : array-like of shape (n_features,), default=None
        Per-feature scale (e.g. training standard deviations); ``None``
        means 1.
    categorical_features : array-like of int or bool mask, default=None

    Returns
    -------
    proximity : float
        Mean over rows and counterfactuals; lower is closer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.metrics import counterfactual_proximity
    >>> counterfactual_proximity(np.zeros((1, 2)), np.array([[1.0, -4.0]]),
    ...                          scale=[1.0, 2.0])
    3.0
    """
    X, cf, scale, categorical = _arrays(X, counterfactuals, scale, categorical_features)
    return float(np.mean(standardized_l1(cf, X[:, None, :], scale, categorical)))


def counterfactual_sparsity(X, counterfactuals=None):
    """Mean fraction of features the counterfactuals leave unchanged.

    Parameters
    ----------
    X : CounterfactualExplanation or array-like of shape (n_rows, n_features)
    counterfactuals : array-like of shape (n_rows, [n_counterfactuals,] n_features), default=None
        Required with array ``X``.

    Returns
    -------
    sparsity : float
        In [0, 1]; 1 means nothing changed, higher is sparser. The mean
        number of changed features is ``(1 - sparsity) * n_features``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.metrics import counterfactual_sparsity
    >>> counterfactual_sparsity(np.zeros((1, 4)), np.array([[0.0, 1.0, 0.0, 0.0]]))
    0.75
    """
    X, cf, _, _ = _arrays(X, counterfactuals, None, None)
    return float(np.mean(cf == X[:, None, :]))


def counterfactual_diversity(counterfactuals, *, scale=None, categorical_features=None):
    """Mean pairwise distance between the counterfactuals of each row.

    Parameters
    ----------
    counterfactuals : CounterfactualExplanation or array-like of shape (n_rows, n_counterfactuals, n_features)
    scale : array-like of shape (n_features,), default=None
        Per-feature scale; ``None`` means 1 (taken from an explanation).
    categorical_features : array-like of int or bool mask, default=None

    Returns
    -------
    diversity : float
        Mean over rows of the mean L1 distance (standardized units; a
        different category counts 1) over all pairs of the row's
        counterfactuals; 0 with fewer than two per row. Higher is more
        diverse.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.metrics import counterfactual_diversity
    >>> cf = np.array([[[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]]])
    >>> counterfactual_diversity(cf)  # pairs: 1, 2, 3
    2.0
    """
    if _is_explanation(counterfactuals):
        exp = counterfactuals
        cf, scale, categorical = exp.counterfactuals, exp.scale, exp.categorical
    else:
        cf = np.asarray(counterfactuals, dtype=np.float64)
        if cf.ndim != 3:
            raise ValueError(
                "counterfactuals must have shape (n_rows, n_counterfactuals, "
                f"n_features), got {cf.shape}."
            )
        scale, categorical = _units(cf.shape[2], scale, categorical_features)
    k = cf.shape[1]
    if k < 2:
        return 0.0
    i, j = np.triu_indices(k, 1)
    dist = standardized_l1(cf[:, i, :], cf[:, j, :], scale, categorical)
    return float(np.mean(dist))
