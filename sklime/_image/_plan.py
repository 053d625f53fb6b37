"""ImagePlan: the :class:`~sklime._engine._plan.Plan` of images.

An image's interpretable features are its superpixels; a sample switches
each on with probability 1/2 (the first sample is the image itself) and
shows a hidden superpixel in its mean colour or ``hide_color``. The masks
are padded to ``padded_width(p)`` columns (zero in every sample: they change
neither the distances nor the surrogate), and each image is its own chunk:
its kernels always run on the same shapes, so its explanation is bit for
bit the same alone or in any batch. An image's random stream is keyed by
its pixels (:func:`~sklime._sampling._content.content_digest`).
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._plan import ItemPlanMixin
from .._engine._precision import x64_scope
from .._sampling._content import content_digest, digest_row
from .._sampling._masks import masks_from_uniform
from .._surrogate._fit import sample_weights
from ._segmentation import hide_image

__all__ = ["ImagePlan", "auto_batch", "perturb_images"]

#: Bytes of perturbed images in one call of the black box (batch_size="auto").
_BATCH_BYTES = 2**23


@jax.jit
def _bernoulli_masks(u, n_segments):
    """Feature-major masks ``(b, P, n)``: the image, then superpixels on w.p. 1/2.

    ``u`` are ``(b, P, n - 1)`` uniforms or raw words, one row per
    superpixel: the numbers of superpixel ``j`` come at the same place of
    the image's stream whatever the padded width ``P``. Columns ``>=
    n_segments`` are padding, zero everywhere.
    """
    real = jnp.arange(u.shape[1])[None, :] < n_segments[:, None]  # (b, P)
    rest = masks_from_uniform(u, 0.5, bool) & real[:, :, None]
    return jnp.concatenate([real[:, :, None], rest], axis=2).astype(jnp.float64)


@jax.jit
def perturb_images(image, hidden, segments, masks):
    """Perturbed images ``(s, H, W, C)`` from masks ``(s, P)`` (bool).

    Pixel ``(y, x)`` of image ``k`` is ``image[y, x]`` when superpixel
    ``segments[y, x]`` is on in ``masks[k]``, else ``hidden[y, x]``.
    """
    # An arithmetic blend vectorizes better than a select on the CPU and is
    # exact for 0/1 weights: x * 1 + h * 0 == x, x * 0 + h * 1 == h.
    keep = masks.astype(image.dtype)[:, segments][..., None]  # (s, H, W, 1)
    return image[None] * keep + hidden[None] * (1 - keep)


def auto_batch(n_samples, image_bytes):
    """Equal slices of at most ``_BATCH_BYTES`` of images each."""
    cap = max(1, min(n_samples, _BATCH_BYTES // max(image_bytes, 1)))
    calls = -(-n_samples // cap)
    return -(-n_samples // calls)


class ImagePlan(ItemPlanMixin):
    """Images to explain, their superpixels and hidden colours.

    Parameters
    ----------
    images : ndarray of shape (n, H, W, C)
    layout : {"gray", "single", "batch"}
        How the user gave the images (grayscale images reach the black box
        as ``(m, H, W)``).
    segments : ndarray of shape (n, H, W) of int32
    widths : ndarray of shape (n,)
        Superpixels of each image.
    hide_color : ndarray or None
    kernel_width : float
    metric : {"cosine", "euclidean"}
    batch_size : int
        Samples per call of the black box (padding of the last slice).
    kernel : callable, default=None
        ``None`` is the exponential kernel; else ``kernel(distances,
        kernel_width)`` on numpy distances ``(size, n)`` (see
        :func:`~sklime._surrogate._fit.sample_weights`).
    """

    stream_dtype = np.float32
    dtype = np.float64

    def __init__(
        self,
        images,
        layout,
        segments,
        widths,
        hide_color,
        *,
        kernel_width,
        metric,
        batch_size,
        kernel=None,
    ):
        self.images = images
        self.layout = layout
        self.segments = segments
        self._widths = np.asarray(widths, dtype=int)
        self.hide_color = hide_color
        self.kernel_width = float(kernel_width)
        self.metric = metric
        self.batch_size = int(batch_size)
        self.kernel = kernel
        self.n_items = images.shape[0]

    def stream_rows(self, items):
        images = self.images
        return np.concatenate(
            [
                digest_row(
                    content_digest(
                        str(images.dtype).encode(),
                        np.asarray(images.shape[1:], np.int64).tobytes(),
                        np.ascontiguousarray(images[i]),
                    )
                )
                for i in items
            ]
        )

    def n_random(self, width):
        return width

    def sample(self, u, items, width):
        masks = _bernoulli_masks(u, jnp.asarray(self._widths[items]))
        return masks, masks

    def _arrays(self, i):
        """The image, its hidden version and its superpixels, on the device."""
        hidden = hide_image(
            self.images[i], self.segments[i], self._widths[i], self.hide_color
        )
        with x64_scope():
            return (
                jnp.asarray(self.images[i]),
                jnp.asarray(hidden),
                jnp.asarray(self.segments[i]),
            )

    def model_input(self, items):
        i = items[0]
        args = self._arrays(i)
        P = self.padded_width(self._widths[i])
        batch = self.batch_size

        def build(block):
            m = block.shape[0]
            masks = np.zeros((batch, P), dtype=bool)
            masks[:m] = block[:, :P] > 0.5
            with x64_scope():
                out = perturb_images(*args, masks)
            out = np.array(np.asarray(out)[:m])  # writable, like lime's
            return out[..., 0] if self.layout == "gray" else out

        return build

    def device_input(self, S, items):
        out = perturb_images(*self._arrays(items[0]), S[0].T > 0.5)
        return (out[..., 0] if self.layout == "gray" else out)[None]

    def weights(self, Z):
        return sample_weights(
            Z, self.kernel_width, self.metric, kernel=self.kernel, feature_major=True
        )
