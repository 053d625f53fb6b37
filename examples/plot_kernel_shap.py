"""
Shapley values with Kernel SHAP
===============================

:class:`sklime.KernelShapExplainer` estimates the Shapley values of any model
over a background: each feature's share of the difference between a row's
prediction and the average prediction over the background. The values of a
row add up to that difference exactly; with few features (or enough
``n_samples``) every coalition is evaluated and the values are exact.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from sklime import KernelShapExplainer

data = load_breast_cancer(as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=40, random_state=0
)
model = HistGradientBoostingClassifier(random_state=0).fit(X_train, y_train)

# %%
# The background is what "a feature is absent" means: the training rows,
# summarised by a weighted k-means into 10 rows (each explained row costs
# ``n_samples * 10`` model rows). The base value is the mean probability of
# "benign" over the background.
explainer = KernelShapExplainer(model, labels=1, max_background=10, random_state=0)
explainer.fit(X_train)
print("base value:", explainer.expected_value_[1])
explanation = explainer.explain(X_test)
print(explanation)

# %%
# Efficiency holds for every row: base value plus the values is the model's
# probability.
total = explanation.intercept[:, 0] + explanation.coef[:, 0].sum(axis=1)
print(
    "largest gap to predict_proba:",
    np.abs(total - model.predict_proba(X_test)[:, 1]).max(),
)

# %%
# One row as a waterfall
# ----------------------
# From the base value to the row's prediction, largest values first; the
# smallest features share the bottom bar.
ax = explanation.plot_waterfall(3, max_features=8)
ax.figure.tight_layout()

# %%
# Every row at once
# -----------------
# A beeswarm per feature: how the values of 40 test rows spread, coloured by
# the feature's value.
ax = explanation.plot_summary(max_features=8)
ax.figure.tight_layout()
plt.show()
