"""Sampling: random streams, and one kernel per step from uniforms to samples.

- ``_random``, ``_content``: the streams (per row, per item), as uniforms or
  raw 32-bit words.
- ``_ppf``: ``ndtri32``, the float32 standard normal quantile.
- ``_gaussian``, ``_masks``, ``_categorical``, ``_truncnorm``, ``_binned``:
  the ``*_from_uniform`` kernels that the explainers call, their tables, and
  the public ``sample_*`` functions that apply them to JAX-drawn numbers.
- ``_checks``: the public samplers' argument checks and key handling.
- ``_relaxed``: differentiable relaxations (Gumbel-softmax, relaxed Bernoulli).
"""
