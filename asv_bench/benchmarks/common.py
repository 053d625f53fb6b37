"""Shared helpers: a base class, data, and side-by-side timing for ``track_``.

Every benchmark's ``setup`` calls the code it times once, so JAX's compilation
(and first-touch allocations) never land in a measurement. The public sklime
functions return numpy arrays, so a timed call has finished its work when it
returns; there is nothing left to block on.
"""

import time

import numpy as np


class Benchmark:
    """Base class: settings shared by all sklime benchmarks."""

    # Large grid points (5000 x 784 in float64) take a while on small machines.
    timeout = 300
    # asv's defaults for the statistics of time_ benchmarks are fine; a single
    # process keeps the JAX start-up cost (and its compile in setup) to one.
    processes = 1


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
