"""JAX-native black boxes: the model runs jitted, next to the sampling and the fit.

With ``LimeExplainer(jax_model=True)`` the perturbed samples never leave the
device: the chunk's samples (feature-major, ``(b, d, n)``) go through the
user's JAX function, vmapped over the rows, inside one jitted call, and its
outputs feed the surrogate fits directly. On a GPU this removes the copy of
every sample to the host and back, which otherwise dominates.
"""

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["DeviceModel"]


class DeviceModel:
    """A JAX-traceable ``predict_fn`` applied to whole chunks of samples.

    Parameters
    ----------
    fn : callable
        JAX-traceable ``(n, d) -> (n,)`` or ``(n, k)``.
    binary : bool
        A 1-D output ``p`` becomes ``[1 - p, p]``.
    lookup : list of (int, ndarray)
        Categorical columns ``j`` whose codes the model receives as the
        category values ``values[code]`` (numeric categories only).
    """

    def __init__(self, fn, binary, lookup=()):
        self.fn = fn
        self.binary = binary
        self.lookup = [(j, np.asarray(v)) for j, v in lookup]
        self._apply = jax.jit(self._outputs)

    def _inputs(self, X):
        for j, values in self.lookup:
            table = jnp.asarray(values, X.dtype)
            X = X.at[:, j].set(table[X[:, j].astype(jnp.int32)])
        return X

    def _outputs(self, samples):
        """``(b, d, n)`` samples -> ``(b, n, k)`` outputs and ``(b,)`` finiteness."""
        rows = jnp.swapaxes(samples, 1, 2)
        n = rows.shape[1]

        def one(X):
            out = jnp.asarray(self.fn(self._inputs(X)))
            if out.ndim == 2 and out.shape[1] == 1 and not self.binary:
                out = out[:, 0]
            if out.ndim == 1 and self.binary:
                out = jnp.stack([1 - out, out], axis=1)
            if out.ndim == 1:
                out = out[:, None]
            if out.ndim != 2 or out.shape[0] != n:
                raise ValueError(
                    f"predict_fn must return an array of shape ({n},) or "
                    f"({n}, n_outputs) for {n} rows; got shape {out.shape}."
                )
            if not jnp.issubdtype(out.dtype, jnp.floating):
                out = out.astype(samples.dtype)
            return out

        Y = jax.vmap(one)(rows)
        return Y, jnp.isfinite(Y).all(axis=(1, 2))

    def check(self, n_features, dtype):
        """Trace the model once (no computation): errors surface at ``fit``.

        Returns
        -------
        n_outputs : int
            Columns of the (normalised) output.
        """
        spec = jax.ShapeDtypeStruct((1, n_features, 3), dtype)
        try:
            Y, _ = jax.eval_shape(self._apply, spec)
        except ValueError:  # our own shape check, already naming the problem
            raise
        except Exception as exc:
            raise ValueError(
                "jax_model=True needs a predict_fn that JAX can trace (jax.numpy "
                f"operations on a (n, d) array); tracing it raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return Y.shape[2]

    def __call__(self, samples, b, n_outputs):
        """Outputs ``(size, n, k)`` on the device for a padded chunk of samples.

        ``b`` is the number of real rows (the rest is padding).
        """
        Y, finite = self._apply(samples)
        if Y.shape[2] != n_outputs:
            raise ValueError(
                f"predict_fn returned {Y.shape[2]} outputs per row; it returned "
                f"{n_outputs} when the explainer was fitted."
            )
        bad = np.flatnonzero(~np.asarray(finite)[:b])
        if bad.size:
            raise ValueError(
                f"predict_fn returned NaN or infinity on the samples of "
                f"{bad.size} of the {b} rows of this chunk (chunk rows "
                f"{bad[:5].tolist()})."
            )
        return Y
