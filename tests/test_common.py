"""scikit-learn's estimator checks on every sklime estimator."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from sklime import CounterfactualExplainer, Discretizer, LimeExplainer


def black_box(X):
    """A deterministic, picklable black box for the common checks."""
    X = np.asarray(X, dtype=float)
    return np.tanh(X @ np.linspace(-1, 1, X.shape[1])) + 0.1 * X[:, 0] ** 2


def proba_box(X):
    """A deterministic, picklable classifier (numpy: not JAX-traceable)."""
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.linspace(-1, 1, X.shape[1]))))
    return np.column_stack([1 - p, p])


def _estimators():
    return [
        Discretizer(),
        Discretizer(encode="onehot"),
        LimeExplainer(black_box, n_samples=100, random_state=0),
        LimeExplainer(black_box, n_samples=100, discretizer=None, random_state=0),
        CounterfactualExplainer(
            proba_box,
            generator_layers=(8,),
            selector_layers=(8,),
            max_epochs=2,
            random_state=0,
        ),
    ]


@parametrize_with_checks(_estimators())
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


EXTRA_CHECKS = [
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    check_dataframe_column_names_consistency,
]


@pytest.mark.parametrize("estimator", _estimators(), ids=repr)
@pytest.mark.parametrize("check", EXTRA_CHECKS, ids=lambda c: c.__name__)
def test_extra_checks(estimator, check):
    pytest.importorskip("pandas")
    check(type(estimator).__name__, estimator)
