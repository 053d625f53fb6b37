"""
Counterfactuals next to a LIME explanation
==========================================

LIME says which features pushed a prediction; a counterfactual says what
would have to change for the model to decide otherwise.
:class:`sklime.CounterfactualExplainer` learns to write counterfactuals (L2C:
a generator picks a new bin for each feature, a selector decides which
features change) for every row at once. Here both explain the same
breast-cancer diagnosis by a random forest, whose gradients do not exist: the
explainer trains on a distilled JAX proxy of the forest, and the forest
itself judges every counterfactual.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from sklime import CounterfactualExplainer, LimeExplainer
from sklime.metrics import (
    counterfactual_diversity,
    counterfactual_proximity,
    counterfactual_sparsity,
    counterfactual_validity,
)

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
model = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_train, y_train)

# %%
# Learn to write counterfactuals. The tumour's size and texture are treated
# as immutable: counterfactuals never touch them. Breast cancer is small (426
# training rows), so training takes more epochs at a larger learning rate
# than the defaults; a larger sparsity weight ``alpha`` than the default
# keeps the counterfactuals shorter.
explainer = CounterfactualExplainer(
    model,
    learning_rate=1e-2,
    max_epochs=50,
    alpha=3e-2,
    immutable_features=["mean radius", "mean texture"],
    random_state=0,
).fit(X_train)
print(f"trained on: {explainer.differentiable_model_}")
print(f"proxy agreement with the forest: {explainer.proxy_agreement_:.3f}")

# %%
# Five counterfactuals for every held-out row, judged by the forest.
cf = explainer.explain(X_test, n_counterfactuals=5)
print(f"validity:   {counterfactual_validity(cf):.3f}")
print(f"proximity:  {counterfactual_proximity(cf):.2f} (L1, standardized units)")
print(f"sparsity:   {counterfactual_sparsity(cf):.3f} (fraction unchanged)")
print(f"diversity:  {counterfactual_diversity(cf):.2f}")
print(f"median features changed: {np.median(cf.n_changed):g} of {X.shape[1]}")
assert (cf.counterfactuals[:, :, :2] == X_test.to_numpy()[:, None, :2]).all()

# %%
# One row: what LIME says, and what would flip the forest's decision.
i = 0
lime = LimeExplainer(model, n_samples=2000, random_state=0).fit(X_train)
lime_exp = lime.explain(X_test.iloc[[i]])
names = np.asarray(X.columns)
classes = load_breast_cancer().target_names
print(
    f"predicted: {classes[cf.model_pred[i].argmax()]}, target: {classes[cf.target[i]]}"
)
for c in range(3):
    changes = ", ".join(
        f"{name}: {before:.3g} -> {after:.3g}"
        for name, before, after in cf.as_list(i, c)
    )
    print(f"counterfactual {c} (valid={cf.valid[i, c]}): {changes}")

# %%
# Left: LIME's weights. Right: the changes of three counterfactuals, in
# standard deviations of each feature.
changed = np.flatnonzero(cf.changed[i, :3].any(axis=0))
shift = (cf.counterfactuals[i, :3] - cf.instances[i]) / explainer.scale_
table = pd.DataFrame(
    shift[:, changed].T,
    index=names[changed],
    columns=[f"counterfactual {c}" for c in range(3)],
)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.5))
lime_exp.plot(0, ax=left, max_features=10)
table.plot.barh(ax=right, width=0.8)
right.axvline(0, color="black", linewidth=0.8)
right.set_xlabel("change (standard deviations)")
right.set_title("Three counterfactuals")
right.legend(loc="lower right")
fig.tight_layout()

# %%
# Features both methods point at: LIME's ten largest weights and the
# features the counterfactuals change.
top_lime = names[np.argsort(-np.abs(lime_exp.coef[0, 0]))[:10]]
print("changed and in LIME's top 10:", sorted(set(names[changed]) & set(top_lime)))
