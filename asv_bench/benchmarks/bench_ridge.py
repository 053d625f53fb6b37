"""sklime.weighted_ridge against a loop of sklearn Ridge fits, one per row."""

import numpy as np
from sklearn.linear_model import Ridge

from sklime import weighted_ridge

from .common import Benchmark, side_by_side


def _problem(b, n, p, dtype, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.integers(0, 2, size=(b, n, p)).astype(dtype)
    coef = rng.normal(size=(b, p))
    y = (np.einsum("bnp,bp->bn", Z, coef) + rng.normal(size=(b, n))).astype(dtype)
    w = rng.uniform(0.01, 1.0, size=(b, n)).astype(dtype)
    return Z, y, w


def _sklearn_loop(Z, y, w, alpha=1.0):
    coef = np.empty(Z.shape[::2])
    for i in range(Z.shape[0]):
        coef[i] = Ridge(alpha=alpha).fit(Z[i], y[i], sample_weight=w[i]).coef_
    return coef


class WeightedRidge(Benchmark):
    """b instances x n weighted samples x p features, one target each."""

    param_names = ["b", "n", "p", "dtype"]
    params = ([100], [5000], [30], ["float32", "float64"])

    def setup(self, b, n, p, dtype):
        self.Z, self.y, self.w = _problem(b, n, p, dtype)
        weighted_ridge(self.Z, self.y, self.w, alpha=1.0)  # compile

    def time_sklime(self, b, n, p, dtype):
        weighted_ridge(self.Z, self.y, self.w, alpha=1.0)

    def time_sklearn_loop(self, b, n, p, dtype):
        _sklearn_loop(self.Z, self.y, self.w)

    def peakmem_sklime(self, b, n, p, dtype):
        weighted_ridge(self.Z, self.y, self.w, alpha=1.0)

    def track_speedup(self, b, n, p, dtype):
        """sklearn loop time / sklime time, best of side-by-side rounds."""
        t_sklearn, t_sklime = side_by_side(
            lambda: _sklearn_loop(self.Z, self.y, self.w),
            lambda: weighted_ridge(self.Z, self.y, self.w, alpha=1.0),
        )
        return t_sklearn / t_sklime

    track_speedup.unit = "x"


class CholeskySolve(Benchmark):
    """One float64 SPD system of ``p``: sklime's blocked solve against scipy's
    LAPACK (``asv_bench/compare_linalg.py`` adds the column loop and jax's
    LAPACK path)."""

    param_names = ["p"]
    params = [30, 300, 3000]

    def setup(self, p):
        import jax

        from sklime._engine._precision import x64_scope
        from sklime._surrogate._linalg import cholesky_solve

        rng = np.random.default_rng(0)
        M = rng.normal(size=(1000, p))
        self.A, self.b = M.T @ M + np.eye(p), rng.normal(size=p)
        solve = jax.jit(cholesky_solve)

        def blocked():
            with x64_scope():
                return np.asarray(solve(self.A, self.b))

        self.blocked = blocked
        self.blocked()

    def time_blocked(self, p):
        self.blocked()

    def time_scipy(self, p):
        import scipy.linalg

        scipy.linalg.cho_solve(scipy.linalg.cho_factor(self.A), self.b)
