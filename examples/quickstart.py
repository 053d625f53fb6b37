"""
Quickstart: explain a real model on a real dataset
==================================================

Train a logistic-regression pipeline on scikit-learn's breast cancer data,
explain 200 test rows at once with :class:`sklime.LimeExplainer`, print the
top features of a few of them, and save a bar chart and an HTML page.

This is what ``make demo`` runs.
"""

import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import LimeExplainer

data = load_breast_cancer(as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=200, random_state=0
)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(X_train, y_train)
print(f"model accuracy on the test rows: {model.score(X_test, y_test):.3f}")

# %%
# Fit the explainer on the training data, then explain every test row at once.
explainer = LimeExplainer(
    model, class_names=list(data.target_names), random_state=0
).fit(X_train)

# The first call of a process compiles the JAX kernels, or loads them from
# the persistent cache a previous process filled; the second call reuses them.
for call in ("first", "warm"):
    start = time.perf_counter()
    explainer.explain(X_test[:1])
    print(f"{call} call, one row: {time.perf_counter() - start:.2f} s")

start = time.perf_counter()
explanation = explainer.explain(X_test)
elapsed = time.perf_counter() - start
print(
    f"explained {len(explanation)} rows x {explainer.n_samples} samples "
    f"in {elapsed:.2f} s ({1000 * elapsed / len(explanation):.1f} ms per row)"
)

for i in range(3):
    name = explanation.label_name(i)
    proba = explanation.model_pred[i].max()
    print(
        f"\nrow {i}: predicted {name!r} (p={proba:.3f}), "
        f"local fidelity R^2={explanation.score[i, 0]:.2f}"
    )
    for description, weight in explanation.as_list(i)[:5]:
        print(f"  {weight:+.3f}  {description}")

# %%
# Save a picture and a self-contained HTML page of the first row.
out = Path("demo_output")
out.mkdir(exist_ok=True)
ax = explanation.plot(0)
ax.figure.tight_layout()
ax.figure.savefig(out / "explanation.png", dpi=120)
plt.close(ax.figure)
(out / "explanation.html").write_text(explanation.to_html(0), encoding="utf-8")
frame = explanation.to_frame()
frame.to_csv(out / "explanations.csv", index=False)
print(
    f"\nsaved {out / 'explanation.png'}, {out / 'explanation.html'} and "
    f"{out / 'explanations.csv'} ({len(frame)} rows)"
)
summary = pd.Series(abs(explanation.coef[:, 0]).mean(axis=0), index=data.feature_names)
print("\nmean |weight| over the 200 rows, top 5:")
print(summary.sort_values(ascending=False).head().round(3).to_string())
