"""verbose: a tqdm progress bar over chunks of rows on multi-chunk runs."""

import numpy as np
import pytest

import sklime._engine._shapes
from sklime import LimeExplainer

pytest.importorskip("tqdm")


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 4 rows (30 features, 200 samples): 12 rows make 3 chunks."""
    monkeypatch.setattr(sklime._engine._shapes, "chunk_budget", lambda: 4 * 200 * 30)


@pytest.fixture
def explainer(cancer, cancer_lr):
    X, _, _ = cancer
    return LimeExplainer(cancer_lr, n_samples=200, random_state=0).fit(X)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_verbose_shows_a_bar_over_chunks(
    explainer, cancer, small_chunks, capfd, n_jobs
):
    X, _, _ = cancer
    exp = explainer.set_params(verbose=1, n_jobs=n_jobs).explain(X[:12])
    err = capfd.readouterr().err
    assert "explaining" in err and "3/3" in err and "chunk" in err
    quiet = explainer.set_params(verbose=0).explain(X[:12])
    assert capfd.readouterr().err == ""
    np.testing.assert_array_equal(exp.coef, quiet.coef)  # the bar changes nothing


def test_no_bar_for_one_chunk(explainer, cancer, capfd):
    X, _, _ = cancer
    explainer.set_params(verbose=1).explain(X[:3])
    assert "explaining" not in capfd.readouterr().err


def test_text_and_image_explainers_show_bars(capfd):
    from sklime import ImageExplainer, TextExplainer

    def words(texts):
        p = np.array([0.9 if "good" in t else 0.2 for t in texts])
        return np.column_stack([1 - p, p])

    TextExplainer(words, n_samples=30, verbose=1, random_state=0).explain(
        ["a good day", "not good", "fine"]
    )
    assert "3/3" in capfd.readouterr().err

    def bright(images):
        p = np.asarray(images).reshape(len(images), -1).mean(axis=1)
        return np.column_stack([1 - p, p])

    images = np.random.default_rng(0).random((2, 8, 8, 3))
    ImageExplainer(
        bright,
        segmentation=lambda im: np.arange(64).reshape(8, 8) // 16,
        n_samples=20,
        verbose=1,
        random_state=0,
    ).explain(images)
    assert "2/2" in capfd.readouterr().err


def test_verbose_without_tqdm_names_the_extra(explainer, cancer, monkeypatch):
    import sys

    X, _, _ = cancer
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"sklime\[progress\]"):
        explainer.set_params(verbose=1).explain(X[:2])
    explainer.set_params(verbose=0).explain(X[:2])  # no bar, no tqdm needed


def test_counterfactual_training_shows_a_bar_over_epochs(cancer, cancer_lr, capfd):
    pytest.importorskip("optax")
    from sklime import CounterfactualExplainer

    X, _, _ = cancer
    params = dict(max_epochs=3, generator_layers=(8,), selector_layers=(8,))
    loud = CounterfactualExplainer(cancer_lr, verbose=1, random_state=0, **params)
    loud.fit(X[:200])
    err = capfd.readouterr().err
    assert "training" in err and "3/3" in err
    quiet = CounterfactualExplainer(cancer_lr, random_state=0, **params).fit(X[:200])
    assert capfd.readouterr().err == ""
    np.testing.assert_array_equal(loud.loss_curve_, quiet.loss_curve_)
