from __future__ import annotations

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.handler import make_lambda_handler

__all__ = ("InvalidEventError", "make_lambda_handler")
