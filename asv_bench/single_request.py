"""The single-request figures of ``doc/performance.rst`` (issue 28).

Run from the repository root, with the ``bench`` extra and scikit-image::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 JAX_PLATFORMS=cpu \\
        python asv_bench/single_request.py

Prints every ``track_`` figure of ``benchmarks/bench_single.py``: each ratio
is measured side by side in one process (alternating blocks, best call).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchmarks.bench_single import main

if __name__ == "__main__":
    main()
