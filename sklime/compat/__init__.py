"""``lime``'s API on sklime's engine, module for module.

``from lime.discretize import QuartileDiscretizer`` becomes
``from sklime.compat.discretize import QuartileDiscretizer``. The modules
follow ``lime``'s names; what they compute comes from sklime's estimators.
Deliberate differences from ``lime`` are listed on the migrating page.
"""
