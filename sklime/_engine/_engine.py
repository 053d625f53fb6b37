"""The engine: explains the items of any :class:`~sklime._engine._plan.Plan`.

One data path for every explainer::

    items ─ group by padded width ─▶ chunks (of 1, 8, 64 or a full chunk)
      ─▶ each item's uniforms (seed + stream row)  ─▶ plan.sample: S, Z
      ─▶ plan.weights(Z), the samples' half of the design (dispatched)
      ─▶ black box on S (numpy slices, or jitted on the device)
      ─▶ surrogate fits, item by item ─▶ numpy results

A request's items go in chunks of 1, 8, 64 or the plan's chunk size,
whichever computes them cheapest (padding repeats the first item and is
never shown to the model): one row is a chunk of one. Every kernel computes a
chunk's items elementwise or one at a time
(:func:`~sklime._engine._rowwise.map_rows`), so an item's result is bit for
bit the same alone and in any batch. The kernel weights and the samples'
half of the surrogate's design are dispatched before the black box runs, so
JAX computes them during the model's call. Chunk ``c + 1`` is sampled by a
worker thread while the black box runs on chunk ``c``; with ``n_jobs``
chunks go to joblib.
"""

from concurrent.futures import ThreadPoolExecutor

import jax.numpy as jnp
import numpy as np
from joblib import delayed

from .._sampling import _random
from .._surrogate._fit import (
    coef_standard_errors,
    fit_surrogates,
    prepare_surrogates,
)
from .._surrogate._selection import resolve_method
from .._surrogate._user import fit_user_surrogates
from ._heap import keep_freed_memory
from ._labels import resolve_labels
from ._model import ModelCaller, host_samples
from ._parallel import progress_bar, run_parallel
from ._precision import x64_scope
from ._shapes import pad_rows

__all__ = ["Engine"]

_RESULTS = ("coef", "intercept", "score", "local_pred")
#: Results with one value per interpretable feature (zero beyond a width).
_PADDED = ("coef", "coef_se")


class Engine:
    """Explain items: sampling, black-box calls and surrogate fits in chunks.

    Parameters
    ----------
    fn : callable
        The black box (already resolved from ``predict_fn``).
    n_samples : int
        Samples per item, the item itself included.
    seed : int
        Base seed (:func:`sklime._sampling._random.base_seed`).
    alpha : float
        Ridge strength of the surrogates.
    feature_selection : str
        As :func:`sklime._surrogate._selection.resolve_method` takes it.
    n_features : int or None
        Features each surrogate keeps; ``None`` keeps all of a chunk's.
    labels, top_labels
        Which outputs to explain (:func:`~sklime._engine._labels.resolve_labels`).
    n_outputs : int or None
        Outputs the black box returns, when known (checked on every call).
    binary : bool, default=False
        A 1-D output is a binary classifier's probability of class 1.
    batch_size : int or None, default=None
        Most samples per call of the black box; ``None``: one call per item.
    prior : ndarray of shape (n_outputs, p), default=None
        G-LIME prior the ridge shrinks toward, per output.
    surrogate : regressor, default=None
        A user's surrogate instead of the built-in ridge.
    device_model : DeviceModel, default=None
        ``jax_model=True``: the black box runs jitted on the device.
    fit : callable, default=None
        Replaces the surrogate fit: ``fit(Z, Y, w, labels)`` with a padded
        chunk's interpretable samples ``Z (size, P, n)``, the explained
        outputs ``Y (size, n, L)``, the weights ``w (size, n)`` and labels
        ``(size, L)`` returns ``coef (size, L, P)``, ``intercept``,
        ``score`` and ``local_pred`` ``(size, L)`` (Kernel SHAP's
        constrained fit).
    n_jobs : int or None, default=None
    verbose : int, default=0
    """

    def __init__(
        self,
        fn,
        *,
        n_samples,
        seed,
        alpha=1.0,
        feature_selection="auto",
        n_features=None,
        labels=None,
        top_labels=None,
        n_outputs=None,
        binary=False,
        batch_size=None,
        prior=None,
        surrogate=None,
        device_model=None,
        fit=None,
        n_jobs=None,
        verbose=0,
    ):
        self.n_samples = int(n_samples)
        self.seed = seed
        self.alpha = float(alpha)
        self.feature_selection = feature_selection
        self.n_features = n_features
        self.labels = labels
        self.top_labels = top_labels
        self.n_outputs = n_outputs
        self.prior = prior
        self.surrogate = surrogate
        self.device_model = device_model
        self.fit = fit
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.caller = ModelCaller(fn, batch_size, n_outputs=n_outputs, binary=binary)

    # -- the whole run -----------------------------------------------------------

    def run(self, plan, items=None, index=None, with_se=False):
        """Explain ``items`` of ``plan`` (default: all of them).

        ``index`` gives the items' positions in the caller's input, named in
        error messages (default: ``items``). With ``with_se`` the results
        also hold ``coef_se``, the coefficients' standard errors.

        Returns
        -------
        dict of ndarray
            ``coef (b, L, max width)`` (0 beyond an item's own features),
            ``intercept, score, local_pred, labels (b, L)``,
            ``model_pred (b, k)``, in the order of ``items``.
        """
        keep_freed_memory()
        items = np.arange(plan.n_items) if items is None else np.asarray(items)
        index = items if index is None else np.asarray(index)
        widths = np.asarray(plan.widths())[items]
        chunks = self._chunks(plan, widths)
        progress = progress_bar(self.verbose, len(chunks))
        if len(chunks) == 1:
            pos, P, size = chunks[0]
            results = [self._one(plan, items[pos], index[pos], P, size, with_se)]
        elif self.n_jobs in (None, 1):
            results = self._pipelined(plan, items, index, chunks, with_se, progress)
        else:
            tasks = (
                delayed(self._one)(plan, items[pos], index[pos], P, size, with_se)
                for pos, P, size in chunks
            )
            results = run_parallel(self.n_jobs, tasks, progress)
        out = _combine(chunks, results, widths)
        _check_finite(out, index)  # every chunk's rows named at once
        return out

    def _chunks(self, plan, widths):
        """``(positions, padded width, chunk size)`` of every chunk."""
        n_labels = 1 if self.labels is None else np.atleast_1d(self.labels).size
        chunks = []
        padded = np.array([plan.padded_width(int(p)) for p in widths], dtype=int)
        for P in np.unique(padded):
            pos = np.flatnonzero(padded == P)
            size = int(plan.chunk_size(int(P), self.n_samples, n_labels))
            for start in range(0, pos.size, size):
                part = pos[start : start + size]
                shape = _fitting_size(part.size, size)
                chunks += [
                    (part[s : s + shape], int(P), shape)
                    for s in range(0, part.size, shape)
                ]
        return chunks

    def _pipelined(self, plan, items, index, chunks, with_se, progress):
        """Chunk after chunk; the next is sampled while the model runs.

        A worker thread draws chunk ``c + 1``'s numbers, runs its sampling
        kernel and lays its samples out for the model (:meth:`prepare`) while
        this thread calls the model on chunk ``c`` and dispatches its fit
        (asynchronously, JAX). The work done per chunk is the same as without
        the thread, so results are unchanged.
        """
        results = []
        with ThreadPoolExecutor(max_workers=1) as worker:

            def prepare(c):
                pos, P, size = chunks[c]
                return worker.submit(self.prepare, plan, items[pos], P, size)

            pending = prepare(0)
            for c, (pos, _, _) in enumerate(chunks):
                current = pending.result()
                if c + 1 < len(chunks):
                    pending = prepare(c + 1)
                results.append(
                    self.finish(plan, *current, index[pos], with_se, materialize=False)
                )
                if progress is not None:
                    progress.update(1)
        if progress is not None:
            progress.close()
        return [_materialize(r) for r in results]

    def _one(self, plan, items, index, P, size, with_se):
        return self.finish(plan, *self.prepare(plan, items, P, size), index, with_se)

    # -- one chunk ---------------------------------------------------------------

    def sample(self, plan, items, width, size):
        """Draw a chunk's numbers and start sampling it (asynchronously).

        Returns ``(items, padded items, S, Z)``. On the CPU the numbers are
        NumPy's, for the real items only (raw words when the plan takes
        float32); elsewhere JAX draws them on the device for the padded
        chunk, one compiled shape.
        """
        b = len(items)
        padded = np.concatenate([items, np.repeat(items[:1], size - b)])
        shape = (plan.n_random(width), self.n_samples - 1)
        if _random._use_host_generator():  # looked up, so tests can patch it
            rows = plan.stream_rows(items)
            if np.dtype(plan.stream_dtype) == np.float32:
                u = _random.row_bits(self.seed, rows, shape)
            else:
                u = _random.row_uniforms(self.seed, rows, shape, plan.stream_dtype)
            u = pad_rows(u, size, repeat=True)
        else:
            with x64_scope():
                rows = plan.stream_rows(padded)
                u = _random.row_uniforms(self.seed, rows, shape, plan.stream_dtype)
        with x64_scope():
            S, Z = plan.sample(u, padded, width)
        return items, padded, S, Z

    def prepare(self, plan, items, width, size):
        """:meth:`sample`, and the samples laid out for the model.

        Returns ``(items, padded items, S, Z, samples)``: ``samples`` are the
        real items' samples on the host, samples-major ``(b, n, m)``, C
        order, read-only; ``None`` when the model runs on the device.
        """
        items, padded, S, Z = self.sample(plan, items, width, size)
        samples = None
        if self.device_model is None:
            samples = np.asarray(S)[: len(items)]
            if not getattr(plan, "samples_major", False):
                samples = samples.transpose(0, 2, 1)
            samples = host_samples(samples)
        return items, padded, S, Z, samples

    def finish(
        self, plan, items, padded, S, Z, samples, index, with_se=False, materialize=True
    ):
        """Call the model on a prepared chunk and fit its surrogates.

        With ``materialize=False`` the results stay on the device (JAX still
        computing them) so that the caller can go on with the next chunk's
        model calls; :func:`_materialize` waits for them.
        """
        b, size, dtype = len(items), len(padded), plan.dtype
        with x64_scope():  # dispatched now, computed while the model runs
            pre = self._prefit(plan, Z)
        if self.device_model is not None:
            with x64_scope():
                Y = self.device_model(plan.device_input(S, padded), index)
            model_pred = np.asarray(Y[:, 0, :])[:b]  # (no slice kernel per b)
        else:
            Y = self.caller.per_row(samples, index, plan.model_input(items))
            model_pred = Y[:, 0, :].copy()  # a view would keep all of Y alive
        labels = resolve_labels(self.labels, self.top_labels, model_pred)
        with x64_scope():
            if self.device_model is not None:  # Y is padded already, on the device
                take = jnp.asarray(pad_rows(labels, size))[:, None, :]
                Yl = jnp.take_along_axis(Y, take, axis=2)
            else:
                Yl = pad_rows(np.take_along_axis(Y, labels[:, None, :], axis=2), size)
            fit = self._fit(plan, Z, jnp.asarray(Yl, dtype), labels, b, with_se, *pre)
        out = dict(fit, model_pred=model_pred, labels=labels, _rows=index)
        return _materialize(out) if materialize else out

    def _prefit(self, plan, Z):
        """What the fit needs before the model's outputs: ``(w, prepared)``.

        The kernel weights and, for the built-in ridge, the samples' half of
        its design (:func:`~sklime._surrogate._fit.prepare_surrogates`),
        both dispatched to JAX before the black box is called, so that they
        are computed while it runs.
        """
        w = plan.weights(Z).astype(plan.dtype)
        if self.fit is not None or self.surrogate is not None:
            return w, None
        return w, prepare_surrogates(Z, w, fm=True)

    def _fit(self, plan, Z, Yl, labels, b, with_se, w, prepared):
        size, width = Z.shape[0], Z.shape[1]
        dtype = plan.dtype
        if self.fit is not None:
            return self.fit(Z, Yl, w, pad_rows(labels, size))
        k = width if self.n_features is None else int(self.n_features)
        method = resolve_method(self.feature_selection, k)
        if self.surrogate is not None:
            Zs = jnp.swapaxes(Z, 1, 2).astype(dtype)  # samples-major
            full = fit_user_surrogates(
                self.surrogate, Zs, Yl, w, method=method, n_features=k, n_real=b
            )
        else:
            prior = None
            if self.prior is not None:
                prior = jnp.asarray(pad_rows(self.prior[labels], size), dtype)
            fit = fit_surrogates(
                Z,
                Yl,
                w,
                alpha=self.alpha,
                method=method,
                n_features=k,
                prior=prior,
                feature_major=True,
                prepared=prepared,
            )
            full = fit._asdict()
        if with_se:
            full = {key: np.asarray(v) for key, v in full.items()}
            se = coef_standard_errors(
                Z,
                Yl,
                w,
                jnp.asarray(full["coef"], dtype),
                jnp.asarray(full["intercept"], dtype),
                self.alpha,
                fm=True,
                n_kept=None if method == "none" else k,
            )
            full["coef_se"] = np.asarray(se)
        return full


#: Chunk shapes below a plan's own chunk size (each compiles once).
_SMALL_CHUNKS = (1, 8, 64)


def _fitting_size(n, size):
    """The chunk shape for ``n`` items when a chunk holds at most ``size``.

    Among 1, 8, 64 and ``size`` (a few shapes, each compiled once), the one
    that computes ``n`` items cheapest, by a chunk costing a fixed part worth
    ``size / 8`` items (dispatch, the model's call, the kernels' fixed costs:
    about 1 ms on the CPU, an eighth of a full chunk's work) plus one part per
    item it holds, padding included: one row is a chunk of one, five rows at
    a chunk size of 8 one chunk of 8.

    Every kernel computes a chunk's items elementwise or one at a time
    (:func:`~sklime._engine._rowwise.map_rows`), so the shape changes only
    how much padding is computed, never an item's bits.
    """
    shapes = sorted({s for s in _SMALL_CHUNKS if s < size} | {int(size)})
    fixed = size / 8
    return min(shapes, key=lambda s: (-(-int(n) // s) * (fixed + s), s))


def _materialize(out):
    """Numpy arrays of the real rows (waits for the device if needed)."""
    index = out.pop("_rows")
    return {k: np.asarray(v)[: len(index)] for k, v in out.items()}


def _check_finite(out, index):
    """Refuse to return surrogates that overflowed (NaN or infinity)."""
    finite = np.ones(len(index), dtype=bool)
    for k in _RESULTS:
        finite &= np.isfinite(out[k]).reshape(len(index), -1).all(axis=1)
    if not finite.all():
        rows = np.asarray(index)[~finite]
        raise ValueError(
            f"The surrogates of rows {rows[:5].tolist()}"
            f"{'...' if rows.size > 5 else ''} of X are not finite (numeric "
            "overflow): these rows lie too far from the training data, or the "
            "model's outputs, the kernel weights or the prior are too large, for "
            f"{out['coef'].dtype.name} arithmetic."
        )


def _combine(chunks, results, widths):
    """The chunks' results, in item order; ``coef`` zero beyond each width."""
    n, W = widths.size, int(widths.max())
    first = results[0]
    L = first["labels"].shape[1]
    out = {}
    for key, value in first.items():
        shape = value.shape[1:-1] + (W,) if key in _PADDED else value.shape[1:]
        out[key] = np.zeros((n,) + shape, value.dtype)
    for (pos, _, _), res in zip(chunks, results):
        if res["labels"].shape[1] != L:
            raise ValueError(
                "every item must explain the same number of labels; got "
                f"{L} and {res['labels'].shape[1]}."
            )
        for key, value in res.items():
            if key not in _PADDED:
                out[key][pos] = value
            elif (widths[pos] == value.shape[-1]).all():
                out[key][pos, ..., : value.shape[-1]] = value
            else:
                for r, i in enumerate(pos):
                    out[key][i, ..., : widths[i]] = value[r, ..., : widths[i]]
    return out
