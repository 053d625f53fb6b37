"""The Plan protocol: what an explainer tells the engine about its items.

An explainer (tabular rows, images, texts, a user's own perturbation) is an
estimator plus a *plan*. The estimator validates its input and holds what
``fit`` learned; for each ``explain`` call it builds a plan for the items
being explained and hands it to :class:`~sklime._engine._engine.Engine`,
which does the rest for every plan alike: chunks and shape buckets, each
item's random stream, black-box calls in ``batch_size`` slices (or on the
device), kernel weights, batched surrogate fits, ``n_jobs`` and progress.

A new kind of explanation is one new class that satisfies :class:`Plan`;
the engine does not change.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ._shapes import padded_width

__all__ = ["ItemPlanMixin", "Plan"]


@runtime_checkable
class Plan(Protocol):
    """How to perturb, map and weigh the items of one ``explain`` call.

    Shapes: ``b`` items in a chunk (``size >= b`` once padded by repeating
    the first item), ``n`` samples per item (sample 0 is the item itself),
    ``P`` the padded interpretable width of the chunk and ``m`` the width
    of a model-space sample. Arrays the plan returns from :meth:`sample`
    are *feature-major* (``(size, P, n)``: each feature's samples
    contiguous) and may live on the device.

    Attributes
    ----------
    n_items : int
        Items to explain (rows, images, texts).
    dtype : numpy dtype
        Precision of the samples, the weights and the surrogate fits.
    samples_major : bool, optional
        When true, :meth:`sample` returns ``S`` samples-major, ``(size, n,
        m)``, as the model takes it (no transpose on the host); Kernel SHAP's
        plan, whose model-space samples are wide.
    stream_dtype : {numpy.float32, numpy.float64}
        Precision of the uniform numbers :meth:`sample` takes. With float32
        the engine may pass the raw 32-bit words of the host generator
        instead (:func:`sklime._sampling._random.row_bits`), which the
        kernel turns into the same numbers with
        :func:`sklime._sampling._random.as_uniform`.
    """

    n_items: int
    dtype: Any
    stream_dtype: Any

    def widths(self) -> np.ndarray:
        """How many interpretable features each item has: ``(n_items,)`` int."""

    def padded_width(self, p: int) -> int:
        """The width ``P >= p`` the kernels see for an item of ``p`` features.

        Items of the same padded width share compiled kernels and chunks.
        Padding features must be constant over an item's samples (zero), so
        that they change neither distances nor the fitted surrogate.
        """

    def chunk_size(self, width: int, n_samples: int, n_labels: int) -> int:
        """Most items in one chunk of padded width ``width``."""

    def stream_rows(self, items: Sequence[int]) -> np.ndarray:
        """What identifies each item's random stream: ``(b, k)`` numbers.

        The engine draws item ``i``'s numbers from
        :func:`sklime._sampling._random.row_uniforms` of ``stream_rows([i])``
        and the seed, so equal rows get equal samples whatever their batch.
        """

    def n_random(self, width: int) -> int:
        """Uniform numbers per sample of an item of padded width ``width``."""

    def sample(self, u, items: Sequence[int], width: int) -> tuple:
        """Model-space and interpretable samples of a (padded) chunk.

        Parameters
        ----------
        u : array of shape (size, n_random(width), n - 1)
            Uniform numbers (or raw words, see ``stream_dtype``).
        items : sequence of int
            The chunk's items (``size`` of them, padding included).
        width : int
            The chunk's padded interpretable width ``P``.

        Returns
        -------
        S : array of shape (size, m, n), or (size, n, m) if ``samples_major``
            Model-space samples (what :meth:`model_input` turns into the
            black box's input); for masks, the masks themselves.
        Z : array of shape (size, P, n)
            Interpretable samples the surrogates are fitted on.
        """

    def model_input(self, items: Sequence[int]) -> Callable | None:
        """``block (k, m) numpy -> predict_fn's input`` for these items, or None.

        The engine calls it with the chunk's real items; ``None`` passes the
        block itself.
        """

    def device_input(self, S, items: Sequence[int]):
        """``jax_model=True``: the model's inputs on the device.

        Returns an array ``(size, n, ...)``: each item's ``n`` inputs as the
        JAX-traceable black box takes them. Plans whose black box cannot
        run on the device raise a ``ValueError`` that says why.
        """

    def weights(self, Z):
        """Kernel weights ``(size, n)`` of the interpretable samples ``Z``."""


class ItemPlanMixin:
    """Widths and chunks of plans whose items differ in width (images, texts).

    Each item is its own chunk, its masks padded to
    :func:`~sklime._engine._shapes.padded_width` (four widths per power of
    two): its kernels always run on the same shapes, so its explanation is
    bit for bit the same alone or in any batch. Subclasses set ``_widths``.
    """

    def widths(self):
        return self._widths

    def padded_width(self, p):
        return padded_width(p)

    def chunk_size(self, width, n_samples, n_labels):
        return 1
