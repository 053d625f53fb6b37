"""Reliability: concurrency and memory.

Several threads explaining at once, and ``n_jobs > 1``, give results
bit-for-bit identical to a single-threaded run; a request larger than the
memory budget is cut into chunks that each fit it. With a given chunk size a
row's explanation does not depend on the other rows; another chunk size
(another memory budget) compiles the kernels for another shape, which can
change the results by rounding only. See ``doc/reliability.rst``.
"""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

import sklime._engine._shapes as shapes
from sklime import LimeExplainer
from sklime._engine._engine import Engine
from sklime._engine._shapes import _MAX_CHUNK_ROWS
from sklime._engine._shapes import chunk_budget as _chunk_budget
from sklime._engine._shapes import chunk_rows as _chunk_rows

# Chunks of 8 rows: the 24 rows explained below are three chunks.
pytestmark = pytest.mark.usefixtures("small_chunks")

N_SAMPLES = 64
W = np.array([1.0, -2.0, 0.5, 0.0])

CONFIGS = {
    "quartile": {},
    "continuous": {"discretizer": None},
    "groups": {"feature_groups": [0, 0, 1, 2]},
    "glime": {"sampler": "glime"},
    "lasso_path": {"feature_selection": "lasso_path", "n_features": 2},
    "user surrogate": {
        "surrogate": Ridge(alpha=1.0),
        "feature_selection": "highest_weights",
        "n_features": 2,
    },
    "all labels": {"labels": "all", "batch_size": 100},
}


def proba(A):
    p = 1 / (1 + np.exp(-np.asarray(A, dtype=float) @ W))
    return np.column_stack([1 - p, p])


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(40, 4))


def _explainer(config, X, **params):
    params = dict(n_samples=N_SAMPLES, random_state=0, **CONFIGS[config], **params)
    return LimeExplainer(proba, **params).fit(X)


def _arrays(exp):
    return {k: getattr(exp, k) for k in ("coef", "intercept", "score", "local_pred")}


def _assert_same(got, expected, rtol=0):
    for key, value in expected.items():
        if rtol:
            np.testing.assert_allclose(got[key], value, rtol=rtol, atol=0, err_msg=key)
        else:
            np.testing.assert_array_equal(got[key], value, err_msg=key)


@pytest.fixture(scope="module")
def reference(X):
    """Single-threaded explanations of X[:24], one per configuration."""
    return {c: _arrays(_explainer(c, X).explain(X[:24])) for c in CONFIGS}


def _run_threads(jobs):
    """Run ``jobs`` (callables) in threads at once; their results, in order."""
    results = [None] * len(jobs)
    errors = []
    start = threading.Barrier(len(jobs))

    def run(i):
        try:
            start.wait()
            results[i] = jobs[i]()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "explain deadlocked across threads"
    if errors:
        raise errors[0]
    return results


def test_threads_sharing_one_explainer_identical(X, reference, cases):
    explainer = _explainer("quartile", X)
    # Overlapping and differently sized requests on one fitted explainer.
    slices = [slice(0, 24), slice(8, 24), slice(0, 24), slice(3, 4)]
    results = _run_threads(
        [lambda s=s: _arrays(explainer.explain(X[s])) for s in slices]
    )
    for s, got in zip(slices, results):
        cases("LimeExplainer.explain (threads)", "fixed")
        _assert_same(got, {k: v[s] for k, v in reference["quartile"].items()})


def test_threads_with_every_configuration_at_once(X, reference, cases):
    explainers = {c: _explainer(c, X) for c in CONFIGS}
    jobs = [lambda e=e: _arrays(e.explain(X[:24])) for e in explainers.values()]
    for config, got in zip(explainers, _run_threads(jobs)):
        cases("LimeExplainer.explain (threads)", "fixed")
        _assert_same(got, reference[config])


def test_a_failing_thread_does_not_disturb_the_others(X, reference, cases):
    def broken(A):
        raise ZeroDivisionError("boom")

    healthy = _explainer("quartile", X)
    failing = _explainer("quartile", X).set_params(predict_fn=broken)

    def fail():
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            failing.explain(X[:24])
        return "raised"

    results = _run_threads([fail, lambda: _arrays(healthy.explain(X[:24])), fail])
    cases("LimeExplainer.explain (threads)", "fixed")
    assert results[0] == results[2] == "raised"
    _assert_same(results[1], reference["quartile"])


# (The user surrogate's slow path is covered by the threads above.)
@pytest.mark.parametrize("config", [c for c in CONFIGS if c != "user surrogate"])
def test_n_jobs_identical_to_single_threaded(X, reference, config, cases):
    # Three chunks of 8 rows, explained by two joblib threads.
    explainer = _explainer(config, X, n_jobs=2)
    cases("LimeExplainer.explain (n_jobs=2)", "fixed")
    _assert_same(_arrays(explainer.explain(X[:24])), reference[config])


# ----------------------------------------------------------------------------
# Memory: chunks within the budget
# ----------------------------------------------------------------------------


@settings(settings.get_profile("reliability"), max_examples=40)
@given(
    n_samples=st.integers(2, 10**6),
    n_features=st.integers(0, 10**5),
    surrogate=st.sampled_from([0, 1, 10**4, 10**8, 10**12]),
)
def test_chunk_rows_fit_the_budget(n_samples, n_features, surrogate, cases):
    cases("_chunk_rows")
    rows = _chunk_rows(n_samples, n_features, surrogate)
    assert 1 <= rows <= _MAX_CHUNK_ROWS and rows & (rows - 1) == 0
    per_row = max(n_samples * max(n_features, 1), surrogate)
    assert rows == 1 or rows * per_row <= _chunk_budget()


@pytest.mark.parametrize("config", ["quartile", "groups", "all labels"])
def test_request_over_budget_is_chunked_with_identical_results(
    X, reference, config, monkeypatch, cases
):
    """A budget of 5 rows' samples: every chunk fits it, the results do not change."""
    budget = 5 * N_SAMPLES * 4  # chunks of 4 rows (a power of two)
    monkeypatch.setattr(shapes, "chunk_budget", lambda: budget)
    seen = []
    sample = Engine.sample

    def spy(self, plan, items, width, size):
        out = sample(self, plan, items, width, size)
        seen.append(out[2].size)  # the chunk's samples (padded rows included)
        return out

    monkeypatch.setattr(Engine, "sample", spy)
    explainer = _explainer(config, X)
    got = _arrays(explainer.explain(X[:24]))
    cases("LimeExplainer.explain (memory budget)", "fixed")
    assert len(seen) == 6  # 24 rows in chunks of 4
    assert max(seen) <= budget
    # Other chunks, other compiled shapes: the same results up to rounding...
    _assert_same(got, reference[config], rtol=1e-9)
    # ... and with these chunks, a row's results do not depend on the others.
    _assert_same(
        _arrays(explainer.explain(X[5:6])), {k: v[5:6] for k, v in got.items()}
    )


@pytest.mark.parametrize(("d", "n_samples"), [(1000, 8), (300, 1200)])
def test_wide_data_chunks_count_the_surrogate_systems(d, n_samples):
    """The fit's matrices bound the chunk: n x n kernels with few samples of
    many features (the dual form; no p x p Gram is formed), p x p Grams else."""
    Xw = np.random.default_rng(1).normal(size=(4, d))
    explainer = LimeExplainer(
        lambda A: np.tanh(np.asarray(A)[:, :3].sum(axis=1)),
        n_samples=n_samples,
        feature_selection="highest_weights",
        n_features=3,
        random_state=0,
    ).fit(Xw)
    size = explainer._row_plan(Xw).chunk_size(d, n_samples, 1)
    n = n_samples
    matrices = n * d + 2 * n * n if n < d else 2 * d * d
    assert size * max(matrices, n * d) <= _chunk_budget()
    if n < d:  # the dual form lets more rows in than a p x p Gram would
        assert size > _chunk_budget() // (d * d)
    # (Explaining 1000 features: tests/test_reliability_inputs.py.)
