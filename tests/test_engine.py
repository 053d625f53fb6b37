"""The one engine: every explainer runs on it, with n_jobs, verbose and jax_model.

Each plan satisfies the written Plan protocol; images and texts get the
engine's parallelism, progress bars and (images) the device path, with the
same results as the plain path.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from sklime import ImageExplainer, LimeExplainer, TextExplainer
from sklime._engine._plan import Plan

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, size=(3, 16, 16, 3))
TEXTS = ["good film with a great cast", "bad plot", "a great and good day"]


def quarters(image):
    rows, cols = np.indices(image.shape[:2]) // 8
    return rows * 2 + cols


def redness(images):
    """Two outputs from the top-left quarter's red channel (numpy or JAX)."""
    xp = jnp if isinstance(images, jnp.ndarray) else np
    r = images[:, :8, :8, 0].mean(axis=(1, 2))
    return xp.stack([1 - r, r], axis=1)


def sentiment(texts):
    score = np.array(
        [t.count("good") + t.count("great") - t.count("bad") for t in texts]
    )
    p = 1 / (1 + np.exp(-score))
    return np.stack([1 - p, p], axis=1)


def _image(**kw):
    return ImageExplainer(
        redness, segmentation=quarters, n_samples=64, random_state=0, **kw
    )


def _text(**kw):
    return TextExplainer(sentiment, n_samples=64, random_state=0, **kw)


def test_every_plan_satisfies_the_protocol(cancer, cancer_lr):
    from sklime._image._plan import ImagePlan
    from sklime._text._plan import TextPlan

    X, _, _ = cancer
    row_plan = LimeExplainer(cancer_lr, n_samples=20).fit(X)._row_plan(X[:2])
    assert isinstance(row_plan, Plan)
    image_plan = ImagePlan(
        IMAGES,
        "batch",
        np.zeros((3, 16, 16), np.int32),
        [1, 1, 1],
        None,
        kernel_width=0.25,
        metric="cosine",
        batch_size=8,
    )
    text_plan = TextPlan(["a b"], [], "", kernel_width=0.25)
    assert isinstance(image_plan, Plan) and isinstance(text_plan, Plan)
    assert not isinstance(object(), Plan)


@pytest.mark.parametrize("make, items", [(_image, IMAGES), (_text, TEXTS)])
def test_n_jobs_gives_the_same_explanations(make, items):
    plain = make().explain(items)
    parallel = make(n_jobs=2).explain(items)
    np.testing.assert_array_equal(plain.coef, parallel.coef)
    np.testing.assert_array_equal(plain.intercept, parallel.intercept)


@pytest.mark.parametrize("make, items", [(_image, IMAGES), (_text, TEXTS)])
def test_verbose_shows_a_bar_over_items(make, items, capfd):
    pytest.importorskip("tqdm")
    exp = make(verbose=1).explain(items)
    err = capfd.readouterr().err
    assert "explaining" in err and f"{len(items)}/{len(items)}" in err
    np.testing.assert_array_equal(exp.coef, make().explain(items).coef)


def test_image_jax_model_matches_the_host_path():
    host = _image().explain(IMAGES)
    device = _image(jax_model=True).explain(IMAGES)
    np.testing.assert_allclose(device.coef, host.coef, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(device.model_pred, host.model_pred, rtol=1e-6)
    assert int(np.argmax(np.abs(device.coef[0, 0]))) == 0  # the red quarter


def test_text_jax_model_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="strings, which JAX cannot trace"):
        _text(jax_model=True).explain(TEXTS)
    with pytest.raises(ValueError, match="strings, which JAX cannot trace"):
        _text(jax_model=True).fit()


def test_perturbation_explainer_rebuilds_continuous_lime(cancer, cancer_lr):
    """LimeExplainer(discretizer=None), written as a user's perturbation."""
    from sklime import PerturbationExplainer
    from sklime._sampling._ppf import ndtri32

    X, _, _ = cancer
    lime = LimeExplainer(
        cancer_lr, discretizer=None, n_samples=300, random_state=4
    ).fit(X)
    mean, scale = lime._plan.mean, lime._plan.scale

    def perturb(x, u):  # Gaussian around the training mean, in lime's units
        gauss = mean + scale * ndtri32(u.T).astype(np.float64)
        S = jnp.vstack([x[None], gauss])
        Z = jnp.vstack([((x - mean) / scale)[None], ((gauss - mean) / scale)]).astype(
            jnp.float32
        )
        return Z, S

    custom = PerturbationExplainer(
        cancer_lr.predict_proba,
        perturb=perturb,
        kernel_width=lime.kernel_width_,
        n_samples=300,
        n_features=10,
        random_state=4,
    )
    want, got = lime.explain(X[:3]), custom.explain(X[:3])
    np.testing.assert_array_equal(got.labels, want.labels)
    np.testing.assert_allclose(got.model_pred, want.model_pred, rtol=1e-12)
    # Same samples and weights; other chunk shapes round differently (5e-8).
    np.testing.assert_allclose(got.coef, want.coef, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got.intercept, want.intercept, rtol=1e-6)
    np.testing.assert_allclose(got.score, want.score, rtol=1e-6)
    # a row's explanation does not depend on its batch
    np.testing.assert_array_equal(custom.explain(X[1:2]).coef[0], got.coef[1])


def test_perturbation_explainer_checks_perturb():
    from sklime import PerturbationExplainer

    with pytest.raises(ValueError, match="perturb is required"):
        PerturbationExplainer(lambda X: X[:, 0]).explain(np.ones((1, 2)))
    bad = PerturbationExplainer(
        lambda X: X[:, 0], perturb=lambda x, u: (u, u), n_samples=10
    )
    with pytest.raises(ValueError, match="n_samples=10 rows"):
        bad.explain(np.ones((1, 2)))


# -- the pipeline: a worker thread prepares the next chunk ---------------------


def test_pipeline_matches_chunk_by_chunk_and_overlaps(cancer, cancer_lr):
    """The prefetching pipeline gives the bits of one chunk at a time, and the
    next chunk is prepared on another thread while the model runs."""
    import threading

    from sklime._engine import _engine

    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=3000, random_state=0).fit(X)
    rows = X[:40]
    plan = explainer._row_plan(rows)
    engine = explainer._engine(3000)
    chunks = engine._chunks(plan, plan.widths())
    assert len(chunks) > 2  # several chunks, so the pipeline is exercised
    threads = set()
    prepare = engine.prepare

    def spy(*args):
        threads.add(threading.get_ident())
        return prepare(*args)

    engine.prepare = spy
    piped = engine.run(plan)
    assert threading.get_ident() not in threads  # prepared off the main thread
    one_by_one = [
        engine.finish(plan, *prepare(plan, pos, P, size), pos)
        for pos, P, size in chunks
    ]
    coef = _engine._combine(chunks, one_by_one, plan.widths())["coef"]
    np.testing.assert_array_equal(piped["coef"], coef)


def test_a_model_failing_on_a_later_chunk_stops_the_pipeline(cancer, cancer_lr):
    X, _, _ = cancer
    calls = []

    def flaky(A):
        calls.append(len(A))
        if len(calls) == 20:
            raise RuntimeError("model down")
        return cancer_lr.predict_proba(A)

    explainer = LimeExplainer(flaky, n_samples=3000, random_state=0).fit(X)
    calls.clear()
    with pytest.raises(RuntimeError, match="model down"):
        explainer.explain(X[:40])
    assert len(calls) == 20  # no model call after the failure


def test_device_tables_are_built_once_per_fit(cancer, cancer_lr):
    from sklime._tabular import _rows

    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=50, random_state=0).fit(X)
    first = explainer._row_plan(X[:2]).tables
    assert explainer._row_plan(X[3:5]).tables is first
    explainer.set_params(kernel_width=2.0).fit(X)  # a new sampler, new tables
    assert explainer._row_plan(X[:2]).tables is not first
    sampler = explainer._plan
    key = id(sampler)
    assert key in _rows._TABLES
    del explainer, sampler
    import gc

    gc.collect()
    assert key not in _rows._TABLES
