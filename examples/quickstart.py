"""Quickstart: sklime's kernels on a dataset bundled with scikit-learn."""

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import pairwise_distances as sk_pairwise_distances

from sklime import Discretizer, pairwise_distances

X, y = load_breast_cancer(return_X_y=True)
D = pairwise_distances(X)
print("pairwise distances", D.shape, "max |sklime - sklearn| =",
      float(np.abs(D - sk_pairwise_distances(X)).max()))
disc = Discretizer().fit(X)
print("quartile bins of feature 0:", disc.bin_descriptions()[0])
