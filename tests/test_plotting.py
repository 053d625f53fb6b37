"""Plots: bar chart, summary (beeswarm, heatmap), stability curve, image overlay.

Each plot is rendered to a PNG file; the tests check the file and the artists.
"""

import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection

from sklime import (
    Explanation,
    ImageExplanation,
    LimeExplainer,
    plot_stability,
    plot_summary,
)
from sklime.metrics import stability_report

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def exp(request):
    """Explanations of 40 breast-cancer rows, both classes."""
    X, _, _ = request.getfixturevalue("cancer")
    model = request.getfixturevalue("cancer_lr")
    explainer = LimeExplainer(model, n_samples=300, labels="all", random_state=0)
    return explainer.fit(X).explain(X[:40])


def _save(ax, tmp_path, name):
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path, dpi=60)
    size = path.stat().st_size
    plt.close(ax.figure)
    return size


def _toy(n=30, p=5, seed=0, data=True):
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=(n, 1, p)) * np.arange(1, p + 1)
    coef[rng.random(coef.shape) < 0.2] = 0.0
    return Explanation(
        coef=coef,
        intercept=np.zeros((n, 1)),
        score=np.ones((n, 1)),
        local_pred=np.zeros((n, 1)),
        model_pred=np.full((n, 2), 0.5),
        labels=np.ones((n, 1), dtype=int),
        feature_names=[f"f{j}" for j in range(p)],
        data=rng.normal(size=(n, p)) if data else None,
    )


# -- Explanation.plot -----------------------------------------------------------------


def test_bar_chart_like_lime(exp, tmp_path):
    ax = exp.plot(0, label=1, max_features=6)
    items = exp.as_list(0, label=1)[:6]
    bars = ax.patches
    assert len(bars) == 6
    # Largest |weight| on top (highest y), as lime's as_pyplot_figure.
    widths = [b.get_width() for b in sorted(bars, key=lambda b: -b.get_y())]
    np.testing.assert_allclose(widths, [w for _, w in items])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[::-1] == [d for d, _ in items]
    for b in bars:  # green for, red against
        r, g, _, _ = b.get_facecolor()
        assert (g > r) == (b.get_width() > 0)
    assert ax.get_title() == "Local explanation for class 1"
    assert _save(ax, tmp_path, "bar") > 1000


def test_bar_chart_on_given_axes(exp, tmp_path):
    fig, (a, b) = plt.subplots(1, 2)
    assert exp.plot(0, label=0, ax=a) is a
    assert exp.plot(0, label=1, ax=b) is b
    assert _save(a, tmp_path, "two") > 1000


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    e = _toy()
    image = ImageExplanation(
        coef=np.ones((1, 1, 1)),
        intercept=np.zeros((1, 1)),
        score=np.ones((1, 1)),
        local_pred=np.zeros((1, 1)),
        model_pred=np.array([[0.3, 0.7]]),
        labels=np.array([[1]]),
        segments=np.zeros((1, 2, 2), dtype=int),
        images=np.zeros((1, 2, 2, 3)),
    )
    draws = (e.plot, e.plot_summary, image.plot, lambda: plot_stability({1: 0.5}))
    for draw in draws:
        with pytest.raises(ImportError, match=r"matplotlib.*sklime\[plot\]"):
            draw()


# -- summary plot ---------------------------------------------------------------------


def test_beeswarm_summary(exp, tmp_path):
    ax = exp.plot_summary(label=1, max_features=8)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 8
    importance = np.abs(exp.coef[:, 1]).mean(axis=0)
    expected = [str(exp.feature_names[j]) for j in np.argsort(-importance)[:8]]
    assert names[::-1] == expected  # most important on top
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 8
    kept = (exp.coef[:, 1] != 0).sum(axis=0)
    order = np.argsort(-importance)[:8][::-1]
    assert [len(d.get_offsets()) for d in dots] == kept[order].tolist()
    # Coloured by feature value: a colour bar beside the axes.
    assert len(ax.figure.axes) == 2
    assert ax.figure.axes[1].get_ylabel() == "feature value"
    assert "40 rows, class 1" in ax.get_title()
    assert _save(ax, tmp_path, "beeswarm") > 2000


def test_beeswarm_without_values_colours_by_sign(tmp_path):
    e = _toy(data=False)
    ax = plot_summary(e, max_features=3)
    assert len(ax.figure.axes) == 1  # no colour bar
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    for d in dots:
        x = d.get_offsets()[:, 0]
        rgba = d.get_facecolors()
        assert ((rgba[:, 1] > rgba[:, 0]) == (x > 0)).all()
    assert _save(ax, tmp_path, "sign") > 1000


def test_heatmap_summary(exp, tmp_path):
    ax = plot_summary(exp, label=0, kind="heatmap", max_features=5)
    (image,) = ax.images
    assert image.get_array().shape == (5, 40)
    lo, hi = image.get_clim()
    assert lo == -hi  # centred on zero
    assert _save(ax, tmp_path, "heatmap") > 1000


def test_summary_label_selection_and_errors():
    e = _toy()
    with pytest.raises(KeyError, match="no row explains label 0"):
        plot_summary(e, label=0)
    with pytest.raises(ValueError, match="kind"):
        plot_summary(e, kind="violin")
    with pytest.raises(ValueError, match="max_features"):
        plot_summary(e, max_features=0)
    ax = plot_summary(e, label=1, max_features=2)
    plt.close(ax.figure)


# -- stability curve ------------------------------------------------------------------


def test_stability_curve_from_reports(cancer, cancer_lr, tmp_path):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, sampler="glime", random_state=0).fit(X)
    glime = {
        n: stability_report(explainer.set_params(n_samples=n), X[:6], seeds=(0, 1))
        for n in (100, 1600)
    }
    rows = glime[100]["jaccard_rows"]
    assert rows.shape == (6,)
    np.testing.assert_allclose(rows.mean(), glime[100]["jaccard"])
    reports = {"glime": glime, "published": {100: 0.2, 1600: 0.4}}
    ax = plot_stability(reports)
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), [100, 1600])
    np.testing.assert_allclose(
        lines[0].get_ydata(), [glime[n]["jaccard"] for n in (100, 1600)]
    )
    np.testing.assert_allclose(lines[1].get_ydata(), [0.2, 0.4])
    assert ax.get_xscale() == "log"
    assert len(ax.collections) == 1  # the interquartile band of the real reports
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(reports)
    assert _save(ax, tmp_path, "stability") > 1000

    ax = plot_stability(glime, metric="fidelity", xlabel="samples per row")
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    assert ax.get_xlabel() == "samples per row"
    assert _save(ax, tmp_path, "fidelity") > 1000


def test_stability_curve_from_numbers_and_errors(tmp_path):
    ax = plot_stability({"0.5": 0.2, "1": 0.4, "default": 0.7}, xlabel="kernel_width")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.5", "1", "default"]
    assert _save(ax, tmp_path, "categorical") > 1000
    with pytest.raises(ValueError, match="non-empty mapping"):
        plot_stability({})
    with pytest.raises(ValueError, match="metric"):
        plot_stability({1: 0.5}, metric="speed")
    with pytest.raises(ValueError, match="reports must map"):
        plot_stability({1: "high"})


# -- image overlay --------------------------------------------------------------------


def test_image_overlay(tmp_path):
    segments = np.repeat(np.repeat(np.arange(4).reshape(2, 2), 8, 0), 8, 1)[None]
    image = np.linspace(0, 255, 16 * 16 * 3).reshape(1, 16, 16, 3).astype(np.uint8)
    exp = ImageExplanation(
        coef=np.array([[[0.8, -0.4, 0.0, 0.1]]]),
        intercept=np.zeros((1, 1)),
        score=np.ones((1, 1)),
        local_pred=np.zeros((1, 1)),
        model_pred=np.array([[0.3, 0.7]]),
        labels=np.array([[1]]),
        segments=segments,
        images=image,
    )
    ax = exp.plot()
    base, overlay = ax.images
    rgba = overlay.get_array()
    assert rgba.shape == (16, 16, 4)
    # Segment 0 (top left, weight 0.8) green and most opaque; segment 1 red.
    assert rgba[0, 0, 1] > rgba[0, 0, 0] and rgba[0, 0, 3] == pytest.approx(0.6)
    assert rgba[0, 15, 0] > rgba[0, 15, 1] and rgba[0, 15, 3] == pytest.approx(0.3)
    assert rgba[15, 0, 3] == 0  # weight 0: untinted
    (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(edges.get_segments()) == 32  # 16 rows + 16 columns of boundary
    assert _save(ax, tmp_path, "overlay") > 1000
