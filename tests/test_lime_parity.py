"""sklime gives the answers of the `lime` package on the same model and data.

The two libraries draw different random numbers, so the explanations agree up
to sampling noise: with 20000 samples per row the top-5 features (mean
Jaccard over 20 rows) and the coefficient vectors (correlation) agree.
"""

import numpy as np
import pytest
from lime.lime_tabular import LimeTabularExplainer
from scipy.stats import ks_2samp

from sklime import LimeExplainer

N_ROWS = 20
N_SAMPLES = 20000


def _lime_coefs(X, rows, fn, mode, discretize, label, selection="none"):
    le = LimeTabularExplainer(
        X,
        mode=mode,
        discretize_continuous=discretize,
        feature_selection=selection,
        random_state=0,
    )
    out = np.zeros((len(rows), X.shape[1]))
    for r, row in enumerate(rows):
        exp = le.explain_instance(
            row, fn, labels=(label,), num_features=X.shape[1], num_samples=N_SAMPLES
        )
        for j, w in exp.local_exp[1 if mode == "regression" else label]:
            out[r, j] = w
    return out


def _compare(ours, theirs, k=5):
    jaccards, correlations = [], []
    for a, b in zip(ours, theirs):
        top_a = set(np.argsort(-np.abs(a))[:k])
        top_b = set(np.argsort(-np.abs(b))[:k])
        jaccards.append(len(top_a & top_b) / len(top_a | top_b))
        correlations.append(np.corrcoef(a, b)[0, 1])
    return np.mean(jaccards), np.mean(correlations)


@pytest.mark.parametrize("discretize", [True, False])
@pytest.mark.parametrize("model", ["cancer_lr", "cancer_rf", "diabetes_rf"])
def test_parity_with_lime(request, model, discretize):
    regression = model.startswith("diabetes")
    X, _, _ = request.getfixturevalue("diabetes" if regression else "cancer")
    est = request.getfixturevalue(model)
    fn = est.predict if regression else est.predict_proba
    mode = "regression" if regression else "classification"
    rows = X[np.random.default_rng(1).choice(len(X), N_ROWS, replace=False)]
    label = 0 if regression else 1
    theirs = _lime_coefs(X, rows, fn, mode, discretize, label)
    scores = []
    # Two of our runs against one of lime's: the mean Jaccard over 20 rows
    # still wobbles by a few hundredths from seed to seed (near-tied weights).
    for seed in (0, 1):
        explainer = LimeExplainer(
            est,
            n_samples=N_SAMPLES,
            discretizer="quartile" if discretize else None,
            feature_selection="none",
            labels=None if regression else label,
            random_state=seed,
        ).fit(X)
        scores.append(_compare(explainer.transform(rows), theirs))
    jaccard, correlation = np.mean(scores, axis=0)
    # Issue 4's bar. Seen: 0.75-0.90 per run; on a GPU (other random streams)
    # breast_cancer/LR/discretized averaged 0.796 (see doc/performance.rst).
    assert jaccard >= 0.8, scores
    assert correlation >= 0.95, scores


def test_default_settings_parity_top_features(cancer, cancer_lr):
    """Default settings (quartiles, highest weights, 10 features) pick lime's top 5."""
    X, _, _ = cancer
    rows = X[:N_ROWS]
    le = LimeTabularExplainer(X, random_state=0)
    runs = [
        LimeExplainer(cancer_lr, n_samples=N_SAMPLES, labels=1, random_state=seed)
        .fit(X)
        .explain(rows)
        for seed in (0, 1)
    ]
    jaccards = []
    for r, row in enumerate(rows):
        exp = le.explain_instance(row, cancer_lr.predict_proba, num_samples=N_SAMPLES)
        theirs = {j for j, _ in exp.local_exp[1][:5]}
        for ours in runs:
            mine = set(np.argsort(-np.abs(ours.coef[r, 0]))[:5])
            jaccards.append(len(theirs & mine) / len(theirs | mine))
        # The same kind of descriptions as lime's as_list.
        lime_names = {name.split(" ")[0] for name, _ in exp.as_list()}
        assert lime_names
    assert np.mean(jaccards) >= 0.8


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"discretizer": None},
        {"discretizer": None, "sample_around_instance": True},
        {"discretizer": "decile"},
    ],
)
def test_neighbourhood_has_lime_law(cancer, params):
    """Samples of every feature follow lime's law (two-sample KS tests)."""
    X, y, _ = cancer
    le = LimeTabularExplainer(
        X,
        discretize_continuous=params.get("discretizer", "quartile") is not None,
        discretizer=params.get("discretizer") or "quartile",
        sample_around_instance=params.get("sample_around_instance", False),
        random_state=0,
    )
    data, inverse = le._LimeTabularExplainer__data_inverse(X[3], 3000)
    scaled = (data - le.scaler.mean_) / le.scaler.scale_
    explainer = LimeExplainer(
        lambda A: A[:, 0], n_samples=3000, random_state=0, **params
    )
    X_model, Z = explainer.fit(X)._neighbourhood(X[3:4])
    np.testing.assert_allclose(X_model[0, 0], X[3])
    np.testing.assert_allclose(Z[0, 0], scaled[0], atol=1e-12)
    p_model = [
        ks_2samp(inverse[1:, j], X_model[0, 1:, j], method="asymp").pvalue
        for j in range(30)
    ]
    p_interp = [
        ks_2samp(scaled[1:, j], Z[0, 1:, j], method="asymp").pvalue for j in range(30)
    ]
    # 60 tests: a Bonferroni bound at 1e-4 fails only for a real difference.
    assert min(p_model) > 1e-4 / 60
    assert min(p_interp) > 1e-4 / 60
