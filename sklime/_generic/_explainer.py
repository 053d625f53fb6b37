"""PerturbationExplainer: LIME on a user's perturbation (Captum's ``LimeBase``).

Captum's ``LimeBase`` takes a perturbation, a map from interpretable samples
to model input, a similarity and an interpretable model. Here they are a
scikit-learn estimator's parameters, and the explainer runs on the same
engine as every sklime explainer: per-item random streams, black-box calls
in slices, batched ridge surrogates (or the user's regressor).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._engine._estimator import (
    ENGINE_PARAMETERS,
    SURROGATE_PARAMETERS,
    ItemExplainerMixin,
)
from .._engine._model import PredictFnCloneMixin
from .._engine._precision import x64_scope
from .._engine._validation import named_input
from .._explanation._explanation import Explanation
from .._sampling._random import as_uniform
from ._plan import PerturbationPlan

__all__ = ["PerturbationExplainer"]


class PerturbationExplainer(
    ItemExplainerMixin, PredictFnCloneMixin, TransformerMixin, BaseEstimator
):
    """LIME with your own perturbation, on sklime's engine.

    For every row ``x`` of ``X`` the explainer draws uniform numbers ``u``
    from the row's own stream (seed and the row's values), asks
    ``perturb(x, u)`` for interpretable samples ``Z`` and model inputs
    ``S``, calls the black box on ``S``, weighs the samples by
    ``similarity`` and fits a surrogate of the outputs on ``Z``.

    Parameters
    ----------
    predict_fn : callable or fitted estimator, default=None
        The black box, on blocks of rows of ``S``.
    perturb : callable, default=None
        ``perturb(x, u) -> (Z, S)``: ``x`` is a row ``(d,)``, ``u`` float32
        uniforms ``(n_random, n_samples - 1)``; ``Z (n_samples, p)`` are the
        interpretable samples and ``S (n_samples, m)`` what the black box
        takes, row 0 of both the row itself. Numpy or ``jax.numpy``.
        Required. With several chunks it runs on a worker thread (the next
        chunk is prepared while ``predict_fn`` runs on this one), so it must
        not share unguarded state with ``predict_fn``.
    n_random : int, default=None
        Uniform numbers per sample; ``None`` is the row's width ``d``.
    similarity : callable, default=None
        ``similarity(Z) -> (n_samples,)`` non-negative weights; ``None`` is
        ``sqrt(exp(-d**2 / kernel_width**2))`` of the euclidean distance
        ``d`` to ``Z[0]``.
    kernel_width : float, default=None
        Width of the default similarity; ``None`` is ``0.75 * sqrt(p)``.
    surrogate : regressor, default=None
        ``None``: the built-in batched ridge; else any regressor taking
        ``sample_weight`` (fitted per row).
    n_samples : int, default=1000
        Samples per row, the row included.
    labels : int, array-like of int, "all" or None, default=None
        Outputs explained (``None``: each row's predicted output).
    top_labels : int, default=None
        Explain the most probable outputs instead of ``labels``.
    n_features : int, default=None
        Features each surrogate keeps; ``None`` keeps all.
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}, default="auto"
    alpha : float, default=1.0
        Ridge strength of the built-in surrogate.
    batch_size : int or "auto", default="auto"
        Most samples per call of the black box (``"auto"``: one call per row).
    jax_model : bool, default=False
        ``predict_fn`` is JAX-traceable: it runs jitted on ``S``.
    n_jobs : int, default=None
    random_state : int, RandomState instance or None, default=None
    class_names : array-like of str, default=None
        Names of the black box's outputs (one per output in
        classification), shown by plots and HTML; ``None`` takes a fitted
        classifier's ``classes_``, else the output indices.
    verbose : int, default=0

    Examples
    --------
    Continuous LIME around the row, rebuilt by hand:

    >>> import numpy as np
    >>> from scipy.special import ndtri
    >>> from sklime import PerturbationExplainer
    >>> def perturb(x, u):
    ...     Z = np.vstack([np.zeros_like(x), ndtri(u.T)])  # standard units
    ...     return Z, x + Z
    >>> model = lambda X: X @ np.array([1.0, -2.0, 0.0])
    >>> explainer = PerturbationExplainer(model, perturb=perturb,
    ...                                   n_samples=500, random_state=0)
    >>> np.round(explainer.explain(np.ones((1, 3))).coef[0, 0], 6)
    array([ 1., -2.,  0.])
    """

    _parameter_constraints: dict = {
        **ENGINE_PARAMETERS,
        **SURROGATE_PARAMETERS,
        "perturb": [callable, None],
        "n_random": [Interval(Integral, 1, None, closed="left"), None],
        "similarity": [callable, None],
        "kernel_width": [Interval(Real, 0, None, closed="neither"), None],
        "surrogate": [HasMethods(["fit"]), None],
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "top_labels": [Interval(Integral, 1, None, closed="left"), None],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        predict_fn=None,
        *,
        perturb=None,
        n_random=None,
        similarity=None,
        kernel_width=None,
        surrogate=None,
        n_samples=1000,
        labels=None,
        top_labels=None,
        n_features=None,
        feature_selection="auto",
        alpha=1.0,
        batch_size="auto",
        jax_model=False,
        n_jobs=None,
        class_names=None,
        random_state=None,
        verbose=0,
    ):
        self.predict_fn = predict_fn
        self.perturb = perturb
        self.n_random = n_random
        self.similarity = similarity
        self.kernel_width = kernel_width
        self.surrogate = surrogate
        self.n_samples = n_samples
        self.labels = labels
        self.top_labels = top_labels
        self.n_features = n_features
        self.feature_selection = feature_selection
        self.alpha = alpha
        self.batch_size = batch_size
        self.jax_model = jax_model
        self.n_jobs = n_jobs
        self.class_names = class_names
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X=None, y=None):
        """Check the settings; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_rows, d), default=None
            If given, rows like those to explain: their width (and column
            names) are recorded and checked by :meth:`explain`.
        y : None
            Ignored.

        Returns
        -------
        self : PerturbationExplainer
        """
        self._validate_params()
        self._black_box()
        if X is not None:
            with named_input("X"):
                X = validate_data(self, X, dtype=[np.float64, np.float32])
            self.n_interpretable_ = self._plan(X[:1]).p
        return self

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of :meth:`transform`: ``z0, z1, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the names seen in :meth:`fit`; the output names
            are those of the interpretable features, not of the input.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (p,)
        """
        check_is_fitted(self, "n_interpretable_")
        _check_feature_names_in(self, input_features)
        return _interpretable_names(self.n_interpretable_)

    def _plan(self, X):
        if self.perturb is None:
            raise ValueError("perturb is required: a callable (x, u) -> (Z, S).")
        n_random = X.shape[1] if self.n_random is None else self.n_random
        u = np.full((n_random, self.n_samples - 1), 0.5, np.float32)
        with x64_scope():
            Z, S = self.perturb(X[0], as_uniform(u))
        n = self.n_samples
        if (
            np.ndim(Z) != 2
            or np.shape(Z)[0] != n
            or np.ndim(S) != 2
            or np.shape(S)[0] != n
        ):
            raise ValueError(
                f"perturb must return Z (n_samples, p) and S (n_samples, m) with "
                f"n_samples={n} rows; got shapes {np.shape(Z)} and {np.shape(S)}."
            )
        p = np.shape(Z)[1]
        width = 0.75 * np.sqrt(p) if self.kernel_width is None else self.kernel_width
        return PerturbationPlan(
            X,
            self.perturb,
            n_random=n_random,
            n_interpretable=p,
            similarity=self.similarity,
            kernel_width=width,
        )

    def explain(self, X):
        """Explain every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_rows, d)

        Returns
        -------
        Explanation
        """
        self._validate_params()
        with named_input("X"):
            if hasattr(self, "n_features_in_"):
                X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
            else:
                X = check_array(X, dtype=[np.float64, np.float32])
        plan = self._plan(X)
        batch = None if self.batch_size == "auto" else int(self.batch_size)
        parts, output_names = self._explain_plan(plan, batch)
        names = _interpretable_names(plan.p)
        return Explanation(
            parts["coef"],
            parts["intercept"],
            parts["score"],
            parts["local_pred"],
            parts["model_pred"],
            parts["labels"],
            names,
            output_names=output_names,
            mode=parts["mode"],
        )

    def transform(self, X):
        """The surrogate coefficients of each row's first label, ``(n_rows, p)``.

        Parameters
        ----------
        X : array-like of shape (n_rows, d)

        Returns
        -------
        ndarray of shape (n_rows, p)
        """
        return self.explain(X).coef[:, 0, :]


def _interpretable_names(p):
    return np.asarray([f"z{j}" for j in range(p)], dtype=object)
