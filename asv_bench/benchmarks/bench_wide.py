"""Many interpretable features: wide tables and long texts against ``lime``.

The surrogate fit dominates when there are many interpretable features
(issue 15): a ``p x p`` Gram (or an ``n x n`` kernel when ``p > n``), its
factorisation and the feature selection. Both libraries get the same model,
the same instances and the same number of samples; ``lime`` runs at its
defaults (10 features, ``"auto"`` selection, i.e. highest weights).

- Tabular: random normal training data (500 rows), a logistic regression on
  the first five features, 1000 samples per row, ``p`` in 100, 1000, 3000,
  10,000.
- Text: one document of ``words`` distinct words, a cheap model (counts of
  twenty words, a logistic of the difference: C-speed ``str.count``), 2000
  samples.

``asv_bench/compare_wide.py`` prints the side-by-side table of
``doc/performance.rst`` from the same cases.
"""

import numpy as np

from .common import Benchmark, TimedModel, interleaved_best

TABULAR_SAMPLES = 1000
TEXT_SAMPLES = 2000


def tabular_case(p, seed=0):
    """Training data ``(500, p)`` and a fitted logistic regression's predict_proba."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(500, p))
    y = (X[:, :5].sum(axis=1) > 0).astype(int)
    return X, LogisticRegression(max_iter=500).fit(X, y).predict_proba


def text_case(words, seed=0):
    """A document of ``words`` distinct words and a cheap classifier of texts."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(words)]
    doc = " ".join(vocab[i] for i in rng.permutation(words))
    good = [f" {w} " for w in vocab[:10]]
    bad = [f" {w} " for w in vocab[10:20]]

    def model(texts):
        padded = [f" {t} " for t in texts]
        score = np.array(
            [
                sum(t.count(w) for w in good) - sum(t.count(w) for w in bad)
                for t in padded
            ],
            dtype=float,
        )
        p = 1 / (1 + np.exp(-score))
        return np.column_stack([1 - p, p])

    return doc, model


def chunk_rows(p):
    """Rows of one chunk of sklime at ``p`` features (what a batch costs)."""
    from sklime._engine._shapes import chunk_rows as _chunk_rows
    from sklime._surrogate._design import surrogate_elements

    return _chunk_rows(TABULAR_SAMPLES, p, surrogate_elements(TABULAR_SAMPLES, p))


def sklime_tabular(predict_fn, X):
    from sklime import LimeExplainer

    return LimeExplainer(predict_fn, n_samples=TABULAR_SAMPLES, random_state=0).fit(X)


def lime_tabular(X):
    from lime.lime_tabular import LimeTabularExplainer

    return LimeTabularExplainer(X, random_state=0)


def sklime_text(predict_fn):
    from sklime import TextExplainer

    return TextExplainer(predict_fn, n_samples=TEXT_SAMPLES, random_state=0)


def lime_text():
    from lime.lime_text import LimeTextExplainer

    return LimeTextExplainer(random_state=0)


class WideTabularVsLime(Benchmark):
    """Rows of ``p`` features, 1000 samples, lime's defaults.

    sklime explains one chunk of rows (16 at p = 100, 2 at p = 1000, 1
    beyond) in one call, lime one row; ``track_speedup`` compares the time
    per row. (A single row is a chunk of one: ``bench_single.TwoWideRows``.)
    """

    params = [100, 1000, 3000, 10000]
    param_names = ["p"]
    timeout = 900

    def setup(self, p):
        self.X, self.model = tabular_case(p)
        self.sklime = sklime_tabular(self.model, self.X)
        self.lime = lime_tabular(self.X)
        self.rows = chunk_rows(p)
        self.sklime.explain(self.X[: self.rows])  # compile outside the timing

    def _sklime(self):
        return self.sklime.explain(self.X[: self.rows])

    def _lime(self):
        return self.lime.explain_instance(
            self.X[0], self.model, num_samples=TABULAR_SAMPLES
        )

    def time_sklime(self, p):
        self._sklime()

    def time_lime(self, p):
        self._lime()

    def peakmem_sklime(self, p):
        self._sklime()

    def track_speedup(self, p):
        """lime / sklime per row, best of calls interleaved in one process."""
        best = interleaved_best({"lime": self._lime, "sklime": self._sklime}, rounds=2)
        return best["lime"] * self.rows / best["sklime"]

    track_speedup.unit = "x"

    def track_overhead_ratio(self, p):
        """sklime's own time over the model's time inside the same call."""
        timed = TimedModel(self.model)
        explainer = sklime_tabular(timed, self.X)
        rows = self.X[: self.rows]
        explainer.explain(rows)
        ratios = []
        for _ in range(3):
            timed.seconds = 0.0
            wall = interleaved_best({"x": lambda: explainer.explain(rows)}, rounds=1)
            ratios.append((wall["x"] - timed.seconds) / timed.seconds)
        return min(ratios)

    track_overhead_ratio.unit = "ratio"


class LongTextVsLime(Benchmark):
    """Explaining one document of ``words`` words, 2000 samples, a cheap model."""

    params = [50, 300, 1000]
    param_names = ["words"]
    timeout = 600

    def setup(self, words):
        self.doc, self.model = text_case(words)
        self.sklime = sklime_text(self.model)
        self.lime = lime_text()
        self.sklime.explain(self.doc)

    def _sklime(self):
        return self.sklime.explain(self.doc)

    def _lime(self):
        return self.lime.explain_instance(
            self.doc, self.model, num_samples=TEXT_SAMPLES
        )

    def time_sklime(self, words):
        self._sklime()

    def time_lime(self, words):
        self._lime()

    def track_speedup(self, words):
        best = interleaved_best({"lime": self._lime, "sklime": self._sklime}, rounds=3)
        return best["lime"] / best["sklime"]

    track_speedup.unit = "x"
