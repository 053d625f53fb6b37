"""Shape buckets: the few sizes the jitted kernels compile for.

Kernels are jitted at module level; inputs are padded to a small set of
:func:`bucket` sizes so that new sizes seldom trigger a new compilation.
"""

import numpy as np

__all__ = ["bucket", "pad_rows", "padded_width"]


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


def padded_width(p):
    """Width of the masks the kernels see for an item with ``p`` features."""
    return bucket(p, minimum=8, steps_per_octave=4)
