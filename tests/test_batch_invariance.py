"""A row explained alone has exactly the bits it has inside a batch of 64.

Chunks shrink to the request (one row is a chunk of one; chunks of 1, 8, 64
or the plan's chunk size, whichever is cheapest), and every kernel
computes a chunk's rows one at a time or elementwise
(:func:`sklime._engine._rowwise.map_rows`). These tests explain 64 rows in one
call, in chunks of 64 (checked), then some of them alone and in a chunk of
eight, and compare every result bit for bit, in every mode.
"""

import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from sklime import (
    ImageExplainer,
    KernelShapExplainer,
    LimeExplainer,
    PerturbationExplainer,
    TextExplainer,
)
from sklime._engine import _engine

N_SAMPLES = 1000  # 30 features at 1000 samples: chunks of 64 rows
FIELDS = ("coef", "intercept", "score", "local_pred", "model_pred", "labels")


def assert_same_bits(alone, batch, rows):
    for field in FIELDS:
        got, want = getattr(alone, field), getattr(batch, field)[rows]
        if field == "coef":  # a batch's coef is as wide as its widest item
            assert not want[..., got.shape[-1] :].any()
            want = want[..., : got.shape[-1]]
        np.testing.assert_array_equal(got, want, err_msg=field)


@pytest.fixture
def chunk_sizes(monkeypatch):
    """The chunk shapes the engine runs (records every call of ``_chunks``)."""
    sizes = []
    original = _engine.Engine._chunks

    def spy(self, plan, widths):
        chunks = original(self, plan, widths)
        sizes.append([size for _, _, size in chunks])
        return chunks

    monkeypatch.setattr(_engine.Engine, "_chunks", spy)
    return sizes


def check_rows(explain, X, chunk_sizes, batch_chunk=64):
    batch = explain(X[:64])
    if batch_chunk is None:  # the plan's own size, at least a chunk of 8
        batch_chunk = chunk_sizes[-1][0]
        assert batch_chunk >= 8
    assert chunk_sizes[-1] == [batch_chunk] * (64 // batch_chunk)
    for i in (0, 41, 63):
        assert_same_bits(explain(X[i : i + 1]), batch, [i])
        assert chunk_sizes[-1] == [1]
    assert_same_bits(explain(X[20:25]), batch, slice(20, 25))  # a chunk of 8
    assert chunk_sizes[-1] == [8]


TABULAR = {
    "discretized": {},
    "continuous": {"discretizer": None},
    "glime": {"sampler": "glime", "kernel_width": 1.0},
    "lhs": {"sampler": "lhs", "discretizer": None},
    "forward_selection": {"feature_selection": "forward_selection", "n_features": 4},
    "all_labels": {"labels": "all", "feature_selection": "none"},
    "decile_entropy": {"discretizer": "entropy"},
}


@pytest.mark.parametrize("mode", list(TABULAR))
def test_tabular_row_alone_has_its_batch_bits(cancer, cancer_lr, chunk_sizes, mode):
    X, y, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=N_SAMPLES, random_state=0, **TABULAR[mode]
    ).fit(X, y)
    check_rows(explainer.explain, X, chunk_sizes)


def test_regression_and_groups_alone_have_their_batch_bits(diabetes, chunk_sizes):
    X, y, _ = diabetes
    model = LinearRegression().fit(X, y)
    explainer = LimeExplainer(
        model.predict, mode="regression", n_samples=2000, random_state=0
    ).fit(X)
    check_rows(explainer.explain, X, chunk_sizes)
    groups = {"a": [0, 1], "b": [2, 3, 4], "c": [5, 6, 7, 8, 9]}
    grouped = LimeExplainer(
        model.predict,
        mode="regression",
        feature_groups=groups,
        n_samples=2000,
        random_state=0,
    ).fit(X)
    check_rows(grouped.explain, X, chunk_sizes)


def test_categorical_alone_has_its_batch_bits(chunk_sizes):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 4, 300), rng.normal(size=(300, 29))]).astype(
        float
    )

    def model(Z):
        p = 1 / (1 + np.exp(-(Z[:, 0] == 2).astype(float) - Z[:, 1]))
        return np.column_stack([1 - p, p])

    explainer = LimeExplainer(
        model, categorical_features=[0], n_samples=N_SAMPLES, random_state=0
    ).fit(X)
    check_rows(explainer.explain, X, chunk_sizes)


def test_device_model_alone_has_its_batch_bits(cancer, cancer_lr, chunk_sizes):
    X, _, _ = cancer
    scaler, lr = cancer_lr[0], cancer_lr[1]
    w = jnp.asarray(lr.coef_[0] / scaler.scale_)
    b = float(lr.intercept_[0] - scaler.mean_ / scaler.scale_ @ lr.coef_[0])

    def device(Z):
        p = 1 / (1 + jnp.exp(-(Z @ w + b)))
        return jnp.stack([1 - p, p], axis=1)

    explainer = LimeExplainer(
        device, jax_model=True, n_samples=N_SAMPLES, random_state=0
    ).fit(X)
    check_rows(explainer.explain, X, chunk_sizes)


def test_kernel_shap_alone_has_its_batch_bits(cancer, cancer_lr, chunk_sizes):
    X, _, _ = cancer
    explainer = KernelShapExplainer(cancer_lr, n_samples=256, random_state=0).fit(
        X[::60]
    )
    check_rows(explainer.explain, X, chunk_sizes, batch_chunk=None)


def test_perturbation_alone_has_its_batch_bits(cancer, cancer_lr, chunk_sizes):
    X, _, _ = cancer
    scale = X.std(axis=0)

    def perturb(x, u):  # keep each feature with probability 1/2, else its mean
        keep = jnp.vstack([jnp.ones((1, x.size)), (u.T < 0.5).astype(jnp.float32)])
        S = keep * x + (1 - keep) * (x - scale)
        return keep, S

    explainer = PerturbationExplainer(
        cancer_lr.predict_proba, perturb=perturb, n_samples=N_SAMPLES, random_state=0
    )
    check_rows(explainer.explain, X, chunk_sizes)


def test_images_and_texts_alone_have_their_batch_bits():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(4, 24, 24, 3), dtype=np.uint8)

    def image_model(batch):
        m = np.asarray(batch, dtype=float).mean(axis=(1, 2)) / 255
        return np.exp(m) / np.exp(m).sum(axis=1, keepdims=True)

    def grid(image):
        rows, cols = np.indices(image.shape[:2]) // 6
        return rows * 4 + cols

    explainer = ImageExplainer(
        image_model, segmentation=grid, n_samples=300, random_state=0
    )
    batch = explainer.explain(images)
    for i in (0, 3):
        assert_same_bits(explainer.explain(images[i]), batch, [i])

    texts = [
        "good food and a warm welcome",
        "slow service but good wine, really good",
        "cold soup",
        "the best meal of the year and a good price",
    ]

    def text_model(docs):
        p = np.array([min(d.count("good") / 3, 1.0) for d in docs])
        return np.column_stack([1 - p, p])

    text = TextExplainer(text_model, n_samples=300, random_state=0)
    batch = text.explain(texts)
    for i in (0, 2, 3):
        assert_same_bits(text.explain(texts[i]), batch, [i])


def test_chunk_shapes_follow_the_request():
    """1, 8, 64 or a full chunk, whichever is cheapest; a row is a chunk of one."""
    assert [_engine._fitting_size(n, 8) for n in range(1, 9)] == [1] * 4 + [8] * 4
    sizes = [_engine._fitting_size(n, 256) for n in (1, 2, 13, 20, 64, 200, 256)]
    assert sizes == [1, 8, 8, 64, 64, 256, 256]
    assert _engine._fitting_size(3, 1) == 1
