"""The same lime code, before and after changing its import.

``lime.lime_tabular.LimeTabularExplainer`` against
``sklime.compat.lime_tabular.LimeTabularExplainer`` with the same
constructor and ``explain_instance`` calls (breast_cancer, the
logistic-regression pipeline, lime's defaults, 5000 samples), and the
compat layer's vectorized ``explain_instances`` on the same rows.

* ``time_lime``, ``time_compat_loop``, ``time_compat_many``: the rows
  explained by a loop of ``explain_instance`` (lime, compat) and by one
  ``explain_instances`` call (compat).
* ``track_speedup_loop`` / ``track_speedup_many``: lime's time over compat's,
  side by side in one process.
"""

from sklime.compat.lime_tabular import LimeTabularExplainer

from .common import (
    N_SAMPLES,
    Benchmark,
    breast_cancer,
    breast_cancer_rows,
    interleaved_best,
    lime_explain,
    make_lime,
    make_model,
)

MIN_TIME = 5.0


class CompatVsLime(Benchmark):
    """Explain 1 or 50 breast_cancer rows with lime and with sklime.compat."""

    param_names = ["n_rows"]
    params = [1, 50]
    timeout = 600
    number = 1
    repeat = (1, 5, 20.0)

    def setup(self, n_rows):
        X_train, _ = breast_cancer()
        self.predict = make_model("logistic").predict_proba
        self.rows = breast_cancer_rows(n_rows)
        self.lime = make_lime(X_train)
        self.compat = LimeTabularExplainer(X_train, random_state=0)
        for run in (self._lime, self._compat_loop, self._compat_many):
            run()  # lime's first call; compat fits and compiles

    def _lime(self):
        return lime_explain(self.lime, self.rows, self.predict)

    def _compat_loop(self):
        return lime_explain(self.compat, self.rows, self.predict)

    def _compat_many(self):
        return self.compat.explain_instances(
            self.rows, self.predict, num_samples=N_SAMPLES
        )

    def time_lime(self, n_rows):
        self._lime()

    def time_compat_loop(self, n_rows):
        self._compat_loop()

    def time_compat_many(self, n_rows):
        self._compat_many()

    def _speedups(self):
        best = interleaved_best(
            {
                "lime": self._lime,
                "loop": self._compat_loop,
                "many": self._compat_many,
            },
            min_time=MIN_TIME,
        )
        return best["lime"] / best["loop"], best["lime"] / best["many"]

    def track_speedup_loop(self, n_rows):
        """lime / compat, the same loop of explain_instance."""
        return self._speedups()[0]

    track_speedup_loop.unit = "x"

    def track_speedup_many(self, n_rows):
        """lime's loop / compat's explain_instances."""
        return self._speedups()[1]

    track_speedup_many.unit = "x"
