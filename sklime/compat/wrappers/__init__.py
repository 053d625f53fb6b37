"""``lime.wrappers``: :mod:`~sklime.compat.wrappers.scikit_image`'s segmentations."""
