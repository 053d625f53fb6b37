"""JAX-native black boxes: the model runs jitted, next to the sampling and the fit.

With ``jax_model=True`` the perturbed samples never leave the device: the
plan turns a chunk's samples into the model's inputs on the device
(:meth:`~sklime._engine._plan.Plan.device_input`, ``(size, n, ...)``), the
user's JAX function runs on them, item after item (``lax.map``: the same
program for an item in a chunk of any size), inside one jitted call, and
its outputs feed the surrogate fits directly. On a GPU this
removes the copy of every sample to the host and back, which otherwise
dominates.

The jitted function lives at module level and takes the black box as a
static argument (through :class:`_Static`, hashed by identity), so that the
explainer holds no compiled function: it pickles and clones like any other
estimator.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._model import output_matrix

__all__ = ["DeviceModel"]


class _Static:
    """A black box as a static ``jit`` argument: equal only to itself."""

    def __init__(self, fn):
        self.fn = fn

    def __hash__(self):
        return id(self.fn)

    def __eq__(self, other):
        return isinstance(other, _Static) and other.fn is self.fn


@partial(jax.jit, static_argnames=("model", "binary"))
def _outputs(model, binary, inputs):
    """``(size, n, ...)`` inputs -> ``(size, n, k)`` outputs, ``(size,)`` finiteness."""

    def one(X):
        out = output_matrix(jnp.asarray(model.fn(X)), X.shape[0], binary)
        if not jnp.issubdtype(out.dtype, jnp.floating):
            out = out.astype(inputs.dtype)
        return out

    Y = jax.lax.map(one, inputs)  # one item at a time: batch-invariant bits
    return Y, jnp.isfinite(Y).all(axis=(1, 2))


class DeviceModel:
    """A JAX-traceable ``predict_fn`` applied to whole chunks on the device.

    Parameters
    ----------
    fn : callable
        JAX-traceable: a batch of inputs ``(n, ...)`` to ``(n,)`` or ``(n, k)``.
    binary : bool
        A 1-D output ``p`` becomes ``[1 - p, p]``.
    n_outputs : int or None, default=None
        Outputs per row once known; every call checks it.
    """

    def __init__(self, fn, binary, n_outputs=None):
        self.model = _Static(fn)
        self.binary = bool(binary)
        self.n_outputs = n_outputs

    def check(self, spec):
        """Trace the model on ``spec`` (no computation): errors surface at ``fit``.

        Parameters
        ----------
        spec : jax.ShapeDtypeStruct
            The inputs of one chunk, ``(size, n, ...)``.

        Returns
        -------
        n_outputs : int
            Columns of the (normalised) output.
        """
        try:
            Y, _ = jax.eval_shape(partial(_outputs, self.model, self.binary), spec)
        except ValueError:  # our own shape check, already naming the problem
            raise
        except Exception as exc:
            raise ValueError(
                "jax_model=True needs a predict_fn that JAX can trace (jax.numpy "
                f"operations on a batch of inputs); tracing it raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return Y.shape[2]

    def __call__(self, inputs, index):
        """Outputs ``(size, n, k)`` on the device for a padded chunk.

        ``index`` are the positions, in the caller's ``X``, of the chunk's
        real items (the first ``len(index)``; the rest is padding).
        """
        Y, finite = _outputs(self.model, self.binary, inputs)
        if self.n_outputs is not None and Y.shape[2] != self.n_outputs:
            raise ValueError(
                f"predict_fn returned {Y.shape[2]} outputs per row; it returned "
                f"{self.n_outputs} when the explainer was fitted."
            )
        bad = np.flatnonzero(~np.asarray(finite)[: len(index)])
        if bad.size:
            rows = np.asarray(index)[bad]
            raise ValueError(
                f"predict_fn returned NaN or infinity on the samples of rows "
                f"{rows[:5].tolist()}{'...' if rows.size > 5 else ''} of X."
            )
        return Y
