"""
Explaining image classifiers with superpixels
=============================================

:class:`sklime.ImageExplainer` is LIME for images: it cuts an image into
superpixels, switches random subsets of them off, asks the model about the
perturbed images and fits a weighted linear surrogate on the on/off masks.
Its defaults are those of ``lime``'s ``LimeImageExplainer`` (quickshift
superpixels, 1000 samples, cosine kernel of width 0.25, hidden superpixels
painted in their mean colour); the masks are drawn in JAX, the perturbed
images are built in one vectorized kernel, and many images are explained in
one call.

Two small models written here: a colour-histogram classifier that tells the
astronaut photograph from other photographs of scikit-image, and a logistic
regression on scikit-learn's handwritten digits.
"""

import matplotlib.pyplot as plt
import numpy as np
import skimage.data
from skimage.segmentation import mark_boundaries
from skimage.transform import resize
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from sklime import ImageExplainer

# %%
# A colour-histogram classifier
# -----------------------------
# Each image becomes a histogram of its colours (4 levels per channel, 64
# bins); a logistic regression learns which colours make "astronaut" crops
# from crops of three other photographs.


def colour_histograms(images):
    """Fraction of the pixels in each of 64 colour bins, per image."""
    images = np.asarray(images)
    n = images.shape[0]
    q = images.astype(np.int64) // 64  # 4 levels per channel
    bins = (q[..., 0] * 16 + q[..., 1] * 4 + q[..., 2]).reshape(n, -1)
    offsets = np.arange(n)[:, None] * 64
    counts = np.bincount((bins + offsets).ravel(), minlength=n * 64)
    return counts.reshape(n, 64) / bins.shape[1]


def random_crops(image, n, size, rng):
    ys = rng.integers(0, image.shape[0] - size, n)
    xs = rng.integers(0, image.shape[1] - size, n)
    return np.stack([image[y : y + size, x : x + size] for y, x in zip(ys, xs)])


rng = np.random.default_rng(0)
astronaut = skimage.data.astronaut()
others = [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.rocket()]
crops = [random_crops(astronaut, 300, 96, rng)]
crops += [random_crops(image, 100, 96, rng) for image in others]
X = colour_histograms(np.concatenate(crops))
y = np.repeat([1, 0], 300)
histogram_model = LogisticRegression(C=10, max_iter=2000).fit(X, y)


def predict_astronaut(images):
    """The black box: images (n, H, W, 3) uint8 -> class probabilities."""
    return histogram_model.predict_proba(colour_histograms(images))


# %%
# Explain the astronaut photograph at 224 x 224, with lime's defaults.
image = (resize(astronaut, (224, 224), anti_aliasing=True) * 255).astype(np.uint8)
explainer = ImageExplainer(predict_astronaut, labels=1, random_state=0)
exp = explainer.explain(image)
print(exp)
print(f"P(astronaut) = {exp.model_pred[0, 1]:.3f}, fidelity R² = {exp.score[0, 0]:.3f}")
print("strongest superpixels:", exp.as_list()[:5])

# %%
# Green superpixels speak for "astronaut", red ones against it. The mask of
# the five most positive superpixels is lime's ``get_image_and_mask``.
shown, mask = exp.get_image_and_mask(num_features=5, hide_rest=True)
fig, axes = plt.subplots(1, 3, figsize=(11, 4))
axes[0].imshow(image)
axes[0].set_title("image")
exp.plot(ax=axes[1])
axes[2].imshow(mark_boundaries(shown.astype(np.uint8), mask))
axes[2].set_title("top 5 superpixels")
for ax in axes:
    ax.set_axis_off()
fig.tight_layout()

# %%
# Handwritten digits, many images at once
# ---------------------------------------
# The digits are 8 x 8 grayscale images (values 0-16). The model takes the
# images as they are, ``(n, 8, 8)``; superpixels are 2 x 2 blocks and a
# hidden block turns black (``hide_color=0``). Twelve digits are explained
# in one call, each for its predicted class.
digits = load_digits()
images = digits.images
digit_model = LogisticRegression(max_iter=1000).fit(
    images[:1200].reshape(1200, -1) / 16, digits.target[:1200]
)


def predict_digit(batch):
    return digit_model.predict_proba(batch.reshape(len(batch), -1) / 16)


def blocks(image):
    rows, cols = np.indices(image.shape[:2]) // 2
    return rows * 4 + cols


test = images[1200:1212]
digit_exp = ImageExplainer(
    predict_digit, segmentation=blocks, hide_color=0, random_state=0
).explain(test[..., None])  # (n, 8, 8, 1): a batch of one-channel images
print(digit_exp)
print("predicted:", digit_exp.labels[:, 0].tolist())
print("true:     ", digits.target[1200:1212].tolist())

fig, axes = plt.subplots(2, 6, figsize=(11, 4.6))
for i, ax in enumerate(axes.ravel()):
    digit_exp.plot(i, ax=ax, alpha=0.7)
    ax.set_title(f"explains {digit_exp.labels[i, 0]}")
fig.suptitle("Which 2x2 blocks make each digit its predicted class")
fig.tight_layout()
plt.show()
