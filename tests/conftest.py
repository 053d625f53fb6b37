"""Shared fixtures: small real datasets and fitted models, built once."""

import gc
from collections import Counter

import jax
import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

matplotlib.use("Agg")

#: The reliability suite (tests/test_reliability_*.py): deterministic (the
#: same examples on every run, no example database), no deadline (the first
#: example of a shape compiles JAX kernels), small example counts (CI time).
settings.register_profile(
    "reliability",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def small_chunks():
    """Chunks of at most 8 rows (instead of up to 256).

    A request is cut into chunks of 1, 8, 64 or the full size (padding), so
    explaining a few rows may cost a chunk of 8 or 64; small chunks keep the
    many small requests of the reliability suite fast. Results do not depend on the chunking
    (tests/test_reliability_concurrency.py).
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sklime._engine._shapes._MAX_CHUNK_ROWS", 8)
        yield


#: Cases the reliability suite tried, per (entry point, kind of case).
RELIABILITY_CASES = Counter()


@pytest.fixture(scope="session")
def cases():
    """Count a reliability case: ``cases("pairwise_distances", "property")``."""

    def count(entry_point, kind="property"):
        RELIABILITY_CASES[entry_point, kind] += 1

    return count


def pytest_sessionfinish(session):
    """On a pytest-xdist worker, hand the counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability_cases"] = [
            [entry_point, kind, n]
            for (entry_point, kind), n in RELIABILITY_CASES.items()
        ]


def pytest_testnodedown(node, error):
    """On the pytest-xdist controller, add up the workers' counts."""
    for entry_point, kind, n in getattr(node, "workeroutput", {}).get(
        "reliability_cases", []
    ):
        RELIABILITY_CASES[entry_point, kind] += n


def pytest_terminal_summary(terminalreporter):
    """Report the reliability cases tried per entry point (doc/reliability.rst)."""
    if not RELIABILITY_CASES:
        return
    terminalreporter.section("reliability cases per entry point")
    for entry_point in sorted({e for e, _ in RELIABILITY_CASES}):
        kinds = ", ".join(
            f"{RELIABILITY_CASES[entry_point, kind]} {kind}"
            for kind in ("property", "fixed")
            if RELIABILITY_CASES[entry_point, kind]
        )
        terminalreporter.write_line(f"{entry_point}: {kinds}")


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
