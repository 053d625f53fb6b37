"""Reliability: KernelShapExplainer on random, extreme and bad input.

Property-based like ``tests/test_reliability_inputs.py``: backgrounds of
awkward scales, offsets, ties and constant columns; every call returns
finite values that add up to the model's output (efficiency), the same on
every call and in any batch, or raises an error that names the argument.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklime import KernelShapExplainer

pytestmark = pytest.mark.usefixtures("small_chunks")


def fast(max_examples):
    return settings(settings.get_profile("reliability"), max_examples=max_examples)


@st.composite
def backgrounds(draw):
    n = draw(st.sampled_from([1, 3, 12]))
    d = draw(st.sampled_from([1, 3, 6]))
    scale = draw(st.sampled_from([1e-6, 1.0, 1e6]))
    offset = draw(st.sampled_from([0.0, 1e3]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = scale * (offset + rng.standard_normal((n, d)))
    if draw(st.booleans()):
        X = np.round(X / scale) * scale
    if d > 1 and draw(st.booleans()):
        X[:, draw(st.integers(0, d - 1))] = scale
    return X.astype(draw(st.sampled_from(["float64", "float32"])))


@fast(25)
@given(
    X=backgrounds(),
    n_samples=st.sampled_from([2, 10, "auto"]),
    kind=st.sampled_from(["regression", "classifier", "groups"]),
)
def test_values_are_finite_efficient_and_batch_invariant(X, n_samples, kind, cases):
    d = X.shape[1]
    scale = float(np.abs(X).max()) or 1.0
    w = np.linspace(-1, 1, d) / scale

    def regression(A):
        A = np.asarray(A, dtype=float)
        return np.tanh(A @ w) + (A[:, 0] * w[0]) ** 2

    def classifier(A):
        p = 1 / (1 + np.exp(-regression(A)))
        return np.column_stack([1 - p, p])

    params = {"feature_groups": np.arange(d) // 2} if kind == "groups" else {}
    model = classifier if kind == "classifier" else regression
    explainer = KernelShapExplainer(
        model, n_samples=n_samples, labels="all", random_state=0, **params
    ).fit(X)
    rows = np.vstack([X[:2], X[:1] * 3 + scale])
    cases("KernelShapExplainer.explain")
    e = explainer.explain(rows)
    for a in (e.coef, e.intercept, e.local_pred, e.score):
        assert np.isfinite(a).all()
    out = np.asarray(model(rows), dtype=float).reshape(len(rows), -1)
    np.testing.assert_allclose(e.local_pred, out, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e.coef.sum(2) + e.intercept, out, rtol=1e-9, atol=1e-12)
    alone = explainer.explain(rows[-1:])
    np.testing.assert_array_equal(alone.coef[0], e.coef[-1])
    np.testing.assert_array_equal(explainer.explain(rows).coef, e.coef)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": "many"}, "n_samples"),
        ({"max_background": 0}, "max_background"),
        ({"link": "probit"}, "link"),
        ({"mode": "ranking"}, "mode"),
        ({"labels": [-1]}, "labels"),
        ({"feature_groups": [0, 1]}, "feature_groups"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_parameters_are_named(params, name, cases):
    cases("KernelShapExplainer.fit", "fixed")
    X = np.random.default_rng(0).normal(size=(5, 3))

    def proba(A):
        p = 1 / (1 + np.exp(-A.sum(1)))
        return np.column_stack([1 - p, p])

    explainer = KernelShapExplainer(proba, **params)
    with pytest.raises(ValueError, match=name):
        explainer.fit(X).explain(X)


@pytest.mark.parametrize(
    "bad",
    [np.nan, np.inf, "text"],
)
@pytest.mark.parametrize("where", ["fit", "explain"])
def test_bad_values_are_named(bad, where, cases):
    cases(f"KernelShapExplainer.{where}", "fixed")
    X = np.random.default_rng(0).normal(size=(5, 3)).astype(object)
    broken = X.copy()
    broken[1, 2] = bad
    explainer = KernelShapExplainer(lambda A: np.asarray(A, float).sum(1))
    with pytest.raises(ValueError, match=r"\bX\b"):
        if where == "fit":
            explainer.fit(broken)
        else:
            explainer.fit(X.astype(float)).explain(broken)
