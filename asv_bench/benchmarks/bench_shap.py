"""KernelShapExplainer against ``shap.KernelExplainer``.

breast_cancer, the logistic-regression pipeline, background
``shap.kmeans(X, 10)`` (sklime fits on its rows and weights), 2048
coalitions per row, no feature selection in either (``l1_reg=False``).

* ``time_sklime`` / ``time_shap``: explaining the rows (shap at most
  ``SHAP_MAX_ROWS`` of them in ``track_speedup``, its time scaled: it costs
  the same for every row).
* ``track_speedup``: shap's time over sklime's, side by side in one process.
* ``track_own_over_model``: sklime's own time (wall time minus the time inside
  ``predict_proba``, measured by wrapping it) over the model's time, best of
  the same rounds.
"""

import time
import warnings

import numpy as np

from .common import Benchmark, TimedModel, breast_cancer, breast_cancer_rows, make_model

N_COALITIONS = 2048
SHAP_MAX_ROWS = 10


def _shap_values(shap, model, background, rows):
    np.random.seed(0)  # noqa: NPY002 (shap draws from the global generator)
    explainer = shap.KernelExplainer(model, background)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return explainer.shap_values(
            rows, nsamples=N_COALITIONS, l1_reg=False, silent=True
        )


class KernelShapVsShap(Benchmark):
    """Explain 10 or 100 breast_cancer rows with sklime and with shap."""

    param_names = ["n_rows"]
    params = ([10, 100],)

    def setup(self, n_rows):
        import shap

        from sklime import KernelShapExplainer

        X, _ = breast_cancer()
        self.shap = shap
        self.model = make_model("logistic")
        self.timed = TimedModel(self.model.predict_proba)
        self.background = shap.kmeans(X, 10)
        self.rows = breast_cancer_rows(n_rows)
        self.explainer = KernelShapExplainer(
            self.timed, labels=1, n_samples=N_COALITIONS, random_state=0
        ).fit(self.background.data, sample_weight=self.background.weights)
        self.explainer.explain(self.rows)  # compile

    def time_sklime(self, n_rows):
        self.explainer.explain(self.rows)

    def time_shap(self, n_rows):
        _shap_values(self.shap, self.model.predict_proba, self.background, self.rows)

    def _rounds(self, rounds=3):
        best = {"sklime": (np.inf, 0.0), "shap": (np.inf, 0.0)}
        shap_rows = self.rows[:SHAP_MAX_ROWS]
        scale = len(self.rows) / len(shap_rows)
        for _ in range(rounds):
            for name in best:
                self.timed.seconds = 0.0
                start = time.perf_counter()
                if name == "sklime":
                    self.explainer.explain(self.rows)
                    wall = time.perf_counter() - start
                else:
                    _shap_values(self.shap, self.timed, self.background, shap_rows)
                    wall = (time.perf_counter() - start) * scale
                if wall < best[name][0]:
                    best[name] = (wall, self.timed.seconds)
        return best

    def track_speedup(self, n_rows):
        best = self._rounds()
        return best["shap"][0] / best["sklime"][0]

    track_speedup.unit = "x"

    def track_own_over_model(self, n_rows):
        wall, inside = self._rounds()["sklime"]
        return (wall - inside) / inside

    track_own_over_model.unit = "ratio"
