"""Explaining batches of different sizes reuses the compiled kernels."""

import jax
import numpy as np
import pytest

from sklime import LimeExplainer

_COMPILE = "/jax/core/compile/backend_compile_duration"


@pytest.fixture
def compilations():
    """A list that grows by one entry per XLA compilation."""
    seen = []

    def listener(event, duration, **kwargs):
        if event == _COMPILE:
            seen.append(duration)

    jax.monitoring.register_event_duration_secs_listener(listener)
    yield seen
    jax.monitoring.unregister_event_duration_listener(listener)


@pytest.mark.parametrize("discretizer", ["quartile", None])
def test_new_row_counts_do_not_recompile(cancer, cancer_lr, compilations, discretizer):
    X, _, _ = cancer
    explainer = LimeExplainer(
        cancer_lr, n_samples=200, discretizer=discretizer, random_state=0
    ).fit(X)
    explainer.explain(X[:2])  # compiles the chunk's kernels once
    compilations.clear()
    for rows in (1, 3, 7, 20, 61):
        exp = explainer.explain(X[:rows])
        assert exp.coef.shape[0] == rows
    assert compilations == []
    # The counter works: a new number of samples is a new shape.
    explainer.set_params(n_samples=210).explain(X[:2])
    assert len(compilations) > 0


def test_device_generator_does_not_recompile(
    cancer, cancer_lr, compilations, monkeypatch
):
    """On accelerators the uniforms are drawn by JAX, on the padded chunk."""
    import sklime._sampling._random

    monkeypatch.setattr(sklime._sampling._random, "_use_host_generator", lambda: False)
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=200, random_state=0).fit(X)
    first = explainer.transform(X[:7])
    compilations.clear()
    for rows in (1, 3, 20):
        explainer.explain(X[:rows])
    assert compilations == []
    np.testing.assert_array_equal(explainer.transform(X[:3]), first[:3])
