"""TextPlan: the :class:`~sklime._engine._plan.Plan` of texts.

A text's interpretable features are its words; a sample removes a number of
distinct words drawn uniformly from ``1 .. d``, chosen uniformly, as
``lime`` does (the first sample is the text itself). Masks are padded to
``padded_width(p)`` columns (zero everywhere) and each text is its own
chunk, keyed by its UTF-8 bytes, so its explanation does not depend on its
batch.
"""

import jax.numpy as jnp
import numpy as np

from .._engine._plan import ItemPlanMixin
from .._sampling._content import content_digest, digest_row
from .._surrogate._fit import sample_weights
from ._indexing import Renderer

__all__ = ["TextPlan", "refuse_device_model"]


def refuse_device_model():
    """``jax_model=True`` cannot work for text: say why."""
    raise ValueError(
        "jax_model=True needs a black box of arrays; TextExplainer's takes "
        "strings, which JAX cannot trace. Use jax_model=False."
    )


def _removal_masks(u, n_words):
    """Masks ``(n, P)``: the text (first row), then ``lime``'s removals.

    ``u`` are ``(P + 1, n - 1)`` uniforms (transposed, so that the numbers of
    word ``j`` come at the same place of the text's stream whatever the
    padded width ``P``): ``u[0]`` draws how many words each sample removes,
    uniform in ``1 .. n_words`` (``lime``'s ``randint(1, d + 1)``), and the
    order of ``u[1:]`` a uniformly random order of the words, whose first
    ``size`` are removed (``lime``'s ``choice(d, size, replace=False)``): a
    word is removed when its number is at most the ``size``-th smallest of
    the sample's numbers. Columns ``>= n_words`` are padding, zero
    everywhere.

    ``u`` may be numpy (the CPU backend; numpy's sort is about 45 times
    faster than XLA's there: 6 against 265 ms for 2000 x 1024) or JAX (other
    backends), and the masks are of the same kind.
    """
    xp = np if isinstance(u, np.ndarray) else jnp
    u = u.T
    P = u.shape[1] - 1
    real = xp.arange(P) < n_words
    size = xp.minimum(1 + xp.floor(u[:, 0] * n_words).astype(np.int64), n_words)
    order = xp.where(real, u[:, 1:], 2.0)
    cut = xp.take_along_axis(xp.sort(order, axis=1), size[:, None] - 1, axis=1)
    keep = (order > cut) & real
    return xp.concatenate([real[None], keep]).astype(np.float64)


class TextPlan(ItemPlanMixin):
    """Texts to explain, cut into words.

    Parameters
    ----------
    texts : list of str
    indexed : list of IndexedText
    removed : str
        What a removed word becomes ("" for a bag of words).
    kernel_width : float
        Width of the kernel on the distances (``lime``'s width / 100).
    metric : {"cosine", "euclidean"}, default="cosine"
        Distance between a sample's mask and the text's (all ones).
    kernel : callable, default=None
        ``None`` is the exponential kernel; else ``kernel(distances,
        kernel_width)`` on numpy distances ``(size, n)`` (see
        :func:`~sklime._surrogate._fit.sample_weights`).
    """

    stream_dtype = np.float64
    dtype = np.float64

    def __init__(
        self, texts, indexed, removed, *, kernel_width, metric="cosine", kernel=None
    ):
        self.texts = texts
        self.indexed = indexed
        self.removed = removed
        self.kernel_width = float(kernel_width)
        self.metric = metric
        self.kernel = kernel
        self._widths = np.array([len(item.words) for item in indexed])
        self.n_items = len(texts)

    def stream_rows(self, items):
        return np.concatenate(
            [digest_row(content_digest(self.texts[i].encode("utf-8"))) for i in items]
        )

    def n_random(self, width):
        return width + 1

    def sample(self, u, items, width):
        masks = _removal_masks(u[0], self._widths[items[0]]).T[None]
        return masks, masks

    def model_input(self, items):
        i = items[0]
        render, p = Renderer(self.indexed[i], self.removed), self._widths[i]
        return lambda block: render(block[:, :p])

    def device_input(self, S, items):
        refuse_device_model()

    def weights(self, Z):
        return sample_weights(
            jnp.asarray(Z),
            self.kernel_width,
            self.metric,
            kernel=self.kernel,
            feature_major=True,
        )
