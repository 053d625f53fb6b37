"""Small helpers shared by the JAX kernels: precision scope, shape buckets.

Every public entry point that runs a JAX kernel takes numpy arrays, runs the
kernel inside :func:`x64_scope` (so float64 stays float64 without flipping
JAX's global configuration) and returns numpy arrays.  Kernels are jitted at
module level; inputs are padded to a small set of :func:`bucket` sizes so that
new sizes seldom trigger a new compilation.
"""

from contextlib import contextmanager

import jax
import numpy as np

__all__ = ["FLOAT_DTYPES", "bucket", "pad_rows", "x64_scope"]

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


def bucket(n, minimum=16, steps_per_octave=8):
    """Round ``n`` up to one of a few sizes per power of two.

    Padding a dimension to ``bucket(n)`` wastes at most ``1 / steps_per_octave``
    of the work and means a jitted kernel compiles for at most
    ``steps_per_octave`` sizes per power of two.

    Examples
    --------
    >>> [bucket(n) for n in (1, 16, 17, 100, 1000, 5000)]
    [16, 16, 20, 112, 1024, 5120]
    """
    n = int(n)
    if n <= minimum:
        return minimum
    octave = int(np.ceil(np.log2(n)))
    step = max(1 << max(octave - int(np.log2(steps_per_octave)), 0), 1)
    return -(-n // step) * step


def pad_rows(a, n_rows, value=0):
    """Pad the first axis of numpy array ``a`` to ``n_rows`` with ``value``."""
    extra = n_rows - a.shape[0]
    if extra <= 0:
        return a
    pad = [(0, extra)] + [(0, 0)] * (a.ndim - 1)
    return np.pad(a, pad, constant_values=value)
