"""Primal and dual surrogate fits against each other and scikit-learn.

The ridge solution is unique, so the ``p x p`` (primal) and ``n x n`` (dual)
forms must agree to rounding with ``sklearn.linear_model.Ridge`` fitted with
``sample_weight``, with and without a prior and on subsets of features; the
incremental forward selection must pick what refitting every candidate picks.
"""

import jax
import numpy as np
import pytest
from sklearn.linear_model import Ridge, lars_path

from sklime._engine._precision import x64_scope
from sklime._surrogate._design import design, full_ridge, subset_ridge
from sklime._surrogate._fit import fit_surrogates, sample_weights
from sklime._surrogate._selection import lasso_path_masks, select_features


def _problem(rng, b=2, n=40, p=12, L=2, binary=True):
    if binary:
        Z = (rng.random((b, n, p)) < 0.5).astype(float)
        Z[:, 0] = 1.0
    else:
        Z = rng.normal(size=(b, n, p))
    beta = rng.normal(size=(b, p)) * (rng.random((b, p)) < 0.5)
    y = np.einsum("bnp,bp->bn", Z, beta) + 0.2 * rng.normal(size=(b, n))
    Y = np.stack([y, np.sin(y) - Z[..., 1]][:L], axis=-1)
    w = rng.uniform(0.05, 1.0, size=(b, n))
    return Z, Y, w


def _design(Z, Y, w, dual):
    with x64_scope():
        return design(*(jax.numpy.asarray(a) for a in (Z, Y, w)), dual=dual)


def _sklearn_coef(Z, y, w, alpha, cols=None, prior=None):
    cols = np.arange(Z.shape[1]) if cols is None else np.asarray(cols)
    X = Z[:, cols]
    target = y if prior is None else y - X @ prior[cols]
    coef = Ridge(alpha=alpha).fit(X, target, sample_weight=w).coef_
    return coef if prior is None else coef + prior[cols]


@pytest.mark.parametrize("n, p", [(40, 12), (12, 40), (20, 20)])
@pytest.mark.parametrize("dual", [False, True])
@pytest.mark.parametrize("with_prior", [False, True])
def test_full_ridge_equals_sklearn_in_both_forms(rng, n, p, dual, with_prior):
    Z, Y, w = _problem(rng, n=n, p=p)
    prior = rng.normal(size=(2, 2, p)) if with_prior else None
    with x64_scope():
        coef = np.asarray(full_ridge(_design(Z, Y, w, dual), 0.7, prior))
    for i in range(2):
        for label in range(2):
            ref = _sklearn_coef(
                Z[i],
                Y[i, :, label],
                w[i],
                0.7,
                prior=None if prior is None else prior[i, label],
            )
            np.testing.assert_allclose(coef[i, label], ref, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("dual", [False, True])
def test_subset_ridge_equals_sklearn_on_the_columns(rng, dual):
    Z, Y, w = _problem(rng, n=15, p=30)
    S = np.array([[[3, 7, 0, 11], [29, 1, 5, 2]], [[4, 8, 9, 10], [12, 13, 14, 0]]])
    valid = np.ones(S.shape, bool)
    valid[1, 1, 3] = False  # an unused slot (fewer features than slots)
    prior = rng.normal(size=(2, 2, 30))
    with x64_scope():
        coef, _ = subset_ridge(_design(Z, Y, w, dual), 0.5, S, valid, prior)
        coef = np.asarray(coef)
    for i in range(2):
        for label in range(2):
            cols = S[i, label][valid[i, label]]
            ref = _sklearn_coef(Z[i], Y[i, :, label], w[i], 0.5, cols, prior[i, label])
            np.testing.assert_allclose(
                coef[i, label][valid[i, label]], ref, rtol=1e-8, atol=1e-10
            )
    assert coef[1, 1, 3] == 0


def _weighted_r2(X, y, w):
    """R^2 of a weighted least-squares fit with intercept (lime: Ridge(alpha=0))."""
    fit = Ridge(alpha=1e-12).fit(X, y, sample_weight=w)
    return fit.score(X, y, sample_weight=w)


@pytest.mark.parametrize("dual", [False, True])
@pytest.mark.parametrize("binary", [False, True])
def test_forward_selection_picks_what_refitting_every_candidate_picks(
    rng, dual, binary
):
    Z, Y, w = _problem(rng, n=60, p=9, binary=binary)
    Z[:, :, 8] = Z[:, :, 2]  # a duplicate column: never worth adding twice
    k = 4
    with x64_scope():
        d = _design(Z, Y, w, dual)
        S = np.asarray(
            select_features(d, jax.numpy.asarray(Z[:, 0]), "forward_selection", k)
        )
    for i in range(2):
        for label in range(2):
            chosen = []
            for _ in range(k):
                scores = [
                    -np.inf
                    if j in chosen
                    else _weighted_r2(Z[i][:, chosen + [j]], Y[i, :, label], w[i])
                    for j in range(9)
                ]
                chosen.append(int(np.argmax(scores)))
            # 2 and 8 tie exactly: rounding may prefer either, never both.
            ours = S[i, label].tolist()
            assert [2 if j == 8 else j for j in ours] == [
                2 if j == 8 else j for j in chosen
            ]
            assert not {2, 8} <= set(ours)


@pytest.mark.parametrize("method", ["highest_weights", "forward_selection"])
def test_selection_is_the_same_in_both_forms(rng, method):
    Z, Y, w = _problem(rng, n=30, p=30)
    with x64_scope():
        z0 = jax.numpy.asarray(Z[:, 0])
        primal = select_features(_design(Z, Y, w, False), z0, method, 5)
        dual = select_features(_design(Z, Y, w, True), z0, method, 5)
    np.testing.assert_array_equal(np.asarray(primal), np.asarray(dual))


def test_lasso_path_on_samples_equals_lasso_path_on_gram(rng):
    Z, Y, w = _problem(rng, n=25, p=10, binary=False)
    primal, dual = _design(Z, Y, w, False), _design(Z, Y, w, True)
    from_gram = lasso_path_masks(primal.m.gram, primal.m.zy, 4)
    from_samples = lasso_path_masks(None, dual.m.zy, 4, dual.A, dual.yc)
    np.testing.assert_array_equal(from_gram, from_samples)
    # and both are lime's: lars_path on the weighted, centred data
    A = np.asarray(dual.A[0])
    _, _, coefs = lars_path(A, np.asarray(dual.yc[0, :, 0]), method="lasso")
    last = [np.flatnonzero(coefs[:, s]) for s in range(coefs.shape[1])]
    best = next(nz for nz in reversed(last) if nz.size <= 4)
    assert np.flatnonzero(from_gram[0, 0]).tolist() == best.tolist()


@pytest.mark.parametrize(
    "method", ["none", "highest_weights", "forward_selection", "lasso_path"]
)
def test_wide_fit_end_to_end_equals_sklearn(rng, method):
    """p > n (the dual form): coefficients, intercepts, R^2 and local
    predictions equal scikit-learn's Ridge on the selected features."""
    Z, Y, w = _problem(rng, n=30, p=80)
    Z = Z.transpose(0, 2, 1).copy()  # feature-major, as the tabular engine
    k = 80 if method == "none" else 6
    with x64_scope():
        fit = fit_surrogates(
            Z, Y, w, alpha=1.0, method=method, n_features=k, feature_major=True
        )
        fit = {name: np.asarray(v) for name, v in fit._asdict().items()}
    Zs = Z.transpose(0, 2, 1)
    for i in range(2):
        for label in range(2):
            cols = np.flatnonzero(fit["coef"][i, label])
            assert cols.size == (80 if method == "none" else 6)
            reg = Ridge(alpha=1.0).fit(
                Zs[i][:, cols], Y[i, :, label], sample_weight=w[i]
            )
            np.testing.assert_allclose(
                fit["coef"][i, label, cols], reg.coef_, rtol=1e-7, atol=1e-10
            )
            np.testing.assert_allclose(
                fit["intercept"][i, label], reg.intercept_, rtol=1e-7
            )
            np.testing.assert_allclose(
                fit["score"][i, label],
                reg.score(Zs[i][:, cols], Y[i, :, label], sample_weight=w[i]),
                rtol=1e-7,
            )
            np.testing.assert_allclose(
                fit["local_pred"][i, label], reg.predict(Zs[i][:1, cols])[0], rtol=1e-7
            )


def test_wide_highest_weights_uses_the_ridge_at_alpha_001(rng):
    Z, Y, w = _problem(rng, b=1, n=20, p=50, L=1)
    with x64_scope():
        S = np.asarray(
            select_features(
                _design(Z, Y, w, None), jax.numpy.asarray(Z[:, 0]), "highest_weights", 5
            )
        )
    ref = _sklearn_coef(Z[0], Y[0, :, 0], w[0], 0.01)
    assert sorted(S[0, 0].tolist()) == sorted(
        np.argsort(-np.abs(ref * Z[0, 0]))[:5].tolist()
    )


def test_kernel_weights_feed_the_dual_form(rng):
    """Weights from the kernel, a fit with fewer samples than features, finite."""
    Z = (rng.random((1, 16, 64)) < 0.5).astype(float)
    Z[:, 0] = 1
    Y = rng.random((1, 16, 1))
    with x64_scope():
        w = sample_weights(Z, 3.0)
        fit = fit_surrogates(Z, Y, w, alpha=1.0, method="highest_weights", n_features=4)
    assert np.isfinite(np.asarray(fit.coef)).all()
    assert (np.asarray(fit.coef) != 0).sum() == 4


@pytest.mark.parametrize("fm", [False, True])
def test_standard_errors_on_the_kept_features_equal_the_full_estimate(rng, fm):
    """n_kept: the sandwich on the kept features' samples alone (k x k
    systems) is the masked p x p estimate."""
    from sklime._surrogate._fit import coef_standard_errors

    Z, Y, w = _problem(rng, n=50, p=20, L=1)
    with x64_scope():
        fit = fit_surrogates(Z, Y, w, alpha=1.0, method="highest_weights", n_features=4)
        Zin = Z.transpose(0, 2, 1) if fm else Z
        args = (Zin, Y, w, fit.coef, fit.intercept, 1.0)
        full = np.asarray(coef_standard_errors(*args, fm=fm))
        kept = np.asarray(coef_standard_errors(*args, fm=fm, n_kept=4))
    assert ((full != 0).sum(axis=1) == 4).all()
    np.testing.assert_allclose(kept, full, rtol=1e-9, atol=1e-14)
