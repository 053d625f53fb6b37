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
