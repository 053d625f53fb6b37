"""sklime.compat.discretize against lime.discretize."""

import numpy as np
import pytest

from sklime.compat import discretize as ours

lime_discretize = pytest.importorskip("lime.discretize")


@pytest.mark.parametrize(
    "name", ["QuartileDiscretizer", "DecileDiscretizer", "EntropyDiscretizer"]
)
def test_bins_names_and_statistics_equal_lime(cancer, name):
    X, y, names = cancer
    cat = [3]
    theirs = getattr(lime_discretize, name)(X, cat, names, y, random_state=0)
    mine = getattr(ours, name)(X, cat, names, y, random_state=0)
    assert mine.to_discretize == theirs.to_discretize
    for j, lime_names in theirs.names.items():
        edges = mine.discretizer_.bin_edges_[j]
        if len({f"{e:.2f}" for e in edges}) == len(edges):
            assert mine.names[j] == lime_names
        else:  # lime's %.2f prints two edges alike ("0.06 < x <= 0.06"): more digits
            assert len(set(mine.names[j])) == len(mine.names[j])
            assert len(mine.names[j]) == len(lime_names)
    np.testing.assert_array_equal(mine.discretize(X), theirs.discretize(X))
    np.testing.assert_array_equal(mine.discretize(X[5]), theirs.discretize(X[5]))
    for j in mine.to_discretize:
        np.testing.assert_allclose(mine.means[j], theirs.means[j])
        np.testing.assert_allclose(mine.stds[j], theirs.stds[j], atol=1e-10)
        np.testing.assert_allclose(mine.mins[j], theirs.mins[j])
        np.testing.assert_allclose(mine.maxs[j], theirs.maxs[j])


def test_undiscretize_draws_inside_the_bins(cancer):
    X, y, names = cancer
    d = ours.QuartileDiscretizer(X, [], names, random_state=0)
    codes = d.discretize(X)
    values = d.undiscretize(codes)
    np.testing.assert_array_equal(d.discretize(values), codes)
    assert not np.array_equal(values, d.undiscretize(codes))  # the stream advances


def test_custom_bins_and_training_stats():
    X = np.arange(40.0).reshape(20, 2)

    class Halves(ours.BaseDiscretizer):
        def bins(self, data, labels):
            return [np.array([np.median(data[:, j])]) for j in self.to_discretize]

    d = Halves(X, [], ["a", "b"], random_state=0)
    assert d.names[0] == ["a <= 19.00", "a > 19.00"]
    stats = {
        "bins": {0: [10.0], 1: [30.0]},
        "means": {0: [5.0, 25.0], 1: [15.0, 35.0]},
        "stds": {0: [1.0, 1.0], 1: [1.0, 1.0]},
        "mins": {0: [0.0, 10.0], 1: [1.0, 30.0]},
        "maxs": {0: [10.0, 38.0], 1: [30.0, 39.0]},
    }
    s = ours.StatsDiscretizer(X, [], ["a", "b"], data_stats=stats, random_state=0)
    assert s.names[1] == ["b <= 30.00", "b > 30.00"]
    assert s.means[0] == [5.0, 25.0]
    drawn = s.undiscretize(np.zeros((500, 2)))
    assert drawn[:, 0].min() >= 0 and drawn[:, 0].max() <= 10


def test_bad_input_is_named():
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError, match="data must be finite"):
        ours.QuartileDiscretizer(np.where(X > 5, np.nan, X), [], ["a", "b"])
    with pytest.raises(ValueError, match="feature_names"):
        ours.QuartileDiscretizer(X, [], ["a"])
    with pytest.raises(ValueError, match="categorical_features"):
        ours.QuartileDiscretizer(X, [5], ["a", "b"])
    with pytest.raises(ValueError, match="labels"):
        ours.EntropyDiscretizer(X, [], ["a", "b"])
