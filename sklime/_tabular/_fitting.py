"""What ``LimeExplainer.fit`` learns and checks besides the encoding.

The sampler (:class:`~sklime._tabular._plan.TabularPlan` with its
discretizer, or :class:`~sklime._tabular._groups.GroupPlan`), the settings
that only make sense together, the traced ``jax_model=True`` black box and
the table of feature descriptions.
"""

import jax
import numpy as np

from .._engine._device_model import DeviceModel
from .._engine._precision import x64_scope
from ._descriptions import describe_codes
from ._discretizer import fit_discretizer
from ._groups import GroupPlan
from ._plan import TabularPlan

__all__ = [
    "check_device_model",
    "check_settings",
    "description_table",
    "fit_sampler",
]


def fit_sampler(est, X, y, encoder, feature_names):
    """The fitted sampler, discretizer (or None) and categorical columns.

    ``X`` is encoded; ``est`` is the LimeExplainer being fitted.
    """
    categorical = encoder.categorical
    if est.feature_groups is not None:
        plan = GroupPlan.from_training(
            X,
            est.feature_groups,
            feature_names,
            categorical,
            est.baseline,
            encoder.encode_row,
        )
        return plan, None, categorical
    discretizer = fit_discretizer(est.discretizer, X, y, categorical, est.random_state)
    if discretizer is not None:
        categorical = np.union1d(categorical, discretizer.categorical_features_)
    plan = TabularPlan.from_training(
        X, categorical, discretizer, est.sample_around_instance
    )
    return plan, discretizer, categorical


def check_settings(est, encoder):
    """Refuse settings that cannot work together."""
    if est.prior is not None and est.surrogate is not None:
        raise ValueError("prior works with the built-in ridge only (surrogate=None).")
    if est.sampler == "glime" and (est.metric != "euclidean" or callable(est.kernel)):
        raise ValueError(
            "sampler='glime' needs metric='euclidean' and kernel='exponential': "
            "its sampling law is the kernel-weighted law of those, in closed form."
        )
    if est.sampler == "lhs" and (
        est.n_samples == "auto" or est.feature_groups is not None
    ):
        raise ValueError(
            "sampler='lhs' stratifies a fixed number of samples per column: it "
            "needs an int n_samples (not 'auto') and no feature_groups."
        )
    if est.jax_model and (
        encoder.frame or (encoder.categorical.size and not encoder.numeric_categories)
    ):
        raise ValueError(
            "jax_model=True needs numeric input: predict_fn would receive "
            "DataFrames or non-numeric categories here. Pass a numeric array."
        )


def check_device_model(fn, binary, n_features, dtype, n_outputs):
    """Trace the ``jax_model=True`` black box once: errors surface at fit."""
    spec = jax.ShapeDtypeStruct((1, 3, n_features), dtype)
    with x64_scope():
        k = DeviceModel(fn, binary).check(spec)
    if k != n_outputs:
        raise ValueError(
            f"predict_fn traced by JAX returns {k} outputs per row but "
            f"{n_outputs} when called on numpy rows."
        )


def description_table(plan, discretizer, names, encoder):
    """Descriptions of every feature's codes, or None with feature groups."""
    if plan.column_groups is not None:
        return None
    bins = (
        discretizer.bin_descriptions(list(names)) if discretizer is not None else None
    )
    return describe_codes(names, encoder.categories, plan.categories, bins)
