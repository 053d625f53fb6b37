"""Explanation: container protocol, lists, frames, plots and HTML."""

import numpy as np
import pytest

from sklime import Explanation, LimeExplainer


@pytest.fixture(scope="module")
def exp(request):
    cancer = request.getfixturevalue("cancer")
    model = request.getfixturevalue("cancer_lr")
    X, _, names = cancer
    explainer = LimeExplainer(model, n_samples=500, labels="all", random_state=0)
    return explainer.fit(X).explain(X[:4])


def _toy(**kwargs):
    params = dict(
        coef=np.array([[[0.5, -2.0, 0.0]], [[1.0, 0.0, 0.25]]]),
        intercept=np.array([[0.1], [0.2]]),
        score=np.array([[0.9], [0.8]]),
        local_pred=np.array([[0.7], [0.6]]),
        model_pred=np.array([[0.3, 0.7], [0.4, 0.6]]),
        labels=np.array([[1], [1]]),
        feature_names=["a", "b", "c"],
    )
    params.update(kwargs)
    return Explanation(**params)


def test_as_list_sorted_by_magnitude_and_skips_unselected():
    e = _toy()
    assert e.as_list() == [("b", -2.0), ("a", 0.5)]
    assert e.as_list(1) == [("a", 1.0), ("c", 0.25)]
    assert e.as_map(1) == {1: [(0, 1.0), (2, 0.25)]}


def test_label_lookup():
    e = _toy()
    assert e.as_list(0, label=1) == e.as_list(0)
    with pytest.raises(KeyError, match="not explained"):
        e.as_list(0, label=0)
    with pytest.raises(IndexError):
        e.as_list(5)


def test_getitem_and_len(exp):
    assert len(exp) == 4
    one = exp[2]
    assert isinstance(one, Explanation) and len(one) == 1
    np.testing.assert_array_equal(one.coef[0], exp.coef[2])
    np.testing.assert_array_equal(exp[-1].coef[0], exp.coef[3])
    assert len(exp[1:3]) == 2
    assert one.as_list() == exp.as_list(2)


def test_shapes_and_types(exp):
    n, L, p = exp.coef.shape
    assert (n, L, p) == (4, 2, 30)
    for name in ("intercept", "score", "local_pred", "labels"):
        assert getattr(exp, name).shape == (4, 2)
    assert exp.model_pred.shape == (4, 2)
    assert exp.feature_names.shape == (30,)
    assert exp.descriptions.shape == (4, 30)


def test_descriptions_are_bins(exp):
    desc, _ = exp.as_list(0)[0]
    assert "<" in desc or ">" in desc
    assert any(name in desc for name in exp.feature_names)


def test_to_frame_long_and_wide(exp):
    long = exp.to_frame()
    assert list(long.columns) == ["row", "label", "feature", "description", "weight"]
    assert len(long) == int((exp.coef != 0).sum())
    wide = exp.to_frame("wide")
    assert wide.shape == (8, 2 + 30 + 3)
    np.testing.assert_allclose(
        wide[exp.feature_names[0]].to_numpy(), exp.coef[:, :, 0].ravel()
    )
    with pytest.raises(ValueError, match="kind"):
        exp.to_frame("tall")


def test_plot_renders_png(exp, tmp_path):
    import matplotlib.pyplot as plt

    ax = exp.plot(1, max_features=5)
    assert len(ax.patches) == 5
    path = tmp_path / "exp.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    plt.close(ax.figure)


def test_html_is_self_contained(exp):
    page = exp.to_html(0)
    assert "<script" not in page and "http" not in page
    desc, _ = exp.as_list(0)[0]
    assert desc.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Row 0" in page
    assert exp[0]._repr_html_() == exp[0].to_html(0)
    assert exp.to_html().count("class='row'") == 4


def test_bad_shapes_rejected():
    with pytest.raises(ValueError, match="intercept"):
        _toy(intercept=np.zeros((3, 1)))
    with pytest.raises(ValueError, match="feature_names"):
        _toy(feature_names=["a"])


def test_regression_label_name(diabetes, diabetes_rf):
    X, _, _ = diabetes
    exp = (
        LimeExplainer(diabetes_rf, n_samples=200, random_state=0).fit(X).explain(X[:1])
    )
    assert exp.label_name() == "prediction"
    assert "prediction" in exp.to_html()


def test_classifier_class_names(cancer, cancer_lr):
    X, _, _ = cancer
    exp = LimeExplainer(cancer_lr, n_samples=200, random_state=0).fit(X).explain(X[:1])
    assert exp.label_name() in {"0", "1"}
    np.testing.assert_array_equal(exp.output_names, cancer_lr.classes_)
