"""Sampling laws of the relaxed samplers in sklime._sampling._relaxed.

Monte Carlo checks use fixed seeds and tolerances of 5 standard errors, so
every test is deterministic. Most draws come from numpy uniforms through the
``*_from_uniform`` transforms (no PRNG kernel to compile); the key-based
samplers are checked to be the same transforms of JAX's uniforms.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit, softmax

from sklime import (
    gumbel_softmax,
    gumbel_softmax_from_uniform,
    relaxed_bernoulli,
    relaxed_bernoulli_from_uniform,
)

N = 20000
LOGITS = np.log(np.array([0.2, 0.3, 0.5], dtype=np.float32))

_gumbel = jax.jit(gumbel_softmax_from_uniform, static_argnames=("hard", "axis"))
_bernoulli = jax.jit(relaxed_bernoulli_from_uniform, static_argnames=("hard",))


def _uniform(shape, seed=0):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def _logistic_moments(a, tau):
    """E[y] and E[y^2] of y = sigmoid((a + L) / tau), L standard logistic."""
    pdf = stats.logistic.pdf
    m1 = integrate.quad(lambda t: expit((a + t) / tau) * pdf(t), -60, 60, limit=200)
    m2 = integrate.quad(
        lambda t: expit((a + t) / tau) ** 2 * pdf(t), -60, 60, limit=200
    )
    return m1[0], m2[0]


def _assert_mean(samples, expected, n_se=5):
    se = samples.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])
    np.testing.assert_array_less(
        np.abs(samples.mean(axis=0) - expected), n_se * se + 1e-6
    )


# ----------------------------------------------------------------------------
# Gumbel-softmax
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("tau", [0.1, 0.7, 5.0])
def test_gumbel_softmax_is_a_distribution(tau):
    y = np.asarray(_gumbel(_uniform((N, 3)), LOGITS, tau))
    assert y.shape == (N, 3) and y.dtype == np.float32
    assert (y >= 0).all()
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5)


def test_gumbel_max_draws_follow_the_softmax():
    """Hard samples are exact categorical draws (the Gumbel-max trick)."""
    y = np.asarray(_gumbel(_uniform((N, 3)), LOGITS, 0.7, hard=True))
    assert set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)
    counts = y.sum(axis=0)
    p = stats.chisquare(counts, N * softmax(LOGITS)).pvalue
    assert p > 1e-3


@pytest.mark.parametrize("tau", [0.3, 1.0, 3.0])
def test_gumbel_softmax_two_class_moments(tau):
    """With two classes, y_1 = sigmoid((l_1 - l_0 + L) / tau): exact moments."""
    logits = np.array([0.0, 0.8], dtype=np.float32)
    y = np.asarray(_gumbel(_uniform((N, 2), seed=1), logits, tau))[:, 1]
    m1, m2 = _logistic_moments(0.8, tau)
    _assert_mean(y, m1)
    _assert_mean(y**2, m2)


def test_gumbel_softmax_low_temperature_is_one_hot():
    y = np.asarray(_gumbel(_uniform((N, 3), seed=2), LOGITS, 1e-3))
    assert np.mean(y.max(axis=1) > 0.99) > 0.99
    _assert_mean(y, softmax(LOGITS))


def test_gumbel_softmax_high_temperature_is_uniform():
    y = np.asarray(_gumbel(_uniform((N, 3), seed=3), LOGITS, 1e4))
    np.testing.assert_allclose(y, 1 / 3, atol=2e-3)


def test_gumbel_softmax_temperature_sharpens():
    u = _uniform((N, 3), seed=4)
    peaks = [
        np.asarray(_gumbel(u, LOGITS, tau)).max(axis=1).mean()
        for tau in (0.1, 0.7, 3.0)
    ]
    assert peaks[0] > peaks[1] > peaks[2]


def test_gumbel_softmax_masked_categories_are_never_drawn():
    logits = np.array([0.0, -1e9, 0.5, -1e9], dtype=np.float32)
    u = _uniform((N, 4), seed=5)
    hard = np.asarray(_gumbel(u, logits, 0.5, hard=True))
    soft = np.asarray(_gumbel(u, logits, 0.5))
    assert hard[:, [1, 3]].sum() == 0
    assert soft[:, [1, 3]].max() == 0


def test_gumbel_softmax_axis():
    u = _uniform((3, 5), seed=6)
    logits = np.zeros((3, 5), dtype=np.float32)
    a = np.asarray(_gumbel(u, logits, 0.5, axis=0))
    b = np.asarray(_gumbel(u.T, logits.T, 0.5, axis=-1)).T
    np.testing.assert_allclose(a, b, rtol=1e-6)
    h = np.asarray(_gumbel(u, logits, 0.5, hard=True, axis=0))
    np.testing.assert_array_equal(h.sum(axis=0), 1.0)


def test_gumbel_softmax_straight_through_gradient():
    """hard=True: one-hot forward, the relaxed sample's gradient backward."""
    u = _uniform((4, 3), seed=7)
    w = jnp.arange(12.0).reshape(4, 3)

    def objective(logits, hard):
        return jnp.sum(w * gumbel_softmax_from_uniform(u, logits, 0.5, hard=hard))

    logits = jnp.tile(LOGITS, (4, 1))
    g_soft = jax.grad(objective)(logits, False)
    g_hard = jax.grad(objective)(logits, True)
    np.testing.assert_allclose(g_hard, g_soft, rtol=1e-6)
    assert np.isfinite(g_soft).all() and np.abs(g_soft).sum() > 0


def test_gumbel_softmax_key_version_uses_the_same_transform():
    key = jax.random.key(0)
    u = jax.random.uniform(key, (5, 3))
    np.testing.assert_allclose(
        gumbel_softmax(key, jnp.tile(LOGITS, (5, 1)), 0.7),
        gumbel_softmax_from_uniform(u, jnp.tile(LOGITS, (5, 1)), 0.7),
        rtol=1e-6,
    )
    h = gumbel_softmax(key, jnp.zeros((5, 3)), hard=True)
    np.testing.assert_array_equal(np.asarray(h).sum(axis=1), 1.0)


# ----------------------------------------------------------------------------
# Relaxed Bernoulli
# ----------------------------------------------------------------------------

P = np.array([0.1, 0.5, 0.8], dtype=np.float32)
P_LOGITS = np.log(P / (1 - P))


@pytest.mark.parametrize("tau", [0.1, 0.7, 3.0])
def test_relaxed_bernoulli_threshold_is_an_exact_bernoulli(tau):
    """P(y > 1/2) = p whatever the temperature."""
    y = np.asarray(_bernoulli(_uniform((N, 3), seed=8), P_LOGITS, tau))
    assert ((y >= 0) & (y <= 1)).all()
    for j, p in enumerate(P):
        k = int((y[:, j] > 0.5).sum())
        assert stats.binomtest(k, N, float(p)).pvalue > 1e-3


@pytest.mark.parametrize("tau", [0.3, 0.7, 2.0])
def test_relaxed_bernoulli_moments(tau):
    y = np.asarray(_bernoulli(_uniform((N, 3), seed=9), P_LOGITS, tau))
    for j, a in enumerate(P_LOGITS):
        m1, m2 = _logistic_moments(float(a), tau)
        _assert_mean(y[:, j], m1)
        _assert_mean(y[:, j] ** 2, m2)


def test_relaxed_bernoulli_low_temperature_is_binary():
    y = np.asarray(_bernoulli(_uniform((N, 3), seed=10), P_LOGITS, 1e-3))
    assert np.mean(np.minimum(y, 1 - y) < 0.01) > 0.99
    _assert_mean(y, P)


def test_relaxed_bernoulli_high_temperature_is_one_half():
    y = np.asarray(_bernoulli(_uniform((N, 3), seed=11), P_LOGITS, 1e4))
    np.testing.assert_allclose(y, 0.5, atol=3e-3)


def test_relaxed_bernoulli_lower_temperature_gives_harder_masks():
    """tau takes effect: the same noise gives masks closer to 0/1 at lower tau."""
    u = _uniform((N, 3), seed=12)
    softness = [
        np.minimum(y, 1 - y).mean()
        for y in (np.asarray(_bernoulli(u, P_LOGITS, t)) for t in (0.1, 0.7, 3.0))
    ]
    assert softness[0] < softness[1] < softness[2]
    # The laws differ, not only the draws (a tau that cancels out would give
    # one law for every temperature).
    a = np.asarray(_bernoulli(u, P_LOGITS, 0.1))[:, 1]
    b = np.asarray(_bernoulli(_uniform((N, 3), seed=13), P_LOGITS, 1.0))[:, 1]
    assert stats.ks_2samp(a, b).pvalue < 1e-6


def test_relaxed_bernoulli_hard_and_gradient():
    u = _uniform((6, 3), seed=14)
    hard = np.asarray(_bernoulli(u, P_LOGITS, 0.5, hard=True))
    assert set(np.unique(hard)) <= {0.0, 1.0}
    noise = np.log(u) - np.log1p(-u)
    np.testing.assert_array_equal(hard, (P_LOGITS + noise > 0).astype(np.float32))

    def objective(logits, hard):
        return jnp.sum(relaxed_bernoulli_from_uniform(u, logits, 0.5, hard=hard))

    g_soft = jax.grad(objective)(jnp.asarray(P_LOGITS), False)
    g_hard = jax.grad(objective)(jnp.asarray(P_LOGITS), True)
    np.testing.assert_allclose(g_hard, g_soft, rtol=1e-6)
    assert (np.asarray(g_soft) > 0).all()


def test_relaxed_bernoulli_key_version_uses_the_same_transform():
    key = jax.random.key(1)
    u = jax.random.uniform(key, (5, 3))
    logits = jnp.tile(P_LOGITS, (5, 1))
    np.testing.assert_allclose(
        relaxed_bernoulli(key, logits, 0.7),
        relaxed_bernoulli_from_uniform(u, logits, 0.7),
        rtol=1e-6,
    )


def test_extreme_uniforms_stay_finite():
    u = np.array([[0.0, 1.0, 0.5]], dtype=np.float32)
    assert np.isfinite(np.asarray(_gumbel(u, LOGITS[None], 0.5))).all()
    assert np.isfinite(np.asarray(_bernoulli(u, P_LOGITS[None], 0.5))).all()


def test_integer_logits_are_cast_to_float():
    y = relaxed_bernoulli_from_uniform(np.full(3, 0.3, np.float32), np.array([0, 1, 2]))
    assert jnp.issubdtype(y.dtype, jnp.floating)
