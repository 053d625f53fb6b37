"""Discretizer: lime-compatible bins, statistics, in-bin sampling, errors."""

import numpy as np
import pytest
from lime.discretize import DecileDiscretizer, EntropyDiscretizer, QuartileDiscretizer
from scipy import stats

from sklime import Discretizer

LIME = {
    "quartile": (QuartileDiscretizer, {"n_bins": 4}),
    "decile": (DecileDiscretizer, {"n_bins": 10}),
    "entropy": (EntropyDiscretizer, {"n_bins": 8, "strategy": "entropy"}),
}


def test_right_closed_bins_contract():
    X = np.arange(10.0).reshape(-1, 1)
    disc = Discretizer().fit(X)
    np.testing.assert_allclose(disc.bin_edges_[0], [2.25, 4.5, 6.75])
    assert disc.transform(X).ravel().tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]
    # Values outside the training range fall in the end bins.
    assert disc.transform([[-100.0], [100.0]]).ravel().tolist() == [0, 3]


@pytest.mark.parametrize("n_bins", [4, 10, 7])
def test_quantile_edges_are_numpy_percentiles(cancer, n_bins):
    X, _, _ = cancer
    disc = Discretizer(n_bins=n_bins).fit(X)
    q = 100 * np.arange(1, n_bins) / n_bins
    for j in range(X.shape[1]):
        np.testing.assert_array_equal(
            disc.bin_edges_[j], np.unique(np.percentile(X[:, j], q))
        )


@pytest.mark.parametrize("kind", ["quartile", "decile", "entropy"])
@pytest.mark.parametrize("dataset", ["cancer", "diabetes"])
def test_bins_equal_lime(request, kind, dataset):
    X, y, names = request.getfixturevalue(dataset)
    if dataset == "diabetes":
        y = (y > np.median(y)).astype(int)  # entropy bins need class labels
    cls, params = LIME[kind]
    theirs = cls(X, [], names, labels=y, random_state=0)
    ours = Discretizer(**params, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.transform(X), theirs.discretize(X))
    descriptions = ours.bin_descriptions(names)
    for j in range(X.shape[1]):
        counts = np.bincount(
            ours.transform(X)[:, j].astype(int), minlength=ours.n_bins_[j]
        )
        filled = counts > 0
        # Per-bin statistics equal lime's wherever the bin holds training rows
        # (lime gives an empty bin a mean of 0; we give it the bin's midpoint).
        np.testing.assert_allclose(
            np.asarray(theirs.means[j])[filled], ours.bin_means_[j][filled]
        )
        np.testing.assert_allclose(
            np.asarray(theirs.stds[j])[filled] - 1e-11,
            ours.bin_stds_[j][filled],
            atol=1e-12,
        )
        np.testing.assert_allclose(theirs.mins[j], ours.bin_mins_[j])
        np.testing.assert_allclose(theirs.maxs[j], ours.bin_maxs_[j])
        np.testing.assert_allclose(ours.bin_frequencies_[j], counts / len(X))
        edges = ours.bin_edges_[j]
        if len({f"{q:.2f}" for q in edges}) == len(edges):
            # lime's own text wherever its two decimals tell the edges apart
            assert descriptions[j] == theirs.names[j]


def test_descriptions_format():
    X = np.array([[10.0], [13.37], [15.78], [20.0], [30.0]])
    disc = Discretizer(n_bins=2).fit(X)
    desc = disc.bin_descriptions(["mean radius"])[0]
    assert desc == ["mean radius <= 15.78", "mean radius > 15.78"]
    disc = Discretizer(n_bins=3).fit(X)
    d = disc.bin_descriptions(["r"])[0]
    assert d[1].startswith(d[0].split(" <= ")[1] + " < r <= ")


def test_descriptions_use_more_digits_when_needed():
    X = np.array([[0.1231], [0.1232], [0.1233], [0.1234], [0.1235]])
    desc = Discretizer().fit(X).bin_descriptions(["s"])[0]
    assert len(set(desc)) == len(desc)
    assert "0.123" in desc[0]


def test_inverse_transform_is_bin_mean(cancer):
    X, _, _ = cancer
    disc = Discretizer().fit(X)
    Xt = disc.transform(X)
    back = disc.inverse_transform(Xt)
    for j in range(3):
        for k in range(disc.n_bins_[j]):
            in_bin = Xt[:, j] == k
            assert back[in_bin, j] == pytest.approx(X[in_bin, j].mean())


def test_sample_lands_inside_bins_with_truncnorm_moments(cancer):
    X, _, _ = cancer
    disc = Discretizer().fit(X)
    n = 4000
    for j in (0, 7):
        for k in range(disc.n_bins_[j]):
            Xt = np.zeros((n, X.shape[1]))
            Xt[:, j] = k
            s = disc.sample(Xt, random_state=k)[:, j]
            lo, hi = disc.bin_mins_[j][k], disc.bin_maxs_[j][k]
            assert ((s >= lo) & (s <= hi)).all()
            mu, sd = disc.bin_means_[j][k], disc.bin_stds_[j][k]
            law = stats.truncnorm((lo - mu) / sd, (hi - mu) / sd, loc=mu, scale=sd)
            se = law.std() / np.sqrt(n)
            assert abs(s.mean() - law.mean()) < 5 * se
            assert stats.kstest(s, law.cdf).pvalue > 1e-4


def test_sample_is_reproducible(cancer):
    X, _, _ = cancer
    disc = Discretizer(random_state=3).fit(X)
    Xt = disc.transform(X[:50])
    np.testing.assert_array_equal(disc.sample(Xt), disc.sample(Xt))
    assert not np.array_equal(disc.sample(Xt, random_state=1), disc.sample(Xt))


def test_constant_feature_and_degenerate_bins():
    X = np.column_stack([np.full(20, 5.0), np.r_[np.zeros(15), np.arange(5.0)]])
    disc = Discretizer().fit(X)
    assert disc.bin_edges_[0].tolist() == [5.0]
    Xt = disc.transform(X)
    s = disc.sample(np.vstack([Xt, Xt]), random_state=0)
    assert np.isfinite(s).all()
    np.testing.assert_array_equal(s[:, 0], 5.0)  # never a z-score
    zero_bin = Xt[:, 1] == 0
    np.testing.assert_array_equal(s[:20][zero_bin, 1], 0.0)
    # The empty upper bin of the constant feature still gives a finite value.
    assert np.isfinite(disc.sample([[1.0, 0.0]], random_state=0)).all()


def test_single_training_row():
    disc = Discretizer().fit([[1.0, 2.0]])
    assert disc.transform([[1.0, 2.0], [0.0, 3.0]]).tolist() == [[0, 0], [0, 1]]
    assert np.isfinite(disc.sample([[0, 0], [1, 1]], random_state=0)).all()


def test_categorical_features_pass_through(rng):
    X = np.column_stack([rng.integers(0, 3, 100), rng.normal(size=100)])
    disc = Discretizer(categorical_features=[0]).fit(X)
    Xt = disc.transform(X)
    np.testing.assert_array_equal(Xt[:, 0], X[:, 0])
    assert disc.bin_edges_[0] is None and disc.categories_[0].tolist() == [0, 1, 2]
    np.testing.assert_array_equal(disc.inverse_transform(Xt)[:, 0], X[:, 0])
    np.testing.assert_array_equal(disc.sample(Xt, random_state=0)[:, 0], X[:, 0])
    assert disc.bin_descriptions()[0] is None


def test_onehot_roundtrip(rng):
    X = np.column_stack([rng.integers(0, 3, 100), rng.normal(size=100)])
    disc = Discretizer(encode="onehot", categorical_features=[0]).fit(X)
    Xt = disc.transform(X)
    assert Xt.shape == (100, 3 + 4)
    np.testing.assert_array_equal(Xt.sum(axis=1), 2)
    names = disc.get_feature_names_out(["c", "v"]).tolist()
    assert names == ["c_0", "c_1", "c_2", "v_0", "v_1", "v_2", "v_3"]
    back = disc.inverse_transform(Xt)
    np.testing.assert_array_equal(back[:, 0], X[:, 0])
    ordinal = Discretizer(categorical_features=[0]).fit(X)
    np.testing.assert_allclose(back, ordinal.inverse_transform(ordinal.transform(X)))
    with pytest.raises(ValueError, match="unseen"):
        disc.transform([[7.0, 0.0]])


def test_entropy_needs_class_labels(cancer):
    X, y, _ = cancer
    with pytest.raises(ValueError, match="y is required"):
        Discretizer(strategy="entropy").fit(X)
    with pytest.raises(ValueError, match="class labels"):
        Discretizer(strategy="entropy").fit(X, np.linspace(0, 1, len(X)))
    disc = Discretizer(strategy="entropy", n_bins=3).fit(X, y)
    assert (disc.n_bins_ <= 3).all()


def test_entropy_falls_back_to_median():
    X = np.arange(10.0).reshape(-1, 1)
    disc = Discretizer(strategy="entropy").fit(X, np.zeros(10))
    assert disc.bin_edges_[0].tolist() == [4.5]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf_rejected(bad):
    X = np.ones((5, 2))
    X[1, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        Discretizer().fit(X)
    disc = Discretizer().fit(np.ones((5, 2)))
    with pytest.raises(ValueError, match="NaN|infinity"):
        disc.transform(X)


def test_wrong_width_and_bad_bins(cancer):
    X, _, _ = cancer
    disc = Discretizer().fit(X)
    with pytest.raises(ValueError, match="features"):
        disc.transform(X[:, :5])
    with pytest.raises(ValueError, match="bin indices"):
        disc.inverse_transform(np.full((1, 30), 4.0))
    with pytest.raises(ValueError, match="bin indices"):
        disc.sample(np.full((1, 30), 0.5))


def test_param_validation():
    with pytest.raises(ValueError, match="n_bins"):
        Discretizer(n_bins=1).fit(np.ones((3, 1)))
    with pytest.raises(ValueError, match="strategy"):
        Discretizer(strategy="uniform").fit(np.ones((3, 1)))
    with pytest.raises(ValueError, match="no feature names"):
        Discretizer(categorical_features=["nope"]).fit(np.ones((3, 1)))
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match=r"unknown columns \['nope'\]"):
        Discretizer(categorical_features=["nope"]).fit(pd.DataFrame({"a": [1.0, 2.0]}))
    disc = Discretizer(categorical_features=["a"]).fit(pd.DataFrame({"a": [1.0, 2.0]}))
    assert disc.categorical_features_.tolist() == [0]
