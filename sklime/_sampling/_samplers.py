"""Former home of the public samplers, now split by idea (kept for importers).

The samplers live in :mod:`._gaussian`, :mod:`._masks`, :mod:`._categorical`,
:mod:`._truncnorm` and :mod:`._binned`, their argument checks in
:mod:`._checks`. This module re-exports them for the modules that still
import from here: ``sklime._surrogate._ridge`` (``_real_array``) and
``sklime._tabular._discretizer``, whose ``Discretizer.sample`` reads the
tables' ``"mean"`` entry and passes every entry to the kernel; the two
adapters below give it that form on top of the one in-bin kernel.
"""

import numpy as np

from . import _truncnorm
from ._binned import binned_from_uniform, binned_tables, sample_binned
from ._categorical import (
    categorical_cdf,
    categorical_from_uniform,
    category_lookup,
    sample_categorical,
)
from ._checks import _real_array, random_words
from ._gaussian import gaussian_from_uniform, sample_gaussian
from ._masks import apply_masks, masks_from_uniform, sample_masks
from ._truncnorm import sample_truncated_normal

__all__ = [
    "_real_array",
    "apply_masks",
    "binned_from_uniform",
    "binned_tables",
    "categorical_cdf",
    "categorical_from_uniform",
    "category_lookup",
    "gaussian_from_uniform",
    "masks_from_uniform",
    "random_words",
    "sample_binned",
    "sample_categorical",
    "sample_gaussian",
    "sample_masks",
    "sample_truncated_normal",
    "truncnorm_from_uniform",
    "truncnorm_tables",
]


def truncnorm_tables(mean, std, lower, upper, dtype=np.float64):
    """:func:`sklime._sampling._truncnorm.truncnorm_tables`, plus ``mean``.

    ``mean`` is the location ``a`` under its former name.

    Parameters
    ----------
    mean, std, lower, upper : array-like, broadcastable to one shape
        The laws.
    dtype : float dtype, default=float64
        Of the tables.

    Returns
    -------
    tables : dict of ndarray
        ``a``, ``b``, ``c``, ``d``, ``lower``, ``upper`` and ``mean``.
    """
    tables = _truncnorm.truncnorm_tables(mean, std, lower, upper, dtype)
    return {**tables, "mean": tables["a"]}


def truncnorm_from_uniform(u, mean=None, **tables):
    """:func:`sklime._sampling._truncnorm.truncnorm_from_uniform`; ignores ``mean``.

    Parameters
    ----------
    u : array of uniforms in [0, 1), or uint32 words
        Taken in float32.
    mean : array, default=None
        The former name of ``a``, which ``tables`` holds too; not read.
    **tables : arrays
        ``a``, ``b``, ``c``, ``d``, ``lower``, ``upper``.

    Returns
    -------
    values : jax array
        In ``[lower, upper]``.
    """
    return _truncnorm.truncnorm_from_uniform(u, **tables)
