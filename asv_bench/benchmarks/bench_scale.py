"""Memory at scale: explaining 100,000 rows with the defaults.

Kept apart from ``bench_explainer`` because it runs for a long time (about
12 minutes on the 2-core machine of doc/performance.rst): leave it out with
``-b`` (e.g. ``-b "bench_explainer|bench_stability"``), or run it alone with
``-b Explain100k``.
"""

from .common import (
    Benchmark,
    breast_cancer,
    breast_cancer_rows,
    make_model,
    make_sklime,
)


class Explain100k(Benchmark):
    """Peak memory of explaining 100,000 rows with the defaults.

    Rows: breast_cancer's rows resampled with noise; model: the
    logistic-regression pipeline; 5000 samples per row, so the model sees
    5e8 rows in 100,000 calls. asv reports the peak resident memory of the
    whole process (Python, JAX, the warm-up compilation, the input and the
    result included).
    """

    # About 7 ms per row on the 2-core machine of doc/performance.rst.
    timeout = 3600
    number = 1
    repeat = 1
    N_ROWS = 100_000

    def setup(self):
        X_train, _ = breast_cancer()
        self.explainer = make_sklime(make_model("logistic"), X_train)
        self.explainer.explain(X_train[:16])
        self.rows = breast_cancer_rows(self.N_ROWS)

    def peakmem_explain_100k(self):
        self.explainer.explain(self.rows)
