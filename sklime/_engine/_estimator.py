"""What every explainer estimator shares: engine parameters and item explainers.

``ENGINE_PARAMETERS`` are the ``_parameter_constraints`` of the settings the
engine takes (black box, labels, batches, device, jobs, seed, progress);
each explainer adds its own. :class:`ItemExplainerMixin` is the estimator
side of explainers of whole items (images, texts, a user's perturbation):
nothing to learn at ``fit``, one plan per ``explain``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._sampling._random import base_seed
from .._shapley._masks import ShapleyMasks
from .._shapley._solve import kernel_shap_fit
from .._surrogate._selection import METHODS
from ._device_model import DeviceModel
from ._engine import Engine
from ._labels import check_labels_param
from ._model import check_class_names, check_probabilities, resolve_predict_fn

__all__ = [
    "ENGINE_PARAMETERS",
    "SURROGATE_PARAMETERS",
    "FidelityScoreMixin",
    "ItemExplainerMixin",
]

#: Constraints of the engine's settings, shared by every explainer.
ENGINE_PARAMETERS = {
    "predict_fn": [callable, HasMethods(["fit"]), None],
    "class_names": ["array-like", None],
    "labels": [
        Interval(Integral, 0, None, closed="left"),
        "array-like",
        StrOptions({"all"}),
        None,
    ],
    "batch_size": [
        Interval(Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "jax_model": ["boolean"],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}

#: Constraints of the built-in surrogate's settings.
SURROGATE_PARAMETERS = {
    "feature_selection": [StrOptions(set(METHODS))],
    "alpha": [Interval(Real, 0, None, closed="left")],
}


class FidelityScoreMixin:
    """``score``: the mean local fidelity, so that GridSearchCV can tune."""

    def score(self, X, y=None):
        """Mean local fidelity (weighted R^2 of the surrogates) on ``X``.

        Parameters
        ----------
        X : items to explain
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.explain(X).score))


class ItemExplainerMixin(FidelityScoreMixin):
    """Estimator plumbing of explainers whose items need no fitted statistics.

    Subclasses define ``explain`` (validate, build a plan, call
    :meth:`_explain_plan`) and the parameters ``predict_fn``, ``n_samples``,
    ``labels``, ``top_labels``, ``n_features``, ``feature_selection``,
    ``alpha``, ``jax_model``, ``n_jobs``, ``random_state`` and ``verbose``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.non_deterministic = self.random_state is None
        return tags

    def _black_box(self):
        """The black box and its output names; checks ``labels``'s form."""
        check_labels_param(self.labels)
        fn, names = resolve_predict_fn(self.predict_fn, "auto", type(self).__name__)
        given = getattr(self, "class_names", None)
        return fn, names if given is None else np.asarray(given, dtype=object)

    def _probe(self, inputs):
        """Ask the black box about one item: sets ``n_outputs_``."""
        fn, self.output_names_ = self._black_box()
        out = np.asarray(fn(inputs))
        self.n_outputs_ = 1 if out.ndim == 1 else int(out.shape[1])
        return self

    def _explain_plan(self, plan, batch_size):
        """Run the engine on ``plan``: the result dict and the output names.

        With ``kernel="shapley"`` the plan's masks become Kernel SHAP's
        coalitions and the surrogate its constrained fit.
        """
        fn, output_names = self._black_box()
        n_samples, fit = self.n_samples, None
        if getattr(self, "kernel", None) == "shapley":
            plan = ShapleyMasks(plan, self.n_samples)
            n_samples, fit = plan.n_samples, kernel_shap_fit
        engine = Engine(
            fn,
            n_samples=n_samples,
            seed=base_seed(self.random_state),
            alpha=self.alpha,
            feature_selection=self.feature_selection,
            n_features=self.n_features,
            labels=self.labels,
            top_labels=getattr(self, "top_labels", None),
            batch_size=batch_size,
            surrogate=getattr(self, "surrogate", None),
            device_model=DeviceModel(fn, False) if self.jax_model else None,
            fit=fit,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
        )
        parts = engine.run(plan)
        if parts["model_pred"].shape[1] > 1:
            check_probabilities(parts["model_pred"])
        parts["mode"] = (
            "classification" if parts["model_pred"].shape[1] > 1 else "regression"
        )
        output_names = check_class_names(
            getattr(self, "class_names", None),
            output_names,
            parts["mode"],
            parts["model_pred"].shape[1],
        )
        return parts, output_names
