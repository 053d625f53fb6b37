"""Shape buckets: the few sizes the jitted kernels compile for.

Kernels are jitted at module level; inputs are padded to a small set of
:func:`bucket` sizes so that new sizes seldom trigger a new compilation.
"""

import numpy as np

__all__ = ["bucket", "chunk_budget", "chunk_rows", "pad_rows", "padded_width"]


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


def pad_rows(a, n_rows, value=0, repeat=False):
    """Pad the first axis of numpy array ``a`` to ``n_rows`` rows.

    The new rows hold ``value``, or copies of the first row with ``repeat``.

    Examples
    --------
    >>> pad_rows(np.array([[1, 2]]), 3, repeat=True).tolist()
    [[1, 2], [1, 2], [1, 2]]
    """
    extra = n_rows - a.shape[0]
    if extra <= 0:
        return a
    if repeat:
        return np.concatenate([a, np.broadcast_to(a[:1], (extra,) + a.shape[1:])])
    pad = [(0, extra)] + [(0, 0)] * (a.ndim - 1)
    return np.pad(a, pad, constant_values=value)


def padded_width(p):
    """Width of the masks the kernels see for an item with ``p`` features."""
    return bucket(p, minimum=8, steps_per_octave=4)


#: Values (rows x samples x features) one chunk holds; bounds memory per chunk.
_CHUNK_ELEMENTS = 2**21
#: The same on accelerators: more memory, and every chunk costs a dispatch.
_CHUNK_ELEMENTS_ACCELERATOR = 2**25
#: Most instances in one chunk.
_MAX_CHUNK_ROWS = 256


def chunk_budget():
    """Values one chunk may hold on the default JAX backend."""
    import jax

    if jax.default_backend() == "cpu":
        return _CHUNK_ELEMENTS
    return _CHUNK_ELEMENTS_ACCELERATOR


def chunk_rows(n_samples, n_features, surrogate_elements=0):
    """Largest power of two of rows that fit the chunk budget.

    A row costs ``n_samples * n_features`` values of samples, and
    ``surrogate_elements`` values in the surrogate fit (see
    :func:`sklime._surrogate._design.surrogate_elements`), which dominate
    for wide data.

    Examples
    --------
    >>> chunk_rows(5000, 30) <= _MAX_CHUNK_ROWS
    True
    """
    per_row = max(n_samples * max(n_features, 1), surrogate_elements, 1)
    fit = max(chunk_budget() // per_row, 1)
    return int(min(1 << int(np.log2(fit)), _MAX_CHUNK_ROWS))
