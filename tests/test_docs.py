"""The documentation covers the public API, and the README's picture exists."""

import importlib
import re
from pathlib import Path

import pytest

import sklime
import sklime.metrics

ROOT = Path(__file__).parent.parent
API = ROOT / "doc" / "api.rst"


def _documented():
    """Names listed in the autosummary blocks of doc/api.rst, per module."""
    out, module = {}, None
    for line in API.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
        elif m := re.match(r"   (\w+)$", line):
            out.setdefault(module, set()).add(m.group(1))
    return out


_COMPAT = [
    importlib.import_module(f"sklime.compat.{name}")
    for name in (
        "discretize",
        "explanation",
        "lime_image",
        "lime_tabular",
        "lime_text",
        "submodular_pick",
        "wrappers.scikit_image",
    )
]


@pytest.mark.parametrize(
    "module", [sklime, sklime.metrics, *_COMPAT], ids=lambda m: m.__name__
)
def test_api_reference_lists_every_public_name(module):
    public = {name for name in module.__all__ if not name.startswith("_")}
    listed = _documented().get(module.__name__, set())
    assert public - listed == set(), "missing from doc/api.rst"
    assert listed - public == set(), "in doc/api.rst but not public"


def test_user_guide_pages_are_in_the_toctree():
    index = (ROOT / "doc" / "index.rst").read_text(encoding="utf-8")
    for page in sorted((ROOT / "doc").glob("*.rst")):
        if page.stem not in ("index", "sg_execution_times"):  # the latter: generated
            assert re.search(rf"^   {page.stem}$", index, re.M), page.name


def test_readme_picture_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert pictures
    for picture in pictures:
        assert (ROOT / picture).stat().st_size > 10_000


def test_all_extra_is_every_feature_extra_and_the_readme_names_them():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    features = ("plot", "pandas", "progress", "image", "dask", "counterfactual")
    assert set(extras["all"]) == {dep for name in features for dep in extras[name]}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (*features, "all"):
        assert f"`{name}`" in readme or f"[{name}]" in readme, name
