"""Tabular sampling plan: what ``fit`` learns, and the JAX kernel that uses it.

``lime.lime_tabular`` samples in one of two ways:

- **discretized** (the default): every feature is a "category" (the bin of a
  continuous feature, the value of a categorical one); samples draw the
  category by its training frequency, continuous values inside the drawn
  bin from the bin's truncated normal. The interpretable representation is
  binary: "same category as the instance".
- **continuous**: continuous features are Gaussian around the training mean
  (or the instance) with the training standard deviation; the surrogate sees
  them standardised. Categorical features are drawn by frequency and seen as
  binary "same value as the instance".

:class:`TabularPlan` holds the tables (numpy, picklable) and
:func:`sample_tabular` draws ``(b, n_samples, d)`` model inputs and the
matching interpretable samples from one uniform number per value, composed
of the public kernels of :mod:`sklime._sampling` (``categorical_from_uniform``,
``category_lookup``, ``binned_from_uniform``, ``gaussian_from_uniform``).
"""

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.preprocessing import StandardScaler

from .._sampling._binned import binned_from_uniform, binned_tables
from .._sampling._categorical import categorical_from_uniform, category_lookup
from .._sampling._gaussian import gaussian_from_uniform
from .._sampling._random import as_uniform
from .._sampling._truncnorm import truncnorm_tables
from .._similarity._kernels import unit_distance_weight
from ._bins import sampling_bounds

__all__ = ["TabularPlan", "sample_tabular"]

#: The tables of :meth:`TabularPlan.device_tables` with one row per category.
_PER_CATEGORY = ("cdf", "a", "b", "c", "d", "lower", "upper", "values")


@dataclass
class TabularPlan:
    """Sampling tables learned from the training data (all numpy).

    Attributes
    ----------
    discretized : bool
    is_categorical : ndarray (d,) of bool
    categories : list of ndarray or None
        Sorted training values of each categorical feature.
    frequencies : ndarray (d, K)
        Frequency of each bin / category (unused entries 0; features that are
        sampled as Gaussians get a dummy ``[1, 0, ...]``).
    truncnorm : dict of ndarray (d, K)
        In-bin sampling tables (:func:`sklime._sampling._truncnorm.truncnorm_tables`).
    values : ndarray (d, K)
        Value of each category of a categorical feature.
    mean, scale : ndarray (d,)
        ``lime``'s standardisation (``StandardScaler(with_mean=False)``; 0 and
        1 for categorical features, and for every feature when discretized).
    sample_around_instance : bool
    """

    discretized: bool
    is_categorical: np.ndarray
    categories: list
    frequencies: np.ndarray
    truncnorm: dict
    values: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    sample_around_instance: bool

    @classmethod
    def from_training(
        cls, X, categorical, discretizer=None, sample_around_instance=False
    ):
        """Learn the plan from training data ``X`` (n, d), finite floats.

        Parameters
        ----------
        X : ndarray of shape (n, d)
        categorical : ndarray of int
            Indices of categorical features (numeric codes).
        discretizer : fitted sklime.Discretizer or None
            Fitted on ``X`` with the same categorical features.
        sample_around_instance : bool
        """
        n, d = X.shape
        is_cat = np.zeros(d, dtype=bool)
        is_cat[categorical] = True
        categories = [None] * d
        cat_freqs = [None] * d
        for j in np.flatnonzero(is_cat):
            values, counts = np.unique(X[:, j], return_counts=True)
            categories[j] = values
            cat_freqs[j] = counts / n
        if discretizer is not None:
            tables = discretizer._tables()
            freqs = tables["freq"]
            mean, std = tables["mean"], tables["std"]
            lower, upper = tables["lower"], tables["upper"]
        else:
            K = max([1] + [c.size for c in categories if c is not None])
            freqs = np.zeros((d, K))
            freqs[:, 0] = 1.0
            mean = std = lower = upper = np.zeros((d, K))
        values = np.zeros_like(freqs)
        for j in np.flatnonzero(is_cat):
            k = categories[j].size
            freqs[j] = 0
            freqs[j, :k] = cat_freqs[j]
            values[j, :k] = categories[j]
        scaler = StandardScaler(with_mean=False).fit(X)
        scaler_mean = np.where(is_cat, 0.0, scaler.mean_)
        scaler_scale = np.where(is_cat, 1.0, scaler.scale_)
        if discretizer is not None:
            scaler_mean[:] = 0.0
            scaler_scale[:] = 1.0
        return cls(
            discretized=discretizer is not None,
            is_categorical=is_cat,
            categories=categories,
            frequencies=freqs,
            truncnorm=truncnorm_tables(mean, std, lower, upper),
            values=values,
            mean=scaler_mean,
            scale=scaler_scale,
            sample_around_instance=bool(sample_around_instance),
        )

    def category_codes(self, X, discretizer=None):
        """Code of every value: bin index, category index, or 0 (Gaussian).

        Raises a ``ValueError`` naming the feature for a categorical value
        that was not seen during ``fit``.
        """
        codes = np.zeros(X.shape, dtype=np.int32)
        if discretizer is not None:
            codes[:] = (
                discretizer._bins(X).astype(np.int32, copy=False) * ~self.is_categorical
            )
        for j in np.flatnonzero(self.is_categorical):
            cats = self.categories[j]
            idx = np.minimum(np.searchsorted(cats, X[:, j]), cats.size - 1)
            unseen = cats[idx] != X[:, j]
            if unseen.any():
                raise ValueError(
                    f"Categorical feature {j} has values unseen during fit: "
                    f"{np.unique(X[unseen, j])[:5].tolist()}; LIME samples "
                    "categories by their training frequency, so it cannot "
                    "explain a row with an unseen category."
                )
            codes[:, j] = idx
        return codes

    #: Every column is its own interpretable feature.
    column_groups = None

    @property
    def n_interpretable(self):
        """Interpretable features: one per column."""
        return self.is_categorical.size

    def interpretable_names(self, names):
        """Names of the interpretable features: the columns' own."""
        return names

    def n_random(self, n_features):
        """Uniform numbers needed per sample: one per feature."""
        return n_features

    def sample(self, u, X, codes, tables, glime=False):
        """Model inputs and interpretable samples (see :func:`sample_tabular`)."""
        return sample_tabular(
            u, X, codes, tables, self.discretized, self.sample_around_instance, glime
        )

    def device_tables(self, dtype, kernel_width=1.0):
        """The tables as JAX arrays (inside x64_scope), category axis first.

        The uniforms and the inverse-CDF positions are float32 (random
        numbers carry 24 bits); the values themselves (category values, bin
        means, spreads and bounds) are in ``dtype``, the dtype of the data
        and the standardisation, so that float64 data far from zero
        (timestamps, ``1e6 + 1e-3 x``) or beyond float32's range is sampled at
        its own precision and stays inside its bins.
        For every feature and category ``k`` the in-bin draw is folded into
        ``x = clip(a_k + b_k * ndtri32(c_k + d_k * u), lower_k, upper_k)``, an
        affine map of the *same* uniform ``u`` that picked the category
        (:func:`sklime._sampling._binned.binned_tables`); the bounds are the
        discretizer's right-closed bins in ``dtype``
        (:func:`sklime._tabular._discretizer.sampling_bounds`).
        """
        t = self.truncnorm
        bins = binned_tables(self.frequencies, t, dtype)
        lower, upper = sampling_bounds(t["lower"], t["upper"], dtype)
        bins.update(lower=lower.T, upper=upper.T)
        shrink, spread = glime_gaussian_factors(kernel_width)
        return {
            **{k: jnp.asarray(v) for k, v in bins.items()},  # (K, d) each
            "values": jnp.asarray(self.values.T, dtype),  # (K, d)
            "mean": jnp.asarray(self.mean, dtype),
            "scale": jnp.asarray(self.scale, dtype),
            "is_categorical": jnp.asarray(self.is_categorical),
            # GLIME: the kernel factor of one differing binary feature, and
            # the Gaussian features' kernel-weighted law (standardised units).
            "glime_c": jnp.asarray(unit_distance_weight(kernel_width), np.float32),
            "glime_shrink": jnp.asarray(shrink, dtype),
            "glime_spread": jnp.asarray(spread, dtype),
        }


def glime_gaussian_factors(kernel_width):
    """``1 / (w**2 + 1)`` and ``sqrt(w**2 / (w**2 + 1))`` for width ``w``.

    The kernel-weighted law of a standard normal around ``centre`` is
    ``N(centre + shrink * (z0 - centre), spread**2)``. Computed from
    ``1 / w`` so that no width (``1e-300`` to ``1e300``) overflows.
    """
    with np.errstate(over="ignore", under="ignore"):
        inv2 = np.square(1.0 / np.float64(kernel_width))
    shrink = 1.0 if np.isinf(inv2) else inv2 / (1 + inv2)
    return float(shrink), float(np.sqrt(1 - shrink))


def glime_remap(u, codes, cdf, c):
    """Fold the kernel into a binary "same category" draw (GLIME).

    LIME draws a category by frequency, so "same as the instance" has
    probability ``q`` (the instance category's frequency), and weights the
    sample by ``c = exp(-1 / (2 width**2))`` per differing binary feature
    (the exponential kernel of the Euclidean distance factorises over
    features). The kernel-weighted law is again independent per feature,
    with "same" of probability ``q / (q + (1 - q) c)`` and, given "different",
    the other categories in proportion to their frequencies. This maps the
    uniforms ``u`` to uniforms ``t`` whose inverse-CDF draw follows that law.

    Parameters
    ----------
    u : array (b, d, n), uniforms
    codes : int array (b, d), the instances' categories
    cdf : array (K, d), cumulative category probabilities (last row ones)
    c : scalar, kernel factor

    Returns
    -------
    t : array (b, d, n), in [0, 1)
    """
    d = cdf.shape[1]
    start = jnp.concatenate([jnp.zeros((1, d), cdf.dtype), cdf[:-1]], axis=0)
    end = cdf
    rows = jnp.arange(d)
    lo = start[codes, rows][:, :, None]
    q = end[codes, rows][:, :, None] - lo
    p_same = q / jnp.maximum(q + (1 - q) * c, 1e-30)
    inside = lo + (u / jnp.where(p_same > 0, p_same, 1)) * q
    rest = (u - p_same) / jnp.where(p_same < 1, 1 - p_same, 1) * (1 - q)
    outside = jnp.where(rest < lo, rest, rest + q)
    t = jnp.where(u < p_same, inside, outside)
    return jnp.clip(t, 0, 1 - 6e-8)


@partial(jax.jit, static_argnames=("discretized", "around", "glime"))
def sample_tabular(u, X, codes, tables, discretized, around, glime=False):
    """Turn uniform numbers into model inputs and interpretable samples.

    Arrays are *feature-major*, ``(b, d, n_samples)``: every feature's
    samples are contiguous, so the per-feature constants are broadcast along
    the long axis and XLA vectorises the kernel well on the CPU.

    Parameters
    ----------
    u : float32 or uint32 array (b, d, n_samples - 1)
        One uniform number per sampled value (:func:`sklime._sampling._random.row_uniforms`),
        or the raw words of :func:`sklime._sampling._random.row_bits`.
    X : array (b, d)
        The instances (compute dtype).
    codes : int array (b, d)
        Their codes (:meth:`TabularPlan.category_codes`).
    tables : dict
        :meth:`TabularPlan.device_tables`.
    discretized, around : bool
        Sampling mode and ``sample_around_instance``.
    glime : bool, default=False
        Draw from the kernel-weighted law (GLIME) instead: binary features
        through :func:`glime_remap`; Gaussian features from the product of
        the sampling normal ``N(centre, 1)`` and the kernel
        ``exp(-|z - z0|**2 / (2 width**2))`` in standardised units, which is
        ``N((width**2 centre + z0) / (width**2 + 1), width**2 / (width**2 + 1))``.

    Returns
    -------
    X_model : array (b, d, n_samples)
        What the black box sees, feature-major; ``X_model[:, :, 0] == X``.
    Z : float32 array (b, d, n_samples)
        Interpretable samples (binary or standardised); ``Z[:, :, 0]`` is the
        instance's own representation.
    """
    dtype = X.dtype
    b, d = X.shape
    # Sample 0 is the instance: prepend a dummy uniform and overwrite that
    # sample inside the same fused loop (cheaper than concatenating).
    u = jnp.pad(
        as_uniform(jnp.asarray(u)), ((0, 0), (0, 0), (1, 0)), constant_values=0.5
    )
    first = jax.lax.broadcasted_iota(jnp.int32, u.shape, 2) == 0
    is_cat = tables["is_categorical"][:, None]
    t = u
    if glime:
        binary = jnp.ones((d, 1), bool) if discretized else is_cat
        t = jnp.where(
            binary, glime_remap(u, codes, tables["cdf"], tables["glime_c"]), u
        )
    # (K, d, 1): per-feature tables, constant along the samples axis.
    tabs = {k: v[:, :, None] for k, v in tables.items() if k in _PER_CATEGORY}
    if discretized:
        k, in_bin = binned_from_uniform(t, tabs)
    else:
        k = categorical_from_uniform(t, tabs["cdf"])
    # Binary and standardised interpretable values are exact enough in
    # float32; the surrogate fit casts them to the compute dtype.
    same = (k == codes[:, :, None]).astype(jnp.float32)
    cat_values = category_lookup(tabs["values"], k)
    if discretized:
        Xs = jnp.where(is_cat, cat_values, in_bin).astype(X.dtype)
        Zs = same
        Z0 = jnp.ones((b, d), jnp.float32)
    else:
        mean, scale = tables["mean"][:, None], tables["scale"][:, None]
        z0 = (X[:, :, None] - mean) / scale
        centre = z0 if around else jnp.zeros_like(z0)
        if glime:
            shift = centre + tables["glime_shrink"] * (z0 - centre)
            spread = tables["glime_spread"]
        else:
            shift, spread = centre, 1.0
        gauss = gaussian_from_uniform(u, mean, scale, shift, spread)
        Xs = jnp.where(is_cat, cat_values.astype(dtype), gauss)
        Zs = jnp.where(is_cat, same, ((gauss - mean) / scale).astype(jnp.float32))
        Z0 = jnp.where(is_cat[:, 0], 1, (X - tables["mean"]) / tables["scale"])
    X_model = jnp.where(first, X[:, :, None], Xs)
    Z = jnp.where(first, Z0[:, :, None].astype(jnp.float32), Zs)
    return X_model, Z
