"""Tests of sklime.exponential_kernel."""

import numpy as np
import pytest

from sklime import exponential_kernel
from sklime._engine._precision import x64_scope


def _lime_kernel(d, width):
    """``lime``'s formula, evaluated literally in float64."""
    return np.sqrt(np.exp(-(d**2) / width**2))


@pytest.mark.parametrize("width", [0.1, 0.75 * np.sqrt(30), 100.0])
def test_equals_lime_formula(width):
    d = np.linspace(0, 20 * width, 201)  # exp(-400) is still a normal float64
    with x64_scope():
        w = np.asarray(exponential_kernel(d, width))
    assert w.dtype == np.float64
    np.testing.assert_allclose(w, _lime_kernel(d, width), rtol=1e-13, atol=0)


def test_equals_lime_formula_float32():
    d = np.linspace(0, 9, 91, dtype=np.float32)  # exp(-81) is a normal float32
    w = np.asarray(exponential_kernel(d, 1.0))
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, _lime_kernel(d.astype(np.float64), 1.0), rtol=1e-5)


def test_value_one_at_zero_and_in_unit_interval():
    with x64_scope():
        w = np.asarray(exponential_kernel(np.array([0.0, 1e-8, 1.0, 3.0]), 2.0))
    assert w[0] == 1.0
    assert ((w > 0) & (w <= 1)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_monotone_decreasing(dtype):
    d = np.linspace(0, 50, 5001).astype(dtype)
    with x64_scope():
        w = np.asarray(exponential_kernel(d, dtype(3.0)))
    assert w.dtype == dtype
    assert (np.diff(w) <= 0).all()
    assert (w >= 0).all()  # exp(-139) underflows in float32: to 0, never NaN
    coarse = w[:1501:50]  # d = 0, 0.5, ..., 15: distinct values
    assert (np.diff(coarse) < 0).all()


@pytest.mark.parametrize(
    ("dtype", "tiny"), [(np.float32, np.finfo(np.float32).tiny), (np.float64, 1e-300)]
)
def test_stays_positive_where_the_literal_formula_underflows(dtype, tiny):
    # exp(-x) underflows for x beyond -log(tiny); exp(-x / 2) lasts twice as far.
    x_max = -np.log(tiny)
    d = np.sqrt(np.array([1.2, 1.5, 1.9]) * x_max).astype(dtype)
    literal = np.sqrt(np.exp(-(d**2)))  # numpy, in ``dtype``
    with x64_scope():
        w = np.asarray(exponential_kernel(d, dtype(1.0)))
    assert (literal < tiny).all()  # zero, or at best subnormal
    assert (w >= tiny).all()
    np.testing.assert_allclose(w, np.exp(-(d.astype(np.float64) ** 2) / 2), rtol=1e-5)


def test_width_broadcasts_and_scales():
    d = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]])
    width = np.array([[1.0], [2.0]])
    with x64_scope():
        w = np.asarray(exponential_kernel(d, width))
        w2 = np.asarray(exponential_kernel(2 * d, 2.0))
    np.testing.assert_allclose(w, _lime_kernel(d, width), rtol=1e-14)
    # only d / width matters
    np.testing.assert_allclose(w2[0], w[0], rtol=1e-14)


def test_integer_distances():
    with x64_scope():
        w = np.asarray(exponential_kernel(np.array([0, 1, 2]), 1.0))
    assert np.issubdtype(w.dtype, np.floating)
    np.testing.assert_allclose(w, _lime_kernel(np.array([0.0, 1.0, 2.0]), 1.0))
