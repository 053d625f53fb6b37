"""Scale: bounded chunks, bounded model calls, no recompilation, joblib/dask."""

import numpy as np
import pytest
from joblib import parallel_config

from sklime import LimeExplainer
from sklime._engine._shapes import chunk_budget as _chunk_budget
from sklime._engine._shapes import chunk_rows as _chunk_rows
from sklime._surrogate._fit import _fit
from sklime._tabular._plan import sample_tabular


@pytest.mark.parametrize("n_samples, d", [(5000, 30), (100, 4), (50000, 784), (2, 1)])
def test_chunks_fit_the_memory_budget(n_samples, d):
    rows = _chunk_rows(n_samples, d)
    assert rows >= 1 and (rows & (rows - 1)) == 0  # a power of two
    assert rows == 1 or rows * n_samples * d <= _chunk_budget()


def test_model_calls_are_bounded(cancer, cancer_lr):
    X, _, _ = cancer
    sizes = []

    def spy(A):
        sizes.append(len(A))
        return cancer_lr.predict_proba(A)

    LimeExplainer(spy, n_samples=700, random_state=0).fit(X).explain(X[:9])
    assert sizes[1:] == [700] * 9  # "auto": one call per explained row
    sizes.clear()
    LimeExplainer(spy, n_samples=700, batch_size=1000, random_state=0).fit(X).explain(
        X[:9]
    )
    assert max(sizes[1:]) <= 1000 and sum(sizes[1:]) == 9 * 700


def test_no_recompilation_for_new_row_counts(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=300, random_state=0).fit(X)
    for n in (1, 8, 64, 128):  # one call per chunk shape (1, 8, 64, full)
        explainer.explain(X[:n])
    before = sample_tabular._cache_size(), _fit._cache_size()
    for n in (1, 2, 5, 17, 40, 71):
        explainer.explain(X[:n])
    assert (sample_tabular._cache_size(), _fit._cache_size()) == before


def test_dask_backend_gives_identical_results(cancer, cancer_lr):
    distributed = pytest.importorskip("distributed")
    X, _, _ = cancer
    params = dict(n_samples=5000, random_state=0)
    expected = LimeExplainer(cancer_lr, **params).fit(X).transform(X[:24])
    explainer = LimeExplainer(cancer_lr, n_jobs=2, **params).fit(X)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        got = explainer.transform(X[:24])
    np.testing.assert_array_equal(got, expected)
