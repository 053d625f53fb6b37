"""Explanation.save / load: a plain .npz (no pickle) that rebuilds every type."""

import numpy as np
import pytest

from sklime import (
    CounterfactualExplanation,
    Explanation,
    ImageExplainer,
    LimeExplainer,
    TextExplainer,
)


def _same(a, b):
    for name in type(a)._saved_fields:
        x, y = getattr(a, name), getattr(b, name)
        if name == "indexed":
            assert [tuple(map(list, (i.pieces, i.words))) for i in x] == [
                tuple(map(list, (i.pieces, i.words))) for i in y
            ]
            for i, j in zip(x, y):
                np.testing.assert_array_equal(i.piece_feature, j.piece_feature)
        elif x is None or isinstance(x, (str, list)):
            assert x == y, name
        else:
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=name)


def _round_trip(exp, tmp_path):
    path = tmp_path / "exp.npz"
    exp.save(path)
    with np.load(path, allow_pickle=False) as files:  # plain arrays only
        assert all(files[k].dtype != object for k in files.files)
    back = Explanation.load(path)
    assert type(back) is type(exp)
    _same(exp, back)
    return back


def test_tabular_explanations(cancer, cancer_lr, tmp_path):
    X, _, names = cancer
    exp = (
        LimeExplainer(
            cancer_lr,
            n_samples=200,
            labels=[0, 1],
            class_names=["m", "b"],
            random_state=0,
        )
        .fit(X)
        .explain(X[:3])
    )
    back = _round_trip(exp, tmp_path)
    assert back.as_list(1, label=1) == exp.as_list(1, label=1)
    assert back.to_html(0) == exp.to_html(0)
    grouped = (
        LimeExplainer(
            cancer_lr, n_samples=200, feature_groups=[0] * 10 + [1] * 20, random_state=0
        )
        .fit(X)
        .explain(X[:2])
    )
    back = _round_trip(grouped, tmp_path)
    np.testing.assert_array_equal(back.column_weights(), grouped.column_weights())


def test_mixed_display_values_come_back_as_strings(tmp_path):
    exp = Explanation(
        coef=np.ones((1, 1, 2)),
        intercept=[[0.0]],
        score=[[1.0]],
        local_pred=[[1.0]],
        model_pred=[[0.2, 0.8]],
        labels=[[1]],
        feature_names=["colour", "x"],
        data=np.array([["red", 1.5]], dtype=object),
    )
    exp.save(tmp_path / "e.npz")
    back = Explanation.load(tmp_path / "e.npz")
    assert back.data.tolist() == [["red", "1.5"]]


def test_text_and_image_explanations(tmp_path):
    def words(texts):
        p = np.array([0.9 if "good" in t else 0.2 for t in texts])
        return np.column_stack([1 - p, p])

    text = TextExplainer(words, n_samples=50, random_state=0).explain(
        ["a good day", "so so, not good"]
    )
    back = _round_trip(text, tmp_path)
    assert back.as_list(1) == text.as_list(1)
    assert back.to_html(1) == text.to_html(1)

    def bright(images):
        p = np.asarray(images).reshape(len(images), -1).mean(axis=1)
        return np.column_stack([1 - p, p])

    image = np.zeros((1, 8, 8, 3))
    image[0, :4] = 1.0
    img = ImageExplainer(
        bright,
        segmentation=lambda im: np.arange(64).reshape(8, 8) // 16,
        n_samples=30,
        random_state=0,
    ).explain(image)
    _round_trip(img, tmp_path)


def test_counterfactual_explanations(tmp_path):
    exp = CounterfactualExplanation(
        instances=np.array([[1.0, 5.0]]),
        counterfactuals=np.array([[[1.0, 7.0]]]),
        model_pred=np.array([[0.9, 0.1]]),
        counterfactual_pred=np.array([[[0.2, 0.8]]]),
        target=np.array([1]),
        feature_names=["a", "b"],
        scale=np.array([1.0, 2.0]),
        categorical=np.array([False, False]),
    )
    back = _round_trip(exp, tmp_path)
    assert back.as_list(0) == exp.as_list(0)
    np.testing.assert_array_equal(back.proximity, exp.proximity)


def test_load_refuses_other_files(tmp_path):
    np.savez(tmp_path / "other.npz", x=np.ones(2))
    with pytest.raises(ValueError, match="not written by Explanation.save"):
        Explanation.load(tmp_path / "other.npz")
