"""Tests of sklime._sampling._random: base seeds, row hashes and per-row keys."""

import jax
import numpy as np
import pytest

from sklime import base_seed, row_hashes, row_keys


def _key_data(keys):
    return np.asarray(jax.random.key_data(keys))


# ----------------------------------------------------------------------------
# row_hashes
# ----------------------------------------------------------------------------


def test_row_hashes_shape_and_dtype():
    h = row_hashes(np.zeros((5, 3)))
    assert h.shape == (5,)
    assert h.dtype == np.uint64
    assert row_hashes(np.zeros((0, 3))).shape == (0,)


def test_equal_rows_hash_equal():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 6))
    X = np.vstack([X, X[::-1]])
    h = row_hashes(X)
    np.testing.assert_array_equal(h[:4], h[4:][::-1])


def test_hash_depends_only_on_the_row():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3))
    h = row_hashes(X)
    for i in range(7):
        assert row_hashes(X[i : i + 1])[0] == h[i]
    perm = rng.permutation(7)
    np.testing.assert_array_equal(row_hashes(X[perm]), h[perm])
    # non-contiguous views hash like copies
    np.testing.assert_array_equal(row_hashes(X[::2]), h[::2])
    np.testing.assert_array_equal(row_hashes(np.asfortranarray(X)), h)


def test_distinct_rows_hash_distinct():
    rng = np.random.default_rng(2)
    X = np.vstack(
        [
            rng.normal(size=(5000, 4)),
            rng.integers(0, 3, size=(5000, 4)).astype(float),  # many near-duplicates
        ]
    )
    X = np.unique(X, axis=0)
    assert np.unique(row_hashes(X)).size == X.shape[0]


def test_rows_one_ulp_apart_hash_distinct():
    rng = np.random.default_rng(3)
    x = rng.normal(size=5)
    rows = [x]
    for j in range(5):
        for direction in (np.inf, -np.inf):
            y = x.copy()
            y[j] = np.nextafter(y[j], direction)
            rows.append(y)
    # also around zero and for the smallest subnormal
    rows += [np.zeros(5), np.r_[5e-324, np.zeros(4)], np.r_[np.zeros(4), -5e-324]]
    h = row_hashes(np.array(rows))
    assert np.unique(h).size == len(rows)


def test_permuted_values_hash_distinct():
    X = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 2.0]])
    assert np.unique(row_hashes(X)).size == 4


def test_signed_zero_hashes_equal():
    X = np.array([[0.0, 1.0, -0.0], [-0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    h = row_hashes(X)
    assert h[0] == h[1] == h[2]


def test_hash_depends_on_the_length():
    assert row_hashes(np.zeros((1, 1)))[0] != row_hashes(np.zeros((1, 2)))[0]
    assert row_hashes(np.ones((1, 3)))[0] != row_hashes(np.ones((1, 4)))[0]


def test_hash_depends_on_values_not_dtype():
    X = np.array([[1.5, -2.0, 0.25], [3.0, 4.0, 5.0]])
    h = row_hashes(X)
    np.testing.assert_array_equal(row_hashes(X.astype(np.float32)), h)
    np.testing.assert_array_equal(row_hashes(X[1:].astype(int)), h[1:])
    np.testing.assert_array_equal(row_hashes(X.tolist()), h)


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2), ()])
def test_row_hashes_need_2d(shape):
    with pytest.raises(ValueError, match="2-D"):
        row_hashes(np.zeros(shape))


# ----------------------------------------------------------------------------
# row_keys
# ----------------------------------------------------------------------------


def test_row_keys_are_jax_keys():
    keys = row_keys(0, np.zeros((4, 2)))
    assert keys.shape == (4,)
    assert jax.dtypes.issubdtype(keys.dtype, jax.dtypes.prng_key)
    jax.random.uniform(keys[0])  # usable as a key


def test_row_keys_batch_and_order_invariant():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(6, 3))
    batch = _key_data(row_keys(7, X))
    for i in range(6):
        np.testing.assert_array_equal(_key_data(row_keys(7, X[i : i + 1]))[0], batch[i])
    perm = rng.permutation(6)
    np.testing.assert_array_equal(_key_data(row_keys(7, X[perm])), batch[perm])
    # inside a larger batch, next to other rows
    bigger = np.vstack([rng.normal(size=(5, 3)), X[::-1]])
    np.testing.assert_array_equal(_key_data(row_keys(7, bigger))[5:], batch[::-1])


def test_row_keys_equal_rows_equal_keys_distinct_rows_distinct_keys():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [-0.0, 0.0], [0.0, 0.0]])
    k = _key_data(row_keys(3, X))
    np.testing.assert_array_equal(k[0], k[2])
    np.testing.assert_array_equal(k[3], k[4])
    assert not np.array_equal(k[0], k[1])
    assert not np.array_equal(k[0], k[3])


def test_row_keys_deterministic_and_depend_on_seed():
    X = np.random.default_rng(5).normal(size=(5, 2))
    a = _key_data(row_keys(11, X))
    np.testing.assert_array_equal(a, _key_data(row_keys(11, X)))
    b = _key_data(row_keys(12, X))
    assert not (a == b).all(axis=1).any()  # every row's key changes


def test_row_keys_give_independent_streams():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(4, 3))
    u = np.asarray(jax.vmap(lambda k: jax.random.uniform(k, (2000,)))(row_keys(0, X)))
    c = np.corrcoef(u)
    off_diagonal = c[~np.eye(4, dtype=bool)]
    assert (np.abs(off_diagonal) < 5 / np.sqrt(2000)).all()


def test_row_keys_with_base_seed_range():
    X = np.ones((2, 2))
    for seed in (0, 1, 2**31 - 2):
        assert row_keys(seed, X).shape == (2,)


# ----------------------------------------------------------------------------
# base_seed
# ----------------------------------------------------------------------------


def test_base_seed_int_is_deterministic():
    assert base_seed(0) == base_seed(0)
    assert base_seed(42) == base_seed(42)
    assert base_seed(np.int64(42)) == base_seed(42)
    assert base_seed(0) != base_seed(1)


def test_base_seed_range_and_type():
    for rs in (0, 1, 12345, None, np.random.RandomState(0)):
        s = base_seed(rs)
        assert type(s) is int
        assert 0 <= s < 2**31 - 1


def test_base_seed_advances_random_state():
    rs = np.random.RandomState(3)
    seeds = [base_seed(rs) for _ in range(5)]
    assert len(set(seeds)) == 5
    # ... reproducibly: a fresh RandomState with the same seed replays them
    rs = np.random.RandomState(3)
    assert [base_seed(rs) for _ in range(5)] == seeds
    # and the first one is what the integer seed gives
    assert seeds[0] == base_seed(3)


def test_base_seed_rejects_bad_random_state():
    with pytest.raises(ValueError):
        base_seed("seed")


# ----------------------------------------------------------------------------
# row_bits: the same stream as row_uniforms, as raw words
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1,), (3,), (4,), (3, 5), (30, 4999)])
def test_row_bits_give_row_uniforms_bit_for_bit(shape):
    from sklime._sampling._random import as_uniform, row_bits, row_uniforms

    X = np.random.default_rng(0).normal(size=(3, 4))
    bits = row_bits(7, X, shape)
    assert bits.dtype == np.uint32 and bits.shape == (3, *shape)
    expected = row_uniforms(7, X, shape)  # CPU backend: NumPy's float32 stream
    np.testing.assert_array_equal(np.asarray(as_uniform(bits)), expected)
    # ... and inside a jitted kernel too.
    jitted = jax.jit(as_uniform)(bits)
    np.testing.assert_array_equal(np.asarray(jitted), expected)


def test_row_bits_depend_only_on_the_row():
    from sklime._sampling._random import row_bits

    X = np.random.default_rng(1).normal(size=(5, 2))
    bits = row_bits(0, X, (6,))
    np.testing.assert_array_equal(row_bits(0, X[3:4], (6,))[0], bits[3])
    assert not np.array_equal(row_bits(1, X, (6,)), bits)


def test_as_uniform_range_and_float_passthrough():
    from sklime._sampling._random import as_uniform

    edges = np.array([0, 255, 256, 2**32 - 1], dtype=np.uint32)
    u = np.asarray(as_uniform(edges))
    assert u.dtype == np.float32
    np.testing.assert_array_equal(u, [0.0, 0.0, 2.0**-24, 1 - 2.0**-24])
    floats = np.array([0.25, 0.5], dtype=np.float64)
    np.testing.assert_array_equal(np.asarray(as_uniform(floats)), [0.25, 0.5])


@pytest.mark.parametrize("shape", [(1, 65), (3, 1000), (7, 300), (2, 5000)])
def test_wide_rows_hash_in_the_compiled_loop_as_in_numpy(shape, monkeypatch):
    """Rows wider than _COMPILED_HASH_WIDTH take the jitted chain: same bits."""
    import sklime._sampling._random as module

    X = np.random.default_rng(shape[1]).normal(size=shape)
    X[0, :3] = [-0.0, np.inf, 1e300]
    compiled = row_hashes(X)
    monkeypatch.setattr(module, "_COMPILED_HASH_WIDTH", 10**9)
    np.testing.assert_array_equal(compiled, row_hashes(X))
    np.testing.assert_array_equal(row_hashes(X[1:2]), compiled[1:2])


def test_few_rows_hash_with_python_integers_as_numpy_does(monkeypatch):
    from sklime._sampling import _random

    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 30)) * 1e3
    X[0, :3] = [-0.0, 0.0, np.finfo(float).max]
    fast = _random.row_hashes(X)
    monkeypatch.setattr(_random, "_PYTHON_HASH_ROWS", 0)  # the numpy loop
    np.testing.assert_array_equal(fast, _random.row_hashes(X))
    assert fast.dtype == np.uint64 and len(set(fast.tolist())) == 4


def test_integer_seeds_are_cached_and_unchanged():
    from sklearn.utils import check_random_state

    from sklime._sampling._random import base_seed

    for seed in (0, 7, np.int64(12)):
        assert base_seed(seed) == check_random_state(int(seed)).randint(0, 2**31 - 1)
    state = np.random.RandomState(0)
    assert base_seed(state) != base_seed(state)  # an instance still advances
