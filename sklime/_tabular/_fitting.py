"""What ``LimeExplainer.fit`` learns and checks.

:func:`learn` is the whole fit: the encoding, the sampler
(:class:`~sklime._tabular._plan.TabularPlan` with its discretizer, or
:class:`~sklime._tabular._groups.GroupPlan`), the settings that only make
sense together, the probe of the black box, the traced ``jax_model=True``
black box and the table of feature descriptions.
"""

import contextlib

import jax
import numpy as np
from sklearn.utils.validation import _check_feature_names_in, validate_data

from .._engine._device_model import DeviceModel
from .._engine._model import (
    ModelCaller,
    check_class_names,
    output_mode,
    resolve_predict_fn,
)
from .._engine._precision import x64_scope
from .._engine._validation import named_input
from ._descriptions import describe_codes
from ._discretizer import fit_discretizer
from ._encoding import TabularEncoder, check_table, dense_table
from ._groups import GroupPlan
from ._plan import TabularPlan
from ._prior import prior_table

__all__ = [
    "check_device_model",
    "check_settings",
    "description_table",
    "fit_sampler",
    "learn",
]


def learn(est, X, y):
    """``LimeExplainer.fit``: check the data, learn the sampler, probe the model.

    Sets every fitted attribute of ``est`` and returns it; the caller undoes
    them if this raises.
    """
    rows = None
    if est.training_data is not None:
        if est.discretizer == "entropy":
            raise ValueError(
                "training_data with discretizer='entropy': pass a Discretizer "
                "fitted with the training labels as discretizer instead."
            )
        rows, X, y = X, est.training_data, None
    X = dense_table(X)
    check_table(X)
    validate_data(est, X, skip_check_array=True)
    if rows is not None:  # the rows fit was given: same features
        rows = dense_table(rows)
        check_table(rows)
        validate_data(est, rows, skip_check_array=True, reset=False)
    names = getattr(est, "feature_names_in_", None)
    est._encoder = enc = TabularEncoder().fit(X, est.categorical_features, names)
    with named_input("X"):
        X = enc.encode(X, names)
    n = X.shape[0]
    feature_names = _check_feature_names_in(est, None)
    est._plan, discretizer, categorical = fit_sampler(est, X, y, enc, feature_names)
    est.categorical_features_ = categorical.astype(int)
    est.discretizer_ = discretizer
    p = est._plan.n_interpretable
    est.kernel_width_ = (
        float(est.kernel_width)
        if est.kernel_width is not None
        else float(0.75 * np.sqrt(p))
    )
    check_settings(est, enc)
    fn, output_names = resolve_predict_fn(est.predict_fn, est.mode)
    # Ask the black box about a couple of training rows: it must work, and
    # its output shape decides the mode and the number of outputs.
    # (A JAX model sees float64 as it will at explain time.)
    with x64_scope() if est.jax_model else contextlib.nullcontext():
        probe = ModelCaller(fn, n, make_input=enc.decode)(
            X[: min(n, 2)], what="training rows"
        )
    est.mode_, est._binary, est.n_outputs_ = output_mode(est.mode, probe.shape[1])
    est.output_names_ = check_class_names(
        est.class_names, output_names, est.mode_, est.n_outputs_
    )
    est._prior = prior_table(est.prior, est.n_outputs_, p)
    if est.jax_model:
        check_device_model(fn, est._binary, est.n_features_in_, X.dtype, est.n_outputs_)
    est._description_table = description_table(
        est._plan, discretizer, feature_names, enc
    )
    return est


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
