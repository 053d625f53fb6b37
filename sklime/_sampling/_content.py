"""Random streams of whole items (an image, a text), from their content.

An item's stream depends on the base seed and a 64-bit digest of the item's
bytes only, so its explanation does not depend on its batch.
"""

import hashlib

import numpy as np

from ._random import row_uniforms

__all__ = ["content_digest", "content_uniforms"]


def content_digest(*parts):
    """64-bit digest (int) of byte strings, e.g. an image's shape and pixels.

    Parameters
    ----------
    *parts : bytes-like
        Hashed in order, each prefixed by its length.

    Returns
    -------
    int
        In ``[0, 2**64)``.

    Examples
    --------
    >>> content_digest(b"abc") == content_digest(b"abc") != content_digest(b"abd")
    True
    """
    h = hashlib.blake2b(digest_size=8, person=b"sklime")
    for part in parts:
        view = memoryview(part).cast("B")
        h.update(len(view).to_bytes(8, "little"))
        h.update(view)
    return int.from_bytes(h.digest(), "little")


def content_uniforms(seed, digest, shape, dtype=np.float32):
    """Uniform numbers in [0, 1) from the stream of one item.

    The item's stream is :func:`sklime._sampling._random.row_uniforms`'s stream of a
    row holding the two 32-bit halves of ``digest`` (exact in float64), so it
    depends on ``seed`` and the digest only.

    Parameters
    ----------
    seed : int
    digest : int
        From :func:`content_digest`.
    shape : tuple of int
    dtype : {np.float32, np.float64}, default=np.float32

    Returns
    -------
    u : array of shape ``shape`` (numpy on the CPU backend, JAX elsewhere)
    """
    row = np.array([[digest >> 32, digest & 0xFFFFFFFF]], dtype=np.float64)
    return row_uniforms(seed, row, tuple(shape), dtype)[0]
