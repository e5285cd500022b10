"""The Lambda entry points for a Django project.

Set the function's handler to ``apig_wsgi.contrib.django.handler.lambda_handler``
and the environment variable ``DJANGO_SETTINGS_MODULE``. With the
``apig_wsgi.runtime`` loop, which can stream, use ``streaming_handler``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

from django.core.wsgi import get_wsgi_application

from apig_wsgi import InvalidEventError
from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.events import build_event_router
from apig_wsgi.contrib.django.lifecycle import prepare_for_requests
from apig_wsgi.contrib.django.streaming import streaming_fronts
from apig_wsgi.handler import LambdaHandler
from apig_wsgi.handler import not_http_message
from apig_wsgi.streaming import StreamingHandler

if TYPE_CHECKING:
    from apig_wsgi.response import WSGIApp


def build_lambda_handler(application: WSGIApp | None = None) -> LambdaHandler:
    """Set up Django and wrap its WSGI app with the ``APIG_WSGI_*`` settings.

    ``application`` defaults to ``get_wsgi_application()``. Without
    ``APIG_WSGI_NON_HTTP_HANDLER``, other events go to the project's event
    router (task messages and registered event handlers).
    """
    if application is None:
        application = get_wsgi_application()
    options = get_options()
    if options.non_http_handler is None:
        options = options.replace(
            non_http_handler=build_event_router() or refuse_non_http_event
        )
    return LambdaHandler(application, options)


def build_streaming_handler(application: WSGIApp | None = None) -> StreamingHandler:
    """``build_lambda_handler``'s handler, streaming to ``APIG_WSGI_STREAM``'s fronts.

    The ``apig_wsgi.runtime`` loop streams those fronts' responses; called as
    a handler, by that loop for other events or by any other runtime, it
    answers buffered, exactly as ``build_lambda_handler``'s does.
    """
    return streaming_version(build_lambda_handler(application))


def streaming_version(handler: LambdaHandler) -> StreamingHandler:
    return StreamingHandler(handler.wsgi_app, handler.options, streaming_fronts())


def refuse_non_http_event(event: Any, context: Any) -> NoReturn:
    """Raise ``InvalidEventError`` with a hint in the project's own terms."""
    raise InvalidEventError(
        not_http_message(
            event,
            "Set APIG_WSGI_NON_HTTP_HANDLER, or register a handler on "
            "apig_wsgi.contrib.django.events.router,",
        )
    )


# Built at import so the work happens once per cold start, in Lambda's init phase.
lambda_handler = build_lambda_handler()
# The same application and options, for the apig_wsgi.runtime loop.
streaming_handler = streaming_version(lambda_handler)
prepare_for_requests()
