"""jax_model=True: a JAX-traceable black box runs jitted on the device."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from sklime import LimeExplainer


@pytest.fixture(scope="module")
def linear(cancer, cancer_lr):
    """The logistic-regression pipeline as one affine map, in numpy and in JAX."""
    scaler, lr = cancer_lr[0], cancer_lr[1]
    w = lr.coef_[0] / scaler.scale_
    b = float(lr.intercept_[0] - scaler.mean_ / scaler.scale_ @ lr.coef_[0])

    def host(X):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        return np.stack([1 - p, p], axis=1)

    def device(X):
        p = jax.nn.sigmoid(X @ jnp.asarray(w, X.dtype) + b)
        return jnp.stack([1 - p, p], axis=1)

    return host, device


def _pair(host, device, X, **params):
    params = {"n_samples": 300, "random_state": 0, **params}
    a = LimeExplainer(host, **params).fit(X)
    b = LimeExplainer(device, jax_model=True, **params).fit(X)
    return a, b


@pytest.mark.parametrize("discretizer", ["quartile", None])
def test_same_explanations_as_the_host_model(cancer, linear, discretizer):
    X, _, _ = cancer
    a, b = _pair(*linear, X, discretizer=discretizer, labels="all")
    ea, eb = a.explain(X[:6]), b.explain(X[:6])
    np.testing.assert_allclose(eb.coef, ea.coef, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(eb.intercept, ea.intercept, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(eb.score, ea.score, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(eb.model_pred, ea.model_pred, rtol=1e-9)


def test_binary_and_regression_outputs(cancer, linear):
    X, _, _ = cancer
    host, device = linear
    a, b = _pair(
        lambda Z: host(Z)[:, 1],
        lambda Z: device(Z)[:, 1],
        X,
        mode="classification",
    )
    np.testing.assert_allclose(
        b.explain(X[:3]).coef, a.explain(X[:3]).coef, rtol=1e-6, atol=1e-9
    )
    a, b = _pair(lambda Z: host(Z)[:, 1], lambda Z: device(Z)[:, 1], X)
    assert b.mode_ == a.mode_ == "regression"
    np.testing.assert_allclose(
        b.explain(X[:3]).coef, a.explain(X[:3]).coef, rtol=1e-6, atol=1e-9
    )


def test_row_does_not_depend_on_its_batch(cancer, linear):
    X, _, _ = cancer
    _, b = _pair(*linear, X)
    np.testing.assert_array_equal(b.transform(X[4:5]), b.transform(X[:9])[4:5])


def test_numeric_categories_reach_the_model_as_values(linear):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=200), rng.choice([10.0, 20.0, 40.0], 200)])

    def host(Z):
        return Z[:, 0] + 0.1 * Z[:, 1]

    def device(Z):
        return Z[:, 0] + 0.1 * Z[:, 1]

    a, b = _pair(host, device, X, categorical_features=[1])
    np.testing.assert_allclose(
        b.explain(X[:4]).coef, a.explain(X[:4]).coef, rtol=1e-6, atol=1e-9
    )


def test_untraceable_model_is_refused_at_fit(cancer, cancer_lr):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="jax_model=True needs a predict_fn that JAX"):
        LimeExplainer(cancer_lr, jax_model=True).fit(X)


def test_dataframe_input_is_refused(cancer, linear):
    pd = pytest.importorskip("pandas")
    X, _, names = cancer
    frame = pd.DataFrame(X, columns=names)
    with pytest.raises(ValueError, match="jax_model=True needs numeric input"):
        LimeExplainer(lambda Z: Z, jax_model=True).fit(frame.assign(c="a"))


def test_nan_output_names_the_rows_and_explainer_stays_usable(cancer, linear):
    X, _, _ = cancer
    _, device = linear

    def flaky(Z):  # NaN wherever the first feature exceeds 25
        out = device(Z)
        return jnp.where(Z[:, :1] > 25, jnp.nan, out)

    exp = LimeExplainer(flaky, jax_model=True, n_samples=300, random_state=0)
    exp.fit(X[X[:, 0] < 15])
    rows = np.vstack([X[X[:, 0] < 12][:2], X[X[:, 0] > 26][:1]])
    # The message names the rows of X (row 2), not positions in a chunk.
    with pytest.raises(ValueError, match=r"NaN or infinity .* rows \[2\] of X"):
        exp.explain(rows)
    assert np.isfinite(exp.transform(rows[:2])).all()


def test_wrong_output_shape_is_refused_at_fit(cancer):
    X, _, _ = cancer  # right for the 2 probe rows, wrong for 3 traced rows
    with pytest.raises(ValueError, match=r"shape \(3,\) or \(3, n_outputs\)"):
        LimeExplainer(lambda Z: Z[:2, :2], jax_model=True).fit(X)
