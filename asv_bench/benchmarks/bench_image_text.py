"""ImageExplainer and TextExplainer against the ``lime`` package.

Both sides get the same model, the same inputs, the same number of samples
and (for images) the same superpixels, computed once in ``setup`` with
``lime``'s default quickshift parameters, so the timings compare the LIME
machinery (sampling, perturbed inputs, kernel, surrogates) plus the model's
own cost, not the segmentation. ``track_speedup`` times both side by side
in one process (best of ``repeat`` runs each) and reports lime / sklime.

Run by hand: ``python asv_bench/benchmarks/bench_image_text.py``.
"""

import os
import time
import warnings

import numpy as np

os.environ.setdefault("TQDM_DISABLE", "1")  # lime's image loop shows a tqdm bar


def _best_of(func, repeat=3):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------


_W = np.random.default_rng(0).normal(size=(16, 3, 5))


def cheap_image_model(images):
    """A cheap 5-class model: softmax of the mean colour of 16 horizontal bands
    (of every fourth pixel), so that the LIME machinery dominates the timings."""
    x = np.asarray(images)[:, ::4, ::4].astype(np.float32)
    n, H = x.shape[0], x.shape[1] // 16 * 16
    x = x[:, :H]
    bands = x.reshape(n, 16, H // 16, -1, 3).mean(axis=(2, 3)) / 255.0
    logits = np.einsum("nbc,bck->nk", bands - 0.5, _W) * 4
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _image_and_segments(size):
    import skimage.data
    from skimage.segmentation import quickshift
    from skimage.transform import resize

    image = skimage.data.astronaut()
    image = (resize(image, (size, size), anti_aliasing=True) * 255).astype(np.uint8)
    segments = quickshift(image, kernel_size=4, max_dist=200, ratio=0.2)
    return image, segments


class ImageExplainerVsLime:
    """One 224 x 224 photograph, lime's defaults, a cheap model."""

    params = ([224], [1000])
    param_names = ["size", "n_samples"]
    timeout = 600

    def setup(self, size, n_samples):
        from sklime import ImageExplainer

        self.image, segments = _image_and_segments(size)
        self.segmentation = lambda _: segments
        self.explainer = ImageExplainer(
            cheap_image_model,
            segmentation=self.segmentation,
            n_samples=n_samples,
            random_state=0,
        )
        self.n_samples = n_samples
        self.explainer.explain(self.image)  # compile the kernels outside the timing

    def _sklime(self):
        return self.explainer.explain(self.image)

    def _lime(self):
        from lime.lime_image import LimeImageExplainer

        return LimeImageExplainer(random_state=0).explain_instance(
            self.image,
            cheap_image_model,
            top_labels=1,
            num_samples=self.n_samples,
            segmentation_fn=self.segmentation,
        )

    def time_sklime(self, size, n_samples):
        self._sklime()

    def time_lime(self, size, n_samples):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._lime()

    def peakmem_sklime(self, size, n_samples):
        self._sklime()

    def time_model_alone(self, size, n_samples):
        """The black box on as many images: the floor for both."""
        batch = np.repeat(self.image[None], 100, axis=0)
        for _ in range(n_samples // 100):
            cheap_image_model(batch)

    def track_speedup(self, size, n_samples):
        return _best_of(self._lime) / _best_of(self._sklime)

    track_speedup.unit = "x"


class ImageBatch:
    """Eight 128 x 128 photographs in one call (sklime) or a loop (lime)."""

    params = [8]
    param_names = ["n_images"]
    timeout = 600

    def setup(self, n_images):
        import skimage.data
        from skimage.segmentation import slic
        from skimage.transform import resize

        from sklime import ImageExplainer

        names = ["astronaut", "coffee", "chelsea", "rocket", "cat", "retina"]
        names = (names * n_images)[:n_images]
        self.images = np.stack(
            [
                (resize(getattr(skimage.data, n)(), (128, 128)) * 255).astype(np.uint8)
                for n in names
            ]
        )
        self.segments = [slic(im, n_segments=50, start_label=0) for im in self.images]
        table = {im.tobytes(): s for im, s in zip(self.images, self.segments)}
        self.explainer = ImageExplainer(
            cheap_image_model,
            segmentation=lambda im: table[np.ascontiguousarray(im).tobytes()],
            random_state=0,
        )
        self.explainer.explain(self.images)

    def _sklime(self):
        return self.explainer.explain(self.images)

    def _lime(self):
        from lime.lime_image import LimeImageExplainer

        lime = LimeImageExplainer(random_state=0)
        for image, segments in zip(self.images, self.segments):
            lime.explain_instance(
                image,
                cheap_image_model,
                top_labels=1,
                segmentation_fn=lambda _, s=segments: s,
            )

    def time_sklime(self, n_images):
        self._sklime()

    def time_lime(self, n_images):
        self._lime()

    def track_speedup(self, n_images):
        return _best_of(self._lime, 1) / _best_of(self._sklime, 2)

    track_speedup.unit = "x"


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

_CORPUS = [
    ("a wonderful heartfelt film with a brilliant cast", 1),
    ("great acting and a moving story", 1),
    ("I loved the music and the gorgeous photography", 1),
    ("funny, warm and surprisingly clever", 1),
    ("the best film of the year, superb direction", 1),
    ("an uplifting and charming adventure", 1),
    ("a boring mess with awful dialogue", 0),
    ("terrible acting and a predictable plot", 0),
    ("I hated the noisy soundtrack and the ugly sets", 0),
    ("dull, slow and painfully long", 0),
    ("the worst film of the year, lazy direction", 0),
    ("a tedious and joyless sequel", 0),
]

_REVIEWS = [
    "The cast was brilliant but the plot was predictable and the jokes were stale, "
    "still I loved the music and the photography, and the direction was superb "
    "even if the dialogue felt lazy and the sets were ugly at times",
    "A boring, slow film with wooden acting; only the photography is gorgeous, "
    "the soundtrack is noisy and the sequel hook at the end is painfully long",
    "Great story, great direction, a moving and funny adventure for the family, "
    "with a charming cast, clever jokes and an uplifting heartfelt ending",
    "I expected a clever script and got a tedious, joyless mess with ugly sets, "
    "terrible acting and a predictable plot that made the film feel long",
]


def _text_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = zip(*_CORPUS)
    return make_pipeline(TfidfVectorizer(), LogisticRegression(C=10)).fit(
        list(texts), list(labels)
    )


class TextExplainerVsLime:
    """Reviews of about 30 words, lime's defaults (5000 samples, 10 words)."""

    params = ([1, 4], [5000])
    param_names = ["n_texts", "n_samples"]
    timeout = 600

    def setup(self, n_texts, n_samples):
        from sklime import TextExplainer

        self.model = _text_model()
        self.texts = _REVIEWS[:n_texts]
        self.n_samples = n_samples
        self.explainer = TextExplainer(
            self.model, n_samples=n_samples, labels=1, random_state=0
        )
        self.explainer.explain(self.texts)  # compile outside the timing

    def _sklime(self):
        return self.explainer.explain(self.texts)

    def _lime(self):
        from lime.lime_text import LimeTextExplainer

        lime = LimeTextExplainer(random_state=0)
        for text in self.texts:
            lime.explain_instance(
                text, self.model.predict_proba, num_samples=self.n_samples
            )

    def time_sklime(self, n_texts, n_samples):
        self._sklime()

    def time_lime(self, n_texts, n_samples):
        self._lime()

    def time_model_alone(self, n_texts, n_samples):
        """The black box on as many strings: the floor for both."""
        for text in self.texts:
            self.model.predict_proba([text] * n_samples)

    def track_speedup(self, n_texts, n_samples):
        return _best_of(self._lime) / _best_of(self._sklime)

    track_speedup.unit = "x"


if __name__ == "__main__":  # run the benchmarks' logic once, by hand
    import itertools
    from functools import partial

    for cls in (ImageExplainerVsLime, ImageBatch, TextExplainerVsLime):
        grid = cls.params if isinstance(cls.params[0], list) else [cls.params]
        for args in itertools.product(*grid):
            bench = cls()
            bench.setup(*args)
            timings = {}
            for name in sorted(dir(bench)):
                if name.startswith("time_"):
                    timings[name] = _best_of(partial(getattr(bench, name), *args), 1)
            ratio = bench.track_speedup(*args)
            shown = ", ".join(f"{k[5:]} {v:.3f} s" for k, v in timings.items())
            print(f"{cls.__name__}{args}: {shown}; speedup (lime/sklime) {ratio:.1f}x")
