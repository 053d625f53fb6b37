"""RowPlan: the :class:`~sklime._engine._plan.Plan` of tabular rows.

Every row of a table has the same interpretable features: the columns
(:class:`~sklime._tabular._plan.TabularPlan`, discretized or continuous,
LIME or GLIME) or groups of columns
(:class:`~sklime._tabular._groups.GroupPlan`). The fitted sampler draws a
chunk's model-space samples and interpretable samples from one uniform
number per value; a row's stream is keyed by the row's own values.
"""

import weakref
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .._engine._device_model import DeviceModel
from .._engine._engine import Engine
from .._engine._labels import label_indices
from .._engine._model import resolve_predict_fn
from .._engine._precision import x64_scope
from .._engine._shapes import chunk_rows
from .._sampling._lhs import latin_hypercube
from .._sampling._random import as_uniform, base_seed
from .._surrogate._design import surrogate_elements
from .._surrogate._fit import sample_weights

__all__ = ["RowPlan", "neighbourhood", "row_engine"]


class RowPlan:
    """Rows ``X`` to explain with a fitted tabular sampler.

    Parameters
    ----------
    sampler : TabularPlan or GroupPlan
        What ``fit`` learned: ``n_interpretable``, ``n_random``, ``sample``,
        ``device_tables``.
    X : ndarray of shape (n_rows, d)
        Encoded rows (numeric).
    codes : ndarray of shape (n_rows, c) of int32
        The rows' bin or category codes (``sampler.category_codes``).
    kernel_width : float
    metric : {"euclidean", "cosine"}
    kernel : callable or None
        ``None`` is the exponential kernel.
    glime : bool
        GLIME: the kernel is in the sampling law; every sample weighs 1.
    make_input : callable
        Encoded block -> what ``predict_fn`` takes (see ``_encoding``).
    lookup : list of (int, ndarray), default=()
        ``jax_model=True``: categorical columns whose codes the model
        receives as their (numeric) category values.
    lhs : bool, default=False
        Latin hypercube draws (``sampler="lhs"``): the uniforms of every
        non-categorical column are stratified over the row's samples
        (:func:`~sklime._sampling._lhs.latin_hypercube`); two uniforms per
        value.
    """

    stream_dtype = np.float32

    def __init__(
        self,
        sampler,
        X,
        codes,
        *,
        kernel_width,
        metric,
        kernel,
        glime,
        make_input,
        lookup=(),
        lhs=False,
    ):
        self.sampler = sampler
        self.X = X
        self.codes = codes
        self.kernel_width = float(kernel_width)
        self.metric = metric
        self.kernel = kernel
        self.glime = bool(glime)
        self.make_input = make_input
        self.lookup = tuple((int(j), np.asarray(v)) for j, v in lookup)
        self.lhs = bool(lhs)
        self.n_items = X.shape[0]
        self.dtype = X.dtype
        self.tables = device_tables(sampler, X.dtype, self.kernel_width)

    # joblib backends that run in other processes (dask, loky) pickle the plan.
    # A pickled float64 JAX array comes back as float32 outside x64_scope, so
    # the tables travel as numpy arrays and become JAX arrays again in scope.
    def __getstate__(self):
        state = self.__dict__.copy()
        state["tables"] = {k: np.asarray(v) for k, v in self.tables.items()}
        return state

    def __setstate__(self, state):
        with x64_scope():
            state["tables"] = {k: jnp.asarray(v) for k, v in state["tables"].items()}
        self.__dict__.update(state)

    def widths(self):
        return np.full(self.n_items, self.sampler.n_interpretable)

    def padded_width(self, p):
        return p

    def chunk_size(self, width, n_samples, n_labels):
        d = self.X.shape[1]
        return chunk_rows(
            n_samples, max(d, width), surrogate_elements(n_samples, width, n_labels)
        )

    def stream_rows(self, items):
        return self.X[items]

    def n_random(self, width):
        return self.sampler.n_random(self.X.shape[1]) * (2 if self.lhs else 1)

    def sample(self, u, items, width):
        if self.lhs:
            u = stratified(u, self.tables["is_categorical"])
        return self.sampler.sample(
            u,
            jnp.asarray(self.X[items]),
            jnp.asarray(self.codes[items], jnp.int32),
            self.tables,
            glime=self.glime,
        )

    def model_input(self, items):
        return self.make_input

    def device_input(self, S, items):
        columns = tuple(j for j, _ in self.lookup)
        values = tuple(jnp.asarray(v, S.dtype) for _, v in self.lookup)
        return model_rows(S, columns, values)

    def weights(self, Z):
        if self.glime:  # the kernel is in the samples already
            return jnp.ones((Z.shape[0], Z.shape[2]), self.dtype)
        return sample_weights(
            Z, self.kernel_width, self.metric, self.kernel, feature_major=True
        )


@jax.jit
def stratified(u, is_categorical):
    """Latin hypercube uniforms ``(b, d, m)`` from ``(b, 2d, m)`` uniforms.

    The first ``d`` give each column's order of strata, the last ``d`` the
    positions inside them; categorical columns keep plain uniforms (``lime``
    draws them by frequency whatever the sampling method).
    """
    d = is_categorical.shape[0]
    order, offset = u[:, :d], u[:, d:]
    strata = latin_hypercube(order, offset)
    return jnp.where(is_categorical[:, None], as_uniform(offset), strata)


@partial(jax.jit, static_argnames=("columns",))
def model_rows(S, columns, values):
    """Samples-major model rows ``(size, n, d)`` from feature-major ``S``.

    Categorical ``columns`` hold codes in ``S``; the model gets
    ``values[k][code]`` instead.
    """
    X = jnp.swapaxes(S, 1, 2)
    for j, table in zip(columns, values):
        X = X.at[..., j].set(table[X[..., j].astype(jnp.int32)])
    return X


#: Device tables of live samplers, by ``id``: building them costs ~2 ms (tens
#: of host-to-device copies), once per fitted sampler, dtype and width
#: instead of on every ``explain``. An entry goes with its sampler.
_TABLES = {}


def device_tables(sampler, dtype, kernel_width):
    """``sampler.device_tables(dtype, kernel_width)``, built once and kept."""
    where = (jax.default_backend(), str(jax.config.jax_default_device))
    key = (np.dtype(dtype).str, float(kernel_width), where)
    cache = _TABLES.get(id(sampler))
    if cache is None:
        cache = _TABLES[id(sampler)] = {}
        weakref.finalize(sampler, _TABLES.pop, id(sampler), None)
    if key not in cache:
        with x64_scope():
            cache[key] = sampler.device_tables(dtype, kernel_width)
    return cache[key]


def row_engine(est, n_samples):
    """The engine of a fitted LimeExplainer ``est`` at ``n_samples`` samples."""
    fn, _ = resolve_predict_fn(est.predict_fn, est.mode)
    labels = None if est.mode_ == "regression" else est.labels
    return Engine(
        fn,
        n_samples=n_samples,
        seed=base_seed(est.random_state),
        alpha=est.alpha,
        feature_selection=est.feature_selection,
        n_features=est.n_features,
        labels=label_indices(labels, est.n_outputs_),
        n_outputs=None if est._binary else est.n_outputs_,
        binary=est._binary,
        batch_size=None if est.batch_size == "auto" else est.batch_size,
        prior=est._prior,
        surrogate=est.surrogate,
        device_model=(
            DeviceModel(fn, est._binary, est.n_outputs_) if est.jax_model else None
        ),
        n_jobs=est.n_jobs,
        verbose=est.verbose,
    )


def neighbourhood(engine, plan, n_samples):
    """The samples of every row of ``plan``: ``(X_model, Z)``, numpy (b, n, d)."""
    items = np.arange(plan.n_items)
    p = plan.widths()[0]
    size = max(plan.chunk_size(p, n_samples, 1), items.size)
    _, _, S, Z = engine.sample(plan, items, p, size)
    b = items.size  # (b, n, d), samples-major, as the model sees them
    return (
        np.asarray(S)[:b].transpose(0, 2, 1),
        np.asarray(Z)[:b].transpose(0, 2, 1),
    )
