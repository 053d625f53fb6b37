"""Statistical and structural tests of the public samplers of sklime._sampling.

Sample sizes are the smallest that keep the checks meaningful; tolerances are
5 standard errors, and the seeds are fixed, so every test is deterministic.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from sklime import (
    LimeExplainer,
    apply_masks,
    sample_binned,
    sample_categorical,
    sample_gaussian,
    sample_masks,
    sample_truncated_normal,
)
from sklime._engine._precision import x64_scope
from sklime._sampling._binned import binned_tables
from sklime._sampling._categorical import (
    categorical_cdf,
    categorical_from_uniform,
    category_lookup,
)
from sklime._sampling._truncnorm import truncnorm_from_uniform, truncnorm_tables

ALPHA = 1e-3  # significance level of the goodness-of-fit tests

# Few distinct shapes: every new one costs a compilation of the sampler.
B, D, N_SMALL, N_STAT = 3, 3, 32, 4000


def _keys(b, seed=0):
    return jax.random.split(jax.random.key(seed), b)


def _corr(a, b):
    return np.corrcoef(np.ravel(a), np.ravel(b))[0, 1]


def _binned_args(frequencies):
    """Bins of one feature: frequencies, training means/stds, bounds."""
    f = np.asarray(frequencies, dtype=float)[None]
    K = f.shape[1]
    edges = np.arange(K + 1, dtype=float) * 2.0  # bin k is [2k, 2k + 2]
    lower, upper = edges[None, :-1], edges[None, 1:]
    mean = lower + 0.5 + 0.5 * (np.arange(K)[None] % 2)  # inside each bin
    std = np.full((1, K), 0.7)
    return f, mean, std, lower, upper


# ----------------------------------------------------------------------------
# Keys
# ----------------------------------------------------------------------------


def _call_gaussian(keys):
    X = np.zeros((B, D))
    return sample_gaussian(keys, X, N_SMALL, center=np.zeros(D), scale=1.0)


def _call_masks(keys):
    return sample_masks(keys, N_STAT, 5, p=np.full(5, 0.5))


def _call_categorical(keys):
    return sample_categorical(keys, np.zeros((B, 2), int), np.ones((2, 4)), N_SMALL)


def _call_binned(keys):
    f, mean, std, lower, upper = _binned_args([1.0, 2.0, 3.0])
    X, Xb = np.ones((B, 1)), np.zeros((B, 1), int)
    return sample_binned(keys, X, Xb, f, mean, std, lower, upper, N_SMALL)


def _call_truncnorm(key):
    return sample_truncated_normal(key, 0.0, 1.0, -1.0, 1.0, (N_STAT,))


SAMPLERS = [_call_gaussian, _call_masks, _call_categorical, _call_binned]


@pytest.mark.parametrize("sampler", [*SAMPLERS, _call_truncnorm])
@pytest.mark.parametrize(
    "keys",
    [0, np.arange(3), np.ones((3, 2)), np.zeros((3, 1), np.uint32)],
    ids=["int", "int-array", "float-array", "uint32-wrong-shape"],
)
def test_keys_must_be_jax_keys(sampler, keys):
    with pytest.raises(TypeError):
        sampler(keys)


@pytest.mark.parametrize("sampler", [_call_categorical, _call_binned])
def test_raw_uint32_keys_equal_typed_keys(sampler):
    keys = _keys(B, seed=1)
    typed = sampler(keys)
    raw = sampler(jax.random.key_data(keys))
    for a, b in zip(jax.tree_util.tree_leaves(typed), jax.tree_util.tree_leaves(raw)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_samplers_return_numpy(sampler):
    for a in jax.tree_util.tree_leaves(sampler(_keys(B))):
        assert type(a) is np.ndarray


# ----------------------------------------------------------------------------
# Gaussian
# ----------------------------------------------------------------------------


def _instances(dtype=np.float64):
    return (np.arange(B * D, dtype=dtype).reshape(B, D) / 7).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gaussian_shape_dtype_first_sample(dtype):
    X = _instances(dtype)
    S = sample_gaussian(_keys(B), X, N_SMALL, center=np.zeros(D), scale=2.0)
    assert S.shape == (B, N_SMALL, D)
    assert S.dtype == dtype
    np.testing.assert_array_equal(S[:, 0], X)
    assert np.isfinite(S).all()
    assert not np.array_equal(S[:, 1], S[:, 2])


def test_gaussian_integer_instances_give_float64():
    X = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    S = sample_gaussian(_keys(B), X, N_SMALL, center=np.zeros(D), scale=1.0)
    assert S.dtype == np.float64
    np.testing.assert_array_equal(S[:, 0], X)
    np.testing.assert_array_equal(
        S,
        sample_gaussian(
            _keys(B), X.astype(float), N_SMALL, center=np.zeros(D), scale=1.0
        ),
    )


def test_gaussian_deterministic():
    X = _instances()
    a = sample_gaussian(_keys(B, seed=5), X, N_SMALL, center=np.zeros(D), scale=1.0)
    b = sample_gaussian(_keys(B, seed=5), X, N_SMALL, center=np.zeros(D), scale=1.0)
    np.testing.assert_array_equal(a, b)
    c = sample_gaussian(_keys(B, seed=6), X, N_SMALL, center=np.zeros(D), scale=1.0)
    assert not np.array_equal(a[:, 1:], c[:, 1:])


def test_gaussian_row_depends_only_on_its_key():
    X = _instances()
    keys = _keys(B, seed=2)
    kw = {"center": np.zeros(D), "scale": 1.0}
    S = sample_gaussian(keys, X, N_SMALL, **kw)
    for i in range(B):
        alone = sample_gaussian(keys[i : i + 1], X[i : i + 1], N_SMALL, **kw)
        np.testing.assert_array_equal(alone[0], S[i])
    perm = np.array([2, 0, 1])
    np.testing.assert_array_equal(
        sample_gaussian(keys[perm], X[perm], N_SMALL, **kw), S[perm]
    )
    assert not np.array_equal(S[0, 1:], S[1, 1:])


def test_gaussian_single_key_is_split():
    key = jax.random.key(3)
    X = _instances()
    kw = {"center": np.zeros(D), "scale": 1.0}
    np.testing.assert_array_equal(
        sample_gaussian(key, X, N_SMALL, **kw),
        sample_gaussian(jax.random.split(key, B), X, N_SMALL, **kw),
    )


def test_gaussian_zero_scale_gives_center():
    center = np.array([1.0, 2.0, 3.0])
    S = sample_gaussian(_keys(B), _instances(), N_SMALL, center=center, scale=0.0)
    np.testing.assert_array_equal(S[:, 1:], np.broadcast_to(center, S[:, 1:].shape))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gaussian_moments_and_independence(dtype):
    center = np.array([-3.0, 0.0, 10.0])
    scale = np.array([0.5, 1.0, 4.0])
    X = _instances(dtype)
    S = sample_gaussian(_keys(B, seed=7), X, N_STAT, center=center, scale=scale)
    S = S[:, 1:].astype(np.float64)
    m = N_STAT - 1
    assert (np.abs(S.mean(1) - center) < 5 * scale / np.sqrt(m)).all()
    assert (np.abs(S.std(1, ddof=1) - scale) < 5 * scale / np.sqrt(2 * (m - 1))).all()
    bound = 5 / np.sqrt(m)  # standard error of a correlation near 0
    assert abs(_corr(S[0, :, 2], S[1, :, 2])) < bound  # rows
    assert abs(_corr(S[0, :, 0], S[0, :, 1])) < bound  # features
    assert abs(_corr(S[0, :-1, 0], S[0, 1:, 0])) < bound  # successive samples


def test_gaussian_default_center_is_instance_and_per_row_parameters():
    X = np.array([[100.0, -5.0, 0.0], [0.0, 1.0, 2.0], [3.0, 3.0, 3.0]])
    scale = np.array([[1.0, 2.0, 0.5], [0.1, 3.0, 1.0], [1.0, 1.0, 1.0]])
    S = sample_gaussian(_keys(B, seed=8), X, N_STAT, scale=scale)[:, 1:]
    se = scale / np.sqrt(N_STAT - 1)
    assert (np.abs(S.mean(1) - X) < 5 * se).all()
    assert (np.abs(S.std(1) - scale) < 5 * se / np.sqrt(2)).all()
    centers = -X
    S = sample_gaussian(_keys(B, seed=8), X, N_STAT, center=centers, scale=scale)
    assert (np.abs(S[:, 1:].mean(1) - centers) < 5 * se).all()


# ----------------------------------------------------------------------------
# Masks
# ----------------------------------------------------------------------------

P = np.array([0.0, 0.1, 0.5, 0.9, 1.0])


def test_masks_shape_values_first_sample():
    M = sample_masks(_keys(B), N_STAT, P.size, p=P)
    assert M.shape == (B, N_STAT, P.size)
    assert M.dtype == np.float32
    assert set(np.unique(M)) == {0.0, 1.0}
    np.testing.assert_array_equal(M[:, 0], 1)


def test_masks_frequency_matches_p_and_independence():
    M = sample_masks(_keys(B, seed=1), N_STAT, P.size, p=P)[:, 1:]
    m = N_STAT - 1
    se = np.sqrt(P * (1 - P) / m)
    assert (np.abs(M.mean(axis=1) - P) <= 5 * se).all()  # exact for p = 0 and 1
    bound = 5 / np.sqrt(m)
    assert abs(_corr(M[0, :, 1], M[0, :, 2])) < bound  # features
    assert abs(_corr(M[0, :, 2], M[1, :, 2])) < bound  # rows


def test_masks_per_row_p():
    p = np.array([[0.2] * 5, [0.7] * 5, [0.05] * 5])
    M = sample_masks(_keys(B, seed=2), N_STAT, P.size, p=p)[:, 1:]
    se = np.sqrt(p * (1 - p) / (N_STAT - 1))
    assert (np.abs(M.mean(axis=1) - p) < 5 * se).all()


def test_masks_default_p_deterministic_and_row_invariant():
    keys = _keys(B, seed=4)
    M = sample_masks(keys, N_STAT, P.size)
    assert (np.abs(M[:, 1:].mean(axis=1) - 0.5) < 5 * 0.5 / np.sqrt(N_STAT - 1)).all()
    np.testing.assert_array_equal(M, sample_masks(keys, N_STAT, P.size))
    np.testing.assert_array_equal(sample_masks(keys[2:], N_STAT, P.size)[0], M[2])
    assert not np.array_equal(M[0], M[1])


# ----------------------------------------------------------------------------
# apply_masks
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("baseline_shape", [(), (4,), (2, 4)])
def test_apply_masks_formula(baseline_shape):
    rng = np.random.default_rng(0)
    masks = (rng.uniform(size=(2, 6, 4)) < 0.5).astype(float)
    X = rng.normal(size=(2, 4))
    baseline = rng.normal(size=baseline_shape)
    out = apply_masks(masks, X, baseline)
    expected = (
        masks * X[:, None] + (1 - masks) * np.broadcast_to(baseline, (2, 4))[:, None]
    )
    assert out.shape == (2, 6, 4)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
    # A kept feature is exactly the instance's value, a dropped one the baseline's.
    kept = np.broadcast_to(X[:, None], out.shape)
    dropped = np.broadcast_to(np.broadcast_to(baseline, (2, 4))[:, None], out.shape)
    np.testing.assert_array_equal(out[masks == 1], kept[masks == 1])
    np.testing.assert_array_equal(out[masks == 0], dropped[masks == 0])


def test_apply_masks_fractional_masks_and_float32():
    masks = np.array([[[0.25, 1.0]]], dtype=np.float32)
    out = apply_masks(masks, np.array([[4.0, 8.0]], np.float32), np.float32(2.0))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[[2.5, 8.0]]])


# ----------------------------------------------------------------------------
# Categorical
# ----------------------------------------------------------------------------


def _chi2_pvalue(codes, frequencies):
    """Goodness of fit of ``codes`` to ``frequencies`` (zero bins excluded)."""
    f = np.asarray(frequencies, float)
    counts = np.bincount(codes, minlength=f.size)
    keep = f > 0
    assert counts[~keep].sum() == 0, "a category with frequency 0 was drawn"
    expected = f[keep] / f[keep].sum() * codes.size
    return stats.chisquare(counts[keep], expected).pvalue


@pytest.mark.parametrize("K", [4, 20])
def test_categorical_frequencies_and_independence(K):
    rng = np.random.default_rng(K)
    freq = rng.uniform(0.5, 3.0, size=(2, K))
    freq[0, 1] = 0.0  # an empty category in the middle
    freq[1, -1] = 0.0  # an empty last category
    instances = np.array([[0, 2], [3, 1], [1, 1]])
    C = sample_categorical(_keys(B, seed=K), instances, freq, N_STAT)
    assert C.shape == (B, N_STAT, 2)
    assert C.dtype == np.int32
    np.testing.assert_array_equal(C[:, 0], instances)
    for j in range(2):
        assert _chi2_pvalue(C[:, 1:, j].ravel(), freq[j]) > ALPHA
    bound = 5 / np.sqrt(N_STAT - 1)
    assert abs(_corr(C[0, 1:, 0], C[0, 1:, 1])) < bound  # features
    assert abs(_corr(C[0, 1:], C[1, 1:])) < bound  # rows


def test_categorical_unnormalised_frequencies_and_single_category():
    freq = np.array([[10.0, 30.0, 0.0, 0.0], [5.0, 0.0, 0.0, 0.0]])
    instances = np.array([[2, 0], [0, 0], [1, 0]])
    C = sample_categorical(_keys(B, seed=3), instances, freq, N_STAT)
    assert _chi2_pvalue(C[:, 1:, 0].ravel(), freq[0]) > ALPHA
    np.testing.assert_array_equal(C[:, :, 1], 0)  # one possible value
    assert C[0, 0, 0] == 2  # the instance is kept, even with frequency 0


def test_categorical_deterministic_and_row_invariant():
    keys = _keys(B, seed=6)
    X = np.array([[0, 1], [1, 2], [2, 3]])
    freq = [[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]]
    C = sample_categorical(keys, X, freq, N_SMALL)
    np.testing.assert_array_equal(C, sample_categorical(keys, X, freq, N_SMALL))
    alone = sample_categorical(keys[1:2], X[1:2], freq, N_SMALL)
    np.testing.assert_array_equal(alone[0], C[1])
    assert not np.array_equal(C[0, 1:], C[1, 1:])


@pytest.mark.parametrize(
    "frequencies",
    [
        [[1.0, -0.5, 2.0]],
        [[0.0, 0.0, 0.0]],
        [[1.0, 1.0], [0.0, 0.0]],
        [[1.0, np.nan]],
        [[1.0, np.inf]],
        [1.0, 2.0],
        [[[1.0, 2.0]]],
        np.zeros((1, 0)),
    ],
    ids=["negative", "all-zero", "one-row-zero", "nan", "inf", "1-D", "3-D", "empty"],
)
def test_categorical_bad_frequencies(frequencies):
    with pytest.raises(ValueError, match="frequencies"):
        sample_categorical(_keys(1), np.zeros((1, 1), int), frequencies, 5)


# ----------------------------------------------------------------------------
# categorical_from_uniform
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("K", [5, 24])
def test_categorical_from_uniform_codes(K):
    n = 4000
    rng = np.random.default_rng(K)
    freq = rng.uniform(0.2, 1.0, size=(2, K))
    freq[:, 2] = 0.0
    cdf = categorical_cdf(freq)
    assert cdf.shape == (K, 2)
    np.testing.assert_array_equal(cdf[-1], 1.0)
    u = rng.uniform(size=(n, 2)).astype(np.float32)
    codes = np.asarray(categorical_from_uniform(u, cdf))
    assert codes.dtype == np.int32
    thresholds = cdf.astype(np.float32)  # compared in float32, as the uniforms
    for j in range(2):
        expected = np.searchsorted(thresholds[: K - 1, j], u[:, j], side="right")
        np.testing.assert_array_equal(codes[:, j], expected)
    assert not (codes == 2).any()
    for j in range(2):
        assert _chi2_pvalue(codes[:, j], freq[j]) > ALPHA


def test_categorical_from_uniform_words_and_layouts():
    cdf = categorical_cdf([[1.0, 0.0, 3.0], [1.0, 1.0, 2.0]])  # (K, d) = (3, 2)
    words = np.random.default_rng(0).integers(0, 2**32, (4, 6, 2), dtype=np.uint32)
    u = (words >> 8).astype(np.float32) * np.float32(2.0**-24)
    codes = np.asarray(categorical_from_uniform(words, cdf))
    np.testing.assert_array_equal(codes, categorical_from_uniform(u, cdf))
    # feature-major numbers (b, d, n) with the tables broadcast as (K, d, 1)
    fm = categorical_from_uniform(u.transpose(0, 2, 1), cdf[:, :, None])
    np.testing.assert_array_equal(np.asarray(fm).transpose(0, 2, 1), codes)


def test_categorical_from_uniform_thresholds():
    cdf = categorical_cdf([[1.0, 0.0, 3.0]])  # [0.25, 0.25, 1.0]
    u = np.array([[0.0], [0.125], [0.25], [0.625], [0.999]], np.float32)
    codes = categorical_from_uniform(u, cdf)
    np.testing.assert_array_equal(np.asarray(codes)[:, 0], [0, 0, 2, 2, 2])


def test_category_lookup():
    table = np.arange(12.0).reshape(3, 4)  # (K, d)
    codes = np.random.default_rng(1).integers(0, 3, (5, 7, 4))
    with x64_scope():
        out = np.asarray(category_lookup(table, jnp.asarray(codes)))
    np.testing.assert_array_equal(out, table[codes, np.arange(4)])
    assert out.dtype == table.dtype


def test_binned_tables_fold_the_bin_residual():
    """``c + d * u`` is the in-bin law's ``c + d * r``, ``r`` the bin residual."""
    freq = np.array([[1.0, 0.0, 3.0, 2.0]])
    _, mean, std, lower, upper = _binned_args(freq[0])
    t = truncnorm_tables(mean, std, lower, upper)
    tables = binned_tables(freq, t)
    assert tables["cdf"].dtype == tables["c"].dtype == np.float32
    assert tables["a"].dtype == np.float64
    cdf = categorical_cdf(freq)[:, 0]
    start = np.concatenate([[0.0], cdf[:-1]])
    for k in (0, 2, 3):
        u = np.linspace(start[k], cdf[k], 7)
        r = (u - start[k]) / (cdf[k] - start[k])
        np.testing.assert_allclose(
            tables["c"][k, 0] + tables["d"][k, 0] * u,
            t["c"][0, k] + t["d"][0, k] * r,
            atol=1e-6,
        )
    np.testing.assert_array_equal(tables["d"][1], 0)  # an empty bin


# ----------------------------------------------------------------------------
# Truncated normal
# ----------------------------------------------------------------------------

# (mean, std, lower, upper): inside, either tail (mirrored or not), one-sided,
# unbounded, narrow.
TRUNCNORM_CASES = [
    (0.0, 1.0, -1.0, 2.0),
    (0.0, 1.0, 1.0, 2.0),
    (0.0, 1.0, -3.0, -2.0),
    (5.0, 2.0, 6.0, np.inf),
    (5.0, 2.0, -np.inf, 4.0),
    (0.0, 1.0, -np.inf, np.inf),
    (0.0, 1.0, 10.0, 11.0),
    (0.0, 1.0, -11.0, -10.0),
    (-2.0, 0.5, 1.0, 1.5),
]


@pytest.mark.parametrize("case", TRUNCNORM_CASES)
def test_truncated_normal_bounds_and_moments(case):
    n = N_STAT
    mean, std, lower, upper = case
    v = sample_truncated_normal(jax.random.key(11), mean, std, lower, upper, (n,))
    assert v.shape == (n,)
    assert v.dtype == np.float64
    assert np.isfinite(v).all()
    assert ((v >= lower) & (v <= upper)).all()
    law = stats.truncnorm((lower - mean) / std, (upper - mean) / std, mean, std)
    mu, var, _, kurt = (float(s) for s in law.stats("mvsk"))
    assert abs(v.mean() - mu) < 5 * np.sqrt(var / n)
    # standard error of a sample variance: var * sqrt((kurtosis_excess + 2) / n)
    assert abs(v.var() - var) < 5 * var * np.sqrt((kurt + 2) / n)


def test_truncated_normal_float32_bounds_and_moments():
    n = N_STAT
    f = np.float32
    for mean, std, lower, upper in TRUNCNORM_CASES[:5]:
        v = sample_truncated_normal(
            jax.random.key(12), f(mean), f(std), f(lower), f(upper), (n,)
        )
        assert v.dtype == np.float32
        assert ((v >= f(lower)) & (v <= f(upper))).all()
        law = stats.truncnorm((lower - mean) / std, (upper - mean) / std, mean, std)
        assert abs(v.mean() - law.mean()) < 5 * law.std() / np.sqrt(n)


def test_truncated_normal_vectorised_parameters_and_shape():
    mean = np.array([0.0, 10.0, -5.0])
    std = np.array([1.0, 2.0, 0.5])
    lower = np.array([-1.0, 9.0, -np.inf])
    upper = np.array([0.5, 20.0, -5.0])
    v = sample_truncated_normal(jax.random.key(13), mean, std, lower, upper, (500, 3))
    assert v.shape == (500, 3)
    assert ((v >= lower) & (v <= upper)).all()
    # the columns follow their own law, not the first one's
    for j in range(3):
        law = stats.truncnorm(
            (lower[j] - mean[j]) / std[j],
            (upper[j] - mean[j]) / std[j],
            mean[j],
            std[j],
        )
        assert abs(v[:, j].mean() - law.mean()) < 5 * law.std() / np.sqrt(500)
    # default shape: the broadcast shape of the parameters
    assert sample_truncated_normal(
        jax.random.key(0), mean, std, lower, upper
    ).shape == (3,)


@pytest.mark.parametrize(
    ("params", "expected_dtype"),
    [
        ((0.0, 1.0, -1.0, 1.0), np.float64),
        ((0, 1, -1, 1), np.float64),
        ((np.zeros(2, np.float32), 1.0, -1.0, 1.0), np.float32),
        ((np.zeros(2, np.float32), np.ones(2), -1.0, 1.0), np.float64),
        ((np.zeros(2, int), 1, -1, 1), np.float64),
    ],
)
def test_truncated_normal_default_dtype(params, expected_dtype):
    v = sample_truncated_normal(jax.random.key(0), *params, shape=(3, 2))
    assert v.dtype == expected_dtype
    v = sample_truncated_normal(
        jax.random.key(0), *params, shape=(3, 2), dtype=np.float32
    )
    assert v.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("mean", "std", "lower", "upper", "expected"),
    [
        (0.5, 0.0, 0.0, 1.0, 0.5),  # std = 0: the mean
        (3.0, 0.0, 0.0, 1.0, 1.0),  # std = 0, mean above the bin: clipped
        (-3.0, 0.0, 0.0, 1.0, 0.0),  # std = 0, mean below the bin: clipped
        (0.0, 1.0, 2.0, 2.0, 2.0),  # lower == upper
        (0.0, -1.0, -1.0, 1.0, 0.0),  # negative std: degenerate
        (0.0, 1.0, 1.0, 0.0, None),  # lower > upper: no NaN, no crash
    ],
)
def test_truncated_normal_degenerate(dtype, mean, std, lower, upper, expected):
    v = sample_truncated_normal(
        jax.random.key(1), mean, std, lower, upper, (N_STAT,), dtype=dtype
    )
    assert not np.isnan(v).any()
    if expected is not None:
        np.testing.assert_array_equal(v, dtype(expected))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        (10.0, 11.0),
        (-11.0, -10.0),
        (40.0, 41.0),
        (-41.0, -40.0),
        (30.0, np.inf),
        (-np.inf, -30.0),
        (8.0, 8.001),
        (1e6, 2e6),
    ],
)
def test_truncated_normal_far_tails_stay_in_bounds(dtype, lower, upper):
    v = sample_truncated_normal(
        jax.random.key(2), 0.0, 1.0, lower, upper, (N_STAT,), dtype=dtype
    )
    assert np.isfinite(v).all()
    assert ((v >= dtype(lower)) & (v <= dtype(upper))).all()


def test_truncated_normal_tail_accuracy_float64():
    # 10 sigma above the mean: the mean of N(0, 1) on [10, 11] is 10.098.
    v = sample_truncated_normal(jax.random.key(3), 0.0, 1.0, 10.0, 11.0, (N_STAT,))
    law = stats.truncnorm(10.0, 11.0)
    assert abs(v.mean() - law.mean()) < 5 * law.std() / np.sqrt(N_STAT)
    assert stats.kstest(v, law.cdf).pvalue > ALPHA


def test_truncnorm_tables():
    t = truncnorm_tables(
        [0.0, 0.0, 5.0], [1.0, 1.0, 0.0], [1.0, -2.0, 0.0], [2.0, -1.0, 1.0]
    )
    assert sorted(t) == ["a", "b", "c", "d", "lower", "upper"]
    np.testing.assert_array_equal(t["b"], [-1.0, 1.0, 0.0])  # mirrored upper tail
    np.testing.assert_array_equal(t["a"], [0.0, 0.0, 1.0])  # clipped if degenerate
    mass = stats.norm.cdf(2.0) - stats.norm.cdf(1.0)
    np.testing.assert_allclose(t["d"][:2], [mass, mass], rtol=1e-12)
    np.testing.assert_allclose(t["c"][:2], stats.norm.cdf(-2.0), rtol=1e-12)
    np.testing.assert_array_equal(t["d"][2], 0.0)  # degenerate: no mass
    assert truncnorm_tables(0.0, 1.0, -1.0, 1.0, np.float32)["a"].dtype == np.float32


def test_truncnorm_from_uniform_is_the_affine_quantile():
    from scipy.special import ndtri

    t = truncnorm_tables([0.0, 3.0], [1.0, 2.0], [-1.0, 4.0], [0.5, np.inf])
    u = np.linspace(2**-24, 1 - 2**-24, 101, dtype=np.float32)[:, None]
    with x64_scope():
        v = np.asarray(truncnorm_from_uniform(u, **t))
    assert v.dtype == np.float64
    expected = t["a"] + t["b"] * ndtri(t["c"] + t["d"] * u.astype(np.float64))
    np.testing.assert_allclose(v, np.clip(expected, t["lower"], t["upper"]), atol=5e-5)
    assert ((v >= t["lower"]) & (v <= t["upper"])).all()


def test_truncnorm_tables_no_warnings():
    with np.errstate(all="raise"):
        t = truncnorm_tables(0.0, [1.0, 0.0, 1.0], -np.inf, [np.inf, 1.0, 1.0])
    np.testing.assert_array_equal(t["b"] == 0, [False, True, False])  # degenerate


# ----------------------------------------------------------------------------
# Binned (bin by frequency, value inside the bin)
# ----------------------------------------------------------------------------


def _truncnorm_law(mean, std, lower, upper):
    return stats.truncnorm((lower - mean) / std, (upper - mean) / std, mean, std)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binned_bins_frequencies_and_values(dtype):
    freq, mean, std, lower, upper = _binned_args([1.0, 3.0, 0.0, 2.0])
    X = np.array([[5.0], [0.5], [7.0]], dtype=dtype)
    Xb = np.array([[2], [0], [3]])
    bins, values = sample_binned(
        _keys(B, seed=7), X, Xb, freq, mean, std, lower, upper, N_STAT
    )
    assert bins.shape == values.shape == (B, N_STAT, 1)
    assert bins.dtype == np.int32
    assert values.dtype == dtype
    np.testing.assert_array_equal(bins[:, 0], Xb)
    np.testing.assert_array_equal(values[:, 0], X)
    bins, values = bins[:, 1:, 0].ravel(), values[:, 1:, 0].ravel()
    assert _chi2_pvalue(bins, freq[0]) > ALPHA
    lo, hi = lower[0, bins].astype(dtype), upper[0, bins].astype(dtype)
    assert ((values >= lo) & (values <= hi)).all()
    # inside each bin, the values follow the bin's truncated normal
    drawn = np.unique(bins)
    for k in drawn:
        law = _truncnorm_law(mean[0, k], std[0, k], lower[0, k], upper[0, k])
        v = values[bins == k].astype(np.float64)
        assert stats.kstest(v, law.cdf).pvalue > ALPHA / drawn.size, k


def test_binned_several_features_and_degenerate_bins():
    freq = np.array([[1.0, 1.0, 0.0], [2.0, 1.0, 1.0]])
    lower = np.array([[0.0, 1.0, 2.0], [-np.inf, 0.0, 5.0]])
    upper = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, np.inf]])
    mean = np.array([[0.5, 1.5, 2.5], [-1.0, 2.0, 6.0]])
    std = np.array([[0.0, 0.2, 0.1], [1.0, 0.0, 2.0]])  # two bins with std 0
    X = np.array([[0.5, 1.0], [1.2, 7.0], [0.1, -3.0]])
    Xb = np.array([[0, 1], [1, 2], [0, 0]])
    bins, values = sample_binned(
        _keys(B, seed=8), X, Xb, freq, mean, std, lower, upper, N_STAT
    )
    np.testing.assert_array_equal(values[:, 0], X)
    np.testing.assert_array_equal(bins[:, 0], Xb)
    bins, values = bins[:, 1:], values[:, 1:]
    assert not (bins[..., 0] == 2).any()
    j = np.arange(2)
    assert np.isfinite(values).all()
    assert ((values >= lower[j, bins]) & (values <= upper[j, bins])).all()
    # bins with std 0 give their mean
    np.testing.assert_array_equal(values[..., 0][bins[..., 0] == 0], 0.5)
    np.testing.assert_array_equal(values[..., 1][bins[..., 1] == 1], 2.0)
    for f in range(2):
        assert _chi2_pvalue(bins[..., f].ravel(), freq[f]) > ALPHA
    # the half-bounded bins (-inf, 0] and [5, inf) follow their laws
    for k in (0, 2):
        law = _truncnorm_law(mean[1, k], std[1, k], lower[1, k], upper[1, k])
        v = values[..., 1][bins[..., 1] == k]
        assert abs(v.mean() - law.mean()) < 5 * law.std() / np.sqrt(v.size)


def test_binned_integer_instances_give_float64():
    freq, mean, std, lower, upper = _binned_args([1.0, 2.0, 3.0])
    X, Xb = np.array([[1], [3], [5]]), np.array([[0], [1], [2]])
    args = (freq, mean, std, lower, upper, N_SMALL)
    bins, values = sample_binned(_keys(B, seed=9), X, Xb, *args)
    assert values.dtype == np.float64
    np.testing.assert_array_equal(
        values, sample_binned(_keys(B, seed=9), X.astype(float), Xb, *args)[1]
    )


def test_binned_deterministic_and_row_invariant():
    freq, mean, std, lower, upper = _binned_args([1.0, 2.0, 3.0])
    keys = _keys(B, seed=9)
    X = np.array([[1.0], [3.0], [5.0]])
    Xb = np.array([[0], [1], [2]])
    args = (freq, mean, std, lower, upper, N_SMALL)
    bins, values = sample_binned(keys, X, Xb, *args)
    bins2, values2 = sample_binned(keys, X, Xb, *args)
    np.testing.assert_array_equal(bins, bins2)
    np.testing.assert_array_equal(values, values2)
    bins1, values1 = sample_binned(keys[1:2], X[1:2], Xb[1:2], *args)
    np.testing.assert_array_equal(bins1[0], bins[1])
    np.testing.assert_array_equal(values1[0], values[1])
    assert not np.array_equal(values[0, 1:], values[1, 1:])


@pytest.mark.parametrize(
    "frequencies",
    [[[1.0, -1.0]], [[0.0, 0.0]], [[np.nan, 1.0]], [1.0, 1.0]],
    ids=["negative", "all-zero", "nan", "1-D"],
)
def test_binned_bad_frequencies(frequencies):
    _, mean, std, lower, upper = _binned_args([1.0, 1.0])
    with pytest.raises(ValueError, match="frequencies"):
        sample_binned(
            _keys(1),
            np.ones((1, 1)),
            np.zeros((1, 1), int),
            frequencies,
            mean,
            std,
            lower,
            upper,
            5,
        )


# -- Latin hypercube (sampler="lhs", lime's sampling_method="lhs") ------------


def test_latin_hypercube_fills_every_stratum_once(rng):
    from sklime._sampling._lhs import latin_hypercube

    m = 97
    u = np.asarray(
        latin_hypercube(
            rng.random((3, 4, m), "float32"), rng.random((3, 4, m), "float32")
        )
    )
    strata = np.sort(np.floor(u * m), axis=-1)
    np.testing.assert_array_equal(strata, np.broadcast_to(np.arange(m), u.shape))
    assert (u >= 0).all() and (u < 1).all()
    # The order of the strata is random: columns differ.
    assert not np.array_equal(u[0, 0], u[0, 1])


def test_lhs_sampler_stratifies_each_rows_gaussian_columns(cancer, cancer_lr):
    X, _, _ = cancer
    n = 401
    est = LimeExplainer(
        cancer_lr, discretizer=None, sampler="lhs", n_samples=n, random_state=0
    ).fit(X)
    _, Z = est._neighbourhood(X[:2])  # (b, n, d), standardised, sample 0 = row
    u = stats.norm.cdf(Z[:, 1:, :])  # the uniforms behind the Gaussians
    strata = np.sort(np.floor(u * (n - 1)), axis=1)
    expected = np.arange(n - 1)[None, :, None]
    np.testing.assert_array_equal(strata, np.broadcast_to(expected, strata.shape))
    # A linear model's explanation is lime's: same target as sampler="lime".
    lime_coef = (
        LimeExplainer(cancer_lr, discretizer=None, n_samples=4000, random_state=0)
        .fit(X)
        .explain(X[:2])
        .coef
    )
    lhs_coef = (
        LimeExplainer(
            cancer_lr, discretizer=None, sampler="lhs", n_samples=4000, random_state=0
        )
        .fit(X)
        .explain(X[:2])
        .coef
    )
    assert np.corrcoef(lime_coef.ravel(), lhs_coef.ravel())[0, 1] > 0.95


def test_lhs_sampler_refuses_auto_samples_and_groups(cancer, cancer_lr):
    X, _, _ = cancer
    for params in ({"n_samples": "auto"}, {"feature_groups": [0] * 15 + [1] * 15}):
        with pytest.raises(ValueError, match="sampler='lhs'"):
            LimeExplainer(cancer_lr, sampler="lhs", **params).fit(X)
