"""Side-by-side figures of sklime's LimeExplainer and the lime package.

Standalone script behind the tables of "sklime against the lime package" in
``doc/performance.rst``. Run it from the repository root::

    python asv_bench/compare_lime.py                 # all tables
    python asv_bench/compare_lime.py --quick         # logistic regression, 1 and 200 rows
    python asv_bench/compare_lime.py --memory-rows 1000 10000 100000

It uses the data, models and settings of ``asv_bench/benchmarks`` (module
``common``): breast_cancer, 5000 samples per row, both libraries' defaults.

* Throughput: for each model and number of rows, four things are timed in one
  process, interleaved round after round (at least ``--rounds`` rounds
  and ``--min-time`` seconds, no new round after ``--budget`` seconds), best
  call of each: lime explaining the rows
  (at most ``LIME_MAX_ROWS`` = 200 of them; its time is scaled to all the
  rows, lime costing the same for every row), sklime explaining all the rows,
  and the model alone on each library's own samples in that library's slices
  (one ``predict_proba`` call of 5000 rows per explained row, for both).
  Overhead = explainer time minus its model-alone time. Both explainers
  also call the model through a timer, which gives a second measure of the
  overhead ("in call"): a call's time minus the model's time inside that very
  call, the least over the rounds. It does not depend on a separate
  measurement of the model, so on a noisy machine it is the steadier of the
  two when the model's time is large (the random forest).
* First call: a fresh Python process, JAX's persistent compilation cache off,
  times ``fit`` and ``explain`` of one row (compilation included), counts the
  XLA compilations, then counts those of explaining 1, 3, 7, 50, 100 and 1000
  rows in turn.
* Memory (Linux): a fresh process per row count explains that many rows
  (breast_cancer resampled with noise beyond its 569 rows) with the
  logistic-regression pipeline. It reports its resident memory before the
  call (after imports, ``fit`` and a warm-up call), the peak during the call
  (``VmHWM`` of ``/proc/self/status``, reset just before it through
  ``/proc/self/clear_refs``), and the peak of the whole process
  (``ru_maxrss``, the warm-up's compilation included). These processes use
  the benchmarks' persistent compilation cache.

The machine, the package versions and the load average go to the output with
the tables (reStructuredText); progress goes to standard error.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import version

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.common import (  # noqa: E402
    LIME_MAX_ROWS,
    TimedModel,
    breast_cancer,
    breast_cancer_rows,
    interleaved_times,
    lime_explain,
    make_lime,
    make_model,
    make_sklime,
    model_alone,
    recorded_inputs,
)
from compare_distances import machine  # noqa: E402

FULL_ROWS = [1, 100, 200, 1000]
N_RECORDED = 8

FIRST_CALL = """
import json, sys, time
start = time.perf_counter()
import jax
sys.path.insert(0, {here!r})
from benchmarks.common import breast_cancer, breast_cancer_rows, make_model
from benchmarks.bench_explainer import CompileCounter
from sklime import LimeExplainer
imported = time.perf_counter() - start
jax.config.update("jax_enable_compilation_cache", False)
X, _ = breast_cancer()
model = make_model("logistic")
counter = CompileCounter()
start = time.perf_counter()
explainer = LimeExplainer(model, random_state=0).fit(X)
explainer.explain(X[:1])
first = time.perf_counter() - start
out = dict(imported=imported, first=first, compiles=counter.count,
           compile_seconds=counter.seconds)
start = time.perf_counter()
explainer.explain(X[:1])
out["second"] = time.perf_counter() - start
counter.count = 0
for n in (1, 3, 7, 50, 100, 1000):
    explainer.explain(breast_cancer_rows(n))
out["recompiles"] = counter.count
print(json.dumps(out))
"""

MEMORY = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
from benchmarks.common import breast_cancer, breast_cancer_rows, make_model, make_sklime


def status(field):  # kB, from /proc/self/status
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])


X, _ = breast_cancer()
explainer = make_sklime(make_model("logistic"), X)
explainer.explain(X[:16])
rows = breast_cancer_rows({n_rows})
out = dict(before=status("VmRSS"))
with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to now
    f.write("5")
start = time.perf_counter()
cpu = time.process_time()
explainer.explain(rows)
out.update(wall=time.perf_counter() - start, cpu=time.process_time() - cpu,
           during=status("VmHWM"), maxrss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps(out))
"""


def versions():
    names = ["sklime", "lime", "jax", "jaxlib", "scikit-learn", "numpy", "scipy"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def throughput(model_name, n_rows, rounds, budget, min_time, n_features=10):
    """Per-row times (seconds) of lime, sklime and the model alone.

    ``n_features``: features per explanation (``num_features`` for lime);
    at 6 or fewer both libraries select them forward, one fit per candidate.
    """
    k = {"n_features": n_features}
    lime_k = {"num_features": n_features}
    X_train, _ = breast_cancer()
    model = make_model(model_name)
    predict = model.predict_proba
    rows = breast_cancer_rows(n_rows)
    m = min(n_rows, LIME_MAX_ROWS)
    # Both explainers call the model through a timer, to know the model's
    # time inside each call too (a second measure of the overhead).
    lime_model, sklime_model = TimedModel(predict), TimedModel(predict)
    explainer = make_sklime(sklime_model, X_train, **k)
    explainer.explain(rows[:16])  # compile
    lime = make_lime(X_train)
    lime_explain(lime, rows[:1], lime_model, **lime_k)
    recorded = breast_cancer_rows(N_RECORDED)
    sklime_blocks = recorded_inputs(
        lambda f: make_sklime(f, X_train, **k).explain(recorded), predict
    )
    lime_blocks = recorded_inputs(
        lambda f: lime_explain(make_lime(X_train), recorded, f, **lime_k), predict
    )
    times = interleaved_times(
        {
            "lime": lambda: lime_model.timed(
                lambda: lime_explain(lime, rows[:m], lime_model, **lime_k)
            ),
            "lime_model": lambda: model_alone(predict, lime_blocks, m),
            "sklime": lambda: sklime_model.timed(lambda: explainer.explain(rows)),
            "sklime_model": lambda: model_alone(predict, sklime_blocks, n_rows),
        },
        rounds=rounds,
        budget=budget,
        min_time=min_time,
    )
    best = {name: min(t for t, _ in calls) for name, calls in times.items()}
    in_call = {
        name: min(t - inside for t, inside in times[name])
        for name in ("lime", "sklime")
    }
    return {
        "lime_rows": m,
        "rounds": len(times["lime"]),
        "lime": best["lime"] / m,
        "lime_model": best["lime_model"] / m,
        "sklime": best["sklime"] / n_rows,
        "sklime_model": best["sklime_model"] / n_rows,
        "lime_in_call": in_call["lime"] / m,
        "sklime_in_call": in_call["sklime"] / n_rows,
    }


def run_python(code):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(HERE)] + ([env["PYTHONPATH"]] if "PYTHONPATH" in env else [])
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(header, rows):
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rule = " ".join("=" * w for w in widths)
    lines = [rule, " ".join(h.ljust(w) for h, w in zip(header, widths)), rule]
    lines += [" ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.append(rule)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="logistic, 1 and 200 rows")
    parser.add_argument("--rounds", type=int, default=5, help="at least")
    parser.add_argument(
        "--min-time", type=float, default=20.0, help="more rounds until (seconds)"
    )
    parser.add_argument(
        "--budget", type=float, default=200.0, help="no new round after (seconds)"
    )
    parser.add_argument("--models", nargs="+", default=None)
    parser.add_argument("--rows", nargs="+", type=int, default=None)
    parser.add_argument("--memory-rows", nargs="*", type=int, default=None)
    parser.add_argument(
        "--n-features",
        type=int,
        default=10,
        help="features per explanation (lime's num_features); default 10",
    )
    parser.add_argument("--skip-first-call", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    models = args.models or (["logistic"] if args.quick else ["logistic", "forest"])
    n_rows_list = args.rows or ([1, 200] if args.quick else FULL_ROWS)
    memory_rows = (
        args.memory_rows
        if args.memory_rows is not None
        else ([1000] if args.quick else [1000, 10000])
    )
    load_before = os.getloadavg()[0]

    header = [
        "model",
        "rows",
        "lime rows",
        "rounds",
        "lime",
        "sklime",
        "model (lime)",
        "model (sklime)",
        "speed-up",
    ]
    header2 = [
        "model",
        "rows",
        "lime",
        "sklime",
        "ratio",
        "lime in call",
        "sklime in call",
        "ratio in call",
    ]
    results, overheads = [], []
    for model_name in [] if args.skip_throughput else models:
        for n_rows in n_rows_list:
            t = throughput(
                model_name,
                n_rows,
                args.rounds,
                args.budget,
                args.min_time,
                args.n_features,
            )
            name = "LR pipeline" if model_name == "logistic" else "random forest"
            over_lime = t["lime"] - t["lime_model"]
            over_sklime = t["sklime"] - t["sklime_model"]
            row = [
                name,
                str(n_rows),
                str(t["lime_rows"]),
                str(t["rounds"]),
                f"{1e3 * t['lime']:.1f}",
                f"{1e3 * t['sklime']:.2f}",
                f"{1e3 * t['lime_model']:.2f}",
                f"{1e3 * t['sklime_model']:.2f}",
                f"{t['lime'] / t['sklime']:.1f}",
            ]
            row2 = [
                name,
                str(n_rows),
                f"{1e3 * over_lime:.1f}",
                f"{1e3 * over_sklime:.2f}",
                f"{over_lime / over_sklime:.1f}",
                f"{1e3 * t['lime_in_call']:.1f}",
                f"{1e3 * t['sklime_in_call']:.2f}",
                f"{t['lime_in_call'] / t['sklime_in_call']:.1f}",
            ]
            results.append(row)
            overheads.append(row2)
            log(" | ".join(row + row2[2:]))

    first = None
    if not args.skip_first_call:
        log("first call (fresh process, no persistent cache) ...")
        first = run_python(FIRST_CALL.format(here=HERE))
        log(first)
    memory = []
    for n_rows in memory_rows:
        log(f"memory, {n_rows} rows ...")
        r = run_python(MEMORY.format(here=HERE, n_rows=n_rows))
        log(r)
        memory.append(
            [
                str(n_rows),
                f"{r['before'] / 1024:.0f}",
                f"{r['during'] / 1024:.0f}",
                f"{r['maxrss'] / 1024:.0f}",
                f"{r['wall']:.1f}",
                f"{r['cpu']:.1f}",
                f"{1e3 * r['wall'] / n_rows:.2f}",
            ]
        )
    load_after = os.getloadavg()[0]

    print(f"Machine: {machine()}")
    print(f"Versions: {versions()}, Python {platform.python_version()}")
    env = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "JAX_PLATFORMS")
    print("Environment: " + ", ".join(f"{k}={os.environ.get(k, '')}" for k in env))
    print(
        f"Timing: best of interleaved rounds, at least {args.rounds} and "
        f"{args.min_time:.0f} s, no new round after {args.budget:.0f} s per case"
    )
    print(f"Load average (1 min): {load_before:.1f} before, {load_after:.1f} after\n")
    if results:
        print(
            "Milliseconds per explained row (5000 samples each, "
            f"{args.n_features} features per explanation):\n"
        )
        print(table(header, results))
        print("\nOverhead, milliseconds per explained row (total minus model):\n")
        print(table(header2, overheads))
    if first is not None:
        print()
        print(
            table(
                [
                    "import s",
                    "first call s",
                    "compilations",
                    "compile s",
                    "second call ms",
                    "recompilations",
                ],
                [
                    [
                        f"{first['imported']:.1f}",
                        f"{first['first']:.1f}",
                        str(first["compiles"]),
                        f"{first['compile_seconds']:.1f}",
                        f"{1e3 * first['second']:.0f}",
                        str(first["recompiles"]),
                    ]
                ],
            )
        )
    if memory:
        print()
        print(
            table(
                [
                    "rows",
                    "RSS before MB",
                    "peak RSS during MB",
                    "peak RSS of process MB",
                    "wall s",
                    "CPU s",
                    "ms per row",
                ],
                memory,
            )
        )


if __name__ == "__main__":
    main()
