"""scikit-learn's estimator checks on every sklime estimator.

The black boxes are wrapped in :class:`_Named` so that the estimators' reprs,
and the test ids scikit-learn builds from them, hold no memory addresses:
pytest-xdist's workers must collect the same ids.
"""

import numpy as np
import pytest
from scipy.special import ndtri
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_param_validation,
    check_parameters_default_constructible,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_set_params,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    check_valid_tag_types,
    parametrize_with_checks,
)

from sklime import (
    CounterfactualExplainer,
    Discretizer,
    ImageExplainer,
    KernelShapExplainer,
    LimeExplainer,
    PerturbationExplainer,
    TextExplainer,
)


class _Named:
    """A module-level function with its name as repr (picklable, clonable)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)

    def __repr__(self):
        return self.fn.__name__


def _black_box(X):
    """A deterministic black box for the common checks."""
    X = np.asarray(X, dtype=float)
    return np.tanh(X @ np.linspace(-1, 1, X.shape[1])) + 0.1 * X[:, 0] ** 2


def _proba_box(X):
    """A deterministic classifier (numpy: not JAX-traceable)."""
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.linspace(-1, 1, X.shape[1]))))
    return np.column_stack([1 - p, p])


def _image_box(images):
    """Two class probabilities from the mean brightness of each image."""
    m = np.asarray(images, dtype=float).mean(axis=(1, 2, 3))
    p = 1 / (1 + np.exp(-m))
    return np.column_stack([1 - p, p])


def _text_box(texts):
    """Two class probabilities from the share of the word 'good'."""
    p = np.array([t.split().count("good") / max(len(t.split()), 1) for t in texts])
    return np.column_stack([1 - p, p])


def _perturb(x, u):
    """Continuous LIME in standard units around ``x``."""
    Z = np.vstack([np.zeros_like(x), ndtri(np.asarray(u, dtype=float).T)])
    return Z, x + Z


black_box, proba_box = _Named(_black_box), _Named(_proba_box)


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
        KernelShapExplainer(black_box, n_samples=50, random_state=0),
        PerturbationExplainer(
            black_box, perturb=_Named(_perturb), n_samples=100, random_state=0
        ),
        ImageExplainer(_Named(_image_box), n_samples=50, random_state=0),
        TextExplainer(_Named(_text_box), n_samples=50, random_state=0),
    ]


@parametrize_with_checks(_estimators())
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


#: scikit-learn runs no check on estimators whose input is not a 2-D array
#: (images, texts) beyond cloning; these API checks need no data, so they run
#: on every estimator.
DATA_FREE_CHECKS = [
    check_estimator_cloneable,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_valid_tag_types,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
]


@pytest.mark.parametrize("estimator", _estimators(), ids=repr)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_api_checks(estimator, check):
    check(type(estimator).__name__, estimator)


TABULAR_CHECKS = [
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    check_dataframe_column_names_consistency,
]


def _tabular():
    return [
        e for e in _estimators() if not isinstance(e, ImageExplainer | TextExplainer)
    ]


@pytest.mark.parametrize("estimator", _tabular(), ids=repr)
@pytest.mark.parametrize("check", TABULAR_CHECKS, ids=lambda c: c.__name__)
def test_extra_checks(estimator, check):
    pytest.importorskip("pandas")
    check(type(estimator).__name__, estimator)
