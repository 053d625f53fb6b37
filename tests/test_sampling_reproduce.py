"""The public sampling kernels reproduce the explainers' samples, bit for bit.

An explainer draws row ``x``'s numbers as ``row_uniforms(base_seed(seed), X,
(p, n_samples - 1))``, feature-major (``u[i, j]``: the numbers of feature or
group ``j``), and its sample 0 is the row itself. Applying the public
``*_from_uniform`` kernels to these numbers (samples-major here: the kernels
are elementwise) with the fitted explainer's tables must give exactly
``LimeExplainer._neighbourhood``. The explainer samples in its encoded space
(a categorical column holds the position of its category among the sorted
training values), so the rows are encoded first (``_validate``), and that is
what ``_neighbourhood`` returns for the raw rows.
"""

import jax
import numpy as np
import pytest

from sklime import (
    LimeExplainer,
    base_seed,
    binned_from_uniform,
    binned_tables,
    categorical_from_uniform,
    category_lookup,
    gaussian_from_uniform,
    masks_from_uniform,
    row_uniforms,
)

N_SAMPLES, SEED = 64, 7


def _data(dtype=np.float64):
    """Two continuous features around a categorical one (codes 10, 20, 30)."""
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.normal(size=200), 10.0 * rng.integers(1, 4, 200), rng.random(200) * 1e3]
    )
    return X.astype(dtype)


def _model(A):
    A = np.asarray(A, dtype=float)
    return A[:, 0] - 0.01 * A[:, 2] + (A[:, 1] == 20)


def _fit(dtype=np.float64, **params):
    X = _data(dtype)
    est = LimeExplainer(
        _model,
        categorical_features=[1],
        n_samples=N_SAMPLES,
        random_state=SEED,
        **params,
    ).fit(X)
    return est, X[:5], est._validate(X[:5])


def _uniforms(rows, p):
    """The explainer's numbers of ``rows``, samples-major (b, n - 1, p)."""
    u = row_uniforms(base_seed(SEED), rows, (p, N_SAMPLES - 1))
    return np.asarray(u).transpose(0, 2, 1)


def _tables(est, dtype):
    with jax.enable_x64(True):
        return est._plan.device_tables(np.dtype(dtype), est.kernel_width_)


def _check_first_sample(X_model, Z, rows):
    np.testing.assert_array_equal(X_model[:, 0], rows)
    assert X_model.shape == Z.shape == (rows.shape[0], N_SAMPLES, rows.shape[1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_discretized_samples_are_the_public_kernels(dtype):
    est, raw, rows = _fit(dtype, discretizer="quartile")
    X_model, Z = est._neighbourhood(raw)
    _check_first_sample(X_model, Z, rows)
    tables = _tables(est, dtype)
    is_cat = np.asarray(tables["is_categorical"])
    with jax.enable_x64(True):
        bins, in_bin = binned_from_uniform(_uniforms(rows, 3), tables)
        values = category_lookup(tables["values"], bins)
    bins, in_bin, values = (np.asarray(a) for a in (bins, in_bin, values))
    expected = np.where(is_cat, values, in_bin)
    assert expected.dtype == X_model.dtype == dtype
    np.testing.assert_array_equal(X_model[:, 1:], expected)
    own = est._plan.category_codes(rows, est.discretizer_)[:, None, :]
    np.testing.assert_array_equal(Z[:, 1:], bins == own)
    np.testing.assert_array_equal(Z[:, 0], 1)
    # The categorical feature takes its training values, the others stay in
    # the bin they were drawn in.
    assert set(np.unique(X_model[..., 1])) <= {0.0, 1.0, 2.0}
    redrawn = est.discretizer_.transform(X_model[:, 1:].reshape(-1, 3))
    np.testing.assert_array_equal(redrawn[:, [0, 2]], bins.reshape(-1, 3)[:, [0, 2]])


def test_explainer_tables_are_binned_tables():
    est, _, _ = _fit(discretizer="quartile")
    tables = _tables(est, np.float64)
    public = binned_tables(est._plan.frequencies, est._plan.truncnorm)
    for name in ("cdf", "a", "b", "c", "d"):
        np.testing.assert_array_equal(np.asarray(tables[name]), public[name], name)


@pytest.mark.parametrize("around", [False, True], ids=["mean", "around-instance"])
def test_continuous_samples_are_the_public_kernels(around):
    est, raw, rows = _fit(discretizer=None, sample_around_instance=around)
    X_model, Z = est._neighbourhood(raw)
    _check_first_sample(X_model, Z, rows)
    tables = _tables(est, np.float64)
    is_cat = np.asarray(tables["is_categorical"])
    u = _uniforms(rows, 3)
    with jax.enable_x64(True):
        mean, scale = tables["mean"], tables["scale"]
        shift = (rows[:, None, :] - mean) / scale if around else 0.0
        gauss = np.asarray(gaussian_from_uniform(u, mean, scale, shift))
        codes = categorical_from_uniform(u, tables["cdf"])
        values = np.asarray(category_lookup(tables["values"], codes))
    np.testing.assert_array_equal(X_model[:, 1:], np.where(is_cat, values, gauss))
    own = est._plan.category_codes(rows)[:, None, :]
    standardised = ((gauss - np.asarray(mean)) / np.asarray(scale)).astype(np.float32)
    expected_Z = np.where(is_cat, np.asarray(codes) == own, standardised)
    np.testing.assert_array_equal(Z[:, 1:], expected_Z)


@pytest.mark.parametrize("sampler", ["lime", "glime"])
def test_group_masks_are_masks_from_uniform(sampler):
    est, raw, rows = _fit(feature_groups=[0, 1, 0], sampler=sampler)
    X_model, Z = est._neighbourhood(raw)
    tables = _tables(est, np.float64)
    p = tables["p_glime"] if sampler == "glime" else 0.5
    masks = np.asarray(masks_from_uniform(_uniforms(rows, 2), p))
    np.testing.assert_array_equal(Z[:, 1:], masks)
    np.testing.assert_array_equal(Z[:, 0], 1)
    on = masks[:, :, est._plan.index] > 0
    expected = np.where(on, rows[:, None, :], est._plan.baseline)
    np.testing.assert_array_equal(X_model[:, 1:], expected)


def test_kernels_take_row_bits_words():
    """The explainer's CPU path feeds raw PCG64 words; the kernels read both."""
    from sklime._sampling._random import row_bits

    est, raw, rows = _fit(discretizer="quartile")
    tables = _tables(est, np.float64)
    words = row_bits(base_seed(SEED), rows, (3, N_SAMPLES - 1)).transpose(0, 2, 1)
    with jax.enable_x64(True):
        from_words = binned_from_uniform(words, tables)
        from_floats = binned_from_uniform(_uniforms(rows, 3), tables)
    for a, b in zip(from_words, from_floats):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
