"""The HTML views in a real browser: headless Chromium renders them offline.

Each page is rendered twice: ``--screenshot`` (the page must not be blank: many
colours, the green and red of the bars) and ``--dump-dom`` (the text must be in
the document the browser built). Skipped only when Chromium is not installed
(``apt-get install chromium`` on Debian); ``.ci/run`` installs it and sets
``SKLIME_REQUIRE_CHROMIUM=1``, under which a missing Chromium is an error.
"""

import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklime import LimeExplainer, TextExplainer

CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
    None,
)
if CHROMIUM is None and os.environ.get("SKLIME_REQUIRE_CHROMIUM") == "1":
    raise RuntimeError("SKLIME_REQUIRE_CHROMIUM=1 but chromium is not installed.")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

GREEN = np.array([0x2B, 0x8A, 0x3E])  # the bars' colours
RED = np.array([0xC9, 0x2A, 0x2A])


def _chromium(tmp_path, *args):
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _render(tmp_path, fragment, name):
    """Screenshot (RGB array) and DOM text of ``fragment`` in a page of its own."""
    page = tmp_path / f"{name}.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>sklime</title>"
        f"</head><body>{fragment}</body></html>",
        encoding="utf-8",
    )
    shot = tmp_path / f"{name}.png"
    url = page.as_uri()
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,800", url)
    dom = _chromium(tmp_path, "--dump-dom", url)
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    return pixels, dom


def _share_near(pixels, colour, tolerance=24):
    """Fraction of pixels within ``tolerance`` of ``colour`` on every channel."""
    close = np.abs(pixels.astype(int) - colour).max(axis=2) <= tolerance
    return close.mean()


def _not_blank(pixels):
    assert pixels.shape == (800, 1000, 3)
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 50, f"only {len(colours)} colours: blank page?"
    assert (pixels.min(axis=2) < 200).mean() > 0.01  # some ink on the page


def test_tabular_html_in_chromium(cancer, cancer_lr, tmp_path):
    X, _, _ = cancer
    explainer = LimeExplainer(cancer_lr, n_samples=500, random_state=0).fit(X)
    exp = explainer.explain(X[:3])
    pixels, dom = _render(tmp_path, exp.to_html(0), "tabular")
    _not_blank(pixels)
    w = exp.coef[0, 0]
    assert (w > 0).any() and (w < 0).any()  # bars of both colours on screen
    assert _share_near(pixels, GREEN) > 1e-3 and _share_near(pixels, RED) > 1e-3
    for text in (
        "Row 0: explaining class",
        "Prediction probabilities",
        "Feature values",
    ):
        assert text in dom
    for description, weight in exp.as_list(0):
        assert description.replace("<", "&lt;").replace(">", "&gt;") in dom
        assert f"{weight:+.4f}" in dom
    top = int(np.argmax(np.abs(w)))
    assert f">{exp.data_names[top]}</td>" in dom  # the row's value of its top feature
    assert f"{X[0, top]:.4g}" in dom
    assert "fidelity (weighted R²)" in dom

    # Every row, as a notebook shows it.
    pixels, dom = _render(tmp_path, exp._repr_html_(), "all_rows")
    _not_blank(pixels)
    assert all(f"Row {i}: explaining" in dom for i in range(3))


def test_text_html_in_chromium(tmp_path):
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10)).fit(
        [
            "a wonderful heartfelt film with a brilliant cast",
            "great acting and a moving story",
            "a boring mess with awful dialogue",
            "terrible acting and a predictable plot",
        ],
        [1, 1, 0, 0],
    )
    exp = TextExplainer(model, n_samples=500, random_state=0).explain(
        ["the cast was brilliant but the plot was predictable & <b>awful</b>"]
    )
    pixels, dom = _render(tmp_path, exp.to_html(), "text")
    _not_blank(pixels)
    assert "Row 0: explaining class" in dom and "Weights for class" in dom
    assert "&amp; &lt;" in dom and "<b>" not in dom  # escaped, not markup
    weights = dict(exp.as_list(0))
    for word in ("brilliant", "predictable", "awful"):
        assert word in weights
        assert f">{word}</span>" in dom  # highlighted
    # Highlighted words: green and red tints somewhere on the page.
    r, g, b = (pixels[..., k].astype(int) for k in range(3))
    assert ((g - r > 25) & (g - b > 10)).mean() > 1e-4
    assert ((r - g > 25) & (r - b > 25)).mean() > 1e-4
