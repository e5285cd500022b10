"""Flask integration: the ``ApigWsgi`` extension, its handler and ``apig_context``."""

from __future__ import annotations

from apig_wsgi.contrib.flask.extension import ApigWsgi
from apig_wsgi.contrib.flask.helpers import apig_context
from apig_wsgi.contrib.flask.state import get_lambda_handler

__all__ = ("ApigWsgi", "apig_context", "get_lambda_handler")
