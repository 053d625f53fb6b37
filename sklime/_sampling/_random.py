"""Per-row pseudo-random keys.

sklime derives the random stream of every explained row from two things only:
a base seed (from ``random_state``) and the content of the row itself. The
samples drawn for a row therefore never depend on which other rows share its
batch, on their order, or on how the work is chunked or parallelised.
"""

from functools import lru_cache, partial
from numbers import Integral

import jax
import numpy as np
from sklearn.utils import check_random_state

__all__ = [
    "as_uniform",
    "base_seed",
    "row_bits",
    "row_hashes",
    "row_keys",
    "row_uniforms",
]

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def base_seed(random_state):
    """Turn a scikit-learn ``random_state`` into a 31-bit integer seed.

    An integer always gives the same seed; a ``RandomState`` instance is
    advanced (so successive calls differ, as everywhere in scikit-learn);
    ``None`` draws from numpy's global generator.

    Examples
    --------
    >>> base_seed(0) == base_seed(0)
    True
    """
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return _int_seed(int(random_state))
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


@lru_cache(maxsize=256)
def _int_seed(seed):
    """:func:`base_seed` of an integer (a new ``RandomState`` costs ~0.1 ms)."""
    return int(check_random_state(seed).randint(0, 2**31 - 1))


def _mix64(h):
    """A bijective 64-bit finalizer (xor-shift / multiply rounds)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        h = h ^ (h >> np.uint64(31))
    return h


def _mix64_jax(h):
    """:func:`_mix64` on JAX ``uint64`` arrays (which wrap as numpy's do)."""
    h = h ^ (h >> 30)
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> 27)
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> 31)


@jax.jit
def _hash_chain(words, h):
    """The feature loop of :func:`row_hashes` in one compiled loop (uint64)."""

    def step(j, h):
        return _mix64_jax(h ^ words[:, j]) + (j + 1).astype(h.dtype)

    return _mix64_jax(jax.lax.fori_loop(0, words.shape[1], step, h))


#: Rows wider than this are hashed by the compiled loop: numpy's loop over
#: features costs ~6 us a feature (6 ms a row at 1000 features).
_COMPILED_HASH_WIDTH = 64


def row_hashes(X):
    """Hash every row of a 2-D numeric array to 64 bits.

    The hash depends on the row's values (as float64, with ``-0.0`` equal to
    ``0.0``) and its length, never on other rows.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)

    Returns
    -------
    hashes : ndarray of shape (n_rows,), dtype uint64

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    >>> h = row_hashes(X)
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got an array of shape {X.shape}.")
    words = np.ascontiguousarray(X + 0.0).view(np.uint64)  # + 0.0 maps -0.0 to 0.0
    h = np.full(X.shape[0], np.uint64(X.shape[1]) ^ np.uint64(0x9E3779B97F4A7C15))
    if X.shape[1] > _COMPILED_HASH_WIDTH:
        rows = 1 << max(int(X.shape[0] - 1).bit_length(), 0)  # few compiled shapes
        words = np.concatenate([words, np.zeros_like(words[: rows - X.shape[0]])])
        with jax.enable_x64(True):
            out = _hash_chain(words, np.resize(h, rows))
            return np.asarray(out)[: X.shape[0]]
    if X.shape[0] <= _PYTHON_HASH_ROWS:
        return np.array([_hash_words(w, int(h[0])) for w in words.tolist()], np.uint64)
    for j in range(X.shape[1]):
        with np.errstate(over="ignore"):
            h = _mix64(h ^ words[:, j]) + np.uint64(j + 1)
    return _mix64(h)


#: Up to this many rows, rows are hashed with Python integers: numpy's
#: per-feature loop costs ~9 us a feature whatever the number of rows (0.28
#: ms for one row of 30 features, against 0.03 ms here).
_PYTHON_HASH_ROWS = 4
_MASK64_INT = (1 << 64) - 1


def _mix64_int(h):
    """:func:`_mix64` on a Python integer (64-bit wrap-around)."""
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & _MASK64_INT
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & _MASK64_INT
    return h ^ (h >> 31)


def _hash_words(words, h):
    """:func:`row_hashes` of one row's 64-bit words (a list of ints)."""
    for j, word in enumerate(words):
        h = (_mix64_int(h ^ word) + j + 1) & _MASK64_INT
    return _mix64_int(h)


@jax.jit
def _fold_keys(seed, hi, lo):
    base = jax.random.key(seed)
    fold = jax.vmap(lambda a, b: jax.random.fold_in(jax.random.fold_in(base, a), b))
    return fold(hi, lo)


def row_keys(seed, X):
    """One JAX PRNG key per row of ``X``, from ``seed`` and the row's content.

    Parameters
    ----------
    seed : int
        Base seed, e.g. from :func:`base_seed`.
    X : ndarray of shape (n_rows, n_features)
        The rows (numeric, finite).

    Returns
    -------
    keys : jax key array of shape (n_rows,)
        ``keys[i]`` depends only on ``seed`` and ``X[i]``.

    Examples
    --------
    >>> import jax, numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> a, b = row_keys(0, X), row_keys(0, X[::-1])
    >>> bool((jax.random.key_data(a[0]) == jax.random.key_data(b[1])).all())
    True
    """
    h = row_hashes(X)
    hi = (h >> np.uint64(32)).astype(np.uint32)
    lo = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return _fold_keys(np.uint32(seed), hi, lo)


def _use_host_generator():
    """Draw uniforms with numpy on the CPU backend, with JAX elsewhere.

    On the CPU, numpy's PCG64 produces uniform numbers several times faster
    than JAX's threefry; on accelerators JAX's generator is far faster and
    the numbers never leave the device.
    """
    return jax.default_backend() == "cpu"


def row_uniforms(seed, X, shape, dtype=np.float32):
    """Uniform numbers in [0, 1) for every row of ``X``, from its own stream.

    Row ``i`` gets ``prod(shape)`` numbers that depend only on ``seed`` and
    ``X[i]`` (see :func:`row_hashes`). On the CPU backend each row seeds a
    numpy ``PCG64`` generator from ``(seed, hash)``; on an accelerator each
    row's JAX key (:func:`row_keys`) draws on the device. The two backends
    therefore give different (equally valid) streams.

    Parameters
    ----------
    seed : int
    X : ndarray of shape (n_rows, n_features)
    shape : tuple of int
        Shape of each row's block of numbers.
    dtype : {np.float32, np.float64}, default=np.float32

    Returns
    -------
    u : array of shape ``(n_rows, *shape)``
        A numpy array on the CPU backend, a JAX array otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> a = np.asarray(row_uniforms(0, X, (5,)))
    >>> b = np.asarray(row_uniforms(0, X[1:], (5,)))
    >>> bool((a[1] == b[0]).all()), a.shape
    (True, (2, 5))
    """
    if not _use_host_generator():
        return _draw(row_keys(seed, X), tuple(shape), np.dtype(dtype))
    out = np.empty((X.shape[0], *shape), dtype=dtype)
    for i, value in enumerate(row_hashes(X).tolist()):
        _row_generator(seed, value).random(out=out[i], dtype=dtype)
    return out


def _row_generator(seed, row_hash):
    entropy = [int(seed), row_hash >> 32, row_hash & 0xFFFFFFFF]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def row_bits(seed, X, shape):
    """The float32 stream of :func:`row_uniforms` as raw 32-bit words (host).

    NumPy makes a float32 uniform from each 32-bit output ``x`` of PCG64 as
    ``(x >> 8) * 2**-24``, and PCG64 gives its 64-bit outputs as two 32-bit
    halves, low half first. Drawing the raw 64-bit outputs is about twice as
    fast, releases the GIL for the whole block, and leaves the conversion to
    the sampling kernel (:func:`as_uniform`), where it costs nothing:
    ``as_uniform(row_bits(s, X, shape))`` equals
    ``row_uniforms(s, X, shape)`` on the CPU backend, bit for bit.

    Parameters
    ----------
    seed : int
    X : ndarray of shape (n_rows, n_features)
    shape : tuple of int

    Returns
    -------
    bits : ndarray of shape ``(n_rows, *shape)``, dtype uint32

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> u = np.asarray(as_uniform(row_bits(0, X, (3,))))
    >>> bool((u == row_uniforms(0, X, (3,))).all())
    True
    """
    size = int(np.prod(shape))
    raw = np.empty((X.shape[0], (size + 1) // 2), dtype=np.uint64)
    for i, value in enumerate(row_hashes(X).tolist()):
        raw[i] = _row_generator(seed, value).bit_generator.random_raw(raw.shape[1])
    words = raw.astype("<u8", copy=False).view("<u4")[:, :size]
    return words.astype(np.uint32, copy=False).reshape(X.shape[0], *shape)


def as_uniform(u):
    """Uniform float32 numbers from :func:`row_bits` words; floats pass through.

    Works on NumPy and JAX arrays, inside ``jit`` too.
    """
    if u.dtype == np.uint32:
        return (u >> 8).astype(np.float32) * np.float32(2.0**-24)
    return u.astype(np.float32)


@partial(jax.jit, static_argnames=("shape", "dtype"))
def _draw(keys, shape, dtype):
    """``prod(shape)`` uniforms per key, on the device (one compiled kernel)."""
    return jax.vmap(lambda k: jax.random.uniform(k, shape, dtype))(keys)
