"""Feature groups with baselines (Captum's ``feature_mask`` / ``baselines``).

With groups the interpretable features are the groups: a sample switches
each group on or off with probability 1/2 (the first sample has every group
on); a column whose group is off takes its baseline value. The surrogate sees
the binary masks, and distances are measured between masks.
"""

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .._sampling._masks import masks_from_uniform
from .._similarity._kernels import unit_distance_weight

__all__ = ["GroupPlan", "resolve_groups", "sample_groups"]


def resolve_groups(spec, n_features, feature_names):
    """Group index per column, and the group names.

    Parameters
    ----------
    spec : array-like of int of shape (n_features,), or dict
        An integer group id per column, or ``{name: [columns]}`` with columns
        given by index or name; columns in no group of the dict form their
        own single-column group, named after the column.
    n_features : int
    feature_names : array-like of str
        Column names (``x0, x1, ...`` when the data had none).

    Returns
    -------
    index : ndarray of int, shape (n_features,)
        Position of each column's group in ``names``.
    names : ndarray of str objects, shape (n_groups,)

    Examples
    --------
    >>> index, names = resolve_groups({"size": [0, 2]}, 3, ["a", "b", "c"])
    >>> index.tolist(), names.tolist()
    ([0, 1, 0], ['size', 'b'])
    >>> index, names = resolve_groups([5, 5, 7], 3, ["a", "b", "c"])
    >>> index.tolist(), names.tolist()
    ([0, 0, 1], ['group 5', 'group 7'])
    """
    names_in = [str(f) for f in feature_names]
    if isinstance(spec, dict):
        lookup = {name: j for j, name in enumerate(names_in)}
        index = np.full(n_features, -1)
        names = []
        for g, (name, columns) in enumerate(spec.items()):
            cols = np.atleast_1d(np.asarray(columns, dtype=object))
            if cols.size == 0:
                raise ValueError(f"feature_groups[{name!r}] is empty.")
            for c in cols.tolist():
                j = lookup.get(c) if isinstance(c, str) else c
                if (
                    not isinstance(j, int | np.integer)
                    or not -n_features <= j < n_features
                ):
                    raise ValueError(
                        f"feature_groups[{name!r}] names an unknown column {c!r}."
                    )
                j = int(j) % n_features
                if index[j] >= 0:
                    raise ValueError(
                        f"column {names_in[j]!r} is in two groups of feature_groups."
                    )
                index[j] = g
            names.append(str(name))
        for j in np.flatnonzero(index < 0):
            index[j] = len(names)
            names.append(names_in[j])
        return index, np.asarray(names, dtype=object)
    ids = np.asarray(spec)
    if ids.shape != (n_features,) or ids.dtype.kind not in "iu":
        raise ValueError(
            "feature_groups must be a dict {name: [columns]} or an array of "
            f"{n_features} integer group ids (one per column); got {spec!r}."
        )
    uniques, index = np.unique(ids, return_inverse=True)
    return index.astype(int), np.asarray([f"group {u}" for u in uniques], dtype=object)


@dataclass
class GroupPlan:
    """Grouped sampling: group of each column, group names, baseline values.

    ``baseline`` is in the encoded numeric space (category codes for
    categorical columns).
    """

    index: np.ndarray
    names: np.ndarray
    baseline: np.ndarray

    @classmethod
    def from_training(cls, X, spec, feature_names, categorical, baseline, encode_row):
        """Resolve the groups and the baseline from training rows ``X`` (encoded).

        ``baseline=None`` is the training mean of numeric columns and the most
        frequent category of categorical ones; a scalar replaces the numeric
        columns' baseline; an array-like of one value per column is encoded
        with ``encode_row`` (so categorical columns take category values).
        """
        n, d = X.shape
        index, names = resolve_groups(spec, d, feature_names)
        base = X.mean(axis=0)
        for j in categorical:
            values, counts = np.unique(X[:, j], return_counts=True)
            base[j] = values[np.argmax(counts)]
        if baseline is not None:
            value = np.asarray(baseline, dtype=object)
            if value.ndim == 0:
                numeric = np.setdiff1d(np.arange(d), categorical)
                try:
                    base[numeric] = float(baseline)
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        f"baseline must be a number or one value per column; got {baseline!r}."
                    ) from exc
            elif value.shape == (d,):
                base = encode_row(value)
            else:
                raise ValueError(
                    f"baseline must be None, a number or {d} values (one per column); "
                    f"got shape {value.shape}."
                )
        if not np.isfinite(base).all():
            raise ValueError("baseline must be finite.")
        return cls(index=index, names=names, baseline=base)

    @property
    def n_groups(self):
        return self.names.size

    @property
    def n_interpretable(self):
        """Interpretable features: one per group."""
        return self.n_groups

    @property
    def column_groups(self):
        """The group of every column, ``(d,)``."""
        return self.index

    def interpretable_names(self, names):
        """Names of the interpretable features: the groups'."""
        return self.names

    def category_codes(self, X, discretizer=None):
        """No codes: a group's samples draw no categories (``(n, 0)``)."""
        return np.zeros((X.shape[0], 0), dtype=np.int32)

    def device_tables(self, dtype, kernel_width=1.0):
        return {
            "index": jnp.asarray(self.index, jnp.int32),
            "baseline": jnp.asarray(self.baseline, dtype),
            "p_on": jnp.asarray(0.5, jnp.float32),
            # GLIME: each group is on independently with 1 / (1 + c).
            "p_glime": jnp.asarray(
                1 / (1 + unit_distance_weight(kernel_width)), jnp.float32
            ),
        }

    def sample(self, u, X, codes, tables, glime=False):
        return sample_groups(u, X, tables, glime)

    def n_random(self, n_features):
        return self.n_groups


@partial(jax.jit, static_argnames=("glime",))
def sample_groups(u, X, tables, glime=False):
    """Binary group masks and the model inputs they give.

    Parameters
    ----------
    u : float or uint32 array (b, n_groups, n_samples - 1)
        Uniform numbers (feature-major; or :func:`~sklime._sampling._random.row_bits`
        words); a group is on where ``u < p_on``
        (:func:`sklime._sampling._masks.masks_from_uniform`).
    X : array (b, d)
        The instances.
    tables : dict
        ``index`` (d,) group of each column, ``baseline`` (d,), ``p_on`` and
        ``p_glime`` (probability that a group is on for LIME and GLIME).
    glime : bool, default=False
        GLIME: the Euclidean exponential kernel ``c**(number of groups off)``
        with ``c = exp(-1 / (2 width**2))`` folded into the draw, which makes
        each group on independently with probability ``1 / (1 + c)``.

    Returns
    -------
    X_model : array (b, d, n_samples)
        Instance values where the column's group is on, baseline elsewhere;
        the first sample is the instance (feature-major).
    Z : float32 array (b, n_groups, n_samples)
        The masks, first sample all ones.
    """
    p_on = tables["p_glime"] if glime else tables["p_on"]
    masks = masks_from_uniform(u, p_on)
    masks = jnp.pad(masks, ((0, 0), (0, 0), (1, 0)), constant_values=1)  # all on
    on = masks[:, tables["index"], :] > 0
    X_model = jnp.where(on, X[:, :, None], tables["baseline"][:, None])
    return X_model, masks
