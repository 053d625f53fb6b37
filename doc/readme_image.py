"""Draw doc/_static/readme_explanation.png, the picture of the README and the docs.

Run from the repository root: ``.venv/bin/python doc/readme_image.py``.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklime import LimeExplainer

OUT = Path(__file__).parent / "_static" / "readme_explanation.png"

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=200, random_state=0)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(X_train, y_train)

explainer = LimeExplainer(
    model, labels=1, class_names=["malignant", "benign"], random_state=0
).fit(X_train)
explanation = explainer.explain(X_test)  # 200 rows at once

# Show a row whose top features pull both ways.
top = [[w for _, w in explanation.as_list(i)[:8]] for i in range(len(explanation))]
row = max(
    range(len(top)),
    key=lambda i: (min(sum(w > 0 for w in top[i]), sum(w < 0 for w in top[i])), -i),
)

fig, (left, right) = plt.subplots(
    1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1, 1.25]}
)
explanation.plot(row, max_features=8, ax=left)
left.set_title(f"explanation.plot({row}): one row, as lime draws it", fontsize=11)
explanation.plot_summary(max_features=8, ax=right)
right.set_title("explanation.plot_summary(): all 200 rows", fontsize=11)
fig.tight_layout()
OUT.parent.mkdir(exist_ok=True)
fig.savefig(OUT, dpi=90)
print(f"wrote {OUT}")
