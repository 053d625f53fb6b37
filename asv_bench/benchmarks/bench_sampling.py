"""The batched samplers: b instances x n_samples samples x n_features."""

import jax
import numpy as np

from sklime import sample_binned, sample_categorical, sample_gaussian, sample_masks

from .common import Benchmark

N_INSTANCES, N_SAMPLES, N_FEATURES = 100, 5000, 30
N_BINS = 4


def _sampler(name, dtype):
    """A zero-argument call drawing one batch, and its inputs built once."""
    rng = np.random.default_rng(0)
    b, n, p = N_INSTANCES, N_SAMPLES, N_FEATURES
    keys = jax.random.split(jax.random.key(0), b)
    X = rng.normal(size=(b, p)).astype(dtype)
    if name == "gaussian":
        scale = rng.uniform(0.5, 2.0, size=p).astype(dtype)
        center = np.zeros(p, dtype)
        return lambda: sample_gaussian(keys, X, n, center=center, scale=scale)
    if name == "masks":
        return lambda: sample_masks(keys, n, p, p=0.5, dtype=dtype)
    frequencies = rng.uniform(1.0, 10.0, size=(p, N_BINS))
    codes = rng.integers(0, N_BINS, size=(b, p))
    if name == "categorical":
        return lambda: sample_categorical(keys, codes, frequencies, n)
    if name == "binned":
        edges = np.sort(rng.normal(size=(p, N_BINS - 1)), axis=1)
        lower = np.concatenate([np.full((p, 1), -np.inf), edges], axis=1)
        upper = np.concatenate([edges, np.full((p, 1), np.inf)], axis=1)
        mean = np.clip(np.zeros((p, N_BINS)), lower, upper)
        std = np.ones((p, N_BINS))
        return lambda: sample_binned(
            keys, X, codes, frequencies, mean, std, lower, upper, n
        )
    raise ValueError(name)


class Samplers(Benchmark):
    """100 instances x 5000 samples x 30 features per call."""

    param_names = ["sampler", "dtype"]
    params = (["gaussian", "masks", "categorical", "binned"], ["float32", "float64"])

    def setup(self, sampler, dtype):
        if sampler == "categorical" and dtype == "float64":
            # Category codes have no float dtype: one grid point is enough.
            raise NotImplementedError
        self.sample = _sampler(sampler, dtype)
        self.sample()  # compile for these shapes outside the measurement

    def time_sample(self, sampler, dtype):
        self.sample()

    def peakmem_sample(self, sampler, dtype):
        self.sample()
