"""The Lambda entry point for a Django project.

Set the function's handler to ``apig_wsgi.contrib.django.handler.lambda_handler``
and the environment variable ``DJANGO_SETTINGS_MODULE``.
"""

from __future__ import annotations

from typing import Any
from typing import Callable

from django.core.wsgi import get_wsgi_application

from apig_wsgi import make_lambda_handler
from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.events import build_event_router
from apig_wsgi.contrib.django.lifecycle import prepare_for_requests


def build_lambda_handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Set up Django and wrap its WSGI app with the ``APIG_WSGI_*`` settings.

    Without ``APIG_WSGI_NON_HTTP_HANDLER``, other events go to the project's
    event router (task messages and registered event handlers).
    """
    application = get_wsgi_application()
    options = get_options().as_kwargs()
    if options["non_http_handler"] is None:
        options["non_http_handler"] = build_event_router()
    return make_lambda_handler(application, **options)


# Built at import so the work happens once per cold start, in Lambda's init phase.
lambda_handler = build_lambda_handler()
prepare_for_requests()
