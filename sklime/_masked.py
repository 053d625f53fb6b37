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
:func:`sklime._random.row_uniforms`.
"""

import hashlib
from collections import defaultdict
from numbers import Integral

import jax.numpy as jnp
import numpy as np
from sklearn.exceptions import NotFittedError

from ._backend import bucket, x64_scope
from ._model import ModelCaller, check_probabilities, resolve_predict_fn
from ._random import row_uniforms
from ._selection import resolve_method
from ._surrogate import fit_surrogates, sample_weights

__all__ = [
    "MaskedEngine",
    "content_digest",
    "content_uniforms",
    "padded_width",
    "resolve_black_box",
]


def content_digest(*parts):
    """64-bit digest (int) of byte strings, e.g. an image's shape and pixels.

    Parameters
    ----------
    *parts : bytes-like
        Hashed in order, each prefixed by its length.

    Returns
    -------
    int
        In ``[0, 2**64)``.

    Examples
    --------
    >>> content_digest(b"abc") == content_digest(b"abc") != content_digest(b"abd")
    True
    """
    h = hashlib.blake2b(digest_size=8, person=b"sklime")
    for part in parts:
        view = memoryview(part).cast("B")
        h.update(len(view).to_bytes(8, "little"))
        h.update(view)
    return int.from_bytes(h.digest(), "little")


def content_uniforms(seed, digest, shape, dtype=np.float32):
    """Uniform numbers in [0, 1) from the stream of one item.

    The item's stream is :func:`sklime._random.row_uniforms`'s stream of a
    row holding the two 32-bit halves of ``digest`` (exact in float64), so it
    depends on ``seed`` and the digest only.

    Parameters
    ----------
    seed : int
    digest : int
        From :func:`content_digest`.
    shape : tuple of int
    dtype : {np.float32, np.float64}, default=np.float32

    Returns
    -------
    u : array of shape ``shape`` (numpy on the CPU backend, JAX elsewhere)
    """
    row = np.array([[digest >> 32, digest & 0xFFFFFFFF]], dtype=np.float64)
    return row_uniforms(seed, row, tuple(shape), dtype)[0]


def padded_width(p):
    """Width of the masks the kernels see for an item with ``p`` features."""
    return bucket(p, minimum=8, steps_per_octave=4)


def resolve_black_box(predict_fn, owner):
    """``resolve_predict_fn`` with errors that name the explainer."""
    try:
        return resolve_predict_fn(predict_fn, "auto")
    except NotFittedError as exc:
        raise NotFittedError(
            f"predict_fn is an unfitted {type(predict_fn).__name__}: {owner} "
            "explains a fitted model, so fit it first."
        ) from exc


def check_labels_param(labels):
    """Validate ``labels`` beyond the parameter constraints."""
    if labels is None or isinstance(labels, str | Integral):
        return
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu" or (arr < 0).any():
        raise ValueError(
            f"labels must be None, 'all', an int or a list of ints >= 0; got {labels!r}."
        )


def resolve_labels(labels, top_labels, model_pred):
    """Output indices explained for every item: ``(b, L)`` int.

    ``top_labels`` (as ``lime``): the ``top_labels`` most probable outputs of
    each item, most probable first. Else ``labels``: ``None`` is the
    predicted output (argmax), ``"all"`` every output, ints are indices. A
    black box with a single output always explains output 0.
    """
    b, k = model_pred.shape
    if k == 1:
        if labels is not None and not isinstance(labels, str):
            bad = np.atleast_1d(labels)
            if (bad != 0).any():
                raise ValueError(
                    f"labels {bad.tolist()} out of range: predict_fn returns a "
                    "single output (index 0)."
                )
        return np.zeros((b, 1), dtype=int)
    if top_labels is not None:
        order = np.argsort(-model_pred, axis=1, kind="stable")
        return order[:, : min(int(top_labels), k)]
    if labels is None:
        return np.argmax(model_pred, axis=1)[:, None]
    if isinstance(labels, str):
        return np.broadcast_to(np.arange(k), (b, k)).copy()
    arr = np.atleast_1d(np.asarray(labels)).astype(int)
    if (arr >= k).any():
        raise ValueError(
            f"labels {arr.tolist()} out of range for a model with {k} outputs."
        )
    return np.broadcast_to(arr, (b, arr.size)).copy()


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
        As :func:`sklime._selection.resolve_method` takes it.
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
