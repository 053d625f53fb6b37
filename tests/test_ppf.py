"""Tests of sklime._sampling._ppf.ndtri32 against SciPy's float64 ndtri."""

import jax
import numpy as np
from scipy.special import ndtri

from sklime._sampling._ppf import ndtri32


def _grid():
    """Every 5th float32 multiple of 2**-24 in [0, 1), and deep-tail values."""
    steps = np.arange(0, 2**24, 5, dtype=np.int64).astype(np.float64) * 2.0**-24
    tails = np.logspace(-37, -7, 400)
    p = np.concatenate([steps, tails, [1 - 2.0**-24]]).astype(np.float32)
    return np.sort(p)


def test_accuracy_against_scipy():
    p = _grid()
    z = np.asarray(jax.jit(ndtri32)(p), dtype=np.float64)
    exact = ndtri(np.clip(p.astype(np.float64), 1e-37, None))
    err = np.abs(z - exact)
    assert err[p >= 2.0**-24].max() < 1.1e-6
    assert err[p >= 1e-8].max() < 2e-5
    assert err.max() < 5e-4
    # Non-decreasing: in-bin draws keep their order.
    assert (np.diff(z) >= 0).all()


def test_symmetry_and_known_values():
    p = np.array([0.5, 0.8413447, 0.975, 0.99865], dtype=np.float32)
    z = np.asarray(ndtri32(p))
    np.testing.assert_allclose(z, [0.0, 1.0, 1.959964, 3.0], atol=2e-5)
    q = np.float32(1) - p[1:]
    np.testing.assert_allclose(np.asarray(ndtri32(q)), -z[1:], atol=2e-5)


def test_out_of_range_is_clipped_and_finite():
    z = np.asarray(ndtri32(np.array([0.0, -1.0, 1.0, 2.0], dtype=np.float32)))
    assert np.isfinite(z).all()
    assert z[0] == z[1] < -12 and z[2] == z[3] > 5
