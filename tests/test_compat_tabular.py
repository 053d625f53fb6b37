"""sklime.compat.lime_tabular: lime's tabular API, lime's answers, on sklime's engine.

lime's own test_lime_tabular.py runs against it in test_compat_lime_suite.py;
here: parity with the ``lime`` package (same features, signs, intercepts up
to sampling noise), identity with the native LimeExplainer, lime's
attributes and names, the vectorized ``explain_instances``, the recurrent
explainer, sparse input, training statistics and the errors lime lacks.
"""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from lime import lime_tabular as lime_tab

from sklime import LimeExplainer
from sklime.compat.discretize import QuartileDiscretizer
from sklime.compat.lime_tabular import LimeTabularExplainer, RecurrentTabularExplainer

N = 5000


def _same_bin_name(ours, lime_name):
    """Equal text, and numbers equal to lime's two decimals."""
    number = r"-?\d+\.\d+"
    if re.sub(number, "#", ours) != re.sub(number, "#", lime_name):
        return False
    a = [float(v) for v in re.findall(number, ours)]
    b = [float(v) for v in re.findall(number, lime_name)]
    return np.allclose(a, b, rtol=0, atol=0.0051)


def _top(items, k):
    return {name for name, _ in items[:k]}


@pytest.mark.parametrize("discretize", [True, False])
def test_parity_with_lime_classification(cancer, cancer_lr, discretize):
    X, _, names = cancer
    kwargs = dict(feature_names=names, discretize_continuous=discretize, random_state=0)
    ours = LimeTabularExplainer(X, **kwargs)
    theirs = lime_tab.LimeTabularExplainer(X, **kwargs)
    overlap, gaps, correlations = [], [], []
    for row in X[[3, 50, 200]]:
        a = ours.explain_instance(
            row, cancer_lr.predict_proba, num_samples=N, num_features=30
        )
        b = theirs.explain_instance(
            row, cancer_lr.predict_proba, num_samples=N, num_features=30
        )
        assert list(a.as_map()) == list(b.as_map()) == [1]
        overlap.append(len(_top(a.as_list(), 5) & _top(b.as_list(), 5)) / 5)
        # The weights agree feature by feature.
        wa_all, wb_all = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        for j, w in a.as_map()[1]:
            wa_all[j] = w
        for j, w in b.as_map()[1]:
            wb_all[j] = w
        correlations.append(np.corrcoef(wa_all, wb_all)[0, 1])
        wa, wb = dict(a.as_map()[1]), dict(b.as_map()[1])
        top = max(wb, key=lambda j: abs(wb[j]))
        assert np.sign(wa.get(top, 0)) == np.sign(wb[top])
        gaps.append(abs(a.intercept[1] - b.intercept[1]))
        np.testing.assert_allclose(a.predict_proba, b.predict_proba)
        assert abs(a.score - b.score) < 0.15
    assert np.mean(overlap) >= 0.6
    assert np.mean(correlations) > 0.9
    assert max(gaps) < 0.1


def test_parity_with_lime_regression(diabetes, diabetes_rf):
    X, _, names = diabetes
    kwargs = dict(feature_names=names, mode="regression", random_state=0)
    a = LimeTabularExplainer(X, **kwargs).explain_instance(
        X[7], diabetes_rf.predict, num_samples=N
    )
    b = lime_tab.LimeTabularExplainer(X, **kwargs).explain_instance(
        X[7], diabetes_rf.predict, num_samples=N
    )
    assert set(a.as_map()) == set(b.as_map()) == {0, 1}
    assert a.as_map()[0] == [(j, -w) for j, w in a.as_map()[1]]
    assert a.intercept[0] == a.intercept[1]
    assert _top(a.as_list(), 2) == _top(b.as_list(), 2)
    assert a.predicted_value == pytest.approx(b.predicted_value)
    # lime's range of the model on the samples.
    assert a.min_value <= a.predicted_value <= a.max_value
    assert a.min_value == pytest.approx(b.min_value, rel=0.1)
    assert a.max_value == pytest.approx(b.max_value, rel=0.1)


@pytest.mark.parametrize("discretize", [True, False])
def test_same_coefficients_as_native_explainer(cancer, cancer_lr, discretize):
    X, _, names = cancer
    compat = LimeTabularExplainer(
        X, feature_names=names, discretize_continuous=discretize, random_state=3
    )
    exps = compat.explain_instances(
        X[:4], cancer_lr.predict_proba, num_samples=800, labels=(0, 1)
    )
    seed = compat._seed
    native = LimeExplainer(
        cancer_lr,
        discretizer="quartile" if discretize else None,
        n_samples=800,
        labels=[0, 1],
        random_state=seed,
    ).fit(X)
    batch = native.explain(X[:4])
    for i, exp in enumerate(exps):
        for slot, label in enumerate((0, 1)):
            coef = np.zeros(X.shape[1])
            for j, w in exp.local_exp[label]:
                coef[j] = w
            np.testing.assert_allclose(coef, batch.coef[i, slot], rtol=1e-6, atol=1e-9)
            assert exp.intercept[label] == pytest.approx(batch.intercept[i, slot])


def test_explain_instances_equals_explain_instance(cancer, cancer_rf):
    X, _, _ = cancer
    explainer = LimeTabularExplainer(X, random_state=1)
    many = explainer.explain_instances(X[:3], cancer_rf.predict_proba, num_samples=500)
    for row, exp in zip(X[:3], many):
        one = explainer.explain_instance(row, cancer_rf.predict_proba, num_samples=500)
        assert one.as_map() == exp.as_map()
        assert one.score == exp.score


def test_fixed_seed_gives_the_same_explanation_on_every_call(cancer, cancer_rf):
    X, _, _ = cancer
    explainer = LimeTabularExplainer(X, random_state=5)
    first = explainer.explain_instance(X[0], cancer_rf.predict_proba, num_samples=500)
    second = explainer.explain_instance(X[0], cancer_rf.predict_proba, num_samples=500)
    assert first.as_map() == second.as_map()
    other = LimeTabularExplainer(X, random_state=6).explain_instance(
        X[0], cancer_rf.predict_proba, num_samples=500
    )
    assert other.as_map() != first.as_map()


def test_names_follow_lime(cancer, cancer_lr):
    X, _, names = cancer
    ours = LimeTabularExplainer(X, feature_names=names, random_state=0)
    theirs = lime_tab.LimeTabularExplainer(X, feature_names=names, random_state=0)
    a = ours.explain_instance(X[0], cancer_lr.predict_proba, num_samples=300)
    b = theirs.explain_instance(X[0], cancer_lr.predict_proba, num_samples=300)
    assert a.domain_mapper.feature_values == b.domain_mapper.feature_values
    assert a.domain_mapper.feature_names == b.domain_mapper.feature_names
    # The same bins; sklime prints more decimals where lime's %.2f would
    # print two edges alike.
    ours_bins = a.domain_mapper.discretized_feature_names
    theirs_bins = b.domain_mapper.discretized_feature_names
    assert len(ours_bins) == len(theirs_bins)
    assert all(map(_same_bin_name, ours_bins, theirs_bins))
    assert ours.categorical_features == theirs.categorical_features
    assert ours.feature_values.keys() == theirs.feature_values.keys()
    for j in ours.feature_values:
        assert list(ours.feature_values[j]) == list(theirs.feature_values[j])
        np.testing.assert_allclose(
            ours.feature_frequencies[j], theirs.feature_frequencies[j]
        )
    np.testing.assert_allclose(ours.scaler.scale_, theirs.scaler.scale_)
    assert a.class_names == b.class_names == ["0", "1"]


def test_categorical_names_and_top_labels(rng):
    X = np.column_stack(
        [rng.integers(0, 3, 400), rng.normal(size=400), rng.normal(size=400)]
    ).astype(float)

    def predict(Z):  # class k is likely when the category is k
        logits = np.stack([3.0 * (Z[:, 0] == k) + 0.1 * Z[:, 1] for k in range(3)], 1)
        e = np.exp(logits)
        return e / e.sum(1, keepdims=True)

    kwargs = dict(
        feature_names=["colour", "x", "y"],
        categorical_features=[0],
        categorical_names={0: ["red", "green", "blue"]},
        class_names=["R", "G", "B"],
        random_state=0,
    )
    row = np.array([2.0, 0.3, -0.1])
    exp = LimeTabularExplainer(X, **kwargs).explain_instance(
        row, predict, top_labels=2, num_features=2, num_samples=2000
    )
    ref = lime_tab.LimeTabularExplainer(X, **kwargs).explain_instance(
        row, predict, top_labels=2, num_features=2, num_samples=2000
    )
    assert exp.top_labels == ref.top_labels == [2, exp.top_labels[1]]
    assert exp.available_labels() == ref.available_labels()
    assert exp.as_list(label=2)[0][0] == ref.as_list(label=2)[0][0] == "colour=blue"
    assert exp.as_list(label=2)[0][1] > 0
    with pytest.raises(KeyError, match="label 0 was not explained"):
        exp.as_list(label=0) if 0 not in exp.top_labels else exp.as_list(label=1)


def test_lime_views(cancer, cancer_lr, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    X, _, names = cancer
    exp = LimeTabularExplainer(
        X, feature_names=names, class_names=["malignant", "benign"], random_state=0
    ).explain_instance(X[0], cancer_lr.predict_proba, num_samples=300, num_features=4)
    fig = exp.as_pyplot_figure()
    assert fig.axes[0].get_title() == "Local explanation for class benign"
    assert len(fig.axes[0].patches) == 4
    html = exp.as_html()
    assert "benign" in html and "<script" not in html
    exp.save_to_file(tmp_path / "exp.html")
    assert (tmp_path / "exp.html").read_text(encoding="utf8") == html


def test_sampling_method_lhs(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeTabularExplainer(X, discretize_continuous=False, random_state=0)
    gauss = explainer.explain_instance(X[1], cancer_lr.predict_proba, num_samples=500)
    lhs = explainer.explain_instance(
        X[1], cancer_lr.predict_proba, num_samples=500, sampling_method="lhs"
    )
    assert gauss.as_map() != lhs.as_map()
    assert _top(gauss.as_list(), 3) & _top(lhs.as_list(), 3)


def test_sparse_training_data_and_rows(cancer, cancer_lr):
    X, _, _ = cancer
    dense = LimeTabularExplainer(X, discretize_continuous=False, random_state=0)
    sparse = LimeTabularExplainer(sp.csr_matrix(X), random_state=0)
    assert sparse.discretizer is None  # as lime: no discretizer for sparse data
    a = dense.explain_instance(X[2], cancer_lr.predict_proba, num_samples=400)
    b = sparse.explain_instance(
        sp.csr_matrix(X[2:3]), cancer_lr.predict_proba, num_samples=400
    )
    assert a.as_map() == b.as_map()


def test_training_data_stats_replace_the_data(cancer, cancer_lr):
    X, _, names = cancer
    disc = QuartileDiscretizer(X, [], names, random_state=0)
    codes = disc.discretize(X)
    stats = {
        "means": disc.means,
        "stds": disc.stds,
        "mins": disc.mins,
        "maxs": disc.maxs,
        "bins": {j: list(disc.discretizer_.bin_edges_[j]) for j in range(X.shape[1])},
        "feature_values": {j: [0, 1, 2, 3] for j in range(X.shape[1])},
        "feature_frequencies": {
            j: np.bincount(codes[:, j].astype(int), minlength=4)
            for j in range(X.shape[1])
        },
    }
    from_stats = LimeTabularExplainer(
        np.zeros((2, X.shape[1])),
        feature_names=names,
        training_data_stats=stats,
        random_state=0,
    )
    from_data = LimeTabularExplainer(X, feature_names=names, random_state=0)
    for j in range(X.shape[1]):
        np.testing.assert_allclose(
            from_stats.feature_frequencies[j], from_data.feature_frequencies[j]
        )
    a = from_stats.explain_instance(X[0], cancer_lr.predict_proba, num_samples=2000)
    b = from_data.explain_instance(X[0], cancer_lr.predict_proba, num_samples=2000)
    assert len(_top(a.as_list(), 5) & _top(b.as_list(), 5)) >= 3
    with pytest.raises(ValueError, match="training_data_stats misses"):
        LimeTabularExplainer(X, training_data_stats={"means": {}})


def test_recurrent_explainer_matches_lime(rng):
    X = rng.normal(size=(300, 4, 2))

    def predict(x):  # feature "b" two steps back decides
        p = 1 / (1 + np.exp(-3 * x[:, 2, 1]))
        return np.column_stack([1 - p, p])

    kwargs = dict(feature_names=["a", "b"], random_state=0)
    ours = RecurrentTabularExplainer(X, **kwargs)
    theirs = lime_tab.RecurrentTabularExplainer(X, **kwargs)
    assert ours.feature_names == theirs.feature_names
    a = ours.explain_instance(X[0], predict, num_features=3, num_samples=2000)
    b = theirs.explain_instance(X[0], predict, num_features=3, num_samples=2000)
    assert a.as_map()[1][0][0] == b.as_map()[1][0][0]
    assert "b_t-1" in a.as_list()[0][0]
    with pytest.raises(ValueError, match=r"data_row must have shape \(4, 2\)"):
        ours.explain_instance(X[0].T, predict)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda e, f, X: e.explain_instance(X[0, :5], f), "data_row must have 30"),
        (lambda e, f, X: e.explain_instance(X[:2], f), "data_row must be a 1-D"),
        (
            lambda e, f, X: e.explain_instance(np.full(30, np.nan), f),
            "data_row must be finite",
        ),
        (
            lambda e, f, X: e.explain_instance(X[0], lambda Z: f(Z)[:, 1]),
            r"class probabilities of shape \(n_samples, n_classes\)",
        ),
        (
            lambda e, f, X: e.explain_instance(X[0], lambda Z: f(Z)[:, :1]),
            "n_classes >= 2",
        ),
        (
            lambda e, f, X: e.explain_instance(X[0], f, distance_metric="manhattan"),
            "distance_metric must be one of",
        ),
        (
            lambda e, f, X: e.explain_instance(X[0], f, sampling_method="sobol"),
            "sampling_method must be one of",
        ),
        (lambda e, f, X: e.explain_instance(X[0], f, labels=(5,)), "labels"),
        (lambda e, f, X: e.explain_instance(X[0], f, num_samples=1), "n_samples"),
    ],
)
def test_errors_lime_lacks(cancer, cancer_lr, call, match):
    X, _, _ = cancer
    explainer = LimeTabularExplainer(X, random_state=0)
    with pytest.raises(ValueError, match=match):
        call(explainer, cancer_lr.predict_proba, X)


def test_constructor_errors(cancer):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="mode must be one of"):
        LimeTabularExplainer(X, mode="ranking")
    with pytest.raises(ValueError, match="feature_names must name the 30"):
        LimeTabularExplainer(X, feature_names=["a"])
    with pytest.raises(ValueError, match="training_data must be finite"):
        LimeTabularExplainer(np.where(X > 10, np.nan, X))
    with pytest.raises(ValueError, match="discretizer must be"):
        LimeTabularExplainer(X, discretizer="octile")
