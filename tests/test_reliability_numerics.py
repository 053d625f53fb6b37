"""Reliability: numerics.

The surrogate ridge stays finite with constant, duplicate and collinear
interpretable features; float32 input is within a documented tolerance of a
float64 reference; discretized samples of data far from zero, or beyond
float32's range, keep their precision and stay in the bin their interpretable
feature claims. See ``doc/reliability.rst``.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import LimeExplainer

pytestmark = pytest.mark.usefixtures("small_chunks")

# Four features, 64 samples, two kept features, as in the other reliability
# tests: compiling the kernels dominates the time, and these shapes compile once.
MODES = {
    "quartile": {},
    "continuous": {"discretizer": None},
    "around": {"discretizer": None, "sample_around_instance": True},
    "groups": {"feature_groups": [0, 1, 2, 0]},
    "glime": {"sampler": "glime"},
}

#: float32 vs float64 on the same rows: |coef32 - coef64|, |intercept32 -
#: intercept64| and |local_pred32 - local_pred64| at most RTOL * max|coef64|,
#: |score32 - score64| at most SCORE_ATOL (observed: below 5e-7 and 2e-7; see
#: doc/reliability.rst).
RTOL = 1e-5
SCORE_ATOL = 1e-5


@pytest.mark.parametrize(
    "mode, method",
    [
        ("quartile", "forward_selection"),
        ("continuous", "lasso_path"),
        ("around", "highest_weights"),
        ("groups", "none"),
        ("glime", "highest_weights"),
    ],
)
def test_float32_within_tolerance_of_float64(cancer, mode, method, cases):
    # Real data: radius, texture, perimeter and area of breast cancer cells,
    # on scales from 10 to 2500.
    X, y, _ = cancer
    X32 = X[:, :4].astype(np.float32)
    X64 = X32.astype(np.float64)  # the same rows, so the same random streams
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X64, y)
    params = dict(
        n_samples=64,
        feature_selection=method,
        n_features=2,
        random_state=0,
        **MODES[mode],
    )
    cases("LimeExplainer.explain (float32 vs float64)", "fixed")
    e64 = LimeExplainer(model.predict_proba, **params).fit(X64).explain(X64[:8])
    e32 = LimeExplainer(model.predict_proba, **params).fit(X32).explain(X32[:8])
    assert e32.coef.dtype == np.float32 and e64.coef.dtype == np.float64
    np.testing.assert_array_equal(e32.coef != 0, e64.coef != 0)  # same selection
    scale = np.abs(e64.coef).max()
    for key in ("coef", "intercept", "local_pred"):
        np.testing.assert_allclose(
            getattr(e32, key), getattr(e64, key), rtol=0, atol=RTOL * scale, err_msg=key
        )
    np.testing.assert_allclose(e32.score, e64.score, rtol=0, atol=SCORE_ATOL)


@pytest.mark.parametrize(
    "mode, alpha, method",
    [
        ("quartile", 0.0, "forward_selection"),
        ("groups", 1.0, "none"),
        ("glime", 0.0, "highest_weights"),
        ("continuous", 0.0, "lasso_path"),
        ("around", 0.0, "highest_weights"),
    ],
)
def test_constant_duplicate_and_collinear_features(mode, alpha, method, cases):
    cases("LimeExplainer.explain (collinear features)", "fixed")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    X[:, 2] = 3.0  # constant: its "same bin" column is all ones
    if mode in ("continuous", "around"):
        X[:, 3] = X[:, 0] - 2 * X[:, 1]  # collinear standardised columns
    else:
        X[:, 3] = X[:, 0]  # duplicate "same bin" columns
    params = dict(
        n_samples=64,
        alpha=alpha,
        feature_selection=method,
        n_features=2,
        random_state=0,
        **MODES[mode],
    )
    explainer = LimeExplainer(lambda A: A[:, 0] + A[:, 1], **params).fit(X)
    exp = explainer.explain(X[:6])
    for key in ("coef", "intercept", "score", "local_pred"):
        assert np.isfinite(getattr(exp, key)).all(), key
    assert (exp.score >= -1e-9).all() and (exp.score <= 1 + 1e-9).all()
    if mode != "groups":  # constant feature: (numerically) no weight
        assert (np.abs(exp.coef[:, :, 2]) <= 1e-9 * np.abs(exp.coef).max()).all()


@settings(settings.get_profile("reliability"), max_examples=25)
@given(
    offset=st.sampled_from([0.0, 1e6, 1.7e9, 1e12, -1e15, 1e39]),
    spread=st.sampled_from([1e-3, 1.0, 100.0]),
    discretizer=st.sampled_from(["quartile", "decile"]),
    glime=st.booleans(),
    integer=st.booleans(),
    float32=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_discretized_samples_stay_in_their_bins(
    offset, spread, discretizer, glime, integer, float32, seed, cases
):
    """Samples far from zero keep their precision: Z says the bin truthfully.

    float32 sampling tables used to round timestamps (1.7e9 +- 100) to
    multiples of 128 and values beyond 3.4e38 to infinity, and a sample
    clipped to a bin's lower edge belongs to the bin below (bins are
    right-closed), so a sample that ``Z`` called "same bin as the instance"
    was sometimes in another bin.
    """
    cases("LimeExplainer.explain (bins far from zero)")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 3)) * spread
    if integer:
        X = np.round(X)
    if float32:  # beyond float32's range: as far as float32 goes
        offset = offset if abs(offset) < 1e38 else 1e30
    X = offset + X
    if float32:
        X = X.astype(np.float32)
    explainer = LimeExplainer(
        lambda A: np.tanh((A[:, 0] - offset) / spread),
        n_samples=64,
        discretizer=discretizer,
        sampler="glime" if glime else "lime",
        random_state=0,
    ).fit(X)
    X_model, Z = explainer._neighbourhood(X[:4])
    assert np.isfinite(X_model).all()
    disc = explainer.discretizer_
    bins = disc.transform(X_model.reshape(-1, 3)).reshape(X_model.shape)
    np.testing.assert_array_equal(Z, bins == bins[:, :1, :])
    for j in range(3):  # and inside the bin's training range
        lo, hi = (
            disc.bin_mins_[j][bins[..., j].astype(int)],
            disc.bin_maxs_[j][bins[..., j].astype(int)],
        )
        assert ((X_model[..., j] >= lo) & (X_model[..., j] <= hi)).all()
    exp = explainer.explain(X[:2])
    assert np.isfinite(exp.coef).all() and np.isfinite(exp.score).all()


@pytest.mark.parametrize("scale", [1e-12, 1e12])
@pytest.mark.parametrize("mode", ["continuous", "around", "glime"])
def test_gaussian_sampling_at_extreme_scales(scale, mode, cases):
    """Continuous mode at 1e-12 and 1e12: standardised samples, finite fits."""
    cases("LimeExplainer.explain (extreme scales)", "fixed")
    params = dict(MODES[mode])
    if mode == "glime":
        params["discretizer"] = None
    X = np.random.default_rng(0).normal(size=(50, 3)) * scale + 5 * scale
    explainer = LimeExplainer(
        lambda A: np.tanh(A[:, 0] / scale - 5), n_samples=64, random_state=0, **params
    ).fit(X)
    X_model, Z = explainer._neighbourhood(X[:3])
    assert np.isfinite(X_model).all() and np.isfinite(Z).all()
    assert np.abs(Z).max() < 50  # standardised: no 1e12 in the surrogate
    exp = explainer.explain(X[:3])
    assert np.isfinite(exp.coef).all()
    assert np.abs(exp.coef[:, 0, 0]).max() > 1e-3  # the model's feature is seen


def test_rows_far_outside_the_training_data_refused_not_nan(cases):
    """Standardised values too large for float32: an error naming X, no NaN."""
    cases("LimeExplainer.explain", "fixed")
    X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32) * 1e-8
    explainer = LimeExplainer(
        lambda A: np.tanh(A).sum(1),
        discretizer=None,
        sample_around_instance=True,
        n_samples=64,
        random_state=0,
    ).fit(X)
    with pytest.raises(ValueError, match=r"rows \[0, 1\] of X are not finite"):
        explainer.explain(np.full((2, 3), 1e20, np.float32))
    assert np.isfinite(explainer.transform(X[:2])).all()  # and still usable
