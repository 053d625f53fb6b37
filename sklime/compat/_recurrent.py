"""``RecurrentTabularExplainer`` (see :mod:`sklime.compat.lime_tabular`)."""

import numpy as np

from ._tabular_explainer import LimeTabularExplainer

__all__ = ["RecurrentTabularExplainer"]


class RecurrentTabularExplainer(LimeTabularExplainer):
    """``lime``'s explainer of ``(n_timesteps, n_features)`` rows (e.g. RNN input).

    Rows are flattened to ``n_features * n_timesteps`` columns named
    ``"<feature>_t-<lag>"`` and the black box gets them back as
    ``(n, n_timesteps, n_features)`` arrays. Parameters are
    :class:`LimeTabularExplainer`'s, with ``training_data`` of shape
    ``(n, n_timesteps, n_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.lime_tabular import RecurrentTabularExplainer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 3, 2))
    >>> def predict(x):  # depends on feature 1 at the last step
    ...     p = 1 / (1 + np.exp(-4 * x[:, -1, 1]))
    ...     return np.column_stack([1 - p, p])
    >>> explainer = RecurrentTabularExplainer(X, feature_names=["a", "b"],
    ...                                       discretize_continuous=False,
    ...                                       random_state=0)
    >>> exp = explainer.explain_instance(X[0], predict, num_features=1,
    ...                                  num_samples=1000)
    >>> exp.as_list()[0][0]
    'b_t-0'
    """

    def __init__(
        self,
        training_data,
        mode="classification",
        training_labels=None,
        feature_names=None,
        categorical_features=None,
        categorical_names=None,
        kernel_width=None,
        kernel=None,
        verbose=False,
        class_names=None,
        feature_selection="auto",
        discretize_continuous=True,
        discretizer="quartile",
        random_state=None,
    ):
        data = np.asarray(training_data, dtype=np.float64)
        if data.ndim != 3:
            raise ValueError(
                "training_data must have shape (n_samples, n_timesteps, "
                f"n_features), got {data.shape}."
            )
        n, self.n_timesteps, self.n_features = data.shape
        if feature_names is None:
            feature_names = [str(j) for j in range(self.n_features)]
        lags = range(self.n_timesteps - 1, -1, -1)
        flat_names = [f"{name}_t-{lag}" for name in feature_names for lag in lags]
        super().__init__(
            self._flatten(data),
            mode=mode,
            training_labels=training_labels,
            feature_names=flat_names,
            categorical_features=categorical_features,
            categorical_names=categorical_names,
            kernel_width=kernel_width,
            kernel=kernel,
            verbose=verbose,
            class_names=class_names,
            feature_selection=feature_selection,
            discretize_continuous=discretize_continuous,
            discretizer=discretizer,
            random_state=random_state,
        )

    def _flatten(self, rows):
        """``(n, T, F)`` to ``(n, F * T)``, feature-major as ``lime``."""
        return np.transpose(rows, (0, 2, 1)).reshape(rows.shape[0], -1)

    def _reshape_input(self, X):
        X = np.asarray(X)
        return np.transpose(
            X.reshape(X.shape[0], self.n_features, self.n_timesteps), (0, 2, 1)
        )

    def _rows(self, rows):
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim != 3 or rows.shape[1:] != (self.n_timesteps, self.n_features):
            raise ValueError(
                f"data_row must have shape ({self.n_timesteps}, {self.n_features}) "
                f"(rows: (n, {self.n_timesteps}, {self.n_features})), got {rows.shape}."
            )
        return super()._rows(self._flatten(rows))

    def explain_instance(
        self,
        data_row,
        classifier_fn,
        labels=(1,),
        top_labels=None,
        num_features=10,
        num_samples=5000,
        distance_metric="euclidean",
        model_regressor=None,
    ):
        """Explain one ``(n_timesteps, n_features)`` row (see the base class)."""
        row = np.asarray(data_row, dtype=np.float64)
        if row.shape != (self.n_timesteps, self.n_features):
            raise ValueError(
                f"data_row must have shape ({self.n_timesteps}, {self.n_features}), "
                f"got {row.shape}."
            )
        return self.explain_instances(
            row[None],
            classifier_fn,
            labels=labels,
            top_labels=top_labels,
            num_features=num_features,
            num_samples=num_samples,
            distance_metric=distance_metric,
            model_regressor=model_regressor,
        )[0]
