"""Tests of sklime.pairwise_distances and sklime.row_distances."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import pairwise_distances as sk_pairwise_distances

from sklime import pairwise_distances, row_distances
from sklime._engine._precision import x64_scope
from sklime._engine._shapes import bucket
from sklime._similarity._distances import _pairwise_kernel

METRICS = ["euclidean", "cosine"]
DTYPES = [np.float32, np.float64]


def _expected_dtype(X, Y):
    if X.dtype == np.float32 and (Y is None or Y.dtype == np.float32):
        return np.float32
    return np.float64


def _tolerance(metric, dtype, n_features, scale):
    """Absolute error bound of a distance computed in ``dtype``.

    Euclidean distances use the expansion ``|x|^2 + |y|^2 - 2 x.y`` (sklime after
    centring on a point of norm <= ``scale``, scikit-learn without); its absolute
    error is about ``(n_features + 2) * eps * (|x|^2 + |y|^2)`` with norms below
    ``2 * scale``, so the distance, a square root, is off by at most
    ``sqrt(8 * (n_features + 2) * eps) * 2 * scale`` (``|sqrt(a) - sqrt(b)| <=
    sqrt(|a - b|)``).  The cosine distance is ``1 - x.y`` of unit vectors: an
    absolute error of a few ``(n_features + 2) * eps``.  A factor 4 leaves room for
    the reference's own rounding.
    """
    eps = np.finfo(dtype).eps
    if metric == "euclidean":
        return 4 * np.sqrt(8 * (n_features + 2) * eps) * 2 * scale
    return 4 * 4 * (n_features + 2) * eps


def _check_against_sklearn(X, Y, metric):
    D = pairwise_distances(X, Y, metric=metric)
    expected = sk_pairwise_distances(X, Y, metric=metric)
    dtype = _expected_dtype(X, Y)
    assert D.dtype == dtype
    assert expected.dtype == dtype
    assert D.shape == (X.shape[0], X.shape[0] if Y is None else Y.shape[0])
    assert not np.isnan(D).any()
    assert (D >= 0).all()
    rows = X if Y is None else np.vstack([X, Y])
    scale = max(np.sqrt((rows.astype(np.float64) ** 2).sum(axis=1)).max(), 1e-300)
    atol = _tolerance(metric, dtype, X.shape[1], scale)
    np.testing.assert_allclose(D, expected, rtol=0, atol=atol)
    if Y is None:
        assert (np.diag(D) == 0).all()
    return D


# Finite values of varied magnitude, with exact zeros (zero vectors for cosine).
_values = st.one_of(
    st.just(0.0),
    st.floats(1e-3, 1e3, allow_subnormal=False),
    st.floats(-1e3, -1e-3, allow_subnormal=False),
)


@st.composite
def _pairs(draw):
    # At most 16 rows (one shape bucket) and 4 columns: few compilations.
    n_features = draw(st.integers(1, 4))
    x_dtype = draw(st.sampled_from(DTYPES))
    y_dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, 16))
    X = draw(arrays(x_dtype, (n, n_features), elements=_values))
    Y = None
    if draw(st.booleans()):
        m = draw(st.integers(1, 16))
        Y = draw(arrays(y_dtype, (m, n_features), elements=_values))
    return X, Y


@settings(max_examples=30, deadline=None, derandomize=True)
@given(_pairs(), st.sampled_from(METRICS))
def test_matches_sklearn(pair, metric):
    X, Y = pair
    _check_against_sklearn(X, Y, metric)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e6])
def test_random_data_any_scale(metric, dtype, scale):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(16, 4)) * scale).astype(dtype)
    Y = (rng.normal(size=(7, 4)) * scale).astype(dtype)
    _check_against_sklearn(X, Y, metric)
    _check_against_sklearn(X, None, metric)


@pytest.mark.parametrize("metric", METRICS)
def test_far_from_origin(metric):
    # Points close together, far from the origin: the case where the expansion
    # loses most; the tolerance scales with the norms.
    rng = np.random.default_rng(1)
    X = 1e4 + rng.normal(size=(10, 3))
    _check_against_sklearn(X, None, metric)
    _check_against_sklearn(X, X[:4] + 1e-3, metric)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(
    ("x_dtype", "y_dtype", "expected"),
    [
        (np.float32, np.float32, np.float32),
        (np.float32, np.float64, np.float64),
        (np.float64, np.float32, np.float64),
        (np.float64, np.float64, np.float64),
        (np.int64, np.int64, np.float64),
    ],
)
def test_output_dtype(metric, x_dtype, y_dtype, expected):
    X = np.array([[1, 2], [3, 5]], dtype=x_dtype)
    Y = np.array([[0, 1]], dtype=y_dtype)
    assert pairwise_distances(X, Y, metric=metric).dtype == expected
    assert pairwise_distances(X, metric=metric).dtype == (
        np.float32 if x_dtype == np.float32 else np.float64
    )


def test_float64_keeps_its_precision():
    # Two points 1e-4 apart around 1.  In float64 the expansion's error in d**2
    # is ~1e-16, so d is exact to ~1e-12; computed in float32 (error in d**2
    # ~1e-7) it would be off by ~5e-4, more than the distance itself.
    X = np.array([[1.0], [1.0 + 1e-4]])
    D = pairwise_distances(X, X[::-1])
    np.testing.assert_allclose(D[0, 0], 1e-4, rtol=1e-6)
    np.testing.assert_allclose(D[1, 1], 1e-4, rtol=1e-6)


@pytest.mark.parametrize("metric", METRICS)
def test_diagonal_exactly_zero(metric):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(25, 4)) * 1e3 + 5e3
    D = pairwise_distances(X, metric=metric)
    assert (np.diag(D) == 0).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_euclidean_symmetric_and_non_negative(dtype):
    rng = np.random.default_rng(3)
    X = (rng.normal(size=(12, 3)) + 100).astype(dtype)
    X[5] = X[4]  # a duplicate row: distance 0 off the diagonal, never negative
    D = pairwise_distances(X)
    assert (D >= 0).all()
    np.testing.assert_allclose(D, D.T, atol=_tolerance("euclidean", dtype, 3, 110))
    assert D[4, 5] <= _tolerance("euclidean", dtype, 3, 110)


def test_cosine_zero_vectors():
    X = np.array([[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]])
    Y = np.array([[0.0, 0.0], [-3.0, 1.0]])
    D = pairwise_distances(X, Y, metric="cosine")
    expected = sk_pairwise_distances(X, Y, metric="cosine")
    np.testing.assert_allclose(D, expected, atol=1e-12)
    # scikit-learn's convention: a zero vector is at distance 1 from everything,
    # itself included, except on the diagonal of X against itself.
    assert D[0, 0] == 1.0
    assert D[0, 1] == 1.0
    assert D[1, 0] == 1.0
    D_same = pairwise_distances(X, metric="cosine")
    np.testing.assert_array_equal(np.diag(D_same), 0.0)
    assert D_same[0, 2] == 1.0
    np.testing.assert_allclose(
        D_same, sk_pairwise_distances(X, metric="cosine"), atol=1e-12
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_cosine_scale_invariant(dtype):
    # The cosine distance ignores the norms, however small or large they are.
    # (scikit-learn's normalize leaves rows with norm < 10 * eps unnormalised,
    # so it differs from the exact value for such tiny rows.)
    rng = np.random.default_rng(9)
    X = rng.normal(size=(6, 4)).astype(dtype)
    D = pairwise_distances(X, metric="cosine")
    atol = _tolerance("cosine", dtype, 4, 1.0)
    for scale in (1e-6, 1e-3, 1e3, 1e6):
        Xs = (X * dtype(scale)).astype(dtype)
        np.testing.assert_allclose(
            pairwise_distances(Xs, metric="cosine"), D, atol=atol
        )


def test_cosine_range_and_exact_values():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [1.0, 1.0]])
    D = pairwise_distances(X, metric="cosine")
    assert ((D >= 0) & (D <= 2)).all()
    np.testing.assert_allclose(D[0, 1], 1.0, atol=1e-15)
    np.testing.assert_allclose(D[0, 2], 2.0, atol=1e-15)
    np.testing.assert_allclose(D[0, 3], 1 - np.sqrt(0.5), atol=1e-15)


@pytest.mark.parametrize("metric", METRICS)
def test_single_row(metric):
    X = np.array([[1.0, -2.0, 3.0]])
    D = pairwise_distances(X, metric=metric)
    assert D.shape == (1, 1)
    assert D[0, 0] == 0
    D = pairwise_distances(X, [[1.0, 2.0, 3.0]], metric=metric)
    assert D.shape == (1, 1)
    np.testing.assert_allclose(
        D, sk_pairwise_distances(X, [[1.0, 2.0, 3.0]], metric=metric), atol=1e-12
    )


@pytest.mark.parametrize("metric", METRICS)
def test_one_feature(metric):
    X = np.array([[-2.0], [0.0], [3.0]])
    Y = np.array([[1.0], [-1.0]])
    D = pairwise_distances(X, Y, metric=metric)
    np.testing.assert_allclose(
        D, sk_pairwise_distances(X, Y, metric=metric), atol=1e-12
    )
    if metric == "euclidean":
        np.testing.assert_allclose(D, np.abs(X - Y.T), atol=1e-12)


def test_accepts_lists_and_returns_numpy():
    D = pairwise_distances([[0.0, 0.0], [3.0, 4.0]])
    assert type(D) is np.ndarray
    assert D.flags.c_contiguous
    np.testing.assert_allclose(D, [[0.0, 5.0], [5.0, 0.0]], atol=1e-12)


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------

_GOOD = np.ones((2, 3))

_BAD_ARRAYS = {
    "1-D": np.ones(3),
    "3-D": np.ones((2, 1, 3)),
    "no rows": np.ones((0, 3)),
    "no columns": np.ones((2, 0)),
    "NaN": np.array([[0.0, np.nan, 1.0]]),
    "inf": np.array([[0.0, np.inf, 1.0]]),
    "-inf": np.array([[0.0, 1.0, -np.inf]]),
}


@pytest.mark.parametrize("case", list(_BAD_ARRAYS))
def test_bad_X_named_in_error(case):
    with pytest.raises(ValueError, match=r"\bX\b"):
        pairwise_distances(_BAD_ARRAYS[case])


@pytest.mark.parametrize("case", list(_BAD_ARRAYS))
def test_bad_Y_named_in_error(case):
    Y = _BAD_ARRAYS[case]
    X = _GOOD[:, : Y.shape[-1]] if Y.ndim == 2 and Y.shape[1] else _GOOD
    with pytest.raises(ValueError, match=r"\bY\b"):
        pairwise_distances(X, Y, metric="cosine")


def test_mismatched_widths():
    with pytest.raises(ValueError, match=r"\bX\b.*\bY\b|\bY\b.*\bX\b"):
        pairwise_distances(np.ones((2, 3)), np.ones((2, 4)))


@pytest.mark.parametrize("metric", ["manhattan", "Euclidean", "", None, 2])
def test_unknown_metric(metric):
    with pytest.raises(ValueError, match="metric"):
        pairwise_distances(_GOOD, metric=metric)


# ----------------------------------------------------------------------------
# Compilation
# ----------------------------------------------------------------------------


def test_same_bucket_does_not_recompile():
    sizes = [3, 9, 16]  # all padded to bucket 16
    assert len({bucket(n) for n in sizes}) == 1
    rng = np.random.default_rng(4)
    # An unusual width so that the first call compiles (or finds) one entry.
    X = rng.normal(size=(sizes[0], 7))
    pairwise_distances(X)
    pairwise_distances(X, X[:2])
    n_compiled = _pairwise_kernel._cache_size()
    for n in sizes[1:]:
        X = rng.normal(size=(n, 7))
        pairwise_distances(X)
        pairwise_distances(X, X[: n // 2 + 1])
        pairwise_distances(X[:2], X)
    assert _pairwise_kernel._cache_size() == n_compiled


def test_new_bucket_compiles_once():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 9))
    pairwise_distances(X)
    n_compiled = _pairwise_kernel._cache_size()
    pairwise_distances(X[:35])  # bucket(35) == bucket(40) == 40
    assert _pairwise_kernel._cache_size() == n_compiled


# ----------------------------------------------------------------------------
# row_distances
# ----------------------------------------------------------------------------


_row_distances = jax.jit(row_distances, static_argnums=1)


def _row_distances_reference(Z, metric):
    Z = np.asarray(Z, dtype=np.float64)
    z0 = Z[..., :1, :]
    if metric == "euclidean":
        d = np.sqrt(((Z - z0) ** 2).sum(-1))
    else:
        norm = np.sqrt((Z * Z).sum(-1, keepdims=True))
        U = Z / np.where(norm == 0, 1, norm)
        d = np.clip(1 - (U * U[..., :1, :]).sum(-1), 0, 2)
    d[..., 0] = 0
    return d


@pytest.mark.parametrize("metric", METRICS)
def test_row_distances_float64(metric):
    rng = np.random.default_rng(6)
    Z = rng.normal(size=(3, 50, 4))
    Z[1, 7] = 0.0  # a zero sample: cosine distance 1
    Z[2, 0] = 0.0  # a zero instance
    with x64_scope():
        d = np.asarray(_row_distances(jnp.asarray(Z), metric))
    assert d.shape == (3, 50)
    assert d.dtype == np.float64
    np.testing.assert_allclose(d, _row_distances_reference(Z, metric), atol=1e-12)
    assert (d[:, 0] == 0).all()
    if metric == "cosine":
        assert d[1, 7] == 1.0
        np.testing.assert_array_equal(d[2, 1:], 1.0)


@pytest.mark.parametrize("metric", METRICS)
def test_row_distances_float32_and_extra_batch_axes(metric):
    rng = np.random.default_rng(7)
    Z = rng.normal(size=(2, 3, 20, 5)).astype(np.float32)
    d = np.asarray(_row_distances(Z, metric))
    assert d.shape == (2, 3, 20)
    assert d.dtype == np.float32
    atol = 1e-5 if metric == "euclidean" else 1e-6
    np.testing.assert_allclose(d, _row_distances_reference(Z, metric), atol=atol)
    assert (d[..., 0] == 0).all()


def test_row_distances_match_pairwise_distances():
    rng = np.random.default_rng(8)
    Z = rng.normal(size=(1, 30, 3))
    for metric in METRICS:
        with x64_scope():
            d = np.asarray(_row_distances(jnp.asarray(Z), metric))[0]
        expected = pairwise_distances(Z[0], Z[0, :1], metric=metric)[:, 0]
        np.testing.assert_allclose(d, expected, atol=1e-12)


def test_row_distances_unknown_metric():
    with pytest.raises(ValueError, match="metric"):
        row_distances(np.ones((1, 2, 2)), "manhattan")


# -- JAX arrays in, JAX arrays out (on their device) --------------------------


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_y", [False, True])
def test_jax_arrays_stay_on_their_device(metric, dtype, with_y, rng):
    X = rng.random((37, 20)).astype(dtype)
    Y = rng.random((11, 20)).astype(dtype) if with_y else None
    with x64_scope():
        Xj = jnp.asarray(X)
        Yj = None if Y is None else jnp.asarray(Y)
    D = pairwise_distances(Xj, Yj, metric=metric)
    assert isinstance(D, jax.Array)
    assert D.devices() == Xj.devices()
    assert D.dtype == dtype
    expected = sk_pairwise_distances(X, Y, metric=metric)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(D), expected, atol=tol, rtol=0)
    if not with_y:
        assert np.all(np.diag(np.asarray(D)) == 0)


def test_jax_and_numpy_inputs_mix(rng):
    X = rng.random((9, 4))
    with x64_scope():
        Yj = jnp.asarray(rng.random((5, 4)))
    D = pairwise_distances(X, Yj)  # float64 numpy beside a float64 JAX array
    assert isinstance(D, jax.Array) and D.dtype == np.float64
    np.testing.assert_allclose(np.asarray(D), sk_pairwise_distances(X, np.asarray(Yj)))


def test_jax_arrays_are_checked():
    X = jnp.ones((4, 3)).at[1, 2].set(jnp.nan)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        pairwise_distances(X)
    with pytest.raises(ValueError, match="Input Y contains NaN"):
        pairwise_distances(jnp.ones((2, 3)), X)
    with pytest.raises(ValueError, match="same number of features"):
        pairwise_distances(jnp.ones((2, 3)), jnp.ones((2, 4)))
    with pytest.raises(ValueError, match="X must be a non-empty 2-D array"):
        pairwise_distances(jnp.ones(3))
