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
from apig_wsgi.contrib.django.lifecycle import prepare_for_requests


def build_lambda_handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Set up Django and wrap its WSGI app with the ``APIG_WSGI_*`` settings."""
    application = get_wsgi_application()
    return make_lambda_handler(application, **get_options().as_kwargs())


# Built at import so the work happens once per cold start, in Lambda's init phase.
lambda_handler = build_lambda_handler()
prepare_for_requests()
