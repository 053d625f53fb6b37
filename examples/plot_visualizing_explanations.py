"""
Looking at explanations: bars, HTML, summaries
==============================================

One row at a time, ``lime`` shows a bar chart (``as_pyplot_figure``) and an
HTML view (``show_in_notebook``). sklime has both for every row it
explains, and, because it explains whole datasets at once, a summary of many
rows: a beeswarm with one line of dots per feature, or a heatmap.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from sklime import LimeExplainer

data = load_breast_cancer(as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=120, random_state=0
)
model = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_train, y_train)

# %%
# Explain 120 test rows, all for class 1 ("benign", as ``lime``'s default
# ``labels=(1,)``), so that their weights can be compared. With the default
# quartile discretizer a weight belongs to the row's bin of the feature
# ("worst perimeter > 125.10").
explainer = LimeExplainer(model, n_samples=2000, labels=1, random_state=0)
explainer.fit(X_train)
explanation = explainer.explain(X_test)
print(explanation)

# %%
# One row, as ``lime``'s ``as_pyplot_figure``
# -------------------------------------------
# Row 10 is a borderline case (the forest gives it 0.4 for "benign"). Green
# bars speak for "benign", red bars against it, largest first.
ax = explanation.plot(10)
ax.figure.tight_layout()

# %%
# One row as HTML
# ---------------
# In a notebook an explanation displays itself; ``to_html(i)`` returns the
# same self-contained page (no scripts, no network) as a string to save.
explanation[10]

# %%
# Many rows: the beeswarm
# -----------------------
# One line of dots per feature, the most important (mean ``|weight|``) on
# top; each dot is a row, placed at its weight and coloured by the row's
# value of the feature. Rows in the top bins of the size features (red dots)
# are pushed towards "malignant", rows in the low bins (blue) towards
# "benign".
ax = explanation.plot_summary(max_features=8)
ax.figure.tight_layout()

# %%
# Many rows: the heatmap
# ----------------------
# The same weights as an image, one column per row.
ax = explanation.plot_summary(max_features=8, kind="heatmap")
ax.figure.tight_layout()
plt.show()
