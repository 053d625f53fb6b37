"""``lime.lime_tabular`` on :class:`sklime.LimeExplainer`.

:class:`LimeTabularExplainer` takes ``lime``'s constructor and
``explain_instance`` and returns ``lime``-style explanations
(:class:`~sklime.compat.explanation.Explanation` with a
:class:`TableDomainMapper`); the sampling, distances, kernel and surrogate
fits are a native :class:`~sklime.LimeExplainer`'s, fitted once per black
box and reused on every call. :meth:`LimeTabularExplainer.explain_instances`
explains many rows in one vectorized call. :class:`RecurrentTabularExplainer`
explains ``(n_timesteps, n_features)`` rows as ``lime``'s.
"""

from ._recurrent import RecurrentTabularExplainer
from ._tabular_explainer import LimeTabularExplainer, TableDomainMapper

__all__ = ["LimeTabularExplainer", "RecurrentTabularExplainer", "TableDomainMapper"]
