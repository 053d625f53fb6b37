"""Side-by-side figures for many interpretable features (issue 15).

The table "Wide data and long texts" of ``doc/performance.rst``. Run from the
repository root, with the thread settings stated next to the figures::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 JAX_PLATFORMS=cpu \\
        python asv_bench/compare_wide.py
    python asv_bench/compare_wide.py --p 100 1000 --words 50 --rounds 2   # quicker

For every case (the cases of ``benchmarks/bench_wide.py``), sklime and lime
explain the same instances with the same model, called through a timer, in
alternating rounds in one process after a warm-up; the best call of each is
reported, per row, with the model's time inside that call. Tabular: sklime
explains one chunk of rows per call (16 rows at p = 100, 2 at 1000, 1
beyond), lime one row; the last column is sklime on a single row alone
(before 2026-12-08 a whole chunk's work; now a chunk of one row). "Own"
is a call's time minus the model's time inside it; the overhead ratio is own / model. The
peak resident memory of sklime at each width is measured in a fresh process
(``VmHWM`` of ``/proc/self/status``, Linux; the compilation included).
"""

import argparse
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.bench_wide import (  # noqa: E402
    TABULAR_SAMPLES,
    TEXT_SAMPLES,
    chunk_rows,
    lime_tabular,
    lime_text,
    sklime_tabular,
    sklime_text,
    tabular_case,
    text_case,
)
from benchmarks.common import TimedModel, interleaved_times  # noqa: E402

MEMORY = """
import json, sys
sys.path.insert(0, {here!r})
from benchmarks.bench_wide import sklime_tabular, tabular_case
X, model = tabular_case({p})
sklime_tabular(model, X).explain(X[:{rows}])
with open("/proc/self/status") as f:  # peak of this process (ru_maxrss is
    # inherited across exec from the parent, which ran lime)
    print(json.dumps(next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))))
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def side_by_side(run_sklime, run_lime, timed_sklime, timed_lime, rounds):
    """Best (wall, model inside) of each library, rounds interleaved."""

    def measured(run, timed):
        def call():
            timed.seconds = 0.0
            run()
            return timed.seconds

        return call

    run_sklime(), run_lime()  # warm-up (compilation)
    times = interleaved_times(
        {
            "sklime": measured(run_sklime, timed_sklime),
            "lime": measured(run_lime, timed_lime),
        },
        rounds=rounds,
        budget=0,
    )
    return {name: min(calls) for name, calls in times.items()}


def tabular(p, rounds):
    """Per row: sklime on one chunk of rows, lime on one row."""
    X, model = tabular_case(p)
    rows = chunk_rows(p)
    ts, tl = TimedModel(model), TimedModel(model)
    ours, theirs = sklime_tabular(ts, X), lime_tabular(X)
    best = side_by_side(
        lambda: ours.explain(X[:rows]),
        lambda: theirs.explain_instance(X[0], tl, num_samples=TABULAR_SAMPLES),
        ts,
        tl,
        rounds,
    )
    single = side_by_side(lambda: ours.explain(X[:1]), lambda: None, ts, tl, 1)
    best["sklime"] = tuple(t / rows for t in best["sklime"])
    best["single"] = single["sklime"]
    return best


def text(words, rounds):
    doc, model = text_case(words)
    ts, tl = TimedModel(model), TimedModel(model)
    ours, theirs = sklime_text(ts), lime_text()
    return side_by_side(
        lambda: ours.explain(doc),
        lambda: theirs.explain_instance(doc, tl, num_samples=TEXT_SAMPLES),
        ts,
        tl,
        rounds,
    )


def peak_memory_mb(p, rows=1):
    code = MEMORY.format(here=HERE, p=p, rows=rows)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1]) / 1024


def row(case, best):
    (s_wall, s_model), (l_wall, l_model) = best["sklime"], best["lime"]
    own = s_wall - s_model
    single = best.get("single")
    return (
        f"   * - {case}\n"
        f"     - {s_wall * 1e3:.1f} ({s_model * 1e3:.1f})\n"
        f"     - {l_wall * 1e3:.0f} ({l_model * 1e3:.1f})\n"
        f"     - {l_wall / s_wall:.1f}x\n"
        f"     - {own * 1e3:.1f} ms, {own / max(s_model, 1e-9):.1f}\n"
        f"     - {'' if single is None else f'{single[0] * 1e3:.0f}'}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", type=int, nargs="*", default=[100, 1000, 3000, 10000])
    parser.add_argument("--words", type=int, nargs="*", default=[50, 300, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    threads = {
        k: os.environ.get(k, "unset")
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; {threads}"
    )
    rows = []
    for p in args.p:
        log(f"tabular p={p}")
        rows.append(
            row(f"tabular, p = {p}", tabular(p, args.rounds if p < 3000 else 2))
        )
    for words in args.words:
        log(f"text {words} words")
        rows.append(row(f"text, {words} words", text(words, args.rounds)))
    print(
        ".. list-table::\n   :header-rows: 1\n\n"
        "   * - case\n     - sklime ms (model)\n     - lime ms (model)\n"
        "     - lime / sklime\n     - sklime's own time, own / model\n"
        "     - one row alone, ms"
    )
    print("\n".join(rows))
    if not args.skip_memory:
        for p in args.p:
            log(f"memory p={p}")
            print(f"peak memory, p = {p}: {peak_memory_mb(p):.0f} MB")


if __name__ == "__main__":
    main()
