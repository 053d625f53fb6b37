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


class PairwiseDistancesOnDevice(Benchmark):
    """JAX arrays in, the distance matrix left on the device (no host copy).

    ``n_rows x n_rows x 784`` float32; on a GPU the 10,000-row point is the
    issue's target (at least 50x ``sklearn`` with ``n_jobs=-1``).
    """

    param_names = ["n_rows", "metric"]
    params = ([1000, 10000], ["euclidean", "cosine"])
    timeout = 600

    def setup(self, n_rows, metric):
        import jax
        import jax.numpy as jnp

        self.X_host = random_matrix(n_rows, 784, "float32")
        self.X = jax.device_put(jnp.asarray(self.X_host))
        self._run = lambda: pairwise_distances(
            self.X, metric=metric
        ).block_until_ready()
        self._run()

    def time_sklime_on_device(self, n_rows, metric):
        self._run()

    def track_speedup_vs_sklearn_all_cores(self, n_rows, metric):
        """sklearn (``n_jobs=-1``, host arrays) time / sklime time on the device."""
        t_sklearn, t_sklime = side_by_side(
            lambda: sk_pairwise_distances(self.X_host, metric=metric, n_jobs=-1),
            self._run,
            rounds=2,
        )
        return t_sklearn / t_sklime

    track_speedup_vs_sklearn_all_cores.unit = "x"
