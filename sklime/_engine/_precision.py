"""Precision scope of the JAX kernels.

Every public entry point that runs a JAX kernel takes numpy arrays, runs the
kernel inside :func:`x64_scope` (so float64 stays float64 without flipping
JAX's global configuration) and returns numpy arrays.
"""

from contextlib import contextmanager

import jax
import numpy as np

__all__ = ["FLOAT_DTYPES", "x64_scope"]

#: Floating dtypes the kernels compute in; anything else is cast to float64.
FLOAT_DTYPES = (np.float64, np.float32)


@contextmanager
def x64_scope():
    """Enable 64-bit types in JAX for the duration of a ``with`` block.

    Kernels receive explicitly typed arrays, so float32 inputs stay float32
    inside the scope; float64 inputs are no longer silently truncated.
    """
    with jax.enable_x64(True):
        yield
