"""Sphinx configuration for the apig-wsgi documentation site."""

from __future__ import annotations

import re
from pathlib import Path

_pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()

project = "apig-wsgi"
author = "apig-wsgi maintainers"
copyright = "apig-wsgi maintainers"
release = re.search(r'^version = "(.+)"$', _pyproject, re.MULTILINE)[1]  # type: ignore[index]
version = release

extensions: list[str] = []
exclude_patterns = ["_build", "examples"]
# Code without a language is shown as is, never guessed to be Python.
highlight_language = "none"

html_theme = "furo"
html_title = f"apig-wsgi {release}"
