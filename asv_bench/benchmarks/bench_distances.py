"""sklime.pairwise_distances against sklearn.metrics.pairwise_distances."""

from sklearn.metrics import pairwise_distances as sk_pairwise_distances

from sklime import pairwise_distances

from .common import Benchmark, random_matrix, side_by_side


class PairwiseDistances(Benchmark):
    """Distance matrix of ``X`` with itself (``Y=None``)."""

    param_names = ["n_rows", "n_features", "dtype", "metric"]
    params = (
        [100, 1000, 5000],
        [10, 100, 784],
        ["float32", "float64"],
        ["euclidean", "cosine"],
    )

    def setup(self, n_rows, n_features, dtype, metric):
        self.X = random_matrix(n_rows, n_features, dtype)
        # Compile the JAX kernel for this shape now, not inside a measurement.
        pairwise_distances(self.X, metric=metric)

    def time_sklime(self, n_rows, n_features, dtype, metric):
        pairwise_distances(self.X, metric=metric)

    def time_sklearn(self, n_rows, n_features, dtype, metric):
        sk_pairwise_distances(self.X, metric=metric)

    def track_speedup(self, n_rows, n_features, dtype, metric):
        """sklearn time / sklime time, best of several side-by-side rounds."""
        t_sklearn, t_sklime = side_by_side(
            lambda: sk_pairwise_distances(self.X, metric=metric),
            lambda: pairwise_distances(self.X, metric=metric),
        )
        return t_sklearn / t_sklime

    track_speedup.unit = "x"


class PairwiseDistancesXY(Benchmark):
    """Distance matrix between two different sets of rows."""

    param_names = ["n_rows", "n_features", "dtype", "metric"]
    params = ([1000], [784], ["float32", "float64"], ["euclidean", "cosine"])

    def setup(self, n_rows, n_features, dtype, metric):
        self.X = random_matrix(n_rows, n_features, dtype, seed=0)
        self.Y = random_matrix(n_rows, n_features, dtype, seed=1)
        pairwise_distances(self.X, self.Y, metric=metric)  # compile

    def time_sklime(self, n_rows, n_features, dtype, metric):
        pairwise_distances(self.X, self.Y, metric=metric)

    def time_sklearn(self, n_rows, n_features, dtype, metric):
        sk_pairwise_distances(self.X, self.Y, metric=metric)

    def track_speedup(self, n_rows, n_features, dtype, metric):
        """sklearn time / sklime time, best of several side-by-side rounds."""
        t_sklearn, t_sklime = side_by_side(
            lambda: sk_pairwise_distances(self.X, self.Y, metric=metric),
            lambda: pairwise_distances(self.X, self.Y, metric=metric),
        )
        return t_sklearn / t_sklime

    track_speedup.unit = "x"


class PairwiseDistancesMemory(Benchmark):
    """Peak memory on the larger grid points (a subset of PairwiseDistances).

    asv reports the peak resident memory of the whole benchmark process:
    Python, NumPy, JAX and scikit-learn once imported (the same for both
    libraries), the input, and the call. The sklime figure includes the
    kernel's first call for this shape (its compilation, or its loading from
    JAX's persistent cache): a warm-up call in ``setup`` would reach the same
    peak before the measurement starts.
    """

    param_names = ["n_rows", "n_features", "dtype", "metric"]
    params = ([1000, 5000], [784], ["float32", "float64"], ["euclidean"])

    def setup(self, n_rows, n_features, dtype, metric):
        self.X = random_matrix(n_rows, n_features, dtype)

    def peakmem_sklime(self, n_rows, n_features, dtype, metric):
        pairwise_distances(self.X, metric=metric)

    def peakmem_sklearn(self, n_rows, n_features, dtype, metric):
        sk_pairwise_distances(self.X, metric=metric)
