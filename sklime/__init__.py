"""sklime: LIME explanations as a scikit-learn plugin, with JAX kernels."""

from ._discretizer import Discretizer
from ._distances import pairwise_distances, row_distances
from ._explainer import LimeExplainer
from ._explanation import Explanation
from ._image import ImageExplainer
from ._image_explanation import ImageExplanation
from ._kernels import exponential_kernel
from ._random import base_seed, row_hashes, row_keys
from ._ridge import weighted_ridge
from ._sampling import (
    apply_masks,
    sample_binned,
    sample_categorical,
    sample_gaussian,
    sample_masks,
    sample_truncated_normal,
)
from ._text import TextExplainer
from ._text_explanation import TextExplanation

__version__ = "0.1.0.dev0"

__all__ = [
    "Discretizer",
    "Explanation",
    "ImageExplainer",
    "ImageExplanation",
    "LimeExplainer",
    "TextExplainer",
    "TextExplanation",
    "__version__",
    "apply_masks",
    "base_seed",
    "exponential_kernel",
    "pairwise_distances",
    "row_distances",
    "row_hashes",
    "row_keys",
    "sample_binned",
    "sample_categorical",
    "sample_gaussian",
    "sample_masks",
    "sample_truncated_normal",
    "weighted_ridge",
]
