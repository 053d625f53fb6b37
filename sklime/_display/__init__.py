"""Views of explanations, apart from the data they show.

``_colours`` (the colours, once), ``_html`` (the HTML views), ``_bars`` (a
row's bar chart), ``_image`` (the superpixel overlay) and ``_plotting``
(summary and stability plots of many rows, and the lazy matplotlib import).
Each function takes an explanation; the explanation classes call them.
"""
