"""sklime: LIME explanations as a scikit-learn plugin, with JAX kernels."""

from ._counterfactual._explainer import CounterfactualExplainer
from ._counterfactual._explanation import CounterfactualExplanation
from ._display._plotting import plot_stability, plot_summary
from ._engine._cache import configure_compilation_cache
from ._explanation._explanation import Explanation
from ._explanation._global import global_importance, submodular_pick
from ._generic._explainer import PerturbationExplainer
from ._image._explainer import ImageExplainer
from ._image._explanation import ImageExplanation
from ._sampling._binned import binned_from_uniform, binned_tables, sample_binned
from ._sampling._categorical import (
    categorical_cdf,
    categorical_from_uniform,
    category_lookup,
    sample_categorical,
)
from ._sampling._gaussian import gaussian_from_uniform, sample_gaussian
from ._sampling._masks import apply_masks, masks_from_uniform, sample_masks
from ._sampling._random import base_seed, row_hashes, row_keys, row_uniforms
from ._sampling._relaxed import (
    gumbel_softmax,
    gumbel_softmax_from_uniform,
    relaxed_bernoulli,
    relaxed_bernoulli_from_uniform,
)
from ._sampling._truncnorm import (
    sample_truncated_normal,
    truncnorm_from_uniform,
    truncnorm_tables,
)
from ._shapley._explainer import KernelShapExplainer
from ._similarity._distances import pairwise_distances, row_distances
from ._similarity._kernels import exponential_kernel
from ._surrogate._ridge import weighted_ridge
from ._tabular._discretizer import Discretizer
from ._tabular._explainer import LimeExplainer
from ._text._explainer import TextExplainer
from ._text._explanation import TextExplanation

# Compiled kernels persist across processes (see sklime._engine._cache).
configure_compilation_cache()

__version__ = "0.1.0.dev0"

__all__ = [
    "CounterfactualExplainer",
    "CounterfactualExplanation",
    "Discretizer",
    "Explanation",
    "ImageExplainer",
    "ImageExplanation",
    "LimeExplainer",
    "KernelShapExplainer",
    "PerturbationExplainer",
    "TextExplainer",
    "TextExplanation",
    "__version__",
    "apply_masks",
    "base_seed",
    "binned_from_uniform",
    "binned_tables",
    "categorical_cdf",
    "categorical_from_uniform",
    "category_lookup",
    "exponential_kernel",
    "gaussian_from_uniform",
    "global_importance",
    "gumbel_softmax",
    "gumbel_softmax_from_uniform",
    "masks_from_uniform",
    "pairwise_distances",
    "plot_stability",
    "plot_summary",
    "relaxed_bernoulli",
    "relaxed_bernoulli_from_uniform",
    "row_distances",
    "row_hashes",
    "row_keys",
    "row_uniforms",
    "sample_binned",
    "sample_categorical",
    "sample_gaussian",
    "sample_masks",
    "sample_truncated_normal",
    "submodular_pick",
    "truncnorm_from_uniform",
    "truncnorm_tables",
    "weighted_ridge",
]
