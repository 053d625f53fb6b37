"""Sphinx configuration for the sklime documentation."""

import os
import sys
import warnings

sys.path.insert(0, os.path.abspath(".."))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import sklime

project = "sklime"
author = "The sklime developers"
copyright = "2026, The sklime developers"
release = sklime.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
default_role = "literal"
exclude_patterns = ["_build", "generated/*.examples", "sg_execution_times.rst"]
html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_title = "sklime"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# No network while building: intersphinx targets are optional niceties.
intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    "plot_gallery": "True",
    "remove_config_comments": True,
    "matplotlib_animations": False,
    # The last expression of a block is shown, as HTML when it has a
    # _repr_html_ (an Explanation shows its HTML view in the gallery).
    "capture_repr": ("_repr_html_", "__repr__"),
    "image_scrapers": ("matplotlib",),
    # Examples whose source did not change since the last build are not run
    # again (sphinx-gallery compares MD5 sums in doc/auto_examples).
    "run_stale_examples": False,
}

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")


def _skip_metadata_requests(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_fit_request`` and kin.

    scikit-learn adds them to estimators whose ``fit`` takes
    ``sample_weight``; their docstrings point into scikit-learn's own
    glossary, which this site does not have.
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
