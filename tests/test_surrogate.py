"""The batched surrogate fit against lime's own LimeBase on identical data."""

import numpy as np
import pytest
from lime.lime_base import LimeBase
from sklearn.linear_model import Ridge

from sklime._engine._precision import x64_scope
from sklime._surrogate._fit import fit_surrogates, sample_weights
from sklime._surrogate._selection import lasso_path_masks, resolve_method

WIDTH = 1.5


def _lime_kernel(d):
    return np.sqrt(np.exp(-(d**2) / WIDTH**2))


def _problem(rng, b=4, n=400, p=8, binary=False):
    if binary:
        Z = (rng.random((b, n, p)) < 0.6).astype(float)
        Z[:, 0] = 1.0
    else:
        Z = rng.normal(size=(b, n, p))
    beta = rng.normal(size=(b, p)) * (rng.random((b, p)) < 0.6)
    y = np.einsum("bnp,bp->bn", Z, beta) + 0.3 * np.sin(3 * Z[..., 0])
    y += 0.1 * rng.normal(size=(b, n))
    Y = np.stack([y, -2 * y + Z[..., 1]], axis=-1)
    return Z, Y


def _ours(Z, Y, method, k):
    with x64_scope():
        w = sample_weights(Z, WIDTH)
        fit = fit_surrogates(Z, Y, w, alpha=1.0, method=method, n_features=k)
        return {name: np.asarray(v) for name, v in fit._asdict().items()}, np.asarray(w)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize(
    "method, k",
    [
        ("none", 8),
        ("highest_weights", 3),
        ("highest_weights", 5),
        ("forward_selection", 1),
        ("forward_selection", 4),
        ("lasso_path", 3),
        ("auto", 4),
        ("auto", 7),
    ],
)
def test_matches_lime_base(rng, method, k, binary):
    Z, Y = _problem(rng, binary=binary)
    ours, w = _ours(Z, Y, resolve_method(method, k), k)
    base = LimeBase(_lime_kernel, random_state=0)
    for i in range(Z.shape[0]):
        d = np.sqrt(((Z[i] - Z[i, 0]) ** 2).sum(axis=1))
        np.testing.assert_allclose(w[i], _lime_kernel(d), rtol=1e-12)
        for label in range(Y.shape[2]):
            intercept, exp, score, local_pred = base.explain_instance_with_data(
                Z[i], Y[i], d, label, k, feature_selection=method
            )
            expected = np.zeros(Z.shape[2])
            for j, weight in exp:
                expected[j] = weight
            got = ours["coef"][i, label]
            assert set(np.flatnonzero(got)) == {j for j, _ in exp}
            np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-10)
            np.testing.assert_allclose(
                ours["intercept"][i, label], intercept, rtol=1e-7
            )
            np.testing.assert_allclose(ours["score"][i, label], score, rtol=1e-7)
            np.testing.assert_allclose(
                ours["local_pred"][i, label], local_pred[0], rtol=1e-7
            )


def test_lasso_path_masks_respect_k(rng):
    Z, Y = _problem(rng, b=3, p=10)
    for k in (1, 2, 5, 10):
        ours, _ = _ours(Z, Y, "lasso_path", k)
        assert ((ours["coef"] != 0).sum(axis=-1) <= k).all()


def test_lasso_path_masks_from_gram_shapes():
    gram = np.eye(3)[None]
    zy = np.array([[[3.0], [0.0], [1.0]]])
    masks = lasso_path_masks(gram, zy, 1)
    assert masks.shape == (1, 1, 3)
    assert masks[0, 0].tolist() == [True, False, False]


def test_user_kernel_weights_are_used(rng):
    Z, Y = _problem(rng, b=2)
    with x64_scope():
        w = np.asarray(sample_weights(Z, WIDTH, kernel=lambda d, width: 1 / (1 + d)))
    d = np.sqrt(((Z - Z[:, :1]) ** 2).sum(axis=-1))
    np.testing.assert_allclose(w, 1 / (1 + d), rtol=1e-12)


@pytest.mark.parametrize(
    "kernel, message",
    [
        (lambda d, w: d[:, :1], "shape"),
        (lambda d, w: -np.ones_like(d), "negative"),
        (lambda d, w: np.zeros_like(d), "all zero"),
        (lambda d, w: np.full_like(d, np.nan), "NaN"),
    ],
)
def test_bad_user_kernel(rng, kernel, message):
    Z, _ = _problem(rng, b=2)
    with x64_scope(), pytest.raises(ValueError, match=message):
        sample_weights(Z, WIDTH, kernel=kernel)


def test_selected_ridge_equals_sklearn_on_selected_columns(rng):
    Z, Y = _problem(rng, b=2, p=6)
    ours, w = _ours(Z, Y, "highest_weights", 3)
    for i in range(2):
        cols = np.flatnonzero(ours["coef"][i, 0])
        ridge = Ridge(alpha=1.0).fit(Z[i][:, cols], Y[i, :, 0], sample_weight=w[i])
        np.testing.assert_allclose(ours["coef"][i, 0, cols], ridge.coef_, rtol=1e-8)
        assert ours["score"][i, 0] == pytest.approx(
            ridge.score(Z[i][:, cols], Y[i, :, 0], sample_weight=w[i]), rel=1e-8
        )
