"""LimeExplainer against the ``lime`` package; first-call latency and recompilations.

Both libraries get the same model, the same rows, 5000 samples per row and
their (shared) defaults: quartile discretizer, kernel width
``0.75 * sqrt(30)``, 10 features per explanation, ``"auto"`` feature
selection (highest weights, for 10 features). The model is breast_cancer's
logistic-regression pipeline (``StandardScaler`` + ``LogisticRegression``) or
a random forest of 100 trees.

* ``time_lime`` explains every row with lime, one after the other (lime has
  no batch API): about 0.1 s per row here, so 1000 rows take minutes; the
  class's ``timeout`` allows for it.
* ``time_model_alone`` is the black box's own cost: ``predict_proba`` on the
  samples sklime gives it, in the same slices (one call of 5000 rows per
  explained row, as ``batch_size="auto"`` does). Everything above it is the
  explainer's overhead.
* ``track_speedup`` and ``track_overhead_ratio`` time the two libraries side
  by side in one process (calls interleaved, best of at least 3 rounds and
  10 seconds, no new round after 60 seconds). There,
  lime explains at most ``LIME_MAX_ROWS`` (200) of the rows and its time is
  scaled to all of them (it costs the same for every row); at 1000 rows that
  is 200 rows, times 5. sklime always explains every row.

Overhead, per row = total time minus the model-alone time, each library's
model time taken on its own samples in its own slices.
"""

import time

import jax

from sklime import LimeExplainer

from .common import (
    LIME_MAX_ROWS,
    Benchmark,
    TimedModel,
    breast_cancer,
    breast_cancer_rows,
    interleaved_best,
    lime_explain,
    make_lime,
    make_model,
    make_sklime,
    model_alone,
    recorded_inputs,
)
from .floor import floor_parts

#: Rows whose samples are recorded for the model-alone timings (reused in
#: turn beyond that): one chunk of sklime's work.
N_RECORDED = 8
#: Side-by-side ratios: at least 3 rounds and this many seconds (short cases
#: are sampled over a stretch of time), no new round after 60 seconds.
MIN_TIME = 10.0


class ExplainerVsLime(Benchmark):
    """Explain 1, 100 or 1000 breast_cancer rows with sklime and with lime."""

    param_names = ["model", "n_rows"]
    params = (["logistic", "forest"], [1, 100, 1000])
    # lime on 1000 rows with the forest takes 2 to 3 minutes here.
    timeout = 1200
    number = 1
    repeat = (1, 5, 30.0)

    def setup(self, model, n_rows):
        self.X_train, _ = breast_cancer()
        self.model = make_model(model)
        self.predict = self.model.predict_proba
        self.rows = breast_cancer_rows(n_rows)
        self.explainer = make_sklime(self.model, self.X_train)
        # Compile now: every number of rows runs the same chunk shapes.
        self.explainer.explain(self.rows[:16])
        self.lime = make_lime(self.X_train)
        lime_explain(self.lime, self.rows[:1], self.predict)  # lime's first call
        recorded = breast_cancer_rows(N_RECORDED)
        self.sklime_blocks = recorded_inputs(
            lambda f: make_sklime(f, self.X_train).explain(recorded), self.predict
        )

    def _sklime(self):
        return self.explainer.explain(self.rows)

    def _lime(self, rows):
        return lime_explain(self.lime, rows, self.predict)

    def time_sklime(self, model, n_rows):
        self._sklime()

    def time_lime(self, model, n_rows):
        self._lime(self.rows)

    def time_model_alone(self, model, n_rows):
        """``predict_proba`` alone on sklime's samples, 5000 rows per call."""
        model_alone(self.predict, self.sklime_blocks, n_rows)

    def peakmem_sklime(self, model, n_rows):
        self._sklime()

    def track_speedup(self, model, n_rows):
        """lime time / sklime time for all the rows, side by side."""
        m = min(n_rows, LIME_MAX_ROWS)
        best = interleaved_best(
            {"lime": lambda: self._lime(self.rows[:m]), "sklime": self._sklime},
            min_time=MIN_TIME,
        )
        return (best["lime"] * n_rows / m) / best["sklime"]

    track_speedup.unit = "x"

    def track_overhead_ratio(self, model, n_rows):
        """lime's overhead per row / sklime's overhead per row, side by side."""
        m = min(n_rows, LIME_MAX_ROWS)
        recorded = breast_cancer_rows(N_RECORDED)
        lime_blocks = recorded_inputs(
            lambda f: lime_explain(make_lime(self.X_train), recorded, f),
            self.predict,
        )
        best = interleaved_best(
            {
                "lime": lambda: self._lime(self.rows[:m]),
                "lime_model": lambda: model_alone(self.predict, lime_blocks, m),
                "sklime": self._sklime,
                "sklime_model": lambda: model_alone(
                    self.predict, self.sklime_blocks, n_rows
                ),
            },
            min_time=MIN_TIME,
        )
        lime_overhead = (best["lime"] - best["lime_model"]) / m
        sklime_overhead = (best["sklime"] - best["sklime_model"]) / n_rows
        return lime_overhead / sklime_overhead

    track_overhead_ratio.unit = "x"


class OverheadVsModel(Benchmark):
    """sklime's own cost per row against the model's, on 200 rows (issue 19).

    * ``track_overhead_in_call``: (wall time of ``explain`` minus the time
      spent inside ``predict_fn``, measured by wrapping it) / (time inside
      ``predict_fn``), at the best round. On two cores the model shares the
      machine with the next chunk's sampling and the previous chunk's fit,
      so its own time grows too; that is why the next figure is also kept.
    * ``track_overhead_vs_model_alone``: the same with the model's time
      measured alone on sklime's samples (nothing else running).
    * ``track_floor_ratio``: the lower bound of any explainer's own cost
      (:mod:`.floor`: the random words, the values, the Gram matrix, each at
      its best) over the model alone.
    """

    number = 1
    repeat = (1, 3, 30.0)
    n_rows = 200

    def setup(self):
        X, _ = breast_cancer()
        self.model = make_model("logistic")
        self.timed = TimedModel(self.model.predict_proba)
        self.explainer = make_sklime(self.timed, X)
        self.rows = breast_cancer_rows(self.n_rows)
        self.explainer.explain(self.rows[:16])
        recorded = breast_cancer_rows(N_RECORDED)
        self.blocks = recorded_inputs(
            lambda f: make_sklime(f, X).explain(recorded), self.model.predict_proba
        )

    def _rounds(self, rounds=5):
        best = None
        for _ in range(rounds):
            start = time.perf_counter()
            inside = self.timed.timed(lambda: self.explainer.explain(self.rows))
            wall = time.perf_counter() - start
            if best is None or wall < best[0]:
                best = (wall, inside)
        return best

    def track_overhead_in_call(self):
        wall, inside = self._rounds()
        return (wall - inside) / inside

    def track_overhead_vs_model_alone(self):
        best = interleaved_best(
            {
                "sklime": lambda: self.explainer.explain(self.rows),
                "model": lambda: model_alone(
                    self.model.predict_proba, self.blocks, self.n_rows
                ),
            },
            min_time=MIN_TIME,
        )
        return (best["sklime"] - best["model"]) / best["model"]

    def track_floor_ratio(self):
        return floor_parts(self.model)["floor_ratio"]

    track_overhead_in_call.unit = "ratio"
    track_overhead_vs_model_alone.unit = "ratio"
    track_floor_ratio.unit = "ratio"


class CompileCounter:
    """Counts XLA compilations through ``jax.monitoring``'s duration events."""

    EVENT = "/jax/core/compile/backend_compile_duration"

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        jax.monitoring.register_event_duration_secs_listener(self._listen)

    def _listen(self, event, duration, **kwargs):
        if event == self.EVENT:
            self.count += 1
            self.seconds += duration

    def close(self):
        jax.monitoring.unregister_event_duration_listener(self._listen)


class FirstCall(Benchmark):
    """First-call latency (JIT compilation included) and recompilations.

    asv runs each benchmark in a fresh process, and this class turns JAX's
    persistent compilation cache off (``common`` turns it on for the other
    benchmarks): every kernel is compiled from scratch, as in a user's first
    session. The imports (JAX, scikit-learn, sklime) happen before the timing.
    """

    timeout = 600

    def setup(self):
        jax.config.update("jax_enable_compilation_cache", False)
        self.X_train, _ = breast_cancer()
        self.model = make_model("logistic")
        self.counter = CompileCounter()

    def teardown(self):
        self.counter.close()

    def track_first_call_seconds(self):
        """Seconds for ``fit`` and ``explain`` of one row, from cold."""
        start = time.perf_counter()
        LimeExplainer(self.model, random_state=0).fit(self.X_train).explain(
            self.X_train[:1]
        )
        return time.perf_counter() - start

    track_first_call_seconds.unit = "seconds"

    def track_recompiles(self):
        """XLA compilations while explaining 1, 3, 7, 50 and 100 rows in turn,
        after a first call on one row."""
        explainer = LimeExplainer(self.model, random_state=0).fit(self.X_train)
        explainer.explain(self.X_train[:1])
        if self.counter.count == 0:
            raise RuntimeError(
                "no compilation seen during the warm-up: jax.monitoring's event "
                f"{CompileCounter.EVENT!r} has changed; the count would be wrong."
            )
        self.counter.count = 0
        for n_rows in (1, 3, 7, 50, 100):
            explainer.explain(breast_cancer_rows(n_rows))
        return self.counter.count

    track_recompiles.unit = "compilations"
