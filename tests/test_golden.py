"""Stored explanations of fixed configurations: refactors must not change them.

Every tabular mode (quartile, decile and entropy bins, Gaussian sampling
around the mean and around the instance, categorical features, feature
groups, GLIME, each feature selection method, regression, several labels,
``n_samples="auto"``), an image and a text are explained with fixed seeds and
deterministic models, and compared with ``tests/data/golden_explanations.npz``
to 1e-9. The stored values are the CPU backend's (numpy's PCG64 streams);
other backends draw other streams.

After a deliberate change of results, regenerate the file with
``SKLIME_REGENERATE_GOLDEN=1 pytest tests/test_golden.py`` and say why in
the commit.
"""

import os
from pathlib import Path

import jax
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from sklime import ImageExplainer, LimeExplainer, TextExplainer

GOLDEN = Path(__file__).parent / "data" / "golden_explanations.npz"
FIELDS = ("coef", "intercept", "score", "local_pred")

_W = np.random.default_rng(7).normal(size=30)


def _cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:200], y[:200]


_X, _Y = _cancer()
_MEAN, _STD = _X.mean(axis=0), _X.std(axis=0)


def _classifier(X):
    """A fixed smooth classifier of the breast_cancer features."""
    Z = (np.asarray(X, dtype=float) - _MEAN) / _STD
    logit = np.tanh(Z @ _W / 5) * 3 + 0.2 * Z[:, 0] ** 2 - 0.3
    p = 1 / (1 + np.exp(-logit))
    return np.column_stack([1 - p, p])


def _three_classes(X):
    Z = (np.asarray(X, dtype=float) - _MEAN) / _STD
    logits = np.column_stack([Z[:, 0], Z[:, 1] - Z[:, 2], np.sin(Z[:, 3])])
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _tabular_cases():
    Xd, _ = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(3)
    Xc = np.column_stack(
        [rng.normal(size=300), rng.integers(0, 4, 300), rng.random(300)]
    )

    def mixed(X):
        X = np.asarray(X, dtype=float)
        p = 1 / (1 + np.exp(-(X[:, 0] + (X[:, 1] == 2) - X[:, 2])))
        return np.column_stack([1 - p, p])

    def regression(X):
        X = np.asarray(X, dtype=float)
        return X @ np.arange(1.0, 11.0) + np.sin(10 * X[:, 0])

    base = dict(predict_fn=_classifier, n_samples=600, random_state=0)
    X, y = _X, _Y
    return {
        "quartile": (LimeExplainer(**base), X, None),
        "decile": (LimeExplainer(discretizer="decile", **base), X, None),
        "entropy": (LimeExplainer(discretizer="entropy", **base), X, y),
        "gaussian": (LimeExplainer(discretizer=None, **base), X, None),
        "around_instance": (
            LimeExplainer(discretizer=None, sample_around_instance=True, **base),
            X,
            None,
        ),
        "glime": (LimeExplainer(sampler="glime", **base), X, None),
        "forward_selection": (
            LimeExplainer(feature_selection="forward_selection", n_features=4, **base),
            X,
            None,
        ),
        "lasso_path": (
            LimeExplainer(feature_selection="lasso_path", n_features=6, **base),
            X,
            None,
        ),
        "none": (LimeExplainer(feature_selection="none", **base), X, None),
        "groups": (
            LimeExplainer(feature_groups=[j // 3 for j in range(30)], **base),
            X,
            None,
        ),
        "three_labels": (
            LimeExplainer(_three_classes, labels="all", n_samples=600, random_state=0),
            X,
            None,
        ),
        "auto_samples": (
            LimeExplainer(_classifier, n_samples="auto", random_state=0),
            X,
            None,
        ),
        "categorical": (
            LimeExplainer(
                mixed, categorical_features=[1], n_samples=600, random_state=0
            ),
            Xc,
            None,
        ),
        "regression": (
            LimeExplainer(regression, n_samples=600, random_state=0),
            Xd,
            None,
        ),
    }


def _image_case():
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, size=(24, 24, 3), dtype=np.uint8)
    segments = (np.arange(24)[:, None] // 6) * 4 + np.arange(24)[None, :] // 6

    def model(images):
        m = np.asarray(images, dtype=float).mean(axis=(1, 2)) / 255.0
        logits = np.column_stack([m[:, 0] - m[:, 1], m[:, 2], -m[:, 0]]) * 4
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    explainer = ImageExplainer(
        model, segmentation=lambda _: segments, n_samples=300, random_state=0
    )
    return explainer.explain(image)


def _text_case():
    good, bad = ("great", "moving", "superb"), ("dull", "lazy")

    def model(texts):
        score = np.array(
            [
                sum(t.count(w) for w in good) - sum(t.count(w) for w in bad)
                for t in texts
            ],
            dtype=float,
        )
        p = 1 / (1 + np.exp(-score))
        return np.column_stack([1 - p, p])

    text = "a great and moving story, superb cast, dull start and a lazy ending"
    return TextExplainer(model, n_samples=400, random_state=0).explain(text)


def _explanations():
    out = {}
    for name, (explainer, X, y) in _tabular_cases().items():
        explanation = explainer.fit(X, y).explain(X[:3])
        out.update({f"{name}.{f}": getattr(explanation, f) for f in FIELDS})
    for name, explanation in (("image", _image_case()), ("text", _text_case())):
        out.update({f"{name}.{f}": getattr(explanation, f) for f in FIELDS})
    return out


@pytest.mark.skipif(
    jax.default_backend() != "cpu",
    reason="the stored values are the CPU backend's random streams",
)
def test_explanations_equal_the_stored_ones():
    current = _explanations()
    if os.environ.get("SKLIME_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        np.savez_compressed(GOLDEN, **current)
    stored = np.load(GOLDEN)
    assert sorted(stored.files) == sorted(current)
    for key, value in current.items():
        np.testing.assert_allclose(
            value, stored[key], rtol=1e-9, atol=1e-12, err_msg=key
        )
    # The configurations differ from one another (a stale copy would not).
    assert not np.allclose(current["quartile.coef"], current["decile.coef"])
