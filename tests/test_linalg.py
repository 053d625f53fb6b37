"""The blocked Cholesky factorisation: exact, and safe under threads.

``jnp.linalg.cholesky`` (LAPACK ``potrf`` through a custom call) hangs when
float64 factorisations run from several Python threads at once on the CPU
(jax 0.10.2); ``sklime._surrogate._linalg`` must not. Both are checked in fresh
processes with a timeout, since a hang cannot be recovered in this one.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sklime._engine._precision import x64_scope
from sklime._surrogate import _linalg


@pytest.mark.parametrize("p", [1, 5, 31, 32, 33, 64, 65, 100, 257])
def test_cholesky_and_solve_equal_numpy(rng, p):
    M = rng.normal(size=(2, 3, p + 4, p))
    A = np.einsum("...np,...nq->...pq", M, M) + 0.1 * np.eye(p)
    b = rng.normal(size=(2, 3, p))
    with x64_scope():
        L = np.asarray(_linalg.cholesky(A))
        x = np.asarray(_linalg.cholesky_solve(A, b))
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-9, atol=1e-11)
    assert (np.triu(L, 1) == 0).all()
    np.testing.assert_allclose(x, np.linalg.solve(A, b[..., None])[..., 0], rtol=1e-8)


def test_semidefinite_input_gives_a_finite_factor(rng):
    v = rng.normal(size=(100, 1))
    A = v @ v.T  # rank one, 100 x 100: pivots past the first vanish
    with x64_scope():
        L = np.asarray(_linalg.cholesky(A))
    assert np.isfinite(L).all()
    np.testing.assert_allclose(L @ L.T, A, atol=1e-6 * np.abs(A).max())


_THREADS = textwrap.dedent(
    """
    import os, sys, threading, time
    import jax, jax.numpy as jnp, numpy as np
    jax.config.update("jax_enable_x64", True)
    from sklime._surrogate._linalg import cholesky_solve
    A = np.random.default_rng(0).normal(size=(64, 40, 30))
    A = A.transpose(0, 2, 1) @ A + np.eye(30)
    b = np.ones((64, 30))
    if sys.argv[1] == "lapack":
        f = jax.jit(lambda A, b: jax.scipy.linalg.cho_solve(
            jax.scipy.linalg.cho_factor(A, lower=True), b[..., None]))
    else:
        f = jax.jit(cholesky_solve)
    def work():
        for _ in range(200):
            f(A, b).block_until_ready()
    threads = [threading.Thread(target=work, daemon=True) for _ in range(4)]
    [t.start() for t in threads]
    deadline = time.time() + float(sys.argv[2])
    for t in threads:
        t.join(max(deadline - time.time(), 0.01))
    print("hung" if any(t.is_alive() for t in threads) else "done", flush=True)
    os._exit(0)
    """
)


def _run_threads(which, seconds=15):
    env = {"JAX_PLATFORMS": "cpu", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", _THREADS, which, str(seconds)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_ours_does_not_hang_under_threads():
    assert _run_threads("ours") == "done"


def test_lapack_cholesky_still_hangs_under_threads():
    """Why ``_linalg`` exists: drop it once this is skipped on every jax."""
    if _run_threads("lapack", seconds=10) == "done":
        pytest.skip("jax's LAPACK Cholesky no longer hangs under threads here")
