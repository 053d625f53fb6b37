"""The core install's paths, run in an environment with only the core deps.

``pip install .`` (scikit-learn, numpy, scipy, jax, joblib) and nothing
else: no pandas, matplotlib, tqdm, scikit-image, dask or optax. CI runs this
script in such an environment (``.ci/run``). Every explainer that needs no
extra explains something, and every optional feature asked for without its
package fails with an ``ImportError`` that names its extra.
"""

import importlib.util
import sys

import numpy as np

OPTIONAL = ("pandas", "matplotlib", "tqdm", "skimage", "dask", "optax")


def main():
    present = [m for m in OPTIONAL if importlib.util.find_spec(m) is not None]
    if present:
        sys.exit(f"not a core install: {present} are installed")
    import sklime
    from sklime.compat.lime_tabular import LimeTabularExplainer

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 3, 300), rng.normal(size=(300, 3))])

    def predict(Z):
        p = 1 / (1 + np.exp(-(Z[:, 1] + (Z[:, 0] == 2))))
        return np.column_stack([1 - p, p])

    lime = sklime.LimeExplainer(
        predict, categorical_features=[0], n_samples=300, random_state=0
    ).fit(X)
    assert lime.explain(X[:3]).coef.shape == (3, 1, 4)
    assert lime.transform(X[:3]).shape == (3, 4)
    shap = sklime.KernelShapExplainer(predict, n_samples=64).fit(X[:20])
    assert shap.explain(X[:2]).coef.shape[0] == 2
    assert sklime.Discretizer().fit(X).transform(X).shape == X.shape
    assert sklime.pairwise_distances(X[:5]).shape == (5, 5)

    def words(texts):
        p = np.array([0.9 if "good" in t else 0.2 for t in texts])
        return np.column_stack([1 - p, p])

    text = sklime.TextExplainer(words, n_samples=50, random_state=0)
    assert text.explain(["a good day"]).as_list(0)[0][0] == "good"
    images = rng.random((1, 8, 8, 3))
    image = sklime.ImageExplainer(
        lambda b: np.column_stack([1 - b.mean((1, 2, 3)), b.mean((1, 2, 3))]),
        segmentation=lambda im: np.arange(64).reshape(8, 8) // 16,
        n_samples=30,
        random_state=0,
    )
    assert image.explain(images).coef.shape[2] == 4
    compat = LimeTabularExplainer(X, categorical_features=[0], random_state=0)
    assert len(compat.explain_instance(X[0], predict, num_samples=300).as_list()) == 4

    exp = lime.explain(X[:2])
    missing = {
        "plot": lambda: exp.plot(0),
        "pandas": lambda: exp.to_frame(),
        "progress": lambda: lime.set_params(verbose=1).explain(X[:2]),
        "image": lambda: sklime.ImageExplainer(
            lambda b: np.ones((len(b), 2)) / 2
        ).explain(images),
    }
    for extra, call in missing.items():
        try:
            call()
        except ImportError as exc:
            assert f"sklime[{extra}]" in str(exc), (extra, exc)
        else:
            sys.exit(f"{extra}: no ImportError without its package")
    print("core install: every core path ran; missing extras are named")


if __name__ == "__main__":
    main()
