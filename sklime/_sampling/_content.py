"""Random streams of whole items (an image, a text), from their content.

An item's stream depends on the base seed and a 64-bit digest of the item's
bytes only, so its explanation does not depend on its batch.
"""

import hashlib

import numpy as np

__all__ = ["content_digest", "digest_row"]


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


def digest_row(digest):
    """The stream row of an item: the two 32-bit halves of its digest.

    :func:`sklime._sampling._random.row_uniforms` of this ``(1, 2)`` float64
    row (exact: each half is below 2**32) is the item's stream.
    """
    return np.array([[digest >> 32, digest & 0xFFFFFFFF]], dtype=np.float64)
