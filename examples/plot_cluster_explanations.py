"""
Clustering rows by their explanations
=====================================

``LimeExplainer.transform`` returns one attribution per feature, so
explanations are data: put the explainer in a pipeline in front of
:class:`~sklearn.cluster.KMeans` and rows that the model treats alike for the
same reasons land in the same cluster.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline

from sklime import LimeExplainer

data = load_breast_cancer(as_frame=True)
X, y = data.data, data.target
model = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)

# %%
# Explain class 1 ("benign") for 150 rows, then cluster the attributions.
pipe = make_pipeline(
    LimeExplainer(model, n_samples=1500, labels=1, random_state=0).set_output(
        transform="pandas"
    ),
    KMeans(n_clusters=3, n_init=10, random_state=0),
)
rows = X.sample(150, random_state=0)
clusters = pipe.fit_predict(rows)

# %%
# Each cluster's mean attribution shows the reasons it shares.
attributions = pipe[0].transform(rows)
profile = attributions.groupby(clusters).mean()
top = profile.abs().max().sort_values(ascending=False).index[:6]
print(profile[top].round(3).to_string())
summary = pd.DataFrame(
    {
        "rows": np.bincount(clusters),
        "benign rate": y.loc[rows.index].groupby(clusters).mean(),
    }
)
print(summary.round(2).to_string())

fig, ax = plt.subplots(figsize=(7, 3.5))
profile[top].T.plot.barh(ax=ax)
ax.axvline(0, color="black", lw=0.8)
ax.set_xlabel("mean weight for 'benign'")
ax.legend(title="cluster")
fig.tight_layout()
