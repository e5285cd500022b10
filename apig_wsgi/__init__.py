from __future__ import annotations

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.handler import make_lambda_handler
from apig_wsgi.options import DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES

__all__ = (
    "DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES",
    "InvalidEventError",
    "make_lambda_handler",
)
