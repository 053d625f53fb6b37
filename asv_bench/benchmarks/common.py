"""Shared helpers: a base class, data, and side-by-side timing for ``track_``.

Every benchmark's ``setup`` calls the code it times once, so JAX's compilation
(and first-touch allocations) never land in a measurement. The public sklime
functions return numpy arrays, so a timed call has finished its work when it
returns; there is nothing left to block on.

Importing this module turns on JAX's persistent compilation cache (in the
temporary directory, or ``$SKLIME_BENCH_JAX_CACHE``) for the benchmark
processes.
"""

import os
import tempfile
import time

import jax
import numpy as np

# asv runs every benchmark in a process of its own, and each process would
# compile the same JAX kernels again in its setup: keep compiled kernels in
# JAX's persistent cache (keyed by the kernel and the JAX version) instead.
jax.config.update(
    "jax_compilation_cache_dir",
    os.environ.get(
        "SKLIME_BENCH_JAX_CACHE",
        os.path.join(tempfile.gettempdir(), "sklime-asv-jax-cache"),
    ),
)
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)


class Benchmark:
    """Base class: settings shared by all sklime benchmarks."""

    # Large grid points (5000 x 784 in float64) take a while on small machines.
    timeout = 300
    # One process per benchmark: JAX's start-up and compilations happen once.
    processes = 1
    # Every setup makes a warm-up call already, and asv re-runs setup before
    # each timed sample: asv's own warm-up calls would only add time.
    warmup_time = 0


def random_matrix(n_rows, n_features, dtype, seed=0):
    """Uniform random data of the given shape and dtype."""
    rng = np.random.default_rng(seed)
    return rng.random((n_rows, n_features)).astype(dtype)


def side_by_side(reference, candidate, rounds=3, min_block_time=0.05, pause=0.05):
    """Best time per call of ``reference`` and of ``candidate``, in seconds.

    The two are timed in the same process, on the same data, in alternating
    blocks, so that a slow phase of a noisy machine hits both; each block
    repeats its call until ``min_block_time`` has passed. A short pause before
    each block lets the other library's worker threads go idle (OpenBLAS and
    XLA both spin-wait after a call). Both callables are called once first, so
    JIT compilation is not timed.

    Returns
    -------
    reference_time, candidate_time : float
    """
    best = [np.inf, np.inf]
    funcs = (reference, candidate)
    for func in funcs:
        func()
    for _ in range(rounds):
        for k, func in enumerate(funcs):
            time.sleep(pause)
            block_start = time.perf_counter()
            while True:
                start = time.perf_counter()
                func()
                end = time.perf_counter()
                best[k] = min(best[k], end - start)
                if end - block_start >= min_block_time:
                    break
    return best[0], best[1]
