"""The handler that the local tools run for a Django project.

``apig-wsgi serve`` and ``invoke``, given the project's WSGI application,
run the handler of ``apig_wsgi.contrib.django.handler`` with the project's
``APIG_WSGI_*`` settings, as Lambda does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from apig_wsgi.handler import LambdaHandler
    from apig_wsgi.response import WSGIApp


def configured_handler(application: WSGIApp) -> LambdaHandler:
    """``application``'s Lambda handler, built from the settings.

    Raises ``ValueError`` naming the first invalid ``APIG_WSGI_*`` setting.
    """
    try:
        # The module builds Lambda's handler when imported.
        from apig_wsgi.contrib.django.handler import build_lambda_handler

        return build_lambda_handler(application)
    except ImproperlyConfigured as exc:
        raise ValueError(str(exc)) from None
