"""CounterfactualExplainer (L2C): validity on real models, decoding, determinism."""

import pickle
import sys
import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklime import CounterfactualExplainer, CounterfactualExplanation
from sklime._counterfactual._network import bins_onehot, decode, relaxed_counterfactuals
from sklime.metrics import (
    counterfactual_diversity,
    counterfactual_proximity,
    counterfactual_sparsity,
    counterfactual_validity,
)

#: The configuration measured in doc/counterfactuals.rst (breast cancer).
CANCER = {
    "learning_rate": 1e-2,
    "max_epochs": 50,
    "alpha": 1e-2,
    "immutable_features": [0, 1],  # mean radius, mean texture
    "random_state": 0,
}
#: Small and fast, for behaviour tests.
SMALL = {
    "generator_layers": (16,),
    "selector_layers": (16,),
    "learning_rate": 1e-2,
    "max_epochs": 5,
    "random_state": 0,
}


def _report(name, explainer, exp, seconds):
    print(
        f"\n{name}: model={explainer.differentiable_model_} fit={seconds:.2f}s "
        f"validity={exp.valid.mean():.3f} "
        f"median_changed={np.median(exp.n_changed):g} "
        f"proxy_agreement={explainer.proxy_agreement_}"
    )


# -- breast cancer ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cancer_split(cancer):
    X, y, names = cancer
    X_train, X_test, y_train, _ = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    return X_train, X_test, y_train, names


@pytest.fixture(scope="module")
def jax_logistic(cancer_split):
    """A scikit-learn logistic regression rewritten with jnp: JAX-traceable."""
    X_train, _, y_train, _ = cancer_split
    scaler = StandardScaler().fit(X_train)
    lr = LogisticRegression(max_iter=1000).fit(scaler.transform(X_train), y_train)
    mean, scale, coef = (
        jnp.asarray(a, jnp.float32) for a in (scaler.mean_, scaler.scale_, lr.coef_[0])
    )
    intercept = float(lr.intercept_[0])

    def predict_proba(X):
        p = jax.nn.sigmoid(((X - mean) / scale) @ coef + intercept)
        return jnp.stack([1 - p, p], axis=1)

    return predict_proba


@pytest.fixture(scope="module")
def forest(cancer_split):
    X_train, _, y_train, _ = cancer_split
    return RandomForestClassifier(n_estimators=100, random_state=0).fit(
        X_train, y_train
    )


@pytest.fixture(scope="module")
def fitted_lr(cancer_split, jax_logistic):
    start = time.perf_counter()
    explainer = CounterfactualExplainer(jax_logistic, **CANCER).fit(cancer_split[0])
    return explainer, time.perf_counter() - start


@pytest.fixture(scope="module")
def fitted_rf(cancer_split, forest):
    start = time.perf_counter()
    explainer = CounterfactualExplainer(forest, **CANCER).fit(cancer_split[0])
    return explainer, time.perf_counter() - start


def test_cancer_jax_logistic_regression(cancer_split, fitted_lr):
    explainer, seconds = fitted_lr
    X_test = cancer_split[1]
    assert explainer.differentiable_model_ == "predict_fn"
    assert explainer.proxy_agreement_ is None and explainer.proxy_params_ is None
    exp = explainer.explain(X_test, n_counterfactuals=3)
    _report("jax logistic regression", explainer, exp, seconds)
    assert exp.valid[:, 0].mean() >= 0.95
    assert counterfactual_validity(exp) >= 0.95
    immutable = CANCER["immutable_features"]
    np.testing.assert_array_equal(
        exp.counterfactuals[:, :, immutable],
        np.broadcast_to(X_test[:, None, immutable], (len(X_test), 3, 2)),
    )
    assert not exp.changed[:, :, immutable].any()
    assert 1 <= np.median(exp.n_changed) < X_test.shape[1]


def test_cancer_random_forest_through_a_proxy(cancer_split, fitted_rf, forest):
    explainer, seconds = fitted_rf
    X_test = cancer_split[1]
    assert explainer.differentiable_model_ == "proxy"
    assert 0.85 <= explainer.proxy_agreement_ <= 1.0
    exp = explainer.explain(X_test, n_counterfactuals=3)
    _report("random forest", explainer, exp, seconds)
    assert exp.valid[:, 0].mean() >= 0.95
    assert not exp.changed[:, :, CANCER["immutable_features"]].any()
    # Validity is the real forest's verdict, not the proxy's.
    flat = exp.counterfactuals.reshape(-1, X_test.shape[1])
    labels = forest.predict_proba(flat).argmax(axis=1).reshape(exp.valid.shape)
    np.testing.assert_array_equal(exp.valid, labels == exp.target[:, None])
    np.testing.assert_array_equal(exp.target, 1 - forest.predict(X_test))
    np.testing.assert_allclose(exp.model_pred, forest.predict_proba(X_test))


def test_counterfactual_values_are_bin_representatives(cancer_split, fitted_lr):
    explainer, _ = fitted_lr
    X_test = cancer_split[1][:40]
    disc = explainer.discretizer_
    cf = explainer.transform(X_test)
    codes = disc._bins(X_test)
    new = disc._bins(cf)
    changed = cf != X_test
    # A changed feature moved to another bin, at that bin's training mean;
    # an unchanged one kept its exact value.
    np.testing.assert_array_equal(changed, new != codes)
    for j in range(X_test.shape[1]):
        rows = changed[:, j]
        np.testing.assert_array_equal(
            cf[rows, j], disc.bin_means_[j][new[rows, j].astype(int)]
        )


def test_transform_is_the_first_counterfactual(cancer_split, fitted_lr):
    explainer, _ = fitted_lr
    X_test = cancer_split[1][:20]
    np.testing.assert_array_equal(
        explainer.transform(X_test), explainer.explain(X_test, 4).counterfactuals[:, 0]
    )


# -- encoding and decoding ------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed():
    """Two continuous features, a categorical one (codes 0..2), a constant one."""
    rng = np.random.default_rng(0)
    n = 240
    X = np.column_stack(
        [
            rng.normal(size=n),
            rng.exponential(size=n),
            rng.integers(0, 3, n).astype(float),
            np.full(n, 2.5),
        ]
    )
    return X


def mixed_box(X):
    X = np.asarray(X, dtype=float)
    z = 1.5 * X[:, 0] - X[:, 1] + (X[:, 2] == 1) - 0.2
    p = 1 / (1 + np.exp(-2 * z))
    return np.column_stack([1 - p, p])


@pytest.fixture(scope="module")
def fitted_mixed(mixed):
    return CounterfactualExplainer(
        mixed_box, categorical_features=[2], **{**SMALL, "max_epochs": 20}
    ).fit(mixed)


def test_discretizer_onehot_round_trip(mixed, fitted_mixed):
    """The layout the kernels use is the Discretizer's one-hot encoding."""
    explainer = fitted_mixed
    disc = explainer.discretizer_
    assert disc.encode == "onehot" and disc.strategy == "quantile"
    # The constant feature has one edge, hence two bins (one empty).
    assert disc.n_bins_.tolist() == [4, 4, 3, 2]
    codes = explainer._layout.codes(mixed)
    onehot = disc.transform(mixed)
    # Kernel one-hot (padded to D features and K bins) = the Discretizer's.
    tab = explainer._layout.device_tables()
    d = mixed.shape[1]
    padded = np.asarray(bins_onehot(explainer._layout.pad_features(codes), tab))
    np.testing.assert_array_equal(padded[:, :d][:, tab["valid"][:d]], onehot)
    assert (padded[:, d:, 0] == 1).all()  # padding features: one bin
    # Representative values of the codes = inverse_transform of the one-hot.
    rep = explainer._layout.rep
    cols = np.arange(mixed.shape[1])
    np.testing.assert_array_equal(rep[cols, codes], disc.inverse_transform(onehot))
    # Categorical codes index the sorted categories.
    np.testing.assert_array_equal(disc.categories_[2][codes[:, 2]], mixed[:, 2])


def test_decode_is_a_differentiable_weighted_sum(mixed, fitted_mixed):
    explainer = fitted_mixed
    X = mixed[:10]
    codes = explainer._layout.codes(X)
    tab = explainer._layout.device_tables()
    d = X.shape[1]
    new = (codes + 1) % explainer.discretizer_.n_bins_
    x = explainer._layout.pad_features(X).astype(np.float32)
    x_oh = bins_onehot(explainer._layout.pad_features(codes), tab)
    cf = bins_onehot(explainer._layout.pad_features(new), tab)
    values = np.asarray(decode(cf, x, x_oh, tab))[:, :d]
    np.testing.assert_allclose(
        values, explainer._layout.values(X, codes, new), rtol=1e-6
    )
    # Leaving a row in its own bins gives back its exact values.
    np.testing.assert_allclose(
        np.asarray(decode(x_oh, x, x_oh, tab))[:, :d], X.astype(np.float32)
    )
    # d value / d weight of a bin = the bin's representative; the row's own
    # bin stands for the row's own value.
    grad = np.asarray(jax.grad(lambda c: decode(c, x, x_oh, tab).sum())(cf))
    expected = explainer._layout.rep[0].copy()
    expected[codes[0, 0]] = X[0, 0]
    np.testing.assert_allclose(grad[0, 0, :4], expected, rtol=1e-6)


def test_categorical_and_constant_features(mixed, fitted_mixed):
    exp = fitted_mixed.explain(mixed[:60], n_counterfactuals=3)
    assert set(np.unique(exp.counterfactuals[:, :, 2])) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(exp.counterfactuals[:, :, 3], 2.5)
    # A changed category counts 1 in the proximity.
    only_cat = exp.changed[:, :, 2] & (exp.n_changed == 1)
    np.testing.assert_allclose(exp.proximity[only_cat], 1.0)


def test_unseen_category_is_an_error(mixed, fitted_mixed):
    X = mixed[:2].copy()
    X[0, 2] = 7
    with pytest.raises(ValueError, match="unseen"):
        fitted_mixed.transform(X)


# -- randomness ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    X, y = make_classification(
        n_samples=300, n_features=5, n_informative=3, random_state=0
    )
    return X, y


def small_box(X):
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.array([1.0, -1.0, 0.5, 0.0, 2.0]))))
    return np.column_stack([1 - p, p])


def test_same_seed_same_counterfactuals(small):
    X, _ = small
    a = CounterfactualExplainer(small_box, **SMALL).fit(X)
    b = CounterfactualExplainer(small_box, **SMALL).fit(X)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    for (wa, ba), (wb, bb) in zip(a.generator_params_, b.generator_params_):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(ba, bb)
    np.testing.assert_array_equal(
        a.explain(X[:50], 3).counterfactuals, b.explain(X[:50], 3).counterfactuals
    )
    np.testing.assert_array_equal(a.transform(X[:50]), a.transform(X[:50]))
    c = CounterfactualExplainer(small_box, **{**SMALL, "random_state": 1}).fit(X)
    assert not np.array_equal(a.loss_curve_, c.loss_curve_)


def test_a_row_does_not_depend_on_its_batch(small):
    X, _ = small
    explainer = CounterfactualExplainer(small_box, **SMALL).fit(X)
    full = explainer.explain(X[:30], 4).counterfactuals
    for i in (0, 7, 29):
        np.testing.assert_array_equal(
            explainer.explain(X[i : i + 1], 4).counterfactuals[0], full[i]
        )
    order = np.arange(30)[::-1]
    np.testing.assert_array_equal(
        explainer.explain(X[:30][order], 4).counterfactuals, full[order]
    )


def test_tau_takes_effect(small):
    """Lower tau gives harder relaxed masks, during training as in the sampler."""
    X, _ = small
    explainer = CounterfactualExplainer(small_box, **SMALL).fit(X)
    tab = explainer._layout.device_tables()
    D, K = tab["rep"].shape
    codes = explainer._layout.pad_features(explainer._layout.codes(X))
    x = explainer._layout.pad_features(X).astype(np.float32)
    wanted = np.eye(2, dtype=np.float32)[explainer._targets(small_box(X))]
    noise = np.random.default_rng(0).random((len(X), D * K + D), dtype=np.float32)
    params = {
        "generator": explainer.generator_params_,
        "selector": explainer.selector_params_,
    }
    d = X.shape[1]
    softness = []
    for tau in (0.1, 0.7, 3.0):
        cf, _, mask = relaxed_counterfactuals(params, x, codes, wanted, tab, noise, tau)
        mask = np.asarray(mask)[:, :d]
        softness.append(np.minimum(mask, 1 - mask).mean())
        np.testing.assert_allclose(np.asarray(cf).sum(axis=-1), 1.0, rtol=1e-5)
    assert softness[0] < softness[1] < softness[2]
    # And training sees it: another tau, another fit.
    other = CounterfactualExplainer(small_box, **{**SMALL, "tau": 3.0}).fit(X)
    assert not np.allclose(explainer.loss_curve_, other.loss_curve_)


# -- the black box ---------------------------------------------------------------------


def test_traceability_detection(small):
    X, _ = small
    w = jnp.asarray([1.0, -1.0, 0.5, 0.0, 2.0])

    def jax_two_columns(X):
        p = jax.nn.sigmoid(X @ w)
        return jnp.stack([1 - p, p], axis=1)

    def jax_one_column(X):
        return jax.nn.sigmoid(X @ w)

    def python_branch(X):
        if float(X[0, 0]) > 0:  # needs concrete values: not traceable
            return jax_two_columns(X)
        return jax_two_columns(X)

    cases = [
        (jax_two_columns, "predict_fn"),
        (jax_one_column, "predict_fn"),
        (small_box, "proxy"),
        (python_branch, "proxy"),
    ]
    for fn, expected in cases:
        explainer = CounterfactualExplainer(fn, **{**SMALL, "max_epochs": 1}).fit(X)
        assert explainer.differentiable_model_ == expected, fn.__name__
        assert explainer.n_outputs_ == 2
        assert (explainer.proxy_agreement_ is None) == (expected == "predict_fn")


def test_multiclass_targets():
    X, y = load_iris(return_X_y=True)
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    explainer = CounterfactualExplainer(model, target=2, **SMALL).fit(X)
    exp = explainer.explain(X[:20], 2)
    np.testing.assert_array_equal(exp.target, 2)
    labels = model.predict(exp.counterfactuals.reshape(-1, 4)).reshape(20, 2)
    np.testing.assert_array_equal(exp.valid, labels == 2)
    assert explainer.output_names_.tolist() == [0, 1, 2]
    # target=None: each row's second most probable class.
    runner_up = CounterfactualExplainer(model, **{**SMALL, "max_epochs": 1}).fit(X)
    proba = model.predict_proba(X[:20])
    expected = np.argsort(-proba, axis=1, kind="stable")[:, 1]
    np.testing.assert_array_equal(runner_up.explain(X[:20]).target, expected)
    with pytest.raises(ValueError, match="target=3 is out of range"):
        CounterfactualExplainer(model, target=3, **SMALL).fit(X)


def test_black_box_errors(small):
    X, y = small
    with pytest.raises(ValueError, match="predict_fn is required"):
        CounterfactualExplainer().fit(X)
    with pytest.raises(NotFittedError, match="unfitted RandomForestClassifier"):
        CounterfactualExplainer(RandomForestClassifier()).fit(X)
    with pytest.raises(ValueError, match="class probabilities"):
        CounterfactualExplainer(lambda X: 3 * X[:, 0], **SMALL).fit(X)
    with pytest.raises(ValueError, match="generator_layers"):
        CounterfactualExplainer(small_box, generator_layers=(8, 0)).fit(X)
    explainer = CounterfactualExplainer(small_box, **SMALL).fit(X)
    with pytest.raises(ValueError, match="n_counterfactuals"):
        explainer.explain(X[:2], n_counterfactuals=0)


def test_missing_optax_is_a_clear_error(small, monkeypatch):
    monkeypatch.setitem(sys.modules, "optax", None)
    with pytest.raises(ImportError, match=r"pip install sklime\[counterfactual\]"):
        CounterfactualExplainer(small_box, **SMALL).fit(small[0])


def test_clone_pickle_and_dataframes(small):
    pd = pytest.importorskip("pandas")
    X, y = small
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    model = LogisticRegression().fit(frame, y)
    explainer = CounterfactualExplainer(model, immutable_features=["f0"], **SMALL).fit(
        frame
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the model gets DataFrames, named
        exp = explainer.explain(frame.iloc[:10], 2)
    assert list(exp.feature_names) == list(frame.columns)
    assert not exp.changed[:, :, 0].any()
    assert clone(explainer).predict_fn is model
    restored = pickle.loads(pickle.dumps(explainer))
    np.testing.assert_array_equal(
        restored.transform(frame.iloc[:10]), explainer.transform(frame.iloc[:10])
    )
    out = explainer.set_output(transform="pandas").transform(frame.iloc[:5])
    assert list(out.columns) == list(frame.columns)


# -- the explanation and the metrics -------------------------------------------------------


def test_explanation_object(small):
    X, _ = small
    explainer = CounterfactualExplainer(small_box, **SMALL).fit(X)
    exp = explainer.explain(X[:8], 3)
    assert isinstance(exp, CounterfactualExplanation)
    assert len(exp) == 8 and exp.n_counterfactuals == 3
    assert exp.counterfactuals.shape == (8, 3, 5)
    assert exp.counterfactual_pred.shape == (8, 3, 2)
    assert exp.validity.shape == (8,)
    one = exp[2]
    assert len(one) == 1
    np.testing.assert_array_equal(one.counterfactuals[0], exp.counterfactuals[2])
    for name, before, after in exp.as_list(2, 1):
        j = int(name[1:])
        assert before == X[2, j] and after == exp.counterfactuals[2, 1, j]
    assert len(exp.as_list(2, 1)) == exp.n_changed[2, 1]
    frame = exp.to_frame()
    assert frame.shape == (24, 5 + 3)
    assert "validity=" in repr(exp)
    with pytest.raises(IndexError):
        exp[8]


def test_metrics_on_arrays():
    X = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    cf = np.array(
        [
            [[0.0, 2.0, 1.0], [1.0, 0.0, 1.0]],
            [[1.0, 1.0, 0.0], [1.0, 1.0, 2.0]],
        ]
    )
    scale = np.array([1.0, 2.0, 1.0])
    # distances: row 0: 1, 1; row 1: 0, categorical change -> 1
    assert counterfactual_proximity(
        X, cf, scale=scale, categorical_features=[2]
    ) == pytest.approx(0.75)
    assert counterfactual_sparsity(X, cf) == pytest.approx(1 - 3 / 12)
    # pairs: row 0: |1| + |2|/2 = 2; row 1: categorical 1
    assert counterfactual_diversity(
        cf, scale=scale, categorical_features=[False, False, True]
    ) == pytest.approx(1.5)
    assert counterfactual_diversity(cf[:, :1]) == 0.0
    assert counterfactual_validity(y_pred=[1, 0], target=[1, 1]) == 0.5
    with pytest.raises(TypeError):
        counterfactual_validity()
    with pytest.raises(ValueError, match="rows"):
        counterfactual_proximity(X, cf[:1])


def test_metrics_on_an_explanation(small):
    X, _ = small
    # Barely trained: the draws are still random, hence diverse.
    explainer = CounterfactualExplainer(
        small_box, **{**SMALL, "max_epochs": 1, "learning_rate": 1e-4}
    ).fit(X)
    exp = explainer.explain(X[:30], 4)
    assert counterfactual_validity(exp) == pytest.approx(exp.valid.mean())
    assert counterfactual_proximity(exp) == pytest.approx(exp.proximity.mean())
    assert counterfactual_proximity(
        exp.instances, exp.counterfactuals, scale=explainer.scale_
    ) == pytest.approx(exp.proximity.mean())
    assert counterfactual_sparsity(exp) == pytest.approx(1 - exp.n_changed.mean() / 5)
    assert counterfactual_diversity(exp) > 0
