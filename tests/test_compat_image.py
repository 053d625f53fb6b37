"""sklime.compat.lime_image: lime's image API on sklime.ImageExplainer.

lime's own test_scikit_image.py runs through tools/run_lime_tests.py (in
tests/test_compat_lime_suite.py); here:
get_image_and_mask against lime's, parity of the explanations with
lime.lime_image on a fixed segmentation, seeds, batches, labels, the
scikit-image wrapper and the errors.
"""

import itertools
import sys

import numpy as np
import pytest
from lime import lime_image as lime
from sklearn.linear_model import Ridge

from sklime.compat.lime_image import ImageExplanation, LimeImageExplainer
from sklime.compat.wrappers.scikit_image import SegmentationAlgorithm

#: Samples per image outside the parity tests.
N = 200
H = 32
ROWS, COLS = np.indices((H, H))
#: 16 blocks of 8 x 8 pixels, labelled 0..15 row by row.
BLOCKS = (ROWS // 8) * 4 + COLS // 8


def blocks(image):
    return BLOCKS


def textured(seed=0):
    return np.random.default_rng(seed).uniform(0.2, 0.8, size=(H, H, 3))


def _softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def texture_model(images):
    """Three classes from the texture (std) and brightness of known blocks.

    A block shown in its mean colour loses its texture but keeps its
    brightness: with lime's default hide_color=None only the std terms
    (blocks 0, 5, 10, 15) matter; with hide_color=0 block 3's brightness
    matters too.
    """
    std = {k: images[:, np.equal(BLOCKS, k)].std(axis=(1, 2)) for k in (0, 5, 10, 15)}
    bright = images[:, BLOCKS == 3].mean(axis=(1, 2))
    z1 = 12 * std[0] + 8 * std[5] - 10 * std[10] + 3 * bright - 2.5
    z2 = 6 * std[15] - 1.0
    return _softmax(np.stack([np.zeros_like(z1), z1, z2], axis=1))


def _quiet(**kwargs):
    return dict(segmentation_fn=blocks, num_samples=N, batch_size=N, **kwargs)


def _weights(exp, label, n=16):
    items = dict(exp.local_exp[label])
    return np.array([items.get(j, 0.0) for j in range(n)])


def _same(a, b):
    assert list(a.local_exp) == list(b.local_exp)
    for label in a.local_exp:
        assert a.local_exp[label] == b.local_exp[label]
        assert a.intercept[label] == b.intercept[label]
    assert a.score == b.score
    np.testing.assert_array_equal(a.local_pred, b.local_pred)
    np.testing.assert_array_equal(a.segments, b.segments)


# -- get_image_and_mask ---------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.uint8])
def test_get_image_and_mask_matches_lime(dtype):
    rng = np.random.default_rng(1)
    image = (rng.uniform(size=(H, H, 3)) * (255 if dtype == np.uint8 else 1)).astype(
        dtype
    )
    weights = [0.4, -0.3, 0.25, -0.2, 0.15, 0.1, -0.1, 0.05, 0.0, -0.02]
    segments = np.minimum(BLOCKS, len(weights) - 1)
    local_exp = sorted(
        enumerate(weights), key=lambda x: -abs(x[1])
    )  # largest |weight| first, as the explainers store it
    ours, theirs = (
        ImageExplanation(image, segments),
        lime.ImageExplanation(image, segments),
    )
    for exp in (ours, theirs):
        exp.local_exp[1] = list(local_exp)
    for pos, neg, hide, k, w in itertools.product(
        [True, False], [True, False], [True, False], [0, 1, 3, 100], [0.0, 0.1, 0.3]
    ):
        if pos and neg:
            continue
        kwargs = dict(
            positive_only=pos,
            negative_only=neg,
            hide_rest=hide,
            num_features=k,
            min_weight=w,
        )
        img1, mask1 = ours.get_image_and_mask(1, **kwargs)
        img2, mask2 = theirs.get_image_and_mask(1, **kwargs)
        assert img1.dtype == img2.dtype and mask1.dtype == mask2.dtype, kwargs
        np.testing.assert_array_equal(img1, img2, err_msg=str(kwargs))
        np.testing.assert_array_equal(mask1, mask2, err_msg=str(kwargs))


def test_get_image_and_mask_errors_as_lime():
    exp = ImageExplanation(textured(), BLOCKS)
    exp.local_exp[1] = [(0, 0.5)]
    with pytest.raises(ValueError, match="positive_only and negative_only"):
        exp.get_image_and_mask(1, positive_only=True, negative_only=True)
    with pytest.raises(KeyError, match=r"label 2 was not explained.*\[1\]"):
        exp.get_image_and_mask(2)


# -- lime's own tests and the scikit-image wrapper ----------------------------------


def test_segmentation_algorithm_is_scikit_image():
    from skimage import segmentation as seg

    image = textured()
    # lime's test_instanciate_segmentation_algorithm, with scikit-image's rng.
    ours = SegmentationAlgorithm(
        "quickshift", kernel_size=3, max_dist=6, ratio=0.5, random_seed=133
    )
    assert ours.target_params["rng"] == 133
    expected = seg.quickshift(image, kernel_size=3, max_dist=6, ratio=0.5, rng=133)
    np.testing.assert_array_equal(ours(image), expected)
    np.testing.assert_array_equal(
        SegmentationAlgorithm("slic", n_segments=9, compactness=5)(image),
        seg.slic(image, n_segments=9, compactness=5),
    )
    np.testing.assert_array_equal(
        SegmentationAlgorithm("felzenszwalb", scale=50)(image),
        seg.felzenszwalb(image, scale=50),
    )
    with pytest.warns(UserWarning, match="does not take"):
        dropped = SegmentationAlgorithm("slic", n_segments=9, colour="red")
    assert dropped.target_params == {"n_segments": 9}
    with pytest.raises(ValueError, match="algo_type"):
        SegmentationAlgorithm("watershed")


def test_missing_scikit_image_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage", None)
    with pytest.raises(ImportError, match=r'pip install "sklime\[image\]"'):
        SegmentationAlgorithm("slic")
    # A segmentation of one's own needs no scikit-image.
    exp = LimeImageExplainer(random_state=0).explain_instance(
        textured(), texture_model, progress_bar=False, **_quiet()
    )
    assert exp.top_labels == [1, 2, 0]


def test_default_segmentation_is_limes_quickshift():
    from skimage.segmentation import quickshift

    image = textured()[:16, :16]
    explainer = LimeImageExplainer(random_state=0)
    kwargs = dict(num_samples=20, batch_size=20, progress_bar=False)
    exp = explainer.explain_instance(image, texture_model_small, **kwargs)
    expected = quickshift(image, kernel_size=4, max_dist=200, ratio=0.2)
    np.testing.assert_array_equal(exp.segments, expected)
    seeded = explainer.explain_instance(
        image, texture_model_small, random_seed=3, **kwargs
    )
    np.testing.assert_array_equal(
        seeded.segments,
        quickshift(image, kernel_size=4, max_dist=200, ratio=0.2, rng=3),
    )


def texture_model_small(images):
    p = 1 / (1 + np.exp(-10 * (images[:, :8, :8].std(axis=(1, 2, 3)) - 0.1)))
    return np.column_stack([1 - p, p])


# -- parity with lime ------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"hide_color": 0, "distance_metric": "euclidean", "kernel_width": 3.0},
    ],
    ids=["lime-defaults", "hide0-euclidean"],
)
def test_parity_with_lime(settings):
    settings = dict(settings)
    width = settings.pop("kernel_width", 0.25)
    image = textured()
    kwargs = dict(
        top_labels=3,
        num_samples=3000,
        batch_size=1000,
        segmentation_fn=blocks,
        **settings,
    )
    theirs = lime.LimeImageExplainer(kernel_width=width, random_state=0)
    theirs = theirs.explain_instance(image, texture_model, random_seed=0, **kwargs)
    ours = LimeImageExplainer(kernel_width=width, random_state=0)
    ours = ours.explain_instance(image, texture_model, progress_bar=False, **kwargs)
    assert ours.top_labels == [int(k) for k in theirs.top_labels] == [1, 2, 0]
    assert list(ours.local_exp) == [int(k) for k in theirs.local_exp]
    for label in ours.top_labels:
        w_ours, w_theirs = _weights(ours, label), _weights(theirs, label)
        # The segments that matter (|weight| 0.045 to 0.36) against sampling
        # noise below 0.01 at 3000 samples: the same ones, the same signs,
        # the same first one, and close weights everywhere.
        assert ours.local_exp[label][0][0] == theirs.local_exp[label][0][0]
        important = np.abs(w_theirs) > 0.03
        assert important.sum() >= 3
        np.testing.assert_array_equal(np.abs(w_ours) > 0.03, important)
        np.testing.assert_array_equal(
            np.sign(w_ours[important]), np.sign(w_theirs[important])
        )
        np.testing.assert_allclose(w_ours, w_theirs, atol=0.03)
        assert abs(ours.intercept[label] - theirs.intercept[label]) < 0.03
    assert abs(ours.score - theirs.score) < 0.03
    assert abs(ours.local_pred[0] - theirs.local_pred[0]) < 0.03
    bright = _weights(ours, 1)[3]
    if "hide_color" in settings:  # block 3's brightness is visible only then
        assert bright > 0.05 and abs(bright - _weights(theirs, 1)[3]) < 0.03
    else:
        assert abs(bright) < 0.02


def test_kernel_sees_limes_distances_width_and_batches():
    """The kernel gets lime's distances (of 0/1 masks to the all-on mask)."""
    seen, sizes = [], []

    def kernel(d, kernel_width):
        seen.append((np.array(d), kernel_width))
        return np.sqrt(np.exp(-(d**2) / kernel_width**2))

    def model(images):
        sizes.append(len(images))
        return texture_model(images)

    explainer = LimeImageExplainer(kernel_width=0.3, kernel=kernel, random_state=0)
    for metric, possible in [
        ("cosine", 1 - np.sqrt(np.arange(1, 17) / 16)),
        ("euclidean", np.sqrt(np.arange(16))),
    ]:
        seen.clear()
        explainer.explain_instance(
            textured(),
            model,
            distance_metric=metric,
            progress_bar=False,
            segmentation_fn=blocks,
            num_samples=N,
            batch_size=30,
        )
        ((d, width),) = seen
        assert width == 0.3 and d.shape == (N,) and d[0] == 0
        assert np.isclose(d[:, None], possible[None]).any(axis=1).all(), metric
        assert len(np.unique(d.round(9))) > 5
    assert set(sizes) == {30, N % 30} and sum(sizes) == 2 * N


# -- seeds, batches, labels --------------------------------------------------------


def test_same_seed_same_explanation_on_every_call():
    image = textured()
    explainer = LimeImageExplainer(random_state=3)
    first = explainer.explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    second = explainer.explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    _same(first, second)
    again = LimeImageExplainer(random_state=3).explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    _same(first, again)
    other = LimeImageExplainer(random_state=4).explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    assert other.local_exp[1] != first.local_exp[1]


def test_explain_instances_equals_explain_instance():
    images = [
        textured(0),
        textured(1),
        textured(2)[:24, :16],
        (textured(3) * 255).astype(np.uint8)[..., 0],
    ]
    explainer = LimeImageExplainer(random_state=0)
    exps = explainer.explain_instances(
        images, texture_model_any, progress_bar=False, **_quiet_any()
    )
    assert len(exps) == len(images)
    for image, exp in zip(images, exps):
        alone = explainer.explain_instance(
            image, texture_model_any, progress_bar=False, **_quiet_any()
        )
        _same(exp, alone)
    as_array = explainer.explain_instances(
        np.stack(images[:2]), texture_model_any, progress_bar=False, **_quiet_any()
    )
    for a, b in zip(as_array, exps[:2]):
        _same(a, b)


def _quiet_any():
    return dict(
        segmentation_fn=lambda img: (np.indices(img.shape[:2]) // 8).sum(0),
        num_samples=N,
        batch_size=N,
    )


def texture_model_any(images):
    """Two classes from the texture of the top-left 8 x 8 pixels (any image size)."""
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    std = images[:, :8, :8].astype(float).std(axis=(1, 2, 3)) / scale
    p = 1 / (1 + np.exp(-10 * (std - 0.1)))
    return np.column_stack([1 - p, p])


def test_top_labels_and_labels():
    image = textured()
    explainer = LimeImageExplainer(random_state=0)
    top2 = explainer.explain_instance(
        image, texture_model, top_labels=2, progress_bar=False, **_quiet()
    )
    assert top2.top_labels == [1, 2]  # most probable first
    assert list(top2.local_exp) == [2, 1]  # explained as lime: increasing probability
    full = explainer.explain_instance(
        image, texture_model, top_labels=3, progress_bar=False, **_quiet()
    )
    assert full.score == pytest.approx(top2.score)  # the last label's (class 1)
    np.testing.assert_allclose(full.local_pred, top2.local_pred)
    for top in (None, 0):
        given = explainer.explain_instance(
            image,
            texture_model,
            labels=(0, 2),
            top_labels=top,
            progress_bar=False,
            **_quiet(),
        )
        assert given.top_labels is None and list(given.local_exp) == [0, 2]
        assert given.local_exp[2] == top2.local_exp[2]
    with pytest.raises(ValueError, match="labels"):
        explainer.explain_instance(
            image, texture_model, labels=(5,), top_labels=None, **_quiet()
        )


def test_grey_image_becomes_rgb():
    grey = textured()[..., 0]
    seen = []

    def model(images):
        seen.append(images.shape[1:])
        return texture_model(images)

    explainer = LimeImageExplainer(random_state=0)
    exp = explainer.explain_instance(grey, model, progress_bar=False, **_quiet())
    assert set(seen) == {(H, H, 3)} and exp.image.shape == (H, H, 3)
    rgb = explainer.explain_instance(
        np.stack([grey] * 3, axis=-1), texture_model, progress_bar=False, **_quiet()
    )
    _same(exp, rgb)


def test_segment_labels_keep_their_values():
    """Labels 5, 7, ... (not 0..p-1) name the segments of local_exp."""
    image = textured()
    explainer = LimeImageExplainer(random_state=0)
    plain = explainer.explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    kwargs = _quiet()
    kwargs["segmentation_fn"] = lambda img: 2 * BLOCKS + 5
    odd = explainer.explain_instance(image, texture_model, progress_bar=False, **kwargs)
    assert odd.local_exp[1] == [(2 * j + 5, w) for j, w in plain.local_exp[1]]
    np.testing.assert_array_equal(odd.segments, 2 * BLOCKS + 5)
    _, mask_odd = odd.get_image_and_mask(1, num_features=2)
    _, mask = plain.get_image_and_mask(1, num_features=2)
    np.testing.assert_array_equal(mask_odd, mask)


def test_model_regressor_kernel_hide_color_and_verbose(capsys):
    image = textured()
    explainer = LimeImageExplainer(random_state=0)
    base = explainer.explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    ridge = explainer.explain_instance(
        image,
        texture_model,
        model_regressor=Ridge(alpha=1.0),
        progress_bar=False,
        **_quiet(),
    )
    for label in base.local_exp:
        np.testing.assert_allclose(
            _weights(ridge, label), _weights(base, label), rtol=1e-6, atol=1e-9
        )
        assert ridge.intercept[label] == pytest.approx(base.intercept[label])

    def limes_kernel(d, kernel_width):
        return np.sqrt(np.exp(-(d**2) / kernel_width**2))

    custom = LimeImageExplainer(kernel=limes_kernel, random_state=0).explain_instance(
        image, texture_model, progress_bar=False, **_quiet()
    )
    for label in base.local_exp:
        np.testing.assert_allclose(
            _weights(custom, label), _weights(base, label), atol=1e-9
        )
    colour = explainer.explain_instance(
        image, texture_model, hide_color=[0.0, 0.0, 0.0], progress_bar=False, **_quiet()
    )
    zero = explainer.explain_instance(
        image, texture_model, hide_color=0, progress_bar=False, **_quiet()
    )
    _same(colour, zero)
    assert _weights(zero, 1)[3] > 0.05  # brightness of block 3 now visible
    capsys.readouterr()
    LimeImageExplainer(verbose=True, random_state=0).explain_instance(
        image, texture_model, top_labels=1, progress_bar=False, **_quiet()
    )
    out = capsys.readouterr().out
    assert "Intercept" in out and "Prediction_local" in out and "Right:" in out


# -- errors ------------------------------------------------------------------------


def _explain(model=texture_model, image=None, **kwargs):
    settings = _quiet()
    settings.update(kwargs)
    return LimeImageExplainer(random_state=0).explain_instance(
        textured() if image is None else image, model, progress_bar=False, **settings
    )


@pytest.mark.parametrize(
    "model, match",
    [
        (lambda x: texture_model(x)[:, 1], "classifier_fn must return probabilities"),
        (lambda x: texture_model(x)[:, :1], "classifier_fn must return probabilities"),
        (lambda x: texture_model(x)[:-1], "classifier_fn returned 199 rows for 200"),
        (lambda x: texture_model(x) * np.nan, "classifier_fn returned NaN"),
    ],
    ids=["1-d", "one-column", "rows", "nan"],
)
def test_bad_classifier_output_names_classifier_fn(model, match):
    with pytest.raises(ValueError, match=match):
        _explain(model)


def test_classifier_exception_names_classifier_fn():
    def broken(images):
        raise KeyError("boom")

    with pytest.raises(RuntimeError, match="classifier_fn raised KeyError") as info:
        _explain(broken)
    causes, exc = [], info.value
    while exc is not None:
        causes.append(exc)
        exc = exc.__cause__
    assert isinstance(causes[-1], KeyError)  # the original, at the end of the chain


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"distance_metric": "manhattan"}, "distance_metric must be one of"),
        ({"num_samples": 1}, "num_samples must be an int >= 2"),
        ({"num_features": 0}, "num_features must be an int >= 1"),
        ({"batch_size": 0}, "batch_size must be an int >= 1"),
        ({"top_labels": None, "labels": [-1]}, "labels must be"),
        ({"hide_color": [0, 0]}, "hide_color must be"),
        (
            {"segmentation_fn": lambda img: BLOCKS[:5]},
            "segmentation_fn returned labels",
        ),
        (
            {"segmentation_fn": lambda img: BLOCKS + 0.5},
            "segmentation_fn must return int",
        ),
        ({"image": np.zeros((2, H, H, 3))}, "image must be an image of shape"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _explain(**kwargs)


def test_bad_constructor_arguments_are_named():
    with pytest.raises(ValueError, match="kernel_width"):
        LimeImageExplainer(kernel_width=0)
    with pytest.raises(ValueError, match="feature_selection"):
        LimeImageExplainer(feature_selection="best")
    with pytest.raises(TypeError, match="kernel"):
        LimeImageExplainer(kernel="gaussian")
    with pytest.raises(ValueError, match="images must be a list"):
        LimeImageExplainer().explain_instances(textured(), texture_model)
    with pytest.raises(TypeError, match="model_regressor"):
        _explain(model_regressor="ridge")
