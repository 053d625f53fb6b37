"""One request at a time: one row, one text, one image, beside lime and shap.

How most people call lime and shap: a notebook cell, a dashboard's "why?"
button, a web service explaining each prediction it serves. Every case below
times the same call of both libraries side by side in one process
(:func:`~benchmarks.common.side_by_side`: alternating blocks, best call of
each, after a warm-up), on breast_cancer and the logistic-regression pipeline
unless said otherwise, at the peers' defaults:

* ``SingleRow``: ``LimeExplainer.explain(X[5:6])`` and ``sklime.compat``'s
  ``explain_instance`` against lime's ``explain_instance`` (5000 samples);
  ``track_own_ms``: sklime's own time, wall minus the time inside the model.
* ``SingleRowKernelShap``: ``KernelShapExplainer.explain(X[5:6])`` against
  ``shap.KernelExplainer.shap_values`` (``shap.kmeans(X, 10)``, 2048
  coalitions).
* ``TwoWideRows``: two rows of 100 features, 1000 samples, per row.
* ``SingleImage``: one 224 x 224 photograph, lime's quickshift segmentation
  inside the call, 1000 samples, a cheap model.
* ``SingleText``: one document alone against the same document's share of a
  batch of 16 (50, 300 and 1000 words, 2000 samples).

Run by hand (prints every figure): ``python asv_bench/single_request.py``.
"""

import os
import time
import warnings

import numpy as np

from .common import Benchmark, TimedModel, breast_cancer, make_model, side_by_side

os.environ.setdefault("TQDM_DISABLE", "1")  # lime's image loop shows a tqdm bar
ROW = slice(5, 6)
ROUNDS = 7


def _quiet(func):
    def call(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func(*args)

    return call


class SingleRow(Benchmark):
    """One breast_cancer row, lime's defaults: native, compat and lime."""

    def setup(self):
        from lime.lime_tabular import LimeTabularExplainer as Lime

        from sklime import LimeExplainer
        from sklime.compat.lime_tabular import LimeTabularExplainer as Compat

        self.X, _ = breast_cancer()
        self.model = make_model("logistic")
        self.timed = TimedModel(self.model.predict_proba)
        self.native = LimeExplainer(self.timed, random_state=0).fit(self.X)
        self.compat = Compat(self.X, random_state=0)
        self.lime = Lime(self.X, random_state=0)
        self.row = self.X[ROW]
        self._native(), self._compat(), self._lime()

    def _native(self):
        return self.native.explain(self.row)

    def _compat(self):
        return self.compat.explain_instance(self.row[0], self.model.predict_proba)

    def _lime(self):
        return self.lime.explain_instance(self.row[0], self.model.predict_proba)

    def time_native(self):
        self._native()

    def time_compat(self):
        self._compat()

    def time_lime(self):
        self._lime()

    def track_speedup_native(self):
        lime, native = side_by_side(self._lime, self._native, rounds=ROUNDS)
        return lime / native

    def track_speedup_compat(self):
        lime, compat = side_by_side(self._lime, self._compat, rounds=ROUNDS)
        return lime / compat

    def track_own_ms(self):
        """Best of 50 calls: wall time minus the time inside the model."""
        best = np.inf
        for _ in range(50):
            self.timed.seconds = 0.0
            start = time.perf_counter()
            self._native()
            best = min(best, time.perf_counter() - start - self.timed.seconds)
        return best * 1e3

    track_speedup_native.unit = track_speedup_compat.unit = "x"
    track_own_ms.unit = "ms"


class SingleRowKernelShap(Benchmark):
    """One breast_cancer row, Kernel SHAP, kmeans(10) background, 2048 coalitions."""

    def setup(self):
        import shap

        from sklime import KernelShapExplainer

        X, _ = breast_cancer()
        model = make_model("logistic")
        background = shap.kmeans(X, 10)
        self.row = X[ROW]
        self.sklime = KernelShapExplainer(
            model.predict_proba, n_samples=2048, random_state=0
        ).fit(background.data, sample_weight=background.weights)
        self.shap = shap.KernelExplainer(model.predict_proba, background)
        self._sklime(), self._shap()

    def _sklime(self):
        return self.sklime.explain(self.row)

    @_quiet
    def _shap(self):
        return self.shap.shap_values(self.row, nsamples=2048, silent=True)

    def time_sklime(self):
        self._sklime()

    def time_shap(self):
        self._shap()

    def track_speedup(self):
        shap, sklime = side_by_side(self._shap, self._sklime, rounds=ROUNDS)
        return shap / sklime

    track_speedup.unit = "x"


class TwoWideRows(Benchmark):
    """Two rows of 100 features, 1000 samples, per row against lime's one."""

    def setup(self):
        from lime.lime_tabular import LimeTabularExplainer

        from sklime import LimeExplainer

        from .bench_wide import tabular_case

        X, self.model = tabular_case(100)
        self.rows = X[:2]
        self.sklime = LimeExplainer(self.model, n_samples=1000, random_state=0).fit(X)
        self.lime = LimeTabularExplainer(X, random_state=0)
        self._sklime(), self._lime()

    def _sklime(self):
        return self.sklime.explain(self.rows)

    def _lime(self):
        return self.lime.explain_instance(self.rows[0], self.model, num_samples=1000)

    def time_sklime(self):
        self._sklime()

    def track_speedup_per_row(self):
        lime, sklime = side_by_side(self._lime, self._sklime, rounds=ROUNDS)
        return lime / (sklime / 2)

    track_speedup_per_row.unit = "x"


class SingleImage(Benchmark):
    """One 224 x 224 photograph, quickshift inside the call, 1000 samples."""

    timeout = 600

    def setup(self):
        from lime.lime_image import LimeImageExplainer
        from skimage.segmentation import quickshift

        from sklime import ImageExplainer

        from .bench_image_text import _image_and_segments, cheap_image_model

        self.image, _ = _image_and_segments(224)
        self.quickshift = lambda: quickshift(
            self.image, kernel_size=4, max_dist=200, ratio=0.2
        )
        self.model = cheap_image_model
        self.timed = TimedModel(cheap_image_model)
        self.sklime = ImageExplainer(self.timed, n_samples=1000, random_state=0)
        self.lime = LimeImageExplainer(random_state=0)
        self._sklime(), self._lime()

    def _sklime(self):
        return self.sklime.explain(self.image)

    @_quiet
    def _lime(self):
        return self.lime.explain_instance(
            self.image, self.model, top_labels=1, num_samples=1000
        )

    def time_sklime(self):
        self._sklime()

    def track_speedup(self):
        lime, sklime = side_by_side(self._lime, self._sklime, rounds=2)
        return lime / sklime

    def track_segmentation_ms(self):
        return min(_seconds(self.quickshift) for _ in range(3)) * 1e3

    def track_model_ms(self):
        return min(self.timed.timed(self._sklime) for _ in range(3)) * 1e3

    track_speedup.unit = "x"
    track_segmentation_ms.unit = track_model_ms.unit = "ms"


class SingleText(Benchmark):
    """One document alone over its share of a batch of 16 (1.0: as fast)."""

    params = [50, 300, 1000]
    param_names = ["words"]
    timeout = 600

    def setup(self, words):
        from .bench_wide import sklime_text, text_case

        self.doc, model = text_case(words)
        self.docs = [text_case(words, seed=s)[0] for s in range(16)]
        self.sklime = sklime_text(model)
        self.sklime.explain(self.docs)

    def _alone(self):
        return self.sklime.explain(self.doc)

    def _batch(self):
        return self.sklime.explain(self.docs)

    def time_alone(self, words):
        self._alone()

    def track_alone_over_batch(self, words):
        batch, alone = side_by_side(self._batch, self._alone, rounds=3)
        return alone / (batch / 16)

    track_alone_over_batch.unit = "ratio"


def _seconds(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main():
    """Print every ``track_`` figure (``asv_bench/single_request.py``)."""
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "JAX_PLATFORMS")
    print("settings:", {k: os.environ.get(k, "unset") for k in names})
    for cls in (SingleRow, SingleRowKernelShap, TwoWideRows, SingleImage):
        bench = cls()
        bench.setup()
        for name in sorted(n for n in dir(cls) if n.startswith("track_")):
            print(f"{cls.__name__}.{name}: {getattr(bench, name)():.2f}")
    for words in SingleText.params:
        bench = SingleText()
        bench.setup(words)
        ratio = bench.track_alone_over_batch(words)
        print(f"SingleText.track_alone_over_batch({words}): {ratio:.2f}")
