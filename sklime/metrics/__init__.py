"""Metrics for explanations: fidelity, stability, counterfactual quality, scorers."""

from ._counterfactual import (
    counterfactual_diversity,
    counterfactual_proximity,
    counterfactual_sparsity,
    counterfactual_validity,
)
from ._scorers import fidelity_scorer, make_stability_scorer, stability_scorer
from ._stability import coef_variance, stability_report, top_k_jaccard, top_k_sets

__all__ = [
    "coef_variance",
    "counterfactual_diversity",
    "counterfactual_proximity",
    "counterfactual_sparsity",
    "counterfactual_validity",
    "fidelity_scorer",
    "make_stability_scorer",
    "stability_report",
    "stability_scorer",
    "top_k_jaccard",
    "top_k_sets",
]
