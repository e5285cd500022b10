"""The Lambda entry point for a Django project.

Set the function's handler to ``apig_wsgi.contrib.django.handler.lambda_handler``
and the environment variable ``DJANGO_SETTINGS_MODULE``.
"""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.events import build_event_router
from apig_wsgi.handler import LambdaHandler


def build_lambda_handler() -> LambdaHandler:
    """Set up Django and wrap its WSGI app with the ``APIG_WSGI_*`` settings.

    Without ``APIG_WSGI_NON_HTTP_HANDLER``, other events go to the project's
    event router (task messages and registered event handlers).
    """
    application = get_wsgi_application()
    options = get_options()
    if options.non_http_handler is None:
        options = options.replace(non_http_handler=build_event_router())
    return LambdaHandler(application, options)


# Built at import so the work happens once per cold start, in Lambda's init phase.
lambda_handler = build_lambda_handler()
