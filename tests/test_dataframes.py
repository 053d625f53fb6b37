"""DataFrames in and out: mixed types, raw-space pipelines, scorers."""

import warnings

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklime import LimeExplainer
from sklime.metrics import (
    fidelity_scorer,
    make_stability_scorer,
    stability_scorer,
    top_k_jaccard,
)

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def people():
    rng = np.random.default_rng(0)
    n = 600
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.lognormal(10, 0.5, n),
            "sex": rng.choice(["Female", "Male"], n),
            "job": pd.Categorical(rng.choice(["clerk", "nurse", "pilot"], n)),
            "member": rng.random(n) < 0.3,
        }
    )
    y = ((df.sex == "Female") ^ (df.income > 25000)).astype(int).to_numpy()
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(), make_column_selector(dtype_exclude="number")),
            ("num", StandardScaler(), make_column_selector(dtype_include="number")),
        ]
    )
    model = make_pipeline(pre, LogisticRegression(max_iter=1000)).fit(df, y)
    return df, y, model


def test_string_columns_are_categorical(people):
    df, _, model = people
    explainer = LimeExplainer(model, n_samples=500, random_state=0).fit(df)
    assert explainer.categorical_features_.tolist() == [2, 3, 4]
    assert list(explainer.feature_names_in_) == list(df.columns)


def test_model_receives_raw_dataframes(people):
    df, _, model = people
    seen = []

    def spy(X):
        seen.append(X)
        return model.predict_proba(X)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LimeExplainer(spy, n_samples=300, random_state=0).fit(df).explain(df.iloc[:2])
    X = seen[-1]
    assert isinstance(X, pd.DataFrame) and list(X.columns) == list(df.columns)
    assert X["sex"].dtype == df["sex"].dtype
    assert isinstance(X["job"].dtype, pd.CategoricalDtype)
    assert list(X["job"].cat.categories) == list(df["job"].cat.categories)
    assert X["member"].dtype == bool
    assert set(X["sex"]) <= {"Female", "Male"}
    # the first sample of each row is the row itself
    np.testing.assert_allclose(X["income"].iloc[0], df["income"].iloc[1])


def test_explanations_name_raw_values(people):
    df, _, model = people
    explainer = LimeExplainer(model, n_samples=2000, labels=1, random_state=0).fit(df)
    exp = explainer.explain(df.iloc[:5])
    for i in range(5):
        descriptions = [d for d, _ in exp.as_list(i)]
        assert f"sex = {df.sex.iloc[i]}" in descriptions
        assert exp.data[i, 2] == df.sex.iloc[i]
    # sex drives the model: it is the top feature of every row
    assert all(exp.as_list(i)[0][0].startswith("sex = ") for i in range(5))


def test_sampling_draws_categories_by_frequency(people):
    df, _, model = people
    explainer = LimeExplainer(model, n_samples=4000, random_state=0).fit(df)
    X_model, _ = explainer._neighbourhood(df.iloc[:1])
    codes = X_model[0, 1:, 3]  # job column, as codes
    freq = df["job"].value_counts(normalize=True).sort_index().to_numpy()
    observed = np.bincount(codes.astype(int), minlength=3) / codes.size
    np.testing.assert_allclose(observed, freq, atol=0.03)


def test_unseen_category_is_an_error(people):
    df, _, model = people
    explainer = LimeExplainer(model, n_samples=100).fit(df)
    bad = df.iloc[:1].copy()
    bad["sex"] = "Other"
    with pytest.raises(
        ValueError, match=r"'sex' has categories unseen during fit: \['Other'\]"
    ):
        explainer.explain(bad)


def test_missing_category_is_an_error(people):
    df, _, model = people
    bad = df.copy()
    bad.loc[3, "sex"] = None
    with pytest.raises(ValueError, match="missing values"):
        LimeExplainer(model).fit(bad)


def test_transform_to_pandas(people):
    df, _, model = people
    explainer = LimeExplainer(model, n_samples=200, random_state=0).set_output(
        transform="pandas"
    )
    out = explainer.fit(df).transform(df.iloc[3:6])
    assert list(out.columns) == list(df.columns)
    assert list(out.index) == [3, 4, 5]


def test_numpy_object_array_with_categorical_columns():
    rng = np.random.default_rng(1)
    X = np.empty((300, 2), dtype=object)
    X[:, 0] = rng.choice(["red", "blue"], 300)
    X[:, 1] = rng.normal(size=300)

    def fn(A):
        return (A[:, 0] == "red") * 2.0 + A[:, 1].astype(float)

    explainer = LimeExplainer(
        fn, categorical_features=[0], n_samples=500, random_state=0
    )
    exp = explainer.fit(X).explain(X[:3])
    assert exp.as_list(0)[0][0] == f"x0 = {X[0, 0]}"


def test_diabetes_frame_and_numpy_agree(diabetes):
    X, y, names = diabetes
    model = Ridge().fit(X, y)
    df = pd.DataFrame(X, columns=names)
    a = (
        LimeExplainer(model.predict, n_samples=500, random_state=0)
        .fit(X)
        .transform(X[:4])
    )
    b = (
        LimeExplainer(
            lambda D: model.predict(np.asarray(D)), n_samples=500, random_state=0
        )
        .fit(df)
        .transform(df.iloc[:4])
    )
    # Same samples; the model may round differently on a DataFrame's
    # column-major copy, so agreement is to floating point precision.
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_grid_search_with_scorers(people):
    df, _, model = people
    search = GridSearchCV(
        LimeExplainer(model, n_samples=500, random_state=0),
        {"kernel_width": [0.5, 1.5, 5.0], "n_samples": [300, 600]},
        scoring={"fidelity": fidelity_scorer, "stability": stability_scorer},
        refit="fidelity",
        cv=2,
    ).fit(df.iloc[:80])
    results = search.cv_results_
    assert np.isfinite(results["mean_test_fidelity"]).all()
    stab = results["mean_test_stability"]
    assert ((stab >= 0) & (stab <= 1)).all()
    assert search.best_params_["kernel_width"] in (0.5, 1.5, 5.0)


def test_stability_scorer_rewards_more_samples(cancer, cancer_lr):
    X, _, _ = cancer
    scorer = make_stability_scorer(k=5)
    few = scorer(LimeExplainer(cancer_lr, n_samples=200).fit(X), X[:20])
    many = scorer(LimeExplainer(cancer_lr, n_samples=8000).fit(X), X[:20])
    assert many > few
    with pytest.raises(ValueError, match="two different"):
        make_stability_scorer(seeds=(1, 1))


def test_fidelity_scorer_equals_score(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X)
    assert fidelity_scorer(explainer, X[:5]) == pytest.approx(explainer.score(X[:5]))


def test_top_k_jaccard_on_explanations(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X)
    a = explainer.explain(X[:4])
    np.testing.assert_array_equal(top_k_jaccard(a, a), 1.0)
    assert top_k_jaccard(a, a.coef[:, 0], k=3).shape == (4,)


def test_numpy_categorical_features_need_no_pandas():
    """The core install (no pandas) fits and explains arrays with categories."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "class NoPandas:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pandas':\n"
        "            raise ImportError('pandas is not installed')\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "import numpy as np\n"
        "from sklime import LimeExplainer\n"
        "rng = np.random.default_rng(0)\n"
        "X = np.column_stack([rng.integers(0, 3, 200), rng.normal(size=200)])\n"
        "f = lambda Z: np.column_stack([1 / (1 + np.exp(Z[:, 0] - 1)),"
        " 1 - 1 / (1 + np.exp(Z[:, 0] - 1))])\n"
        "e = LimeExplainer(f, categorical_features=[0], n_samples=100,"
        " random_state=0).fit(X)\n"
        "print(e.explain(X[:2]).coef.shape)\n"
        "bad = X.astype(object); bad[3, 0] = None\n"
        "try:\n"
        "    LimeExplainer(f, categorical_features=[0]).fit(bad)\n"
        "except ValueError as exc:\n"
        "    print('missing' in str(exc))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["(2,", "1,", "2)", "True"]
