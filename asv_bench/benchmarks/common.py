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


def interleaved_times(funcs, rounds=3, budget=60.0, pause=0.2, min_time=0.0):
    """Wall time and result of every call, calls interleaved by round.

    For calls that take seconds (whole explanations): round after round, each
    function is called once, in turn, after a short pause (see
    :func:`side_by_side`). At least ``rounds`` rounds run, and more until
    ``min_time`` seconds have passed (so that short calls are sampled over a
    stretch of time, not only during one burst of load from other jobs); no
    new round starts after ``budget`` seconds, but at least one runs. The
    callers warm everything up beforehand.

    Parameters
    ----------
    funcs : dict of str to callable

    Returns
    -------
    times : dict of str to list of (float, object)
        Per function, ``(seconds, return value)`` of each call.
    """
    times = {name: [] for name in funcs}
    start = time.perf_counter()
    while True:
        for name, func in funcs.items():
            time.sleep(pause)
            t0 = time.perf_counter()
            value = func()
            times[name].append((time.perf_counter() - t0, value))
        elapsed = time.perf_counter() - start
        done = len(times[name])
        if elapsed > budget or (done >= rounds and elapsed >= min_time):
            return times


def interleaved_best(funcs, **kwargs):
    """Best seconds per call of each function, from :func:`interleaved_times`."""
    times = interleaved_times(funcs, **kwargs)
    return {name: min(t for t, _ in calls) for name, calls in times.items()}


class TimedModel:
    """A ``predict_fn`` that adds up the time spent inside the model."""

    def __init__(self, predict_fn):
        self.predict_fn = predict_fn
        self.seconds = 0.0

    def __call__(self, X):
        start = time.perf_counter()
        out = self.predict_fn(X)
        self.seconds += time.perf_counter() - start
        return out

    def timed(self, func):
        """Run ``func()`` and return the model time inside it."""
        self.seconds = 0.0
        func()
        return self.seconds


# ---------------------------------------------------------------------------
# sklime's LimeExplainer against the lime package (bench_explainer,
# bench_stability and compare_lime.py share these, so that both libraries get
# the same data, model, number of samples and settings everywhere).
# ---------------------------------------------------------------------------

#: Samples per explained row: the default of both libraries.
N_SAMPLES = 5000
#: lime explains rows one at a time, and each row costs it the same: the
#: side-by-side ratios time lime on at most this many rows and scale its time
#: to the number of rows (``time_lime`` always runs every row).
LIME_MAX_ROWS = 200


def breast_cancer():
    """The breast_cancer data set (569 rows, 30 features) and its labels."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def breast_cancer_rows(n_rows, seed=0):
    """``n_rows`` rows to explain: breast_cancer's own rows first, then, beyond
    its 569 rows, rows drawn from it at random with Gaussian noise of 5% of
    each feature's standard deviation (so that every row is different)."""
    X, _ = breast_cancer()
    if n_rows <= X.shape[0]:
        return X[:n_rows].copy()
    rng = np.random.default_rng(seed)
    extra = X[rng.integers(0, X.shape[0], n_rows - X.shape[0])]
    extra = extra + rng.normal(scale=0.05, size=extra.shape) * X.std(axis=0)
    return np.concatenate([X, extra])


def make_model(name):
    """A classifier fitted on breast_cancer: ``"logistic"`` or ``"forest"``."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = breast_cancer()
    if name == "logistic":
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    elif name == "forest":
        model = RandomForestClassifier(n_estimators=100, random_state=0)
    else:
        raise ValueError(name)
    return model.fit(X, y)


def make_sklime(predict_fn, X_train, **params):
    """sklime's explainer with its defaults (those of lime), fitted."""
    from sklime import LimeExplainer

    params = {"random_state": 0, **params}
    return LimeExplainer(predict_fn, **params).fit(X_train)


def make_lime(X_train, **params):
    """lime's ``LimeTabularExplainer`` with its defaults: quartile
    discretizer, kernel width ``0.75 * sqrt(n_features)``, ``"auto"``
    feature selection."""
    from lime.lime_tabular import LimeTabularExplainer

    params = {"random_state": 0, **params}
    return LimeTabularExplainer(X_train, **params)


def lime_explain(explainer, rows, predict_fn, n_samples=N_SAMPLES, **params):
    """Explain ``rows`` with lime, one at a time (lime has no batch API),
    with ``num_features=10`` (its default and sklime's)."""
    return [
        explainer.explain_instance(row, predict_fn, num_samples=n_samples, **params)
        for row in rows
    ]


def recorded_inputs(run, predict_fn, n_samples=N_SAMPLES):
    """The blocks of rows that ``run(recorder)`` hands the model.

    ``run`` is called once with a recording stand-in for ``predict_fn``;
    every block of ``n_samples`` rows it receives is kept (a copy in the same
    memory layout), so that the model can later be timed alone on exactly the
    rows, and in exactly the slices, that an explainer gives it.
    """
    blocks = []

    def recorder(A):
        if np.shape(A)[0] == n_samples:
            blocks.append(np.array(A, order="K"))
        return predict_fn(A)

    run(recorder)
    return blocks


def model_alone(predict_fn, blocks, n_rows):
    """Call the model as an explainer of ``n_rows`` rows does: once per row on
    its ``N_SAMPLES`` samples (recorded blocks, reused in turn)."""
    for i in range(n_rows):
        predict_fn(blocks[i % len(blocks)])
