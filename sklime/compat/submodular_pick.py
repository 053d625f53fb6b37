"""``lime.submodular_pick`` on sklime's explainers.

:class:`SubmodularPick` explains candidate rows with a compat explainer (in
one vectorized ``explain_instances`` call when the explainer has it) and
picks the rows whose explanations together cover the important features,
with sklime's greedy SP-LIME (:func:`sklime.submodular_pick`, Ribeiro et
al. 2016). As ``lime``, the explanation matrix has one column per feature
*as named* by ``as_list`` (over every explained label), ``method="sample"``
draws from numpy's global random state unless given ``random_state``; ties in the greedy pick go to
the last candidate, as ``lime``'s.
"""

import warnings

import numpy as np
from sklearn.utils import check_random_state

from .._explanation._global import greedy_cover
from ._common import check_choice

__all__ = ["SubmodularPick"]


class SubmodularPick:
    """SP-LIME over a compat explainer's explanations, as ``lime``'s.

    Parameters
    ----------
    explainer : LimeTabularExplainer, LimeTextExplainer or LimeImageExplainer
        Anything with ``explain_instance(row, predict_fn, num_features=...,
        top_labels=..., **kwargs)``.
    data : array-like or list
        Candidate instances (rows, texts, images).
    predict_fn : callable
    method : {"sample", "full"}, default="sample"
        ``"sample"``: ``sample_size`` candidates drawn at random; ``"full"``:
        all of ``data``.
    sample_size : int, default=1000
    num_exps_desired : int, default=5
    num_features : int, default=10
    random_state : int, RandomState instance or None, default=None
        Draws the candidates of ``method="sample"`` (beyond ``lime``, which
        uses numpy's global random state, as ``None`` does here).
    **kwargs
        Passed to ``explain_instance`` (``top_labels`` defaults to 1).

    Attributes
    ----------
    explanations : list
        The candidates' explanations.
    V : list of int
        Positions in ``explanations`` of the picked ones, in pick order.
    sp_explanations : list
        The picked explanations.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklime.compat.lime_tabular import LimeTabularExplainer
    >>> from sklime.compat.submodular_pick import SubmodularPick
    >>> iris = load_iris()
    >>> model = LogisticRegression(max_iter=500).fit(iris.data, iris.target)
    >>> explainer = LimeTabularExplainer(iris.data, random_state=0)
    >>> sp = SubmodularPick(explainer, iris.data[::10], model.predict_proba,
    ...                     method="full", num_exps_desired=2, num_features=2,
    ...                     num_samples=500)
    >>> len(sp.explanations), len(sp.sp_explanations)
    (15, 2)
    """

    def __init__(
        self,
        explainer,
        data,
        predict_fn,
        method="sample",
        sample_size=1000,
        num_exps_desired=5,
        num_features=10,
        random_state=None,
        **kwargs,
    ):
        check_choice("method", method, {"sample", "full"})
        top_labels = kwargs.pop("top_labels", 1)
        n = len(data)
        if method == "sample":
            if sample_size > n:
                warnings.warn(
                    f"sample_size={sample_size} is larger than data ({n} "
                    "instances): explaining all of them.",
                    UserWarning,
                    stacklevel=2,
                )
                sample_size = n
            indices = check_random_state(random_state).permutation(n)[:sample_size]
        else:
            indices = np.arange(n)
        candidates = [data[i] for i in indices]
        many = getattr(explainer, "explain_instances", None)
        options = dict(num_features=num_features, top_labels=top_labels, **kwargs)
        if many is not None:
            if isinstance(data, np.ndarray) or hasattr(data, "tocsr"):
                candidates = data[indices]
            self.explanations = list(many(candidates, predict_fn, **options))
        else:
            self.explanations = [
                explainer.explain_instance(c, predict_fn, **options) for c in candidates
            ]
        try:
            num_exps_desired = int(num_exps_desired)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"num_exps_desired must be an integer, got {num_exps_desired!r}."
            ) from exc
        if num_exps_desired > len(self.explanations):
            warnings.warn(
                f"num_exps_desired={num_exps_desired} is larger than the "
                f"{len(self.explanations)} explanations: returning all of them.",
                UserWarning,
                stacklevel=2,
            )
        num_exps_desired = min(num_exps_desired, len(self.explanations))
        self.W, self.feature_names = explanation_matrix(self.explanations)
        self.V = [int(i) for i in greedy_cover(self.W, num_exps_desired, ties="last")]
        self.sp_explanations = [self.explanations[i] for i in self.V]


def explanation_matrix(explanations):
    """``lime``'s ``W``: one row per explanation, one column per feature name.

    Weights are summed over the explained labels (label 1 in regression).

    Returns
    -------
    W : ndarray of shape (n_explanations, n_names)
    names : list of str
        The column names, in order of first appearance.
    """
    columns, entries = {}, []
    for i, exp in enumerate(explanations):
        labels = exp.available_labels() if exp.mode == "classification" else [1]
        for label in labels:
            for name, weight in exp.as_list(label=label):
                entries.append((i, columns.setdefault(name, len(columns)), weight))
    W = np.zeros((len(explanations), len(columns)))
    for i, j, weight in entries:
        W[i, j] += weight
    return W, list(columns)
