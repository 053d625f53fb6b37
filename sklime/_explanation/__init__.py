"""Explanation objects and what is read from them.

``_explanation`` (the ``Explanation`` container, base of the image and text
explanations), ``_weights`` (a row's ranked weights, one label's weights over
rows) and ``_global`` (NormLIME / average importance, SP-LIME).
"""
