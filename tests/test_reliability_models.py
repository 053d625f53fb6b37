"""Reliability: faulty black boxes.

A ``predict_fn`` that raises (at once or midway through a long run), returns
the wrong shape, NaN or infinity, complex or non-numeric values, probabilities
that do not sum to one, lists or DataFrames, or is slow. Errors name the
explained rows involved; the explainer stays usable afterwards and nothing is
cached in a broken state. See ``doc/reliability.rst``.
"""

import time
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklime import LimeExplainer

pytestmark = pytest.mark.usefixtures("small_chunks")

N_SAMPLES = 64
W = np.array([1.0, -2.0, 0.5, 0.0])


def proba(A):
    A = np.asarray(A, dtype=float)
    p = 1 / (1 + np.exp(-A @ W[: A.shape[1]]))
    return np.column_stack([1 - p, p])


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(40, 4))


@pytest.fixture(scope="module")
def reference(X):
    """Explanations of a healthy model, to compare against after failures."""
    params = dict(n_samples=N_SAMPLES, random_state=0)
    return {
        "auto": LimeExplainer(proba, **params).fit(X).transform(X[:6]),
        "batch": LimeExplainer(proba, batch_size=50, **params).fit(X).transform(X[:6]),
    }


class Flaky:
    """Behaves like ``proba`` except on call number ``fail_at`` (1-based)."""

    def __init__(self, fail_at, fault):
        self.calls = 0
        self.fail_at = fail_at
        self.fault = fault

    def __call__(self, A):
        self.calls += 1
        out = proba(A)
        if self.calls == self.fail_at:
            return self.fault(A, out)
        return out


def _raise(A, out):
    raise ZeroDivisionError("boom")


FAULTS = {
    "raises": (_raise, RuntimeError, "ZeroDivisionError.*boom"),
    "one row short": (lambda A, out: out[:-1], ValueError, "shape"),
    "one row long": (lambda A, out: np.vstack([out, out[:1]]), ValueError, "shape"),
    "3-D": (lambda A, out: out[:, :, None], ValueError, "shape"),
    "scalar": (lambda A, out: 0.5, ValueError, "shape"),
    "None": (lambda A, out: None, ValueError, "shape"),
    "empty": (lambda A, out: out[:0], ValueError, "shape"),
    "extra class": (
        lambda A, out: np.column_stack([out, out[:, :1]]),
        ValueError,
        "outputs",
    ),
    "NaN": (
        lambda A, out: np.where(np.arange(len(A))[:, None] == 3, np.nan, out),
        ValueError,
        "NaN",
    ),
    "inf": (lambda A, out: out * np.inf, ValueError, "infinity"),
    "strings": (lambda A, out: np.full(len(A), "yes"), ValueError, "numbers"),
    "objects": (lambda A, out: [object()] * len(A), ValueError, "numbers"),
    "complex": (lambda A, out: out + 1j, ValueError, "real numbers"),
    "dict": (lambda A, out: {"p": out}, ValueError, "numbers"),
}


# Every fault midway with one call per row, and on the first call with calls
# that span rows; raising and NaN in all four combinations.
WHEN_BATCH = [("midway", "auto"), ("first", "batch")]
FAULT_CASES = [(f, w, b) for f in FAULTS for w, b in WHEN_BATCH] + [
    (f, w, b)
    for f in ("raises", "NaN")
    for w, b in [("first", "auto"), ("midway", "batch")]
]


@pytest.mark.parametrize("fault, when, batch", FAULT_CASES)
def test_faulty_model_error_names_rows_and_explainer_recovers(
    X, reference, fault, when, batch, cases
):
    cases("LimeExplainer.explain (faulty model)", "fixed")
    make, error, message = FAULTS[fault]
    params = dict(n_samples=N_SAMPLES, random_state=0)
    if batch == "batch":
        params["batch_size"] = 50  # calls span the samples of two rows
    explainer = LimeExplainer(proba, **params).fit(X)
    # Call 1 explains row 0 ("auto": one call per row); call 4 is midway.
    flaky = Flaky(1 if when == "first" else 4, make)
    explainer.set_params(predict_fn=flaky)
    with pytest.raises(error, match=message) as info:
        explainer.explain(X[:6])
    text = str(info.value)
    assert "predict_fn" in text
    assert "explained row" in text, text
    if batch == "auto":
        row = 0 if when == "first" else 3
        assert f"explained row {row}" in text, text
    if error is RuntimeError:  # the model's own exception is kept as the cause
        assert isinstance(info.value.__cause__, ZeroDivisionError)
    # A transient failure leaves nothing behind: the same explainer, with the
    # model healthy again, gives exactly the healthy explanations.
    np.testing.assert_array_equal(explainer.transform(X[:6]), reference[batch])
    explainer.set_params(predict_fn=proba)
    np.testing.assert_array_equal(explainer.transform(X[:6]), reference[batch])


@pytest.mark.parametrize("fault", ["raises", "one row short", "inf", "complex"])
def test_faulty_model_at_fit_leaves_explainer_unfitted(X, reference, fault, cases):
    cases("LimeExplainer.fit (faulty model)", "fixed")
    make, error, message = FAULTS[fault]
    explainer = LimeExplainer(Flaky(1, make), n_samples=N_SAMPLES, random_state=0)
    with pytest.raises(error, match=message) as info:
        explainer.fit(X)
    assert "training rows 0..1" in str(info.value)
    with pytest.raises(NotFittedError):
        explainer.explain(X[:2])
    # A failed refit of a fitted explainer does not leave a half-fitted mix.
    explainer.set_params(predict_fn=proba).fit(X)
    explainer.set_params(predict_fn=Flaky(1, make))
    with pytest.raises(error):
        explainer.fit(X[:, :3])
    with pytest.raises(NotFittedError):
        explainer.transform(X[:2, :3])
    explainer.set_params(predict_fn=proba)
    np.testing.assert_array_equal(explainer.fit(X).transform(X[:6]), reference["auto"])


def test_fault_midway_with_n_jobs(X, reference, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")
    explainer = LimeExplainer(proba, n_samples=N_SAMPLES, random_state=0, n_jobs=2)
    explainer.fit(X)
    explainer.set_params(predict_fn=Flaky(20, _raise))
    with pytest.raises(RuntimeError, match="explained row"):
        explainer.explain(X)
    explainer.set_params(predict_fn=proba)
    np.testing.assert_array_equal(explainer.transform(X[:6]), reference["auto"])


def test_nan_error_names_the_row_among_many(X, cases):
    """NaN from the samples of one row in a long run: the message names that row."""
    cases("LimeExplainer.explain (faulty model)", "fixed")
    bad_row = X[17]

    def nan_near_row_17(A):
        out = proba(A)
        hit = np.all(A[:1] == bad_row, axis=1)  # the instance is the first sample
        return np.where(hit.any(), np.nan, out)

    explainer = LimeExplainer(proba, n_samples=N_SAMPLES, random_state=0).fit(X)
    explainer.set_params(predict_fn=nan_near_row_17)
    with pytest.raises(ValueError, match=r"explained row 17\b"):
        explainer.explain(X[:30])


@pytest.mark.parametrize(
    "wrap",
    [
        lambda out: out.tolist(),
        lambda out: __import__("pandas").DataFrame(out, columns=["no", "yes"]),
        lambda out: list(map(tuple, out)),
        lambda out: out.astype(np.float32),
        lambda out: __import__("jax").numpy.asarray(out),
    ],
    ids=["list", "DataFrame", "tuples", "float32", "jax"],
)
def test_model_returning_other_containers(X, reference, wrap, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")
    explainer = LimeExplainer(
        lambda A: wrap(proba(A)), n_samples=N_SAMPLES, random_state=0
    ).fit(X)
    got = explainer.transform(X[:6])
    if "float32" in repr(wrap) or np.asarray(wrap(np.ones((1, 2)))).dtype != float:
        np.testing.assert_allclose(got, reference["auto"], rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, reference["auto"])


def test_model_returning_a_series_for_regression(X, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")
    pd = pytest.importorskip("pandas")
    explainer = LimeExplainer(
        lambda A: pd.Series(np.asarray(A) @ W), n_samples=N_SAMPLES, random_state=0
    ).fit(X)
    assert explainer.mode_ == "regression"
    assert np.isfinite(explainer.transform(X[:3])).all()


def test_probabilities_not_summing_to_one_warn_and_explain(X, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")

    def unnormalised(A):
        return 3 * proba(A)

    explainer = LimeExplainer(unnormalised, n_samples=N_SAMPLES, random_state=0)
    with pytest.warns(UserWarning, match="sum to 1"):
        explainer.fit(X).explain(X[:2])
    with pytest.warns(UserWarning, match="sum to 1"):
        exp = explainer.explain(X[:2])
    assert np.isfinite(exp.coef).all()


def test_hard_labels_are_explained_as_numbers(X, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")

    def labels(A):
        return (proba(A) > 0.5).astype(int)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one-hot labels sum to 1: no warning
        exp = LimeExplainer(labels, n_samples=N_SAMPLES, random_state=0).fit(X)
        exp = exp.explain(X[:3])
    assert np.isfinite(exp.coef).all() and set(np.unique(exp.model_pred)) <= {0, 1}


def test_slow_model_still_works(X, reference, cases):
    cases("LimeExplainer.explain (faulty model)", "fixed")

    def slow(A):
        time.sleep(0.005)
        return proba(A)

    explainer = LimeExplainer(slow, n_samples=N_SAMPLES, random_state=0).fit(X)
    np.testing.assert_array_equal(explainer.transform(X[:6]), reference["auto"])


def test_model_that_writes_to_its_input_is_refused(X, cases):
    """The samples are read-only: a model cannot corrupt them for the surrogate."""
    cases("LimeExplainer.explain (faulty model)", "fixed")

    def vandal(A):
        A[:] = 0
        return proba(A)

    explainer = LimeExplainer(proba, n_samples=N_SAMPLES, random_state=0).fit(X)
    explainer.set_params(predict_fn=vandal)
    with pytest.raises(RuntimeError, match="read-only"):
        explainer.explain(X[:2])


def test_huge_and_tiny_model_outputs(X, cases):
    """Outputs far from 1 in magnitude: same explanation, scaled (exactly)."""
    cases("LimeExplainer.explain (faulty model)", "fixed")
    base = LimeExplainer(
        lambda A: np.asarray(A) @ W, n_samples=N_SAMPLES, random_state=0
    ).fit(X)
    expected = base.explain(X[:3])
    for factor in (2.0**-1000, 2.0**-40, 2.0**40, 2.0**1000):
        scaled = LimeExplainer(
            lambda A, f=factor: f * (np.asarray(A) @ W),
            n_samples=N_SAMPLES,
            random_state=0,
        ).fit(X)
        exp = scaled.explain(X[:3])
        for key in ("coef", "intercept", "local_pred", "model_pred"):
            np.testing.assert_array_equal(
                getattr(exp, key), factor * getattr(expected, key)
            )
        np.testing.assert_array_equal(exp.score, expected.score)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_outputs_for_float32_data(X, dtype, cases):
    """1e30 squared overflows float32: sums of squares are taken on scaled targets."""
    cases("LimeExplainer.explain (faulty model)", "fixed")
    X = X.astype(dtype)
    params = dict(
        n_samples=N_SAMPLES,
        feature_selection="forward_selection",
        n_features=2,
        random_state=0,
    )

    def unit(A):
        return np.tanh(np.asarray(A, float) @ W)

    expected = LimeExplainer(unit, **params).fit(X).explain(X[:3])
    exp = LimeExplainer(lambda A: 1e30 * unit(A), **params).fit(X).explain(X[:3])
    for key in ("coef", "intercept", "score", "local_pred"):
        assert np.isfinite(getattr(exp, key)).all(), key
    # Forward selection saw the real R^2 (no inf / inf): same features, same fit.
    np.testing.assert_array_equal(exp.coef != 0, expected.coef != 0)
    np.testing.assert_allclose(exp.coef / 1e30, expected.coef, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(exp.score, expected.score, rtol=1e-4, atol=1e-6)
