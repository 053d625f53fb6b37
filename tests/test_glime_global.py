"""GLIME sampling, prior-regularised ridge, global explanations, n_samples='auto'."""

import numpy as np
import pytest
from scipy import stats

from sklime import Explanation, LimeExplainer, global_importance, submodular_pick
from sklime._engine._precision import x64_scope
from sklime._surrogate._fit import sample_weights
from sklime._surrogate._ridge import solve_ridge, weighted_moments
from sklime.metrics import coef_variance, stability_report, top_k_jaccard


def _glime_pair(model, X, width, **params):
    lime = LimeExplainer(model, kernel_width=width, random_state=0, **params).fit(X)
    glime = LimeExplainer(
        model, kernel_width=width, sampler="glime", random_state=0, **params
    ).fit(X)
    return lime, glime


def test_glime_binary_law_is_kernel_weighted_law(cancer, cancer_lr):
    """Each 'same bin' indicator: P_glime = q / (q + (1 - q) exp(-1 / 2w^2))."""
    X, _, _ = cancer
    width = 1.0
    lime, glime = _glime_pair(cancer_lr, X, width, n_samples=20000)
    _, Z = glime._neighbourhood(X[3:4])
    disc = glime.discretizer_
    bins = disc.transform(X[3:4])[0].astype(int)
    q = np.array([disc.bin_frequencies_[j][bins[j]] for j in range(30)])
    c = np.exp(-0.5 / width**2)
    expected = q / (q + (1 - q) * c)
    observed = Z[0, 1:].mean(axis=0)
    se = np.sqrt(expected * (1 - expected) / 19999)
    assert np.all(np.abs(observed - expected) < 5 * se + 1e-12)
    # Features are independent under both laws: correlations near zero.
    corr = np.corrcoef(Z[0, 1:, :6].T)[np.triu_indices(6, 1)]
    assert np.abs(corr).max() < 0.05


def test_glime_matches_weighted_lime_where_lime_has_samples(cancer, cancer_lr):
    """With a wide kernel LIME's weighted marginals are precise: they agree."""
    X, _, _ = cancer
    width = 3.0
    lime, glime = _glime_pair(cancer_lr, X, width, n_samples=20000)
    _, Zl = lime._neighbourhood(X[3:4])
    _, Zg = glime._neighbourhood(X[3:4])
    with x64_scope():
        w = np.asarray(sample_weights(Zl, width))[0]
    weighted = (w[:, None] * Zl[0]).sum(axis=0) / w.sum()
    np.testing.assert_allclose(Zg[0, 1:].mean(axis=0), weighted, atol=0.02)


def test_glime_gaussian_law(diabetes):
    """Continuous features: N((w^2 c + z0) / (w^2 + 1), w^2 / (w^2 + 1))."""
    X, _, _ = diabetes
    width = 0.8
    explainer = LimeExplainer(
        lambda A: A[:, 0],
        discretizer=None,
        sampler="glime",
        kernel_width=width,
        n_samples=20000,
        random_state=0,
    ).fit(X)
    _, Z = explainer._neighbourhood(X[7:8])
    z0 = Z[0, 0]
    w2 = width**2
    mean = z0 / (w2 + 1)  # centre 0: sampling around the training mean
    sd = np.sqrt(w2 / (w2 + 1))
    np.testing.assert_allclose(
        Z[0, 1:].mean(axis=0), mean, atol=5 * sd / np.sqrt(20000)
    )
    np.testing.assert_allclose(Z[0, 1:].std(axis=0), sd, rtol=0.03)
    assert stats.kstest((Z[0, 1:, 0] - mean[0]) / sd, "norm").pvalue > 1e-4


def test_glime_groups_law(rng):
    X = rng.normal(size=(200, 4))
    width = 0.7
    explainer = LimeExplainer(
        lambda A: A.sum(1),
        feature_groups=[0, 0, 1, 2],
        sampler="glime",
        kernel_width=width,
        n_samples=20000,
        random_state=0,
    ).fit(X)
    _, Z = explainer._neighbourhood(X[:1])
    expected = 1 / (1 + np.exp(-0.5 / width**2))
    np.testing.assert_allclose(Z[0, 1:].mean(axis=0), expected, atol=0.02)


def test_glime_is_more_stable_at_narrow_width(cancer, cancer_lr):
    X, _, _ = cancer
    rows = X[:15]
    runs = {}
    for sampler in ("lime", "glime"):
        pair = [
            LimeExplainer(
                cancer_lr,
                n_samples=1000,
                kernel_width=0.5,
                sampler=sampler,
                random_state=seed,
            )
            .fit(X)
            .explain(rows)
            for seed in (0, 1)
        ]
        runs[sampler] = top_k_jaccard(*pair).mean()
    assert runs["glime"] > runs["lime"] + 0.2


def test_glime_needs_euclidean_exponential(cancer, cancer_lr):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="glime"):
        LimeExplainer(cancer_lr, sampler="glime", metric="cosine").fit(X)
    with pytest.raises(ValueError, match="glime"):
        LimeExplainer(cancer_lr, sampler="glime", kernel=lambda d, w: d).fit(X)


# -- prior-regularised ridge ----------------------------------------------------


def test_prior_ridge_closed_form(rng):
    """argmin ||sqrt(W)(y - Zw - b)||^2 + beta ||w - w0||^2, by hand."""
    b, n, p = 2, 50, 3
    Z = rng.normal(size=(b, n, p))
    y = Z @ np.array([1.0, 2.0, -1.0]) + rng.normal(size=(b, n))
    w = rng.random((b, n))
    w0 = np.array([[0.5, 0.5, 0.5]])
    beta = 7.0
    with x64_scope():
        m = weighted_moments(Z, y[..., None], w)
        coef, intercept = solve_ridge(m, beta, prior=np.broadcast_to(w0, (b, 1, p)))
    for i in range(b):
        sw = w[i].sum()
        zm = w[i] @ Z[i] / sw
        ym = w[i] @ y[i] / sw
        Zc, yc = Z[i] - zm, y[i] - ym
        A = Zc.T @ (w[i][:, None] * Zc) + beta * np.eye(p)
        expected = np.linalg.solve(A, Zc.T @ (w[i] * yc) + beta * w0[0])
        np.testing.assert_allclose(np.asarray(coef)[i, 0], expected, rtol=1e-10)
        np.testing.assert_allclose(
            np.asarray(intercept)[i, 0], ym - zm @ expected, rtol=1e-10
        )


def test_strong_prior_pulls_coefficients(cancer, cancer_lr):
    X, _, _ = cancer
    prior = np.full(30, 0.3)
    params = dict(n_samples=500, feature_selection="none", labels=1, random_state=0)
    free = LimeExplainer(cancer_lr, **params).fit(X).transform(X[:3])
    pulled = (
        LimeExplainer(cancer_lr, alpha=1e6, prior=prior, **params)
        .fit(X)
        .transform(X[:3])
    )
    np.testing.assert_allclose(pulled, 0.3, atol=1e-3)
    assert np.abs(free - 0.3).max() > 0.1
    per_label = LimeExplainer(cancer_lr, alpha=1e6, prior={1: prior}, **params).fit(X)
    np.testing.assert_allclose(per_label.transform(X[:1]), 0.3, atol=1e-3)


def test_prior_from_global_importance(cancer, cancer_lr):
    X, _, _ = cancer
    exp = (
        LimeExplainer(cancer_lr, n_samples=500, labels="all", random_state=0)
        .fit(X)
        .explain(X[:30])
    )
    g = global_importance(exp)
    assert g.shape == (2, 30) and np.isfinite(g).all()
    explainer = LimeExplainer(cancer_lr, n_samples=500, prior=g, random_state=0).fit(X)
    assert explainer.explain(X[:2]).coef.shape == (2, 1, 30)


@pytest.mark.parametrize(
    "prior, message",
    [
        (np.ones(5), "30 finite weights"),
        (np.ones((3, 30)), "shape"),
        ({7: np.ones(30)}, "label"),
    ],
)
def test_bad_priors(cancer, cancer_lr, prior, message):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=100, prior=prior)
    with pytest.raises(ValueError, match=message):  # at fit, not at explain time
        explainer.fit(X)


# -- global explanations ------------------------------------------------------------


def _toy(W, labels=None):
    n = W.shape[0]
    return Explanation(
        coef=W[:, None, :],
        intercept=np.zeros((n, 1)),
        score=np.ones((n, 1)),
        local_pred=np.zeros((n, 1)),
        model_pred=np.full((n, 2), 0.5),
        labels=np.zeros((n, 1), int) if labels is None else labels,
        feature_names=[f"f{j}" for j in range(W.shape[1])],
    )


def test_normlime_and_avg_by_hand():
    W = np.array([[2.0, -1.0, 1.0], [0.0, 3.0, -1.0]])
    exp = _toy(W)
    norm = global_importance(exp)
    expected = ((W**2) / np.abs(W).sum(axis=1, keepdims=True)).mean(axis=0)
    np.testing.assert_allclose(norm[0], expected)
    np.testing.assert_allclose(global_importance(exp, "avg")[0], np.abs(W).mean(axis=0))
    assert np.isnan(norm[1]).all()
    with pytest.raises(ValueError, match="method"):
        global_importance(exp, "shap")


def test_global_importance_per_label():
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    exp = _toy(W, labels=np.array([[0], [1]]))
    g = global_importance(exp, "avg")
    np.testing.assert_allclose(g, [[1.0, 0.0], [0.0, 1.0]])


def test_submodular_pick_by_hand():
    # importance = sqrt(column sums of |W|) = [sqrt(3), 1, 2]
    W = np.array([[1.0, 0, 0], [1.0, 1.0, 0], [1.0, 0, 0], [0, 0, 4.0]])
    exp = _toy(W)
    assert submodular_pick(exp, 1).tolist() == [1]  # covers sqrt(3) + 1
    assert submodular_pick(exp, 2).tolist() == [1, 3]
    assert sorted(submodular_pick(exp, 4).tolist()) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="n_picks"):
        submodular_pick(exp, 5)


def test_submodular_pick_beats_random_coverage(cancer, cancer_lr):
    X, _, _ = cancer
    exp = (
        LimeExplainer(cancer_lr, n_samples=500, n_features=5, random_state=0)
        .fit(X)
        .explain(X[:40])
    )
    W = exp.coef[:, 0]
    importance = np.sqrt(np.abs(W).sum(axis=0))

    def coverage(rows):
        return importance[(W[rows] != 0).any(axis=0)].sum()

    picked = coverage(submodular_pick(exp, 4))
    rng = np.random.default_rng(0)
    random = np.mean([coverage(rng.choice(40, 4, replace=False)) for _ in range(50)])
    assert picked >= random


# -- metrics and adaptive sample size ---------------------------------------------------


def test_coef_variance_and_report(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=400, random_state=0).fit(X)
    report = stability_report(explainer, X[:6], seeds=(0, 1, 2), k=5)
    assert set(report) >= {"jaccard", "coef_variance", "fidelity"}
    assert 0 <= report["jaccard"] <= 1 and report["coef_variance"] >= 0
    a = explainer.explain(X[:6])
    np.testing.assert_array_equal(coef_variance([a, a]), 0)


def test_auto_sample_size_grows_until_settled(cancer, cancer_lr):
    X, _, _ = cancer
    rows = X[:8]
    exps = [
        LimeExplainer(cancer_lr, n_samples="auto", random_state=s).fit(X).explain(rows)
        for s in (0, 1)
    ]
    assert set(np.unique(exps[0].n_samples)) <= {1000, 2000, 4000, 8000, 16000}
    fixed = [
        LimeExplainer(cancer_lr, n_samples=1000, random_state=s).fit(X).explain(rows)
        for s in (0, 1)
    ]
    assert top_k_jaccard(*exps).mean() >= top_k_jaccard(*fixed).mean()
