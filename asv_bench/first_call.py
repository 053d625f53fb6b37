"""The first ``explain`` of a fresh process, with and without a filled cache.

Runs three fresh Python processes on one empty cache folder
(``SKLIME_CACHE_DIR``): the first compiles the kernels and fills the cache,
the next two load them. Each process times its first ``explain`` of one row
and then a second one on another row; both are printed with the
difference. A fourth process runs with the cache off
(``SKLIME_COMPILATION_CACHE=0``). Usage::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 JAX_PLATFORMS=cpu \\
        python asv_bench/first_call.py

(case: breast_cancer, the logistic-regression pipeline, 5000 samples, the
default quartile discretizer: issue 19's case.)
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from benchmarks.bench_first_call import child  # noqa: E402


def main():
    threads = {
        k: os.environ.get(k, "unset")
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    print(f"threads: {threads}")
    print(
        f"{'process':<28} {'import s':>9} {'first s':>8} {'second s':>9} {'first - second':>15}"
    )
    with tempfile.TemporaryDirectory() as folder:
        runs = [
            ("cache empty (fills it)", {"SKLIME_CACHE_DIR": folder}),
            ("cache filled", {"SKLIME_CACHE_DIR": folder}),
            ("cache filled, again", {"SKLIME_CACHE_DIR": folder}),
            ("cache off", {"SKLIME_COMPILATION_CACHE": "0"}),
        ]
        for name, env in runs:
            r = child({"JAX_COMPILATION_CACHE_DIR": "", **env})
            print(
                f"{name:<28} {r['import']:9.2f} {r['first']:8.3f} {r['second']:9.3f} "
                f"{r['first'] - r['second']:15.3f}"
            )


if __name__ == "__main__":
    main()
