"""Kernel SHAP on images and texts: ``kernel="shapley"`` on the same engine."""

import itertools
import math

import numpy as np
import pytest

from sklime import ImageExplainer, TextExplainer


def _shapley(value, p):
    """Exact Shapley values of ``value(frozenset)`` on ``p`` players."""
    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for s in range(p):
            share = math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
            for S in itertools.combinations(others, s):
                phi[j] += share * (value(set(S) | {j}) - value(set(S)))
    return phi


def _stripes(image):
    """Five vertical stripes as superpixels."""
    return np.repeat(np.arange(5), 2)[None, :].repeat(image.shape[0], axis=0)


def _image_model(images):
    """Interacting stripes: brightness of stripe 0 times stripe 1, and more."""
    im = np.asarray(images, dtype=float)
    s = [im[:, :, 2 * k : 2 * k + 2].mean(axis=(1, 2, 3)) for k in range(5)]
    p = 1 / (1 + np.exp(-(s[0] * s[1] * s[2] - s[3] + np.sin(3 * s[4]))))
    return np.column_stack([1 - p, p])


@pytest.fixture(scope="module")
def image():
    return np.random.default_rng(0).random((6, 10, 3))


def test_image_shapley_values_are_exact_with_few_superpixels(image):
    explainer = ImageExplainer(
        _image_model,
        segmentation=_stripes,
        hide_color=0,
        kernel="shapley",
        labels=1,
        random_state=0,
    )
    e = explainer.explain(image)
    segments = _stripes(image)

    def value(S):
        keep = np.isin(segments, list(S))[..., None]
        return _image_model((image * keep)[None])[0, 1]

    np.testing.assert_allclose(e.coef[0, 0], _shapley(value, 5), atol=1e-12)
    np.testing.assert_allclose(e.intercept[0, 0], value(set()))
    np.testing.assert_allclose(e.local_pred[0, 0], _image_model(image[None])[0, 1])


def test_image_shapley_sampled_is_efficient_and_batch_invariant(image):
    fine = lambda im: np.arange(im.shape[0] * im.shape[1]).reshape(im.shape[:2]) % 14  # noqa: E731
    explainer = ImageExplainer(
        _image_model,
        segmentation=fine,
        kernel="shapley",
        n_samples=100,
        labels="all",
        random_state=0,
    )
    images = np.stack([image, image[::-1], image])
    e = explainer.explain(images)
    out = _image_model(images)
    np.testing.assert_allclose(e.coef.sum(2) + e.intercept, out, atol=1e-12)
    np.testing.assert_array_equal(e.coef[0], e.coef[2])
    np.testing.assert_array_equal(explainer.explain(images[1:2]).coef[0], e.coef[1])


def _text_model(texts):
    def score(t):
        words = t.split()
        return (
            ("good" in words) * ("very" in words)
            + 0.5 * ("fine" in words)
            - ("bad" in words)
        )

    p = 1 / (1 + np.exp(-np.array([score(t) for t in texts], dtype=float)))
    return np.column_stack([1 - p, p])


def test_text_shapley_values_are_exact_with_few_words():
    text = "very good but bad and fine"
    words = text.split()
    explainer = TextExplainer(_text_model, kernel="shapley", labels=1, random_state=0)
    e = explainer.explain([text])

    def value(S):
        kept = " ".join(w for k, w in enumerate(words) if k in S)
        return _text_model([kept])[0, 1]

    want = _shapley(value, len(words))
    got = dict(e.as_list(0))
    for k, w in enumerate(words):
        assert got[w] == pytest.approx(want[k], abs=1e-12)
    np.testing.assert_allclose(e.intercept[0, 0], value(set()))


def test_texts_of_other_lengths_in_one_call():
    texts = ["good", "very good movie", "bad bad fine film with a very good cast"]
    explainer = TextExplainer(
        _text_model, kernel="shapley", n_samples=40, random_state=0
    )
    e = explainer.explain(texts)
    out = _text_model(texts)
    np.testing.assert_allclose(e.local_pred[:, 0], out[np.arange(3), e.labels[:, 0]])
    for i in range(3):
        alone = explainer.explain(texts[i : i + 1])
        np.testing.assert_array_equal(
            alone.coef[0], e.coef[i, :, : alone.coef.shape[2]]
        )
