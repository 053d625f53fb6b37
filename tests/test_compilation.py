"""Explaining batches of different sizes reuses the compiled kernels; later
processes load them from the persistent cache."""

import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

from sklime import LimeExplainer

# Recorded for every new kernel, compiled or loaded from the persistent cache.
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
    for rows in (1, 8, 64):  # compiles the kernels once per chunk shape
        explainer.explain(X[:rows])
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
    explainer.explain(X[:1]), explainer.explain(X[:64])  # the other chunk shapes
    compilations.clear()
    for rows in (1, 3, 20):
        explainer.explain(X[:rows])
    assert compilations == []
    np.testing.assert_array_equal(explainer.transform(X[:3]), first[:3])
    # The patch reached the engine: the host's streams are other numbers.
    monkeypatch.undo()
    assert not np.array_equal(explainer.transform(X[:3]), first[:3])


_SCRIPT = """
import json, jax
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
import sklime
counts = {"compiled": 0, "loaded": 0}
def on_event(event, **kwargs):
    key = {"/jax/compilation_cache/cache_misses": "compiled",
           "/jax/compilation_cache/cache_hits": "loaded"}.get(event)
    if key:
        counts[key] += 1
jax.monitoring.register_event_listener(on_event)
X, y = load_breast_cancer(return_X_y=True)
model = LogisticRegression(max_iter=200).fit(X / X.std(0), y)
explainer = sklime.LimeExplainer(lambda Z: model.predict_proba(Z / X.std(0)),
                                 n_samples=123, random_state=0).fit(X)
explainer.explain(X[:2])
counts["dir"] = jax.config.jax_compilation_cache_dir
counts["min_time"] = jax.config.jax_persistent_cache_min_compile_time_secs
print(json.dumps(counts))
"""


def _run(env):
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_second_process_loads_the_kernels_instead_of_compiling(tmp_path):
    env = {"SKLIME_CACHE_DIR": str(tmp_path), "JAX_COMPILATION_CACHE_DIR": ""}
    first = _run(env)
    assert first["dir"] == str(tmp_path)
    assert first["compiled"] > 0 and first["loaded"] == 0
    second = _run(env)
    assert second["compiled"] == 0
    assert second["loaded"] == first["compiled"]


def test_the_cache_can_be_turned_off_and_a_users_jax_cache_is_kept(tmp_path):
    off = _run(
        {
            "SKLIME_COMPILATION_CACHE": "0",
            "SKLIME_CACHE_DIR": str(tmp_path),
            "JAX_COMPILATION_CACHE_DIR": "",
        }
    )
    assert not off["dir"] and off["loaded"] == off["compiled"] == 0
    assert not any(tmp_path.iterdir())
    mine = tmp_path / "mine"
    user = _run(
        {"JAX_COMPILATION_CACHE_DIR": str(mine), "SKLIME_CACHE_DIR": str(tmp_path)}
    )
    assert user["dir"] == str(mine)
    assert user["min_time"] == 1.0  # JAX's default, untouched
