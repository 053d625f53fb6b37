"""Figures at scale, for the GPU section of doc/performance.rst.

Run from the repository root (on a GPU machine JAX picks the GPU by itself)::

    python asv_bench/scale_bench.py                 # the sizes of the issue
    python asv_bench/scale_bench.py --rows 200 --distance-rows 2000   # smaller

It prints the machine, the versions and, as reStructuredText tables:

- ``sklime.pairwise_distances`` on 10,000 x 10,000 x 784 float32 (and float64)
  next to ``sklearn.metrics.pairwise_distances`` (all CPU cores);
- ``LimeExplainer.explain`` end to end on 10,000 breast_cancer rows x 5000
  samples with default settings, for a JAX model (``jax_model=True``: the
  logistic-regression pipeline as one affine map in ``jax.numpy``) and for
  the scikit-learn pipeline itself (host model, fewer rows);
- the first call (compilation included) and the peak device memory.

Every timed call is preceded by a warm-up call of the same shapes, and is
the best of ``--repeat`` calls; the first call is timed in a fresh explainer
before any warm-up.
"""

import argparse
import os
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances as sk_pairwise
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklime
from sklime import LimeExplainer, pairwise_distances


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def table(header, rows):
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "  ".join("=" * w for w in widths)
    out = [line, "  ".join(h.ljust(w) for h, w in zip(header, widths)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells[1:]]
    return "\n".join(r.rstrip() for r in [*out, line])


def peak_device_bytes():
    stats = jax.devices()[0].memory_stats() or {}
    return stats.get("peak_bytes_in_use")


def distances(n, d, repeat):
    rng = np.random.default_rng(0)
    rows = []
    for dtype in (np.float32, np.float64):
        X = rng.random((n, d)).astype(dtype)
        for metric in ("euclidean", "cosine"):
            ours = pairwise_distances(X, metric=metric)  # compiles
            ref = sk_pairwise(X, metric=metric, n_jobs=-1)
            ok = np.allclose(ours, ref, atol=1e-4 if dtype == np.float32 else 1e-8)
            t_ours = best_of(
                lambda X=X, m=metric: pairwise_distances(X, metric=m), repeat
            )
            t_ref = best_of(
                lambda X=X, m=metric: sk_pairwise(X, metric=m, n_jobs=-1), 1
            )
            rows.append(
                [
                    f"{n} x {n} x {d}",
                    np.dtype(dtype).name,
                    metric,
                    f"{t_ours:.3f}",
                    f"{t_ref:.3f}",
                    f"{t_ref / t_ours:.1f}",
                    "yes" if ok else "NO",
                ]
            )
    header = ["shape", "dtype", "metric", "sklime s", "sklearn s", "ratio", "allclose"]
    return table(header, rows)


def jax_pipeline(model):
    """The StandardScaler + LogisticRegression pipeline as a JAX function."""
    scaler, lr = model[0], model[1]
    w = lr.coef_[0] / scaler.scale_
    b = float(lr.intercept_[0] - scaler.mean_ / scaler.scale_ @ lr.coef_[0])

    def predict(X):
        p = jax.nn.sigmoid(X @ jnp.asarray(w, X.dtype) + b)
        return jnp.stack([1 - p, p], axis=1)

    return predict


def explain_rows(n_rows, n_samples, host_rows, repeat):
    data = load_breast_cancer()
    X, y = data.data, data.target
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(X, y)
    rng = np.random.default_rng(0)
    rows = X[rng.integers(0, len(X), n_rows)] * rng.uniform(0.95, 1.05, (n_rows, 30))
    out = []
    cases = [
        ("JAX model (jax_model=True)", jax_pipeline(model), True, n_rows),
        ("scikit-learn pipeline", model, False, host_rows),
    ]
    for name, fn, native, count in cases:
        part = rows[:count]
        explainer = LimeExplainer(
            fn, jax_model=native, n_samples=n_samples, random_state=0
        ).fit(X)
        start = time.perf_counter()
        explainer.explain(part[:1])
        first = time.perf_counter() - start
        explainer.explain(part)  # warm
        t = best_of(lambda e=explainer, p=part: e.explain(p), repeat)
        exp = explainer.explain(part[:3])
        assert np.isfinite(exp.coef).all()
        out.append(
            [
                name,
                str(count),
                str(n_samples),
                f"{first:.2f}",
                f"{t:.3f}",
                f"{1000 * t / count:.3f}",
                f"{count * n_samples / t / 1e6:.1f}",
            ]
        )
    header = [
        "model",
        "rows",
        "samples/row",
        "first call s",
        "explain s",
        "ms/row",
        "M samples/s",
    ]
    return table(header, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--host-rows", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--distance-rows", type=int, default=10_000)
    parser.add_argument("--distance-features", type=int, default=784)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    device = jax.devices()[0]
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"device: {device.platform} {getattr(device, 'device_kind', '')}")
    print(
        f"python {platform.python_version()}, sklime {sklime.__version__}, "
        f"jax {jax.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}\n"
    )
    print(distances(args.distance_rows, args.distance_features, args.repeat))
    print()
    print(explain_rows(args.rows, args.samples, args.host_rows, args.repeat))
    peak = peak_device_bytes()
    if peak is not None:
        print(f"\npeak device memory: {peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
