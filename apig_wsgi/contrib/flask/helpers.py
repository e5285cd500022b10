"""``apig_context``: the AWS request behind the current Flask request.

It is a proxy, like ``flask.request``, to the request's ``ApigContext``. It is
false outside requests that came through the Lambda handler (``flask run``, the
test client), where reading an attribute raises ``RuntimeError``; with no
request at all, Flask's usual "Working outside of request context" error.
"""

from __future__ import annotations

from flask import request
from werkzeug.local import LocalProxy

from apig_wsgi.context import ApigContext

# The environ lives exactly as long as the request, unlike flask.g, which an
# outer app context can share between requests.
_CONTEXT_CACHE_KEY = "apig_wsgi.flask.apig_context"


def _current_apig_context() -> ApigContext:
    environ = request.environ
    try:
        context: ApigContext | None = environ[_CONTEXT_CACHE_KEY]
    except KeyError:
        context = environ[_CONTEXT_CACHE_KEY] = ApigContext.from_environ(environ)
    if context is None:
        # A RuntimeError also makes bool(apig_context) False, as for Flask's
        # own proxies outside their context.
        raise RuntimeError(
            "apig_context is only available in requests that came through the "
            "apig_wsgi Lambda handler. Check it with `if apig_context:` first."
        )
    return context


#: The ``ApigContext`` of the current request, as a proxy.
apig_context: ApigContext = LocalProxy(_current_apig_context)  # type: ignore[assignment]
