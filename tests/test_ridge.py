"""Tests of the batched weighted ridge (sklime._surrogate._ridge) against scikit-learn."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score

from sklime import weighted_ridge
from sklime._engine._precision import x64_scope
from sklime._surrogate._ridge import (
    predict,
    r2_from_moments,
    r2_from_predictions,
    solve_ridge,
    weighted_moments,
)

RTOL = 1e-6


def _assert_close(actual, expected, rtol=RTOL):
    """Relative to the size of ``expected`` (coefficients may be near zero)."""
    expected = np.asarray(expected, dtype=np.float64)
    atol = rtol * max(np.abs(expected).max(), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _sklearn_fit(Z, y, w, alpha):
    """Per-row coef, intercept and score from scikit-learn's Ridge."""
    coefs, intercepts, scores = [], [], []
    for Zi, yi, wi in zip(Z, y, w):
        model = Ridge(alpha=alpha).fit(Zi, yi, sample_weight=wi)
        coefs.append(model.coef_)
        intercepts.append(model.intercept_)
        pred = model.predict(Zi)
        scores.append(r2_score(yi, pred, sample_weight=wi, multioutput="raw_values"))
    return np.array(coefs), np.array(intercepts), np.array(scores)


def _data(b, n, p, L=None, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(b, n, p))
    beta = rng.normal(size=(b, p) if L is None else (b, p, L))
    noise = rng.normal(size=(b, n) if L is None else (b, n, L))
    y = (
        np.einsum("bnp,bp->bn", Z, beta)
        if L is None
        else np.einsum("bnp,bpl->bnl", Z, beta)
    )
    y = y + 0.5 * noise + 3.0
    w = rng.uniform(0.05, 1.0, size=(b, n))
    return Z, y, w


B, N, P = 3, 40, 4  # one shape for most tests: every new shape compiles


@pytest.mark.parametrize("alpha", [1e-8, 1e-3, 0.1, 1.0, 10.0, 1e3])
def test_matches_sklearn_ridge(alpha):
    Z, y, w = _data(B, N, P, seed=1)
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=alpha)
    assert coef.shape == (B, P)
    assert intercept.shape == (B,)
    assert score.shape == (B,)
    assert coef.dtype == intercept.dtype == score.dtype == np.float64
    sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, alpha)
    _assert_close(coef, sk_coef)
    _assert_close(intercept, sk_intercept)
    _assert_close(score, sk_score[:, 0])
    for i in range(B):  # Ridge.score itself
        model = Ridge(alpha=alpha).fit(Z[i], y[i], sample_weight=w[i])
        _assert_close(score[i], model.score(Z[i], y[i], sample_weight=w[i]))


def test_alpha_zero_is_weighted_least_squares():
    Z, y, w = _data(B, N, P, seed=2)
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=0.0)
    for i in range(B):
        model = LinearRegression().fit(Z[i], y[i], sample_weight=w[i])
        _assert_close(coef[i], model.coef_)
        _assert_close(intercept[i], model.intercept_)
        _assert_close(score[i], model.score(Z[i], y[i], sample_weight=w[i]))


@pytest.mark.parametrize("alpha", [1e-3, 1.0])
def test_multi_target(alpha):
    L = 3
    Z, y, w = _data(B, N, P, L=L, seed=3)
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=alpha)
    assert coef.shape == (B, L, P)
    assert intercept.shape == (B, L)
    assert score.shape == (B, L)
    sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, alpha)
    _assert_close(coef, sk_coef)
    _assert_close(intercept, sk_intercept)
    _assert_close(score, sk_score)
    # each target alone gives the same fit
    c1, i1, s1 = weighted_ridge(Z, y[..., 1], w, alpha=alpha)
    _assert_close(c1, coef[:, 1], rtol=1e-10)
    _assert_close(i1, intercept[:, 1], rtol=1e-10)
    _assert_close(s1, score[:, 1], rtol=1e-10)


def test_rows_are_independent():
    Z, y, w = _data(B, N, P, seed=4)
    coef, intercept, score = weighted_ridge(Z, y, w)
    perm = [2, 0, 1]
    c, i, s = weighted_ridge(Z[perm], y[perm], w[perm])
    np.testing.assert_array_equal(c, coef[perm])
    np.testing.assert_array_equal(i, intercept[perm])
    np.testing.assert_array_equal(s, score[perm])


def test_weights_matter_and_scale_invariance():
    Z, y, w = _data(B, N, P, seed=5)
    y = y + 5 * Z[..., 0] ** 2  # misspecified, so weights change the fit
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=1.0)
    unweighted, _, _ = weighted_ridge(Z, y, np.ones_like(w), alpha=1.0)
    assert not np.allclose(coef, unweighted, rtol=1e-3)
    # Scaling the weights by c is a ridge with alpha / c.
    c2, i2, s2 = weighted_ridge(Z, y, 4 * w, alpha=4.0)
    _assert_close(c2, coef, rtol=1e-10)
    _assert_close(i2, intercept, rtol=1e-10)
    _assert_close(s2, score, rtol=1e-10)


# Every shape compiles the kernel (about a second): few examples, few sizes.
@settings(max_examples=6, deadline=None, derandomize=True)
@given(
    b=st.sampled_from([1, 2]),
    n=st.sampled_from([2, 5, 30]),
    p=st.sampled_from([1, 3, 7]),
    L=st.sampled_from([None, 1, 2]),
    alpha=st.sampled_from([1e-2, 1.0, 30.0]),
    seed=st.integers(0, 2**16),
)
def test_matches_sklearn_any_shape(b, n, p, L, alpha, seed):
    # n may be below p: the ridge term keeps the system well posed.
    Z, y, w = _data(b, n, p, L=L, seed=seed)
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=alpha)
    sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, alpha)
    # (scikit-learn flattens coef_ for a single-column y)
    _assert_close(coef, sk_coef.reshape(coef.shape))
    _assert_close(intercept, sk_intercept.reshape(intercept.shape))
    _assert_close(score, sk_score.reshape(score.shape))


# ----------------------------------------------------------------------------
# Edge cases
# ----------------------------------------------------------------------------


def test_constant_target():
    Z, _, w = _data(B, N, P, seed=6)
    y = np.full((B, N), 3.0)
    w = np.ones_like(w)  # the weighted mean of y is then exactly 3
    coef, intercept, score = weighted_ridge(Z, y, w)
    np.testing.assert_array_equal(coef, 0.0)
    np.testing.assert_array_equal(intercept, 3.0)
    # r2_score: a perfectly predicted constant target scores 1
    np.testing.assert_array_equal(score, 1.0)
    for i in range(B):
        model = Ridge().fit(Z[i], y[i], sample_weight=w[i])
        assert model.score(Z[i], y[i], sample_weight=w[i]) == score[i]


def test_r2_conventions_match_r2_score():
    # (y, pred): ordinary, perfect, constant target predicted exactly,
    # constant target predicted wrongly (r2_score gives 0 with force_finite).
    y = np.array([[1.0, 2.0, 4.0], [1.0, 2.0, 4.0], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]])
    pred = np.array(
        [[1.5, 2.0, 3.0], [1.0, 2.0, 4.0], [2.0, 2.0, 2.0], [2.0, 1.0, 2.0]]
    )
    w = np.array([[1.0, 2.0, 0.5]] * 4)
    with x64_scope():
        r2 = np.asarray(
            r2_from_predictions(
                jnp.asarray(y[:, :, None]),
                jnp.asarray(pred[:, :, None]),
                jnp.asarray(w),
            )
        )[:, 0]
    expected = [r2_score(y[i], pred[i], sample_weight=w[i]) for i in range(4)]
    np.testing.assert_allclose(r2, expected, rtol=1e-12)
    np.testing.assert_array_equal(r2[1:], [1.0, 1.0, 0.0])


@pytest.mark.parametrize("feature_major", [False, True])
@pytest.mark.parametrize("with_prior", [False, True])
def test_r2_from_moments_equals_r2_of_predictions(feature_major, with_prior):
    Z, y, w = _data(B, N, P, seed=11)
    y = np.stack([y, 3 * y[:, ::-1] + 1], axis=2)  # two labels
    mask = np.random.default_rng(0).random((B, 2, P)) < 0.6
    prior = np.random.default_rng(1).normal(size=(B, 2, P)) if with_prior else None
    with x64_scope():
        Zj = jnp.asarray(Z.transpose(0, 2, 1) if feature_major else Z)
        m = weighted_moments(Zj, jnp.asarray(y), jnp.asarray(w), feature_major)
        coef, intercept = solve_ridge(
            m, 0.5, jnp.asarray(mask), None if prior is None else jnp.asarray(prior)
        )
        pred = predict(Zj, coef, intercept, feature_major)
        expected = r2_from_predictions(jnp.asarray(y), pred, jnp.asarray(w))
        r2 = r2_from_moments(m, coef)
    np.testing.assert_allclose(np.asarray(r2), np.asarray(expected), atol=1e-10)


def test_r2_from_moments_conventions():
    """Constant targets: 1 when the surrogate is flat, 0 when a prior tilts it."""
    Z, _, w = _data(2, N, P, seed=12)
    y = np.full((2, N, 1), 3.0)
    w = np.ones_like(w)  # the weighted mean of y is then exactly 3
    with x64_scope():
        m = weighted_moments(jnp.asarray(Z), jnp.asarray(y), jnp.asarray(w))
        flat, _ = solve_ridge(m, 1.0)
        tilted, _ = solve_ridge(m, 1.0, prior=jnp.ones((2, 1, P)))
        assert np.asarray(r2_from_moments(m, flat)).tolist() == [[1.0], [1.0]]
        assert np.asarray(r2_from_moments(m, tilted)).tolist() == [[0.0], [0.0]]


def test_constant_column():
    Z, y, w = _data(B, N, P, seed=7)
    Z[:, :, 1] = 2.5
    coef, intercept, score = weighted_ridge(Z, y, w)
    np.testing.assert_allclose(coef[:, 1], 0.0, atol=1e-12)
    sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, 1.0)
    _assert_close(coef, sk_coef)
    _assert_close(intercept, sk_intercept)
    _assert_close(score, sk_score[:, 0])


def test_collinear_columns():
    Z, y, w = _data(B, N, P, seed=8)
    Z[:, :, 2] = Z[:, :, 0]  # duplicated column
    Z[:, :, 3] = 2 * Z[:, :, 1] - 1  # affine copy
    for alpha in (1e-3, 1.0):
        coef, intercept, score = weighted_ridge(Z, y, w, alpha=alpha)
        sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, alpha)
        _assert_close(coef, sk_coef)
        _assert_close(intercept, sk_intercept)
        _assert_close(score, sk_score[:, 0])
        # ridge splits a duplicated column's weight evenly
        np.testing.assert_allclose(coef[:, 0], coef[:, 2], rtol=1e-8)


def test_collinear_columns_without_penalty_stay_finite():
    Z, y, w = _data(B, N, P, seed=9)
    Z[:, :, 2] = Z[:, :, 0]
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=0.0)
    assert np.isfinite(coef).all() and np.isfinite(intercept).all()
    # still a least-squares fit: as good as LinearRegression's
    for i in range(B):
        model = LinearRegression().fit(Z[i], y[i], sample_weight=w[i])
        _assert_close(score[i], model.score(Z[i], y[i], sample_weight=w[i]))


def test_single_positive_weight():
    Z, y, _ = _data(B, N, P, seed=10)
    w = np.zeros((B, N))
    w[:, 0] = 0.7
    coef, intercept, score = weighted_ridge(Z, y, w)
    np.testing.assert_array_equal(coef, 0.0)
    np.testing.assert_allclose(intercept, y[:, 0], rtol=1e-15)
    np.testing.assert_array_equal(score, 1.0)
    sk_coef, sk_intercept, sk_score = _sklearn_fit(Z, y, w, 1.0)
    _assert_close(coef, sk_coef)
    _assert_close(intercept, sk_intercept)
    _assert_close(score, sk_score[:, 0])


def test_zero_weights_drop_samples():
    Z, y, w = _data(B, N, P, seed=11)
    w[:, N // 2 :] = 0.0
    y[:, N // 2 :] = 1e6  # ignored
    coef, intercept, score = weighted_ridge(Z, y, w)
    half = slice(0, N // 2)
    sk_coef, sk_intercept, _ = _sklearn_fit(Z[:, half], y[:, half], w[:, half], 1.0)
    _assert_close(coef, sk_coef)
    _assert_close(intercept, sk_intercept)


# ----------------------------------------------------------------------------
# solve_ridge with a mask (feature selection)
# ----------------------------------------------------------------------------

_moments = jax.jit(weighted_moments)
_solve = jax.jit(solve_ridge)


def _masked_fit(Z, y, w, alpha, mask):
    with x64_scope():
        m = _moments(jnp.asarray(Z), jnp.asarray(y), jnp.asarray(w))
        coef, intercept = _solve(m, jnp.float64(alpha), jnp.asarray(mask))
        return np.asarray(coef), np.asarray(intercept)


@pytest.mark.parametrize("alpha", [1e-3, 1.0])
def test_solve_ridge_mask_equals_fit_on_selected_columns(alpha):
    L = 2
    Z, y, w = _data(B, N, P, L=L, seed=12)
    mask = np.array(
        [[True, False, True, False], [False, False, False, True], [True] * 4]
    )
    coef, intercept = _masked_fit(Z, y, w, alpha, mask)
    assert coef.shape == (B, L, P)
    for i in range(B):
        cols = np.flatnonzero(mask[i])
        model = Ridge(alpha=alpha).fit(Z[i][:, cols], y[i], sample_weight=w[i])
        expected = np.zeros((L, P))
        expected[:, cols] = model.coef_
        _assert_close(coef[i], expected)
        _assert_close(intercept[i], model.intercept_)
        np.testing.assert_array_equal(coef[i][:, ~mask[i]], 0.0)


def test_solve_ridge_per_label_mask_and_empty_mask():
    L = 2
    Z, y, w = _data(B, N, P, L=L, seed=13)
    mask = np.zeros((B, L, P), bool)
    mask[:, 0, :2] = True  # label 0 uses features 0 and 1, label 1 none
    coef, intercept = _masked_fit(Z, y, w, 1.0, mask)
    for i in range(B):
        model = Ridge(alpha=1.0).fit(Z[i][:, :2], y[i][:, 0], sample_weight=w[i])
        _assert_close(coef[i, 0, :2], model.coef_)
        _assert_close(intercept[i, 0], model.intercept_)
        # no feature: the intercept is the weighted mean of the target
        np.testing.assert_array_equal(coef[i, 1], 0.0)
        _assert_close(intercept[i, 1], np.average(y[i][:, 1], weights=w[i]))
    np.testing.assert_array_equal(coef[:, 0, 2:], 0.0)


def test_solve_ridge_full_mask_equals_no_mask():
    Z, y, w = _data(B, N, P, L=2, seed=14)
    coef, intercept = _masked_fit(Z, y, w, 1.0, np.ones((B, P), bool))
    full, full_intercept, _ = weighted_ridge(Z, y, w, alpha=1.0)
    _assert_close(coef, full, rtol=1e-12)
    _assert_close(intercept, full_intercept, rtol=1e-12)


# ----------------------------------------------------------------------------
# float32
# ----------------------------------------------------------------------------


def test_float32_path():
    Z, y, w = _data(B, N, P, seed=15)
    coef, intercept, score = weighted_ridge(
        Z.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    )
    assert coef.dtype == intercept.dtype == score.dtype == np.float32
    c64, i64, s64 = weighted_ridge(Z, y, w)
    _assert_close(coef, c64, rtol=1e-3)
    _assert_close(intercept, i64, rtol=1e-3)
    _assert_close(score, s64, rtol=1e-3)


def test_float64_wins_over_float32():
    Z, y, w = _data(B, N, P, seed=16)
    coef, _, _ = weighted_ridge(Z, y.astype(np.float32), w.astype(np.float32))
    assert coef.dtype == np.float64


# ----------------------------------------------------------------------------
# Bad inputs
# ----------------------------------------------------------------------------


def _bad(case):
    Z, y, w = _data(2, 5, 3, seed=17)
    if case == "Z 2-D":
        Z = Z[0]
    elif case == "Z 4-D":
        Z = Z[..., None]
    elif case == "y rows":
        y = y[:1]
    elif case == "y samples":
        y = y[:, :4]
    elif case == "y 4-D":
        y = y[..., None, None]
    elif case == "w shape":
        w = w[:, :4]
    elif case == "w 1-D":
        w = w[0]
    elif case == "w negative":
        w[1, 2] = -0.1
    elif case == "w zero sum":
        w[1] = 0.0
    elif case == "w NaN":
        w[0, 0] = np.nan
    elif case == "w inf":
        w[0, 0] = np.inf
    elif case == "Z NaN":
        Z[1, 1, 1] = np.nan
    elif case == "Z inf":
        Z[1, 1, 1] = -np.inf
    elif case == "y NaN":
        y[0, 3] = np.nan
    elif case == "y inf":
        y[0, 3] = np.inf
    return Z, y, w


_BAD_CASES = {
    "Z 2-D": "Z",
    "Z 4-D": "Z",
    "y rows": "y",
    "y samples": "y",
    "y 4-D": "y",
    "w shape": "sample_weight",
    "w 1-D": "sample_weight",
    "w negative": "sample_weight",
    "w zero sum": "sample_weight",
    "w NaN": "sample_weight",
    "w inf": "sample_weight",
    "Z NaN": "Z",
    "Z inf": "Z",
    "y NaN": "y",
    "y inf": "y",
}


@pytest.mark.parametrize("case", list(_BAD_CASES))
def test_bad_inputs(case):
    Z, y, w = _bad(case)
    name = _BAD_CASES[case]
    match = (
        rf"\b{name}\b contains NaN or infinity"
        if "NaN" in case or "inf" in case
        else rf"\b{name}\b"
    )
    with pytest.raises(ValueError, match=match):
        weighted_ridge(Z, y, w)
