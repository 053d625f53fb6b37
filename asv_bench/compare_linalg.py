"""The options for the surrogate's SPD solves, timed side by side (issue 15).

Run from the repository root (figures in doc/architecture.rst)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 JAX_PLATFORMS=cpu \\
        python asv_bench/compare_linalg.py

For one float64 system ``(G + I) x = b`` with ``G`` the Gram of 1000 random
samples, at p = 30, 300, 1000 and 3000, best of five calls after a warm-up:

- ``column loop``: the unblocked Cholesky in a ``lax.fori_loop`` and
  substitution loops (sklime's factorisation before issue 15);
- ``blocked``: ``sklime._surrogate._linalg.cholesky_solve`` (recursive blocks, loops at
  the leaves only);
- ``jax LAPACK``: ``jax.scipy.linalg.cho_factor`` / ``cho_solve`` (hangs
  when float64 factorisations run in several threads, see
  ``tests/test_linalg.py``);
- ``scipy``: ``scipy.linalg.cho_factor`` / ``cho_solve`` on the host;

and the compile time of the two XLA loops.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg

jax.config.update("jax_enable_x64", True)

from sklime._surrogate import _linalg  # noqa: E402


def _column_loop(A, b):
    L = _linalg._cholesky_loop(A, _linalg._pivot_floor(A))
    y = _linalg._lower_loop(L, b[..., None], False)
    return _linalg._lower_loop(L, y, True)[..., 0]


def best(func, *args, repeat=5):
    start = time.perf_counter()
    jax.block_until_ready(func(*args))
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(func(*args))
        times.append(time.perf_counter() - start)
    return min(times), first


def main():
    rng = np.random.default_rng(0)
    print(
        "   * - p\n     - column loop\n     - blocked\n     - jax LAPACK\n     - scipy"
    )
    for p in (30, 300, 1000, 3000):
        M = rng.normal(size=(1000, p))
        A = M.T @ M + np.eye(p)
        b = rng.normal(size=p)
        Aj, bj = jnp.asarray(A), jnp.asarray(b)
        loop = best(jax.jit(_column_loop), Aj, bj, repeat=1 if p > 1000 else 5)
        blocked = best(jax.jit(_linalg.cholesky_solve), Aj, bj)
        lapack = best(
            jax.jit(
                lambda A, b: jax.scipy.linalg.cho_solve(
                    jax.scipy.linalg.cho_factor(A), b
                )
            ),
            Aj,
            bj,
        )
        host = best(
            lambda A, b: scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), b), A, b
        )
        cells = [
            f"{loop[0] * 1e3:.2f} ms (compile {loop[1] - loop[0]:.1f} s)",
            f"{blocked[0] * 1e3:.2f} ms (compile {blocked[1] - blocked[0]:.1f} s)",
            f"{lapack[0] * 1e3:.2f} ms",
            f"{host[0] * 1e3:.2f} ms",
        ]
        print(f"   * - {p}\n" + "\n".join(f"     - {c}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
