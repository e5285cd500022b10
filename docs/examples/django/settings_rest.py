# settings.py of a project behind a REST API whose binaryMediaTypes is */*
from __future__ import annotations

APIG_WSGI_BINARY_SUPPORT = True  # images, files, GZipMiddleware output
APIG_WSGI_SCRIPT_NAME = "auto"  # reverse("home") == "/prod/"
