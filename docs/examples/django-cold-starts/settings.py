"""Warm-up settings for a Django project served by apig-wsgi."""

from __future__ import annotations

# The default: load the URLconf, the templates in each engine's DIRS and the
# translation catalogs while Lambda initialises the function.
APIG_WSGI_WARM_UP = True
# Also GET these pages through the project during initialisation, so that
# whatever they use is loaded before the first visitor asks.
APIG_WSGI_WARM_UP_PATHS = ["/", "/health/"]
