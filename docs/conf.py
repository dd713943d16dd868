"""Sphinx configuration for mongofw's documentation (built by ``scripts/docs``)."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import mongofw  # noqa: E402

project = "mongofw"
author = "the mongofw authors"
copyright = "the mongofw authors"
release = version = mongofw.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "myst_parser",
    "mongofw_api",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_intersphinx", "_ext", "README.md"]

# Every reference must resolve: scripts/docs runs with -W -n.
nitpicky = True
# Python's inventory ships in the repository (Python 3.11's, from its documentation), so
# the build needs no network and gives the same links everywhere.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11", str(HERE / "_intersphinx" / "python-3.11.inv")),
}
# The implementation's modules (mongofw.client, mongofw.core, ...) are not part of the
# reference: a docstring may name one as a pointer for readers of the code, and such a
# name is shown as code without a link.
# pluggy's names (its exceptions in a ``:raises:`` field) have no inventory here.
nitpick_ignore = [("py:exc", "pluggy.PluginValidationError")]
nitpick_ignore_regex = [
    (r"py:.*", r"mongofw\.(client|core|options|compat|gridfs|monitoring|auth|codecs"
               r"|son_manipulators|cursor_managers|installation|errors)(\..*)?"),
]

# Signatures show names and defaults; types are described in each docstring's prose, as
# PyMongo's own reference does (type hints name internal classes a reader never imports).
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = True

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

html_theme = "alabaster"
html_title = f"mongofw {release}"
html_static_path: list = []
