"""Read the AWS event and Lambda context of the current Flask request.

Each helper returns None when the request did not come through the Lambda
handler (e.g. ``flask run``), and raises Flask's usual "Working outside of
request context" ``RuntimeError`` when there is no request at all.
"""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.local import LocalProxy

from apig_wsgi import environ_keys
from apig_wsgi.context import ApigContext

# The environ lives exactly as long as the request, unlike flask.g, which an
# outer app context can share between requests.
_CONTEXT_CACHE_KEY = "apig_wsgi.flask.apig_context"


def get_full_event() -> dict[str, Any] | None:
    """Return the whole Lambda event of the current request."""
    event: dict[str, Any] | None = request.environ.get(environ_keys.FULL_EVENT)
    return event


def get_request_context() -> dict[str, Any] | None:
    """Return the event's ``requestContext`` (``cf.config`` for Lambda@Edge)."""
    context: dict[str, Any] | None = request.environ.get(environ_keys.REQUEST_CONTEXT)
    return context


def get_lambda_context() -> Any:
    """Return the Lambda context object passed to the handler."""
    return request.environ.get(environ_keys.CONTEXT)


def get_apig_context() -> ApigContext | None:
    """Return the ``ApigContext`` of the current request."""
    environ = request.environ
    try:
        context: ApigContext | None = environ[_CONTEXT_CACHE_KEY]
    except KeyError:
        context = environ[_CONTEXT_CACHE_KEY] = ApigContext.from_environ(environ)
    return context


def _require_apig_context() -> ApigContext:
    context = get_apig_context()
    if context is None:
        # A RuntimeError also makes bool(apig_context) False, as for Flask's
        # own proxies outside their context.
        raise RuntimeError(
            "apig_context is only available in requests that came through the "
            "apig_wsgi Lambda handler. Use get_apig_context(), which returns "
            "None otherwise, to check first."
        )
    return context


#: The ``ApigContext`` of the current request, as a proxy.
apig_context: ApigContext = LocalProxy(_require_apig_context)  # type: ignore[assignment]
