"""Sphinx configuration of the qmemristor documentation.

Build (from the repository root, with ``pip install -e ".[docs]"``)::

    sphinx-build -W --keep-going -n -b html docs docs/_build/html

Everything that describes the code is generated from it at build time (``docs/_ext/qmdocs.py``):
the API pages from each module's ``__all__``, the CLI pages from the typer app, the figure
tables from ``qmemristor.figures.available()``.  Tutorials are MyST-NB notebooks executed at
build time with a cache (``docs/_build/.jupyter_cache``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import qmemristor  # noqa: E402  (after the path set-up above)

project = "qmemristor"
author = "qmemristor developers"
copyright = "the qmemristor developers"
release = qmemristor.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",  # MyST Markdown pages and executed notebooks (includes myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from _static: the site works without a network
    "qmdocs",
]

root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# Warnings are errors in CI (-W -n): every cross-reference must resolve.
nitpicky = True
suppress_warnings = [
    # Markdown files written for GitHub as much as for the site (paper-notes.md, errors.md,
    # CHANGELOG.md) may skip a heading level; that is a matter of style, not a broken page.
    "myst.header",
]

# --- MyST ------------------------------------------------------------------------------------
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3  # links such as paper-notes.md#paper-m work as on GitHub

# --- notebooks (tutorials) --------------------------------------------------------------------
nb_execution_mode = os.environ.get("QMEMRISTOR_DOCS_EXECUTE", "cache")  # "off" for a quick look
nb_execution_timeout = 600  # per cell; the whole set of tutorials runs in about a minute
nb_execution_raise_on_error = True  # a tutorial that fails breaks the build
nb_execution_show_tb = True
nb_merge_streams = True

# --- API reference ----------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True  # packages re-export from their submodules
autodoc_default_options = {"member-order": "bysource"}
# Types are written in the numpydoc Parameters/Returns sections; in signatures, evaluated hints
# (NumPy's NDArray expands to a generic several lines long) make them unreadable.
autodoc_typehints = "none"
autodoc_preserve_defaults = True  # show ``gamma0=0.2`` as written, not the evaluated object
autoclass_content = "class"
numpydoc_show_class_members = False  # members are listed by the autosummary class template
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False  # types in Parameters sections stay plain text

# External types that appear in signatures.  Python's and SciPy's inventories are vendored in
# docs/_inventories (from Debian's python3.11-doc and python-scipy-doc packages: the CI machine
# has no network beyond the package registries).  NumPy, xarray, Qiskit, matplotlib, Dask, zarr
# and numba publish no inventory that can be fetched offline, so references to their types are
# not checked (they still render as text):
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", str(DOCS / "_inventories" / "python.inv")),
    "scipy": ("https://docs.scipy.org/doc/scipy", str(DOCS / "_inventories" / "scipy.inv")),
}
intersphinx_timeout = 1
nitpick_ignore_regex = [
    (r"py:.*", r"(np|numpy|npt|xr|xarray|qiskit|qiskit_aer|qiskit_ibm_runtime|matplotlib)\..*"),
    (r"py:.*", r"(dask|distributed|zarr|numba|typer|click|rich)\..*"),
]

# --- HTML -------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"qmemristor {release}"
html_static_path = ["_static"]
html_css_files = ["qmemristor.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
    "source_repository": None,
}
