"""Reliability: every public tabular entry point on random, extreme and bad input.

Property-based (hypothesis, derandomized, bounded example counts): each call
either returns finite, documented results or raises ``ValueError`` /
``TypeError`` whose message names the argument; never another exception type,
never NaN or infinity in the output. Shapes are drawn from small sets because
JAX compiles once per shape. See ``doc/reliability.rst``.
"""

import re
import warnings

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklime import (
    Discretizer,
    LimeExplainer,
    apply_masks,
    pairwise_distances,
    sample_binned,
    sample_categorical,
    sample_gaussian,
    sample_masks,
    sample_truncated_normal,
    weighted_ridge,
)

pytestmark = pytest.mark.usefixtures("small_chunks")


def fast(max_examples):
    """The reliability profile (tests/conftest.py) with ``max_examples``."""
    return settings(settings.get_profile("reliability"), max_examples=max_examples)


SCALES = [1e-12, 1e-6, 1.0, 1e6, 1e12]


def _raises_named(call, *names):
    """``call()`` raises ValueError/TypeError whose message names one of ``names``."""
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    message = str(info.value)
    assert any(re.search(rf"\b{re.escape(n)}\b", message) for n in names), message
    return info.value


def _assert_finite(*arrays):
    for a in arrays:
        a = np.asarray(a)
        assert a.dtype.kind in "biuf", a.dtype
        assert np.isfinite(a).all(), a


# ----------------------------------------------------------------------------
# Random tables: structure from hypothesis, values from a seeded generator
# ----------------------------------------------------------------------------


@st.composite
def tables(
    draw,
    widths=(1, 2, 5),
    max_rows=30,
    dtypes=("float64", "float32"),
    offsets=(0.0, 0.0, 1e3, -1e6),
):
    """A valid training table with the awkward features real data has.

    Values are ``scale * (offset + N(0, 1))``: scales from 1e-12 to 1e12, and
    offsets that put the data far from zero relative to its spread.
    """
    n = draw(st.sampled_from([1, 2, 7, max_rows]))
    d = draw(st.sampled_from(widths))
    dtype = draw(st.sampled_from(dtypes))
    scale = draw(st.sampled_from(SCALES))
    offset = draw(st.sampled_from(offsets))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = offset * scale + scale * rng.standard_normal((n, d))
    if draw(st.booleans()):  # integer-valued (ties, many equal values)
        X = np.round(X / scale) * scale
    if d > 1 and draw(st.booleans()):  # a constant column
        X[:, draw(st.integers(0, d - 1))] = offset * scale + scale
    if d > 1 and draw(st.booleans()):  # a duplicate column
        j, k = draw(st.permutations(range(d)))[:2]
        X[:, k] = X[:, j]
    if dtype == "bool":
        return np.median(X) < X
    if dtype == "int64":
        return np.round(X / scale).astype(np.int64)
    return X.astype(dtype)


def _model(kind, d, center=0.0, scale=1.0):
    """Well-behaved row-wise black boxes of every output shape; numpy only.

    ``center`` and ``scale`` (from the training data) make them scale-free.
    """
    w = np.linspace(1.0, -1.0, d)

    def score(A):
        A = np.asarray(A, dtype=np.float64)
        return np.tanh((A - center) / scale) @ w

    if kind == "regression":
        return lambda A: 3.0 * score(A) + 1.0
    if kind == "binary":  # 1-D probability of class 1, mode="classification"
        return lambda A: 1 / (1 + np.exp(-score(A)))
    if kind == "multiclass":

        def proba(A):
            s = score(A)
            logits = np.stack([s, -s, 0.5 * s], axis=1)
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

        return proba
    if kind == "steps":  # piecewise constant, like a tree
        return lambda A: np.floor(2 * score(A))
    return lambda A: np.full(len(A), 0.25)  # constant: zero-variance targets


MODELS = ["regression", "binary", "multiclass", "steps", "constant"]
MODES = ["quartile", "continuous", "groups", "glime"]


def _explainer(kind, mode, d, X=None, **params):
    params.setdefault("n_samples", 64)
    params.setdefault("random_state", 0)
    if mode == "continuous":
        params["discretizer"] = None
    elif mode == "groups":
        params["feature_groups"] = np.arange(d) % 2
    elif mode == "glime":
        params["sampler"] = "glime"
    if kind == "binary":
        params["mode"] = "classification"
    return LimeExplainer(_model(kind, d, *_centre_scale(X)), **params)


def _centre_scale(X):
    if X is None:
        return 0.0, 1.0
    X = np.asarray(X, dtype=np.float64)
    return float(np.median(X)), float(np.abs(X - np.median(X)).max() or 1.0)


# ----------------------------------------------------------------------------
# LimeExplainer
# ----------------------------------------------------------------------------


def _check_explanation(exp, explainer, X_rows, kind):
    m = len(X_rows)
    p = exp.coef.shape[2]
    L = exp.coef.shape[1]
    assert exp.coef.shape[0] == m
    assert exp.intercept.shape == exp.score.shape == exp.local_pred.shape == (m, L)
    assert exp.model_pred.shape == (m, explainer.n_outputs_)
    _assert_finite(exp.coef, exp.intercept, exp.score, exp.local_pred, exp.model_pred)
    # Ridge with an intercept fitted on its own samples: 0 <= R^2 <= 1.
    tol = 1e-3 if exp.coef.dtype == np.float32 else 1e-6
    assert (exp.score >= -tol).all() and (exp.score <= 1 + tol).all(), exp.score
    assert ((exp.coef != 0).sum(axis=2) <= min(explainer.n_features, p)).all()
    # The instance is its own first sample: model_pred is the model at the row.
    direct = np.asarray(explainer.predict_fn(np.asarray(X_rows)), float)
    direct = direct.reshape(m, -1)
    if kind == "binary":
        direct = np.hstack([1 - direct, direct])
    np.testing.assert_allclose(exp.model_pred, direct, rtol=1e-5, atol=1e-6)


@fast(30)
@given(
    X=tables(dtypes=("float64", "float32", "int64", "bool")),
    kind=st.sampled_from(MODELS),
    mode=st.sampled_from(MODES),
    rows=st.sampled_from(["train", "far", "single"]),
)
def test_explainer_fit_explain_transform_score(X, kind, mode, rows, cases):
    d = X.shape[1]
    explainer = _explainer(kind, mode, d, X)
    for entry_point in ("fit", "explain", "transform", "score"):
        cases(f"LimeExplainer.{entry_point}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # constant "probabilities"
        explainer.fit(X)
        if rows == "train":
            Xe = X[:3]
        elif rows == "single":
            Xe = X[-1:]
        else:  # rows outside the training range (bins' tails, Gaussian tails)
            Xe = (X[:2].astype(np.float64) * 1e3 + 7).astype(X.dtype)
        exp = explainer.explain(Xe)
        _check_explanation(exp, explainer, Xe, kind)
        attributions = explainer.transform(Xe)
        score = explainer.score(Xe)
    assert attributions.shape == (len(Xe), d)
    _assert_finite(attributions)
    assert np.isfinite(score)
    # Same seed, same row: the same explanation, every call.
    weights = exp.coef if mode != "groups" else exp.column_weights()
    np.testing.assert_array_equal(attributions, weights[:, 0, :])


@fast(15)
@given(
    X=tables(widths=(3,), max_rows=12),
    bad=st.sampled_from([np.nan, np.inf, -np.inf]),
    where=st.sampled_from(["fit", "explain"]),
    mode=st.sampled_from(MODES),
    data=st.data(),
)
def test_explainer_nan_inf_named(X, bad, where, mode, data, cases):
    X = X.astype(np.float64)
    i = data.draw(st.integers(0, X.shape[0] - 1))
    j = data.draw(st.integers(0, X.shape[1] - 1))
    Xb = X.copy()
    Xb[i, j] = bad
    explainer = _explainer("regression", mode, X.shape[1])
    if where == "fit":
        cases("LimeExplainer.fit")
        _raises_named(lambda: explainer.fit(Xb), "X")
    else:
        explainer.fit(X)
        for method in ("explain", "transform", "score"):
            cases(f"LimeExplainer.{method}")
            _raises_named(lambda m=method: getattr(explainer, m)(Xb), "X")


def test_explainer_thousand_features(cases):
    """1000 features, 30 rows, 50 samples: wide data with fewer rows than features."""
    X = np.random.default_rng(0).normal(size=(30, 1000))
    explainer = LimeExplainer(
        lambda A: np.tanh(np.asarray(A)[:, :3].sum(axis=1)),
        n_samples=50,
        random_state=0,
    ).fit(X)
    cases("LimeExplainer.explain", "fixed")
    exp = explainer.explain(X[:2])
    _assert_finite(exp.coef, exp.intercept, exp.score, exp.local_pred)
    assert ((exp.coef != 0).sum(axis=2) == 10).all()


_BAD_X = {
    "1-D": np.ones(3),
    "3-D": np.ones((2, 1, 3)),
    "no rows": np.ones((0, 3)),
    "no columns": np.ones((2, 0)),
    "complex": np.ones((2, 3)) + 1j,
    "strings": np.full((2, 3), "a"),
    "NaN": np.array([[0.0, np.nan, 1.0]]),
    "inf": np.array([[0.0, np.inf, 1.0]]),
    "wrong width": np.ones((2, 4)),
}


@pytest.fixture(scope="module")
def fitted():
    X = np.random.default_rng(0).normal(size=(20, 3))
    return LimeExplainer(_model("regression", 3), n_samples=32, random_state=0).fit(X)


@pytest.mark.parametrize("case", list(_BAD_X))
@pytest.mark.parametrize("method", ["explain", "transform", "score"])
def test_explainer_bad_X_named(fitted, case, method, cases):
    cases(f"LimeExplainer.{method}", "fixed")
    _raises_named(lambda: getattr(fitted, method)(_BAD_X[case]), "X")


@pytest.mark.parametrize("case", [c for c in _BAD_X if c != "wrong width"])
def test_explainer_fit_bad_X_named(case, cases):
    cases("LimeExplainer.fit", "fixed")
    explainer = LimeExplainer(_model("regression", 3), n_samples=32)
    _raises_named(lambda: explainer.fit(_BAD_X[case]), "X")


@pytest.mark.parametrize(
    "params, name",
    [
        ({"kernel_width": 0.0}, "kernel_width"),
        ({"kernel_width": np.nan}, "kernel_width"),
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": np.inf}, "alpha"),
        ({"n_samples": 1}, "n_samples"),
        ({"n_features": 0}, "n_features"),
        ({"batch_size": 0}, "batch_size"),
        ({"categorical_features": [7]}, "categorical_features"),
        ({"categorical_features": [0.5]}, "categorical_features"),
        ({"feature_groups": [0, 1]}, "feature_groups"),
        ({"feature_groups": [0, 1, 0], "baseline": np.nan}, "baseline"),
        ({"feature_groups": [0, 1, 0], "baseline": [1.0]}, "baseline"),
        ({"prior": [np.nan] * 3}, "prior"),
        ({"prior": [1.0, 2.0]}, "prior"),
        ({"labels": -1}, "labels"),
        ({"metric": "manhattan"}, "metric"),
        ({"sampler": "glime", "metric": "cosine"}, "sampler"),
        ({"predict_fn": None}, "predict_fn"),
        ({"predict_fn": "model"}, "predict_fn"),
    ],
)
def test_explainer_bad_parameters_named(params, name, cases):
    cases("LimeExplainer.fit", "fixed")
    X = np.random.default_rng(0).normal(size=(10, 3))
    explainer = LimeExplainer(_model("regression", 3), n_samples=16)
    explainer.set_params(**params)
    _raises_named(lambda: explainer.fit(X), name)


@pytest.mark.parametrize("width", [1e-300, 1e-12, 1e12, 1e300])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_explainer_extreme_kernel_widths(width, mode, dtype, cases):
    cases("LimeExplainer.explain", "fixed")
    X = np.random.default_rng(1).normal(size=(20, 3)).astype(dtype)
    explainer = _explainer("regression", mode, 3, kernel_width=width).fit(X)
    exp = explainer.explain(X[:2])
    _assert_finite(exp.coef, exp.intercept, exp.score, exp.local_pred)


# ----------------------------------------------------------------------------
# Discretizer
# ----------------------------------------------------------------------------


@fast(20)
@given(
    X=tables(widths=(1, 3, 8), dtypes=("float64", "float32", "int64", "bool")),
    n_bins=st.sampled_from([2, 4, 10]),
    strategy=st.sampled_from(["quantile", "entropy"]),
    encode=st.sampled_from(["ordinal", "onehot"]),
    seed=st.integers(0, 3),
)
def test_discretizer_round_trips(X, n_bins, strategy, encode, seed, cases):
    for entry_point in ("fit", "transform", "inverse_transform", "sample"):
        cases(f"Discretizer.{entry_point}")
    y = np.arange(X.shape[0]) % 2 if strategy == "entropy" else None
    disc = Discretizer(n_bins=n_bins, strategy=strategy, encode=encode, random_state=0)
    Xt = disc.fit(X, y).transform(X)
    _assert_finite(Xt)
    assert Xt.shape[0] == X.shape[0]
    inv = disc.inverse_transform(Xt)
    drawn = disc.sample(Xt, random_state=seed)
    _assert_finite(inv, drawn)
    assert inv.shape == drawn.shape == X.shape
    codes = Discretizer(n_bins=n_bins, strategy=strategy, random_state=0).fit(X, y)
    bins = codes.transform(X).astype(int)
    # Representative values and in-bin samples fall in the bin they stand for.
    np.testing.assert_array_equal(codes.transform(inv), bins)
    np.testing.assert_array_equal(codes.transform(drawn), bins)
    assert ((bins >= 0) & (bins < disc.n_bins_)).all()


_BAD_XT = {
    "1-D": np.zeros(3),
    "strings": np.full((1, 3), "a"),
    "NaN": np.array([[np.nan, 0.0, 0.0]]),
    "fraction": np.array([[0.5, 0.0, 0.0]]),
    "negative": np.array([[-1.0, 0.0, 0.0]]),
    "too large": np.array([[9.0, 0.0, 0.0]]),
    "wrong width": np.zeros((1, 4)),
}


@pytest.mark.parametrize("case", [c for c in _BAD_X if c != "wrong width"])
def test_discretizer_fit_bad_X_named(case, cases):
    cases("Discretizer.fit", "fixed")
    _raises_named(lambda: Discretizer().fit(_BAD_X[case]), "X")


@pytest.mark.parametrize("case", list(_BAD_X))
def test_discretizer_transform_bad_X_named(case, cases):
    cases("Discretizer.transform", "fixed")
    disc = Discretizer().fit(np.random.default_rng(0).normal(size=(20, 3)))
    _raises_named(lambda: disc.transform(_BAD_X[case]), "X")


@pytest.mark.parametrize("case", list(_BAD_XT))
@pytest.mark.parametrize("method", ["inverse_transform", "sample"])
def test_discretizer_bad_Xt_named(case, method, cases):
    cases(f"Discretizer.{method}", "fixed")
    disc = Discretizer().fit(np.random.default_rng(0).normal(size=(20, 3)))
    _raises_named(lambda: getattr(disc, method)(_BAD_XT[case]), "Xt")


def test_discretizer_entropy_needs_labels_named(cases):
    X = np.random.default_rng(0).normal(size=(20, 2))
    for y in (None, X[:, 0], [0, 1]):
        cases("Discretizer.fit", "fixed")
        _raises_named(lambda y=y: Discretizer(strategy="entropy").fit(X, y), "y")


# ----------------------------------------------------------------------------
# pairwise_distances
# ----------------------------------------------------------------------------


@fast(25)
@given(
    X=tables(
        widths=(1, 3, 1000), max_rows=20, dtypes=("float64", "float32"), offsets=(0.0,)
    ),
    metric=st.sampled_from(["euclidean", "cosine"]),
    other=st.booleans(),
)
def test_pairwise_distances_finite_and_consistent(X, metric, other, cases):
    cases("pairwise_distances")
    Y = X[::-1] * 0.5 if other else None
    D = pairwise_distances(X, Y, metric=metric)
    m = X.shape[0]
    assert D.shape == (m, m)
    _assert_finite(D)
    assert (D >= 0).all()
    if metric == "cosine":
        assert (D <= 2).all()
    if Y is None:
        np.testing.assert_array_equal(np.diag(D), 0)
        np.testing.assert_allclose(D, D.T, rtol=1e-4, atol=1e-6 * np.abs(D).max())


@pytest.mark.parametrize("case", [c for c in _BAD_X if c != "wrong width"])
def test_pairwise_distances_bad_input_named(case, cases):
    good = np.ones((1, 3))
    cases("pairwise_distances", "fixed")
    _raises_named(lambda: pairwise_distances(_BAD_X[case]), "X")
    cases("pairwise_distances", "fixed")
    _raises_named(lambda: pairwise_distances(good, _BAD_X[case]), "Y")


def test_pairwise_distances_bad_width_and_metric_named(cases):
    cases("pairwise_distances", "fixed")
    _raises_named(lambda: pairwise_distances(np.ones((2, 3)), np.ones((2, 4))), "Y")
    cases("pairwise_distances", "fixed")
    _raises_named(lambda: pairwise_distances(np.ones((2, 3)), metric="l1"), "metric")


# ----------------------------------------------------------------------------
# Samplers
# ----------------------------------------------------------------------------

# Two shapes (instances, samples per instance, features): JAX compiles per
# shape and dtype. (1, 1, 1) is the smallest case, the instance alone.
SHAPES = [(1, 1, 1), (3, 17, 4)]


def _keys(b, seed=0):
    return jax.random.split(jax.random.key(seed), b)


@fast(20)
@given(
    shape=st.sampled_from(SHAPES),
    dtype=st.sampled_from(["float64", "float32", "int64", "bool"]),
    scale=st.sampled_from(SCALES),
    centre=st.sampled_from(["instance", "vector", "rows"]),
    seed=st.integers(0, 2**16),
)
def test_sample_gaussian(shape, dtype, scale, centre, seed, cases):
    cases("sample_gaussian")
    b, n, d = shape
    rng = np.random.default_rng(seed)
    X = (scale * rng.standard_normal((b, d))).astype(dtype)
    center = {
        "instance": None,
        "vector": rng.standard_normal(d) * scale,
        "rows": rng.standard_normal((b, d)) * scale,
    }[centre]
    S = sample_gaussian(_keys(b, seed), X, n, center=center, scale=scale)
    assert S.shape == (b, n, d)
    assert S.dtype == (np.float32 if dtype == "float32" else np.float64)
    _assert_finite(S)
    np.testing.assert_array_equal(S[:, 0], X.astype(S.dtype))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"instances": np.ones(3)}, "instances"),
        ({"instances": np.ones((0, 3))}, "instances"),
        ({"instances": np.full((2, 3), np.nan)}, "instances"),
        ({"instances": np.full((2, 3), "a")}, "instances"),
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 2.5}, "n_samples"),
        ({"scale": -1.0}, "scale"),
        ({"scale": np.nan}, "scale"),
        ({"scale": np.ones(4)}, "scale"),
        ({"center": np.full(3, np.inf)}, "center"),
        ({"center": np.ones((3, 3))}, "center"),
        ({"keys": _keys(3)}, "keys"),
        ({"scale": 1e308, "instances": np.full((2, 3), 1.7e308)}, "scale"),
    ],
)
def test_sample_gaussian_bad_arguments_named(kwargs, name, cases):
    cases("sample_gaussian", "fixed")
    args = {"keys": _keys(2), "instances": np.zeros((2, 3)), "n_samples": 5}
    args.update(kwargs)
    _raises_named(lambda: sample_gaussian(**args), name)


@fast(20)
@given(
    shape=st.sampled_from([*SHAPES, (3, 17, 0)]),
    p=st.sampled_from([0.0, 1e-12, 0.5, 1.0, "vector"]),
    dtype=st.sampled_from([np.float32, np.float64, np.int32, bool]),
    seed=st.integers(0, 2**16),
)
def test_sample_masks(shape, p, dtype, seed, cases):
    cases("sample_masks")
    b, n, d = shape
    if p == "vector":
        p = np.linspace(0, 1, d)
    M = sample_masks(_keys(b, seed), n, d, p=p, dtype=dtype)
    assert M.shape == (b, n, d)
    assert np.isin(M, [0, 1]).all()
    assert (M[:, 0] == 1).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": -3}, "n_samples"),
        ({"n_features": -1}, "n_features"),
        ({"n_features": 1.5}, "n_features"),
        ({"p": 1.5}, "p"),
        ({"p": -0.1}, "p"),
        ({"p": np.nan}, "p"),
        ({"p": np.ones(5)}, "p"),
        ({"keys": np.zeros(3)}, "keys"),
    ],
)
def test_sample_masks_bad_arguments_named(kwargs, name, cases):
    cases("sample_masks", "fixed")
    args = {"keys": _keys(2), "n_samples": 5, "n_features": 3}
    args.update(kwargs)
    _raises_named(lambda: sample_masks(**args), name)


@fast(20)
@given(
    shape=st.sampled_from(SHAPES),
    dtype=st.sampled_from(["float64", "float32", "int64", "bool"]),
    scale=st.sampled_from(SCALES),
    baseline=st.sampled_from(["scalar", "vector", "rows"]),
    seed=st.integers(0, 2**16),
)
def test_apply_masks(shape, dtype, scale, baseline, seed, cases):
    cases("apply_masks")
    b, n, d = shape
    rng = np.random.default_rng(seed)
    X = (scale * rng.standard_normal((b, d))).astype(dtype)
    base = {
        "scalar": scale,
        "vector": rng.standard_normal(d) * scale,
        "rows": rng.standard_normal((b, d)) * scale,
    }[baseline]
    masks = sample_masks(_keys(b, seed), n, d)
    S = apply_masks(masks, X, base)
    assert S.shape == (b, n, d)
    assert S.dtype == (np.float32 if dtype == "float32" else np.float64)
    _assert_finite(S)
    expected = np.where(
        masks > 0,
        X.astype(S.dtype)[:, None, :],
        np.broadcast_to(np.asarray(base, S.dtype), (b, d))[:, None, :],
    )
    np.testing.assert_array_equal(S, expected)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"masks": np.ones((2, 5))}, "masks"),
        ({"masks": np.ones((3, 5, 3))}, "masks"),
        ({"masks": np.full((2, 5, 3), 1.5)}, "masks"),
        ({"masks": np.full((2, 5, 3), np.nan)}, "masks"),
        ({"instances": np.ones(3)}, "instances"),
        ({"instances": np.ones((2, 4))}, "instances"),
        ({"instances": np.full((2, 3), np.inf)}, "instances"),
        ({"instances": np.full((2, 3), "a")}, "instances"),
        ({"baseline": np.ones(4)}, "baseline"),
        ({"baseline": np.nan}, "baseline"),
        ({"baseline": "a"}, "baseline"),
    ],
)
def test_apply_masks_bad_arguments_named(kwargs, name, cases):
    cases("apply_masks", "fixed")
    args = {"masks": np.ones((2, 5, 3)), "instances": np.zeros((2, 3)), "baseline": 0.0}
    args.update(kwargs)
    _raises_named(lambda: apply_masks(**args), name)


@st.composite
def frequency_tables(draw, d):
    K = draw(st.sampled_from([1, 20]))  # 1: a single category; 20: searchsorted
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    f = rng.random((d, K)) * draw(st.sampled_from(SCALES))
    f[rng.random((d, K)) < 0.3] = 0  # empty categories
    f[:, rng.integers(K)] += 1e-12 if draw(st.booleans()) else 1.0
    return f


@fast(20)
@given(shape=st.sampled_from(SHAPES), data=st.data())
def test_sample_categorical(shape, data, cases):
    cases("sample_categorical")
    b, n, d = shape
    f = data.draw(frequency_tables(d))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    codes = rng.integers(0, f.shape[1], (b, d))
    C = sample_categorical(_keys(b), codes, f, n)
    assert C.shape == (b, n, d)
    np.testing.assert_array_equal(C[:, 0], codes)
    # Drawn categories have a positive frequency.
    drawn = C[:, 1:].reshape(-1, d)
    assert (f[np.arange(d), drawn] > 0).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"instances": np.zeros(2, int)}, "instances"),
        ({"instances": np.zeros((0, 2), int)}, "instances"),
        ({"instances": np.full((2, 2), 5)}, "instances"),
        ({"instances": np.full((2, 2), -1)}, "instances"),
        ({"instances": np.full((2, 2), 0.5)}, "instances"),
        ({"instances": np.full((2, 2), np.nan)}, "instances"),
        ({"frequencies": np.ones((3, 3))}, "frequencies"),
        ({"frequencies": np.ones(3)}, "frequencies"),
        ({"frequencies": -np.ones((2, 3))}, "frequencies"),
        ({"frequencies": np.zeros((2, 3))}, "frequencies"),
        ({"frequencies": np.full((2, 3), np.nan)}, "frequencies"),
        ({"n_samples": 0}, "n_samples"),
        ({"keys": _keys(3)}, "keys"),
    ],
)
def test_sample_categorical_bad_arguments_named(kwargs, name, cases):
    cases("sample_categorical", "fixed")
    args = {
        "keys": _keys(2),
        "instances": np.zeros((2, 2), int),
        "frequencies": np.ones((2, 3)),
        "n_samples": 5,
    }
    args.update(kwargs)
    _raises_named(lambda: sample_categorical(**args), name)


@fast(30)
@given(
    mean=st.sampled_from([0.0, -3.0, 1e12, -1e-12]),
    std=st.sampled_from([0.0, 1e-12, 1.0, 1e12, -1.0]),
    lower=st.sampled_from([-np.inf, -1.0, 0.0, 50.0, 1e12]),
    width=st.sampled_from([0.0, 1e-9, 1.0, 1e6, np.inf]),
    dtype=st.sampled_from([None, np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_sample_truncated_normal(mean, std, lower, width, dtype, seed, cases):
    cases("sample_truncated_normal")
    upper = lower + width if np.isfinite(lower) else width - 1
    v = sample_truncated_normal(
        jax.random.key(seed), mean, std, lower, upper, (64,), dtype=dtype
    )
    assert v.shape == (64,)
    _assert_finite(v)
    if lower <= upper:
        lo, hi = (np.asarray(b, v.dtype) for b in (lower, upper))
        assert ((v >= lo) & (v <= hi)).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"mean": np.nan}, "mean"),
        ({"mean": np.inf}, "mean"),
        ({"std": np.nan}, "std"),
        ({"lower": np.nan}, "lower"),
        ({"upper": np.nan}, "upper"),
        ({"lower": np.inf, "upper": np.inf}, "lower"),
        ({"lower": -np.inf, "upper": -np.inf}, "upper"),
        ({"mean": 1e300, "dtype": np.float32}, "mean"),
        ({"mean": np.zeros(3), "shape": (4,)}, "shape"),
        ({"mean": "a"}, "mean"),
        ({"dtype": np.int32}, "dtype"),
    ],
)
def test_sample_truncated_normal_bad_arguments_named(kwargs, name, cases):
    cases("sample_truncated_normal", "fixed")
    args = {
        "key": jax.random.key(0),
        "mean": 0.0,
        "std": 1.0,
        "lower": -1.0,
        "upper": 1.0,
        "shape": (4,),
    }
    args.update(kwargs)
    _raises_named(lambda: sample_truncated_normal(**args), name)


@fast(20)
@given(
    shape=st.sampled_from(SHAPES),
    scale=st.sampled_from(SCALES),
    dtype=st.sampled_from([np.float64, np.float32]),
    data=st.data(),
)
def test_sample_binned(shape, scale, dtype, data, cases):
    cases("sample_binned")
    b, n, d = shape
    f = data.draw(frequency_tables(d))
    K = f.shape[1]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    edges = np.sort(rng.standard_normal((d, K + 1)), axis=1) * scale
    lower, upper = edges[:, :-1], edges[:, 1:]
    mean = lower + rng.random((d, K)) * (upper - lower)
    std = rng.random((d, K)) * scale * data.draw(st.sampled_from([0.0, 1.0]))
    bins = rng.integers(0, K, (b, d))
    X = mean[np.arange(d), bins].astype(dtype)
    B, V = sample_binned(_keys(b), X, bins, f, mean, std, lower, upper, n)
    assert B.shape == V.shape == (b, n, d)
    _assert_finite(V)
    lo = lower.astype(V.dtype)[np.arange(d), B]
    hi = upper.astype(V.dtype)[np.arange(d), B]
    assert ((V[:, 1:] >= lo[:, 1:]) & (V[:, 1:] <= hi[:, 1:])).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"instances": np.full((2, 1), np.nan)}, "instances"),
        ({"instances": np.ones(2)}, "instances"),
        ({"instance_bins": np.full((2, 1), 3)}, "instance_bins"),
        ({"instance_bins": np.zeros((3, 1), int)}, "instance_bins"),
        ({"frequencies": np.ones((2, 2))}, "frequencies"),
        ({"mean": np.full((1, 2), np.nan)}, "mean"),
        ({"std": np.full((1, 2), np.inf)}, "std"),
        ({"lower": np.ones((1, 3))}, "lower"),
        ({"n_samples": 0}, "n_samples"),
    ],
)
def test_sample_binned_bad_arguments_named(kwargs, name, cases):
    cases("sample_binned", "fixed")
    args = {
        "keys": _keys(2),
        "instances": np.full((2, 1), 0.5),
        "instance_bins": np.zeros((2, 1), int),
        "frequencies": np.ones((1, 2)),
        "mean": np.array([[0.5, 1.5]]),
        "std": np.ones((1, 2)),
        "lower": np.array([[0.0, 1.0]]),
        "upper": np.array([[1.0, 2.0]]),
        "n_samples": 5,
    }
    args.update(kwargs)
    _raises_named(lambda: sample_binned(**args), name)


# ----------------------------------------------------------------------------
# weighted_ridge
# ----------------------------------------------------------------------------


@fast(20)
@given(
    # (b, n, p, L), L=None for y of shape (b, n). (1, 12, 80): fewer samples
    # than features, and a system too large for the unrolled Cholesky.
    shape=st.sampled_from([(1, 1, 1, None), (3, 40, 4, 2), (1, 12, 80, None)]),
    z_scale=st.sampled_from(SCALES),
    y_scale=st.sampled_from([1e-300, *SCALES, 1e300]),
    alpha=st.sampled_from([0.0, 1e-12, 1.0, 1e12]),
    dtype=st.sampled_from(["float64", "float32", "int64", "bool"]),
    structure=st.sampled_from(["random", "constant", "duplicate", "binary"]),
    weights=st.sampled_from(["ones", "random", "one positive", "tiny"]),
    seed=st.integers(0, 2**16),
)
def test_weighted_ridge(
    shape, z_scale, y_scale, alpha, dtype, structure, weights, seed, cases
):
    cases("weighted_ridge")
    b, n, p, L = shape
    shape = (b, n, p)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(shape)
    if structure == "constant":
        Z[..., 0] = 1.0
    elif structure == "duplicate" and p > 1:
        Z[..., -1] = Z[..., 0]
    elif structure == "binary":
        Z = (Z > 0).astype(float)
    Z = Z * z_scale
    if dtype == "bool":
        Z = Z > 0
    elif dtype == "int64":
        Z = np.round(Z).astype(np.int64)
    else:
        Z = Z.astype(dtype)
    y = rng.standard_normal((b, n) if L is None else (b, n, L))
    if dtype == "float32":
        y_scale = min(max(y_scale, 1e-30), 1e30)  # representable in float32
    y = y * y_scale
    w = {
        "ones": np.ones((b, n)),
        "random": rng.random((b, n)),
        "one positive": np.eye(n)[np.zeros(b, int)],
        "tiny": np.full((b, n), 1e-12),
    }[weights]
    coef, intercept, score = weighted_ridge(Z, y, w, alpha=alpha)
    assert coef.shape == ((b, p) if L is None else (b, L, p))
    assert intercept.shape == score.shape == ((b,) if L is None else (b, L))
    _assert_finite(coef, intercept, score)
    tol = 1e-3 if coef.dtype == np.float32 else 1e-6
    assert (score >= -tol).all() and (score <= 1 + tol).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"Z": np.ones((2, 5))}, "Z"),
        ({"Z": np.ones((2, 0, 3))}, "Z"),
        ({"Z": np.ones((2, 5, 0))}, "Z"),
        ({"Z": np.full((2, 5, 3), "a")}, "Z"),
        ({"Z": np.random.default_rng(0).normal(size=(2, 5, 3)) * 1e200}, "Z"),
        ({"y": np.ones((2, 4))}, "y"),
        ({"y": np.full((2, 5), np.nan)}, "y"),
        ({"y": np.full((2, 5), 1j)}, "y"),
        ({"sample_weight": -np.ones((2, 5))}, "sample_weight"),
        ({"sample_weight": np.zeros((2, 5))}, "sample_weight"),
        ({"sample_weight": np.ones((2, 4))}, "sample_weight"),
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": np.nan}, "alpha"),
        ({"alpha": np.inf}, "alpha"),
        ({"alpha": "a"}, "alpha"),
        ({"alpha": np.ones(2)}, "alpha"),
    ],
)
def test_weighted_ridge_bad_arguments_named(kwargs, name, cases):
    cases("weighted_ridge", "fixed")
    rng = np.random.default_rng(0)
    args = {
        "Z": rng.normal(size=(2, 5, 3)),
        "y": rng.normal(size=(2, 5)),
        "sample_weight": np.ones((2, 5)),
        "alpha": 1.0,
    }
    args.update(kwargs)
    _raises_named(lambda: weighted_ridge(**args), name)
