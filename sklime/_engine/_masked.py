"""The engine shared by the mask-based explainers (images, text).

An explained item (an image, a text) has ``p`` interpretable features
(superpixels, words). Its samples are binary masks ``Z (n_samples, p)``
(first row: the item itself), its model inputs are built from the masks by
the explainer, and its surrogate is fitted on the masks.

Items have different numbers of features, so the JAX kernels work on masks
padded to a width ``P = bucket(p)`` (four sizes per power of two) that
depends on the item alone. Padding columns are zero in every sample, the
item included: they change neither the cosine nor the euclidean distance to
the item, and, being constant, they get coefficient 0 in the
(intercept-centred, regularised) surrogate. Each item's surrogates are
fitted on their own (shape ``(1, n_samples, P)``), so every kernel always
runs on the same shapes for a given item: its explanation is bit-for-bit the
same alone or in any batch. (Chunks of several items, padded by repeating
the first, made one short text cost up to 16 fits; an item's model calls
and perturbed inputs cost far more than one more dispatch.)

Randomness per item comes from :func:`content_uniforms`: the base seed and a
64-bit digest of the item's bytes (image pixels, UTF-8 text), through
:func:`sklime._sampling._random.row_uniforms`.
"""

from collections import defaultdict

import jax.numpy as jnp
import numpy as np

from .._surrogate._fit import fit_surrogates, sample_weights
from .._surrogate._selection import resolve_method
from ._labels import resolve_labels
from ._model import ModelCaller, check_probabilities
from ._precision import x64_scope
from ._shapes import padded_width

__all__ = ["MaskedEngine"]


class MaskedEngine:
    """Explain items whose interpretable samples are binary masks.

    Parameters
    ----------
    fn : callable
        The black box (already resolved).
    n_samples : int
    kernel_width : float
        Width of the exponential kernel on the mask distances.
    metric : {"cosine", "euclidean"}
    alpha : float
        Ridge strength of the surrogate.
    feature_selection : str
        As :func:`sklime._surrogate._selection.resolve_method` takes it.
    n_features : int or None
        Features kept; ``None`` keeps every feature.
    labels, top_labels
        See :func:`resolve_labels`.
    """

    def __init__(
        self,
        fn,
        *,
        n_samples,
        kernel_width,
        metric,
        alpha,
        feature_selection,
        n_features,
        labels,
        top_labels,
    ):
        self.fn = fn
        self.n_samples = int(n_samples)
        self.kernel_width = float(kernel_width)
        self.metric = metric
        self.alpha = float(alpha)
        self.feature_selection = feature_selection
        self.n_features = n_features
        self.labels = labels
        self.top_labels = top_labels
        self.n_outputs = None

    def run(self, widths, draw, make_input, batch_size):
        """Explain every item.

        Parameters
        ----------
        widths : sequence of int
            Number of interpretable features ``p_i`` of each item.
        draw : callable ``(i, P) -> Z``
            The masks of item ``i``: ``(n_samples, P)`` float64 (numpy or
            JAX), 1 in the first row and 0 in columns ``>= p_i``.
        make_input : callable ``i -> (masks (m, p_i) -> model input)``
            Builds what the black box takes from a block of masks.
        batch_size : callable ``i -> int or None``
            Most samples of item ``i`` per call of the black box (``None``:
            all its samples in one call).

        Returns
        -------
        dict of ndarray
            ``coef (n, L, max p)`` (0 beyond each item's own features),
            ``intercept, score, local_pred, labels (n, L)`` and
            ``model_pred (n, k)``.
        """
        widths = np.asarray(widths, dtype=int)
        groups = defaultdict(list)
        for i, p in enumerate(widths):
            groups[padded_width(p)].append(i)
        results = {}
        for P in sorted(groups):
            for i in groups[P]:
                out = self._item(i, widths[i], P, draw, make_input, batch_size)
                results[i] = {k: v[0] for k, v in out.items()}
        n = len(widths)
        width = int(widths.max())
        L = results[0]["labels"].shape[0]
        coef = np.zeros((n, L, width))
        for i in range(n):
            coef[i, :, : widths[i]] = results[i]["coef"][:, : widths[i]]
        parts = {"coef": coef}
        for key in ("intercept", "score", "local_pred", "labels", "model_pred"):
            parts[key] = np.stack([results[i][key] for i in range(n)])
        if parts["model_pred"].shape[1] > 1:
            check_probabilities(parts["model_pred"])
        return parts

    def _item(self, i, width, P, draw, make_input, batch_size):
        """Model outputs and surrogates of item ``i``, as arrays of one row."""
        Z = draw(i, P)
        caller = ModelCaller(
            self.fn,
            batch_size(i),
            n_outputs=self.n_outputs,
            make_input=make_input(i),
        )
        Y = caller(np.asarray(Z)[:, :width])[None]  # (1, n, k)
        self.n_outputs = Y.shape[2]
        model_pred = Y[:, 0, :]
        labels = resolve_labels(self.labels, self.top_labels, model_pred)
        Yl = np.take_along_axis(Y, labels[:, None, :], axis=2)
        k = P if self.n_features is None else int(self.n_features)
        method = resolve_method(self.feature_selection, k)
        with x64_scope():
            Z = jnp.asarray(Z, jnp.float64)[None]
            w = sample_weights(Z, self.kernel_width, self.metric)
            fit = fit_surrogates(
                Z,
                jnp.asarray(Yl, jnp.float64),
                w,
                alpha=self.alpha,
                method=method,
                n_features=k,
            )
            out = {key: np.asarray(v) for key, v in fit._asdict().items()}
        out["labels"] = labels
        out["model_pred"] = model_pred
        return out
