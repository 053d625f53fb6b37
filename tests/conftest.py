"""Shared fixtures: small real datasets and fitted models, built once."""

import gc

import jax
import matplotlib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

matplotlib.use("Agg")


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_kernels():
    """Drop JAX's compiled executables after each test module.

    Every XLA executable maps a few pages of its own; the suite compiles
    thousands of shapes, and one process would otherwise reach Linux's
    ``vm.max_map_count`` (65530) and crash in the compiler.
    """
    yield
    jax.clear_caches()
    gc.collect()


@pytest.fixture(scope="session")
def cancer():
    data = load_breast_cancer()
    return data.data, data.target, [str(name) for name in data.feature_names]


@pytest.fixture(scope="session")
def diabetes():
    data = load_diabetes()
    return data.data, data.target, [str(name) for name in data.feature_names]


@pytest.fixture(scope="session")
def cancer_lr(cancer):
    X, y, _ = cancer
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)


@pytest.fixture(scope="session")
def cancer_rf(cancer):
    X, y, _ = cancer
    return RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)


@pytest.fixture(scope="session")
def diabetes_rf(diabetes):
    X, y, _ = diabetes
    return RandomForestRegressor(n_estimators=30, random_state=0).fit(X, y)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
