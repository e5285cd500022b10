"""Flask integration: ``ApigWsgi`` extension, handler lookup and request helpers."""

from __future__ import annotations

from apig_wsgi.contrib.flask.extension import ApigWsgi
from apig_wsgi.contrib.flask.helpers import apig_context
from apig_wsgi.contrib.flask.helpers import get_apig_context
from apig_wsgi.contrib.flask.helpers import get_full_event
from apig_wsgi.contrib.flask.helpers import get_lambda_context
from apig_wsgi.contrib.flask.helpers import get_request_context
from apig_wsgi.contrib.flask.state import get_lambda_handler

__all__ = (
    "ApigWsgi",
    "apig_context",
    "get_apig_context",
    "get_full_event",
    "get_lambda_context",
    "get_lambda_handler",
    "get_request_context",
)
