"""The floor of a LIME explanation's own cost, next to the model's cost.

Whatever the implementation, a tabular LIME explanation at lime's defaults
(quartile bins, 5000 samples, a float64 weighted ridge) must, per row:

1. draw one random number per sampled value (``n_samples * d`` 32-bit words);
2. turn each into a value: pick its bin and invert the bin's truncated
   normal CDF (one ``ndtri`` per value);
3. form the weighted Gram matrix of the ``(n_samples, d + 1)`` design
   (interpretable features and the target), the bulk of a ridge fit.

:func:`floor_parts` times each step alone at its best (warm caches, one
thread, no other work on the machine), with the fastest tool at hand: NumPy's
raw bit generators, ``scipy.special.ndtri`` and sklime's own fused sampling
kernel, and a BLAS ``A.T @ A``. The model is timed alone on sklime's own
samples. The sum of the three steps is a lower bound on any explainer's own
cost per row; divided by the model's time it bounds the overhead ratio from
below (``overhead_floor.py`` prints the table; ``bench_explainer`` tracks
it).
"""

import time

import numpy as np

from .common import N_SAMPLES, breast_cancer, breast_cancer_rows, make_sklime

__all__ = ["floor_parts"]

#: Rows of a chunk in sklime's kernels at 5000 samples and 30 features.
CHUNK = 8


def _best(func, repeat):
    func()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def floor_parts(model, repeat=30):
    """Seconds per explained row of each necessary step, and of the model.

    Parameters
    ----------
    model : fitted classifier on breast_cancer
    repeat : int
        Best of this many calls for each part.

    Returns
    -------
    dict
        ``words``, ``values`` (the cheaper of ``ndtri`` and sklime's fused
        kernel), ``gram`` and their ``floor``; ``model`` (alone, on sklime's
        samples); ``floor_ratio = floor / model``; and the individual
        timings behind ``words`` and ``values``.
    """
    import jax
    from scipy.special import ndtri

    from sklime._engine._precision import x64_scope

    X, _ = breast_cancer()
    d = X.shape[1]
    size = N_SAMPLES * d
    words = {}
    for name in ("PCG64", "SFC64", "Philox"):
        gen = getattr(np.random, name)(0)
        words[name] = _best(lambda gen=gen: gen.random_raw(size // 2), repeat)
    u = np.random.default_rng(0).random(size, dtype=np.float32)
    ndtri_time = _best(lambda: ndtri(u), repeat)

    explainer = make_sklime(model.predict_proba, X)
    rows = breast_cancer_rows(CHUNK)
    plan = explainer._row_plan(explainer._validate(rows))
    engine = explainer._engine(N_SAMPLES)
    items = np.arange(CHUNK)
    bits = np.random.default_rng(0).integers(
        0, 2**32, (CHUNK, d, N_SAMPLES - 1), dtype=np.uint32
    )

    def kernel():
        with x64_scope():
            jax.block_until_ready(plan.sample(bits, items, d))

    kernel_time = _best(kernel, repeat) / CHUNK
    samples = engine.prepare(plan, items, d, CHUNK)[-1]
    A = np.random.default_rng(0).random((N_SAMPLES, d + 1))
    gram = _best(lambda: A.T @ A, repeat)
    model_time = _best(lambda: model.predict_proba(samples[0]), repeat)
    parts = {
        "words": min(words.values()),
        "values": min(ndtri_time, kernel_time),
        "gram": gram,
    }
    floor = sum(parts.values())
    return {
        **parts,
        "floor": floor,
        "model": model_time,
        "floor_ratio": floor / model_time,
        **{f"words_{k}": v for k, v in words.items()},
        "values_ndtri": ndtri_time,
        "values_sklime_kernel": kernel_time,
    }
