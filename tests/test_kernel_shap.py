"""KernelShapExplainer: exact answers, shap's estimates, the estimator contract."""

import itertools
import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import KernelShapExplainer
from sklime._shapley._coalitions import coalition_scheme


def _game_value(f, x, background, weights, coalition, players):
    rows = background.copy()
    cols = np.isin(players, list(coalition))
    rows[:, cols] = x[cols]
    return weights @ np.atleast_2d(f(rows).T).T


def brute_force_shapley(f, x, background, weights=None, players=None):
    """Shapley values of v(S) = sum_b w_b f(x_S, b_notS), by enumeration."""
    d = x.size
    players = np.arange(d) if players is None else np.asarray(players)
    weights = (
        np.full(len(background), 1 / len(background)) if weights is None else weights
    )
    M = players.max() + 1
    phi = np.zeros((M,) + np.shape(_game_value(f, x, background, weights, (), players)))
    for j in range(M):
        others = [k for k in range(M) if k != j]
        for s in range(M):
            share = math.factorial(s) * math.factorial(M - s - 1) / math.factorial(M)
            for S in itertools.combinations(others, s):
                with_j = _game_value(f, x, background, weights, S + (j,), players)
                without = _game_value(f, x, background, weights, S, players)
                phi[j] += share * (with_j - without)
    return phi


def nonlinear(A):
    """Interactions of order three: paired sampling is not exact for it."""
    A = np.asarray(A, dtype=float)
    return A[:, 0] * A[:, 1] * A[:, 2] + np.sin(A[:, 3] + A[:, 4] * A[:, 5]) + A[:, 6]


@pytest.fixture(scope="module")
def game_data():
    rng = np.random.default_rng(3)
    return rng.normal(size=(12, 7)), rng.normal(size=(4, 7))


def test_additive_model_values_are_exact_far_below_all_coalitions(cancer):
    X, y, _ = cancer
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    background = X[::10]
    explainer = KernelShapExplainer(
        model.decision_function, n_samples=200, random_state=0
    ).fit(background)
    phi = explainer.transform(X[:5])
    coef = model[-1].coef_[0] / model[0].scale_
    expected = coef * (X[:5] - background.mean(axis=0))
    np.testing.assert_allclose(phi, expected, rtol=1e-8, atol=1e-10)
    assert not coalition_scheme(30, 200).exact  # 2**30 coalitions, 200 evaluated


def test_full_enumeration_gives_brute_force_shapley_values(game_data):
    background, rows = game_data
    explainer = KernelShapExplainer(nonlinear, random_state=0).fit(background)
    got = explainer.transform(rows)
    want = np.array([brute_force_shapley(nonlinear, r, background)[:, 0] for r in rows])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_feature_groups_give_the_group_game_values(game_data):
    background, rows = game_data
    groups = [0, 0, 1, 2, 2, 3, 1]
    explainer = KernelShapExplainer(
        nonlinear, feature_groups=groups, random_state=0
    ).fit(background)
    got = explainer.transform(rows)
    want = np.array(
        [
            brute_force_shapley(nonlinear, r, background, players=groups)[:, 0]
            for r in rows
        ]
    )
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert explainer.get_feature_names_out().tolist() == [
        "group 0",
        "group 1",
        "group 2",
        "group 3",
    ]


def test_weighted_background_and_kmeans_summary(game_data):
    background, rows = game_data
    w = np.arange(1, 13, dtype=float)
    explainer = KernelShapExplainer(nonlinear, random_state=0).fit(
        background, sample_weight=w
    )
    want = brute_force_shapley(nonlinear, rows[0], background, w / w.sum())[:, 0]
    np.testing.assert_allclose(explainer.transform(rows[:1])[0], want, atol=1e-12)
    np.testing.assert_allclose(
        explainer.expected_value_, [w @ nonlinear(background) / w.sum()]
    )
    small = KernelShapExplainer(nonlinear, max_background=4, random_state=0).fit(
        background
    )
    assert small.background_.shape == (4, 7)
    np.testing.assert_allclose(small.background_weights_.sum(), 1.0)
    # snapped to values the columns take (categorical codes stay valid)
    for j in range(7):
        assert np.isin(small.background_[:, j], background[:, j]).all()


def test_sampled_estimate_is_close_and_efficient(game_data):
    background, rows = game_data
    want = np.array([brute_force_shapley(nonlinear, r, background)[:, 0] for r in rows])
    exp = KernelShapExplainer(nonlinear, n_samples=60, random_state=0).fit(background)
    e = exp.explain(rows)
    assert not coalition_scheme(7, 60).exact
    np.testing.assert_allclose(e.local_pred[:, 0], nonlinear(rows), atol=1e-12)
    np.testing.assert_allclose(e.coef[:, 0].sum(1) + e.intercept[:, 0], nonlinear(rows))
    err = np.abs(e.coef[:, 0] - want).max()
    assert 0 < err < 0.2 * np.abs(want).max()


def test_efficiency_for_every_label_of_a_classifier(cancer_lr, cancer):
    X, _, _ = cancer
    explainer = KernelShapExplainer(
        cancer_lr, labels="all", n_samples=300, random_state=0
    ).fit(X[::20])
    e = explainer.explain(X[:6])
    proba = cancer_lr.predict_proba(X[:6])
    np.testing.assert_allclose(e.coef.sum(axis=2) + e.intercept, proba, atol=1e-12)
    np.testing.assert_allclose(e.local_pred, proba, atol=1e-12)
    np.testing.assert_allclose(e.model_pred, proba)
    np.testing.assert_allclose(e.intercept[0], explainer.expected_value_)
    # two classes: the values of one are minus those of the other
    np.testing.assert_allclose(e.coef[:, 0], -e.coef[:, 1], atol=1e-12)


def test_logit_link_explains_log_odds(cancer_lr, cancer):
    X, _, _ = cancer
    explainer = KernelShapExplainer(
        cancer_lr, link="logit", labels=1, n_samples=200, random_state=0
    ).fit(X[::20])
    e = explainer.explain(X[:4])
    p = cancer_lr.predict_proba(X[:4])[:, 1]
    np.testing.assert_allclose(e.local_pred[:, 0], np.log(p / (1 - p)), rtol=1e-9)
    mean = cancer_lr.predict_proba(X[::20]).mean(axis=0)
    np.testing.assert_allclose(explainer.expected_value_, np.log(mean / (1 - mean)))


def test_close_to_shap_as_shap_is_to_itself(cancer_lr, cancer):
    shap = pytest.importorskip("shap")
    X, _, _ = cancer
    background = shap.kmeans(X, 10)
    rows = X[:6]

    def shap_values(seed):
        np.random.seed(seed)  # noqa: NPY002 (shap draws from the global generator)
        explainer = shap.KernelExplainer(cancer_lr.predict_proba, background)
        values = explainer.shap_values(rows, nsamples=600, l1_reg=False, silent=True)
        return np.asarray(values)[..., 1]

    s0, s1 = shap_values(0), shap_values(1)
    ours = KernelShapExplainer(cancer_lr, labels=1, n_samples=600, random_state=0).fit(
        background.data, sample_weight=background.weights
    )
    e = ours.explain(rows)
    np.testing.assert_allclose(
        ours.expected_value_,
        np.ravel(
            shap.KernelExplainer(cancer_lr.predict_proba, background).expected_value
        ),
        rtol=1e-12,
    )
    spread = np.sqrt(np.mean((s0 - s1) ** 2))
    assert np.sqrt(np.mean((e.coef[:, 0] - s0) ** 2)) < 2 * spread
    # both are efficient: the same sum
    np.testing.assert_allclose(e.coef[:, 0].sum(1), s0.sum(1), atol=1e-8)


def test_reproducible_and_batch_invariant(game_data):
    background, rows = game_data
    many = np.vstack([rows, rows[::-1]])
    explainer = KernelShapExplainer(nonlinear, n_samples=40, random_state=7).fit(
        background
    )
    a = explainer.explain(many)
    b = explainer.explain(rows[2:3])
    np.testing.assert_array_equal(a.coef[2], b.coef[0])
    np.testing.assert_array_equal(a.coef[:4], a.coef[4:][::-1])  # equal rows
    np.testing.assert_array_equal(explainer.explain(many).coef, a.coef)
    other = clone(explainer).set_params(random_state=8).fit(background)
    assert not np.array_equal(other.explain(rows).coef, a.coef[:4])


def test_n_jobs_batch_size_and_pickle_give_the_same_values(game_data):
    background, rows = game_data
    base = KernelShapExplainer(nonlinear, n_samples=40, random_state=0).fit(background)
    want = base.transform(rows)
    for params in ({"n_jobs": 2}, {"batch_size": 64}):
        got = clone(base).set_params(**params).fit(background).transform(rows)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(base)).transform(rows), want
    )


def test_jax_model_matches_the_host_game(game_data):
    import jax.numpy as jnp

    background, rows = game_data

    def jax_nonlinear(A):
        return (
            A[:, 0] * A[:, 1] * A[:, 2] + jnp.sin(A[:, 3] + A[:, 4] * A[:, 5]) + A[:, 6]
        )

    host = KernelShapExplainer(nonlinear, n_samples=40, random_state=0).fit(background)
    device = clone(host).set_params(predict_fn=jax_nonlinear, jax_model=True)
    device.fit(background)
    np.testing.assert_allclose(
        device.transform(rows), host.transform(rows), rtol=1e-9, atol=1e-12
    )


def test_dataframe_with_string_categories():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=40), "colour": rng.choice(["red", "blue", "green"], 40)}
    )
    bonus = {"red": 1.0, "blue": -1.0, "green": 0.0}

    def model(df):
        return df["x"].to_numpy() * 2 + df["colour"].map(bonus).to_numpy()

    explainer = KernelShapExplainer(model, random_state=0).fit(frame)
    phi = explainer.transform(frame.iloc[:3])
    expected_x = 2 * (frame["x"].iloc[:3] - frame["x"].mean())
    expected_c = frame["colour"].iloc[:3].map(bonus) - frame["colour"].map(bonus).mean()
    np.testing.assert_allclose(phi[:, 0], expected_x, atol=1e-12)
    np.testing.assert_allclose(phi[:, 1], expected_c, atol=1e-12)
    assert explainer.get_feature_names_out().tolist() == ["x", "colour"]


def test_single_player_takes_the_whole_difference():
    X = np.linspace(0, 1, 10)[:, None]
    explainer = KernelShapExplainer(lambda A: 3 * A[:, 0] ** 2, random_state=0).fit(X)
    np.testing.assert_allclose(
        explainer.transform(np.array([[2.0]])), [[12 - 3 * np.mean(X**2)]]
    )


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda X: X[:, :2],
            "X has 2 features, but KernelShapExplainer is expecting 7",
        ),
        (lambda X: np.where(X > 1, np.nan, X), "NaN"),
    ],
)
def test_bad_rows_are_refused(game_data, make, match):
    background, rows = game_data
    explainer = KernelShapExplainer(nonlinear, random_state=0).fit(background)
    with pytest.raises(ValueError, match=match):
        explainer.explain(make(np.vstack([rows, rows + 2])))


def test_bad_background_and_models_are_refused(game_data):
    background, rows = game_data
    with pytest.raises(ValueError, match="NaN"):
        KernelShapExplainer(nonlinear).fit(np.where(background > 1, np.nan, background))
    with pytest.raises(ValueError, match="sample_weight"):
        KernelShapExplainer(nonlinear).fit(background, sample_weight=np.ones(3))
    with pytest.raises(
        RuntimeError, match="predict_fn raised ZeroDivisionError on background"
    ):
        KernelShapExplainer(lambda A: 1 / 0).fit(background)
    with pytest.raises(ValueError, match="predict_fn must return an array of shape"):
        KernelShapExplainer(lambda A: np.ones((3, 2))).fit(background)
    with pytest.raises(ValueError, match="logit"):
        KernelShapExplainer(nonlinear, link="logit").fit(background)

    calls = []

    def flaky(A):
        calls.append(len(A))
        if len(calls) > 1:
            return np.full(len(A), np.nan)
        return nonlinear(A)

    explainer = KernelShapExplainer(flaky, n_samples=20, random_state=0).fit(background)
    with pytest.raises(ValueError, match=r"NaN or infinity .*explained row 0"):
        explainer.explain(rows)
    unfitted = LogisticRegression()
    with pytest.raises(
        Exception, match="unfitted LogisticRegression: KernelShapExplainer"
    ):
        KernelShapExplainer(unfitted).fit(background)


def test_regressor_and_labels(diabetes):
    X, y, names = diabetes
    model = Ridge().fit(X, y)
    explainer = KernelShapExplainer(model, random_state=0).fit(X[:30])
    e = explainer.explain(X[:3])
    assert explainer.mode_ == "regression" and e.coef.shape == (3, 1, 10)
    np.testing.assert_allclose(
        e.coef[:, 0], model.coef_ * (X[:3] - X[:30].mean(0)), rtol=1e-8, atol=1e-9
    )


def test_coalition_scheme_weights_follow_the_shapley_kernel():
    """Enumerated coalitions carry the kernel; sampled sizes follow its mass."""
    from sklime._engine._precision import x64_scope
    from sklime._sampling._random import row_bits
    from sklime._shapley._coalitions import sampled_masks

    M = 12
    scheme = coalition_scheme(M, 400)
    sizes = scheme.enumerated.sum(1)
    kernel = (M - 1) / (
        np.array([math.comb(M, int(s)) for s in sizes]) * sizes * (M - sizes)
    )
    np.testing.assert_allclose(
        scheme.weights[: sizes.size] / kernel, scheme.weights[0] / kernel[0]
    )
    assert set(sizes) == {1, 11}  # size 1 and its complements fit in 400, not 2
    np.testing.assert_allclose(scheme.weights.sum(), 1.0)
    u = row_bits(0, np.zeros((1, 1)), (M // 2 + 1, 20000))
    with x64_scope():
        z = np.asarray(
            sampled_masks(u, scheme.pair_sizes, scheme.pair_cdf, M, np.float64)
        )[0]
    np.testing.assert_array_equal(z[:, 0::2] + z[:, 1::2], 1)  # complements
    counts = np.bincount(z.sum(0).astype(int), minlength=M + 1)
    mass = np.array([(M - 1) / (s * (M - s)) for s in range(2, M - 1)])
    np.testing.assert_allclose(
        counts[2 : M - 1] / counts.sum(), mass / mass.sum(), atol=0.01
    )
    assert counts[:2].sum() == counts[M - 1 :].sum() == 0


def test_paired_sampling_is_exact_for_pairwise_games():
    rng = np.random.default_rng(0)
    background, rows = rng.normal(size=(6, 9)), rng.normal(size=(3, 9))

    def pairwise(A):
        return (
            A[:, 0] * A[:, 1]
            + np.sin(A[:, 2]) * A[:, 3]
            + np.tanh(A[:, 4])
            + A[:, 5] * A[:, 8]
        )

    exact = (
        KernelShapExplainer(pairwise, random_state=0).fit(background).transform(rows)
    )
    sampled = KernelShapExplainer(pairwise, n_samples=60, random_state=0).fit(
        background
    )
    assert not coalition_scheme(9, 60).exact
    np.testing.assert_allclose(sampled.transform(rows), exact, atol=1e-10)


def test_waterfall_runs_from_the_base_value_to_the_prediction(cancer_lr, cancer):
    import matplotlib.pyplot as plt

    X, _, _ = cancer
    explainer = KernelShapExplainer(cancer_lr, labels=1, n_samples=200, random_state=0)
    e = explainer.fit(X[::20]).explain(X[:2])
    ax = e.plot_waterfall(1, max_features=5)
    bars = ax.patches
    assert len(bars) == 5
    assert bars[0].get_x() == pytest.approx(e.intercept[1, 0])
    last = bars[-1]
    np.testing.assert_allclose(last.get_x() + last.get_width(), e.local_pred[1, 0])
    assert ax.get_yticklabels()[0].get_text() == "26 other features"
    top = f"x{np.argmax(np.abs(e.coef[1, 0]))}"  # fitted on an array: x0, x1, ...
    assert ax.get_yticklabels()[-1].get_text() == top
    plt.close("all")


def test_to_shap_gives_shap_the_values(cancer_lr, cancer):
    shap = pytest.importorskip("shap")
    X, _, _ = cancer
    explainer = KernelShapExplainer(
        cancer_lr, labels="all", n_samples=200, random_state=0
    )
    e = explainer.fit(X[::20]).explain(X[:3])
    s = e.to_shap(label=1)
    assert isinstance(s, shap.Explanation)
    np.testing.assert_array_equal(s.values, e.coef[:, 1])
    np.testing.assert_array_equal(s.base_values, e.intercept[:, 1])
    np.testing.assert_array_equal(s.data, X[:3])
    assert list(s.feature_names) == [f"x{j}" for j in range(30)]
    np.testing.assert_allclose(
        s.values.sum(1) + s.base_values,
        cancer_lr.predict_proba(X[:3])[:, 1],
        atol=1e-12,
    )
