"""The bin layout: rows as bin codes, and the per-bin tables of the kernels.

The fitted one-hot quantile :class:`~sklime.Discretizer` puts every value in
a bin (a category for categorical features). :class:`BinLayout` turns rows
into bin codes and back (a changed bin takes its representative value: the
bin's training mean, or the category value), and pads the tables for the
jitted kernels: ``d`` features to ``D = bucket(d)`` (a padding feature has a
single bin and never changes) and every feature to ``K`` bins, the widest
feature's (padding bins are never drawn).
"""

import numpy as np

from .._engine._shapes import bucket, pad_rows

__all__ = ["BinLayout"]


class BinLayout:
    """Bin codes, representative values and padded tables of a discretizer.

    Parameters
    ----------
    discretizer : Discretizer
        Fitted, with ``encode="onehot"``.
    mutable : ndarray of shape (d,)
        1 for the features counterfactuals may change, 0 for the others.

    Attributes
    ----------
    rep : ndarray of shape (d, K)
        Representative value of every bin (0 in padding bins).
    valid : ndarray of shape (d, K), bool
        The real bins.
    mutable : ndarray of shape (d,)
    n_padded : int
        ``D``, the number of features the kernels see.
    """

    def __init__(self, discretizer, mutable):
        d = discretizer.n_features_in_
        K = int(discretizer.n_bins_.max())
        rep = np.zeros((d, K))
        valid = np.zeros((d, K), dtype=bool)
        for j in range(d):
            k = discretizer.n_bins_[j]
            valid[j, :k] = True
            means = discretizer.bin_means_[j]
            rep[j, :k] = discretizer.categories_[j] if means is None else means
        self.discretizer = discretizer
        self.rep = rep
        self.valid = valid
        self.mutable = mutable
        self.n_padded = bucket(d)

    @property
    def n_bins(self):
        """Bins of every feature, shape (d,)."""
        return self.discretizer.n_bins_

    def codes(self, X):
        """Bin (category) index of every value, from the one-hot discretizer.

        Parameters
        ----------
        X : ndarray of shape (n, d)

        Returns
        -------
        codes : ndarray of shape (n, d), int32
        """
        onehot = self.discretizer.transform(X)
        starts = np.concatenate([[0], np.cumsum(self.n_bins)[:-1]])
        return np.stack(
            [
                np.argmax(onehot[:, s : s + k], axis=1)
                for s, k in zip(starts, self.n_bins)
            ],
            axis=1,
        ).astype(np.int32)

    def values(self, X, codes, new_codes):
        """Model-space rows: representative values where the bin changed.

        Parameters
        ----------
        X : ndarray of shape (n, d)
        codes, new_codes : ndarray of shape (n, d), int
            The rows' bins and the counterfactuals' bins.

        Returns
        -------
        values : ndarray of shape (n, d)
        """
        cols = np.arange(X.shape[1])
        return np.where(new_codes != codes, self.rep[cols, new_codes], X)

    def pad_features(self, A):
        """``A (..., d)`` with zeros for the padding features: ``(..., D)``."""
        return np.pad(A, [(0, 0)] * (A.ndim - 1) + [(0, self.n_padded - A.shape[-1])])

    def device_tables(self):
        """The tables padded to ``D`` features, float32, for the kernels.

        Returns
        -------
        tab : dict
            ``rep`` (D, K) representative values, ``valid`` (D, K) real bins
            (a padding feature's one bin is bin 0), ``mutable`` (D,) 0/1.
        """
        d, K = self.rep.shape
        D = self.n_padded
        valid = np.zeros((D, K), dtype=bool)
        valid[:d] = self.valid
        valid[d:, 0] = True
        return {
            "rep": pad_rows(self.rep, D).astype(np.float32),
            "valid": valid,
            "mutable": pad_rows(self.mutable, D).astype(np.float32),
        }
