"""LimeExplainer: known answers, guarantees, scikit-learn integration, errors."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import Discretizer, Explanation, LimeExplainer


def linear_fn(X):
    """A module-level black box (picklable): a fixed linear function."""
    return X @ np.arange(1.0, X.shape[1] + 1)


def ignores_last_fn(X):
    return np.sin(X[:, 0]) + X[:, 1] ** 2


# -- known answers -----------------------------------------------------------


def test_linear_model_coefficients_are_weight_times_std(diabetes):
    X, y, _ = diabetes
    model = LinearRegression().fit(X, y)
    explainer = LimeExplainer(
        model, discretizer=None, feature_selection="none", random_state=0
    ).fit(X)
    coef = explainer.transform(X[:5])
    expected = model.coef_ * X.std(axis=0)
    np.testing.assert_allclose(coef, np.broadcast_to(expected, coef.shape), rtol=0.01)
    exp = explainer.explain(X[:5])
    assert exp.mode == "regression"
    np.testing.assert_allclose(exp.score, 1.0, atol=1e-4)  # ridge shrinkage only
    np.testing.assert_allclose(exp.local_pred[:, 0], model.predict(X[:5]), rtol=5e-3)


def test_ignored_features_get_no_weight(rng):
    X = rng.normal(size=(300, 4))
    explainer = LimeExplainer(
        ignores_last_fn, discretizer=None, feature_selection="none", random_state=0
    ).fit(X)
    coef = explainer.transform(X[:10])
    assert np.abs(coef[:, 2:]).max() < 0.05 * np.abs(coef[:, :2]).max()


def test_discretized_linear_model_signs(diabetes):
    X, y, _ = diabetes
    model = LinearRegression().fit(X, y)
    explainer = LimeExplainer(model, feature_selection="none", random_state=0).fit(X)
    exp = explainer.explain(X[:3])
    # A binary "same bin as the instance" feature of an increasing function
    # has positive weight when the instance sits in the top bin.
    top = explainer.discretizer_.transform(X[:3]) == explainer.discretizer_.n_bins_ - 1
    big = np.abs(model.coef_) > np.abs(model.coef_).max() / 3
    for i in range(3):
        for j in np.flatnonzero(top[i] & big):
            assert np.sign(exp.coef[i, 0, j]) == np.sign(model.coef_[j])


# -- guarantees -----------------------------------------------------------------


@pytest.mark.parametrize("discretizer", ["quartile", None])
def test_batch_and_order_invariance(cancer, cancer_lr, discretizer):
    X, _, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=500, discretizer=discretizer, random_state=3
    ).fit(X)
    rows = X[:37]
    full = explainer.transform(rows)
    for i in (0, 5, 36):
        np.testing.assert_array_equal(explainer.transform(rows[i : i + 1])[0], full[i])
    perm = np.random.default_rng(0).permutation(len(rows))
    np.testing.assert_array_equal(explainer.transform(rows[perm]), full[perm])


def test_same_random_state_same_explanations(cancer, cancer_lr):
    X, _, _ = cancer
    a = LimeExplainer(cancer_lr, n_samples=300, random_state=7).fit(X).explain(X[:4])
    b = LimeExplainer(cancer_lr, n_samples=300, random_state=7).fit(X).explain(X[:4])
    c = LimeExplainer(cancer_lr, n_samples=300, random_state=8).fit(X).explain(X[:4])
    np.testing.assert_array_equal(a.coef, b.coef)
    assert not np.array_equal(a.coef, c.coef)


def test_random_state_instance_advances(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=300, random_state=np.random.RandomState(0)
    ).fit(X)
    assert not np.array_equal(explainer.transform(X[:2]), explainer.transform(X[:2]))


def test_n_jobs_gives_identical_results(cancer, cancer_lr):
    X, _, _ = cancer
    params = dict(n_samples=2000, random_state=0)
    one = LimeExplainer(cancer_lr, **params).fit(X).transform(X[:40])
    many = LimeExplainer(cancer_lr, n_jobs=2, **params).fit(X).transform(X[:40])
    np.testing.assert_array_equal(one, many)


def test_float32_input_gives_float32_close_to_float64(cancer, cancer_lr):
    X, _, _ = cancer
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)  # the same rows, so the same random streams
    params = dict(n_samples=2000, feature_selection="none", random_state=0)
    t64 = LimeExplainer(cancer_lr, **params).fit(X64).transform(X64[:5])
    t32 = LimeExplainer(cancer_lr, **params).fit(X32).transform(X32[:5])
    assert t64.dtype == np.float64 and t32.dtype == np.float32
    np.testing.assert_allclose(t32, t64, atol=1e-4 * np.abs(t64).max())


# -- labels and modes ------------------------------------------------------------


def test_labels_default_is_predicted_class(cancer, cancer_lr):
    X, _, _ = cancer
    exp = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X).explain(X[:20])
    np.testing.assert_array_equal(exp.labels[:, 0], cancer_lr.predict(X[:20]))
    np.testing.assert_allclose(exp.model_pred, cancer_lr.predict_proba(X[:20]))


@pytest.mark.parametrize(
    "labels, expected", [(1, [1]), ([0, 1], [0, 1]), ("all", [0, 1])]
)
def test_labels_choices(cancer, cancer_lr, labels, expected):
    X, _, _ = cancer
    exp = (
        LimeExplainer(cancer_lr, n_samples=300, labels=labels, random_state=0)
        .fit(X)
        .explain(X[:3])
    )
    np.testing.assert_array_equal(exp.labels, np.tile(expected, (3, 1)))
    assert exp.coef.shape == (3, len(expected), 30)


def test_two_labels_of_binary_model_are_opposite(cancer, cancer_lr):
    X, _, _ = cancer
    exp = (
        LimeExplainer(
            cancer_lr,
            n_samples=1000,
            labels="all",
            feature_selection="none",
            random_state=0,
        )
        .fit(X)
        .explain(X[:3])
    )
    np.testing.assert_allclose(exp.coef[:, 0], -exp.coef[:, 1], atol=1e-9)


def test_binary_probability_in_classification_mode(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(
        lambda A: cancer_lr.predict_proba(A)[:, 1],
        mode="classification",
        n_samples=300,
        random_state=0,
    ).fit(X)
    assert explainer.n_outputs_ == 2 and explainer.mode_ == "classification"
    exp = explainer.explain(X[:3])
    np.testing.assert_allclose(exp.model_pred, cancer_lr.predict_proba(X[:3]))


def test_auto_mode(cancer, cancer_lr, diabetes, diabetes_rf):
    X, _, _ = cancer
    assert LimeExplainer(cancer_lr).fit(X).mode_ == "classification"
    Xd, _, _ = diabetes
    assert LimeExplainer(diabetes_rf).fit(Xd).mode_ == "regression"
    assert LimeExplainer(lambda A: A[:, :1]).fit(Xd).mode_ == "regression"


def test_regression_on_classifier_uses_predict(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, mode="regression", n_samples=300).fit(X)
    exp = explainer.explain(X[:2])
    np.testing.assert_allclose(exp.model_pred[:, 0], cancer_lr.predict(X[:2]))


@pytest.mark.parametrize(
    "method", ["none", "forward_selection", "highest_weights", "lasso_path", "auto"]
)
def test_feature_selection_keeps_n_features(cancer, cancer_lr, method):
    X, _, _ = cancer
    exp = (
        LimeExplainer(
            cancer_lr,
            n_samples=500,
            feature_selection=method,
            n_features=4,
            random_state=0,
        )
        .fit(X)
        .explain(X[:3])
    )
    kept = (exp.coef != 0).sum(axis=-1)
    if method == "none":
        assert (kept == 30).all()
    else:
        assert (kept <= 4).all() and (kept >= 1).all()


def test_user_surrogate_matches_builtin_ridge(cancer, cancer_lr):
    X, _, _ = cancer
    params = dict(n_samples=500, random_state=0, labels=[0, 1])
    builtin = LimeExplainer(cancer_lr, **params).fit(X).explain(X[:3])
    user = (
        LimeExplainer(cancer_lr, surrogate=Ridge(alpha=1.0), **params)
        .fit(X)
        .explain(X[:3])
    )
    np.testing.assert_allclose(user.coef, builtin.coef, atol=1e-8)
    np.testing.assert_allclose(user.intercept, builtin.intercept, atol=1e-8)
    np.testing.assert_allclose(user.score, builtin.score, atol=1e-8)
    np.testing.assert_allclose(user.local_pred, builtin.local_pred, atol=1e-8)


def test_kernel_width_default_and_custom_kernel(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=300).fit(X)
    assert explainer.kernel_width_ == pytest.approx(0.75 * np.sqrt(30))
    flat = LimeExplainer(
        cancer_lr, n_samples=300, kernel=lambda d, w: np.ones_like(d), random_state=0
    ).fit(X)
    assert flat.explain(X[:2]).coef.shape == (2, 1, 30)


def test_cosine_metric_runs(cancer, cancer_lr):
    X, _, _ = cancer
    exp = (
        LimeExplainer(
            cancer_lr, n_samples=300, metric="cosine", discretizer=None, random_state=0
        )
        .fit(X)
        .explain(X[:2])
    )
    assert np.isfinite(exp.coef).all()


@pytest.mark.parametrize("discretizer", ["decile", "entropy", Discretizer(n_bins=3)])
def test_discretizer_choices(cancer, cancer_lr, discretizer):
    X, y, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=300, discretizer=discretizer, random_state=0
    ).fit(X, y)
    expected = {"decile": 10, "entropy": 8}.get(discretizer, 3)
    assert explainer.discretizer_.n_bins_.max() <= expected
    desc = explainer.explain(X[:1]).as_list()
    assert all("<" in d or ">" in d for d, _ in desc)


def test_entropy_needs_y(cancer, cancer_lr):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="y is required"):
        LimeExplainer(cancer_lr, discretizer="entropy").fit(X)


def test_categorical_features(rng):
    X = np.column_stack([rng.integers(0, 3, 400), rng.normal(size=400)])
    fn = lambda A: (A[:, 0] == 2) * 3.0 + A[:, 1]  # noqa: E731
    explainer = LimeExplainer(fn, categorical_features=[0], random_state=0).fit(X)
    exp = explainer.explain(X[:5])
    for i in range(5):
        desc = dict(exp.as_list(i))
        assert f"x0 = {int(X[i, 0])}" in desc
    samples, Z = explainer._neighbourhood(X[:1])
    assert set(np.unique(samples[0, :, 0])) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(Z[0, :, 0], samples[0, :, 0] == X[0, 0])
    with pytest.raises(ValueError, match="unseen"):
        explainer.explain(np.array([[7.0, 0.0]]))


# -- scikit-learn integration --------------------------------------------------------


def test_fitted_model_survives_clone(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=200, random_state=0)
    twin = clone(explainer)
    assert twin.predict_fn is cancer_lr
    np.testing.assert_array_equal(
        twin.fit(X).transform(X[:2]), explainer.fit(X).transform(X[:2])
    )


def test_unfitted_model_gets_clear_error(cancer):
    X, _, _ = cancer
    with pytest.raises(NotFittedError, match="unfitted LogisticRegression"):
        LimeExplainer(LogisticRegression()).fit(X)


def test_predict_fn_required(cancer):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="predict_fn is required"):
        LimeExplainer().fit(X)


def test_pickle_roundtrip(diabetes):
    X, _, _ = diabetes
    explainer = LimeExplainer(linear_fn, n_samples=300, random_state=0).fit(X)
    loaded = pickle.loads(pickle.dumps(explainer))
    np.testing.assert_array_equal(loaded.transform(X[:3]), explainer.transform(X[:3]))


def test_in_pipeline_and_clustering(cancer, cancer_lr):
    X, _, _ = cancer
    pipe = make_pipeline(
        LimeExplainer(cancer_lr, n_samples=300, labels=1, random_state=0),
        KMeans(n_clusters=2, n_init=2, random_state=0),
    )
    clusters = pipe.fit_predict(X[:40])
    assert clusters.shape == (40,)
    scaled = make_pipeline(StandardScaler(), LimeExplainer(linear_fn, n_samples=200))
    assert scaled.fit_transform(X[:10]).shape == (10, 30)


def test_grid_search_over_kernel_width(cancer, cancer_lr):
    X, _, _ = cancer
    search = GridSearchCV(
        LimeExplainer(cancer_lr, n_samples=300, random_state=0),
        {"kernel_width": [0.5, 2.0, 20.0]},
        cv=2,
    ).fit(X[:60])
    assert search.best_params_["kernel_width"] in (0.5, 2.0, 20.0)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and (scores <= 1).all()


def test_score_is_mean_fidelity(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X)
    exp = explainer.explain(X[:5])
    assert explainer.score(X[:5]) == pytest.approx(exp.score.mean())


def test_set_output_pandas(cancer, cancer_lr):
    pd = pytest.importorskip("pandas")
    X, _, names = cancer
    df = pd.DataFrame(X, columns=names)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(df, cancer[1])
    explainer = LimeExplainer(model, n_samples=200).set_output(transform="pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the model gets DataFrames: no name warning
        out = explainer.fit(df).transform(df.iloc[:3])
    assert list(out.columns) == names
    assert list(explainer.explain(df.iloc[:1]).feature_names) == names


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda A: np.ones((len(A) + 1, 2)) / 2, "shape"),
        (lambda A: np.full((len(A), 2), np.nan), "NaN"),
        (lambda A: np.ones((len(A), 2, 2)), "shape"),
        (lambda A: ["a"] * len(A), "numbers"),
    ],
)
def test_bad_model_outputs(diabetes, fn, message):
    X, _, _ = diabetes
    with pytest.raises(ValueError, match=message):
        LimeExplainer(fn).fit(X)


def test_model_that_raises_midway(diabetes):
    X, _, _ = diabetes
    calls = {"n": 0}

    def flaky(A):
        calls["n"] += 1
        if calls["n"] > 1:
            raise ZeroDivisionError("boom")
        return A[:, 0]

    explainer = LimeExplainer(flaky, n_samples=100).fit(X)
    with pytest.raises(RuntimeError, match="ZeroDivisionError.*boom"):
        explainer.explain(X[:3])


def test_probabilities_not_summing_to_one_warn(diabetes):
    X, _, _ = diabetes
    explainer = LimeExplainer(lambda A: np.abs(A[:, :3]), n_samples=100).fit(X)
    with pytest.warns(UserWarning, match="sum to 1"):
        explainer.explain(X[:2])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf_rejected(diabetes, bad):
    X, _, _ = diabetes
    explainer = LimeExplainer(linear_fn, n_samples=100).fit(X)
    Xb = X[:2].copy()
    Xb[0, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        explainer.explain(Xb)
    with pytest.raises(ValueError, match="NaN|infinity"):
        LimeExplainer(linear_fn).fit(Xb)


def test_wrong_width_rejected(diabetes):
    X, _, _ = diabetes
    explainer = LimeExplainer(linear_fn, n_samples=100).fit(X)
    with pytest.raises(ValueError, match="features"):
        explainer.explain(X[:2, :5])


def test_labels_out_of_range(cancer, cancer_lr):
    X, _, _ = cancer
    with pytest.raises(ValueError, match="out of range"):
        LimeExplainer(cancer_lr, labels=5, n_samples=100).fit(X).explain(X[:1])


def test_explanation_type(cancer, cancer_lr):
    X, _, _ = cancer
    exp = LimeExplainer(cancer_lr, n_samples=100).fit(X).explain(X[:2])
    assert isinstance(exp, Explanation)
    for name in ("coef", "intercept", "score", "local_pred", "model_pred", "labels"):
        assert type(getattr(exp, name)) is np.ndarray


def test_concurrent_threads_identical_and_no_deadlock(cancer, cancer_lr):
    import threading

    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=1000, labels=1, random_state=0).fit(
        X
    )
    expected = explainer.transform(X[:24])
    results = {}

    def run(k):
        results[k] = explainer.transform(X[:24])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "explain deadlocked across threads"
    for k in range(3):
        np.testing.assert_array_equal(results[k], expected)


def test_user_surrogate_is_fitted_for_real_rows_only(cancer, cancer_lr):
    """Padding rows of a chunk are never fitted (one fit per row and label)."""
    from sklearn.linear_model import Ridge

    fits = []

    class CountingRidge(Ridge):
        def fit(self, X, y, sample_weight=None):
            fits.append(len(y))
            return super().fit(X, y, sample_weight=sample_weight)

    X, _, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=200, surrogate=CountingRidge(), random_state=0
    ).fit(X)
    exp = explainer.explain(X[:3])
    assert len(fits) == 3
    fast = LimeExplainer(cancer_lr, n_samples=200, random_state=0).fit(X).explain(X[:3])
    np.testing.assert_allclose(exp.coef, fast.coef, rtol=1e-6, atol=1e-9)


def test_scipy_sparse_input_is_explained_as_the_dense_rows(cancer, cancer_lr):
    import scipy.sparse as sp

    X, _, _ = cancer
    dense = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X)
    sparse = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(
        sp.csr_matrix(X)
    )
    for rows in (sp.csr_matrix(X[:3]), sp.csc_array(X[:3])):
        np.testing.assert_array_equal(sparse.transform(rows), dense.transform(X[:3]))
    assert sparse.__sklearn_tags__().input_tags.sparse


def test_class_names_name_the_outputs(cancer, cancer_lr):
    X, _, _ = cancer
    fn = cancer_lr.predict_proba  # a callable: no classes_ to name the outputs
    exp = (
        LimeExplainer(
            fn, n_samples=200, class_names=["malignant", "benign"], random_state=0
        )
        .fit(X)
        .explain(X[:1])
    )
    assert exp.label_name(0) == ("malignant", "benign")[int(exp.labels[0, 0])]
    assert "malignant" in exp.to_html() or "benign" in exp.to_html()
    plain = LimeExplainer(fn, n_samples=200, random_state=0).fit(X).explain(X[:1])
    assert plain.label_name(0) == str(int(plain.labels[0, 0]))
    with pytest.raises(ValueError, match="class_names must name the 2 outputs"):
        LimeExplainer(fn, class_names=["a", "b", "c"]).fit(X)


def test_class_names_on_every_explainer(cancer, cancer_lr):
    from sklime import ImageExplainer, KernelShapExplainer, TextExplainer

    X, _, _ = cancer
    names = ["malignant", "benign"]
    shap_exp = (
        KernelShapExplainer(cancer_lr.predict_proba, n_samples=64, class_names=names)
        .fit(X[:20])
        .explain(X[:1])
    )
    assert list(shap_exp.output_names) == names

    def words(texts):
        p = np.array([0.9 if "good" in t else 0.2 for t in texts])
        return np.column_stack([1 - p, p])

    text_exp = TextExplainer(
        words, n_samples=50, class_names=["bad", "good"], random_state=0
    ).explain(["a good day"])
    assert text_exp.label_name(0) == "good"

    def bright(images):
        p = np.asarray(images).reshape(len(images), -1).mean(axis=1)
        return np.column_stack([1 - p, p])

    image = np.zeros((8, 8, 3))
    image[:4] = 1.0
    image_exp = ImageExplainer(
        bright,
        segmentation=lambda img: np.arange(64).reshape(8, 8) // 16,
        n_samples=30,
        class_names=["dark", "light"],
        random_state=0,
    ).explain(image[None])
    assert set(image_exp.output_names) == {"dark", "light"}
    with pytest.raises(ValueError, match="class_names must name the 2 outputs"):
        TextExplainer(words, n_samples=20, class_names=["only"]).explain(["good"])


def test_transform_keeps_every_explained_label(cancer, cancer_lr):
    X, _, names = cancer
    est = LimeExplainer(
        cancer_lr.predict_proba,
        n_samples=300,
        labels="all",
        class_names=["malignant", "benign"],
        random_state=0,
    ).fit(X)
    A = est.transform(X[:3])
    coef = est.explain(X[:3]).coef
    assert A.shape == (3, 2 * 30)
    np.testing.assert_array_equal(A[:, :30], coef[:, 0])
    np.testing.assert_array_equal(A[:, 30:], coef[:, 1])
    out = est.get_feature_names_out()
    assert out[0] == "malignant__x0" and out[30] == "benign__x0" and len(out) == 60
    # One label: the names and columns of before.
    one = est.set_params(labels=1)
    assert one.transform(X[:3]).shape == (3, 30)
    assert list(one.get_feature_names_out()) == [f"x{j}" for j in range(30)]
    # A DataFrame output names its columns so.
    pd = pytest.importorskip("pandas")
    frame = LimeExplainer(cancer_lr, n_samples=300, labels=[0, 1], random_state=0)
    frame.set_output(transform="pandas").fit(pd.DataFrame(X, columns=names))
    cols = frame.transform(pd.DataFrame(X[:2], columns=names)).columns
    assert cols[0] == f"0__{names[0]}" and cols[-1] == f"1__{names[-1]}"


def test_training_data_holds_the_statistics_fixed_in_a_search(cancer, cancer_lr):
    X, _, _ = cancer
    X_train, X_rows = X[:400], X[400:460]
    fixed = LimeExplainer(
        cancer_lr, n_samples=300, training_data=X_train, random_state=0
    )
    plain = LimeExplainer(cancer_lr, n_samples=300, random_state=0)
    # fit(rows) learns from training_data: the explainer of fit(X_train).
    a = fixed.fit(X_rows).explain(X_rows[:3])
    b = plain.fit(X_train).explain(X_rows[:3])
    np.testing.assert_array_equal(a.coef, b.coef)
    c = clone(plain).fit(X_rows).explain(X_rows[:3])  # other statistics
    assert not np.array_equal(a.coef, c.coef)
    search = GridSearchCV(fixed, {"kernel_width": [1.0, 4.0]}, cv=2).fit(X_rows)
    for w in (1.0, 4.0):  # every candidate sampled from the training data
        est = clone(fixed).set_params(kernel_width=w).fit(X_rows[:30])
        ref = clone(plain).set_params(kernel_width=w).fit(X_train)
        np.testing.assert_array_equal(est._plan.frequencies, ref._plan.frequencies)
    assert search.best_params_["kernel_width"] in (1.0, 4.0)
    with pytest.raises(ValueError, match="X has 5 features"):
        clone(fixed).fit(X_rows[:, :5])
    with pytest.raises(ValueError, match="discretizer='entropy'"):
        clone(fixed).set_params(discretizer="entropy").fit(X_rows)
