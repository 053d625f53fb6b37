"""``lime``'s API on sklime's engine, module for module.

``from lime.X import Y`` becomes ``from sklime.compat.X import Y`` for

- ``lime_tabular``: ``LimeTabularExplainer``, ``RecurrentTabularExplainer``
  (on :class:`sklime.LimeExplainer`);
- ``lime_text``: ``LimeTextExplainer``, ``IndexedString``,
  ``IndexedCharacters`` (on :class:`sklime.TextExplainer`);
- ``lime_image``: ``LimeImageExplainer``, ``ImageExplanation`` (on
  :class:`sklime.ImageExplainer`), and ``wrappers.scikit_image``'s
  ``SegmentationAlgorithm``;
- ``discretize``: lime's discretizers (on :class:`sklime.Discretizer`);
- ``submodular_pick``: ``SubmodularPick``;
- ``explanation``: lime's ``Explanation`` and ``DomainMapper``.

The modules follow ``lime``'s names and semantics; what they compute comes
from sklime's estimators, and each explainer adds ``explain_instances`` for
many instances in one call. Deliberate differences from ``lime`` are listed
on the migrating page.
"""
